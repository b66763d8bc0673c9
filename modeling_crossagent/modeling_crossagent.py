"""CrossAgentForActions: a LLaVA-style vision-language-action model built from transformers' own towers.

Ships inside every saved model (see the package docstring): imports only torch, transformers and siblings.

Layout (the LLaVA / Qwen-VL one, so attention implementation, gradient checkpointing and TRL's
`model.base_model(...).last_hidden_state` all work unchanged):

    CrossAgentForActions
      model: CrossAgentModel            the backbone (base_model_prefix = "model")
        vision_tower: PreTrainedModel   chosen by config.vision_config (SigLIP, Qwen2-VL vision, ...)
        projector: CrossAgentProjector  vision width -> text width
        language_model: PreTrainedModel chosen by config.text_config (Llama, Qwen2, Qwen2-VL text, ...)
      lm_head: Linear                   tied to the input embeddings when config.tie_word_embeddings
      pointer: CrossAgentPointer        only with config.pointer_head: numerals copied from image tokens

Each frame becomes `config.image_seq_length` vectors spliced over as many image tokens of the prompt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn
from transformers import AutoModel, GenerationMixin, PreTrainedModel
from transformers import initialization as init
from transformers.activations import ACT2FN
from transformers.cache_utils import Cache
from transformers.modeling_outputs import BaseModelOutputWithPast, ModelOutput

from .action_decoding import build_action_logits_processor  # noqa: F401  (shipped with every model)
from .action_spaces import Action
from .configuration_crossagent import CrossAgentConfig
from .point_code import image_position_codes
from .pointer import CrossAgentPointer
from .processing_crossagent import CrossAgentProcessor, InvalidOutput


@dataclass
class CrossAgentModelOutput(BaseModelOutputWithPast):
    """Backbone output: the decoder's `last_hidden_state` plus the projected image features."""

    image_hidden_states: torch.Tensor | None = None


@dataclass
class CrossAgentCausalLMOutput(ModelOutput):
    """Output of CrossAgentForActions.forward (the fields of `CausalLMOutputWithPast` + image features)."""

    loss: torch.Tensor | None = None
    logits: torch.Tensor | None = None
    past_key_values: Cache | None = None
    hidden_states: tuple[torch.Tensor, ...] | None = None
    attentions: tuple[torch.Tensor, ...] | None = None
    image_hidden_states: torch.Tensor | None = None


class CrossAgentProjector(nn.Module):
    """Maps vision features to the decoder width (Linear-act-Linear, as LLaVA), or passes them through."""

    def __init__(self, config: CrossAgentConfig, vision_width: int):
        super().__init__()
        text_width = config.text_config.hidden_size
        self.is_identity = config.projector_type == "identity"
        if self.is_identity:
            if vision_width != text_width:
                raise ValueError(
                    f"projector_type='identity' needs the vision output width ({vision_width}) to equal "
                    f"text_config.hidden_size ({text_width}); use projector_type='mlp'."
                )
            return
        self.linear_1 = nn.Linear(vision_width, text_width)
        self.act = ACT2FN[config.projector_hidden_act]
        self.linear_2 = nn.Linear(text_width, text_width)
        # Marks the layers CrossAgentPreTrainedModel._init_weights starts at 1/sqrt(fan_in).
        self.linear_1.fan_in_init = self.linear_2.fan_in_init = True

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        if self.is_identity:
            return features
        return self.linear_2(self.act(self.linear_1(features)))


def _build_vision_tower(vision_config) -> PreTrainedModel:
    # Qwen2-VL's vision config has no AutoModel entry of its own (it maps to the whole VLM).
    if vision_config.model_type == "qwen2_vl_vision":
        from transformers.models.qwen2_vl.modeling_qwen2_vl import Qwen2VisionTransformerPretrainedModel

        return Qwen2VisionTransformerPretrainedModel._from_config(vision_config)
    return AutoModel.from_config(vision_config)


def _vision_output_width(vision_config) -> int:
    # Qwen2-VL's vision `hidden_size` is its patch merger's output (the text width already);
    # Qwen2.5-VL calls that `out_hidden_size`.
    return getattr(vision_config, "out_hidden_size", None) or vision_config.hidden_size


class CrossAgentPreTrainedModel(PreTrainedModel):
    config_class = CrossAgentConfig
    config: CrossAgentConfig
    base_model_prefix = "model"
    input_modalities = ("image", "text")
    supports_gradient_checkpointing = True
    _skip_keys_device_placement: ClassVar[list[str]] = ["past_key_values"]
    _supports_flash_attn = True
    _supports_sdpa = True
    _supports_flex_attn = True
    _supports_attention_backend = True
    _can_compile_fullgraph = False

    @torch.no_grad()
    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, nn.Linear) and getattr(module, "fan_in_init", False):
            # transformers' default (normal, std 0.02) through the projector's two layers shrinks what differs
            # between frames to ~0.02 of the decoder's scale: a from-scratch decoder then learns the answer
            # priors and ignores the image (docs/perception.md). 1/sqrt(fan_in) keeps it at unit scale.
            init.normal_(module.weight, mean=0.0, std=module.in_features**-0.5)
            if module.bias is not None:
                init.zeros_(module.bias)
            return
        if isinstance(module, CrossAgentPointer):
            # Offsets start at the patch centres, the gate (if any) at a third per part. Children are
            # initialised first, so this overrides their default; `init` skips weights a checkpoint loaded.
            for layer in (module.offset, module.gate) if module.gate is not None else (module.offset,):
                init.zeros_(layer.weight)
                init.zeros_(layer.bias)
            init.constant_(module.log_width, math.log(module.initial_width))
            return
        super()._init_weights(module)


class CrossAgentModel(CrossAgentPreTrainedModel):
    """The backbone: vision tower + projector + decoder; returns the decoder's `last_hidden_state`."""

    def __init__(self, config: CrossAgentConfig):
        super().__init__(config)
        self.vision_tower = _build_vision_tower(config.vision_config)
        self.projector = CrossAgentProjector(config, _vision_output_width(config.vision_config))
        self.language_model = AutoModel.from_config(config.text_config)
        # The sincos2d codes, built on first use: a fixed function of the config, not a weight.
        self._position_codes: torch.Tensor | None = None
        self.post_init()

    def get_input_embeddings(self) -> nn.Module:
        return self.language_model.get_input_embeddings()

    def set_input_embeddings(self, value: nn.Module) -> None:
        self.language_model.set_input_embeddings(value)

    def get_image_features(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """(num_frames, 3, H, W) normalised pixels -> (num_frames, image_seq_length, text width)."""
        pixel_values = pixel_values.to(self.vision_tower.dtype)
        if self.config.vision_config.model_type == "qwen2_vl_vision":
            features = self._qwen2_vl_features(pixel_values)
        else:
            out = self.vision_tower(pixel_values, output_hidden_states=self.config.vision_feature_layer != -1)
            if self.config.vision_feature_layer == -1:
                features = out.last_hidden_state
            else:
                features = out.hidden_states[self.config.vision_feature_layer]
        features = self.projector(features)
        if self.config.image_position_embedding == "sincos2d":
            features = features + self.image_position_codes(features)
        return features

    def image_position_codes(self, like: torch.Tensor) -> torch.Tensor:
        """(image_seq_length, text width) 2-D sin-cos codes of the patch centres, on `like`'s device and dtype."""
        codes = self._position_codes
        if codes is None or codes.device != like.device or codes.dtype != like.dtype:
            codes = image_position_codes(
                self.config.image_seq_length, like.shape[-1], self.config.point_code_dim
            ).to(device=like.device, dtype=like.dtype)
            self._position_codes = codes
        return codes

    def _qwen2_vl_features(self, pixel_values: torch.Tensor) -> torch.Tensor:
        # Qwen2-VL's tower eats flattened (temporal x patch x patch) patches in merge-window order; a
        # still frame is repeated over the temporal patch, as Qwen2VLImageProcessor does.
        vc = self.config.vision_config
        num, channels, height, width = pixel_values.shape
        t, p, m = vc.temporal_patch_size, vc.patch_size, vc.spatial_merge_size
        gh, gw = height // p, width // p
        x = pixel_values.unsqueeze(1).expand(num, t, channels, height, width)
        x = x.reshape(num, t, channels, gh // m, m, p, gw // m, m, p)
        x = x.permute(0, 3, 6, 4, 7, 2, 1, 5, 8)
        patches = x.reshape(num * gh * gw, channels * t * p * p)
        grid_thw = torch.tensor([[1, gh, gw]] * num, device=pixel_values.device)
        merged = self.vision_tower(patches, grid_thw=grid_thw).pooler_output
        return merged.reshape(num, (gh // m) * (gw // m), -1)

    def forward(
        self,
        input_ids: torch.LongTensor | None = None,
        pixel_values: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        position_ids: torch.LongTensor | None = None,
        past_key_values: Cache | None = None,
        inputs_embeds: torch.Tensor | None = None,
        use_cache: bool | None = None,
        **kwargs,
    ) -> CrossAgentModelOutput:
        if (input_ids is None) == (inputs_embeds is None):
            raise ValueError("CrossAgentModel.forward: pass exactly one of input_ids or inputs_embeds.")
        if inputs_embeds is None:
            inputs_embeds = self.get_input_embeddings()(input_ids)

        image_features = None
        if pixel_values is not None:
            image_features = self.get_image_features(pixel_values).to(inputs_embeds.dtype)
            inputs_embeds = self._splice_image_features(input_ids, inputs_embeds, image_features)

        outputs = self.language_model(
            attention_mask=attention_mask,
            position_ids=position_ids,
            past_key_values=past_key_values,
            inputs_embeds=inputs_embeds,
            use_cache=use_cache,
            **kwargs,
        )
        return CrossAgentModelOutput(
            last_hidden_state=outputs.last_hidden_state,
            past_key_values=outputs.past_key_values,
            hidden_states=outputs.hidden_states,
            attentions=outputs.attentions,
            image_hidden_states=image_features,
        )

    def _splice_image_features(
        self, input_ids: torch.LongTensor | None, inputs_embeds: torch.Tensor, image_features: torch.Tensor
    ) -> torch.Tensor:
        if input_ids is None:  # find the placeholders by their embedding
            image_embed = self.get_input_embeddings()(
                torch.tensor(self.config.image_token_id, device=inputs_embeds.device)
            )
            mask = (inputs_embeds == image_embed).all(-1)
        else:
            mask = input_ids == self.config.image_token_id
        n_tokens, n_features = int(mask.sum()), image_features.shape[0] * image_features.shape[1]
        if n_tokens != n_features:
            raise ValueError(
                f"The prompt has {n_tokens} image tokens but the {image_features.shape[0]} frame(s) give "
                f"{n_features} features ({image_features.shape[1]} per frame); build inputs with "
                "CrossAgentProcessor, which writes config.image_seq_length image tokens per frame."
            )
        mask = mask.unsqueeze(-1).expand_as(inputs_embeds)
        return inputs_embeds.masked_scatter(mask, image_features.reshape(-1, inputs_embeds.shape[-1]))


AUTO_MAP = {
    "AutoConfig": "configuration_crossagent.CrossAgentConfig",
    "AutoModel": "modeling_crossagent.CrossAgentForActions",
    "AutoModelForCausalLM": "modeling_crossagent.CrossAgentForActions",
    # Frames + text in, text out: the Hub's image-text-to-text task (its widgets and pipeline load this).
    "AutoModelForImageTextToText": "modeling_crossagent.CrossAgentForActions",
    "AutoProcessor": "processing_crossagent.CrossAgentProcessor",
}
"""The `auto_map` of config.json: every auto class a user may load a CrossAgent folder with."""


class CrossAgentForActions(CrossAgentPreTrainedModel, GenerationMixin):
    """The vision-language-action model: frames + prompt -> logits over text and action tokens."""

    _tied_weights_keys: ClassVar[dict[str, str]] = {
        "lm_head.weight": "model.language_model.embed_tokens.weight"
    }

    def __init__(self, config: CrossAgentConfig):
        super().__init__(config)
        self.model = CrossAgentModel(config)
        self.lm_head = nn.Linear(config.text_config.hidden_size, config.text_config.vocab_size, bias=False)
        self.pointer = CrossAgentPointer(config) if config.pointer_head else None
        self.post_init()
        # Random or early models can sample the image placeholder; without a cache that breaks the
        # splice on the next step, so it is never generated.
        self.generation_config.suppress_tokens = [config.image_token_id]

    def save_pretrained(self, save_directory, **kwargs):
        # `register_for_auto_class` keeps one auto class; the others are written here so that
        # AutoModel, AutoModelForCausalLM, AutoModelForImageTextToText and AutoProcessor all load a saved folder.
        self.config.auto_map = {**(getattr(self.config, "auto_map", None) or {}), **AUTO_MAP}
        return super().save_pretrained(save_directory, **kwargs)

    @classmethod
    def from_pretrained(cls, *args, allow_missing_weights: bool = False, **kwargs):
        """As `PreTrainedModel.from_pretrained`, but a checkpoint lacking weights is an error, not a silent
        random init (an agent evaluated with a random projector looks merely bad, not broken)."""
        output_loading_info = kwargs.pop("output_loading_info", False)
        model, info = super().from_pretrained(*args, output_loading_info=True, **kwargs)
        if info["missing_keys"] and not allow_missing_weights:
            missing = sorted(info["missing_keys"])
            raise ValueError(
                f"The checkpoint lacks {len(missing)} weight(s) of {cls.__name__}: {missing[:20]}"
                f"{' ...' if len(missing) > 20 else ''}. It was saved from another model or config; load the "
                "matching folder, or pass allow_missing_weights=True to initialise them randomly."
            )
        return (model, info) if output_loading_info else model

    def get_input_embeddings(self) -> nn.Module:
        return self.model.get_input_embeddings()

    def set_input_embeddings(self, value: nn.Module) -> None:
        self.model.set_input_embeddings(value)

    def get_output_embeddings(self) -> nn.Module:
        return self.lm_head

    def set_output_embeddings(self, value: nn.Module) -> None:
        self.lm_head = value

    def get_decoder(self) -> PreTrainedModel:
        return self.model.language_model

    def forward(
        self,
        input_ids: torch.LongTensor | None = None,
        pixel_values: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        position_ids: torch.LongTensor | None = None,
        past_key_values: Cache | None = None,
        inputs_embeds: torch.Tensor | None = None,
        labels: torch.LongTensor | None = None,
        use_cache: bool | None = None,
        logits_to_keep: int | torch.Tensor = 0,
        **kwargs,
    ) -> CrossAgentCausalLMOutput:
        outputs = self.model(
            input_ids=input_ids,
            pixel_values=pixel_values,
            attention_mask=attention_mask,
            position_ids=position_ids,
            past_key_values=past_key_values,
            inputs_embeds=inputs_embeds,
            use_cache=use_cache,
            **kwargs,
        )
        hidden_states = outputs.last_hidden_state
        keep = slice(-logits_to_keep, None) if isinstance(logits_to_keep, int) else logits_to_keep
        logits = self.lm_head(hidden_states[:, keep, :])
        if self.pointer is not None:
            if input_ids is None:
                raise ValueError(
                    "CrossAgentForActions.forward: a model with pointer_head needs input_ids (its pointer finds "
                    "the image tokens by id); pass input_ids instead of inputs_embeds."
                )
            logits = self.pointer(logits, hidden_states, input_ids, keep, outputs.past_key_values)
        loss = None
        if labels is not None:
            loss = self.loss_function(
                logits=logits, labels=labels, vocab_size=self.config.text_config.vocab_size, **kwargs
            )
        return CrossAgentCausalLMOutput(
            loss=loss,
            logits=logits,
            past_key_values=outputs.past_key_values,
            hidden_states=outputs.hidden_states,
            attentions=outputs.attentions,
            image_hidden_states=outputs.image_hidden_states,
        )

    @torch.no_grad()
    def act(
        self,
        processor: CrossAgentProcessor,
        frames,
        instructions: list[str],
        histories: list[list[str]] | None = None,
        spaces: list[str] | None = None,
        constrained: bool = False,
        known_objects=None,
        **generate_kwargs,
    ) -> list[Action | InvalidOutput]:
        """Choose one action per (frame, instruction, history), batched with left padding.

        frames: uint8 (H, W, 3) arrays (a list, or one (B, H, W, 3) array); instructions: one string each;
        histories: previous action texts of each (the last `processor.history_length` are shown).
        spaces: the allowed action spaces (default all five), listed in the prompt; an output in another
        space is invalid. constrained: mask every token that would leave the action grammar, so each
        output parses (known_objects restricts grounding objects and skill targets then).
        Returns parsed actions; an output that does not parse is an `InvalidOutput` carrying the
        `ActionParseError`, never an exception.
        """
        inputs = processor.prepare_act_inputs(frames, instructions, histories, spaces=spaces).to(self.device)
        generate_kwargs.setdefault("max_new_tokens", 48)
        generate_kwargs.setdefault("do_sample", False)
        if constrained:
            constraint = processor.action_logits_processor(spaces, known_objects)
            generate_kwargs["logits_processor"] = [*generate_kwargs.get("logits_processor", []), constraint]
        sequences = self.generate(**inputs, **generate_kwargs)
        texts = processor.decode_actions(sequences[:, inputs["input_ids"].shape[1] :])
        return processor.parse_actions(texts, spaces=spaces, known_objects=known_objects)


# Saving copies this file and its sibling imports next to the weights (see AUTO_MAP above).
CrossAgentConfig.register_for_auto_class()
CrossAgentForActions.register_for_auto_class("AutoModel")
CrossAgentProcessor.register_for_auto_class()

__all__ = ["CrossAgentForActions", "CrossAgentModel", "CrossAgentPreTrainedModel"]
