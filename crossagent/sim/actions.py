"""The raw action: MineRL's keyboard/mouse dict, validated and normalised for one tick.

Keys (0/1): forward back left right jump sneak sprint attack use drop inventory ESC hotbar.1..9,
and camera = [pitch, yaw] degrees (positive pitch looks down, positive yaw turns right). A missing key
is 0. In a GUI the same camera delta moves the cursor by camera / 0.15 frame units (OpenHA's
move(dx, dy) mouse units: camera = [dy * 0.15, dx * 0.15]).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

BUTTON_KEYS: tuple[str, ...] = (
    "forward", "back", "left", "right", "jump", "sneak", "sprint", "attack", "use", "drop", "inventory", "ESC",
    *(f"hotbar.{i}" for i in range(1, 10)),
)  # fmt: skip
RAW_KEYS: tuple[str, ...] = (*BUTTON_KEYS, "camera")
DEGREES_PER_MOUSE_UNIT = 0.15
"""camera degrees per mouse unit; a GUI cursor moves one frame unit per mouse unit."""

_KNOWN = frozenset(RAW_KEYS)


def no_op() -> dict[str, Any]:
    """The action that does nothing."""
    action: dict[str, Any] = dict.fromkeys(BUTTON_KEYS, 0)
    action["camera"] = [0.0, 0.0]
    return action


def button_pressed(key: str, value: Any) -> bool:
    """A button's value strictly: 0 / 1 (int, or a float exactly 0.0 / 1.0) or a bool, numpy scalars included.

    Anything else ("0", "false", NaN, -1, 2, None) is a ValueError naming the key: Python's truthiness would
    count those as pressed.
    """
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer, float, np.floating)) and value in (0, 1):
        return bool(value)
    raise ValueError(
        f"action key {key!r} must be 0, 1 or a bool, got {value!r}; pass 1 to press it, 0 to release"
    )


def camera_degrees(camera: Any) -> tuple[float, float]:
    """The camera value strictly: exactly two finite numbers [pitch, yaw] (a list, tuple or numpy array)."""
    fix = "pass two finite numbers [pitch, yaw] in degrees, e.g. [0, 5]"
    if isinstance(camera, (str, bytes)) or not hasattr(camera, "__len__"):
        raise ValueError(f"action key 'camera' must be [pitch, yaw], got {camera!r}; {fix}")
    values = list(np.asarray(camera).reshape(-1)) if isinstance(camera, np.ndarray) else list(camera)
    if len(values) != 2 or not all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
        for v in values
    ):
        raise ValueError(f"action key 'camera' must be [pitch, yaw], got {camera!r}; {fix}")
    pitch, yaw = float(values[0]), float(values[1])
    if not (math.isfinite(pitch) and math.isfinite(yaw)):
        raise ValueError(f"action key 'camera' must be finite degrees, got {camera!r}; {fix}")
    return pitch, yaw


def parse_action(action: dict[str, Any]) -> tuple[dict[str, bool], float, float]:
    """Validate a raw action strictly; returns (pressed buttons, d_pitch, d_yaw).

    ValueError names an unknown key, a button that is not 0/1/bool, or a camera value that is not exactly
    two finite numbers, and says what to pass instead.
    """
    if not isinstance(action, dict):
        raise ValueError(f"the raw action must be a dict of MineRL keys, got {type(action).__name__}")
    for key in action:
        if key not in _KNOWN:
            raise ValueError(f"unknown action key {key!r}; the raw action keys are: {', '.join(RAW_KEYS)}")
    buttons = {key: button_pressed(key, action.get(key, 0)) for key in BUTTON_KEYS}
    pitch, yaw = camera_degrees(action.get("camera", (0.0, 0.0)))
    return buttons, pitch, yaw
