"""Build a model of a preset (`tiny`: 2.6M parameters, trains on a CPU; `small`: 90M, one GPU).

The sizes are in the one preset table, `crossagent.presets`.

model, processor = build_model("tiny")        # tokenizer built from the project corpus
model.save_pretrained(path); processor.save_pretrained(path)
"""

from __future__ import annotations

import dataclasses

import torch
from transformers import PreTrainedTokenizerFast
from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

from crossagent.models.tokenizer import build_tokenizer
from crossagent.presets import ModelSize, get_preset
from modeling_crossagent.action_spaces import ACTION_SPACES, POINT_MAX, POINT_START, SPACE_TOKENS
from modeling_crossagent.configuration_crossagent import CrossAgentConfig
from modeling_crossagent.modeling_crossagent import CrossAgentForActions
from modeling_crossagent.point_code import point_code
from modeling_crossagent.processing_crossagent import CrossAgentProcessor


def build_config(preset: ModelSize, tokenizer: PreTrainedTokenizerFast) -> CrossAgentConfig:
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
    numerals = numeral_token_ids(tokenizer)
    return CrossAgentConfig(
        image_position_embedding=preset.image_position_embedding,
        pointer_head=preset.pointer_head,
        pointer_numeral_ids=[numerals.get(n, -1) for n in range(POINT_MAX + 1)]
        if preset.pointer_head
        else None,
        pointer_mixture=preset.pointer_mixture,
        pointer_syntax_ids=point_syntax_ids(tokenizer) if preset.pointer_head else None,
        vision_config=vision,
        text_config=text,
        image_token_id=tokenizer.convert_tokens_to_ids(tokenizer.image_token),
        image_seq_length=(preset.image_size // preset.patch_size) ** 2,
        action_token_ids={s: tokenizer.convert_tokens_to_ids(SPACE_TOKENS[s]) for s in ACTION_SPACES},
    )


def build_processor(preset: ModelSize, tokenizer: PreTrainedTokenizerFast) -> CrossAgentProcessor:
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
    preset: str = "tiny",
    tokenizer: PreTrainedTokenizerFast | None = None,
    seed: int = 0,
    switches: dict | None = None,
) -> tuple[CrossAgentForActions, CrossAgentProcessor]:
    """A randomly initialised model of a preset and its processor (tokenizer built offline if not given).

    switches: `ModelSize` fields to replace (e.g. `{"pointer_head": True}`), for variants of a preset.
    """
    spec = get_preset(preset).model
    if switches:
        unknown = sorted(set(switches) - {f.name for f in dataclasses.fields(spec)})
        if unknown:
            raise ValueError(
                f"build_model: unknown ModelSize switch(es) {unknown}; see crossagent.presets.ModelSize."
            )
        spec = dataclasses.replace(spec, **switches)
    tokenizer = tokenizer if tokenizer is not None else build_tokenizer()
    torch.manual_seed(seed)
    model = CrossAgentForActions(build_config(spec, tokenizer))
    if spec.numeral_code_init:
        init_numeral_embeddings(model, tokenizer)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model, build_processor(spec, tokenizer)


def point_syntax_ids(tokenizer: PreTrainedTokenizerFast) -> list[int]:
    """The ids of `<|point_start|>`, `(` and `,`: the tokens before a point's x and y (the pointer's cue)."""
    ids = [tokenizer.convert_tokens_to_ids(POINT_START)]
    for text in ("(", ","):
        encoded = tokenizer.encode(text, add_special_tokens=False)
        if len(encoded) != 1:
            raise ValueError(
                f"the tokenizer writes {text!r} as {len(encoded)} tokens; the pointer needs one."
            )
        ids.append(encoded[0])
    return ids


def numeral_token_ids(tokenizer: PreTrainedTokenizerFast) -> dict[int, int]:
    """Value -> token id of every numeral 0..POINT_MAX the tokenizer holds as one token."""
    vocab = tokenizer.get_vocab()
    return {n: vocab[str(n)] for n in range(POINT_MAX + 1) if str(n) in vocab}


@torch.no_grad()
def init_numeral_embeddings(model: CrossAgentForActions, tokenizer: PreTrainedTokenizerFast) -> None:
    """Write `point_code(n)` into the image code's x and y features of each numeral n's embedding.

    With `image_position_embedding="sincos2d"` an image token at x carries the same code, and the LM head is
    tied, so an answer that copies the attended token's code starts out favouring the numerals near x. The
    code is scaled to the embeddings' initial spread; the other features stay random, so numerals remain
    distinguishable. Without this, the 1,001 numerals start as unrelated symbols.
    """
    numerals = numeral_token_ids(tokenizer)
    dim = model.config.point_code_dim
    embeddings = model.get_input_embeddings().weight
    scale = model.config.text_config.initializer_range * 2**0.5  # sin/cos have RMS 1/sqrt(2)
    code = scale * point_code(torch.tensor(list(numerals), dtype=torch.float32), dim)
    ids = torch.tensor(list(numerals.values()))
    embeddings[ids, :dim] = code.to(embeddings.dtype)
    embeddings[ids, dim : 2 * dim] = code.to(embeddings.dtype)
