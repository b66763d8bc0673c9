"""Building a scene's world, and saving / restoring a MineSim exactly as bytes (no pickle).

A state is an `np.savez` archive (read back with allow_pickle=False): the blocks that differ from
the scene's freshly built world, the mob arrays, and a JSON header with everything else (player,
inventory, open screen, containers, statistics, random generator state, timers). Restoring rebuilds
the scene's world from its spec (deterministic, cached per spec) and applies the difference.
"""

from __future__ import annotations

import io
import json
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from crossagent.sim.containers import container_from_dict
from crossagent.sim.gui import GuiScreen
from crossagent.sim.inventory import Inventory, ItemStack
from crossagent.sim.mobs_ai import Mobs
from crossagent.sim.player import Player
from crossagent.sim.scene import (
    MAX_ATTEMPTS,
    PlacementError,
    SceneSpec,
    derived_seed,
    find_start,
    level_clearing,
    mob_spawns,
    place_blocks,
)
from crossagent.sim.stats import Statistics
from crossagent.sim.world import World, WorldConfig, generate_cached

STATE_VERSION = 1


@dataclass
class BuiltScene:
    world: World
    world_seed: int
    """The seed the world was finally generated from (the scene's, or a derived one)."""
    base_blocks: np.ndarray
    """The blocks right after placement (states store their difference to this)."""
    player: Player
    mobs: Mobs
    inventory: Inventory


_CACHE: OrderedDict[str, np.ndarray] = OrderedDict()
_CACHE_SIZE = 8


def build_scene(spec: SceneSpec, config: WorldConfig) -> BuiltScene:
    """Generate the scene's world and place its player, blocks, mobs and inventory."""
    for attempt in range(MAX_ATTEMPTS):
        seed = derived_seed(spec.seed, attempt)
        world = generate_cached(seed, config)
        rng = np.random.default_rng(np.random.SeedSequence([seed & 0xFFFFFFFF, 0x5CE7E]))
        try:
            x, z = find_start(world, spec)
            ground = int(world.surface[x, z])
            if spec.blocks or spec.blocks_in_view or spec.mobs:
                level_clearing(world, x, z, spec.clearing, ground)
            else:
                world.blocks[x, ground + 1 : ground + 3, z] = 0
                world.refresh(x, x + 1, ground + 1, ground + 3, z, z + 1)
            player = Player(pos=np.array([x + 0.5, ground + 1.0, z + 0.5]), yaw=float(spec.yaw))
            player.turn(float(spec.pitch), 0.0)
            player.on_ground = True
            place_blocks(world, spec, player.pos, player.eye, rng)
            spawns = mob_spawns(world, spec, player.pos, player.eye, rng)
        except PlacementError:
            continue
        mobs = Mobs()
        for name, pos in spawns:
            mobs.spawn(name, pos, yaw=float(rng.uniform(-180, 180)))
        inventory = Inventory()
        for entry in spec.inventory:
            if entry.slot is None:
                inventory.add(entry.item, entry.count)
            else:
                inventory.set_slot(entry.slot, ItemStack(entry.item, entry.count))
        inventory.select(spec.held_slot)
        return BuiltScene(world, seed, world.blocks.copy(), player, mobs, inventory)
    raise RuntimeError(f"scene with seed {spec.seed} could not be placed in {MAX_ATTEMPTS} derived worlds")


def _base_blocks(spec: SceneSpec, config: WorldConfig) -> np.ndarray:
    key = json.dumps([spec.to_dict(), config.__dict__], sort_keys=True)
    if key not in _CACHE:
        _CACHE[key] = build_scene(spec, config).base_blocks
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return _CACHE[key]


def save(sim) -> bytes:
    changed = np.flatnonzero(sim.world.blocks.ravel() != sim._base_blocks.ravel()).astype(np.int64)
    header = {
        "version": STATE_VERSION,
        "scene": sim.scene.to_dict(),
        "config": sim.config.__dict__,
        "world_seed": sim.world_seed,
        "player": sim.player.to_dict(),
        "inventory": sim.inventory.to_dict(),
        "stats": sim.stats.to_dict(),
        "gui": None if sim.gui is None else sim.gui.to_dict(),
        "gui_container": _gui_container_key(sim),
        "containers": [[list(pos), c.to_dict()] for pos, c in sim.containers.items()],
        "rng": sim.rng.bit_generator.state,
        "tick": sim.tick,
        "time_of_day": sim.time_of_day,
        "mining_target": None if sim.mining_target is None else list(sim.mining_target),
        "mining_progress": sim.mining_progress,
        "destroy_delay": sim.destroy_delay,
        "eat_progress": sim.eat_progress,
        "prev_buttons": sim.prev_buttons,
    }
    buffer = io.BytesIO()
    np.savez(
        buffer,
        header=np.frombuffer(json.dumps(header).encode(), np.uint8),
        changed_index=changed,
        changed_block=sim.world.blocks.ravel()[changed],
        **sim.mobs.to_arrays(),
    )
    return buffer.getvalue()


def _gui_container_key(sim):
    if sim.gui is None or sim.gui.container is None:
        return None
    for pos, container in sim.containers.items():
        if container is sim.gui.container:
            return list(pos)
    return None


def load(sim, data: bytes) -> None:
    if not isinstance(data, bytes | bytearray):
        raise ValueError(f"set_state needs the bytes of get_state, got {type(data).__name__}")
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    header = json.loads(arrays["header"].tobytes().decode())
    if header.get("version") != STATE_VERSION:
        raise ValueError(f"state version {header.get('version')} is not {STATE_VERSION}")
    config = WorldConfig(**header["config"])
    if config != sim.config:
        raise ValueError(f"state was saved with world config {config}, this MineSim has {sim.config}")
    scene = SceneSpec.from_dict(header["scene"])
    base = _base_blocks(scene, config)
    blocks = base.copy()
    blocks.ravel()[arrays["changed_index"]] = arrays["changed_block"]
    world = generate_cached(header["world_seed"], config)
    world.blocks = blocks
    world.refresh(0, blocks.shape[0], 0, blocks.shape[1], 0, blocks.shape[2])
    sim.world = world
    sim._base_blocks = base
    sim.scene = scene
    sim.world_seed = int(header["world_seed"])
    sim.player = Player.from_dict(header["player"])
    sim.inventory = Inventory.from_dict(header["inventory"])
    sim.stats = Statistics.from_dict(header["stats"])
    sim.mobs = Mobs.from_arrays(arrays)
    sim.containers = {tuple(pos): container_from_dict(c) for pos, c in header["containers"]}
    sim.gui = None
    if header["gui"] is not None:
        key = header["gui_container"]
        container = sim.containers[tuple(key)] if key is not None else None
        sim.gui = GuiScreen.from_dict(header["gui"], sim.inventory, container)
    sim.rng = np.random.default_rng()
    sim.rng.bit_generator.state = header["rng"]
    sim.tick = int(header["tick"])
    sim.time_of_day = int(header["time_of_day"])
    target = header["mining_target"]
    sim.mining_target = None if target is None else tuple(target)
    sim.mining_progress = int(header["mining_progress"])
    sim.destroy_delay = int(header["destroy_delay"])
    sim.eat_progress = int(header["eat_progress"])
    sim.prev_buttons = dict(header["prev_buttons"])
    sim._gui_stacks = None
    sim._update_target()
