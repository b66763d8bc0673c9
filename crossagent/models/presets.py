"""Model presets: `tiny` (2.6M parameters, trains on a CPU) and `small` (90M, one GPU).

model, processor = build_model("tiny")        # tokenizer built from the project corpus
model.save_pretrained(path); processor.save_pretrained(path)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from transformers import PreTrainedTokenizerFast
from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

from crossagent.models.tokenizer import build_tokenizer
from modeling_crossagent.action_spaces import ACTION_SPACES, SPACE_TOKENS
from modeling_crossagent.configuration_crossagent import CrossAgentConfig
from modeling_crossagent.modeling_crossagent import CrossAgentForActions
from modeling_crossagent.processing_crossagent import CrossAgentProcessor


@dataclass(frozen=True)
class Preset:
    """Sizes of one CrossAgent model (SigLIP vision tower + Llama decoder)."""

    image_size: int
    """Side of the square frame the vision tower sees (MineSim frames are resized to it)."""
    patch_size: int
    """Vision patch side; image tokens per frame = (image_size // patch_size) ** 2."""
    vision: dict = field(default_factory=dict)
    """SiglipVisionConfig fields (width, depth, heads)."""
    text: dict = field(default_factory=dict)
    """LlamaConfig fields (width, depth, heads)."""
    history_length: int = 4
    """Previous actions shown in the prompt."""


PRESETS: dict[str, Preset] = {
    "tiny": Preset(
        image_size=64,
        patch_size=16,
        vision=dict(hidden_size=96, intermediate_size=192, num_hidden_layers=2, num_attention_heads=2),
        text=dict(
            hidden_size=192,
            intermediate_size=512,
            num_hidden_layers=4,
            num_attention_heads=4,
            num_key_value_heads=2,
        ),
    ),
    "small": Preset(
        image_size=128,
        patch_size=16,
        vision=dict(hidden_size=384, intermediate_size=1536, num_hidden_layers=6, num_attention_heads=6),
        text=dict(
            hidden_size=768,
            intermediate_size=2048,
            num_hidden_layers=12,
            num_attention_heads=12,
            num_key_value_heads=4,
        ),
    ),
}
"""Measured sizes are in the README, section "The model" (benchmarks/act_speed.py prints them)."""


def build_config(preset: Preset, tokenizer: PreTrainedTokenizerFast) -> CrossAgentConfig:
    """Config of a preset for a tokenizer: vocabulary, image token and action-space token ids."""
    vision = dict(
        model_type="siglip_vision_model",
        image_size=preset.image_size,
        patch_size=preset.patch_size,
        vision_use_head=False,
        **preset.vision,
    )
    text = dict(
        model_type="llama",
        vocab_size=len(tokenizer),
        max_position_embeddings=2048,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
        **preset.text,
    )
    return CrossAgentConfig(
        vision_config=vision,
        text_config=text,
        image_token_id=tokenizer.convert_tokens_to_ids(tokenizer.image_token),
        image_seq_length=(preset.image_size // preset.patch_size) ** 2,
        action_token_ids={s: tokenizer.convert_tokens_to_ids(SPACE_TOKENS[s]) for s in ACTION_SPACES},
    )


def build_processor(preset: Preset, tokenizer: PreTrainedTokenizerFast) -> CrossAgentProcessor:
    image_processor = SiglipImageProcessorPil(
        size={"height": preset.image_size, "width": preset.image_size},
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
    )
    return CrossAgentProcessor(
        image_processor,
        tokenizer,
        image_seq_length=(preset.image_size // preset.patch_size) ** 2,
        history_length=preset.history_length,
    )


def build_model(
    preset: str = "tiny", tokenizer: PreTrainedTokenizerFast | None = None, seed: int = 0
) -> tuple[CrossAgentForActions, CrossAgentProcessor]:
    """A randomly initialised model of a preset and its processor (tokenizer built offline if not given)."""
    if preset not in PRESETS:
        raise ValueError(f"Unknown preset {preset!r}; choose one of {sorted(PRESETS)}.")
    tokenizer = tokenizer if tokenizer is not None else build_tokenizer()
    spec = PRESETS[preset]
    torch.manual_seed(seed)
    model = CrossAgentForActions(build_config(spec, tokenizer))
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model, build_processor(spec, tokenizer)
