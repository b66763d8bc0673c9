"""Axis-aligned box movement against the voxel grid (numba), shared by the player and the mobs.

Minecraft resolves a move one axis at a time, y first, then x, then z, clipping each axis against
every solid block the box would enter. A box stands at `pos` = (centre x, feet y, centre z) with a
half width and a height. The world's side walls and floor are solid.
"""

from __future__ import annotations

import math

from numba import njit

EPS = 1e-7


@njit(cache=True, inline="always")
def _solid(blocks, solid_lut, x, y, z):
    sx, sy, sz = blocks.shape
    if x < 0 or x >= sx or z < 0 or z >= sz or y < 0:
        return True
    if y >= sy:
        return False
    return solid_lut[blocks[x, y, z]]


@njit(cache=True)
def _clip_axis(blocks, solid_lut, lo, hi, axis, delta):
    """Largest move <= |delta| along `axis` for the box [lo, hi] before it enters a solid cell."""
    if delta == 0.0:
        return 0.0
    a0 = math.floor(lo[0] + EPS), math.floor(lo[1] + EPS), math.floor(lo[2] + EPS)
    a1 = math.ceil(hi[0] - EPS) - 1, math.ceil(hi[1] - EPS) - 1, math.ceil(hi[2] - EPS) - 1
    if delta > 0:
        start = math.floor(hi[axis] + EPS)
        stop = math.floor(hi[axis] + delta - EPS)
        cells = range(start, stop + 1)
    else:
        start = math.ceil(lo[axis] - EPS) - 1
        stop = math.floor(lo[axis] + delta + EPS)
        cells = range(start, stop - 1, -1)
    for c in cells:
        r0 = [a0[0], a0[1], a0[2]]
        r1 = [a1[0], a1[1], a1[2]]
        r0[axis] = c
        r1[axis] = c
        for x in range(r0[0], r1[0] + 1):
            for y in range(r0[1], r1[1] + 1):
                for z in range(r0[2], r1[2] + 1):
                    if _solid(blocks, solid_lut, x, y, z):
                        if delta > 0:
                            return max(0.0, c - hi[axis])
                        return min(0.0, c + 1 - lo[axis])
    return delta


@njit(cache=True)
def move_box(blocks, solid_lut, pos, vel, half_width, height):
    """Move the box at pos by vel (blocks per tick) with collision, in place.

    Returns (on_ground, hit_wall): whether a downward move was stopped by a block, and whether a
    horizontal move was clipped. The velocity of a clipped axis is zeroed.
    """
    lo = [pos[0] - half_width, pos[1], pos[2] - half_width]
    hi = [pos[0] + half_width, pos[1] + height, pos[2] + half_width]
    on_ground = False
    hit_wall = False
    for axis in (1, 0, 2):
        want = vel[axis]
        got = _clip_axis(blocks, solid_lut, lo, hi, axis, want)
        lo[axis] += got
        hi[axis] += got
        if got != want:
            if axis == 1:
                on_ground = want < 0
            else:
                hit_wall = True
            vel[axis] = 0.0
    pos[0] = (lo[0] + hi[0]) * 0.5
    pos[1] = lo[1]
    pos[2] = (lo[2] + hi[2]) * 0.5
    return on_ground, hit_wall


@njit(cache=True)
def box_touches(blocks, lut, pos, half_width, height):
    """Whether the box overlaps any cell whose lut entry is true (e.g. water)."""
    sx, sy, sz = blocks.shape
    for x in range(math.floor(pos[0] - half_width), math.floor(pos[0] + half_width) + 1):
        for y in range(math.floor(pos[1]), math.floor(pos[1] + height) + 1):
            for z in range(math.floor(pos[2] - half_width), math.floor(pos[2] + half_width) + 1):
                if 0 <= x < sx and 0 <= y < sy and 0 <= z < sz and lut[blocks[x, y, z]]:
                    return True
    return False
