"""Labels of one expert decision point in every action space, and the motion phrase of a chunk of ticks.

The expert acts through the grounding executor; each decision point then also gets the label it would
have in the other spaces: the raw tick it leads to, the motion phrases that cover the next ticks, the
skill (current sub-goal) and, once a codebook exists, the latent code of the next chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from crossagent.executors.raw import env_to_raw
from modeling_crossagent.action_spaces import (
    CAMERA_DEGREES_PER_UNIT,
    MOTION_GROUP_OF,
    GroundingAction,
    LatentAction,
    MotionAction,
    RawAction,
    SkillAction,
    format_action,
)

TURN_THRESHOLD_DEGREES = 2.0
"""Camera change over a chunk below which no `turn` phrase is written."""
CURSOR_THRESHOLD_UNITS = 10
"""Cursor travel over a chunk below which no `cursor move` phrase is written."""
_BUTTON_PHRASES = {
    "forward": "move forward", "back": "move back", "left": "move left", "right": "move right",
    "sprint": "sprint", "sneak": "sneak", "jump": "jump", "attack": "attack", "use": "use", "drop": "drop",
    "inventory": "open inventory", "ESC": "close gui",
}  # fmt: skip


def _direction(dx: float, dy: float, threshold: float) -> str | None:
    horizontal = "left" if dx < -threshold else "right" if dx > threshold else ""
    vertical = "up" if dy < -threshold else "down" if dy > threshold else ""
    if horizontal and vertical:
        return f"{horizontal} and {vertical}"
    return horizontal or vertical or None


def motion_label(ticks: Sequence[dict], in_gui: bool) -> MotionAction | None:
    """The motion phrases that describe a chunk of env ticks (None when the chunk does nothing).

    Buttons held in at least half the ticks (or pressed at all, for one-shot keys) become phrases; the
    summed mouse move becomes `turn ...` in the world or `cursor move ...` in a GUI.
    """
    raws = [env_to_raw(tick) for tick in ticks]
    phrases: set[str] = set()
    for button, phrase in _BUTTON_PHRASES.items():
        held = sum(button in raw.buttons for raw in raws)
        one_shot = button in ("use", "drop", "inventory", "ESC", "attack")
        if held and (one_shot or 2 * held >= len(raws)):
            phrases.add(phrase)
    if "move forward" in phrases and "move back" in phrases:
        phrases.discard("move back")
    if "move left" in phrases and "move right" in phrases:
        phrases.discard("move right")
    for raw in raws:
        phrases |= {f"switch hotbar {b.split('.')[1]}" for b in raw.buttons if b.startswith("hotbar.")}
    dx, dy = sum(raw.dx for raw in raws), sum(raw.dy for raw in raws)
    if in_gui:
        direction = _direction(dx, dy, CURSOR_THRESHOLD_UNITS)
        if direction:
            phrases.add(f"cursor move {direction}")
    else:
        direction = _direction(dx, dy, TURN_THRESHOLD_DEGREES / CAMERA_DEGREES_PER_UNIT)
        if direction:
            phrases.add(f"turn {direction}")
    hotbar = sorted(p for p in phrases if p.startswith("switch hotbar"))
    phrases -= set(hotbar[1:])  # one hotbar switch per motion
    if not phrases:
        return None
    return MotionAction(tuple(sorted(phrases, key=lambda p: MOTION_GROUP_OF[p])))


@dataclass
class Decision:
    """One decision point of an expert episode and its label in every action space (None: no label)."""

    tick: int
    """World tick at which the decision is taken."""
    raw: RawAction
    """The next raw tick."""
    motion: MotionAction | None
    """Phrases covering the next ticks of this decision (None when they do nothing)."""
    grounding: GroundingAction | None
    """Verb, object and a frame point that shows it (None when the target is not in view)."""
    skill: SkillAction
    """The current sub-goal."""
    ticks: int = 0
    """Raw ticks this decision ran for."""
    latent: LatentAction | None = None
    """Code of the next chunk; filled by `assign_latent` once a codebook exists."""
    extra: dict = field(default_factory=dict)

    def texts(self) -> dict[str, str | None]:
        """Every label as model text (space token first), keyed by space."""
        return {
            space: None if action is None else format_action(action)
            for space, action in (
                ("raw", self.raw), ("motion", self.motion), ("grounding", self.grounding),
                ("skill", self.skill), ("latent", self.latent),
            )
        }  # fmt: skip


def assign_latent(decisions: Sequence[Decision], raw_ticks: Sequence[RawAction], codebook) -> None:
    """Fill each decision's latent label: the code of the `chunk_length` raw ticks it starts.

    `codebook` is an `executors.latent.LatentCodebook`; a chunk running past the episode's end is padded
    with no-op ticks (what the world sees after the episode).
    """
    from crossagent.executors.latent import tick_vector

    length = codebook.chunk_length
    vectors = [tick_vector(tick, codebook.camera_scale) for tick in raw_ticks]
    pad = tick_vector(RawAction(), codebook.camera_scale)
    start = 0
    chunks = []
    for decision in decisions:
        window = vectors[start : start + length]
        chunks.append(np.stack([*window, *[pad] * (length - len(window))]))
        start += decision.ticks
    if start != len(raw_ticks):
        raise ValueError(f"decisions cover {start} ticks but the episode has {len(raw_ticks)} raw ticks")
    codes = codebook.encode(np.stack(chunks)) if chunks else []
    for decision, code in zip(decisions, codes):
        decision.latent = LatentAction(int(code))
