"""Scene specs: JSON round trip, validation, placement in view, deterministic regeneration."""

import json

import numpy as np
import pytest

from crossagent.sim.lookup import block_id
from crossagent.sim.scene import BlockAt, BlocksInView, InventoryEntry, MobGroup, SceneSpec, derived_seed
from crossagent.sim.sim import MineSim


@pytest.fixture(scope="module")
def sim() -> MineSim:
    return MineSim(64, 64)


def test_scene_spec_is_json_able_and_round_trips():
    spec = SceneSpec(
        seed=9,
        blocks=[BlockAt("furnace", 1, 0, 3)],
        blocks_in_view=[BlocksInView("iron_ore", 2, 5.0)],
        mobs=[MobGroup("pig", 2, 3, 6)],
        inventory=[InventoryEntry("coal", 3, 4)],
        held_slot=4,
        time_of_day=18000,
        open_gui="furnace",
        start=(20.5, 30.5),
    )
    data = json.loads(json.dumps(spec.to_dict()))
    assert SceneSpec.from_dict(data) == spec
    assert SceneSpec(blocks=[("stone", 0, 0, 2)]).blocks == [BlockAt("stone", 0, 0, 2)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"blocks": [BlockAt("stonee", 0, 0, 1)]}, "blocks: .*stonee"),
        ({"blocks_in_view": [BlocksInView("not_a_block")]}, "blocks_in_view"),
        ({"mobs": [MobGroup("dragonn")]}, "mobs: .*dragonn"),
        ({"mobs": [MobGroup("cow", 1, 5, 2)]}, "min_distance"),
        ({"inventory": [InventoryEntry("stick", 1, 40)]}, "slot 40"),
        ({"held_slot": 9}, "held_slot"),
        ({"open_gui": "anvil"}, "open_gui"),
    ],
)
def test_bad_scene_fields_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SceneSpec(**kwargs)
    with pytest.raises(ValueError, match="unknown scene field"):
        SceneSpec.from_dict({"sed": 1})


def test_placed_blocks_mobs_inventory_and_gui(sim):
    spec = SceneSpec(
        seed=2,
        blocks=[BlockAt("gold_block", 0, 1, 3)],
        blocks_in_view=[BlocksInView("emerald_ore", 3, 6.0)],
        mobs=[MobGroup("sheep", 2, 3, 6)],
        inventory=[InventoryEntry("bread", 5, 2), InventoryEntry("torch", 10)],
        held_slot=2,
        open_gui="inventory",
        time_of_day=13000,
    )
    sim.reset(spec)
    feet = np.floor(sim.player.pos).astype(int)
    assert sim.world.blocks[feet[0], feet[1] + 1, feet[2] + 3] == block_id("gold_block")
    ore = np.argwhere(sim.world.blocks == block_id("emerald_ore"))
    near = [c for c in ore if np.linalg.norm(c[[0, 2]] + 0.5 - sim.player.pos[[0, 2]]) <= 6.5]
    assert len(near) >= 3
    assert sim.mobs.alive.sum() == 2
    dist = np.linalg.norm(sim.mobs.pos[:, [0, 2]] - sim.player.pos[[0, 2]], axis=1)
    assert ((dist >= 2.9) & (dist <= 6.6)).all()
    assert sim.inventory.held_item() == "bread" and sim.inventory.count("torch") == 10
    assert sim.gui is not None and sim.gui.kind == "inventory"
    assert sim.time_of_day == 13000


def test_unplaceable_scene_regenerates_with_a_derived_seed(sim):
    # Seed 0's start has no room for 7 visible blocks within 3 blocks: a derived world is used instead.
    spec = SceneSpec(seed=0, blocks_in_view=[BlocksInView("stone", 7, 3.0)], clearing=0)
    sim.reset(spec)
    assert sim.world_seed in [derived_seed(0, k) for k in range(1, 16)]
    stones = np.argwhere(sim.world.blocks == block_id("stone"))
    near = [
        c
        for c in stones
        if c[1] > sim.player.pos[1] - 1 and np.linalg.norm(c[[0, 2]] + 0.5 - sim.player.pos[[0, 2]]) <= 3.6
    ]
    assert len(near) >= 7
    other = MineSim(64, 64)
    other.reset(spec)
    assert other.world_seed == sim.world_seed and np.array_equal(other.world.blocks, sim.world.blocks)
    with pytest.raises(RuntimeError, match="could not be placed"):
        sim.reset(SceneSpec(seed=3, blocks_in_view=[BlocksInView("stone", 500, 3.0)]))
