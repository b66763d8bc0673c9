"""Glue between a MineSim and the numba kernels of `render.py`: camera, daylight, buffers, HUD, GUI.

`FrameRenderer.ray` gives the direction through a normalised frame point with the same projection
the kernels use for pixel centres, so `MineSim.point_hit` reports what is drawn there.
"""

from __future__ import annotations

import math

import numpy as np

from crossagent.sim.data.blocks import break_ticks
from crossagent.sim.lookup import BLOCK_RGB, ICON_ACCENT, ICON_BITS, ICON_MAIN, item_index
from crossagent.sim.mobs_ai import MOB_RGB
from crossagent.sim.overlay import DIGITS, draw_gui, draw_hud
from crossagent.sim.raycast import camera_basis, screen_ray
from crossagent.sim.render import render_world, scratch_buffers

DAY_SKY_TOP, DAY_SKY_HORIZON = np.array([110.0, 160.0, 255.0]), np.array([185.0, 210.0, 255.0])
NIGHT_SKY_TOP, NIGHT_SKY_HORIZON = np.array([5.0, 8.0, 25.0]), np.array([20.0, 25.0, 50.0])
MIN_LIGHT = 0.25
"""Block brightness at midnight relative to noon."""
WATER_RGB = np.array([52.0, 95.0, 218.0])
GUI_BACKDROP_STRIDE = 4
"""Behind an open GUI the (darkened) world is drawn with one ray per 4x4 pixels: it is only a backdrop."""


def daylight(time_of_day: int) -> float:
    """1.0 at noon (6000), MIN_LIGHT at midnight (18000), smooth in between (Minecraft day ticks)."""
    sun = min(max(0.5 + 1.5 * math.sin(2 * math.pi * time_of_day / 24000.0), 0.0), 1.0)
    return MIN_LIGHT + (1 - MIN_LIGHT) * sun


class FrameRenderer:
    """Reusable frame buffers and the camera model of one MineSim."""

    def __init__(self, width: int, height: int, fov: float, view_distance: float, interpolate: bool = True):
        self.interpolate = interpolate
        """Fill pixels between rays that hit one face without casting them (see render._trace)."""
        self.width, self.height, self.fov, self.view_distance = (
            width,
            height,
            float(fov),
            float(view_distance),
        )
        self.frame = np.zeros((height, width, 3), np.uint8)
        self.depth = np.zeros((height, width), np.float64)
        self.mob_ids = np.full((height, width), -1, np.int32)
        """Index of the mob drawn at each pixel of the last world frame, -1 where none (see `labels.py`)."""
        self._no_target = np.array([-1, -1, -1], np.int64)
        self._hotbar_items = np.full(9, -1, np.int64)
        self._hotbar_counts = np.zeros(9, np.int64)
        self._layouts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._scratch = scratch_buffers(width, height)
        self._sky_light, self._sky_top, self._sky_horizon = None, None, None
        self._hotbar: tuple | None = None

    def ray(self, player, u: float, v: float) -> np.ndarray:
        """Unit direction through the normalised point (u, v) in [0, 1]^2 of the frame."""
        return screen_ray(camera_basis(player.yaw, player.pitch), u, v, self.fov, self.width / self.height)

    def hits(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per pixel of the last world frame drawn one ray per pixel: the hit distance (inf: sky), the hit
        block cell ((H, W, 3), -1 for sky) and the distance at which the ray entered water (inf: none)."""
        hit_t, hit_cell, _face, hit_water = self._scratch[:4]
        return hit_t, hit_cell, hit_water

    def draw(self, sim) -> np.ndarray:
        world, player, mobs = sim.world, sim.player, sim.mobs
        light = daylight(sim.time_of_day)
        if light != self._sky_light:  # the sky colours change only at dawn and dusk
            sun = (light - MIN_LIGHT) / (1 - MIN_LIGHT)
            self._sky_top = NIGHT_SKY_TOP + (DAY_SKY_TOP - NIGHT_SKY_TOP) * sun
            self._sky_horizon = NIGHT_SKY_HORIZON + (DAY_SKY_HORIZON - NIGHT_SKY_HORIZON) * sun
            self._sky_light = light
        sky_top, sky_horizon = self._sky_top, self._sky_horizon
        target = self._no_target
        progress = 0.0
        if sim.mining_target is not None and sim.mining_progress > 0:
            name = sim.target["name"] if sim.target and sim.target["kind"] == "block" else None
            if name is not None:
                target = np.array(sim.mining_target, np.int64)
                progress = min(
                    1.0, sim.mining_progress / max(1, break_ticks(name, sim.inventory.held_item()))
                )
        render_world(
            self.frame, self.depth, world.blocks, world.cells, world.ceiling, BLOCK_RGB,
            player.eye, camera_basis(player.yaw, player.pitch), self.fov, sky_top, sky_horizon, light,
            self.view_distance, WATER_RGB, target, progress, mobs.boxes(), MOB_RGB[mobs.kind], mobs.alive,
            mobs.hurt > 0, 1 if sim.gui is None else GUI_BACKDROP_STRIDE, self.interpolate, self._scratch,
            self.mob_ids,
        )  # fmt: skip
        if sim.gui is None:
            hotbar = tuple(sim.inventory.slots[:9])
            if hotbar != self._hotbar:  # stacks are frozen: equal tuples mean the same icons
                for k, stack in enumerate(hotbar):
                    self._hotbar_items[k] = item_index(None if stack is None else stack.item)
                    self._hotbar_counts[k] = 0 if stack is None else stack.count
                self._hotbar = hotbar
            draw_hud(
                self.frame, self._hotbar_items, self._hotbar_counts, sim.inventory.selected, player.health,
                float(player.food), ICON_MAIN, ICON_ACCENT, ICON_BITS, DIGITS,
            )  # fmt: skip
        else:
            self._draw_gui(sim.gui, sim.gui_stacks())
        return self.frame

    def to_pixels(self, rects) -> np.ndarray:
        """Frame-unit rects (n, 4) to pixel rects (rounded to the nearest pixel edge)."""
        scale = np.array([self.width, self.height, self.width, self.height]) / 1000.0
        return np.rint(np.asarray(rects, float).reshape(-1, 4) * scale).astype(np.int64)

    def _draw_gui(self, gui, stacks) -> None:
        items = np.array([item_index(None if s is None else s.item) for s in stacks], np.int64)
        counts = np.array([0 if s is None else s.count for s in stacks], np.int64)
        if gui.kind not in self._layouts:
            self._layouts[gui.kind] = (
                self.to_pixels([slot.rect for slot in gui.slots]),
                self.to_pixels([gui.panel])[0],
            )
        rects, panel = self._layouts[gui.kind]
        bars = np.zeros((0, 5))
        furnace = gui.container if gui.kind == "furnace" else None
        if furnace is not None:
            # Cook arrow between input and output, flame gauge below the input (like the game's).
            x0, _y0, x1, y1 = gui.slots[0].rect
            ox0 = gui.slots[2].rect[0]
            cook = furnace.cook_progress / furnace.cook_total if furnace.cook_total else 0.0
            flame = furnace.lit_time / furnace.lit_duration if furnace.lit_duration else 0.0
            frame_bars = [[x1 + 20, y1 + 20, ox0 - 20, y1 + 55, cook], [x0, y1 + 15, x1, y1 + 45, flame]]
            bars = np.concatenate(
                [self.to_pixels([b[:4] for b in frame_bars]), [[b[4]] for b in frame_bars]], axis=1
            )
            bars = bars.astype(np.float64)
        cursor = np.array([gui.cursor_pos[0] * self.width / 1000.0, gui.cursor_pos[1] * self.height / 1000.0])
        held = gui.cursor_stack
        draw_gui(
            self.frame, panel, rects, items, counts, bars, cursor, item_index(None if held is None else held.item),
            0 if held is None else held.count, ICON_MAIN, ICON_ACCENT, ICON_BITS, DIGITS,
        )  # fmt: skip
