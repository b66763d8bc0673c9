"""The single-turn RL rows: one per expert decision of the mixed-action data, with its world state.

    rows = load_decision_rows("outputs/mixed", "train")        # checked: every row has a state
    rows = with_prompts(rows, processor, spaces)               # + `prompt` (chat messages) for GRPOTrainer

The `mixed` config holds one row per (decision, space) with a label; every decision has a raw label, so
its `raw` row stands for the decision (its `raw_action` is the ground-truth tick, `state` the world to
replay, `image` the frame, `history` the previous ticks). Whatever tasks the dataset holds are the tasks
RL trains on: the mixed data never holds `ood_unseen` targets, so neither do these rows.

Furnace waits come in runs (the expert waits 20 ticks at a time until the smelt is done): every wait of
a run has the same ground truth, a no-op, and nearly the same frame. Only the first wait of each run is
kept, so a constant `no_op` answer cannot collect a large share of the reward (see `rewards.py`).
"""

from __future__ import annotations

import logging

from datasets import Dataset

from crossagent.training.sft_data import load_sft_split
from modeling_crossagent.action_spaces import ACTION_SPACES

logger = logging.getLogger(__name__)

NO_OP_TEXT = "<|raw|>no_op"
"""The raw text of a no-op tick (a wait)."""
DECISION_SPACE = "raw"
"""The space whose row stands for a decision (every decision has a raw label)."""


def _keep(rows: dict[str, list]) -> list[int]:
    """Indices of the decision rows to keep: every decision, but only the first of a run of waits."""
    order = sorted(range(len(rows["id"])), key=lambda i: (rows["episode"][i], rows["step"][i]))
    kept, previous = [], None
    for i in order:
        key = (rows["episode"][i], rows["step"][i])
        wait = rows["raw_action"][i] == NO_OP_TEXT
        follows_wait = (
            previous is not None and previous[0] == key[0] and previous[1] == key[1] - 1 and previous[2]
        )
        if not (wait and follows_wait):
            kept.append(i)
        previous = (key[0], key[1], wait)
    return kept


def load_decision_rows(path: str, split: str = "train", max_rows: int | None = None) -> Dataset:
    """One row per expert decision of `split` (runs of waits collapsed), each with its world state.

    Raises ValueError, before any model is built, when the dataset has no states (built without
    `--record-states`) or no decisions.
    """
    rows = load_sft_split(path, "mixed", split, ACTION_SPACES)
    rows = rows.filter(lambda space: space == DECISION_SPACE, input_columns="action_space")
    where = f"dataset {path!r} split {split!r}"
    if len(rows) == 0:
        raise ValueError(f"{where} has no decision rows (no `raw` rows in its `mixed` config).")
    if "state" not in rows.column_names:
        rows = rows.add_column("state", [None] * len(rows))
    columns = rows.select_columns(["id", "episode", "step", "raw_action", "state"]).to_dict()
    missing = sum(state is None for state in columns["state"])
    if missing:
        raise ValueError(
            f"{where}: {missing} of {len(rows)} decision rows have no `state`; single-turn RL replays each "
            "decision's world, so build the mixed data with states: "
            "`python datasets_scripts/build_mixed.py --record-states ...` (the main job sets `record_states`)."
        )
    if any(text is None for text in columns["raw_action"]):
        raise ValueError(f"{where}: rows without `raw_action` (the ground-truth tick the reward compares).")
    kept = _keep(columns)
    rows = rows.select(kept)
    if max_rows is not None and len(rows) > max_rows:
        rows = rows.shuffle(seed=0).select(range(max_rows))  # spread over tasks, not the first episodes
    logger.info("%s: %d decision rows (%d waits after the first of a run dropped)", where, len(rows),
                len(columns["id"]) - len(kept))  # fmt: skip
    return rows


def with_prompts(rows: Dataset, processor, spaces: tuple[str, ...] = ACTION_SPACES) -> Dataset:
    """Add `prompt`: the conversation `model.act` sends (system text naming `spaces`, frame, instruction,
    last k actions), in TRL's conversational form; TRL puts the row's `image` into its image block."""

    def prompt(instruction: str, history: list[str]) -> dict:
        return {"prompt": processor.build_messages(instruction, history, spaces)}

    return rows.map(prompt, input_columns=["instruction", "history"], desc="prompts")
