"""Initial scenes per category, as JSON-able dicts with the fields of the world's SceneSpec.

The dicts are `crossagent.sim.scene.SceneSpec.to_dict()`-shaped: blocks are `{name, right, up, forward}`
in whole blocks from the block the player stands in, along the start yaw snapped to an axis (`up = 0`
is the feet level, on the ground); mobs are `{name, count, min_distance, max_distance}` on the ground in
front of the player; inventory entries are `{item, count, slot}` with slots 0-8 the hotbar and 9-35 the
main inventory. Pitch is in degrees, positive looks down (Minecraft's convention). Time of day is
Minecraft ticks (6000 = noon, 18000 = midnight).

Every random choice is drawn from the task's own rng, so a scene is a pure function of the task id.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

DAY = 6000
NIGHT = 18000
INVENTORY_SLOTS = 36
HOTBAR_SLOTS = 9


def base_scene(seed: int) -> dict[str, Any]:
    return {
        "seed": seed,
        "blocks": [],
        "blocks_in_view": [],
        "mobs": [],
        "inventory": [],
        "held_slot": 0,
        "time_of_day": DAY,
        "open_gui": None,
        "yaw": 0.0,
        "pitch": 20.0,
    }


def _block(name: str, right: int, up: int, forward: int) -> dict[str, Any]:
    return {"name": name, "right": right, "up": up, "forward": forward}


def _entry(item: str, count: int, slot: int) -> dict[str, Any]:
    return {"item": item, "count": count, "slot": slot}


def _look_pitch(rng: random.Random) -> float:
    # Looking slightly down keeps ground-level blocks 2-5 ahead inside a 70-degree field of view without
    # putting the crosshair on them: aiming is part of the task.
    return round(rng.uniform(12.0, 28.0), 1)


def mine_scene(seed: int, rng: random.Random, target: str, tool: str | None) -> dict[str, Any]:
    """The target block 2-4 ahead (plus up to two more copies nearby), the tool held in hotbar slot 0."""
    scene = base_scene(seed)
    first = (rng.randint(-1, 1), 0, rng.randint(2, 4))
    spots = [(r, 0, f) for r in range(-2, 3) for f in range(2, 6) if (r, 0, f) != first]
    extra = rng.sample(spots, rng.randint(0, 2))
    scene["blocks"] = [_block(target, *offset) for offset in [first, *extra]]
    if tool is not None:
        scene["inventory"] = [_entry(tool, 1, 0)]
    scene["yaw"], scene["pitch"] = round(rng.uniform(-15.0, 15.0), 1), _look_pitch(rng)
    return scene


def kill_scene(seed: int, rng: random.Random, mob: str, weapon: str, *, night: bool) -> dict[str, Any]:
    """One mob 3-5 blocks ahead, the weapon held in hotbar slot 0.

    5 is the radius of the levelled clearing the world makes around the player: farther out the ground
    may be lower and hide a small mob behind the clearing's edge.
    """
    scene = base_scene(seed)
    scene["mobs"] = [{"name": mob, "count": 1, "min_distance": 3.0, "max_distance": 5.0}]
    scene["inventory"] = [_entry(weapon, 1, 0)]
    scene["time_of_day"] = NIGHT if night else DAY
    scene["yaw"], scene["pitch"] = round(rng.uniform(-15.0, 15.0), 1), round(rng.uniform(0.0, 15.0), 1)
    return scene


def scatter_stacks(
    rng: random.Random,
    wanted: Sequence[tuple[str, int]],
    stack_size: Callable[[str], int],
    free_slots: Sequence[int] = range(INVENTORY_SLOTS),
) -> list[dict[str, Any]]:
    """Split `(item, count)` into legal stacks and put each in its own random free slot."""
    stacks: list[tuple[str, int]] = []
    for item, count in wanted:
        size = stack_size(item)
        if size < 1:
            raise ValueError(f"item {item!r} has stack size {size}; it cannot be put in an inventory")
        while count > 0:
            stacks.append((item, min(size, count)))
            count -= size
    if len(stacks) > len(free_slots):
        raise ValueError(f"{len(stacks)} stacks do not fit in {len(free_slots)} free inventory slots")
    slots = rng.sample(list(free_slots), len(stacks))
    return [_entry(item, count, slot) for (item, count), slot in zip(stacks, slots)]


def with_extra(rng: random.Random, needed: dict[str, int]) -> list[tuple[str, int]]:
    """The needed counts plus a random surplus of up to as many again (the paper's ">= n" quantities)."""
    return [(item, count + rng.randint(0, count)) for item, count in sorted(needed.items())]


def craft_scene(
    seed: int, rng: random.Random, needed: dict[str, int], gui: str, stack_size: Callable[[str], int]
) -> dict[str, Any]:
    """Ingredients (plus extra) in random slots; the 2x2 inventory grid or a crafting table GUI open."""
    scene = base_scene(seed)
    if gui == "crafting_table":
        scene["blocks"] = [_block("crafting_table", 0, 0, 2)]
    scene["inventory"] = scatter_stacks(rng, with_extra(rng, needed), stack_size)
    scene["open_gui"] = gui
    scene["held_slot"] = rng.randrange(HOTBAR_SLOTS)
    scene["pitch"] = 30.0
    return scene


def smelt_scene(seed: int, rng: random.Random, plan: Any, stack_size: Callable[[str], int]) -> dict[str, Any]:
    """1-3 inputs and enough fuel for all of them (plus spare) in random slots, a furnace ahead, its GUI open.

    `plan` is a `crafting.SmeltPlan` (input, fuel, `fuel_count(n)`).
    """
    scene = base_scene(seed)
    scene["blocks"] = [_block("furnace", 0, 0, 2)]
    inputs = rng.randint(1, 3)
    wanted = [(plan.input, inputs), (plan.fuel, plan.fuel_count(inputs) + rng.randint(0, 2))]
    scene["inventory"] = scatter_stacks(rng, wanted, stack_size)
    scene["open_gui"] = "furnace"
    scene["held_slot"] = rng.randrange(HOTBAR_SLOTS)
    scene["pitch"] = 30.0
    return scene


def interact_scene(seed: int, rng: random.Random, target: str) -> dict[str, Any]:
    """The block 2-3 ahead at the player's feet level, empty hands."""
    scene = base_scene(seed)
    scene["blocks"] = [_block(target, rng.randint(-1, 1), 0, rng.randint(2, 3))]
    scene["yaw"], scene["pitch"] = round(rng.uniform(-15.0, 15.0), 1), _look_pitch(rng)
    return scene
