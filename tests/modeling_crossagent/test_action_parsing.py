"""format_action / parse: exact round trips, OpenHA's plain forms, clear errors, and a fuzz of parse."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modeling_crossagent.action_grammar import action_automaton
from modeling_crossagent.action_parsing import parse, parse_chain
from modeling_crossagent.action_spaces import (
    BUTTONS,
    GROUNDING_VERBS,
    MAX_MOUSE,
    MOTION_GROUPS,
    NUM_LATENT_CODES,
    SKILL_VERBS,
    SPACE_TOKENS,
    ActionParseError,
    GroundingAction,
    LatentAction,
    MotionAction,
    RawAction,
    SkillAction,
    format_action,
)

names = st.from_regex(r"[a-z0-9_]{1,64}", fullmatch=True)
raw_actions = st.builds(
    RawAction,
    st.frozensets(st.sampled_from(BUTTONS)),
    st.integers(-MAX_MOUSE, MAX_MOUSE),
    st.integers(-MAX_MOUSE, MAX_MOUSE),
)
motion_actions = (
    st.sets(st.integers(0, len(MOTION_GROUPS) - 1), min_size=1)
    .flatmap(lambda groups: st.tuples(*[st.sampled_from(MOTION_GROUPS[g]) for g in sorted(groups)]))
    .map(MotionAction)
)
grounding_actions = st.builds(
    GroundingAction,
    st.sampled_from(GROUNDING_VERBS),
    names,
    st.tuples(st.integers(0, 1000), st.integers(0, 1000)),
)
skill_actions = st.builds(SkillAction, st.sampled_from(SKILL_VERBS), names)
latent_actions = st.builds(LatentAction, st.integers(0, NUM_LATENT_CODES - 1))
actions = st.one_of(raw_actions, motion_actions, grounding_actions, skill_actions, latent_actions)

OPENHA_SAMPLES = [
    "Action: move(4, -1) and press(w, space) and click(left)",
    "Action: no_op",
    "Action: move(0, 0) and press()",
    "Action: move('12', '-3.0') and press(left.control, e) and click(right)",
    "Motion: move forward, turn left and down, attack / mine",
    "Motion: cursor move right and up, operate gui",
    "Grounding: Mine <|object_ref_start|>oak_log<|object_ref_end|><|point_start|>(412,530)<|point_end|>",
    "Grounding: right click <|object_ref_start|>crafting table<|object_ref_end|><|point_start|>(500, 480)<|point_end|>",
    "Skill: look for iron_ore",
]


@settings(max_examples=500, deadline=None)
@given(actions)
def test_format_then_parse_round_trips_exactly(action):
    text = format_action(action)
    assert text.startswith(SPACE_TOKENS[action.space])
    assert parse(text) == action
    assert format_action(parse(text)) == text


@settings(max_examples=300, deadline=None)
@given(actions)
def test_every_canonical_text_is_in_the_decoding_grammar(action):
    assert _AUTOMATON.accepts(format_action(action))


_AUTOMATON = action_automaton()


def test_openha_plain_forms_are_read_and_normalised():
    got = [parse(text) for text in OPENHA_SAMPLES]
    assert got[0] == RawAction(frozenset({"forward", "jump", "attack"}), 4, -1)
    assert got[0].camera == pytest.approx((-0.15, 0.6))
    assert got[1] == got[2] == RawAction()
    assert format_action(got[2]) == "<|raw|>no_op"
    assert got[3] == RawAction(frozenset({"sprint", "inventory", "use"}), 12, -3)
    assert got[4] == MotionAction(("move forward", "turn left and down", "attack"))
    assert got[5] == MotionAction(("cursor move right and up", "attack"))
    assert got[6] == GroundingAction("Mine", "oak_log", (412, 530))
    assert got[7] == GroundingAction("Use", "crafting_table", (500, 480))
    assert got[8] == SkillAction("look for", "iron_ore")


def test_parse_chain_splits_openha_chain_of_action():
    chain = parse_chain("Motion: cursor move right and up \n, Action: move(17, 0) and press()")
    assert chain == [MotionAction(("cursor move right and up",)), RawAction(dx=17)]


def test_motion_phrases_are_sorted_into_canonical_order():
    assert parse("<|motion|>attack, move forward, jump") == MotionAction(("move forward", "jump", "attack"))


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (
            "<|grounding|>Mine <|object_ref_start|>oak_log<|object_ref_end|><|point_start|>(412,1530)<|point_end|>",
            ["grounding point y", "[0, 1000]", "1530"],
        ),
        ("<|motion|>move forwrd, jump", ["motion phrase", "position 10", "'move forward'"]),
        ("<|motion|>move forward, move back", ["at most one of", "move back"]),
        ("<|raw|>press(w,x)", ["press key", "position 15", "left.shift"]),
        ("<|raw|>move(5000,0)", ["move dx", "1200"]),
        ("<|raw|>move(1,2) and", ["raw action", "move(dx,dy)"]),
        ("<|latent|><|latent_99|>", ["latent code", "< 64"]),
        ("<|skill|>dance oak_log", ["skill verb", "look for"]),
        ("<|skill|>mine Oak-Log!", ["skill target", "[a-z0-9_]"]),
        ("hello", ["action (position 0)", "<|raw|>", "Action:"]),
        ("<|raw|>no_op extra", ["end of the raw action", "extra"]),
        ("Grounding: move_camera <|object_ref_start|>x<|object_ref_end|>", ["grounding verb", "Mine"]),
    ],
)
def test_bad_input_errors_say_what_was_expected_where(text, needles):
    with pytest.raises(ActionParseError) as info:
        parse(text)
    for needle in needles:
        assert needle in str(info.value)


def test_known_objects_reject_unknown_names():
    known = {"oak_log", "zombie"}
    assert parse("<|skill|>kill zombie", known_objects=known) == SkillAction("kill", "zombie")
    with pytest.raises(ActionParseError, match=r"skill target \(position 14\).*unknown 'diamond'"):
        parse("<|skill|>mine diamond", known_objects=known)
    with pytest.raises(ActionParseError, match=r"grounding object.*unknown 'cow'"):
        parse(
            "<|grounding|>Kill <|object_ref_start|>cow<|object_ref_end|><|point_start|>(1,2)<|point_end|>",
            known_objects=known,
        )


def test_dataclasses_validate_their_fields():
    with pytest.raises(ValueError, match=r"GroundingAction\.point"):
        GroundingAction("Mine", "oak_log", (1001, 5))
    with pytest.raises(ValueError, match=r"RawAction\.buttons"):
        RawAction(frozenset({"fly"}))
    with pytest.raises(ValueError, match="canonical order"):
        MotionAction(("jump", "move forward"))
    with pytest.raises(ValueError, match=r"MotionAction\.phrases"):
        MotionAction(("moonwalk",))


# --- fuzz: parse never raises anything but ActionParseError ------------------------------------------

_PIECES = ["<|", "|>", ",", " and ", "(", ")", "-", "0", "9", "1000", "\n", " ", "'", "Action:", "no_op"]
_PIECES += [*SPACE_TOKENS.values(), "<|object_ref_start|>", "<|point_end|>", "<|latent_3|>", "é", "\x00"]


@st.composite
def mutated_texts(draw):
    base = draw(st.one_of(actions.map(format_action), st.sampled_from(OPENHA_SAMPLES)))
    text = base
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "substitute", "truncate", "duplicate"]))
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 8)))
        piece = draw(st.one_of(st.sampled_from(_PIECES), st.text(max_size=3)))
        if op == "insert":
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "substitute":
            text = text[:i] + piece + text[j:]
        elif op == "truncate":
            text = text[:i]
        else:
            text = text[:j] + text[i:]
    return text


fuzz_inputs = st.one_of(mutated_texts(), st.text(max_size=80))


def _parse_or_reject(text):
    try:
        action = parse(text)
    except ActionParseError:
        return
    assert parse(format_action(action)) == action  # whatever parses is a valid, re-formattable action


@settings(max_examples=3_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(fuzz_inputs)
def test_fuzz_parse_only_raises_action_parse_error(text):
    _parse_or_reject(text)


@pytest.mark.slow
@pytest.mark.timeout(3600)
@settings(max_examples=100_000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(fuzz_inputs)
def test_fuzz_parse_100k(text):
    _parse_or_reject(text)
