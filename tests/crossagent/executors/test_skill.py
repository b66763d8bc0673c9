"""Language skills on MineSim: targets in view only, no GUI competence."""

from crossagent.executors.skill import SkillExecutor
from crossagent.sim.scene import BlocksInView, InventoryEntry, SceneSpec
from crossagent.sim.sim import MineSim
from modeling_crossagent.action_spaces import SkillAction


def _run(sim, action):
    executor = SkillExecutor(sim)
    executor.start(action, None)
    ticks = 0
    while (tick := executor.next_tick(None)) is not None:
        sim.step(tick)
        ticks += 1
    return executor, ticks


def test_mine_in_view_succeeds_and_unseen_targets_fail():
    sim = MineSim(96, 96)
    sim.reset(
        SceneSpec(seed=1, blocks_in_view=[BlocksInView("oak_log", 2)], inventory=[InventoryEntry("iron_axe")])
    )
    executor, _ = _run(sim, SkillAction("mine", "oak_log"))
    assert executor.status == "done" and sim.stats.get("mine_block", "oak_log") == 1
    executor, ticks = _run(sim, SkillAction("mine", "diamond_ore"))
    assert executor.status == "failed" and "no diamond_ore in view" in executor.reason and ticks == 1


def test_look_for_turns_until_the_target_shows():
    sim = MineSim(96, 96)
    sim.reset(SceneSpec(seed=1, blocks_in_view=[BlocksInView("gold_block", 1)]))
    sim.player.yaw += 180.0  # turn away from the placed block
    executor, ticks = _run(sim, SkillAction("look for", "gold_block"))
    assert executor.status == "done", executor.reason
    assert ticks > 1
    executor, _ = _run(sim, SkillAction("look for", "emerald_ore"))
    assert executor.status == "failed" and "full turn" in executor.reason


def test_no_gui_competence():
    sim = MineSim(96, 96)
    sim.reset(SceneSpec(seed=0, open_gui="crafting_table", inventory=[InventoryEntry("oak_planks", 4)]))
    for action in [SkillAction("craft", "stick"), SkillAction("mine", "oak_log")]:
        executor, ticks = _run(sim, action)
        assert executor.status == "failed" and "GUI" in executor.reason and ticks == 1
    assert sim.stats.get("craft_item", "stick") == 0
