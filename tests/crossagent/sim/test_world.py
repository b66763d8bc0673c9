"""World generation, the empty-space field and the ray caster against brute force."""

import numpy as np
import pytest

from crossagent.sim.lookup import BLOCK_KIND, BLOCK_NAMES, KIND_OPAQUE, block_id
from crossagent.sim.raycast import SKIP_CAP, SOLID_CODE, cast_world
from crossagent.sim.world import BIOMES, WorldConfig, generate


@pytest.fixture(scope="module")
def world():
    return generate(7)


def test_generation_is_deterministic_and_seed_dependent(world):
    again = generate(7)
    assert np.array_equal(world.blocks, again.blocks) and np.array_equal(world.biome, again.biome)
    assert not np.array_equal(world.blocks, generate(8).blocks)


def test_world_has_terrain_trees_ores_water_and_biomes():
    names = set()
    biomes = set()
    for seed in range(6):
        w = generate(seed)
        names |= {BLOCK_NAMES[i] for i in np.unique(w.blocks)}
        biomes |= {BIOMES[i] for i in np.unique(w.biome)}
        # Ores only below the surface; bedrock floor.
        ore_y = np.nonzero(np.isin(w.blocks, [block_id("diamond_ore"), block_id("iron_ore")]))[1]
        assert ore_y.size and ore_y.max() < w.surface.max()
        assert (w.blocks[:, 0, :] == block_id("bedrock")).all()
    assert {"stone", "dirt", "grass_block", "sand", "water", "coal_ore", "iron_ore", "diamond_ore"} <= names
    assert {"oak_log", "birch_log", "spruce_log"} <= names
    assert len(biomes) >= 4


def brute_distance(kinds: np.ndarray, x: int, y: int, z: int) -> int:
    for d in range(SKIP_CAP):
        box = kinds[max(x - d, 0) : x + d + 1, max(y - d, 0) : y + d + 1, max(z - d, 0) : z + d + 1]
        if box.any():
            return d
    return SKIP_CAP


def test_empty_space_field_matches_brute_force_and_updates_locally(world):
    rng = np.random.default_rng(0)
    for x, y, z in rng.integers(0, 64, (300, 3)):
        kind = world.kinds[x, y, z]
        expected = SOLID_CODE + kind if kind else brute_distance(world.kinds, x, y, z)
        assert world.cells[x, y, z] == expected, (x, y, z)
    x, y, z = 30, int(world.surface[30, 30]) + 6, 30
    world.set_block(x, y, z, block_id("stone"))
    for dx, dy, dz in rng.integers(-6, 7, (100, 3)):
        cx, cy, cz = x + dx, y + dy, z + dz
        kind = world.kinds[cx, cy, cz]
        expected = SOLID_CODE + kind if kind else brute_distance(world.kinds, cx, cy, cz)
        assert world.cells[cx, cy, cz] == expected
    world.set_block(x, y, z, 0)


def march(world, origin, direction, max_dist):
    """Reference: sample the ray in tiny steps and report the first opaque cell."""
    for t in np.arange(0.0, max_dist, 0.002):
        cell = np.floor(origin + direction * t).astype(int)
        if not world.in_bounds(*cell):
            continue
        if BLOCK_KIND[world.blocks[tuple(cell)]] == KIND_OPAQUE:
            return tuple(cell)
    return None


def test_cast_finds_the_first_opaque_block_like_dense_marching(world):
    rng = np.random.default_rng(1)
    checked = 0
    for _ in range(60):
        x, z = rng.uniform(8, 56, 2)
        origin = np.array([x, world.surface[int(x), int(z)] + rng.uniform(1.5, 8), z])
        direction = rng.normal(size=3)
        direction /= np.linalg.norm(direction)
        _, cx, cy, cz, _, _ = cast_world(world, origin, direction, 30.0)
        hit = None if cx < 0 else (cx, cy, cz)
        if hit is not None and BLOCK_KIND[world.blocks[hit]] != KIND_OPAQUE:
            continue  # plants are hit as inner boxes; the reference ignores them
        expected = march(world, origin, direction, 30.0)
        assert hit == expected, (origin, direction)
        checked += 1
    assert checked > 30


def test_small_world_config_generates():
    w = generate(1, WorldConfig(size_x=32, size_y=48, size_z=32, sea_level=20, base_height=24))
    assert w.blocks.shape == (32, 48, 32)
