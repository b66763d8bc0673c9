"""TRL's fused LM head scores a pointer-head model through the model's own forward (crossagent/training/fused_head.py)."""

import dataclasses

import numpy as np
import torch
from trl.trainer.utils import add_fused_lm_head

from crossagent.models.presets import build_config, build_model, build_processor, numeral_token_ids
from crossagent.models.tokenizer import build_tokenizer
from crossagent.presets import get_preset
from crossagent.training.fused_head import route_fused_head_through_forward
from modeling_crossagent.modeling_crossagent import CrossAgentForActions


def _batch(tokenizer, processor):
    frames = list(np.random.default_rng(0).integers(0, 255, (2, 64, 64, 3), dtype=np.uint8))
    inputs = processor.prepare_act_inputs(frames, ["Point to the oak_log", "mine stone"], [[], []])
    labels = torch.full_like(inputs["input_ids"], -100)
    labels[:, -1] = numeral_token_ids(tokenizer)[500]
    return inputs, labels


def test_a_pointer_model_is_scored_through_its_forward_and_its_pointer_learns():
    tokenizer = build_tokenizer()
    spec = dataclasses.replace(get_preset("tiny").model, pointer_head=True)
    torch.manual_seed(0)
    model = CrossAgentForActions(build_config(spec, tokenizer))
    inputs, labels = _batch(tokenizer, build_processor(spec, tokenizer))
    own_loss = model(**inputs, labels=labels).loss
    add_fused_lm_head(model, outputs=("log_probs", "entropy", "is_top1"))  # what SFTTrainer does
    bypassed = model(**inputs, labels=labels, fused_lm_head=True)
    assert not torch.allclose(bypassed.loss, own_loss)  # TRL's head alone skips the pointer
    assert route_fused_head_through_forward(model)
    fused = model(**inputs, labels=labels, fused_lm_head=True)
    assert torch.allclose(fused.loss, own_loss, atol=1e-5)
    assert fused.label_mask.sum() == 2 and fused.entropy.shape == fused.log_probs.shape
    fused.loss.backward()
    assert float(model.pointer.gate.weight.grad.abs().sum()) > 0
    plain = model(**inputs, labels=labels)  # without the flag: the model's own forward, unchanged
    assert torch.allclose(plain.loss, own_loss)


def test_a_model_without_a_pointer_keeps_trls_kernel():
    model, _ = build_model("tiny")
    add_fused_lm_head(model)
    patched = model.forward
    assert not route_fused_head_through_forward(model)
    assert model.forward == patched
