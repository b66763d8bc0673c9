"""What is drawn at each pixel of a MineSim frame: the renderer's ground truth, for perception data.

    frame = sim.render().copy()
    labels = object_map(sim)          # call right after render(), with no GUI open
    labels.names[labels.codes[32, 40]] # 'oak_log', 'cow', 'sky', ...
    labels.instances[32, 40]           # one id per block cell or mob: tells two oak logs apart

A pixel shows the mob drawn there (the renderer's `mob_ids`), else water when the ray entered water
before it hit anything, else the block cell its ray hit, else sky. GUI screens have their own ground
truth: the slot rects of `crossagent.sim.gui` (`MineSim.point_hit`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crossagent.sim.data.blocks import block_id
from crossagent.sim.lookup import BLOCK_NAMES, NUM_BLOCKS
from crossagent.sim.mobs_ai import MOB_NAMES

SKY = "sky"
"""Name of a pixel whose ray hit nothing within the view distance."""
NAMES: tuple[str, ...] = (SKY, *BLOCK_NAMES[1:], *MOB_NAMES)
"""Object names by code: 0 sky, then block ids 1.. (code = block id), then mobs (code = NUM_BLOCKS + kind)."""
CODES: dict[str, int] = {name: code for code, name in enumerate(NAMES) if name}
WATER_CODE = block_id("water")


@dataclass(frozen=True)
class ObjectMap:
    """Per-pixel ground truth of one world frame."""

    codes: np.ndarray
    """(H, W) int32: the object's name code (`NAMES[code]`)."""
    instances: np.ndarray
    """(H, W) int64: one id per object instance (block cell or mob); -1 for sky and water."""

    names = NAMES

    def name_at(self, row: int, col: int) -> str:
        return NAMES[int(self.codes[row, col])]


def object_map(sim) -> ObjectMap:
    """The ground truth of the frame `sim.render()` drew last (no GUI open: a GUI frame has slots instead)."""
    if sim.gui is not None:
        raise ValueError("object_map: a GUI is open; GUI frames are labelled by their slot rects (point_hit)")
    hit_t, hit_cell, hit_water = sim.renderer.hits()
    x, y, z = (hit_cell[..., k].astype(np.int64) for k in range(3))
    block = hit_cell[..., 0] >= 0
    sx, sy, sz = sim.world.blocks.shape
    codes = np.zeros(hit_t.shape, np.int32)
    codes[block] = sim.world.blocks[x[block], y[block], z[block]]
    instances = np.where(block, (x * sy + y) * sz + z, -1)
    water = hit_water < hit_t
    codes[water], instances[water] = WATER_CODE, -1
    mob = sim.renderer.mob_ids
    drawn = mob >= 0
    if drawn.any():
        kinds = np.asarray(sim.mobs.kind)[mob[drawn]]
        codes[drawn] = NUM_BLOCKS + kinds
        instances[drawn] = sx * sy * sz + mob[drawn]
    return ObjectMap(codes, instances)


def hud_mask(height: int, width: int) -> np.ndarray:
    """The pixels the HUD covers on a world frame (hotbar, health and food bars, crosshair): the same
    geometry as `overlay.draw_hud`, which draws over the world there."""
    mask = np.zeros((height, width), bool)
    ci, cj, arm = width // 2, height // 2, max(2, width // 32)
    mask[cj, ci - arm : ci + arm + 1] = True
    mask[cj - arm : cj + arm + 1, ci] = True
    slot = max(5, width // 12)
    i_start, j0 = (width - 9 * slot) // 2, height - slot - 1
    top = j0 - 2 - max(1, slot // 6)
    mask[max(top, 0) : j0 + slot, max(i_start, 0) : i_start + 9 * slot] = True
    return mask
