"""First-person renderer (numba): one ray per pixel through the voxel grid, then mobs as boxes. The HUD
and GUI screens drawn over the frame are in `crossagent.sim.overlay`.

Colours: a block's colour from the data layer, times Minecraft's face shading (top 1.0, z faces 0.8,
x faces 0.6, bottom 0.5), times a small deterministic texture (+-6 % per block, +-4 % per 4x4 texel,
darker block edges), times the daylight level; then fog blends to the horizon colour with distance
(the depth cue). Water tints what lies behind it. Everything is deterministic: no random state.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from crossagent.sim.borrowed import borrowed
from crossagent.sim.lookup import KIND_OPAQUE
from crossagent.sim.raycast import FAST_MATH, SOLID_CODE, cast, cast_from, cone_clear, slab_hit

FACE_SHADE_X, FACE_SHADE_Z, FACE_SHADE_TOP, FACE_SHADE_BOTTOM = 0.6, 0.8, 1.0, 0.5
"""Minecraft's directional face shading."""

TEXTURE_BLOCK, TEXTURE_TEXEL, EDGE_SHADE, EDGE_WIDTH = 0.06, 0.04, 0.82, 0.06
"""Texture amplitude per block and per texel (4x4 per face), edge darkening and its width (blocks)."""


@njit(cache=True, inline="always")
def _hash3(x, y, z, salt):
    h = (x * 73856093) ^ (y * 19349663) ^ (z * 83492791) ^ (salt * 2654435761)
    h = (h ^ (h >> 13)) * 1274126177
    return ((h ^ (h >> 16)) & 0xFFFF) / 65535.0


@njit(cache=True, fastmath=FAST_MATH, inline="always")
def _shade(blocks, rgb_lut, x, y, z, face, t, t_water, ox, oy, oz, dx, dy, dz, sky_top, sky_horizon, light,
           view_dist, fog_start, water_rgb, target, progress):  # fmt: skip
    """Colour of one ray: the shaded, textured, fogged block it hit (x >= 0) or the sky, tinted by water."""
    s = min(max(dy * 1.6, 0.0), 1.0)
    cr = sky_horizon[0] * (1 - s) + sky_top[0] * s
    cg = sky_horizon[1] * (1 - s) + sky_top[1] * s
    cb = sky_horizon[2] * (1 - s) + sky_top[2] * s
    if x >= 0:
        block = blocks[x, y, z]
        hx, hy, hz = ox + dx * t, oy + dy * t, oz + dz * t
        if face == 0:
            shade, fu, fv = FACE_SHADE_X, hz - math.floor(hz), hy - math.floor(hy)
        elif face == 1:
            shade = FACE_SHADE_TOP if dy < 0 else FACE_SHADE_BOTTOM
            fu, fv = hx - math.floor(hx), hz - math.floor(hz)
        elif face == 2:
            shade, fu, fv = FACE_SHADE_Z, hx - math.floor(hx), hy - math.floor(hy)
        else:
            shade, fu, fv = 1.0, 0.5, 0.5
        cell_noise = _hash3(x, y, z, block)
        texel = _hash3(int(fu * 4), int(fv * 4), face, int(cell_noise * 65535.0))
        shade *= 1.0 + TEXTURE_BLOCK * (2 * cell_noise - 1) + TEXTURE_TEXEL * (2 * texel - 1)
        if t < 10.0 and min(min(fu, 1 - fu), min(fv, 1 - fv)) < EDGE_WIDTH:
            shade *= EDGE_SHADE
        if progress > 0 and x == target[0] and y == target[1] and z == target[2]:
            shade *= 1.0 - 0.6 * progress * (0.5 + texel)
        shade *= light
        f = min(max((t - fog_start) * (1.0 / (view_dist - fog_start)), 0.0), 1.0)
        cr = rgb_lut[block, 0] * shade * (1 - f) + sky_horizon[0] * f
        cg = rgb_lut[block, 1] * shade * (1 - f) + sky_horizon[1] * f
        cb = rgb_lut[block, 2] * shade * (1 - f) + sky_horizon[2] * f
    if t_water < t:
        w = min(0.45 + 0.08 * (min(t, view_dist) - t_water), 0.9)
        cr = cr * (1 - w) + water_rgb[0] * light * w
        cg = cg * (1 - w) + water_rgb[1] * light * w
        cb = cb * (1 - w) + water_rgb[2] * light * w
    return min(cr, 255.0), min(cg, 255.0), min(cb, 255.0)


@njit(cache=True, fastmath=FAST_MATH, inline="always")
def _pixel_ray(i, j, width, height, half, aspect, basis):
    """Unit direction through the centre of pixel (i, j) (the same mapping as raycast.screen_ray)."""
    a = (2.0 * (i + 0.5) / width - 1.0) * half * aspect
    b = -(2.0 * (j + 0.5) / height - 1.0) * half
    dx = basis[0, 0] + a * basis[1, 0] + b * basis[2, 0]
    dy = basis[0, 1] + a * basis[1, 1] + b * basis[2, 1]
    dz = basis[0, 2] + a * basis[1, 2] + b * basis[2, 2]
    inv = 1.0 / math.sqrt(dx * dx + dy * dy + dz * dz)
    return dx * inv, dy * inv, dz * inv


SKY_TILE = 2
"""Half-width (pixels) of the square around each coarse-grid pixel that one cone test can prove sky."""

MAX_GAP = 0.45
"""Interpolation between rays is allowed only where they are less than this far apart (blocks): the
narrowest thing in the world (a plant, 0.5 wide) cannot stand between them unseen."""


@njit(cache=True, fastmath=FAST_MATH, inline="always")
def _same_hit(i, j, di, dj, width, height, hit_cell, hit_face, hit_water, n_dirs):
    """Whether the cast neighbours (i +- di, j +- dj) all hit one cell through one face, without
    water; returns (same, x, y, z, face)."""
    cx, cy, cz, cf = -2, -2, -2, -2
    for n in range(n_dirs):
        if n_dirs == 2:
            ni, nj = i + (di if n else -di), j + (dj if n else -dj)
        else:
            ni, nj = i + (di if n & 1 else -di), j + (dj if n & 2 else -dj)
        if ni < 0 or ni >= width or nj < 0 or nj >= height or hit_water[nj, ni] != math.inf:
            return False, cx, cy, cz, cf
        if n == 0:
            cx, cy, cz, cf = hit_cell[nj, ni, 0], hit_cell[nj, ni, 1], hit_cell[nj, ni, 2], hit_face[nj, ni]
        elif (
            hit_cell[nj, ni, 0] != cx
            or hit_cell[nj, ni, 1] != cy
            or hit_cell[nj, ni, 2] != cz
            or hit_face[nj, ni] != cf
        ):
            return False, cx, cy, cz, cf
    return True, cx, cy, cz, cf


@njit(cache=True, fastmath=FAST_MATH, inline="always")
def _sky_cone(
    flat, sx, sy, sz, ceiling, ox, oy, oz, i, j, radius, width, height, half, aspect, basis, view_dist
):
    """`cone_clear` for the rays of the pixels within radius of pixel (i, j).

    Unnormalised, those rays (forward + a * right + b * up) differ from the centre's by at most
    `gap`; by the Dunkl-Williams inequality their unit vectors then differ by at most
    2 * gap / (|centre| + |other|) <= 2 * gap / (2 * |centre| - gap).
    """
    dx, dy, dz = _pixel_ray(i, j, width, height, half, aspect, basis)
    a = (2.0 * (i + 0.5) / width - 1.0) * half * aspect
    b = (2.0 * (j + 0.5) / height - 1.0) * half
    norm = math.sqrt(1.0 + a * a + b * b)
    gap = math.sqrt((2.0 * radius / width * half * aspect) ** 2 + (2.0 * radius / height * half) ** 2)
    spread = 2.0 * gap / (2.0 * norm - gap)
    return cone_clear(flat, sx, sy, sz, ceiling, ox, oy, oz, dx, dy, dz, spread, view_dist)


@njit(cache=True, fastmath=FAST_MATH, inline="always")
def _fill_sky(i, j, radius, width, height, half, aspect, basis, hit_t, hit_cell, hit_face, hit_water, hit_dir,
              done):  # fmt: skip
    """Mark the pixels within radius of pixel (i, j) as sky (a miss)."""
    for jj in range(max(j - radius, 0), min(j + radius + 1, height)):
        for ii in range(max(i - radius, 0), min(i + radius + 1, width)):
            ex, ey, ez = _pixel_ray(ii, jj, width, height, half, aspect, basis)
            hit_dir[jj, ii, 0], hit_dir[jj, ii, 1], hit_dir[jj, ii, 2] = ex, ey, ez
            hit_t[jj, ii], hit_face[jj, ii], hit_water[jj, ii] = math.inf, -1, math.inf
            hit_cell[jj, ii, 0], hit_cell[jj, ii, 1], hit_cell[jj, ii, 2] = -1, -1, -1
            done[jj, ii] = True


@njit(cache=True, fastmath=FAST_MATH)
def _trace(flat, sx, sy, sz, ceiling, eye, basis, half, aspect, width, height, view_dist, hit_t, hit_cell,
           hit_face, hit_water, hit_dir, done, tile_start, interpolate):  # fmt: skip
    """Fill the per-pixel hit buffers (done marks the pixels already filled).

    With interpolate, rays are cast every 4th pixel; then, level by level (gap 4, then 2 pixels), a
    pixel midway between cast neighbours (left/right, up/down or the four diagonals) that all hit the
    same face of the same opaque block takes that face's plane intersection, if the neighbouring rays
    are less than MAX_GAP apart there (nothing narrower can stand between two rays that reach one
    face); at the last level, neighbours that all see sky give sky. Any other pixel is cast exactly.
    First, cone tests (`cone_clear`) find the sky exactly: one per 9 x 9 pixels around every 8th
    pixel, then one per 5 x 5 pixels (SKY_TILE) around every 4th pixel not yet sky; where all the
    rays of such a square meet only air they are all sky. Elsewhere the rays of a 5 x 5 square start
    their walk where its cone test stopped (`cast_from`).
    """
    # Views without reference counting: the per-pixel helpers below are inlined (see borrowed.py).
    flat, basis, hit_t, hit_cell = borrowed(flat), borrowed(basis), borrowed(hit_t), borrowed(hit_cell)
    hit_face, hit_water, hit_dir, done = (
        borrowed(hit_face),
        borrowed(hit_water),
        borrowed(hit_dir),
        borrowed(done),
    )
    tile_start = borrowed(tile_start)
    ox, oy, oz = eye[0], eye[1], eye[2]
    pixel_angle = 2.0 * half / height
    top = 4 if interpolate else 1
    tile = 2 * SKY_TILE
    done[:, :] = False
    if interpolate:  # big sky tiles first: one cone test for 9 x 9 pixels
        for j in range(0, height, 2 * tile):
            for i in range(0, width, 2 * tile):
                clear, _ = _sky_cone(flat, sx, sy, sz, ceiling, ox, oy, oz, i, j, 2 * SKY_TILE, width, height,
                                     half, aspect, basis, view_dist)  # fmt: skip
                if clear:
                    _fill_sky(i, j, 2 * SKY_TILE, width, height, half, aspect, basis, hit_t, hit_cell, hit_face,
                              hit_water, hit_dir, done)  # fmt: skip
        for j in range(0, height, tile):
            for i in range(0, width, tile):
                tile_start[j // tile, i // tile] = 0.0
                if done[j, i]:
                    continue
                # All rays of the pixels within SKY_TILE of this one meet only air: they are sky.
                clear, t_air = _sky_cone(flat, sx, sy, sz, ceiling, ox, oy, oz, i, j, SKY_TILE, width, height,
                                         half, aspect, basis, view_dist)  # fmt: skip
                tile_start[j // tile, i // tile] = t_air
                if clear:
                    _fill_sky(i, j, SKY_TILE, width, height, half, aspect, basis, hit_t, hit_cell, hit_face,
                              hit_water, hit_dir, done)  # fmt: skip
    for j in range(0, height, top):
        for i in range(0, width, top):
            if done[j, i]:
                continue
            t_start = tile_start[j // tile, i // tile] if interpolate else 0.0
            dx, dy, dz = _pixel_ray(i, j, width, height, half, aspect, basis)
            hit_dir[j, i, 0], hit_dir[j, i, 1], hit_dir[j, i, 2] = dx, dy, dz
            t, x, y, z, face, t_water = cast_from(
                flat, sx, sy, sz, ceiling, ox, oy, oz, dx, dy, dz, t_start, view_dist
            )
            hit_t[j, i], hit_face[j, i], hit_water[j, i] = t, face, t_water
            hit_cell[j, i, 0], hit_cell[j, i, 1], hit_cell[j, i, 2] = x, y, z
            done[j, i] = True
    step = top
    while step > 1:
        h = step // 2
        max_t = MAX_GAP / (2 * h * pixel_angle)
        for parity in range(1, 4):  # midpoints along x, along y, then the centres
            pi, pj = parity & 1, parity >> 1
            for j in range(pj * h, height, step):
                for i in range(pi * h, width, step):
                    if done[j, i]:
                        continue
                    dx, dy, dz = _pixel_ray(i, j, width, height, half, aspect, basis)
                    hit_dir[j, i, 0], hit_dir[j, i, 1], hit_dir[j, i, 2] = dx, dy, dz
                    same, cx, cy, cz, cf = _same_hit(
                        i,
                        j,
                        pi * h,
                        pj * h,
                        width,
                        height,
                        hit_cell,
                        hit_face,
                        hit_water,
                        4 if parity == 3 else 2,
                    )
                    if same and cx < 0 and h == 1:
                        hit_t[j, i], hit_face[j, i], hit_water[j, i] = math.inf, -1, math.inf
                        hit_cell[j, i, 0] = -1
                        continue
                    if (
                        same
                        and cx >= 0
                        and cf >= 0
                        and flat[(cx * sy + cy) * sz + cz] == SOLID_CODE + KIND_OPAQUE
                    ):
                        if cf == 0:
                            t = (cx + (0 if dx > 0 else 1) - ox) / dx
                        elif cf == 1:
                            t = (cy + (0 if dy > 0 else 1) - oy) / dy
                        else:
                            t = (cz + (0 if dz > 0 else 1) - oz) / dz
                        if 0 <= t <= min(view_dist, max_t):
                            hit_t[j, i], hit_face[j, i], hit_water[j, i] = t, cf, math.inf
                            hit_cell[j, i, 0], hit_cell[j, i, 1], hit_cell[j, i, 2] = cx, cy, cz
                            continue
                    # The tile's cone test showed every ray of it in air up to tile_start.
                    ti, tj = (i + SKY_TILE) // tile, (j + SKY_TILE) // tile
                    t_start = tile_start[tj, ti] if ti * tile < width and tj * tile < height else 0.0
                    t, x, y, z, face, t_water = cast_from(
                        flat, sx, sy, sz, ceiling, ox, oy, oz, dx, dy, dz, t_start, view_dist
                    )
                    hit_t[j, i], hit_face[j, i], hit_water[j, i] = t, face, t_water
                    hit_cell[j, i, 0], hit_cell[j, i, 1], hit_cell[j, i, 2] = x, y, z
        step = h


def scratch_buffers(width: int, height: int) -> tuple:
    """Per-pixel hit buffers of `render_world` (allocated once per renderer: fresh megabyte-sized
    arrays every frame cost page faults): distance, cell, face, water entry, ray direction, filled,
    and per coarse-grid tile the distance up to which all its rays meet only air."""
    return (
        np.empty((height, width)),
        np.empty((height, width, 3), np.int16),
        np.empty((height, width), np.int8),
        np.empty((height, width)),
        np.empty((height, width, 3)),
        np.empty((height, width), np.bool_),
        np.empty((height // 4 + 1, width // 4 + 1)),
    )


@njit(cache=True, fastmath=FAST_MATH)
def render_world(
    out, depth, blocks, cells, ceiling, rgb_lut, eye, basis, fov_deg, sky_top, sky_horizon, light,
    view_dist, water_rgb, target, progress, boxes, box_rgb, box_alive, box_hurt, stride, interpolate, scratch,
    mob_ids,
):  # fmt: skip
    """Draw the world into out (H, W, 3) uint8 and the hit distance of each pixel into depth.

    target (3 ints) is the block being mined, darkened by progress in [0, 1] (the crack overlay);
    boxes (n, 6) are mob AABBs with colours box_rgb, drawn where box_alive, reddened while box_hurt.
    stride > 1 casts one ray per stride x stride block of pixels (the cheap backdrop behind GUIs);
    interpolate lets `_trace` fill pixels between equal neighbours without casting them. scratch holds
    the per-pixel hit buffers (see `scratch_buffers`), reused between frames. mob_ids (H, W) receives the
    index of the mob drawn at each pixel, -1 where none is (the ground truth of perception data: the block
    at a pixel is the scratch buffers' hit cell).
    """
    mob_ids[:, :] = -1
    sx, sy, sz = cells.shape
    # Views without reference counting: `_shade` and `cast` are inlined per pixel (see borrowed.py).
    flat, blocks, rgb_lut = borrowed(cells.reshape(-1)), borrowed(blocks), borrowed(rgb_lut)
    sky_top, sky_horizon, water_rgb = borrowed(sky_top), borrowed(sky_horizon), borrowed(water_rgb)
    target, basis = borrowed(target), borrowed(basis)
    height, width = out.shape[0], out.shape[1]
    half = math.tan(math.radians(fov_deg) * 0.5)
    aspect = width / height
    ox, oy, oz = eye[0], eye[1], eye[2]
    fog_start = view_dist * 0.55
    if stride > 1:
        for j in range(0, height, stride):
            for i in range(0, width, stride):
                dx, dy, dz = _pixel_ray(
                    i + 0.5 * (stride - 1), j + 0.5 * (stride - 1), width, height, half, aspect, basis
                )
                t, x, y, z, face, t_water = cast(flat, sx, sy, sz, ceiling, ox, oy, oz, dx, dy, dz, view_dist)
                r, g, b = _shade(blocks, rgb_lut, x, y, z, face, t, t_water, ox, oy, oz, dx, dy, dz, sky_top,
                                 sky_horizon, light, view_dist, fog_start, water_rgb, target, progress)  # fmt: skip
                for jj in range(j, min(j + stride, height)):
                    for ii in range(i, min(i + stride, width)):
                        depth[jj, ii] = t
                        out[jj, ii, 0], out[jj, ii, 1], out[jj, ii, 2] = r, g, b
        return
    hit_t, hit_cell, hit_face, hit_water, hit_dir, done, tile_start = scratch
    _trace(flat, sx, sy, sz, ceiling, eye, basis, half, aspect, width, height, view_dist, hit_t, hit_cell,
           hit_face, hit_water, hit_dir, done, tile_start, interpolate)  # fmt: skip
    for j in range(height):
        for i in range(width):
            dx, dy, dz = hit_dir[j, i, 0], hit_dir[j, i, 1], hit_dir[j, i, 2]
            t = hit_t[j, i]
            r, g, b = _shade(blocks, rgb_lut, hit_cell[j, i, 0], hit_cell[j, i, 1], hit_cell[j, i, 2], hit_face[j, i],
                             t, hit_water[j, i], ox, oy, oz, dx, dy, dz, sky_top, sky_horizon, light, view_dist,
                             fog_start, water_rgb, target, progress)  # fmt: skip
            depth[j, i] = t
            out[j, i, 0], out[j, i, 1], out[j, i, 2] = r, g, b
    _draw_boxes(
        out,
        depth,
        eye,
        basis,
        half,
        aspect,
        fog_start,
        view_dist,
        sky_horizon,
        light,
        boxes,
        box_rgb,
        box_alive,
        box_hurt,
        mob_ids,
    )


NEAR = 0.05
"""Boxes are clipped to the part at least this far in front of the camera before projecting."""


@njit(cache=True, fastmath=FAST_MATH)
def _box_rect(eye, basis, half, aspect, width, height, x0, y0, z0, x1, y1, z1):
    """Pixel rectangle (i0, i1, j0, j1) holding every pixel whose ray can hit the box (empty when
    i0 > i1): the projection of the box clipped to the half-space NEAR in front of the camera.

    Exact unless the eye is within `reach` of the box: a point in view at depth z is at most
    z * sqrt(1 + half^2 (1 + aspect^2)) from the eye, so farther box points nearer than NEAR are out
    of view. Within reach the whole frame is tested.
    """
    ox, oy, oz = eye[0], eye[1], eye[2]
    reach = 1.01 * NEAR * math.sqrt(1.0 + half * half * (1.0 + aspect * aspect))
    gx, gy, gz = max(x0 - ox, 0.0, ox - x1), max(y0 - oy, 0.0, oy - y1), max(z0 - oz, 0.0, oz - z1)
    if gx * gx + gy * gy + gz * gz <= reach * reach:
        return 0, width - 1, 0, height - 1
    zs, xs, ys = np.empty(8), np.empty(8), np.empty(8)
    for c in range(8):
        px = (x1 if c & 1 else x0) - ox
        py = (y1 if c & 2 else y0) - oy
        pz = (z1 if c & 4 else z0) - oz
        zs[c] = px * basis[0, 0] + py * basis[0, 1] + pz * basis[0, 2]
        xs[c] = px * basis[1, 0] + py * basis[1, 1] + pz * basis[1, 2]
        ys[c] = px * basis[2, 0] + py * basis[2, 1] + pz * basis[2, 2]
    i0, i1, j0, j1 = width, -1, height, -1
    for c in range(8):
        for e in range(4):  # the corner itself (e = 0), then where its edges cross the near plane
            if e == 0:
                if zs[c] < NEAR:
                    continue
                zf, xr, yu = zs[c], xs[c], ys[c]
            else:
                n = c ^ (1 << (e - 1))
                if not (zs[c] < NEAR <= zs[n]):
                    continue
                w = (NEAR - zs[c]) / (zs[n] - zs[c])
                zf, xr, yu = NEAR, xs[c] + w * (xs[n] - xs[c]), ys[c] + w * (ys[n] - ys[c])
            u = min(max(0.5 + 0.5 * xr / (zf * half * aspect), -1.0), 2.0)
            v = min(max(0.5 - 0.5 * yu / (zf * half), -1.0), 2.0)
            i0, i1 = min(i0, int(u * width) - 1), max(i1, int(u * width) + 1)
            j0, j1 = min(j0, int(v * height) - 1), max(j1, int(v * height) + 1)
    return i0, i1, j0, j1


@njit(cache=True, fastmath=FAST_MATH)
def _draw_boxes(
    out,
    depth,
    eye,
    basis,
    half,
    aspect,
    fog_start,
    view_dist,
    sky_horizon,
    light,
    boxes,
    box_rgb,
    alive,
    hurt,
    mob_ids,
):
    """Draw mob boxes over the frame where they are nearer than the blocks, testing only the pixels
    inside each box's projected screen rectangle."""
    height, width = out.shape[0], out.shape[1]
    ox, oy, oz = eye[0], eye[1], eye[2]
    for m in range(boxes.shape[0]):
        if not alive[m]:
            continue
        x0, y0, z0, x1, y1, z1 = boxes[m, 0], boxes[m, 1], boxes[m, 2], boxes[m, 3], boxes[m, 4], boxes[m, 5]
        i0, i1, j0, j1 = _box_rect(eye, basis, half, aspect, width, height, x0, y0, z0, x1, y1, z1)
        i0, i1 = max(i0, 0), min(i1, width - 1)
        j0, j1 = max(j0, 0), min(j1, height - 1)
        for j in range(j0, j1 + 1):
            b = -(2.0 * (j + 0.5) / height - 1.0) * half
            for i in range(i0, i1 + 1):
                a = (2.0 * (i + 0.5) / width - 1.0) * half * aspect
                dx = basis[0, 0] + a * basis[1, 0] + b * basis[2, 0]
                dy = basis[0, 1] + a * basis[1, 1] + b * basis[2, 1]
                dz = basis[0, 2] + a * basis[1, 2] + b * basis[2, 2]
                inv = 1.0 / math.sqrt(dx * dx + dy * dy + dz * dz)
                dx, dy, dz = dx * inv, dy * inv, dz * inv
                t, axis = slab_hit(ox, oy, oz, dx, dy, dz, x0, y0, z0, x1, y1, z1)
                if t >= depth[j, i] or t > view_dist:
                    continue
                depth[j, i] = t
                mob_ids[j, i] = m
                if axis == 0:
                    shade = FACE_SHADE_X
                elif axis == 1:
                    shade = FACE_SHADE_TOP if dy < 0 else FACE_SHADE_BOTTOM
                else:
                    shade = FACE_SHADE_Z
                if oy + dy * t > y0 + 0.75 * (y1 - y0):  # a darker head band shows which part is up
                    shade *= 0.78
                shade *= light
                f = min(max((t - fog_start) / (view_dist - fog_start), 0.0), 1.0)
                r, g, bl = box_rgb[m, 0] * shade, box_rgb[m, 1] * shade, box_rgb[m, 2] * shade
                if hurt[m]:
                    r, g, bl = r * 0.5 + 127, g * 0.5, bl * 0.5
                out[j, i, 0] = min(r * (1 - f) + sky_horizon[0] * f, 255.0)
                out[j, i, 1] = min(g * (1 - f) + sky_horizon[1] * f, 255.0)
                out[j, i, 2] = min(bl * (1 - f) + sky_horizon[2] * f, 255.0)
