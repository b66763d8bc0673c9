"""The decoding automaton accepts exactly the canonical texts (sampled walks parse and re-format)."""

import random

import pytest

from modeling_crossagent.action_grammar import action_automaton, desymbolize, symbolize
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import SPACE_TOKENS, format_action


def test_random_walks_of_the_automaton_are_canonical_actions():
    automaton, rng = action_automaton(), random.Random(0)
    seen = set()
    for _ in range(3000):
        text = desymbolize(automaton.sample(rng))
        action = parse(text)
        assert format_action(action) == text
        seen.add(action.space)
    assert seen == set(SPACE_TOKENS)


def test_spaces_and_known_objects_restrict_the_language():
    automaton = action_automaton(spaces=["skill"], known_objects={"oak_log", "cow"})
    rng = random.Random(1)
    for _ in range(200):
        action = parse(desymbolize(automaton.sample(rng)))
        assert action.space == "skill" and action.target in {"oak_log", "cow"}
    assert automaton.accepts("<|skill|>mine oak_log")
    assert not automaton.accepts("<|skill|>mine dirt")
    assert not automaton.accepts("<|raw|>no_op")


def test_non_canonical_spellings_are_outside_the_grammar():
    automaton = action_automaton()
    assert automaton.accepts("<|raw|>move(4,-1) and press(w,space)")
    for text in [
        "<|raw|>move(0,0)",
        "<|raw|>press(space,w)",
        "<|raw|>move(4, -1)",
        "<|raw|>press()",
        "<|raw|>",
    ]:
        assert not automaton.accepts(text), text


def test_special_tokens_are_single_symbols():
    assert len(symbolize("<|grounding|><|latent_17|>")) == 2
    assert desymbolize(symbolize("<|raw|>no_op<|latent_5|>")) == "<|raw|>no_op<|latent_5|>"
    with pytest.raises(ValueError, match="space"):
        action_automaton(spaces=["telepathy"])
