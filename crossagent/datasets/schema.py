"""The mixed-action schema (FEATURES below: one row per decision), its configs and the check of one row's labels."""

from __future__ import annotations

import datasets

from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import (
    ACTION_SPACES,
    NUM_LATENT_CODES,
    SPACE_TOKENS,
    ActionParseError,
    RawAction,
)

FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "task_id": datasets.Value("string"),
        "category": datasets.Value("string"),
        "task_split": datasets.Value("string"),
        "instruction": datasets.Value("string"),
        "image": datasets.Image(),
        "history": datasets.List(datasets.Value("string")),
        "action_space": datasets.Value("string"),
        "action": datasets.Value("string"),
        "raw_action": datasets.Value("string"),
        "episode": datasets.Value("int64"),
        "step": datasets.Value("int64"),
        "state": datasets.Value("binary"),
    }
)
"""`task_split` is the task's suite split (`in_domain`, `ood_seen`; never `ood_unseen`); the dataset's own
splits (train / validation, by episode) are the parquet splits. `raw_action` is None when unknown (OpenHA
records without an `Action:` part); `state` is None unless states were recorded."""

COLUMNS: tuple[str, ...] = tuple(FEATURES)
TEXT_COLUMNS: tuple[str, ...] = ("id", "action_space", "action", "raw_action", "history")
"""Columns `check_labels` reads (images are never decoded to validate)."""
CONFIGS: tuple[str, ...] = ("mixed", *ACTION_SPACES)


class LabelError(ValueError):
    """A row whose action space or action text is not valid; the message names the field."""


def check_labels(row: dict, config: str, num_latent_codes: int = NUM_LATENT_CODES) -> None:
    """Raise LabelError unless the row's space is known (and the config's), and its texts parse in it."""
    space = row["action_space"]
    if space not in ACTION_SPACES:
        raise LabelError(f"action_space {space!r} is unknown; it must be one of {', '.join(ACTION_SPACES)}")
    if config != "mixed" and space != config:
        raise LabelError(
            f"action_space {space!r} in config {config!r}; each space config holds only its space"
        )
    action = row["action"]
    if not isinstance(action, str) or not action.startswith(SPACE_TOKENS[space]):
        raise LabelError(
            f"action {action!r} does not start with {SPACE_TOKENS[space]} (action_space={space!r})"
        )
    try:
        parse(action, num_latent_codes=num_latent_codes)
    except ActionParseError as error:
        raise LabelError(f"action {action!r} does not parse: {error}") from None
    if row["raw_action"] is not None:
        try:
            raw = parse(row["raw_action"])
        except ActionParseError as error:
            raise LabelError(f"raw_action {row['raw_action']!r} does not parse: {error}") from None
        if not isinstance(raw, RawAction):
            raise LabelError(f"raw_action {row['raw_action']!r} is a {raw.space} action, not a raw tick")
