"""Load and check the mixed-action dataset for SFT: the config of the chosen spaces, its columns, its labels.

Checks read only text columns (frames are decoded lazily, batch by batch, by the collator), so a bad
dataset fails in seconds, before any model is built.
"""

from __future__ import annotations

import atexit
import logging
import os
import pathlib
import shutil
import tempfile

from datasets import Dataset, get_dataset_config_names, load_dataset

from modeling_crossagent.action_spaces import ACTION_SPACES, SPACE_TOKENS

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS: tuple[str, ...] = ("instruction", "image", "history", "action_space", "action")
"""Columns SFT reads (of the mixed-action schema, crossagent.datasets.schema: id, task_id, category, task_split, instruction,
image, history, action_space, action, raw_action, episode, step, state)."""


def check_columns(dataset: Dataset, where: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in dataset.column_names]
    if missing:
        raise ValueError(
            f"{where} is missing column(s) {missing}; SFT needs {list(REQUIRED_COLUMNS)} (the mixed-action "
            f"schema of crossagent.datasets.schema); it has {dataset.column_names}. Rebuild it with datasets_scripts/."
        )


def check_labels(dataset: Dataset, spaces: tuple[str, ...], where: str) -> None:
    """Every row's `action_space` is one of `spaces` and its `action` starts with that space's token."""
    labels = dataset.select_columns(["action_space", "action"]).to_dict()
    for index, (space, action) in enumerate(zip(labels["action_space"], labels["action"])):
        if space not in spaces:
            raise ValueError(
                f"{where} row {index}: action_space={space!r} is not one of {list(spaces)} "
                f"(known spaces: {list(ACTION_SPACES)}); load the dataset config of the chosen space."
            )
        if not isinstance(action, str) or not action.startswith(SPACE_TOKENS[space]):
            raise ValueError(
                f"{where} row {index}: action {action!r} does not start with {SPACE_TOKENS[space]} "
                f"although action_space={space!r}."
            )


def stratified_indices(labels: list[str], count: int) -> list[int]:
    """`count` row indices taken round robin over the labels' groups, each group in row order; sorted."""
    groups: dict[str, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    chosen: list[int] = []
    depth = 0
    while len(chosen) < count:
        for rows in groups.values():
            if depth < len(rows) and len(chosen) < count:
                chosen.append(rows[depth])
        depth += 1
    return sorted(chosen)


def _fresh_cache_dir(path: str) -> str | None:
    """A private Arrow cache for a local folder (None, the shared cache, for a Hub id).

    datasets 5.2 keys its cache of a local parquet folder by the folder's name, config and file patterns,
    not by the files' contents: a dataset rebuilt in place (or another folder of the same name) would be
    served from the stale cache. A fresh cache per load reads what is on disk now; it is removed at exit.
    """
    if not os.path.isdir(path):
        return None
    cache = tempfile.mkdtemp(prefix="crossagent-sft-data-")
    atexit.register(shutil.rmtree, cache, ignore_errors=True)
    return cache


def corrupt_parquet_shard(path: str) -> tuple[str, str] | None:
    """The first parquet file of a local dataset folder that does not read, with why; None if all read."""
    import pyarrow.parquet as pq

    folder = pathlib.Path(path)
    if not folder.is_dir():
        return None
    for shard in sorted(folder.rglob("*.parquet")):
        try:
            pq.read_table(shard)
        except Exception as error:  # pyarrow raises ArrowInvalid, OSError, ... for a damaged file
            return str(shard), " ".join(str(error).split())
    return None


def load_sft_split(
    path: str,
    action_spaces: str,
    split: str,
    spaces: tuple[str, ...],
    max_rows: int | None = None,
    stratify: bool = False,
) -> Dataset:
    """One split of the dataset config `action_spaces` (`mixed` or a space), checked against `spaces`.

    `max_rows` keeps the first rows, or with `stratify` the first rows of each action space in turn
    (round robin), so that a capped validation split still scores every space.
    """
    try:
        configs = get_dataset_config_names(path)
    except Exception as error:  # datasets raises several types for a missing or unreadable folder
        raise ValueError(
            f"dataset {path!r} cannot be read ({error}); pass a Hub-format dataset folder."
        ) from error
    if action_spaces not in configs:
        raise ValueError(
            f"dataset {path!r} has no config {action_spaces!r} (it has {configs}); the mixed-action dataset "
            "has `mixed` and one config per action space."
        )
    where = f"dataset {path!r} config {action_spaces!r} split {split!r}"
    try:
        dataset = load_dataset(path, action_spaces, split=split, cache_dir=_fresh_cache_dir(path))
    except Exception as error:  # datasets wraps a broken shard in DatasetGenerationError
        shard = corrupt_parquet_shard(path)
        if shard is not None:
            raise ValueError(
                f"{where}: parquet shard {shard[0]} is corrupt ({shard[1]}); rebuild the dataset or replace that file"
            ) from error
        if isinstance(error, ValueError):
            raise ValueError(f"{where} cannot be loaded: {error}") from error
        raise
    check_columns(dataset, where)
    if max_rows is not None and len(dataset) > max_rows:
        dataset = dataset.select(
            stratified_indices(dataset["action_space"], max_rows) if stratify else range(max_rows)
        )
    if len(dataset) == 0:
        raise ValueError(f"{where} has no rows.")
    check_labels(dataset, spaces, where)
    logger.info("%s: %d rows", where, len(dataset))
    return dataset
