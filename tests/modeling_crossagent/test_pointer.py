"""The pointer head: numerals written by pointing at image tokens (modeling_crossagent/pointer.py)."""

import dataclasses

import numpy as np
import pytest
import torch
from transformers import DynamicCache

from crossagent.agents.prefix_decoding import PrefixCachedDecoder
from crossagent.models.presets import build_config, build_processor, numeral_token_ids
from crossagent.presets import get_preset
from modeling_crossagent.modeling_crossagent import CrossAgentForActions
from modeling_crossagent.point_code import patch_centres
from modeling_crossagent.pointer import CrossAgentPointer

SPEC = dataclasses.replace(get_preset("tiny").model, pointer_head=True)
GRAMMAR_SPEC = dataclasses.replace(SPEC, pointer_mixture="grammar")


@pytest.fixture(scope="module")
def pointer_model(tokenizer):
    torch.manual_seed(0)
    return CrossAgentForActions(build_config(SPEC, tokenizer)).eval()


@pytest.fixture(scope="module")
def grammar_model(tokenizer):
    torch.manual_seed(0)
    return CrossAgentForActions(build_config(GRAMMAR_SPEC, tokenizer)).eval()


def _with_point(inputs, tokenizer, text: str = "<|point_start|>(523,87)"):
    """The prompts followed by the tokens of `text` (what an answer writes), and those tokens."""
    answer = torch.tensor([tokenizer.encode(text, add_special_tokens=False)] * 2)
    ids = torch.cat([inputs["input_ids"], answer], 1)
    mask = torch.cat([inputs["attention_mask"], torch.ones_like(answer)], 1)
    return dict(input_ids=ids, attention_mask=mask, pixel_values=inputs["pixel_values"]), answer


@pytest.fixture(scope="module")
def inputs(tokenizer):
    frames = list(np.random.default_rng(0).integers(0, 255, (2, 64, 64, 3), dtype=np.uint8))
    processor = build_processor(SPEC, tokenizer)
    return processor.prepare_act_inputs(frames, ["Point to the oak_log", "mine stone"], [[], []])


def test_the_output_is_a_log_distribution_and_survives_save_and_load(pointer_model, inputs, tmp_path):
    assert pointer_model.config.pointer_numeral_ids[500] >= 0
    with torch.no_grad():
        logits = pointer_model(**inputs).logits
    assert torch.allclose(logits.logsumexp(-1), torch.zeros(logits.shape[:2]), atol=1e-4)
    pointer_model.save_pretrained(tmp_path)
    loaded = CrossAgentForActions.from_pretrained(tmp_path, trust_remote_code=True).eval()
    assert (tmp_path / "pointer.py").exists()  # the head ships with the weights
    with torch.no_grad():
        assert torch.equal(loaded(**inputs).logits, logits)


@pytest.mark.parametrize("mixture", ["gate", "grammar"])
def test_decoding_with_a_cache_gives_the_log_probs_of_one_full_forward(
    mixture, pointer_model, grammar_model, inputs, tokenizer
):
    """The extra cache layer keeps the frame pointable (and, for `grammar`, the tokens before a point's x
    and y readable) while tokens are decoded one at a time."""
    model = grammar_model if mixture == "grammar" else pointer_model
    ids = inputs["input_ids"]
    full_inputs, answer = _with_point(inputs, tokenizer, "<|point_start|>(523,87")
    with torch.no_grad():
        full = model(**full_inputs)
        cache = DynamicCache()
        steps = [model(**inputs, past_key_values=cache, use_cache=True).logits[:, -1]]
        for k in range(answer.shape[1]):
            steps.append(
                model(
                    input_ids=answer[:, k : k + 1],
                    attention_mask=full_inputs["attention_mask"][:, : ids.shape[1] + k + 1],
                    position_ids=torch.full((2, 1), ids.shape[1] + k),  # as the full forward's arange
                    past_key_values=cache,
                    use_cache=True,
                ).logits[:, -1]
            )
    expected = full.logits[:, ids.shape[1] - 1 :]
    assert torch.allclose(torch.stack(steps, 1), expected, atol=1e-4)


def test_the_prefix_cached_decoder_writes_what_generate_writes(pointer_model, inputs, tokenizer):
    decoder = PrefixCachedDecoder(pointer_model, tokenizer, pointer_model.config.image_token_id)
    rows = decoder.generate(inputs["input_ids"], inputs["attention_mask"], inputs["pixel_values"], 6)
    with torch.no_grad():
        sequences = pointer_model.generate(**inputs, max_new_tokens=6, do_sample=False)
    new = sequences[:, inputs["input_ids"].shape[1] :].tolist()
    for row, expected in zip(rows, new):
        assert row == expected[: len(row)]


def _rigged_pointer(config, part: int) -> CrossAgentPointer:
    """Query and key read the first feature (shared by one image token and the last position), offsets are
    zero and the gate picks `part` (1: x, 2: y)."""
    pointer = CrossAgentPointer(config)
    width, dim = config.text_config.hidden_size, config.pointer_dim
    with torch.no_grad():
        pointer.query.weight.copy_(torch.eye(dim, width) * 30)
        pointer.key.weight.copy_(torch.eye(dim, width) * 30)
        pointer.offset.weight.zero_()
        pointer.offset.bias.zero_()
        pointer.gate.weight.zero_()
        pointer.gate.bias.fill_(-20.0)
        pointer.gate.bias[part] = 20.0
    return pointer


def test_a_pointer_that_attends_to_a_patch_writes_that_patchs_centre(pointer_model, inputs, tokenizer):
    numerals = {token: value for value, token in numeral_token_ids(tokenizer).items()}
    ids = inputs["input_ids"][:1]
    image_positions = torch.nonzero(ids[0] == pointer_model.config.image_token_id).flatten()
    patch = 6  # row 1, column 2 of the 4 x 4 grid
    centre = patch_centres(4)[patch]
    width = pointer_model.config.text_config.hidden_size
    hidden = torch.zeros(1, ids.shape[1], width)
    hidden[0, image_positions[patch], 0] = 1.0
    hidden[0, -1, 0] = 1.0
    lm_logits = torch.zeros(1, 1, len(tokenizer))
    for part, expected in ((1, centre[0]), (2, centre[1])):
        pointer = _rigged_pointer(pointer_model.config, part)
        with torch.no_grad():
            out = pointer(lm_logits, hidden, ids, slice(-1, None), None)
        assert numerals[int(out[0, -1].argmax())] == pytest.approx(float(expected), abs=1)


def test_positions_before_the_frame_keep_the_text_distribution(pointer_model, inputs):
    first_image = int(torch.nonzero(inputs["input_ids"][0] == pointer_model.config.image_token_id)[0])
    with torch.no_grad():
        out = pointer_model.model(**inputs)
        lm = pointer_model.lm_head(out.last_hidden_state).log_softmax(-1)
        mixed = pointer_model(**inputs).logits
    assert torch.allclose(mixed[0, :first_image], lm[0, :first_image], atol=1e-3)


def test_offsets_gate_and_kernel_width_learn_from_a_numeral_target(tokenizer, inputs):
    torch.manual_seed(0)
    model = CrossAgentForActions(build_config(SPEC, tokenizer))
    labels = torch.full_like(inputs["input_ids"], -100)
    labels[:, -1] = numeral_token_ids(tokenizer)[500]
    model(**inputs, labels=labels).loss.backward()
    pointer = model.pointer
    for parameter in (pointer.offset.weight, pointer.gate.weight, pointer.log_width, pointer.key.weight):
        assert parameter.grad is not None and float(parameter.grad.abs().sum()) > 0


def test_a_pointer_head_without_numeral_ids_is_refused(tokenizer):
    config = build_config(SPEC, tokenizer).to_dict()
    with pytest.raises(ValueError, match="pointer_numeral_ids"):
        type(build_config(SPEC, tokenizer))(**{**config, "pointer_numeral_ids": [1, 2, 3]})


def test_the_grammar_mixture_points_only_where_a_points_x_and_y_are_written(grammar_model, inputs, tokenizer):
    """Everywhere but the `(` and `,` of a point the output is the decoder's own; there the numerals are the
    pointer's distribution times the decoder's probability of any numeral."""
    full_inputs, _ = _with_point(inputs, tokenizer)
    numeral_ids = torch.tensor(list(numeral_token_ids(tokenizer).values()))
    with torch.no_grad():
        out = grammar_model(**full_inputs).logits
        lm = grammar_model.lm_head(grammar_model.model(**full_inputs).last_hidden_state).log_softmax(-1)
    assert torch.allclose(out.logsumexp(-1), torch.zeros(out.shape[:2]), atol=1e-4)
    start = inputs["input_ids"].shape[1]
    x_at, y_at = start + 1, start + 3  # the outputs at "(" and at ","
    pointed = torch.zeros(out.shape[1], dtype=torch.bool)
    pointed[[x_at, y_at]] = True
    assert torch.allclose(out[:, ~pointed], lm[:, ~pointed], atol=1e-4)
    for at in (x_at, y_at):
        assert torch.allclose(
            out[:, at, numeral_ids].logsumexp(-1), lm[:, at, numeral_ids].logsumexp(-1), atol=1e-4
        )
        assert not torch.allclose(out[:, at, numeral_ids], lm[:, at, numeral_ids], atol=1e-2)
    # x and y are different distributions of the same attention
    assert not torch.allclose(out[:, x_at, numeral_ids], out[:, y_at, numeral_ids], atol=1e-3)


def test_a_comma_outside_a_point_is_the_decoders_own(grammar_model, inputs, tokenizer):
    full_inputs, _ = _with_point(inputs, tokenizer, "<|raw|>move(12,-3)")
    with torch.no_grad():
        out = grammar_model(**full_inputs).logits
        lm = grammar_model.lm_head(grammar_model.model(**full_inputs).last_hidden_state).log_softmax(-1)
    assert torch.allclose(out, lm, atol=1e-4)


def test_the_grammar_mixture_trains_the_pointer_from_the_answers_loss(tokenizer, inputs):
    torch.manual_seed(0)
    model = CrossAgentForActions(build_config(GRAMMAR_SPEC, tokenizer))
    assert model.pointer.gate is None  # nothing to shut the pointer out, nor an unused weight
    full_inputs, answer = _with_point(inputs, tokenizer)
    labels = torch.full_like(full_inputs["input_ids"], -100)
    start = inputs["input_ids"].shape[1]
    labels[:, start + 2] = answer[:, 2]  # the x numeral
    labels[:, start + 4] = answer[:, 4]  # the y numeral
    model(**full_inputs, labels=labels).loss.backward()
    pointer = model.pointer
    for parameter in (pointer.offset.weight, pointer.log_width, pointer.key.weight, pointer.query.weight):
        assert parameter.grad is not None and float(parameter.grad.abs().sum()) > 0


def test_a_grammar_pointer_without_syntax_ids_is_refused(tokenizer):
    config = build_config(GRAMMAR_SPEC, tokenizer).to_dict()
    assert config["pointer_syntax_ids"][1:] == tokenizer.encode("(,", add_special_tokens=False)
    with pytest.raises(ValueError, match="pointer_syntax_ids"):
        type(build_config(SPEC, tokenizer))(**{**config, "pointer_syntax_ids": None})
