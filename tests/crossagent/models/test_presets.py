"""Presets build models of the promised sizes whose config matches the tokenizer."""

import pytest

from crossagent.models.presets import build_config, build_model
from crossagent.models.tokenizer import build_tokenizer
from crossagent.presets import get_preset
from modeling_crossagent.action_spaces import SPACE_TOKENS
from modeling_crossagent.modeling_crossagent import CrossAgentForActions


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer()


def test_tiny_is_at_most_10m_parameters_and_matches_the_tokenizer(tokenizer):
    model, processor = build_model("tiny", tokenizer)
    assert sum(p.numel() for p in model.parameters()) <= 10_000_000
    config = model.config
    assert config.text_config.vocab_size == len(tokenizer)
    assert tokenizer.convert_ids_to_tokens(config.image_token_id) == "<|image|>"
    assert {s: tokenizer.convert_ids_to_tokens(i) for s, i in config.action_token_ids.items()} == SPACE_TOKENS
    assert processor.image_seq_length == config.image_seq_length == 16
    assert model.generation_config.eos_token_id == tokenizer.eos_token_id


def test_small_is_about_100m_parameters(tokenizer):
    model = CrossAgentForActions(build_config(get_preset("small").model, tokenizer))
    assert 80_000_000 <= sum(p.numel() for p in model.parameters()) <= 130_000_000
    assert model.config.image_seq_length == 64


def test_unknown_preset_is_a_value_error(tokenizer):
    with pytest.raises(ValueError, match="preset='huge' is unknown"):
        build_model("huge", tokenizer)


def test_an_unknown_model_switch_is_refused_by_name(tokenizer):
    with pytest.raises(ValueError, match="pointer_heads"):
        build_model("tiny", tokenizer, switches={"pointer_heads": True})
