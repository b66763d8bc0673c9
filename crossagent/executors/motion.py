"""The motion executor: an open-loop macro of MOTION_TICKS ticks per motion action.

Competence bound: open loop. It never looks at the observation, so it cannot aim, stop at a block or
notice that it is in a GUI; it repeats the same keys for a fixed number of ticks and turns by fixed angles.
"""

from __future__ import annotations

from crossagent.executors.base import EnvAction, PlannedExecutor
from crossagent.executors.raw import raw_to_env
from modeling_crossagent.action_spaces import MotionAction, RawAction

MOTION_TICKS = 4
"""Ticks per motion action (OpenHA re-queries its motion policy every 4 steps)."""

TURN_YAW_UNITS = 50
"""Mouse units per tick of `turn left/right` (50 units = 7.5°, 30° per action)."""
TURN_PITCH_UNITS = 25
"""Mouse units per tick of `turn up/down` (3.75°, 15° per action)."""
CURSOR_UNITS = 20
"""Cursor units per tick of `cursor move` in the [0,1000] GUI frame (80 per action, about one slot)."""

_HELD = {
    "move forward": "forward",
    "move back": "back",
    "move left": "left",
    "move right": "right",
    "sprint": "sprint",
    "sneak": "sneak",
    "jump": "jump",
    "attack": "attack",
}
"""Phrases that hold a button for every tick of the macro."""
_ONCE = {"use": "use", "drop": "drop", "open inventory": "inventory", "close gui": "ESC"}
"""Phrases that press a button on the first tick only (a held key would toggle or repeat)."""


def _direction_units(direction: str, horizontal: int, vertical: int) -> tuple[int, int]:
    dx = -horizontal if "left" in direction else horizontal if "right" in direction else 0
    dy = -vertical if "up" in direction else vertical if "down" in direction else 0
    return dx, dy


def motion_ticks(action: MotionAction) -> list[RawAction]:
    """The raw ticks of a motion macro."""
    held = {_HELD[p] for p in action.phrases if p in _HELD}
    once = {_ONCE[p] for p in action.phrases if p in _ONCE}
    once |= {f"hotbar.{p.rsplit(' ', 1)[1]}" for p in action.phrases if p.startswith("switch hotbar ")}
    dx = dy = 0
    for phrase in action.phrases:
        if phrase.startswith("turn "):
            dx, dy = _direction_units(phrase.removeprefix("turn "), TURN_YAW_UNITS, TURN_PITCH_UNITS)
        elif phrase.startswith("cursor move "):
            dx, dy = _direction_units(phrase.removeprefix("cursor move "), CURSOR_UNITS, CURSOR_UNITS)
    return [RawAction(frozenset(held | (once if t == 0 else set())), dx, dy) for t in range(MOTION_TICKS)]


class MotionExecutor(PlannedExecutor):
    """Open-loop motion macro: MOTION_TICKS fixed ticks (see the module docstring for its bound)."""

    space = "motion"

    def __init__(self):
        super().__init__(max_ticks=MOTION_TICKS)

    def plan(self, action: MotionAction) -> list[EnvAction]:
        return [raw_to_env(t) for t in motion_ticks(action)]
