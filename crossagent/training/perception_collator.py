"""Pretraining's collator: SFT's rows, plus a dense target at every image token (which object it shows).

An answer row teaches the frame through a handful of tokens (a point's two numerals); the renderer knows
the object behind every pixel, so each image token can be told what it shows too. With
`--dense_object_labels`, the label after image token k is the first token of the name of the object patch
k shows (the dataset's `cell_objects`, pooled to the model's patch grid): the decoder's output at
that image token is trained, by the same causal-LM loss, to say the token an answer naming the object
starts with (`<|object_ref_start|>oak` ... for `oak_log`). Nothing is added to the model, and inference
never reads those outputs; what carries over is the decoder's representation of each patch.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import torch

from crossagent.datasets.perception import OBJECT_GRID
from crossagent.training.sft_collator import ActionSFTCollator
from modeling_crossagent.action_spaces import ACTION_SPACES


def patch_objects(cells: list[str], grid: int) -> list[str]:
    """`cell_objects` (OBJECT_GRID x OBJECT_GRID, row major) -> the object of each of `grid` x `grid` patches.

    A patch is labelled with the rarest object of the frame among those its cells show (ties: the one with
    more cells in the patch), not the commonest: a patch that shows a little of an oak log on grass is
    labelled `oak_log`. Majority labels were grass or sky on 70% of patches, and the questions ask about the
    small placed objects. `""` when every cell is empty (the HUD).
    """
    if len(cells) != OBJECT_GRID * OBJECT_GRID:
        raise ValueError(
            f"cell_objects has {len(cells)} names; expected {OBJECT_GRID * OBJECT_GRID} "
            f"({OBJECT_GRID}x{OBJECT_GRID}): rebuild the perception data with this version."
        )
    if OBJECT_GRID % grid:
        raise ValueError(
            f"a model with {grid}x{grid} image tokens cannot pool the dataset's {OBJECT_GRID}x{OBJECT_GRID} "
            "cell_objects; pretrain without --dense_object_labels."
        )
    in_frame = Counter(cells)
    step = OBJECT_GRID // grid
    names = []
    for row in range(grid):
        for col in range(grid):
            covered = Counter(
                cells[(row * step + r) * OBJECT_GRID + col * step + c]
                for r in range(step)
                for c in range(step)
            )
            covered.pop("", None)
            names.append(min(covered, key=lambda n: (in_frame[n], -covered[n])) if covered else "")
    return names


@dataclass
class PerceptionCollator(ActionSFTCollator):
    """`ActionSFTCollator`, with the object of each image token as the label after it (rows whose
    `cell_objects` is empty, GUI frames, keep only their answer's labels)."""

    first_tokens: dict[str, int] = field(default_factory=dict, repr=False)
    """Name -> its first token id (filled as names appear)."""

    def first_token(self, name: str) -> int:
        if name not in self.first_tokens:
            self.first_tokens[name] = self.processor.tokenizer(name, add_special_tokens=False).input_ids[0]
        return self.first_tokens[name]

    def __call__(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        batch = super().__call__(rows)
        grid = math.isqrt(self.processor.image_seq_length)
        labels = batch["labels"]
        for i, row in enumerate(rows):
            cells = row.get("cell_objects") or []
            if not cells:
                continue
            positions = (batch["input_ids"][i] == self.processor.image_token_id).nonzero().flatten()
            for position, name in zip(positions.tolist(), patch_objects(cells, grid)):
                if name:  # the output at image token k is scored against label k + 1
                    labels[i, position + 1] = self.first_token(name)
        return batch


@torch.no_grad()
def patch_naming_accuracy(
    model, processor, rows: list[dict], spaces=ACTION_SPACES, batch_size: int = 32
) -> dict:
    """How often the output at an image token names its patch's object (the argmax of the dense target) on
    the world-frame rows of `rows`, beside always answering the commonest of those labels."""
    collator = PerceptionCollator(processor, spaces)
    rows = [row for row in rows if row.get("cell_objects")]
    correct, labels_seen = 0, Counter()
    model.eval()
    for start in range(0, len(rows), batch_size):
        batch = collator(rows[start : start + batch_size])
        labels = batch.pop("labels")[:, 1:]  # the label of the output at t
        at_image = (batch["input_ids"][:, :-1] == processor.image_token_id) & (labels != -100)
        targets = labels[at_image]
        correct += int((model(**batch).logits[:, :-1].argmax(-1)[at_image] == targets).sum())
        labels_seen.update(targets.tolist())
    total = sum(labels_seen.values())
    if not total:
        return {"patches": 0}
    return {
        "patches": total,
        "accuracy": round(correct / total, 4),
        "majority_accuracy": round(labels_seen.most_common(1)[0][1] / total, 4),
    }
