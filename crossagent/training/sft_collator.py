"""The SFT collator: rows of the mixed-action dataset -> model inputs with loss on the action tokens only.

TRL's `DataCollatorForVisionLanguageModeling` renders prompts from chat messages it builds itself; ours
renders them with `CrossAgentProcessor.build_messages`, the very prompt `model.act()` sends at inference
(system text naming the trained spaces, frame, instruction, last k actions), so train and test prompts
cannot drift apart. The layout follows TRL's prompt-completion collation:

    [prompt (image tokens spliced by the processor) | action tokens <|end|> | right padding]
     labels = -100 ...                              | action tokens <|end|> | -100
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image as PILImage
from trl.trainer.utils import flush_left


def frame_array(image) -> np.ndarray:
    """A dataset image (PIL from a datasets Image column, or a nested uint8 array) -> (H, W, 3) uint8."""
    if isinstance(image, PILImage.Image):
        return np.asarray(image.convert("RGB"))
    frame = np.asarray(image)
    if frame.dtype != np.uint8:
        raise ValueError(f"image column: expected uint8 pixels or a datasets Image, got dtype {frame.dtype}.")
    return frame


@dataclass
class ActionSFTCollator:
    """Callable on a list of dataset rows; returns input_ids, attention_mask, pixel_values and labels."""

    processor: object
    """A CrossAgentProcessor (image processor + tokenizer + prompt)."""
    spaces: tuple[str, ...]
    """Action spaces named in the system prompt (the ones the model is trained to answer in)."""

    def prompts(self, rows: list[dict]) -> list[str]:
        return [
            self.processor.apply_chat_template(
                self.processor.build_messages(row["instruction"], row["history"], self.spaces),
                tokenize=False,
                add_generation_prompt=True,
            )
            for row in rows
        ]

    def __call__(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        tokenizer = self.processor.tokenizer
        prompt = self.processor(
            images=[frame_array(row["image"]) for row in rows],
            text=self.prompts(rows),
            padding=True,
            padding_side="left",
            return_tensors="pt",
        )
        # The EOS ends the turn: the model learns to stop after one action.
        target = tokenizer(
            [row["action"] + tokenizer.eos_token for row in rows],
            padding=True,
            padding_side="right",
            add_special_tokens=False,
            return_tensors="pt",
        )
        input_ids = torch.cat([prompt["input_ids"], target["input_ids"]], dim=1)
        attention_mask = torch.cat([prompt["attention_mask"], target["attention_mask"]], dim=1)
        action_mask = torch.cat([torch.zeros_like(prompt["attention_mask"]), target["attention_mask"]], dim=1)
        # Flush left: each sequence starts at position 0, padding at the right (no position ids needed).
        attention_mask, input_ids, action_mask = flush_left(attention_mask, input_ids, action_mask)
        labels = input_ids.masked_fill(action_mask == 0, -100)
        return {
            "input_ids": input_ids,
            "attention_mask": attention_mask,
            "pixel_values": prompt["pixel_values"],
            "labels": labels,
        }
