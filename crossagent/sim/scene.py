"""Task scenes: what a task asks the world to look like at reset (JSON-able), and its placement.

Placement is deterministic. When a scene cannot be placed (no room for a mob, a block that cannot be
made visible), the world is regenerated from a seed derived from the scene seed and the attempt
number, never dropped silently; `place_scene` reports the seed it finally used.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from crossagent.sim.data.blocks import block_id
from crossagent.sim.data.items import item_info
from crossagent.sim.data.mobs import mob_info
from crossagent.sim.lookup import BLOCK_SOLID
from crossagent.sim.raycast import cast_world

GUI_AT_START = (None, "inventory", "crafting_table", "furnace")
MAX_ATTEMPTS = 16


@dataclass
class BlockAt:
    """One block at an offset from the player's feet, in the player's frame."""

    name: str
    """Minecraft block name."""
    right: int
    """Blocks to the player's right (negative: left)."""
    up: int
    """Blocks above the feet (0 = standing on the same level as the player)."""
    forward: int
    """Blocks in front of the player (along the start yaw snapped to an axis)."""


@dataclass
class BlocksInView:
    """N blocks of one kind placed on the ground in front of the player, visible from the eye."""

    name: str
    count: int = 1
    radius: float = 6.0
    """Farthest distance from the player (blocks)."""


@dataclass
class MobGroup:
    """Mobs of one kind spawned on the ground in front of the player."""

    name: str
    count: int = 1
    min_distance: float = 3.0
    max_distance: float = 8.0


@dataclass
class InventoryEntry:
    """Items the player starts with; slot None = first free slot (hotbar first)."""

    item: str
    count: int = 1
    slot: int | None = None


@dataclass
class SceneSpec:
    """The initial state a task asks for."""

    seed: int = 0
    """World seed (terrain, trees, ores) and the seed of everything random in the episode."""
    blocks: list[BlockAt] = field(default_factory=list)
    """Blocks at exact offsets from the player."""
    blocks_in_view: list[BlocksInView] = field(default_factory=list)
    """Blocks scattered in view."""
    mobs: list[MobGroup] = field(default_factory=list)
    inventory: list[InventoryEntry] = field(default_factory=list)
    held_slot: int = 0
    """Selected hotbar slot 0-8."""
    time_of_day: int = 6000
    """Minecraft day time in ticks (0 sunrise, 6000 noon, 13000 dusk, 18000 midnight)."""
    open_gui: str | None = None
    """None, 'inventory', 'crafting_table' or 'furnace': a screen already open at reset."""
    start: tuple[float, float] | None = None
    """Player start column (x, z); None = the land column nearest the world centre."""
    yaw: float = 0.0
    pitch: float = 20.0
    clearing: int = 5
    """Radius of the levelled clearing made around the player when the scene places anything."""

    def __post_init__(self) -> None:
        self.blocks = [b if isinstance(b, BlockAt) else BlockAt(*b) for b in self.blocks]
        self.blocks_in_view = [
            b if isinstance(b, BlocksInView) else BlocksInView(*b) for b in self.blocks_in_view
        ]
        self.mobs = [m if isinstance(m, MobGroup) else MobGroup(*m) for m in self.mobs]
        self.inventory = [e if isinstance(e, InventoryEntry) else InventoryEntry(*e) for e in self.inventory]
        if self.start is not None:
            self.start = (float(self.start[0]), float(self.start[1]))
        self.validate()

    def validate(self) -> None:
        """Raise ValueError naming the field for unknown names and out-of-range values."""
        for b in self.blocks:
            _check(block_id, b.name, "blocks")
        for b in self.blocks_in_view:
            _check(block_id, b.name, "blocks_in_view")
        for m in self.mobs:
            _check(mob_info, m.name, "mobs")
            if not 0 <= m.min_distance <= m.max_distance:
                raise ValueError(f"mobs: {m.name} needs 0 <= min_distance <= max_distance")
        for e in self.inventory:
            _check(item_info, e.item, "inventory")
            if e.slot is not None and not 0 <= e.slot < 36:
                raise ValueError(f"inventory: slot {e.slot} of {e.item} is outside 0..35")
        if not 0 <= self.held_slot < 9:
            raise ValueError(f"held_slot {self.held_slot} is outside 0..8")
        if self.open_gui not in GUI_AT_START:
            raise ValueError(f"open_gui {self.open_gui!r} is not one of {GUI_AT_START}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SceneSpec:
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(
                f"unknown scene field(s) {sorted(unknown)}; known: {sorted(cls.__dataclass_fields__)}"
            )
        data = dict(data)
        data["blocks"] = [BlockAt(**b) if isinstance(b, dict) else b for b in data.get("blocks", [])]
        data["blocks_in_view"] = [
            BlocksInView(**b) if isinstance(b, dict) else b for b in data.get("blocks_in_view", [])
        ]
        data["mobs"] = [MobGroup(**m) if isinstance(m, dict) else m for m in data.get("mobs", [])]
        data["inventory"] = [
            InventoryEntry(**e) if isinstance(e, dict) else e for e in data.get("inventory", [])
        ]
        return cls(**data)


def _check(lookup, name: str, field_name: str) -> None:
    try:
        lookup(name)
    except ValueError as error:
        raise ValueError(f"{field_name}: {error}") from None


def derived_seed(seed: int, attempt: int) -> int:
    """The seed of placement attempt `attempt` (0 = the scene's own seed)."""
    if attempt == 0:
        return int(seed)
    return int(np.random.SeedSequence([int(seed) & 0xFFFFFFFF, attempt]).generate_state(1)[0])


class PlacementError(Exception):
    """This world has no room for the scene; the caller regenerates with a derived seed."""


def _facing(yaw: float) -> tuple[np.ndarray, np.ndarray]:
    """Forward and right unit axes (x, z) of a yaw snapped to the nearest axis."""
    k = round(yaw / 90.0) % 4
    forward = [(0, 1), (-1, 0), (0, -1), (1, 0)][k]
    right = (-forward[1], forward[0])
    return np.array(forward), np.array(right)


def find_start(world, spec: SceneSpec) -> tuple[int, int]:
    """The start column: the spec's, else the dry land column nearest the world centre."""
    sx, _, sz = world.blocks.shape
    if spec.start is not None:
        x, z = math.floor(spec.start[0]), math.floor(spec.start[1])
        if not (2 <= x < sx - 2 and 2 <= z < sz - 2):
            raise ValueError(f"start {spec.start} is outside the world's columns 2..{sx - 3} x 2..{sz - 3}")
        return x, z
    xs, zs = np.meshgrid(np.arange(sx), np.arange(sz), indexing="ij")
    dist = (xs - sx / 2) ** 2 + (zs - sz / 2) ** 2
    dry = world.surface >= world.config.sea_level
    margin = spec.clearing + 2
    dry[:margin, :] = dry[-margin:, :] = dry[:, :margin] = dry[:, -margin:] = False
    if not dry.any():
        raise PlacementError("no dry land")
    dist = np.where(dry, dist, np.inf)
    x, z = np.unravel_index(int(np.argmin(dist)), dist.shape)
    return int(x), int(z)


def level_clearing(world, x: int, z: int, radius: int, ground_y: int) -> None:
    """Make the columns within `radius` flat ground at ground_y (grass over dirt) with air above."""
    sx, sy, sz = world.blocks.shape
    x0, x1, z0, z1 = max(x - radius, 0), min(x + radius + 1, sx), max(z - radius, 0), min(z + radius + 1, sz)
    region = world.blocks[x0:x1, :, z0:z1]
    region[:, ground_y + 1 :, :] = 0
    fill = region[:, : ground_y + 1, :]
    fill[fill == 0] = block_id("dirt")
    fill[fill == block_id("water")] = block_id("dirt")
    region[:, ground_y - 2 : ground_y, :] = block_id("dirt")
    region[:, ground_y, :] = block_id("grass_block")
    world.refresh(x0, x1, 0, sy, z0, z1)


def visible(world, eye: np.ndarray, cell: tuple[int, int, int]) -> bool:
    """Whether the ray from the eye to the cell's centre first hits that cell."""
    target = np.array(cell, float) + 0.5
    d = target - eye
    dist = float(np.linalg.norm(d))
    d /= dist
    _, x, y, z, _, _ = cast_world(world, eye, d, dist + 1.0)
    return (x, y, z) == tuple(cell)


def place_blocks(world, spec: SceneSpec, feet: np.ndarray, eye: np.ndarray, rng: np.random.Generator) -> None:
    """Put the spec's blocks into the world (offsets first, then the in-view scatter)."""
    fx, fy, fz = (math.floor(v) for v in feet)
    forward, right = _facing(spec.yaw)
    sx, sy, sz = world.blocks.shape
    for b in spec.blocks:
        x = fx + b.right * right[0] + b.forward * forward[0]
        z = fz + b.right * right[1] + b.forward * forward[1]
        y = fy + b.up
        if not world.in_bounds(x, y, z):
            raise ValueError(
                f"blocks: {b.name} at offset ({b.right}, {b.up}, {b.forward}) falls outside the world"
            )
        world.set_block(x, y, z, block_id(b.name))
    taken = {(fx, fy, fz), (fx, fy + 1, fz)}
    for group in spec.blocks_in_view:
        placed = 0
        for _ in range(200):
            if placed == group.count:
                break
            dist = rng.uniform(2.0, max(2.5, group.radius))
            angle = math.radians(spec.yaw) + rng.uniform(-0.45, 0.45)
            x = math.floor(feet[0] - math.sin(angle) * dist)
            z = math.floor(feet[2] + math.cos(angle) * dist)
            if not (0 <= x < sx and 0 <= z < sz):
                continue
            y = world.top_solid(x, z) + 1
            if y >= sy - 1 or (x, y, z) in taken or not BLOCK_SOLID[world.blocks[x, y - 1, z]]:
                continue
            world.set_block(x, y, z, block_id(group.name))
            if visible(world, eye, (x, y, z)):
                taken.add((x, y, z))
                placed += 1
            else:
                world.set_block(x, y, z, 0)
        if placed < group.count:
            raise PlacementError(f"only {placed} of {group.count} {group.name} visible")


def mob_spawns(
    world, spec: SceneSpec, feet: np.ndarray, eye: np.ndarray, rng: np.random.Generator
) -> list[tuple[str, np.ndarray]]:
    """Ground positions for the spec's mobs, in front of the player with room for their boxes."""
    spawns = []
    sx, sy, sz = world.blocks.shape
    for group in spec.mobs:
        info = mob_info(group.name)
        for _ in range(group.count):
            for _ in range(200):
                dist = rng.uniform(group.min_distance, group.max_distance)
                angle = math.radians(spec.yaw) + rng.uniform(-0.5, 0.5)
                x = feet[0] - math.sin(angle) * dist
                z = feet[2] + math.cos(angle) * dist
                ix, iz = math.floor(x), math.floor(z)
                if not (1 <= ix < sx - 1 and 1 <= iz < sz - 1):
                    continue
                y = world.top_solid(ix, iz) + 1
                room = math.ceil(info.height)
                if y + room >= sy or not BLOCK_SOLID[world.blocks[ix, y - 1, iz]]:
                    continue
                if world.blocks[ix, y : y + room, iz].any():
                    continue
                spawns.append((group.name, np.array([ix + 0.5, float(y), iz + 0.5])))
                break
            else:
                raise PlacementError(f"no room for {group.name}")
    return spawns
