"""CrossAgentForActions: splicing, generation with and without cache, training hooks, resizing, bad input."""

import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file
from transformers import LogitsProcessor

from modeling_crossagent.action_spaces import ActionParseError, RawAction, SkillAction
from modeling_crossagent.configuration_crossagent import CrossAgentConfig
from modeling_crossagent.modeling_crossagent import CrossAgentForActions
from modeling_crossagent.processing_crossagent import CrossAgentProcessor, InvalidOutput

INSTRUCTIONS = ["mine oak_log", "kill zombie", "craft crafting_table"]
HISTORIES = [["<|motion|>move forward", "<|raw|>move(3,-2)", "<|skill|>mine oak_log"], [], ["<|raw|>no_op"]]


def frames(n=3, seed=0, size=64):
    return np.random.default_rng(seed).integers(0, 256, (n, size, size, 3), dtype=np.uint8)


def test_text_only_and_image_inputs(tiny):
    model, processor = tiny
    inputs = processor.prepare_act_inputs(frames(), INSTRUCTIONS, HISTORIES)
    text_only = processor.tokenizer(["mine oak_log", "jump"], padding=True, return_tensors="pt")
    with torch.no_grad():
        assert model(**text_only).logits.shape[:2] == text_only["input_ids"].shape
        kwargs = dict(max_new_tokens=5, min_new_tokens=5, do_sample=False)
        assert torch.equal(
            model.generate(**text_only, **kwargs), model.generate(**text_only, use_cache=False, **kwargs)
        )
        base = model(**inputs).logits
        other = model(
            **{
                **inputs,
                "pixel_values": processor.image_processor(list(frames(seed=1)), return_tensors="pt")[
                    "pixel_values"
                ],
            }
        )
    assert base.shape == (*inputs["input_ids"].shape, model.config.text_config.vocab_size)
    assert not torch.allclose(base[:, -1], other.logits[:, -1])  # the frame reaches the decoder
    assert (inputs["input_ids"] == model.config.image_token_id).sum(1).tolist() == [
        model.config.image_seq_length
    ] * 3


def test_image_token_count_mismatch_is_a_clear_error(tiny):
    model, processor = tiny
    inputs = processor.prepare_act_inputs(frames(), INSTRUCTIONS, HISTORIES)
    ids = inputs["input_ids"].clone()
    first_image_token = (ids[0] == model.config.image_token_id).nonzero()[0]
    ids[0, first_image_token] = processor.tokenizer.eos_token_id
    with pytest.raises(ValueError, match="47 image tokens"):
        model(input_ids=ids, pixel_values=inputs["pixel_values"])


def test_backbone_returns_last_hidden_state_and_head_is_tied(tiny):
    model, processor = tiny
    inputs = processor.prepare_act_inputs(frames(), INSTRUCTIONS, HISTORIES)
    with torch.no_grad():
        hidden = model.base_model(**inputs).last_hidden_state
        logits = model(**inputs).logits
    torch.testing.assert_close(model.get_output_embeddings()(hidden), logits)
    assert model.get_output_embeddings().weight is model.get_input_embeddings().weight
    assert model.supports_gradient_checkpointing


def test_generate_with_cache_equals_without_cache_left_padded(tiny):
    model, processor = tiny
    inputs = processor.prepare_act_inputs(frames(), INSTRUCTIONS, HISTORIES)
    assert (inputs["attention_mask"][:, 0] == 0).any()  # the batch really is left padded
    kwargs = dict(max_new_tokens=12, min_new_tokens=12, do_sample=False)
    cached = model.generate(**inputs, use_cache=True, **kwargs)
    uncached = model.generate(**inputs, use_cache=False, **kwargs)
    assert torch.equal(cached, uncached)
    for i in range(3):  # batching with left padding changes nothing
        one = processor.prepare_act_inputs(frames()[i : i + 1], INSTRUCTIONS[i : i + 1], HISTORIES[i : i + 1])
        alone = model.generate(**one, use_cache=True, **kwargs)
        assert torch.equal(alone[0, -12:], cached[i, -12:])


class BoostToken(LogitsProcessor):
    def __init__(self, token_id):
        self.token_id = token_id

    def __call__(self, input_ids, scores):
        scores[:, self.token_id] += 1e4
        return scores


def test_image_token_is_never_generated(tiny):
    model, processor = tiny
    image_id = model.config.image_token_id
    inputs = processor.prepare_act_inputs(frames(), INSTRUCTIONS, HISTORIES)
    boosted = BoostToken(image_id)
    out = model.generate(
        **inputs, max_new_tokens=4, do_sample=False, logits_processor=[boosted], use_cache=False
    )
    assert image_id not in out[:, inputs["input_ids"].shape[1] :].tolist()
    boosted_other = BoostToken(model.config.action_token_ids["skill"])  # the boost itself works
    out = model.generate(**inputs, max_new_tokens=1, do_sample=False, logits_processor=[boosted_other])
    assert out[:, -1].tolist() == [model.config.action_token_ids["skill"]] * 3


def test_gradient_checkpointing_trains_every_part(tiny):
    model, processor = tiny
    model.train()
    model.activation_checkpointing_enable()
    assert (
        model.model.language_model.gradient_checkpointing
        and model.model.vision_tower.is_activation_checkpointing
    )
    inputs = processor.prepare_act_inputs(frames(), INSTRUCTIONS, HISTORIES)
    labels = inputs["input_ids"].masked_fill(inputs["attention_mask"] == 0, -100)
    loss = model(**inputs, labels=labels).loss
    loss.backward()
    assert torch.isfinite(loss)
    for part in (model.model.vision_tower, model.model.projector, model.model.language_model):
        assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in part.parameters())


def test_resize_after_adding_tokens_then_save_and_load(tiny, tmp_path):
    model, processor = tiny
    old = model.config.text_config.vocab_size
    processor.tokenizer.add_tokens(["<|new_action|>"], special_tokens=True)
    model.resize_token_embeddings(len(processor.tokenizer), pad_to_multiple_of=64)
    new = model.config.text_config.vocab_size
    assert new % 64 == 0 and new >= old + 1 and model.lm_head.weight.shape[0] == new
    assert model.get_output_embeddings().weight is model.get_input_embeddings().weight
    new_id = processor.tokenizer.convert_tokens_to_ids("<|new_action|>")
    inputs = processor.prepare_act_inputs(frames(), INSTRUCTIONS, [[*h, "<|new_action|>"] for h in HISTORIES])
    assert (inputs["input_ids"] == new_id).sum() == 3
    model.save_pretrained(tmp_path)
    processor.save_pretrained(tmp_path)
    loaded = CrossAgentForActions.from_pretrained(tmp_path).eval()
    with torch.no_grad():
        torch.testing.assert_close(loaded(**inputs).logits, model(**inputs).logits)


def test_bad_inputs_are_value_errors_naming_the_field(tiny):
    model, processor = tiny
    good = frames(1)
    cases = [
        (np.zeros((64, 64), np.uint8), "shape"),
        (np.zeros((3, 64, 64), np.uint8), "shape"),
        (np.zeros((64, 64, 3), np.float32), "uint8"),
        (torch.zeros((64, 64, 3), dtype=torch.int64), "uint8"),
        ([[0, 1, 2]], "numpy array or torch tensor"),
    ]
    for frame, message in cases:
        with pytest.raises(ValueError, match=message):
            model.act(processor, [frame], ["mine oak_log"])
    with pytest.raises(ValueError, match="instruction must be a string"):
        model.act(processor, good, [42])
    with pytest.raises(ValueError, match="list of strings"):
        model.act(processor, good, "mine oak_log")
    with pytest.raises(ValueError, match=r"Unknown action space\(s\) \['teleport'\]"):
        model.act(processor, good, ["mine oak_log"], spaces=["raw", "teleport"])
    with pytest.raises(ValueError, match="history must be a list of action texts"):
        model.act(processor, good, ["mine oak_log"], ["<|motion|>jump"])
    with pytest.raises(ValueError, match="instructions is empty"):
        model.act(processor, good[:0], [])
    with pytest.raises(ValueError, match="same length"):
        model.act(processor, frames(2), ["mine oak_log"])


def test_loading_incomplete_or_mismatched_folders_says_what_is_wrong(tiny, tmp_path):
    model, _ = tiny
    model.save_pretrained(tmp_path)
    weights = load_file(tmp_path / "model.safetensors")
    save_file({k: v for k, v in weights.items() if "projector" not in k}, tmp_path / "model.safetensors")
    with pytest.raises(ValueError, match=r"lacks 4 weight\(s\).*model\.projector\.linear_1\.bias"):
        CrossAgentForActions.from_pretrained(tmp_path)
    (tmp_path / "model.safetensors").unlink()
    with pytest.raises(OSError, match=r"no file named model\.safetensors"):
        CrossAgentForActions.from_pretrained(tmp_path)
    save_file(weights, tmp_path / "model.safetensors")
    config = json.loads((tmp_path / "config.json").read_text())
    config["text_config"]["intermediate_size"] = 64
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(RuntimeError, match="ignore_mismatched_sizes"):
        CrossAgentForActions.from_pretrained(tmp_path)


def test_act_parses_outputs_and_marks_invalid_ones(tiny):
    model, processor = tiny
    spaces = ["raw", "skill"]
    actions = model.act(processor, frames(), INSTRUCTIONS, HISTORIES, spaces=spaces, max_new_tokens=6)
    assert len(actions) == 3
    for action in actions:  # an untrained model writes junk: it must come back as InvalidOutput, not raise
        assert isinstance(action, InvalidOutput | RawAction | SkillAction)
        if isinstance(action, InvalidOutput):
            assert isinstance(action.error, ActionParseError) and action.error.args[0]
    alone = [
        model.act(processor, frames()[i : i + 1], INSTRUCTIONS[i : i + 1], HISTORIES[i : i + 1], spaces=spaces,
                  max_new_tokens=6)[0]
        for i in range(3)
    ]  # fmt: skip
    assert actions == alone


def test_parse_actions_accepts_only_the_allowed_spaces(tiny):
    _, processor = tiny
    texts = ["<|skill|>mine oak_log", "<|motion|>jump", "Action: move(3,-2)", "junk"]
    parsed = processor.parse_actions(texts, spaces=["skill", "raw"])
    assert parsed[0] == SkillAction("mine", "oak_log")
    assert isinstance(parsed[1], InvalidOutput) and "motion" in str(parsed[1].error)
    assert parsed[2] == RawAction(dx=3, dy=-2)
    assert isinstance(parsed[3], InvalidOutput)


def test_constrained_act_always_parses_in_the_allowed_spaces(tiny):
    model, processor = tiny
    for spaces in (["grounding", "skill"], ["raw"]):
        actions = model.act(processor, frames(), INSTRUCTIONS, HISTORIES, spaces=spaces, constrained=True)
        assert all(not isinstance(a, InvalidOutput) and a.space in spaces for a in actions), actions


def test_torch_and_numpy_frames_give_the_same_inputs(tiny):
    _, processor = tiny
    as_numpy = processor.prepare_act_inputs(frames(), INSTRUCTIONS, HISTORIES)
    as_torch = processor.prepare_act_inputs(torch.from_numpy(frames()), INSTRUCTIONS, HISTORIES)
    as_list = processor.prepare_act_inputs([torch.from_numpy(f) for f in frames()], INSTRUCTIONS, HISTORIES)
    for other in (as_torch, as_list):
        assert other.keys() == as_numpy.keys()
        assert all(torch.equal(other[k], as_numpy[k]) for k in as_numpy)
    small = processor.prepare_act_inputs(
        frames(size=32), INSTRUCTIONS, HISTORIES
    )  # resized to the tower's 64
    assert small["pixel_values"].shape == as_numpy["pixel_values"].shape == (3, 3, 64, 64)


def test_config_rejects_token_ids_outside_the_vocabulary_and_unknown_spaces(tiny):
    model, _ = tiny
    text = model.config.text_config.to_dict()
    with pytest.raises(ValueError, match="image_token_id=99999 is outside the text vocabulary"):
        CrossAgentConfig(text_config=text, image_token_id=99999)
    with pytest.raises(ValueError, match=r"unknown action spaces \['teleport'\]"):
        CrossAgentConfig(text_config=text, action_token_ids={"teleport": 7})


def test_processor_needs_the_image_token(tiny):
    _, processor = tiny
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    bare = PreTrainedTokenizerFast(tokenizer_object=Tokenizer(models.BPE()))
    with pytest.raises(ValueError, match="no image token"):
        CrossAgentProcessor(processor.image_processor, bare)
