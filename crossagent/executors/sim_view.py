"""What the scripted executors may know about MineSim: targets under a point, where they are, aiming.

All MineSim-specific access of the executors goes through here. The executors stand in for learned
policies that see the frame (ROCKET-1 segments the pointed object and tracks it): they may read what a
frame point shows (`point_hit`), where that one object is while they track it, the crosshair target and
the GUI cursor, and nothing else of the world (no map, no other blocks, no path finding).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crossagent.sim.lookup import BLOCK_NAMES
from modeling_crossagent.action_spaces import CAMERA_DEGREES_PER_UNIT, MAX_MOUSE


@dataclass(frozen=True)
class Target:
    """One object picked out of a frame: a block cell, a mob, or a GUI slot."""

    kind: str
    """'block', 'mob' or 'slot'."""
    name: str | None
    """Block or mob name, or the item in the slot (None: empty slot)."""
    key: tuple | int
    """Block cell (x, y, z), mob index or slot index."""


def target_at(sim, point: tuple[int, int]) -> Target | None:
    """The object the normalised frame point shows now, or None (sky, outside every slot)."""
    hit = sim.point_hit(float(point[0]), float(point[1]))
    if hit is None:
        return None
    if hit["kind"] == "block":
        return Target("block", hit["name"], tuple(hit["pos"]))
    if hit["kind"] == "mob":
        return Target("mob", hit["name"], int(hit["index"]))
    return Target("slot", hit["item"], int(hit["index"]))


def center(sim, target: Target) -> np.ndarray | None:
    """Where a world target is now (block centre, mob body centre); None once it is gone."""
    if target.kind == "block":
        x, y, z = target.key
        if BLOCK_NAMES[sim.world.blocks[x, y, z]] != target.name:
            return None
        return np.array([x + 0.5, y + 0.5, z + 0.5])
    mobs = sim.mobs
    if not mobs.alive[target.key]:
        return None
    box = mobs.boxes()[target.key]
    return (box[:3] + box[3:]) / 2


def aim(sim, point: np.ndarray, max_degrees: float) -> tuple[int, int]:
    """Mouse units (dx, dy) that turn the view toward `point`, at most `max_degrees` per axis."""
    eye = sim.player.eye
    d = point - eye
    yaw = math.degrees(math.atan2(-d[0], d[2]))
    pitch = math.degrees(-math.atan2(d[1], math.hypot(d[0], d[2])))
    d_yaw = (yaw - sim.player.yaw + 180.0) % 360.0 - 180.0
    d_pitch = pitch - sim.player.pitch
    limit = min(max_degrees, MAX_MOUSE * CAMERA_DEGREES_PER_UNIT)
    return tuple(round(max(-limit, min(limit, v)) / CAMERA_DEGREES_PER_UNIT) for v in (d_yaw, d_pitch))


def distance(sim, point: np.ndarray) -> float:
    return float(np.linalg.norm(point - sim.player.eye))


def crosshair_on(sim, target: Target) -> bool:
    """Whether the crosshair hits `target` within reach (what attack or use would act on)."""
    hit = sim.target
    if hit is None or hit["kind"] != target.kind:
        return False
    return (tuple(hit["pos"]) if target.kind == "block" else int(hit["index"])) == target.key


def stuck(sim) -> bool:
    """On the ground and barely moving: walking into a step (worth a jump)."""
    return bool(sim.player.on_ground) and math.hypot(sim.player.vel[0], sim.player.vel[2]) < 0.05


def gui_open(sim) -> bool:
    return sim.gui is not None


def cursor(sim) -> tuple[float, float]:
    return sim.gui.cursor_pos


def slot_center(sim, index: int) -> tuple[float, float]:
    x0, y0, x1, y1 = sim.gui.slots[index].rect
    return (x0 + x1) / 2, (y0 + y1) / 2


def slot_under_cursor(sim) -> int | None:
    return sim.gui.slot_at(*sim.gui.cursor_pos)


def cursor_item(sim) -> str | None:
    stack = sim.gui.cursor_stack
    return None if stack is None else stack.item


def button_held(sim, button: str) -> bool:
    """Whether `button` was held on the last tick (a click needs a fresh press)."""
    return bool(sim.prev_buttons.get(button, False))


def find_in_view(sim, name: str, grid: int) -> tuple[int, int] | None:
    """The frame point of the nearest `name` seen on a grid x grid scan of the frame, or None."""
    best, best_distance = None, math.inf
    step = 1000 / grid
    for i in range(grid):
        for j in range(grid):
            point = (round((j + 0.5) * step), round((i + 0.5) * step))
            hit = sim.point_hit(*point)
            found = hit is not None and hit["kind"] in ("block", "mob") and hit["name"] == name
            if found and hit["distance"] < best_distance:
                best, best_distance = point, hit["distance"]
    return best
