"""The raw action: MineRL's keyboard/mouse dict, validated and normalised for one tick.

Keys (0/1): forward back left right jump sneak sprint attack use drop inventory ESC hotbar.1..9,
and camera = [pitch, yaw] degrees (positive pitch looks down, positive yaw turns right). A missing key
is 0. In a GUI the same camera delta moves the cursor by camera / 0.15 frame units (OpenHA's
move(dx, dy) mouse units: camera = [dy * 0.15, dx * 0.15]).
"""

from __future__ import annotations

import math
from typing import Any

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


def parse_action(action: dict[str, Any]) -> tuple[dict[str, bool], float, float]:
    """Validate a raw action; returns (pressed buttons, d_pitch, d_yaw).

    ValueError names an unknown key or a camera value that is not two finite numbers.
    """
    if not isinstance(action, dict):
        raise ValueError(f"the raw action must be a dict of MineRL keys, got {type(action).__name__}")
    for key in action:
        if key not in _KNOWN:
            raise ValueError(f"unknown action key {key!r}; the raw action keys are: {', '.join(RAW_KEYS)}")
    buttons = {key: bool(action.get(key, 0)) for key in BUTTON_KEYS}
    camera = action.get("camera", (0.0, 0.0))
    try:
        pitch, yaw = float(camera[0]), float(camera[1])
        if len(camera) != 2:
            raise TypeError
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"action key 'camera' must be [pitch, yaw] in degrees, got {camera!r}") from None
    if not (math.isfinite(pitch) and math.isfinite(yaw)):
        raise ValueError(f"action key 'camera' must be finite degrees, got {camera!r}")
    return buttons, pitch, yaw
