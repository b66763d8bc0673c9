"""Wrap a pretrained Qwen2-VL into CrossAgentForActions (when its weights are at hand).

    from transformers import AutoProcessor, Qwen2VLForConditionalGeneration
    vlm = Qwen2VLForConditionalGeneration.from_pretrained("Qwen/Qwen2-VL-2B-Instruct")   # local copy
    tokenizer = AutoProcessor.from_pretrained("Qwen/Qwen2-VL-2B-Instruct").tokenizer
    model, processor = wrap_qwen2_vl(vlm, tokenizer, image_size=224)
    model.save_pretrained(out); processor.save_pretrained(out)        # loads with trust_remote_code=True

What carries over: the vision tower and its patch merger (as the vision tower; the projector is the
identity because the merger already outputs the decoder width), the decoder and the LM head, weight for
weight. What changes: the tokenizer gains the chat tokens of our prompt template and the action tokens
(embeddings resized, new rows mean-initialised), and image tokens get 1-D positions where Qwen2-VL uses
M-RoPE (text-only inputs are position-for-position identical). The wrapped model has never seen the
CrossAgent prompt, so it needs the cold-start SFT before it acts sensibly.
"""

from __future__ import annotations

import logging

import torch
from transformers import PreTrainedModel
from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

from modeling_crossagent.action_spaces import ACTION_SPACES, SPACE_TOKENS, add_action_tokens
from modeling_crossagent.configuration_crossagent import CrossAgentConfig
from modeling_crossagent.modeling_crossagent import CrossAgentForActions
from modeling_crossagent.processing_crossagent import CHAT_TOKENS, CrossAgentProcessor

logger = logging.getLogger(__name__)

# Qwen2-VL's own image normalisation (OpenAI CLIP statistics).
QWEN2_VL_IMAGE_MEAN = (0.48145466, 0.4578275, 0.40821073)
QWEN2_VL_IMAGE_STD = (0.26862954, 0.26130258, 0.27577711)


def qwen2_vl_key(key: str) -> str:
    """A Qwen2VLForConditionalGeneration state-dict key -> the CrossAgentForActions key."""
    return key.replace("model.visual.", "model.vision_tower.", 1)


def wrap_qwen2_vl(
    vlm: PreTrainedModel, tokenizer, image_size: int = 224, history_length: int = 4
) -> tuple[CrossAgentForActions, CrossAgentProcessor]:
    """A CrossAgentForActions with the weights of `vlm` (a Qwen2VLForConditionalGeneration) and its processor.

    tokenizer: the VLM's tokenizer; it is extended in place with the chat and action tokens.
    image_size: the square frame side; a multiple of patch_size * spatial_merge_size (28 for Qwen2-VL).
    """
    if vlm.config.model_type != "qwen2_vl":
        raise ValueError(
            f"wrap_qwen2_vl needs a Qwen2-VL model (model_type 'qwen2_vl'), got {vlm.config.model_type!r}."
        )
    vision = vlm.config.vision_config
    cell = vision.patch_size * vision.spatial_merge_size
    if image_size % cell:
        raise ValueError(
            f"image_size={image_size} must be a multiple of patch_size * spatial_merge_size = {cell}."
        )

    tokenizer.add_special_tokens(
        {"additional_special_tokens": list(CHAT_TOKENS)}, replace_extra_special_tokens=False
    )
    add_action_tokens(tokenizer)
    tokenizer.pad_token, tokenizer.eos_token, tokenizer.padding_side = "<|pad|>", "<|end|>", "left"
    tokenizer.image_token = "<|image|>"

    text_config = vlm.config.text_config
    config = CrossAgentConfig(
        vision_config=vision.to_dict(),
        text_config={**text_config.to_dict(), "vocab_size": max(text_config.vocab_size, len(tokenizer))},
        projector_type="identity",
        image_token_id=tokenizer.convert_tokens_to_ids("<|image|>"),
        image_seq_length=(image_size // cell) ** 2,
        action_token_ids={s: tokenizer.convert_tokens_to_ids(SPACE_TOKENS[s]) for s in ACTION_SPACES},
        tie_word_embeddings=bool(getattr(vlm.config, "tie_word_embeddings", False)),
    )
    model = CrossAgentForActions(config)

    weights = {qwen2_vl_key(k): v for k, v in vlm.state_dict().items()}
    vocab = config.text_config.vocab_size
    for name in ("model.language_model.embed_tokens.weight", "lm_head.weight"):
        old = weights[name]
        if old.shape[0] < vocab:  # new token rows: the mean of the old ones (as mean_resizing does)
            weights[name] = torch.cat([old, old.mean(0, keepdim=True).expand(vocab - old.shape[0], -1)])
    result = model.load_state_dict(weights, strict=False)
    missing = [k for k in result.missing_keys if not (config.tie_word_embeddings and k == "lm_head.weight")]
    if missing or result.unexpected_keys:
        raise ValueError(
            f"wrap_qwen2_vl: weights did not map; missing {missing}, unexpected {result.unexpected_keys}."
        )
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    logger.info("wrapped a Qwen2-VL with %d parameters", sum(p.numel() for p in model.parameters()))

    image_processor = SiglipImageProcessorPil(
        size={"height": image_size, "width": image_size},
        image_mean=list(QWEN2_VL_IMAGE_MEAN),
        image_std=list(QWEN2_VL_IMAGE_STD),
    )
    processor = CrossAgentProcessor(
        image_processor, tokenizer, image_seq_length=config.image_seq_length, history_length=history_length
    )
    return model, processor
