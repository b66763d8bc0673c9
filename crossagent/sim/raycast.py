"""Ray casting through the voxel grid (numba): the one ray kernel that the renderer, the crosshair
target and `point_hit` share, so what is drawn at a pixel is what a point there hits.

Amanatides-Woo grid traversal. A ray stops at the first opaque block, or at the inner box of a plant
(flowers, grass: non-solid blocks drawn as a smaller box); water is traversed and its entry distance
reported so the renderer can tint what lies behind it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from crossagent.sim.lookup import KIND_OPAQUE, KIND_PLANT, KIND_WATER

FAST_MATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
"""LLVM fast-math flags without 'nnan'/'ninf': the kernels compare against inf (misses, no water)."""

FACE_NONE, FACE_X, FACE_Y, FACE_Z = -1, 0, 1, 2
"""Axis of the face a ray entered a block through (the sign is opposite to the ray's direction)."""

PLANT_INSET = 0.25
PLANT_TOP = 0.8
"""Plants are drawn and hit as the box [0.25, 0.75] x [0, 0.8] x [0.25, 0.75] of their cell."""


@njit(cache=True, inline="always")
def slab_hit(ox, oy, oz, dx, dy, dz, x0, y0, z0, x1, y1, z1):
    """Entry distance of a ray into an axis-aligned box and the entry axis; (inf, -1) when it misses.

    A ray starting inside the box returns (0, -1).
    """
    t_near, t_far, axis = -1e30, 1e30, -1
    for a in range(3):
        if a == 0:
            o, d, lo, hi = ox, dx, x0, x1
        elif a == 1:
            o, d, lo, hi = oy, dy, y0, y1
        else:
            o, d, lo, hi = oz, dz, z0, z1
        if abs(d) < 1e-12:
            if o < lo or o > hi:
                return math.inf, -1
            continue
        inv = 1.0 / d
        t0, t1 = (lo - o) * inv, (hi - o) * inv
        if t0 > t1:
            t0, t1 = t1, t0
        if t0 > t_near:
            t_near, axis = t0, a
        t_far = min(t_far, t1)
    if t_near > t_far or t_far < 0.0:
        return math.inf, -1
    if t_near < 0.0:
        return 0.0, -1
    return t_near, axis


SKIP_CAP = 5
"""Largest Chebyshev distance stored in the empty-space field (bigger jumps gain little here)."""
SOLID_CODE = 16
"""Cell codes: air cells hold their empty-space distance (1..SKIP_CAP), other cells SOLID_CODE + kind."""


@njit(cache=True)
def distance_field(kinds, cells, x0, x1, y0, y1, z0, z1):
    """Fill cells[x0:x1, y0:y1, z0:z1] with the ray's cell codes: SOLID_CODE + kind for non-air cells,
    else the Chebyshev distance (in cells, capped at SKIP_CAP) to the nearest non-air cell. Cells
    outside the world count as air.

    The L-infinity distance transform is separable: a 1D distance along z, then two min-max passes
    along y and x. Only a box grown by SKIP_CAP around the target is read, so a changed block costs
    a small local update.
    """
    sx, sy, sz = kinds.shape
    cap = SKIP_CAP
    ax0, ax1 = max(x0 - cap, 0), min(x1 + cap, sx)
    ay0, ay1 = max(y0 - cap, 0), min(y1 + cap, sy)
    nx, ny, nz = ax1 - ax0, ay1 - ay0, z1 - z0
    a = np.empty((nx, ny, nz), np.uint8)
    for i in range(nx):
        for j in range(ny):
            row = kinds[ax0 + i, ay0 + j]
            for k in range(nz):
                z = z0 + k
                best = cap
                for dz in range(0, cap):
                    if (z - dz >= 0 and row[z - dz] != 0) or (z + dz < sz and row[z + dz] != 0):
                        best = dz
                        break
                a[i, j, k] = best
    b = np.empty((nx, y1 - y0, nz), np.uint8)
    for i in range(nx):
        for j in range(y1 - y0):
            jc = j + y0 - ay0
            for k in range(nz):
                best = a[i, jc, k]
                for dy in range(1, min(best, cap)):
                    lo, hi = jc - dy, jc + dy
                    if lo >= 0 and a[i, lo, k] < best:
                        best = max(dy, a[i, lo, k])
                    if hi < ny and a[i, hi, k] < best:
                        best = max(dy, a[i, hi, k])
                    if best <= dy + 1:
                        break
                b[i, j, k] = best
    for i in range(x1 - x0):
        ic = i + x0 - ax0
        for j in range(y1 - y0):
            for k in range(nz):
                best = b[ic, j, k]
                for dx in range(1, min(best, cap)):
                    lo, hi = ic - dx, ic + dx
                    if lo >= 0 and b[lo, j, k] < best:
                        best = max(dx, b[lo, j, k])
                    if hi < nx and b[hi, j, k] < best:
                        best = max(dx, b[hi, j, k])
                    if best <= dx + 1:
                        break
                kind = kinds[x0 + i, y0 + j, z0 + k]
                cells[x0 + i, y0 + j, z0 + k] = SOLID_CODE + kind if kind != 0 else best


@njit(cache=True, fastmath=FAST_MATH, inline="always")
def cast(cells, sx, sy, sz, ceiling, ox, oy, oz, dx, dy, dz, max_dist):
    """Cast a ray with a unit direction through the grid.

    cells is the world's flattened cell-code grid (see `distance_field`) of shape (sx, sy, sz): in
    air whose code is s >= 2 the ray jumps out of the empty cube of radius s - 1 in one step.
    `ceiling` is one above the highest non-air cell: a rising ray above it hits nothing more.
    Returns (t, x, y, z, face, t_water): the hit distance and cell (t = inf and x = -1 on a miss
    within max_dist), the entry face axis, and the distance at which the ray entered water (inf if
    never).
    """
    return cast_from(cells, sx, sy, sz, ceiling, ox, oy, oz, dx, dy, dz, 0.0, max_dist)


@njit(cache=True, fastmath=FAST_MATH, inline="always")
def cast_from(cells, sx, sy, sz, ceiling, ox, oy, oz, dx, dy, dz, t_start, max_dist):
    """`cast`, starting the walk at distance t_start: the caller knows the ray meets only air (and no
    water) before it, e.g. from `cone_clear`."""
    t_water = math.inf
    t = t_start
    if not (0.0 <= ox + dx * t < sx and 0.0 <= oy + dy * t < sy and 0.0 <= oz + dz * t < sz):
        # Clip the ray to the world box so a camera outside the world still sees it.
        t, _ = slab_hit(ox, oy, oz, dx, dy, dz, 0.0, 0.0, 0.0, float(sx), float(sy), float(sz))
        if t > max_dist:
            return math.inf, -1, -1, -1, -1, t_water
    ix = min(max(math.floor(ox + dx * t), 0), sx - 1)
    iy = min(max(math.floor(oy + dy * t), 0), sy - 1)
    iz = min(max(math.floor(oz + dz * t), 0), sz - 1)
    if iy >= ceiling and dy >= 0:
        return math.inf, -1, -1, -1, -1, t_water
    big = 1e30
    # A zero component counts as positive with an infinite crossing distance: never the next axis.
    inv_x = 1.0 / dx if dx != 0 else big
    inv_y = 1.0 / dy if dy != 0 else big
    inv_z = 1.0 / dz if dz != 0 else big
    step_x = 1 if dx >= 0 else -1
    step_y = 1 if dy >= 0 else -1
    step_z = 1 if dz >= 0 else -1
    up_x = 1 if dx >= 0 else 0
    up_y = 1 if dy >= 0 else 0
    up_z = 1 if dz >= 0 else 0
    stride_x, stride_y = sy * sz, sz
    delta_x, delta_y, delta_z = abs(inv_x), abs(inv_y), abs(inv_z)
    next_x = (ix + up_x - ox) * inv_x
    next_y = (iy + up_y - oy) * inv_y
    next_z = (iz + up_z - oz) * inv_z
    end_x = sx if dx >= 0 else -1
    end_y = ceiling if dy >= 0 else -1
    end_z = sz if dz >= 0 else -1
    index = ix * stride_x + iy * stride_y + iz
    face = -1
    while t <= max_dist:
        code = cells[index]
        if code >= SOLID_CODE:
            kind = code - SOLID_CODE
            if kind == KIND_OPAQUE:
                return t, ix, iy, iz, face, t_water
            if kind == KIND_WATER:
                if t_water == math.inf:
                    t_water = t
            elif kind == KIND_PLANT:
                th, axis = slab_hit(
                    ox, oy, oz, dx, dy, dz,
                    ix + PLANT_INSET, iy, iz + PLANT_INSET,
                    ix + 1 - PLANT_INSET, iy + PLANT_TOP, iz + 1 - PLANT_INSET,
                )  # fmt: skip
                if th <= max_dist:
                    return th, ix, iy, iz, axis, t_water
        elif code >= 2:
            # Leave the empty cube [i - r, i + r] (r = code - 1) on each axis in one jump.
            r = np.int64(code) - 1
            tx = next_x + r * delta_x
            ty = next_y + r * delta_y
            tz = next_z + r * delta_z
            if tx <= ty and tx <= tz:
                t, face = tx, FACE_X
                ix += step_x * (r + 1)
                iy = math.floor(oy + dy * t)
                iz = math.floor(oz + dz * t)
            elif ty <= tz:
                t, face = ty, FACE_Y
                iy += step_y * (r + 1)
                ix = math.floor(ox + dx * t)
                iz = math.floor(oz + dz * t)
            else:
                t, face = tz, FACE_Z
                iz += step_z * (r + 1)
                ix = math.floor(ox + dx * t)
                iy = math.floor(oy + dy * t)
            if ix < 0 or ix >= sx or iy < 0 or iy >= sy or iz < 0 or iz >= sz or (dy > 0 and iy >= ceiling):
                break
            next_x = (ix + up_x - ox) * inv_x
            next_y = (iy + up_y - oy) * inv_y
            next_z = (iz + up_z - oz) * inv_z
            index = ix * stride_x + iy * stride_y + iz
            continue
        if next_x < next_y:
            if next_x < next_z:
                ix += step_x
                if ix == end_x:
                    break
                t = next_x
                next_x += delta_x
                face = FACE_X
                index += step_x * stride_x
                continue
        elif next_y < next_z:
            iy += step_y
            if iy == end_y:
                break
            t = next_y
            next_y += delta_y
            face = FACE_Y
            index += step_y * stride_y
            continue
        iz += step_z
        if iz == end_z:
            break
        t = next_z
        next_z += delta_z
        face = FACE_Z
        index += step_z
    return math.inf, -1, -1, -1, -1, t_water


@njit(cache=True, fastmath=FAST_MATH, inline="always")
def cone_clear(cells, sx, sy, sz, ceiling, ox, oy, oz, dx, dy, dz, spread, max_dist):
    """Whether every ray from the origin whose unit direction u has |u - d| <= spread (d the unit
    direction (dx, dy, dz)) meets only air up to max_dist, so that all of them miss (the sky).

    At distance t all those rays lie in the cube of half-width spread * t around the point of the
    central ray; the walk advances t while that cube stays inside the empty cube (`distance_field`)
    of the cell it is in, and gives up where it does not fit, where the centre leaves the world, or
    at a non-air cell. Returns (clear, t): the central ray is in air up to t and its point at t lies
    in an air cell, so a `cast` of it may start there (`cast_from`). Conservative: a False only
    costs speed.
    """
    k = spread * (1.0 + 1e-9) + 1e-12
    rising = dy - k > 0.0
    stride_x, stride_y = sy * sz, sz
    t = t_air = 0.0  # t_air: the central ray's point there lies in an air cell
    while t < max_dist:
        px, py, pz = ox + dx * t, oy + dy * t, oz + dz * t
        rho = k * t + 1e-9
        if rising and py - rho >= ceiling:
            return True, t
        ix, iy, iz = math.floor(px), math.floor(py), math.floor(pz)
        if ix < 0 or ix >= sx or iy < 0 or iy >= sy or iz < 0 or iz >= sz:
            return False, t_air
        code = cells[ix * stride_x + iy * stride_y + iz]
        if code >= SOLID_CODE:
            return False, t_air
        t_air = t
        r = np.int64(code) - 1
        t_next = max_dist
        for axis in range(3):
            if axis == 0:
                o, d, p, lo = ox, dx, px, ix - r
            elif axis == 1:
                o, d, p, lo = oy, dy, py, iy - r
            else:
                o, d, p, lo = oz, dz, pz, iz - r
            hi = lo + 2 * r + 1
            if p - rho < lo or p + rho > hi:
                return False, t_air
            if d + k > 0.0:
                t_next = min(t_next, (hi - o) / (d + k))
            if k - d > 0.0:
                t_next = min(t_next, (o - lo) / (k - d))
        if t_next <= t + 1e-6:
            return False, t_air
        t = t_next
    return True, t


def cast_world(world, origin, direction, max_dist: float):
    """`cast` on a World from Python (origin and unit direction as 3-sequences)."""
    sx, sy, sz = world.cells.shape
    return cast(world.cells.reshape(-1), sx, sy, sz, world.ceiling, *origin, *direction, max_dist)


@njit(cache=True)
def nearest_box(ox, oy, oz, dx, dy, dz, boxes, alive, max_dist):
    """Index and distance of the nearest box (rows x0,y0,z0,x1,y1,z1) a ray hits within max_dist."""
    best, best_t = -1, max_dist
    for i in range(boxes.shape[0]):
        if not alive[i]:
            continue
        t, _ = slab_hit(
            ox,
            oy,
            oz,
            dx,
            dy,
            dz,
            boxes[i, 0],
            boxes[i, 1],
            boxes[i, 2],
            boxes[i, 3],
            boxes[i, 4],
            boxes[i, 5],
        )
        if t <= best_t:
            best, best_t = i, t
    return best, best_t


def look_vector(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """Unit view direction for Minecraft's yaw (0 = +z, 90 = -x) and pitch (positive looks down)."""
    yaw, pitch = math.radians(yaw_deg), math.radians(pitch_deg)
    return np.array([-math.sin(yaw) * math.cos(pitch), -math.sin(pitch), math.cos(yaw) * math.cos(pitch)])


def camera_basis(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """Rows: forward, right, up (unit vectors) of the first-person camera."""
    yaw, pitch = math.radians(yaw_deg), math.radians(pitch_deg)
    sy, cy, sp, cp = math.sin(yaw), math.cos(yaw), math.sin(pitch), math.cos(pitch)
    # up = right x forward, written out.
    return np.array([[-sy * cp, -sp, cy * cp], [-cy, 0.0, -sy], [-sy * sp, cp, cy * sp]])


def screen_ray(basis: np.ndarray, u: float, v: float, fov_deg: float, aspect: float) -> np.ndarray:
    """Unit direction through the normalised screen point (u, v) in [0, 1]^2, origin top left.

    The renderer uses the same mapping for its pixel centres ((i + 0.5) / width).
    """
    half = math.tan(math.radians(fov_deg) / 2.0)
    d = basis[0] + (2.0 * u - 1.0) * half * aspect * basis[1] - (2.0 * v - 1.0) * half * basis[2]
    return d / np.linalg.norm(d)
