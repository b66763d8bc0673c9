"""What is drawn over the rendered world (numba): the HUD (crosshair, hotbar with item icons and counts,
health and food bars) or an open GUI screen from its slot rects, item stacks, progress bars and cursor.
"""

from __future__ import annotations

import numpy as np
from numba import njit

CROSSHAIR_RGB = (235, 235, 235)
GUI_PANEL, GUI_SLOT, GUI_SLOT_EDGE = (198, 198, 198), (139, 139, 139), (55, 55, 55)

# 3x5 digits 0-9, rows top to bottom, 3 bits per row (MSB = left).
DIGITS = np.array(
    [
        [7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 7, 1, 7], [5, 5, 7, 1, 1],
        [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 2, 2, 2], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7],
    ],
    np.uint8,
)  # fmt: skip


@njit(cache=True)
def _fill(out, i0, j0, i1, j1, r, g, b):
    """Fill the pixel rectangle [i0, i1) x [j0, j1), clipped to the frame."""
    i0, j0 = max(i0, 0), max(j0, 0)
    i1, j1 = min(i1, out.shape[1]), min(j1, out.shape[0])
    for j in range(j0, j1):
        for i in range(i0, i1):
            out[j, i, 0], out[j, i, 1], out[j, i, 2] = r, g, b


@njit(cache=True)
def _draw_number(out, value, i_right, j_top, digits):
    """Draw a positive integer right-aligned at i_right, white with a dark shadow."""
    n = value
    i = i_right
    while True:
        d = n % 10
        i -= 4
        for row in range(5):
            bits = digits[d, row]
            for col in range(3):
                if bits & (4 >> col):
                    _fill(out, i + col + 1, j_top + row + 1, i + col + 2, j_top + row + 2, 40, 40, 40)
                    _fill(out, i + col, j_top + row, i + col + 1, j_top + row + 1, 255, 255, 255)
        n //= 10
        if n == 0:
            break


@njit(cache=True)
def draw_icon(out, item, count, i0, j0, size, icon_main, icon_accent, icon_bits, digits):
    """Draw item `item` (icon-table index, -1 = none) as a size x size icon with its stack count."""
    if item < 0 or size <= 0:
        return
    for dj in range(size):
        for di in range(size):
            bit = icon_bits[item, (dj * 4 // size) * 4 + di * 4 // size]
            if bit:
                c0, c1, c2 = icon_main[item, 0], icon_main[item, 1], icon_main[item, 2]
            else:
                c0, c1, c2 = icon_accent[item, 0], icon_accent[item, 1], icon_accent[item, 2]
            _fill(out, i0 + di, j0 + dj, i0 + di + 1, j0 + dj + 1, c0, c1, c2)
    if count > 1 and size >= 8:
        _draw_number(out, count, i0 + size + 1, j0 + size - 5, digits)


@njit(cache=True)
def draw_hud(out, items, counts, selected, health, food, icon_main, icon_accent, icon_bits, digits):
    """Crosshair, the 9-slot hotbar (selected slot framed white), and health / food bars above it."""
    height, width = out.shape[0], out.shape[1]
    ci, cj = width // 2, height // 2
    arm = max(2, width // 32)
    for k in range(-arm, arm + 1):
        out[cj, ci + k, 0], out[cj, ci + k, 1], out[cj, ci + k, 2] = 235, 235, 235
        out[cj + k, ci, 0], out[cj + k, ci, 1], out[cj + k, ci, 2] = 235, 235, 235
    slot = max(5, width // 12)
    i_start = (width - 9 * slot) // 2
    j0 = height - slot - 1
    for k in range(9):
        i0 = i_start + k * slot
        edge = 255 if k == selected else 30
        _fill(out, i0, j0, i0 + slot, j0 + slot, edge, edge, edge)
        _fill(out, i0 + 1, j0 + 1, i0 + slot - 1, j0 + slot - 1, 90, 90, 90)
        draw_icon(
            out, items[k], counts[k], i0 + 1, j0 + 1, slot - 2, icon_main, icon_accent, icon_bits, digits
        )
    bar = 9 * slot // 2 - 1
    jb = j0 - 2 - max(1, slot // 6)
    thick = max(1, slot // 6)
    _fill(out, i_start, jb, i_start + bar, jb + thick, 60, 0, 0)
    _fill(out, i_start, jb, i_start + int(bar * health / 20.0 + 0.5), jb + thick, 220, 30, 30)
    i_food = i_start + 9 * slot - bar
    _fill(out, i_food, jb, i_food + bar, jb + thick, 50, 30, 0)
    _fill(out, i_food + bar - int(bar * food / 20.0 + 0.5), jb, i_food + bar, jb + thick, 200, 130, 50)


@njit(cache=True)
def draw_gui(
    out,
    panel,
    rects,
    items,
    counts,
    bars,
    cursor,
    cursor_item,
    cursor_count,
    icon_main,
    icon_accent,
    icon_bits,
    digits,
):
    """A GUI screen: the world darkened behind a grey panel, its slots with icons and counts,
    progress bars (rows x0, y0, x1, y1, fraction; pixels) and the cursor with the stack it carries."""
    for j in range(out.shape[0]):
        for i in range(out.shape[1]):
            for c in range(3):
                out[j, i, c] = out[j, i, c] * 3 // 8
    _fill(out, panel[0], panel[1], panel[2], panel[3], GUI_PANEL[0], GUI_PANEL[1], GUI_PANEL[2])
    for s in range(rects.shape[0]):
        i0, j0, i1, j1 = rects[s, 0], rects[s, 1], rects[s, 2], rects[s, 3]
        _fill(out, i0, j0, i1, j1, GUI_SLOT_EDGE[0], GUI_SLOT_EDGE[1], GUI_SLOT_EDGE[2])
        _fill(out, i0 + 1, j0 + 1, i1, j1, GUI_SLOT[0], GUI_SLOT[1], GUI_SLOT[2])
        size = min(i1 - i0, j1 - j0) - 2
        draw_icon(out, items[s], counts[s], i0 + 1, j0 + 1, size, icon_main, icon_accent, icon_bits, digits)
    for k in range(bars.shape[0]):
        i0, j0, i1, j1 = int(bars[k, 0]), int(bars[k, 1]), int(bars[k, 2]), int(bars[k, 3])
        _fill(out, i0, j0, i1, j1, 110, 110, 110)
        _fill(out, i0, j0, i0 + int((i1 - i0) * bars[k, 4] + 0.5), j1, 255, 255, 255)
    ci, cj = int(cursor[0]), int(cursor[1])
    if cursor_item >= 0:
        size = max(3, (rects[0, 2] - rects[0, 0]) - 2) if rects.shape[0] else 4
        draw_icon(
            out,
            cursor_item,
            cursor_count,
            ci - size // 2,
            cj - size // 2,
            size,
            icon_main,
            icon_accent,
            icon_bits,
            digits,
        )
    # The pointer: a white plus with a black outline, so it shows on any background.
    arm = max(1, out.shape[1] // 64)
    _fill(out, ci - arm - 1, cj - 1, ci + arm + 2, cj + 2, 0, 0, 0)
    _fill(out, ci - 1, cj - arm - 1, ci + 2, cj + arm + 2, 0, 0, 0)
    _fill(out, ci - arm, cj, ci + arm + 1, cj + 1, 255, 255, 255)
    _fill(out, ci, cj - arm, ci + 1, cj + arm + 1, 255, 255, 255)
