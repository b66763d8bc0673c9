"""The 2-D position signal of image tokens, the numeral code and the projector's initialisation."""

import dataclasses

import numpy as np
import pytest
import torch

from crossagent.models.presets import build_config, build_model, init_numeral_embeddings, numeral_token_ids
from crossagent.presets import get_preset
from modeling_crossagent.modeling_crossagent import CrossAgentForActions
from modeling_crossagent.point_code import image_position_codes, patch_centres, point_code


def test_point_code_is_most_similar_at_equal_positions():
    codes = point_code(torch.arange(0, 1001, dtype=torch.float32), 32)
    similarity = codes @ codes[500]
    assert int(similarity.argmax()) == 500
    # Near positions are more alike than far ones, and 50 units apart is already clearly apart.
    assert similarity[510] > similarity[550] > similarity[900]
    assert similarity[550] < 0.8 * similarity[500]


def test_point_code_and_grid_errors_name_the_field():
    with pytest.raises(ValueError, match="dim=3"):
        point_code(torch.zeros(2), 3)
    with pytest.raises(ValueError, match="image_seq_length=15"):
        image_position_codes(15, 64, 8)
    with pytest.raises(ValueError, match="point_code_dim=40"):
        image_position_codes(16, 64, 40)


def test_patch_centres_are_row_major_in_the_grounding_frame():
    centres = patch_centres(4)
    assert centres[0].tolist() == [125.0, 125.0]
    assert centres[1].tolist() == [375.0, 125.0]  # next column, same row
    assert centres[4].tolist() == [125.0, 375.0]


def _tiny_model(tokenizer, **switches):
    """A fresh model of the tiny sizes with the given `ModelSize` switches replaced (numerals left random)."""
    spec = dataclasses.replace(get_preset("tiny").model, **switches)
    torch.manual_seed(0)
    return CrossAgentForActions(build_config(spec, tokenizer)).eval()


def test_sincos2d_adds_each_patch_centres_code_and_survives_save_and_load(tokenizer, tmp_path):
    model = _tiny_model(tokenizer, image_position_embedding="sincos2d")
    plain = _tiny_model(tokenizer, image_position_embedding="none")
    plain.load_state_dict(model.state_dict())  # same weights, no position code
    pixels = torch.zeros(1, 3, 64, 64)
    with torch.no_grad():
        coded, uncoded = model.model.get_image_features(pixels), plain.eval().model.get_image_features(pixels)
    difference = coded - uncoded
    assert torch.allclose(difference[0], image_position_codes(16, difference.shape[-1], 32), atol=1e-5)
    model.save_pretrained(tmp_path)
    loaded = CrossAgentForActions.from_pretrained(tmp_path, trust_remote_code=True).eval()
    assert loaded.config.image_position_embedding == "sincos2d"
    with torch.no_grad():
        assert torch.allclose(loaded.model.get_image_features(pixels), coded, atol=1e-6)


def _numeral_similarities(model, tokenizer) -> tuple[float, float]:
    """Dot products of numeral 500's code features with 510's and 900's."""
    weights, ids, dim = (
        model.get_input_embeddings().weight.detach(),
        numeral_token_ids(tokenizer),
        model.config.point_code_dim,
    )
    return tuple(float(weights[ids[500], :dim] @ weights[ids[n], :dim]) for n in (510, 900))


def test_numeral_embeddings_start_ordered(tokenizer):
    model = _tiny_model(tokenizer, numeral_code_init=False)
    before = model.get_input_embeddings().weight.detach().clone()
    init_numeral_embeddings(model, tokenizer)
    weights = model.get_input_embeddings().weight.detach()
    ids = numeral_token_ids(tokenizer)
    assert len(ids) > 900
    dim = model.config.point_code_dim
    near, far = _numeral_similarities(model, tokenizer)
    assert near > 2 * abs(far)
    assert torch.equal(weights[ids[500], 2 * dim :], before[ids[500], 2 * dim :])  # the rest untouched
    assert torch.equal(model.lm_head.weight, weights)  # the tied output rows start ordered too


def test_the_tiny_preset_builds_its_model_with_ordered_numerals_and_image_positions(tokenizer):
    model, _ = build_model("tiny", tokenizer=tokenizer)
    assert model.config.image_position_embedding == "sincos2d"
    near, far = _numeral_similarities(model, tokenizer)
    assert near > 2 * abs(far)


def test_projector_starts_at_unit_scale_and_loading_keeps_its_weights(tokenizer, tmp_path):
    model, _ = build_model("tiny", tokenizer=tokenizer)
    projector = model.model.projector
    for linear in (projector.linear_1, projector.linear_2):
        assert np.isclose(float(linear.weight.std()), linear.in_features**-0.5, rtol=0.1)
    # Frames must differ at the decoder's scale (std 0.02 weights made them ~0.02 apart).
    pixels = torch.rand(4, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        features = model.model.get_image_features(pixels)
    assert float(features.std(0).mean()) > 0.1
    model.save_pretrained(tmp_path)
    loaded = CrossAgentForActions.from_pretrained(tmp_path)
    assert torch.equal(loaded.model.projector.linear_1.weight, projector.linear_1.weight)


def test_a_sincos2d_code_wider_than_the_decoder_is_refused_at_config_time(tokenizer):
    spec = dataclasses.replace(get_preset("tiny").model, image_position_embedding="sincos2d")
    config = build_config(spec, tokenizer).to_dict()
    with pytest.raises(ValueError, match="point_code_dim=128"):
        type(build_config(spec, tokenizer))(**{**config, "point_code_dim": 128})
