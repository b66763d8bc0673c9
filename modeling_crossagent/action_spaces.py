"""The action grammar of CrossAgent: five action spaces, their tokens, dataclasses and format.

Ships inside every saved model (see the package docstring): imports nothing of ours.

Every action is one text span that starts with its space token:

    <|raw|>move(12,-3) and press(w,space) and click(left)
    <|motion|>move forward, jump, turn left and up
    <|grounding|>Mine <|object_ref_start|>oak_log<|object_ref_end|><|point_start|>(412,530)<|point_end|>
    <|skill|>mine oak_log
    <|latent|><|latent_17|>

`format_action(action)` writes the canonical text; `action_parsing.parse(text)` reads it back
exactly, and also reads OpenHA's plain-prefix forms (`Action: ...`, `Motion: ...`, `Grounding: ...`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ACTION_SPACES: tuple[str, ...] = ("raw", "motion", "grounding", "skill", "latent")
"""The five action spaces, from lowest to highest level (latent is learned, not ranked)."""

SPACE_TOKENS: dict[str, str] = {space: f"<|{space}|>" for space in ACTION_SPACES}
"""The token that opens an action of each space."""

OBJECT_REF_START, OBJECT_REF_END = "<|object_ref_start|>", "<|object_ref_end|>"
POINT_START, POINT_END = "<|point_start|>", "<|point_end|>"
GROUNDING_TOKENS: tuple[str, ...] = (OBJECT_REF_START, OBJECT_REF_END, POINT_START, POINT_END)

NUM_LATENT_CODES = 64
"""Default size of the latent codebook; one token `<|latent_k|>` per code."""

LATENT_TOKEN_RE = re.compile(r"<\|latent_(\d+)\|>")


def latent_token(index: int) -> str:
    return f"<|latent_{index}|>"


def special_tokens(num_latent_codes: int = NUM_LATENT_CODES) -> list[str]:
    """All action-space special tokens, in a fixed order (space tokens first)."""
    tokens = [SPACE_TOKENS[space] for space in ACTION_SPACES]
    tokens += list(GROUNDING_TOKENS)
    tokens += [latent_token(i) for i in range(num_latent_codes)]
    return tokens


def add_action_tokens(tokenizer, num_latent_codes: int = NUM_LATENT_CODES) -> int:
    """Add the action-space special tokens to any HF tokenizer; returns how many were new.

    Resize the model's embeddings afterwards (`model.resize_token_embeddings(len(tokenizer))`).
    """
    return tokenizer.add_special_tokens(
        {"additional_special_tokens": special_tokens(num_latent_codes)},
        replace_extra_special_tokens=False,
    )


# ---------------------------------------------------------------------------------------------------
# Vocabularies
# ---------------------------------------------------------------------------------------------------

BUTTONS: tuple[str, ...] = (
    "forward", "back", "left", "right", "jump", "sneak", "sprint", "attack", "use", "drop",
    "inventory", "ESC", *(f"hotbar.{n}" for n in range(1, 10)),
)  # fmt: skip
"""MineRL's binary buttons (0/1 in its action dict), in canonical order."""

KEY_TO_BUTTON: dict[str, str] = {
    "w": "forward", "s": "back", "a": "left", "d": "right", "space": "jump", "left.shift": "sneak",
    "left.control": "sprint", "e": "inventory", "q": "drop", "escape": "ESC",
    **{str(n): f"hotbar.{n}" for n in range(1, 10)},
}  # fmt: skip
"""Raw-text key names (OpenHA's) -> MineRL buttons; `press(...)` lists keys in this order."""

CLICK_TO_BUTTON: dict[str, str] = {"left": "attack", "right": "use"}
"""`click(left)` is attack, `click(right)` is use."""

CAMERA_DEGREES_PER_UNIT = 0.15
"""`move(dx, dy)` is in mouse units; camera = [dy, dx] * 0.15 degrees (OpenHA's 360/2400)."""

MAX_MOUSE = 1200
"""Largest |dx|, |dy| of a raw action (1200 units = 180 degrees, also > the GUI frame's 1000)."""

POINT_MAX = 1000
"""Points live in [0, POINT_MAX]^2, origin top left, resolution independent."""

MAX_NAME_LENGTH = 64
NAME_RE = re.compile(r"[a-z0-9_]+")
"""Default object/target names: Minecraft ids such as `oak_log` (no `minecraft:` prefix)."""

_DIRECTIONS = (
    "left",
    "right",
    "up",
    "down",
    "left and up",
    "left and down",
    "right and up",
    "right and down",
)

MOTION_GROUPS: tuple[tuple[str, ...], ...] = (
    ("move forward", "move back"),
    ("move left", "move right"),
    ("sprint",),
    ("sneak",),
    ("jump",),
    tuple(f"turn {d}" for d in _DIRECTIONS),
    tuple(f"cursor move {d}" for d in _DIRECTIONS),
    ("attack",),
    ("use",),
    ("drop",),
    tuple(f"switch hotbar {n}" for n in range(1, 10)),
    ("open inventory",),
    ("close gui",),
)
"""Motion phrases, grouped: at most one phrase per group, groups in this (canonical) order."""

MOTION_PHRASES: tuple[str, ...] = tuple(p for group in MOTION_GROUPS for p in group)
MOTION_GROUP_OF: dict[str, int] = {p: i for i, group in enumerate(MOTION_GROUPS) for p in group}

GROUNDING_VERBS: tuple[str, ...] = ("Mine", "Kill", "Approach", "Use", "Click", "Pick", "Place")
"""Mine/Kill/Approach/Use act on what the point hits in the world; Click/Pick/Place on a GUI slot."""

SKILL_VERBS: tuple[str, ...] = ("mine", "kill", "approach", "look for", "craft", "smelt", "use")


# ---------------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------------


def check_name(name: str, what: str, known_objects=None) -> None:
    """Raise ValueError unless `name` is a valid object name (and in `known_objects` when given)."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name) or len(name) > MAX_NAME_LENGTH:
        raise ValueError(
            f"{what}: expected an object name of [a-z0-9_] (1..{MAX_NAME_LENGTH} chars), got {name!r}"
        )
    if known_objects is not None and name not in known_objects:
        raise ValueError(f"{what}: expected a name from the known-objects set, got unknown {name!r}")


@dataclass(frozen=True)
class RawAction:
    """One tick of keyboard and mouse: a MineRL button set plus a mouse move in mouse units."""

    buttons: frozenset[str] = field(default_factory=frozenset)
    """MineRL buttons held this tick (names from BUTTONS)."""
    dx: int = 0
    """Horizontal mouse move (yaw; in a GUI: cursor x in the [0,1000] frame), |dx| <= MAX_MOUSE."""
    dy: int = 0
    """Vertical mouse move (pitch, positive = down; in a GUI: cursor y), |dy| <= MAX_MOUSE."""

    space = "raw"

    def __post_init__(self):
        object.__setattr__(self, "buttons", frozenset(self.buttons))
        unknown = sorted(self.buttons - set(BUTTONS))
        if unknown:
            raise ValueError(f"RawAction.buttons: unknown {unknown}; valid: {list(BUTTONS)}")
        for name in ("dx", "dy"):
            value = getattr(self, name)
            if type(value) is not int or abs(value) > MAX_MOUSE:
                raise ValueError(
                    f"RawAction.{name}: expected an int in [-{MAX_MOUSE}, {MAX_MOUSE}], got {value!r}"
                )

    @property
    def camera(self) -> tuple[float, float]:
        """[pitch, yaw] in degrees, MineRL's convention."""
        return (self.dy * CAMERA_DEGREES_PER_UNIT, self.dx * CAMERA_DEGREES_PER_UNIT)

    @property
    def is_no_op(self) -> bool:
        return not self.buttons and self.dx == 0 and self.dy == 0


@dataclass(frozen=True)
class MotionAction:
    """A few ticks of a motion primitive: phrases from MOTION_PHRASES, at most one per group."""

    phrases: tuple[str, ...]
    """The phrases, in canonical (MOTION_GROUPS) order, at least one."""

    space = "motion"

    def __post_init__(self):
        object.__setattr__(self, "phrases", tuple(self.phrases))
        if not self.phrases:
            raise ValueError("MotionAction.phrases: expected at least one phrase")
        for phrase in self.phrases:
            if phrase not in MOTION_GROUP_OF:
                raise ValueError(f"MotionAction.phrases: unknown phrase {phrase!r}")
        groups = [MOTION_GROUP_OF[p] for p in self.phrases]
        if groups != sorted(set(groups)):
            raise ValueError(
                f"MotionAction.phrases: {list(self.phrases)} must be in canonical order with at most one "
                "phrase per group (e.g. not both `move forward` and `move back`); see MOTION_GROUPS"
            )


@dataclass(frozen=True)
class GroundingAction:
    """A verb applied to the object under a point of the current frame (or a GUI slot)."""

    verb: str
    """One of GROUNDING_VERBS."""
    object: str
    """The object the point should hit (block, mob or item id, e.g. `oak_log`)."""
    point: tuple[int, int]
    """(x, y) in [0, POINT_MAX]^2, origin top left."""

    space = "grounding"

    def __post_init__(self):
        if self.verb not in GROUNDING_VERBS:
            raise ValueError(
                f"GroundingAction.verb: expected one of {list(GROUNDING_VERBS)}, got {self.verb!r}"
            )
        check_name(self.object, "GroundingAction.object")
        point = tuple(self.point)
        if len(point) != 2 or any(type(v) is not int or not 0 <= v <= POINT_MAX for v in point):
            raise ValueError(
                f"GroundingAction.point: expected (x, y) ints in [0, {POINT_MAX}], got {self.point!r}"
            )
        object.__setattr__(self, "point", point)


@dataclass(frozen=True)
class SkillAction:
    """A language skill: `mine oak_log`, `look for iron_ore`, `craft stick`."""

    verb: str
    """One of SKILL_VERBS."""
    target: str
    """The object the skill is about."""

    space = "skill"

    def __post_init__(self):
        if self.verb not in SKILL_VERBS:
            raise ValueError(f"SkillAction.verb: expected one of {list(SKILL_VERBS)}, got {self.verb!r}")
        check_name(self.target, "SkillAction.target")


@dataclass(frozen=True)
class LatentAction:
    """An index into the latent codebook of raw-action chunks."""

    index: int
    """0 <= index < the codebook size (NUM_LATENT_CODES unless the model says otherwise)."""

    space = "latent"

    def __post_init__(self):
        if type(self.index) is not int or self.index < 0:
            raise ValueError(f"LatentAction.index: expected an int >= 0, got {self.index!r}")


Action = RawAction | MotionAction | GroundingAction | SkillAction | LatentAction
NO_OP = RawAction()


def format_raw_body(action: RawAction) -> str:
    if action.is_no_op:
        return "no_op"
    parts = []
    if action.dx or action.dy:
        parts.append(f"move({action.dx},{action.dy})")
    keys = [key for key, button in KEY_TO_BUTTON.items() if button in action.buttons]
    if keys:
        parts.append(f"press({','.join(keys)})")
    parts += [f"click({side})" for side, button in CLICK_TO_BUTTON.items() if button in action.buttons]
    return " and ".join(parts)


def format_action(action: Action) -> str:
    """The canonical text of an action, starting with its space token."""
    if isinstance(action, RawAction):
        body = format_raw_body(action)
    elif isinstance(action, MotionAction):
        body = ", ".join(action.phrases)
    elif isinstance(action, GroundingAction):
        x, y = action.point
        body = f"{action.verb} {OBJECT_REF_START}{action.object}{OBJECT_REF_END}{POINT_START}({x},{y}){POINT_END}"
    elif isinstance(action, SkillAction):
        body = f"{action.verb} {action.target}"
    elif isinstance(action, LatentAction):
        body = latent_token(action.index)
    else:
        raise TypeError(f"format_action: expected an Action dataclass, got {type(action).__name__}")
    return SPACE_TOKENS[action.space] + body


class ActionParseError(ValueError):
    """Text that is not a valid action; the message says what was expected where."""
