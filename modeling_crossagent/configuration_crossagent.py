"""Configuration of CrossAgentForActions: a vision tower, a projector and a causal text decoder.

Ships inside every saved model (see the package docstring): imports only transformers and siblings.

The towers are transformers' own models chosen by sub-config `model_type` (e.g. `siglip_vision_model` +
`llama`, or `qwen2_vl_vision` + `qwen2_vl_text` when wrapping a pretrained Qwen2-VL), so a checkpoint of
this class loads with nothing of the CrossAgent project installed.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from huggingface_hub.dataclasses import strict
from transformers import AutoConfig, PreTrainedConfig
from transformers.configuration_utils import SubConfigSpec

from .action_spaces import ACTION_SPACES, POINT_MAX


@strict
class CrossAgentConfig(PreTrainedConfig):
    """CrossAgentForActions configuration (transformers 5 dataclass style); one docstring per field."""

    model_type = "crossagent"
    sub_configs_defaults: ClassVar[dict] = {
        # Small defaults, so a bare `CrossAgentConfig()` builds a CPU-sized model (presets set real sizes).
        "vision_config": SubConfigSpec(
            config_class=AutoConfig,
            model_type="siglip_vision_model",
            init_kwargs={
                "hidden_size": 64,
                "intermediate_size": 128,
                "num_hidden_layers": 2,
                "num_attention_heads": 2,
                "image_size": 64,
                "patch_size": 16,
                "vision_use_head": False,
            },
        ),
        "text_config": SubConfigSpec(
            config_class=AutoConfig,
            model_type="llama",
            init_kwargs={
                "vocab_size": 4096,
                "hidden_size": 128,
                "intermediate_size": 384,
                "num_hidden_layers": 4,
                "num_attention_heads": 4,
                "num_key_value_heads": 2,
                "max_position_embeddings": 1024,
            },
        ),
    }

    vision_config: dict | PreTrainedConfig | None = None
    """Config of the vision tower (any transformers vision model, or `qwen2_vl_vision`)."""
    text_config: dict | PreTrainedConfig | None = None
    """Config of the causal text decoder (any transformers decoder returning `last_hidden_state`)."""
    image_token_id: int = 3
    """Id of the image placeholder token; each frame is spliced over `image_seq_length` of them."""
    image_seq_length: int = 16
    """Number of image tokens (projected vision features) per frame."""
    action_token_ids: dict | None = None
    """Action-space name -> id of the token that opens an action of that space (`<|raw|>`, ...)."""
    projector_type: Literal["mlp", "identity"] = "mlp"
    """`mlp`: Linear-GELU-Linear from vision to text width; `identity` when the tower already projects
    (Qwen2-VL's patch merger outputs the text width)."""
    projector_hidden_act: str = "gelu"
    """Activation between the two projector layers."""
    vision_feature_layer: int = -1
    """Which hidden state of the vision tower feeds the projector (-1: the last, after its norm)."""
    image_position_embedding: Literal["none", "sincos2d"] = "none"
    """`sincos2d`: add to each projected image token the sin-cos code (`point_code`) of its patch centre's
    x and y in the grounding frame's [0, 1000] (x in the first `point_code_dim` features, y in the next), a
    2-D position signal the 1-D RoPE decoder lacks; `none`: the vision tower's own position embeddings only."""
    point_code_dim: int = 32
    """Features per axis of the `sincos2d` code (even; 2 * point_code_dim <= the text width)."""
    pointer_head: bool = False
    """Write coordinate numerals by pointing at image tokens (`CrossAgentPointer`, pointer.py), as
    `pointer_mixture` says."""
    pointer_mixture: Literal["gate", "grammar"] = "gate"
    """How the pointer's x and y distributions enter the output. `gate`: a learned 3-way gate mixes them
    with the decoder's text distribution at every position after the frame. `grammar`: the numeral right
    after `<|point_start|>(` is the pointer's x and the one after that point's `,` its y, each times the
    decoder's own probability of writing a numeral there; every other token and position is the decoder's.
    (Pretrained with `gate`, the gate shut the pointer out; `grammar` leaves it no way around.)"""
    pointer_syntax_ids: list | None = None
    """With `pointer_mixture="grammar"`: the token ids of `<|point_start|>`, `(` and `,`, in that order."""
    pointer_numeral_ids: list | None = None
    """With `pointer_head`: the token id of each numeral 0..1000 at its value's index (-1 where the
    numeral is not one token)."""
    pointer_dim: int = 64
    """Width of the pointer head's queries and keys."""
    tie_word_embeddings: bool = True
    """Share the output head with the input embeddings (halves the embedding parameters of small models)."""

    def __post_init__(self, **kwargs):
        super().__post_init__(**kwargs)
        if self.action_token_ids is not None:
            unknown = sorted(set(self.action_token_ids) - set(ACTION_SPACES))
            if unknown:
                raise ValueError(
                    f"CrossAgentConfig.action_token_ids has unknown action spaces {unknown}; "
                    f"use names from {list(ACTION_SPACES)}."
                )
        if self.point_code_dim < 2 or self.point_code_dim % 2:
            raise ValueError(
                f"CrossAgentConfig.point_code_dim={self.point_code_dim} must be an even number >= 2."
            )
        width = self.text_config.hidden_size
        if self.image_position_embedding == "sincos2d" and 2 * self.point_code_dim > width:
            raise ValueError(
                f"CrossAgentConfig.point_code_dim={self.point_code_dim}: the sincos2d code needs 2 * "
                f"point_code_dim <= text_config.hidden_size ({width}); lower point_code_dim."
            )
        vocab_size = self.text_config.vocab_size
        if self.pointer_head:
            ids = self.pointer_numeral_ids
            if ids is None or len(ids) != POINT_MAX + 1 or any(not -1 <= int(i) < vocab_size for i in ids):
                raise ValueError(
                    f"CrossAgentConfig.pointer_head needs pointer_numeral_ids: {POINT_MAX + 1} token ids, one "
                    f"per numeral 0..{POINT_MAX} (-1 where a numeral is not one token), each inside the text "
                    "vocabulary; build the config with crossagent.models.presets.build_config."
                )
            if self.pointer_mixture not in ("gate", "grammar"):
                raise ValueError(
                    f"CrossAgentConfig.pointer_mixture={self.pointer_mixture!r}: use 'gate' or 'grammar'."
                )
            syntax = self.pointer_syntax_ids
            if self.pointer_mixture == "grammar" and (
                syntax is None or len(syntax) != 3 or any(not 0 <= int(i) < vocab_size for i in syntax)
            ):
                raise ValueError(
                    "CrossAgentConfig.pointer_mixture='grammar' needs pointer_syntax_ids: the token ids of "
                    "<|point_start|>, '(' and ',' inside the text vocabulary; build the config with "
                    "crossagent.models.presets.build_config."
                )
        for name, token_id in {
            "image_token_id": self.image_token_id,
            **(self.action_token_ids or {}),
        }.items():
            if not 0 <= int(token_id) < vocab_size:
                raise ValueError(
                    f"CrossAgentConfig: token id {name}={token_id} is outside the text vocabulary "
                    f"(text_config.vocab_size={vocab_size}); resize the embeddings or fix the id."
                )


__all__ = ["CrossAgentConfig"]
