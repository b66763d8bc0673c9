"""Pretraining's collator: SFT's rows, plus two optional targets on the frame: what each patch shows, where a point goes.

An answer row teaches the frame through a handful of tokens (a point's two numerals); the renderer knows
the object behind every pixel, so each image token can be told what it shows too. With
`--dense_object_labels`, the label after image token k is the first token of the name of the object patch
k shows (the dataset's `cell_objects`, pooled to the model's patch grid): the decoder's output at
that image token is trained, by the same causal-LM loss, to say the token an answer naming the object
starts with (`<|object_ref_start|>oak` ... for `oak_log`). Nothing is added to the model, and inference
never reads those outputs; what carries over is the decoder's representation of each patch.

With `--point_attention_weight`, each answer that writes a point also says which image token holds it: the
collator adds `pointer_queries` (the positions whose outputs write the x and the y numeral) and
`pointer_patches` (the patch under the answer's point), and the trainer
(`crossagent.training.pretrain.point_attention_loss`) trains one attention head of the decoder's last layer
to look at that patch from those positions. A head that looks at the right patch reads its 2-D position
code (`image_position_embedding="sincos2d"`) and can copy it into the numerals: the name-to-position step
the answers alone did not teach (docs/perception.md).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import torch

from crossagent.datasets.perception import OBJECT_GRID
from crossagent.training.sft_collator import ActionSFTCollator
from modeling_crossagent.action_spaces import ACTION_SPACES, POINT_MAX


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


POINTER_HEAD = 0
"""The head of the decoder's last layer that the pointer loss (`crossagent.training.pretrain`) supervises."""


def frame_image_positions(
    input_ids: torch.Tensor, image_token_id: int, image_seq_length: int
) -> torch.Tensor:
    """The positions of one row's last frame's image tokens (a perception prompt shows one frame), in the
    patch order `point_patch` counts."""
    return (input_ids == image_token_id).nonzero().flatten()[-image_seq_length:]


def point_patch(point: list[int], grid: int) -> int:
    """The row-major index of the patch of a `grid` x `grid` split of the frame that holds `point` (x, y) in
    [0, POINT_MAX]."""
    col, row = (min(grid - 1, int(v) * grid // POINT_MAX) for v in point)
    return row * grid + col


@dataclass
class PerceptionCollator(ActionSFTCollator):
    """`ActionSFTCollator`, with the object of each image token as the label after it (rows whose
    `cell_objects` is empty, GUI frames, keep only their answer's labels) and, with `point_attention`, where
    each answer's point lies."""

    dense_object_labels: bool = True
    """Label the output at each image token with the first token of its patch's object."""
    point_attention: bool = False
    """Add `pointer_queries` (B, 2) and `pointer_patches` (B,) to the batch: the positions whose outputs write
    the answer's x and y numerals and the patch under the answer's point (-1 where a row writes no point)."""
    first_tokens: dict[str, int] = field(default_factory=dict, repr=False)
    """Name -> its first token id (filled as names appear)."""

    def first_token(self, name: str) -> int:
        if name not in self.first_tokens:
            self.first_tokens[name] = self.processor.tokenizer(name, add_special_tokens=False).input_ids[0]
        return self.first_tokens[name]

    def __call__(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        batch = super().__call__(rows)
        grid = math.isqrt(self.processor.image_seq_length)
        if self.point_attention:
            batch.update(self.pointer_targets(batch, rows, grid))
        if not self.dense_object_labels:
            return batch
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

    def pointer_targets(self, batch: dict, rows: list[dict], grid: int) -> dict[str, torch.Tensor]:
        """Per row: the positions of `(` and `,` of the answer's `<|point_start|>(x,y)` (their outputs write
        x and y) and the patch under `answer_point`; -1 for a row without a point in its answer."""
        point_start = self.processor.tokenizer.convert_tokens_to_ids("<|point_start|>")
        queries = torch.full((len(rows), 2), -1, dtype=torch.long)
        patches = torch.full((len(rows),), -1, dtype=torch.long)
        answer = batch["labels"] != -100
        for i, row in enumerate(rows):
            point = row.get("answer_point") or []
            starts = ((batch["input_ids"][i] == point_start) & answer[i]).nonzero().flatten()
            if len(point) != 2 or not len(starts):
                continue
            start = int(starts[0])  # <|point_start|> ( x , y ): the outputs at ( and , write x and y
            queries[i] = torch.tensor([start + 1, start + 3])
            patches[i] = point_patch(point, grid)
        return {"pointer_queries": queries, "pointer_patches": patches}


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


@torch.no_grad()
def pointer_accuracy(model, processor, rows: list[dict], batch_size: int = 32) -> dict:
    """How often the supervised head (the model's pointer head if it has one, else `POINTER_HEAD` of the last
    layer), at the output that writes a point's x, looks at the answer's patch more than at any other image
    token, on the rows of `rows` whose answer writes a point; beside always choosing the commonest answer
    patch. The last layer's head is read with eager attention."""
    collator = PerceptionCollator(processor, ACTION_SPACES, dense_object_labels=False, point_attention=True)
    seq = processor.image_seq_length
    correct, on_target, patches_seen = 0, 0.0, Counter()
    implementation = model.config._attn_implementation
    pointer, captured = getattr(model, "pointer", None), {}
    if pointer is None:
        model.set_attn_implementation("eager")  # SDPA does not return attention weights
    else:
        hook = pointer.register_forward_hook(
            lambda module, args, _: captured.setdefault(
                "attention", module.attention(args[1], args[2])[:, None]
            )
        )
    model.eval()
    try:
        for start in range(0, len(rows), batch_size):
            batch = collator(rows[start : start + batch_size])
            queries, patches = batch.pop("pointer_queries"), batch.pop("pointer_patches")
            batch.pop("labels")
            if pointer is None:
                attentions = model(**batch, output_attentions=True).attentions[-1]
            else:
                model(**batch)
                attentions = captured.pop("attention")
            for i in (patches >= 0).nonzero().flatten().tolist():
                images = frame_image_positions(batch["input_ids"][i], processor.image_token_id, seq)
                weights = attentions[i, POINTER_HEAD, queries[i, 0], images]
                correct += int(weights.argmax() == patches[i])
                on_target += float(weights[patches[i]])
                patches_seen[int(patches[i])] += 1
    finally:
        model.set_attn_implementation(implementation)  # the caller's model as it was
        if pointer is not None:
            hook.remove()
    total = sum(patches_seen.values())
    if not total:
        return {"points": 0}
    return {
        "points": total,
        "accuracy": round(correct / total, 4),
        "majority_accuracy": round(patches_seen.most_common(1)[0][1] / total, 4),
        "mean_weight_on_answer_patch": round(on_target / total, 4),
    }
