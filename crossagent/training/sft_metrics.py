"""Teacher-forced next-action accuracy on a validation split, per action space.

For each row the model sees the prompt and the true action, and at every action position we take the
argmax token (teacher forcing: one forward pass, no sampling). Per row:

- `space`: the first argmax token is the right space token (for CrossAgent: it picked the labelled space);
- `exact`: every action token and the closing <|end|> is right, the space token included;
- `exact_given_space`: every token after the space token is right (the body, given the space);
- `parse_equivalent`: the model's own argmax output, its space token included, up to its first end token,
  parses to an action equivalent to the label by `crossagent.executors.equivalence.equivalent_actions`,
  the rule the single-turn reward uses: equal, except that a raw mouse move may be off by
  CAMERA_TOLERANCE_UNITS (4) units per axis and a grounding point by POINT_TOLERANCE (40, in the
  [0, 1000] frame); texts that differ only in form also count (a wrong space token fails it, like `exact`);
- `equivalent_given_space`: the same, for the true space token followed by the argmax body after it;
- `token`: the fraction of action tokens that are right (micro-averaged).

`majority_exact` is the reference a model must beat: the share of rows whose label equals the most common
training action of its space.
"""

from __future__ import annotations

import collections
import logging

import torch
from datasets import Dataset
from tqdm.auto import tqdm

from crossagent.executors.equivalence import equivalent_actions
from crossagent.training.sft_collator import ActionSFTCollator
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import ActionParseError

logger = logging.getLogger(__name__)

ROW_METRICS: tuple[str, ...] = (
    "space", "exact", "exact_given_space", "parse_equivalent", "equivalent_given_space",
)  # fmt: skip


def _parse_equivalent(prediction: str, label: str) -> bool:
    try:
        return equivalent_actions(parse(prediction), parse(label))
    except ActionParseError:
        return False


def majority_actions(train: Dataset) -> dict[str, str]:
    """The most common training action text of each space."""
    columns = train.select_columns(["action_space", "action"]).to_dict()
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for space, action in zip(columns["action_space"], columns["action"]):
        counts[space][action] += 1
    return {space: counter.most_common(1)[0][0] for space, counter in counts.items()}


@torch.no_grad()
def teacher_forced_accuracy(
    model, collator: ActionSFTCollator, dataset: Dataset, batch_size: int = 16, majority: dict | None = None
) -> dict:
    """Metrics per action space and overall (`all`): row means of ROW_METRICS, `token`, `rows`."""
    tokenizer = collator.processor.tokenizer
    eos = tokenizer.eos_token_id
    was_training = model.training
    model.eval()
    sums: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for start in tqdm(range(0, len(dataset), batch_size), desc="teacher-forced accuracy", leave=False):
        rows = [dataset[i] for i in range(start, min(start + batch_size, len(dataset)))]
        batch = collator(rows)
        labels = batch.pop("labels")
        batch = {k: v.to(model.device) for k, v in batch.items()}
        logits = model(**batch).logits
        # The token at position t is predicted from position t - 1.
        predicted = logits[:, :-1].argmax(-1).cpu()
        targets = labels[:, 1:]
        for row, prediction, target in zip(rows, predicted, targets):
            positions = target != -100
            want, got = target[positions], prediction[positions]
            right = want == got
            # The argmax tokens up to the first EOS: the model's own answer (its space token first), and
            # its body after the true space token (what it writes given the space).
            body = got[1:].tolist()
            body = body[: body.index(eos)] if eos in body else body
            own = got.tolist()
            own = own[: own.index(eos)] if eos in own else own
            text = tokenizer.decode(own, skip_special_tokens=False)
            given_space = tokenizer.decode([int(want[0]), *body], skip_special_tokens=False)
            label = row["action"]
            score = sums[row["action_space"]]
            score["rows"] += 1
            score["space"] += bool(right[0])
            score["exact"] += bool(right.all())
            score["exact_given_space"] += bool(right[1:].all())
            score["parse_equivalent"] += _parse_equivalent(text, label)
            score["equivalent_given_space"] += _parse_equivalent(given_space, label)
            score["tokens"] += len(want)
            score["tokens_right"] += int(right.sum())
            if majority is not None:
                score["majority_exact"] += majority.get(row["action_space"]) == label
    model.train(was_training)
    total = sum(sums.values(), collections.Counter())
    return {
        name: _means(score, majority is not None) for name, score in [*sorted(sums.items()), ("all", total)]
    }


def _means(score: collections.Counter, with_majority: bool) -> dict:
    rows = score["rows"]
    means = {name: score[name] / rows for name in ROW_METRICS}
    means["token"] = score["tokens_right"] / max(score["tokens"], 1)
    if with_majority:
        means["majority_exact"] = score["majority_exact"] / rows
    means["rows"] = rows
    return means
