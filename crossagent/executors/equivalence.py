"""The one "equivalent action" rule: the single-turn RL reward and the SFT validation metric both use it.

- `equivalent_ticks(a, b)`: two raw ticks (RawAction or MineRL env dicts) are equivalent when they press
  the same buttons and each camera axis differs by at most CAMERA_TOLERANCE_DEGREES. The reward compares
  `to_raw(candidate)` on the decision's restored world state with the ground-truth raw tick this way.
- `equivalent_actions(prediction, label)`: the offline rule, for when no world state is available (the
  SFT metric): raw actions by the same tick rule (mouse units x 0.15 degrees of camera), grounding actions
  when verb and object are equal and the points are at most POINT_TOLERANCE apart in the [0, 1000]^2
  frame, actions of any other space when they are equal.

The tolerances come from `benchmarks/equivalence_tolerance.py` (see each one's docstring): each is the
largest measured offset at which at least TARGET_KEPT of the expert's decisions still act on the same
thing in every direction of the offset.
"""

from __future__ import annotations

import math

import numpy as np

from crossagent.executors.base import EnvAction
from modeling_crossagent.action_spaces import (
    BUTTONS,
    CAMERA_DEGREES_PER_UNIT,
    Action,
    GroundingAction,
    RawAction,
)

TARGET_KEPT = 0.9
"""The rule that picks each tolerance: the largest measured offset keeping >= 90% of the targets."""

CAMERA_TOLERANCE_DEGREES = 0.6
"""Degrees per camera axis two raw ticks may differ by (4 mouse units).

Measured with `python benchmarks/equivalence_tolerance.py --worlds 3` (the tiny preset's 30 train tasks,
worlds 0-2: 90 expert episodes, 689 decisions; 48 s on one core): for each decision whose ground-truth
tick turns the camera, the tick is replayed from the decision's state with the camera off by ±t per
axis (8 directions, same buttons); kept = after the tick the crosshair ray still hits the same block or
mob (world) or the cursor is still in the same slot (GUI), in all 8 directions:

| t (degrees)  | 0.30 | 0.45 | 0.60 | 0.75 | 0.90 | 1.05 | 1.50 | 3.00 | 4.50 |
| world (282)  | 0.97 | 0.96 | 0.96 | 0.95 | 0.94 | 0.93 | 0.90 | 0.81 | 0.71 |
| GUI (192)    | 1.00 | 1.00 | 1.00 | 0.89 | 0.84 | 0.84 | 0.84 | 0.58 | 0.52 |

0.6 degrees is the largest offset keeping >= 90% in both (in a GUI a mouse unit moves the cursor one
frame unit, so the GUI is the tighter one). The former rules allowed 0.5 (raw executor) and 3.0 degrees
(SFT metric, 20 units), where 42% of GUI ticks and 19% of world ticks act on something else.
"""
CAMERA_TOLERANCE_UNITS = round(CAMERA_TOLERANCE_DEGREES / CAMERA_DEGREES_PER_UNIT)
"""CAMERA_TOLERANCE_DEGREES in raw mouse units (0.15 degrees each): 4."""

POINT_TOLERANCE = 40
"""Distance in the [0, 1000]^2 frame two grounding points may be apart.

Measured with the same command: for each of the 592 decisions with a grounding label, the point moved
by r (8 directions, Euclidean distance r, clamped to the frame) and handed to the grounding executor on
the decision's state; kept = the executor accepts it in all 8 directions (the point shows the named
object, or a slot that fits the verb):

| r     | 20   | 30   | 35   | 40   | 45   | 50   | 60   | 75   | 100  |
| kept  | 1.00 | 1.00 | 0.99 | 0.98 | 0.66 | 0.52 | 0.50 | 0.42 | 0.31 |

40 is the largest r keeping >= 90% (GUI slots are 80 units wide and the expert points at their centres,
so 45 leaves the slot; the former SFT rule allowed 50).
"""

_FLOAT_SLACK = 1e-4
"""Degrees added to the camera tolerance: env dicts hold float32 degrees (0.6 is 0.60000002 there)."""


def buttons_and_camera(action: RawAction | EnvAction) -> tuple[frozenset[str], tuple[float, float]]:
    """The pressed buttons and the camera (pitch, yaw) in degrees of a RawAction or an env dict."""
    if isinstance(action, RawAction):
        return action.buttons, action.camera
    buttons = frozenset(b for b in BUTTONS if b in action and np.asarray(action[b]).any())
    pitch, yaw = np.asarray(action.get("camera", (0.0, 0.0)), dtype=np.float64).reshape(2)
    return buttons, (float(pitch), float(yaw))


def equivalent_ticks(
    a: RawAction | EnvAction, b: RawAction | EnvAction, camera_tolerance: float = CAMERA_TOLERANCE_DEGREES
) -> bool:
    """Raw-tick equivalence: the same buttons and each camera axis within `camera_tolerance` degrees."""
    buttons_a, camera_a = buttons_and_camera(a)
    buttons_b, camera_b = buttons_and_camera(b)
    return buttons_a == buttons_b and all(
        math.isfinite(x) and math.isfinite(y) and abs(x - y) <= camera_tolerance + _FLOAT_SLACK
        for x, y in zip(camera_a, camera_b)
    )


def equivalent_actions(prediction: Action, label: Action) -> bool:
    """Offline action equivalence (no world state): see the module docstring."""
    if isinstance(prediction, RawAction) and isinstance(label, RawAction):
        return equivalent_ticks(prediction, label)
    if isinstance(prediction, GroundingAction) and isinstance(label, GroundingAction):
        return (prediction.verb, prediction.object) == (label.verb, label.object) and math.dist(
            prediction.point, label.point
        ) <= POINT_TOLERANCE
    return prediction == label
