"""CrossAgentProcessor: frames -> pixel_values, the agent prompt, the chat template and the tokenizer.

Ships inside every saved model (see the package docstring): imports only torch, numpy, transformers and
siblings. The image processor and the tokenizer are transformers' own classes (any image processor, a
`tokenizers`-backed tokenizer), saved next to `processor_config.json`.

The prompt of one decision (rendered by the chat template):

    <|system|>You are a Minecraft agent. Act in one of:<|raw|><|motion|>...<|end|>
    <|user|><|image|>...<|image|>Instruction: mine oak_log
    Previous actions:
    <|motion|>move forward
    <|end|>
    <|assistant|>            <- the model writes one action, then <|end|>
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from transformers import BatchFeature, ProcessorMixin

from .action_decoding import ActionLogitsProcessor, build_action_logits_processor
from .action_parsing import parse
from .action_spaces import ACTION_SPACES, LATENT_TOKEN_RE, SPACE_TOKENS, Action, ActionParseError

CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "<|{{ message['role'] }}|>"
    "{%- if message['content'] is string -%}{{ message['content'] }}"
    "{%- else -%}{%- for part in message['content'] -%}"
    "{%- if part['type'] == 'image' -%}<|image|>"
    "{%- elif part['type'] == 'text' -%}{{ part['text'] }}{%- endif -%}"
    "{%- endfor -%}{%- endif -%}"
    "<|end|>\n"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}<|assistant|>{%- endif -%}"
)
"""Roles are tokens (<|system|>, <|user|>, <|assistant|>), each turn ends with <|end|> (the EOS)."""

CHAT_TOKENS: tuple[str, ...] = ("<|pad|>", "<|end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|image|>")
"""Special tokens the template needs besides the action tokens; ids 0.. in tokenizers built by CrossAgent."""


@dataclass(frozen=True)
class InvalidOutput:
    """A model output that is not an action of the allowed spaces; the rollout counts it invalid and
    executes a no-op tick (never a crash)."""

    text: str
    """What the model wrote (chat tokens removed)."""
    error: ActionParseError = field(compare=False)
    """Why it does not parse (the message says what was expected where)."""

    space = "invalid"


def system_text(spaces: list[str] | tuple[str, ...]) -> str:
    """The system turn: the allowed action spaces, by their tokens.

    Short on purpose (~10 tokens): it precedes every decision of every rollout and every SFT row, and a
    paragraph describing each space (~160 tokens for all five) made it most of the prompt, 2-3x the
    compute of a decision, while a model trained on the grammar learns nothing from the prose.
    """
    return "You are a Minecraft agent. Act in one of:" + "".join(SPACE_TOKENS[s] for s in spaces)


def check_spaces(spaces) -> tuple[str, ...]:
    """Validate a list of action-space names (None: all five)."""
    if spaces is None:
        return ACTION_SPACES
    if isinstance(spaces, str) or not all(isinstance(s, str) for s in spaces) or not spaces:
        raise ValueError(f"spaces must be a non-empty list of action-space names from {list(ACTION_SPACES)}.")
    unknown = [s for s in spaces if s not in ACTION_SPACES]
    if unknown:
        raise ValueError(f"Unknown action space(s) {unknown}; use names from {list(ACTION_SPACES)}.")
    return tuple(spaces)


def check_frame(frame, field: str) -> np.ndarray | torch.Tensor:
    """A frame is a uint8 array of shape (H, W, 3), numpy or torch."""
    if not isinstance(frame, np.ndarray | torch.Tensor):
        raise ValueError(
            f"{field} must be a numpy array or torch tensor of shape (H, W, 3), got {type(frame)}."
        )
    if frame.ndim != 3 or frame.shape[-1] != 3:
        raise ValueError(f"{field} must have shape (H, W, 3) (RGB, channels last), got {tuple(frame.shape)}.")
    if frame.dtype not in (np.uint8, torch.uint8):
        raise ValueError(
            f"{field} must have dtype uint8 (0..255), got {frame.dtype}; convert with .astype(np.uint8)."
        )
    return frame.numpy() if isinstance(frame, torch.Tensor) else frame


class CrossAgentProcessor(ProcessorMixin):
    """Image processor + tokenizer + the agent prompt; `prepare_act_inputs` is what `model.act` calls."""

    def __init__(
        self,
        image_processor=None,
        tokenizer=None,
        chat_template: str | None = None,
        image_seq_length: int = 16,
        history_length: int = 4,
        image_token: str = "<|image|>",
        **kwargs,
    ):
        self.image_seq_length = image_seq_length
        """Image tokens per frame; equals the model's config.image_seq_length."""
        self.history_length = history_length
        """How many of the previous actions the prompt shows (the last k)."""
        self.image_token = image_token
        if image_token not in tokenizer.get_vocab():
            raise ValueError(
                f"CrossAgentProcessor: the tokenizer has no image token {image_token!r}; add it with "
                f"tokenizer.add_special_tokens({{'additional_special_tokens': [{image_token!r}]}}) and resize the model."
            )
        self.image_token_id = tokenizer.convert_tokens_to_ids(image_token)
        super().__init__(image_processor, tokenizer, chat_template=chat_template or CHAT_TEMPLATE)

    def replace_image_token(self, image_inputs: dict, image_idx: int, **kwargs) -> str:
        return self.image_token * self.image_seq_length

    def build_messages(self, instruction: str, history: list[str] | None = None, spaces=None) -> list[dict]:
        """The conversation of one decision: system text, then the frame, the instruction, the last k actions."""
        if not isinstance(instruction, str):
            raise ValueError(
                f"instruction must be a string, got {type(instruction).__name__}: {instruction!r}."
            )
        if isinstance(history, str) or not all(isinstance(a, str) for a in history or []):
            raise ValueError(f"history must be a list of action texts (strings), got {history!r}.")
        history = list(history or [])
        recent = history[-self.history_length :] if self.history_length > 0 else []
        text = f"Instruction: {instruction}\nPrevious actions:\n" + "".join(f"{a}\n" for a in recent)
        return [
            # List content everywhere, so conversations fit one Arrow type in a dataset column.
            {"role": "system", "content": [{"type": "text", "text": system_text(check_spaces(spaces))}]},
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": text}]},
        ]

    def prepare_act_inputs(self, frames, instructions, histories=None, spaces=None) -> BatchFeature:
        """Batch of decisions -> left-padded `input_ids`, `attention_mask`, `pixel_values` tensors."""
        if isinstance(instructions, str):
            raise ValueError("instructions must be a list of strings (one per frame), not a single string.")
        instructions = list(instructions)
        if not instructions:
            raise ValueError("instructions is empty: pass one instruction (and one frame) per decision.")
        if isinstance(frames, np.ndarray | torch.Tensor) and frames.ndim == 4:
            frames = list(frames)
        frames = [check_frame(f, f"frames[{i}]") for i, f in enumerate(frames)]
        histories = [None] * len(instructions) if histories is None else list(histories)
        if not len(frames) == len(instructions) == len(histories):
            raise ValueError(
                f"frames ({len(frames)}), instructions ({len(instructions)}) and histories ({len(histories)}) "
                "must have the same length."
            )
        texts = [
            self.apply_chat_template(
                self.build_messages(instruction, history, spaces), tokenize=False, add_generation_prompt=True
            )
            for instruction, history in zip(instructions, histories)
        ]
        return self(images=frames, text=texts, padding=True, padding_side="left", return_tensors="pt")

    def decode_actions(self, token_ids: torch.Tensor) -> list[str]:
        """Generated ids -> action texts: special tokens kept (they carry the action), chat tokens dropped."""
        chat_ids = {self.tokenizer.convert_tokens_to_ids(t) for t in CHAT_TOKENS}
        texts = []
        for row in token_ids.tolist():
            end = self.tokenizer.eos_token_id
            row = row[: row.index(end)] if end in row else row
            texts.append(self.tokenizer.decode([t for t in row if t not in chat_ids]).strip())
        return texts

    def parse_actions(
        self, texts: list[str], spaces=None, known_objects=None
    ) -> list[Action | InvalidOutput]:
        """Action texts -> Action dataclasses; unparseable texts or actions of other spaces -> InvalidOutput."""
        allowed = check_spaces(spaces)
        actions: list[Action | InvalidOutput] = []
        for text in texts:
            try:
                action = parse(text, known_objects=known_objects, num_latent_codes=self.num_latent_codes)
                if action.space not in allowed:
                    raise ActionParseError(
                        f"action space {action.space!r} is not one of the allowed {list(allowed)}"
                    )
            except ActionParseError as error:
                action = InvalidOutput(text, error)
            actions.append(action)
        return actions

    @property
    def num_latent_codes(self) -> int:
        """Size of the latent codebook: the number of `<|latent_k|>` tokens in the vocabulary."""
        return sum(1 for token in self.tokenizer.get_vocab() if LATENT_TOKEN_RE.fullmatch(token))

    def action_logits_processor(self, spaces=None, known_objects=None) -> ActionLogitsProcessor:
        """The constrained-decoding processor for these spaces (built once per (spaces, objects), then reused)."""
        key = (check_spaces(spaces), None if known_objects is None else frozenset(known_objects))
        cache = self.__dict__.setdefault("_action_logits_processors", {})
        if key not in cache:
            cache[key] = build_action_logits_processor(
                self.tokenizer,
                spaces=list(key[0]),
                known_objects=known_objects,
                num_latent_codes=self.num_latent_codes,
            )
        return cache[key]

    @property
    def model_input_names(self) -> list[str]:
        return ["input_ids", "attention_mask", "pixel_values"]


__all__ = ["CrossAgentProcessor"]
