"""What the scripted expert may know that a model may not: where its target is and where it shows.

The expert reads the world state (block grid, mob list) to pick its target, then projects the target
into the frame and checks with `point_hit` that the point really shows it, so every grounding label it
writes is one the grounding executor accepts.
"""

from __future__ import annotations

import math

import numpy as np

from crossagent.executors.sim_view import Target
from crossagent.sim.data.blocks import block_id
from crossagent.sim.raycast import camera_basis

SEARCH_RADIUS = 10
"""Blocks around the player searched for the target block (scenes place targets within 6)."""
FACE_SAMPLES = (0.5, 0.2, 0.8)
"""Fractions across a target's box tried, centre first, to find a point that shows it."""


def block_candidates(sim, name: str) -> list[Target]:
    """Blocks called `name` within SEARCH_RADIUS of the player's eye, nearest first."""
    blocks, eye = sim.world.blocks, sim.player.eye
    lo = np.maximum(np.floor(eye).astype(int) - SEARCH_RADIUS, 0)
    hi = np.minimum(np.floor(eye).astype(int) + SEARCH_RADIUS + 1, blocks.shape)
    region = blocks[lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]]
    cells = np.argwhere(region == block_id(name)) + lo
    order = np.argsort(np.linalg.norm(cells + 0.5 - eye, axis=1), kind="stable")
    return [Target("block", name, tuple(int(v) for v in cells[i])) for i in order]


def mob_candidates(sim, name: str) -> list[Target]:
    """Living mobs called `name`, nearest first."""
    mobs, eye = sim.mobs, sim.player.eye
    boxes = mobs.boxes()
    found = [
        (float(np.linalg.norm((boxes[i, :3] + boxes[i, 3:]) / 2 - eye)), int(i))
        for i in np.flatnonzero(mobs.alive)
        if mobs.name(int(i)) == name
    ]
    return [Target("mob", name, index) for _, index in sorted(found)]


def pick_target(
    sim, candidates: list[Target], limit: int = 24
) -> tuple[Target | None, tuple[int, int] | None]:
    """The nearest candidate some frame point shows, with that point; else the nearest, with None.

    The nearest `grass_block` is usually the one under the player's feet: what counts is the nearest one
    in view. At most `limit` candidates are tested.
    """
    for target in candidates[:limit]:
        point = visible_point(sim, target)
        if point is not None:
            return target, point
    return (candidates[0] if candidates else None), None


def _box(sim, target: Target) -> tuple[np.ndarray, np.ndarray] | None:
    if target.kind == "block":
        corner = np.array(target.key, float)
        return corner, corner + 1.0
    if not sim.mobs.alive[target.key]:
        return None
    box = sim.mobs.boxes()[target.key]
    return box[:3], box[3:]


def project(sim, point: np.ndarray) -> tuple[int, int] | None:
    """Frame point (x, y) in [0, 1000]^2 where a world point is drawn, None when behind or off screen."""
    renderer, player = sim.renderer, sim.player
    forward, right, up = camera_basis(player.yaw, player.pitch)
    d = np.asarray(point, float) - player.eye
    depth = float(d @ forward)
    if depth <= 1e-6:
        return None
    half = math.tan(math.radians(renderer.fov) / 2.0)
    aspect = renderer.width / renderer.height
    u = ((d @ right) / depth / (half * aspect) + 1.0) / 2.0
    v = (1.0 - (d @ up) / depth / half) / 2.0
    if not (0.0 <= u <= 1.0 and 0.0 <= v <= 1.0):
        return None
    return round(u * 1000), round(v * 1000)


def _shows(sim, point: tuple[int, int], target: Target) -> bool:
    hit = sim.point_hit(*point)
    if hit is None or hit["kind"] != target.kind:
        return False
    return (tuple(hit["pos"]) if target.kind == "block" else int(hit["index"])) == target.key


def visible_point(sim, target: Target) -> tuple[int, int] | None:
    """A frame point that shows `target` (its centre if unoccluded), or None when no sample does."""
    box = _box(sim, target)
    if box is None:
        return None
    lo, hi = box
    for fx in FACE_SAMPLES:
        for fy in FACE_SAMPLES:
            for fz in FACE_SAMPLES:
                point = project(sim, lo + (hi - lo) * np.array([fx, fy, fz]))
                if point is not None and _shows(sim, point, target):
                    return point
    return None


def target_center(sim, target: Target) -> np.ndarray | None:
    box = _box(sim, target)
    return None if box is None else (box[0] + box[1]) / 2
