"""The raw space as MineRL action dicts: conversion both ways and the raw executor (equivalence: `equivalence`)."""

from __future__ import annotations

import numpy as np

from crossagent.executors.base import EnvAction, PlannedExecutor
from crossagent.sim.actions import button_pressed, camera_degrees
from modeling_crossagent.action_spaces import BUTTONS, CAMERA_DEGREES_PER_UNIT, MAX_MOUSE, RawAction

IGNORED_ENV_KEYS = frozenset({"swapHands", "pickItem"})
"""MineRL 1.0 buttons that the raw text cannot express; accepted in env dicts only when 0."""


def raw_to_env(action: RawAction) -> EnvAction:
    """The MineRL env dict of a raw action (all buttons present, camera in degrees)."""
    env = {button: int(button in action.buttons) for button in BUTTONS}
    env["camera"] = np.array(action.camera, dtype=np.float32)
    return env


def env_to_raw(env: EnvAction) -> RawAction:
    """The raw action of a MineRL env dict; camera degrees are rounded to whole mouse units (0.15°)."""
    unknown = sorted(set(env) - set(BUTTONS) - IGNORED_ENV_KEYS - {"camera"})
    if unknown:
        raise ValueError(f"env action: unknown keys {unknown}; expected {[*BUTTONS, 'camera']}")
    for key in IGNORED_ENV_KEYS & set(env):
        if button_pressed(key, env[key]):
            raise ValueError(f"env action[{key!r}]: the raw space cannot express it; set it to 0")
    buttons = frozenset(b for b in BUTTONS if b in env and button_pressed(b, env[b]))
    camera = np.array(camera_degrees(env.get("camera", (0.0, 0.0))))  # exactly two finite numbers
    dy, dx = (round(float(c) / CAMERA_DEGREES_PER_UNIT) for c in camera)
    if max(abs(dx), abs(dy)) > MAX_MOUSE:
        limit = MAX_MOUSE * CAMERA_DEGREES_PER_UNIT
        raise ValueError(f"env action['camera']: {camera.tolist()} exceeds ±{limit:g} degrees per tick")
    return RawAction(buttons, dx, dy)


class RawExecutor(PlannedExecutor):
    """Executes a raw action: exactly one tick, no competence limit (it is the env action itself)."""

    space = "raw"

    def __init__(self):
        super().__init__(max_ticks=1)

    def plan(self, action: RawAction) -> list[EnvAction]:
        return [raw_to_env(action)]
