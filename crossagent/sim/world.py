"""The voxel world: a finite grid of block ids and its seeded terrain generator.

Blocks live in one C-ordered `uint16` array `blocks[x, y, z]` (y up), so the numba kernels of the
raycast, the renderer and the physics read it directly. Block (i, j, k) fills [i, i+1) x [j, j+1) x
[k, k+1). Outside the grid horizontally is an invisible wall; below is bedrock; above is air.

Generation is vectorised numpy (a few value-noise octaves, no per-voxel Python) and deterministic per
seed: a heightmap and two climate maps pick a biome per column (plains, forest, birch forest, taiga,
savanna, desert), then the column is filled (stone, dirt, grass or sand, water below sea level), ores
are sprinkled at their Minecraft depths (scaled to this world's height) and trees of the biome's wood
type are grown.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from numba import njit

from crossagent.sim.lookup import BLOCK_KIND, block_id
from crossagent.sim.raycast import SKIP_CAP, distance_field


@dataclass(frozen=True)
class WorldConfig:
    """Size and shape of a generated world."""

    size_x: int = 64
    """Columns along x (east)."""
    size_y: int = 64
    """Height in blocks."""
    size_z: int = 64
    """Columns along z (south)."""
    sea_level: int = 28
    """Water fills every column below this height (Minecraft's 63, scaled to a 64-high world)."""
    base_height: int = 31
    """Mean ground height before noise."""


BIOMES: tuple[str, ...] = ("plains", "forest", "birch_forest", "taiga", "savanna", "desert")
"""Biome names, indexed by the values of `World.biome`."""

# Per biome: (surface block, under-surface block, tree wood or None, trees per column, plants).
_BIOME_RULES: dict[str, tuple[str, str, tuple[str, ...], float, tuple[str, ...]]] = {
    "plains": (
        "grass_block",
        "dirt",
        ("oak",),
        0.004,
        ("grass", "grass", "dandelion", "poppy", "oxeye_daisy"),
    ),
    "forest": ("grass_block", "dirt", ("oak", "oak", "birch"), 0.035, ("grass", "fern", "poppy")),
    "birch_forest": ("grass_block", "dirt", ("birch",), 0.03, ("grass", "allium", "azure_bluet")),
    "taiga": ("grass_block", "dirt", ("spruce",), 0.03, ("fern", "grass", "sweet_berry_bush")),
    "savanna": ("grass_block", "dirt", ("acacia",), 0.006, ("grass", "grass", "tall_grass")),
    "desert": ("sand", "sandstone", (), 0.0, ("dead_bush", "cactus")),
}

# (ore, veins per 64x64 area, max height as a fraction of sea level, vein size)
_ORES: tuple[tuple[str, int, float, int], ...] = (
    ("coal_ore", 40, 1.0, 8),
    ("iron_ore", 28, 0.85, 6),
    ("gold_ore", 8, 0.5, 5),
    ("redstone_ore", 10, 0.3, 5),
    ("lapis_ore", 6, 0.45, 4),
    ("diamond_ore", 6, 0.3, 4),
    ("emerald_ore", 3, 0.5, 1),
    ("granite", 10, 1.0, 12),
    ("diorite", 10, 1.0, 12),
    ("andesite", 10, 1.0, 12),
    ("gravel", 8, 1.0, 10),
    ("dirt", 8, 1.0, 10),
)


class World:
    """A generated voxel world: block ids, a heightmap of the original surface and a biome per column."""

    def __init__(self, blocks: np.ndarray, biome: np.ndarray, surface: np.ndarray, config: WorldConfig):
        self.blocks = blocks
        """Block ids, shape (size_x, size_y, size_z), uint16, C order."""
        self.biome = biome
        """Biome index per column (x, z) into `BIOMES`, uint8."""
        self.surface = surface
        """Height of the top generated ground block per column (x, z), int16 (before trees and scenes)."""
        self.config = config
        self.kinds = np.ascontiguousarray(BLOCK_KIND[blocks])
        """Ray kind per cell (lookup.KIND_*), kept in step with `blocks` by `set_block`."""
        self.cells = np.zeros(blocks.shape, np.uint8)
        """Cell codes the ray caster reads: kinds and the empty-space field (see raycast.distance_field)."""
        distance_field(self.kinds, self.cells, 0, blocks.shape[0], 0, blocks.shape[1], 0, blocks.shape[2])
        filled = np.flatnonzero(self.kinds.any(axis=(0, 2)))
        self.ceiling = int(filled[-1]) + 1 if filled.size else 0
        """One above the highest non-air cell."""

    def set_block(self, x: int, y: int, z: int, block: int) -> None:
        """Change one cell and update the derived ray fields around it."""
        self.blocks[x, y, z] = block
        self.refresh(x, x + 1, y, y + 1, z, z + 1)

    def refresh(self, x0: int, x1: int, y0: int, y1: int, z0: int, z1: int) -> None:
        """Recompute the ray kinds, empty-space field and ceiling after `blocks[x0:x1, y0:y1, z0:z1]` changed."""
        sx, sy, sz = self.blocks.shape
        self.kinds[x0:x1, y0:y1, z0:z1] = BLOCK_KIND[self.blocks[x0:x1, y0:y1, z0:z1]]
        c = SKIP_CAP
        distance_field(
            self.kinds, self.cells,
            max(x0 - c, 0), min(x1 + c, sx), max(y0 - c, 0), min(y1 + c, sy), max(z0 - c, 0), min(z1 + c, sz),
        )  # fmt: skip
        # A ceiling left too high after a removal stays correct (rays just skip less).
        filled = np.flatnonzero(self.kinds[x0:x1, y0:y1, z0:z1].any(axis=(0, 2)))
        if filled.size:
            self.ceiling = max(self.ceiling, y0 + int(filled[-1]) + 1)

    def copy(self) -> World:
        """An independent copy (arrays copied, derived fields kept: no regeneration)."""
        world = World.__new__(World)
        world.blocks, world.biome, world.surface = self.blocks.copy(), self.biome, self.surface
        world.config, world.kinds, world.cells = self.config, self.kinds.copy(), self.cells.copy()
        world.ceiling = self.ceiling
        return world

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.blocks.shape

    def in_bounds(self, x: int, y: int, z: int) -> bool:
        sx, sy, sz = self.blocks.shape
        return 0 <= x < sx and 0 <= y < sy and 0 <= z < sz

    def get(self, x: int, y: int, z: int) -> int:
        """Block id at a cell; air above the world, bedrock below and at the side walls."""
        if self.in_bounds(x, y, z):
            return int(self.blocks[x, y, z])
        return 0 if y >= self.blocks.shape[1] else _ID["bedrock"]

    def top_solid(self, x: int, z: int) -> int:
        """Height of the highest non-air block of a column (-1 if the column is empty)."""
        column = np.flatnonzero(self.blocks[x, :, z])
        return int(column[-1]) if column.size else -1

    def biome_name(self, x: int, z: int) -> str:
        return BIOMES[int(self.biome[x, z])]


def _value_noise(rng: np.random.Generator, size_x: int, size_z: int, cells: int) -> np.ndarray:
    """Smooth noise in [-1, 1]: a random (cells+1)^2 lattice, bicubic-smoothstep interpolated."""
    lattice = rng.uniform(-1.0, 1.0, (cells + 1, cells + 1))
    gx = np.linspace(0, cells, size_x, endpoint=False)
    gz = np.linspace(0, cells, size_z, endpoint=False)
    x0, z0 = gx.astype(int), gz.astype(int)
    fx, fz = gx - x0, gz - z0
    fx, fz = fx * fx * (3 - 2 * fx), fz * fz * (3 - 2 * fz)
    a = lattice[x0][:, z0]
    b = lattice[x0 + 1][:, z0]
    c = lattice[x0][:, z0 + 1]
    d = lattice[x0 + 1][:, z0 + 1]
    fx, fz = fx[:, None], fz[None, :]
    return (a * (1 - fx) + b * fx) * (1 - fz) + (c * (1 - fx) + d * fx) * fz


def _fractal(rng: np.random.Generator, sx: int, sz: int, octaves: tuple[int, ...]) -> np.ndarray:
    total = np.zeros((sx, sz))
    amplitude, norm = 1.0, 0.0
    for cells in octaves:
        total += amplitude * _value_noise(rng, sx, sz, cells)
        norm += amplitude
        amplitude *= 0.5
    return total / norm


_ID: dict[str, int] = {}


def _ids() -> dict[str, int]:
    """Resolve the block names generation uses once (the data layer's ids)."""
    if not _ID:
        names = {
            "air",
            "stone",
            "bedrock",
            "water",
            "sand",
            "sandstone",
            "gravel",
            "clay",
            "dirt",
            "grass_block",
        }
        for surface, under, woods, _, plants in _BIOME_RULES.values():
            names |= {surface, under, *plants}
            names |= {f"{wood}_log" for wood in woods} | {f"{wood}_leaves" for wood in woods}
        names |= {f"{w}_{p}" for w in ("oak", "birch", "spruce", "acacia") for p in ("log", "leaves")}
        names |= {ore for ore, count, _, _ in _ORES if count}
        _ID.update({name: block_id(name) for name in sorted(names)})
    return _ID


_GENERATED: OrderedDict[tuple[int, WorldConfig], World] = OrderedDict()
GENERATED_CACHE_SIZE = 16
"""Worlds kept per (seed, config): resetting to a recent seed copies instead of regenerating."""


def generate_cached(seed: int, config: WorldConfig = WorldConfig()) -> World:
    """`generate`, with the last GENERATED_CACHE_SIZE worlds kept; returns a copy the caller may edit."""
    key = (int(seed), config)
    if key not in _GENERATED:
        _GENERATED[key] = generate(seed, config)
        if len(_GENERATED) > GENERATED_CACHE_SIZE:
            _GENERATED.popitem(last=False)
    _GENERATED.move_to_end(key)
    return _GENERATED[key].copy()


def generate(seed: int, config: WorldConfig = WorldConfig()) -> World:
    """Generate the world of a seed; the same seed and config always give the same blocks."""
    ids = _ids()
    rng = np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFFFFFFFFFF, 0x5EED]))
    sx, sy, sz = config.size_x, config.size_y, config.size_z

    height_noise = _fractal(rng, sx, sz, (2, 4, 8, 16))
    temperature = _fractal(rng, sx, sz, (1, 2))
    moisture = _fractal(rng, sx, sz, (1, 2))
    hills = 0.5 + 0.5 * _fractal(rng, sx, sz, (2,))
    height = config.base_height + height_noise * (5 + 9 * hills)
    surface = np.clip(np.round(height), 4, sy - 16).astype(np.int16)

    # Climate picks the biome: hot+dry desert, hot savanna, cold taiga, wet forests, else plains.
    biome = np.zeros((sx, sz), np.uint8)
    biome[(moisture > 0.05)] = BIOMES.index("forest")
    biome[(moisture > 0.05) & (temperature < -0.05)] = BIOMES.index("birch_forest")
    biome[(temperature > 0.2)] = BIOMES.index("savanna")
    biome[(temperature > 0.2) & (moisture < -0.05)] = BIOMES.index("desert")
    biome[(temperature < -0.25)] = BIOMES.index("taiga")

    ys = np.arange(sy, dtype=np.int16)[None, :, None]
    top = surface[:, None, :]
    blocks = np.zeros((sx, sy, sz), np.uint16)
    blocks[ys <= top] = ids["stone"]
    under = np.zeros((sx, sz), np.uint16)
    cover = np.zeros((sx, sz), np.uint16)
    for index, name in enumerate(BIOMES):
        surface_block, under_block = _BIOME_RULES[name][:2]
        mask = biome == index
        cover[mask] = ids[surface_block]
        under[mask] = ids[under_block]
    # Beaches and sea floors: sand near and below the water line, gravel and clay deeper.
    shore = surface <= config.sea_level + 1
    cover[shore] = ids["sand"]
    under[shore] = ids["sand"]
    deep = surface < config.sea_level - 3
    cover[deep & (rng.random((sx, sz)) < 0.4)] = ids["gravel"]
    cover[deep & (rng.random((sx, sz)) < 0.1)] = ids["clay"]
    soil_depth = 3 + (rng.random((sx, sz)) < 0.5)
    soil = (ys < top) & (ys >= top - soil_depth[:, None, :])
    blocks = np.where(soil, under[:, None, :], blocks)
    blocks = np.where(ys == top, cover[:, None, :], blocks)
    blocks[(ys > top) & (ys < config.sea_level)] = ids["water"]
    blocks[:, 0, :] = ids["bedrock"]
    blocks[:, 1:3, :][rng.random((sx, 2, sz)) < 0.5] = ids["bedrock"]
    blocks = np.ascontiguousarray(blocks, dtype=np.uint16)

    _add_ores(blocks, rng, ids, surface, config)
    _add_trees_and_plants(blocks, rng, ids, surface, biome, config)
    return World(blocks, biome, surface, config)


def _add_ores(blocks, rng, ids, surface, config) -> None:
    """Ore veins as small random walks that replace stone only, at their (scaled) Minecraft depths."""
    sx, _, sz = blocks.shape
    area = sx * sz / 4096.0
    stone = ids["stone"]
    for name, count, max_frac, size in _ORES:
        if not count:
            continue
        veins = rng.poisson(count * area)
        if not veins:
            continue
        top = max(4, int(config.sea_level * max_frac))
        starts = np.stack(
            [rng.integers(0, sx, veins), rng.integers(3, top, veins), rng.integers(0, sz, veins)], axis=1
        )
        walk = rng.integers(-1, 2, (veins, size, 3)).cumsum(axis=1)
        cells = (starts[:, None, :] + walk).reshape(-1, 3)
        cells = cells[(cells >= 0).all(1) & (cells[:, 0] < sx) & (cells[:, 2] < sz) & (cells[:, 1] < top)]
        x, y, z = cells.T
        keep = (blocks[x, y, z] == stone) & (y < surface[x, z] - 1)
        blocks[x[keep], y[keep], z[keep]] = ids[name]


def _add_trees_and_plants(blocks, rng, ids, surface, biome, config) -> None:
    sx, sy, sz = blocks.shape
    chance = np.zeros((sx, sz))
    for index, name in enumerate(BIOMES):
        chance[biome == index] = _BIOME_RULES[name][3]
    land = (surface >= config.sea_level) & (
        blocks[np.arange(sx)[:, None], surface, np.arange(sz)[None, :]] != ids["sand"]
    )
    land[:2, :] = land[-2:, :] = land[:, :2] = land[:, -2:] = False
    roll = rng.random((sx, sz))
    candidates = np.argwhere(land & (roll < chance))
    occupied = np.zeros((sx, sz), bool)
    for x, z in candidates:
        if occupied[max(0, x - 2) : x + 3, max(0, z - 2) : z + 3].any():
            continue
        occupied[x, z] = True
        woods = _BIOME_RULES[BIOMES[biome[x, z]]][2]
        wood = woods[int(rng.integers(len(woods)))]
        _grow_tree(blocks, ids, rng, int(x), int(surface[x, z]) + 1, int(z), wood)

    # Ground plants on free land columns (vectorised): the biome's plant list picked per column;
    # flowers and grass need grass below, dead bushes any ground, cactus (1-3 high, rarer) sand.
    plant_roll = rng.random((sx, sz))
    pick = rng.integers(0, 1 << 16, (sx, sz))
    xs, zs = np.nonzero((surface >= config.sea_level) & (surface < sy - 4) & (plant_roll < 0.08))
    ys = surface[xs, zs].astype(np.int64) + 1
    free = blocks[xs, ys, zs] == 0
    xs, ys, zs = xs[free], ys[free], zs[free]
    table = np.zeros((len(BIOMES), 8), np.int64)
    sizes = np.zeros(len(BIOMES), np.int64)
    for index, name in enumerate(BIOMES):
        plants = _BIOME_RULES[name][4]
        table[index, : len(plants)] = [ids[p] for p in plants]
        sizes[index] = len(plants)
    b = biome[xs, zs]
    plant = table[b, pick[xs, zs] % sizes[b]]
    ground = blocks[xs, ys - 1, zs]
    cactus = plant == ids["cactus"]
    ok = np.where(
        cactus,
        (ground == ids["sand"]) & (plant_roll[xs, zs] < 0.02),
        (plant == ids["dead_bush"]) | (ground == ids["grass_block"]),
    )
    blocks[xs[ok], ys[ok], zs[ok]] = plant[ok]
    for extra in (1, 2):  # taller cacti
        tall = ok & cactus & (pick[xs, zs] % 3 >= extra)
        blocks[xs[tall], ys[tall] + extra, zs[tall]] = ids["cactus"]


def _grow_tree(blocks, ids, rng, x: int, y: int, z: int, wood: str) -> None:
    """Grow one tree of a wood type with its trunk base at (x, y, z); leaves never replace logs."""
    height = int(rng.integers(4, 7)) + (2 if wood == "spruce" else 0)
    shape = {"spruce": 1, "acacia": 2}.get(wood, 0)
    _tree_kernel(blocks, ids[f"{wood}_log"], ids[f"{wood}_leaves"], x, y, z, height, shape)


@njit(cache=True)
def _tree_kernel(blocks, log, leaves, x, y, z, height, shape):
    """Leaf layers (dy, radius, round corners) of a blob (0), spruce cone (1) or acacia (2) crown."""
    sx, sy, sz = blocks.shape
    if y + height + 2 >= sy:
        return
    layers = np.zeros((height + 2, 3), np.int64)
    n = 0
    if shape == 1:
        layers[0], layers[1] = (height, 0, 0), (height - 1, 1, 0)
        n = 2
        for dy in range(2, height - 1):
            layers[n] = (dy, 2 if (height - dy) % 2 == 0 else 1, 1)
            n += 1
    elif shape == 2:
        layers[0], layers[1] = (height, 2, 1), (height + 1, 1, 0)
        n = 2
    else:
        layers[0], layers[1], layers[2], layers[3] = (
            (height - 2, 2, 1),
            (height - 1, 2, 1),
            (height, 1, 0),
            (height + 1, 1, 1),
        )
        n = 4
    for k in range(n):
        dy, radius, cut = layers[k, 0], layers[k, 1], layers[k, 2]
        for cx in range(max(0, x - radius), min(sx, x + radius + 1)):
            for cz in range(max(0, z - radius), min(sz, z + radius + 1)):
                corner = abs(cx - x) == radius and abs(cz - z) == radius and radius > 0
                if cut and corner:
                    continue  # round the corners off, like Minecraft's blob foliage
                if blocks[cx, y + dy, cz] == 0:
                    blocks[cx, y + dy, cz] = leaves
    for dy in range(height):
        blocks[x, y + dy, z] = log
