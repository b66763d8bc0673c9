"""parse(): text -> Action, for the canonical text and for OpenHA's plain-prefix forms.

Lenient where OpenHA's published data differs only in spelling (spaces after commas, quoted numbers,
`attack / mine`, `right click`, `move(0, 0) and press()`), strict everywhere else: any other input raises
`ActionParseError` whose message names the field, the position and what was expected there.
Ships inside saved models: imports only the standard library and sibling modules.
"""

from __future__ import annotations

import difflib
import re

from .action_spaces import (
    CLICK_TO_BUTTON,
    GROUNDING_VERBS,
    KEY_TO_BUTTON,
    MAX_MOUSE,
    MOTION_GROUP_OF,
    MOTION_GROUPS,
    MOTION_PHRASES,
    NO_OP,
    NUM_LATENT_CODES,
    OBJECT_REF_END,
    OBJECT_REF_START,
    POINT_END,
    POINT_MAX,
    POINT_START,
    SKILL_VERBS,
    SPACE_TOKENS,
    Action,
    ActionParseError,
    GroundingAction,
    LatentAction,
    MotionAction,
    RawAction,
    SkillAction,
    check_name,
)

PLAIN_PREFIXES: dict[str, str] = {
    "Action:": "raw",
    "Motion:": "motion",
    "Grounding:": "grounding",
    "Skill:": "skill",
}
"""OpenHA's plain prefixes and the space each opens."""

MOTION_ALIASES: dict[str, str] = {
    "attack / mine": "attack",
    "attack/mine": "attack",
    "place / use": "use",
    "place/use": "use",
    "move backward": "move back",
    "close inventory": "close gui",
    "operate gui": "attack",
    **{f"{verb} {v} and {h}": f"{verb} {h} and {v}" for verb in ("turn", "cursor move")
       for h in ("left", "right") for v in ("up", "down")},
}  # fmt: skip
"""OpenHA motion spellings -> our phrases (`operate gui` is its left click in a GUI)."""

GROUNDING_VERB_ALIASES: dict[str, str] = {
    **{verb.lower(): verb for verb in GROUNDING_VERBS},
    "right click": "Use",
    "interact": "Use",
}

_NUMBER_RE = re.compile(r"""\s*(['"]?)([+-]?\d{1,12}(?:\.\d{0,12})?)\1\s*""")
_INT_RE = re.compile(r"\s*(\d{1,12})\s*")
_PART_RE = re.compile(r"(move|press|click)\s*\(")
_KEY_RE = re.compile(r"""\s*(['"]?)([A-Za-z0-9._]+)\1\s*""")
_AND_RE = re.compile(r"\s+and\b\s*")
_PHRASE_RE = re.compile(r"[^,\n]*")
_UP_TO_TAG_RE = re.compile(r"[^<\n]*")
_LINE_RE = re.compile(r"[^\n]*")
_LATENT_RE = re.compile(r"\s*<\|latent_(\d{1,9})\|>")
_CHAIN_SPLIT_RE = re.compile(
    r"<\|(?:raw|motion|grounding|skill|latent)\|>|\b(?:Action|Motion|Grounding|Skill):"
)


class _Scanner:
    """A cursor over the text that builds position-aware errors."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def error(self, where: str, expected: str) -> ActionParseError:
        found = self.text[self.pos : self.pos + 24]
        found = repr(found) if found else "the end of the text"
        return ActionParseError(f"{where} (position {self.pos}): expected {expected}, found {found}")

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def take(self, literal: str) -> bool:
        if self.text.startswith(literal, self.pos):
            self.pos += len(literal)
            return True
        return False

    def expect(self, literal: str, where: str) -> None:
        if not self.take(literal):
            raise self.error(where, repr(literal))

    def match(self, regex: re.Pattern) -> re.Match | None:
        m = regex.match(self.text, self.pos)
        if m:
            self.pos = m.end()
        return m


def _name(s: _Scanner, regex: re.Pattern, where: str, known_objects) -> str:
    start = s.pos
    raw = s.match(regex).group(0)
    name = "_".join(raw.strip().lower().removeprefix("minecraft:").split())
    try:
        check_name(name, where, known_objects)
    except ValueError as exc:
        raise ActionParseError(f"{where} (position {start}): {str(exc).split(': ', 1)[1]}") from None
    return name


def _mouse(s: _Scanner, where: str) -> int:
    m = s.match(_NUMBER_RE)
    if not m:
        raise s.error(where, "a number of mouse units")
    value = float(m.group(2))
    if abs(value) > MAX_MOUSE:
        s.pos = m.start()
        raise s.error(where, f"a number in [-{MAX_MOUSE}, {MAX_MOUSE}]")
    return round(value)


def _raw(s: _Scanner) -> RawAction:
    s.skip_ws()
    if s.take("no_op"):
        return NO_OP
    buttons: set[str] = set()
    move = None
    seen: set[str] = set()
    while True:
        start = s.pos
        part = s.match(_PART_RE)
        if not part:
            raise s.error("raw action", "move(dx,dy), press(keys), click(left|right) or no_op")
        name = part.group(1)
        if name in seen and name != "click":
            s.pos = start
            raise s.error("raw action", f"at most one {name}(...)")
        seen.add(name)
        if name == "move":
            dx = _mouse(s, "move dx")
            s.expect(",", "move")
            move = (dx, _mouse(s, "move dy"))
            s.expect(")", "move")
        elif name == "press":
            s.skip_ws()
            while not s.take(")"):
                key_start = s.pos
                m = s.match(_KEY_RE)
                if not m or m.group(2).lower() not in KEY_TO_BUTTON:
                    s.pos = key_start
                    raise s.error("press key", f"one of {', '.join(KEY_TO_BUTTON)} or ')'")
                buttons.add(KEY_TO_BUTTON[m.group(2).lower()])
                if not s.take(","):
                    s.expect(")", "press")
                    break
        else:
            m = s.match(_KEY_RE)
            if not m or m.group(2) not in CLICK_TO_BUTTON:
                raise s.error("click", "left or right")
            buttons.add(CLICK_TO_BUTTON[m.group(2)])
            s.expect(")", "click")
        if not s.match(_AND_RE):
            break
    dx, dy = move or (0, 0)
    return RawAction(frozenset(buttons), dx, dy)


def _close_phrases(phrase: str) -> str:
    close = difflib.get_close_matches(phrase, MOTION_PHRASES, n=4, cutoff=0.5)
    return ", ".join(repr(p) for p in close or [group[0] for group in MOTION_GROUPS])


def _motion(s: _Scanner) -> MotionAction:
    by_group: dict[int, str] = {}
    while True:
        s.skip_ws()
        start = s.pos
        phrase = " ".join(s.match(_PHRASE_RE).group(0).split()).lower()
        phrase = MOTION_ALIASES.get(phrase, phrase)
        if phrase not in MOTION_GROUP_OF:
            s.pos = start
            raise s.error("motion phrase", f"a known phrase (closest: {_close_phrases(phrase)})")
        group = MOTION_GROUP_OF[phrase]
        if by_group.get(group, phrase) != phrase:
            s.pos = start
            raise s.error(
                "motion phrase", f"at most one of {list(MOTION_GROUPS[group])} (already {by_group[group]!r})"
            )
        by_group[group] = phrase
        # A comma continues the list; anything else (a newline, the end) ends it.
        if not s.take(","):
            return MotionAction(tuple(by_group[g] for g in sorted(by_group)))


def _point_coordinate(s: _Scanner, where: str) -> int:
    m = s.match(_INT_RE)
    if not m:
        raise s.error(where, f"an integer in [0, {POINT_MAX}]")
    value = int(m.group(1))
    if value > POINT_MAX:
        s.pos = m.start(1)
        raise s.error(where, f"an integer in [0, {POINT_MAX}] (the point frame), got {value}")
    return value


def _grounding(s: _Scanner, known_objects) -> GroundingAction:
    s.skip_ws()
    start = s.pos
    verb_text = " ".join(s.match(_UP_TO_TAG_RE).group(0).split()).lower()
    verb = GROUNDING_VERB_ALIASES.get(verb_text)
    if verb is None:
        s.pos = start
        raise s.error("grounding verb", f"one of {', '.join(GROUNDING_VERBS)} then {OBJECT_REF_START}")
    s.expect(OBJECT_REF_START, "grounding object")
    name = _name(s, _UP_TO_TAG_RE, "grounding object", known_objects)
    s.expect(OBJECT_REF_END, "grounding object")
    s.skip_ws()
    s.expect(POINT_START, "grounding point")
    s.skip_ws()
    s.expect("(", "grounding point")
    x = _point_coordinate(s, "grounding point x")
    s.expect(",", "grounding point")
    y = _point_coordinate(s, "grounding point y")
    s.expect(")", "grounding point")
    s.skip_ws()
    s.expect(POINT_END, "grounding point")
    return GroundingAction(verb, name, (x, y))


def _skill(s: _Scanner, known_objects) -> SkillAction:
    s.skip_ws()
    verb = next((v for v in sorted(SKILL_VERBS, key=len, reverse=True) if s.take(v + " ")), None)
    if verb is None:
        raise s.error("skill verb", f"one of {', '.join(SKILL_VERBS)} followed by a space and a target")
    return SkillAction(verb, _name(s, _LINE_RE, "skill target", known_objects))


def _latent(s: _Scanner, num_latent_codes: int) -> LatentAction:
    m = s.match(_LATENT_RE)
    if not m or int(m.group(1)) >= num_latent_codes:
        if m:
            s.pos = m.start()
        raise s.error("latent code", f"<|latent_k|> with 0 <= k < {num_latent_codes}")
    return LatentAction(int(m.group(1)))


def parse(text: str, known_objects=None, num_latent_codes: int = NUM_LATENT_CODES) -> Action:
    """Parse one action (canonical or OpenHA plain-prefix form); raises ActionParseError.

    known_objects: a set of valid object names for grounding objects and skill targets (default: any
    [a-z0-9_]+ name). num_latent_codes: the codebook size latent indices must be below.
    """
    if not isinstance(text, str):
        raise ActionParseError(f"action: expected a str, got {type(text).__name__}")
    s = _Scanner(text)
    s.skip_ws()
    space = next((sp for sp, tok in SPACE_TOKENS.items() if s.take(tok)), None)
    space = space or next((sp for prefix, sp in PLAIN_PREFIXES.items() if s.take(prefix)), None)
    if space is None:
        raise s.error(
            "action", f"a space token ({', '.join(SPACE_TOKENS.values())}) or {', '.join(PLAIN_PREFIXES)}"
        )
    if space == "raw":
        action = _raw(s)
    elif space == "motion":
        action = _motion(s)
    elif space == "grounding":
        action = _grounding(s, known_objects)
    elif space == "skill":
        action = _skill(s, known_objects)
    else:
        action = _latent(s, num_latent_codes)
    s.skip_ws()
    if s.pos != len(s.text):
        raise s.error(f"end of the {space} action", "the end of the text")
    return action


def parse_chain(text: str, known_objects=None, num_latent_codes: int = NUM_LATENT_CODES) -> list[Action]:
    """Parse an OpenHA chain of actions (`Motion: ... \\n, Action: ...`) into its actions, in order."""
    starts = [m.start() for m in _CHAIN_SPLIT_RE.finditer(text)] if isinstance(text, str) else []
    if not starts:
        return [parse(text, known_objects, num_latent_codes)]
    pieces = [text[a:b].rstrip().rstrip(",") for a, b in zip(starts, [*starts[1:], len(text)])]
    return [parse(piece, known_objects, num_latent_codes) for piece in pieces]
