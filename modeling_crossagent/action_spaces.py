"""The action grammar of CrossAgent: five action spaces, their tokens, format and parse.

Ships inside every saved model (see the package docstring): imports nothing of ours.

Every action is one text span that starts with its space token:

    <|raw|>move(12,-3) and press(w,space) and click(left)
    <|motion|>move forward, jump
    <|grounding|>Mine <|object_ref_start|>oak_log<|object_ref_end|><|point_start|>(412,530)<|point_end|>
    <|skill|>mine oak_log
    <|latent|><|latent_17|>
"""

from __future__ import annotations

ACTION_SPACES: tuple[str, ...] = ("raw", "motion", "grounding", "skill", "latent")
"""The five action spaces, from lowest to highest level (latent is learned, not ranked)."""

SPACE_TOKENS: dict[str, str] = {space: f"<|{space}|>" for space in ACTION_SPACES}
"""The token that opens an action of each space."""

OBJECT_REF_START, OBJECT_REF_END = "<|object_ref_start|>", "<|object_ref_end|>"
POINT_START, POINT_END = "<|point_start|>", "<|point_end|>"
GROUNDING_TOKENS: tuple[str, ...] = (OBJECT_REF_START, OBJECT_REF_END, POINT_START, POINT_END)

NUM_LATENT_CODES = 64
"""Default size of the latent codebook; one token `<|latent_k|>` per code."""


def latent_token(index: int) -> str:
    return f"<|latent_{index}|>"


def special_tokens(num_latent_codes: int = NUM_LATENT_CODES) -> list[str]:
    """All action-space special tokens, in a fixed order (space tokens first)."""
    tokens = [SPACE_TOKENS[space] for space in ACTION_SPACES]
    tokens += list(GROUNDING_TOKENS)
    tokens += [latent_token(i) for i in range(num_latent_codes)]
    return tokens


def add_action_tokens(tokenizer, num_latent_codes: int = NUM_LATENT_CODES) -> int:
    """Add the action-space special tokens to any HF tokenizer; returns how many were new.

    Resize the model's embeddings afterwards (`model.resize_token_embeddings(len(tokenizer))`).
    """
    return tokenizer.add_special_tokens(
        {"additional_special_tokens": special_tokens(num_latent_codes)},
        replace_extra_special_tokens=False,
    )
