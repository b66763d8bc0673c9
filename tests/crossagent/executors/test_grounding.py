"""The grounding controller on MineSim: it acts on what the point hits, and only on that."""

import pytest

from crossagent.executors import sim_view
from crossagent.executors.dispatch import minesim_executors, to_raw
from crossagent.executors.equivalence import equivalent_ticks
from crossagent.executors.grounding import GroundingExecutor
from crossagent.sim.scene import BlocksInView, InventoryEntry, MobGroup, SceneSpec
from crossagent.sim.sim import MineSim
from modeling_crossagent.action_spaces import GroundingAction


def _run(sim, action, max_ticks=200):
    executor = GroundingExecutor(sim, max_ticks=max_ticks)
    executor.start(action, None)
    ticks = 0
    while (tick := executor.next_tick(None)) is not None:
        sim.step(tick)
        ticks += 1
    return executor, ticks


@pytest.fixture
def world():
    sim = MineSim(96, 96)
    sim.reset(
        SceneSpec(seed=1, blocks_in_view=[BlocksInView("oak_log", 2)], inventory=[InventoryEntry("iron_axe")])
    )
    return sim


def test_mine_breaks_the_pointed_block(world):
    point = sim_view.find_in_view(world, "oak_log", 16)
    assert point is not None
    executor, ticks = _run(world, GroundingAction("Mine", "oak_log", point))
    assert executor.status == "done", executor.reason
    assert world.stats.get("mine_block", "oak_log") == 1 and ticks < 60


def test_a_point_on_another_object_fails_at_once_with_one_no_op_tick(world):
    point = sim_view.find_in_view(world, "oak_log", 16)
    executor, ticks = _run(world, GroundingAction("Mine", "diamond_ore", point))
    assert executor.status == "failed" and "not diamond_ore" in executor.reason
    assert ticks == 1 and world.stats.get("mine_block", "oak_log") == 0
    sky = GroundingAction("Mine", "oak_log", (500, 0))
    world.player.pitch = -60.0  # look up: the top of the frame is sky
    executor, _ = _run(world, sky)
    assert executor.status == "failed" and "hits nothing" in executor.reason


def test_kill_tracks_and_attacks_the_mob():
    sim = MineSim(96, 96)
    sim.reset(
        SceneSpec(seed=3, mobs=[MobGroup("pig", 1, 3.0, 5.0)], inventory=[InventoryEntry("diamond_sword")])
    )
    point = sim_view.find_in_view(sim, "pig", 16)
    assert point is not None
    executor, _ = _run(sim, GroundingAction("Kill", "pig", point))
    assert executor.status == "done", executor.reason
    assert sim.stats.get("kill_entity", "pig") == 1


def test_gui_pick_and_place_move_items_between_slots():
    sim = MineSim(96, 96)
    sim.reset(SceneSpec(seed=0, open_gui="crafting_table", inventory=[InventoryEntry("oak_planks", 4)]))
    gui = sim.gui
    source = next(s.index for s in gui.slots if gui.stack(s.index) is not None)
    cell = next(s.index for s in gui.slots if s.section == "craft")

    def point(index):
        x, y = sim_view.slot_center(sim, index)
        return round(x), round(y)

    executor, _ = _run(sim, GroundingAction("Pick", "oak_planks", point(source)))
    assert executor.status == "done" and sim_view.cursor_item(sim) == "oak_planks"
    executor, _ = _run(sim, GroundingAction("Place", "oak_planks", point(cell)))
    assert executor.status == "done" and gui.stack(cell).count == 1
    executor, _ = _run(sim, GroundingAction("Pick", "stick", point(cell)))
    assert executor.status == "failed" and "slot holds oak_planks" in executor.reason
    executor, _ = _run(sim, GroundingAction("Mine", "oak_log", point(cell)))
    assert executor.status == "failed" and "GUI is open" in executor.reason


def test_the_tick_cap_holds(world):
    point = sim_view.find_in_view(world, "oak_log", 16)
    executor, ticks = _run(world, GroundingAction("Mine", "oak_log", point), max_ticks=3)
    assert executor.status == "timeout" and ticks == 3


def test_to_raw_takes_the_first_tick_without_stepping_the_world(world):
    point = sim_view.find_in_view(world, "oak_log", 16)
    executors = minesim_executors(world)
    yaw = world.player.yaw
    first = to_raw(
        f"<|grounding|>Mine <|object_ref_start|>oak_log<|object_ref_end|><|point_start|>({point[0]},{point[1]})<|point_end|>",
        None,
        executors,
    )
    assert world.player.yaw == yaw and world.tick == 0
    executor = GroundingExecutor(world)
    executor.start(GroundingAction("Mine", "oak_log", point), None)
    assert equivalent_ticks(first, executor.next_tick(None), camera_tolerance=0)
    assert (first["camera"][1] > 0) == (point[0] > 500)  # it turns toward the point


def test_track_turns_toward_a_privileged_target_out_of_view(world):
    point = sim_view.find_in_view(world, "oak_log", 16)
    target = sim_view.target_at(world, point)
    world.player.turn(0.0, 180.0)  # now behind the player
    assert not sim_view.crosshair_on(world, target)
    controller = GroundingExecutor(world)
    controller.track("Mine", target)
    for _ in range(30):
        world.step(controller.next_tick(None))
        if sim_view.crosshair_on(world, target):
            break
    assert sim_view.crosshair_on(world, target)
