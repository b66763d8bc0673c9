"""The project tokenizer: small, deterministic, exact round trips of every action space's text."""

import random

import pytest

from crossagent.models.corpus import minecraft_names, random_action
from crossagent.models.tokenizer import build_tokenizer
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import ACTION_SPACES, format_action, special_tokens
from modeling_crossagent.processing_crossagent import CHAT_TOKENS


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer()


def test_vocabulary_is_small_and_holds_every_special_token_once(tokenizer):
    assert 1000 < len(tokenizer) <= 4096
    for token in (*CHAT_TOKENS, *special_tokens()):
        assert len(tokenizer(token, add_special_tokens=False)["input_ids"]) == 1, token
    assert tokenizer.pad_token == "<|pad|>" and tokenizer.eos_token == "<|end|>"
    assert tokenizer.padding_side == "left"


def test_action_texts_round_trip_exactly_and_compactly(tokenizer):
    rng = random.Random(123)  # a seed the corpus did not use
    targets = ["oak_log", "zombie", "crafting_table", "iron_ore", "stone_pickaxe"]
    for _ in range(200):
        for space in ACTION_SPACES:
            action = random_action(rng, space, targets)
            text = format_action(action)
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
            assert tokenizer.decode(ids) == text
            assert parse(tokenizer.decode(ids)) == action
            assert len(ids) <= 24, (text, tokenizer.convert_ids_to_tokens(ids))


def test_minecraft_names_are_few_tokens(tokenizer):
    names = [n for n, _ in minecraft_names()["block"]]
    lengths = [len(tokenizer(" " + n, add_special_tokens=False)["input_ids"]) for n in names]
    assert sum(lengths) / len(lengths) < 4  # measured 3.8 for the 763 block ids


def test_building_is_deterministic(tokenizer):
    assert build_tokenizer().get_vocab() == tokenizer.get_vocab()
