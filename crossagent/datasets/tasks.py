"""Publish the task suite as a Hub-format dataset folder: one parquet shard per split plus a README card.

`datasets.load_dataset(folder)` reads it offline through the card's `configs:` block. Shards are
fingerprinted and the folder staged (`crossagent.datasets.hub_folder`), so a rebuild never loads stale
rows from the `datasets` cache and a crash never leaves half a dataset behind.
"""

from __future__ import annotations

import collections
import logging
import pathlib
from collections.abc import Sequence

import datasets
import pyarrow.parquet as pq
from huggingface_hub import DatasetCard, DatasetCardData

import crossagent
from crossagent import cards
from crossagent.datasets.card import TAGS, size_category
from crossagent.datasets.hub_folder import (
    configs_metadata,
    dataset_info_metadata,
    staged_folder,
    write_fingerprinted_shard,
)
from crossagent.tasks.splits import IN_DOMAIN, SPLITS, UNSEEN_SHARE
from crossagent.tasks.task import CATEGORIES, Task

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "tasks_dataset_card.md.jinja"
PRETTY_NAME = "CrossAgent MineSim task suite"

FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "category": datasets.Value("string"),
        "target": datasets.Value("string"),
        "split": datasets.Value("string"),
        "instruction": datasets.Value("string"),
        "instructions": datasets.List(datasets.Value("string")),
        "seed": datasets.Value("int64"),
        "max_ticks": datasets.Value("int32"),
        "success_kind": datasets.Value("string"),
        "success_name": datasets.Value("string"),
        "scene": datasets.Value("string"),
        "hints": datasets.Value("string"),
    }
)


def category_counts(tasks: Sequence[Task]) -> dict[str, dict[str, int]]:
    """`{category: {split: n, "total": n}}` in the fixed category order."""
    counts: dict[str, dict[str, int]] = {}
    tally = collections.Counter((task.category, task.split) for task in tasks)
    for category in CATEGORIES:
        row = {split: tally[(category, split)] for split in SPLITS}
        row["total"] = sum(row.values())
        counts[category] = row
    return counts


def tasks_card_data(folder: pathlib.Path, shards: dict[str, str], total: int) -> DatasetCardData:
    """The card's metadata: one `default` config (a shard per split), its `dataset_info` (of the shards in
    `folder`), license, categories."""
    return DatasetCardData(
        license="apache-2.0",
        pretty_name=PRETTY_NAME,
        language=["en"],
        task_categories=["reinforcement-learning"],
        size_categories=[size_category(total)],
        tags=TAGS,
        configs=configs_metadata({"default": shards}),
        dataset_info=dataset_info_metadata(FEATURES, folder, {"default": shards}),
    )


def tasks_dataset_card(tasks: Sequence[Task], folder: pathlib.Path, shards: dict[str, str]) -> DatasetCard:
    counts = category_counts(tasks)
    return cards.dataset_card(
        CARD_TEMPLATE,
        tasks_card_data(folder, shards, len(tasks)),
        pretty_name=PRETTY_NAME,
        counts=counts,
        totals={split: sum(row[split] for row in counts.values()) for split in SPLITS},
        total=len(tasks),
        train_ids=[task.id for task in tasks if task.split == IN_DOMAIN],
        unseen_share=round(100 * UNSEEN_SHARE),
        version=crossagent.__version__,
    )


def _write_shard(tasks: Sequence[Task], folder: pathlib.Path, split: str) -> str:
    """Write one split's parquet shard; returns its path relative to the dataset folder."""
    rows = [task.to_row() for task in tasks if task.split == split]
    dataset = datasets.Dataset.from_list(rows, features=FEATURES)
    return "data/" + write_fingerprinted_shard(dataset, folder / "data", f"{split}-00000-of-00001")


def write_dataset(
    tasks: Sequence[Task], output_dir: str | pathlib.Path, overwrite: bool = False
) -> pathlib.Path:
    """Write `tasks` as a dataset folder at `output_dir`; returns the folder."""
    with staged_folder(output_dir, overwrite) as staging:
        shards = {split: _write_shard(tasks, staging, split) for split in SPLITS}
        cards.save_card(tasks_dataset_card(tasks, staging, shards), staging / cards.CARD_FILE)
    return pathlib.Path(output_dir)


def shard_files(folder: str | pathlib.Path, split: str) -> list[pathlib.Path]:
    """The parquet shards of one split in a folder written by `write_dataset`."""
    return sorted(pathlib.Path(folder).glob(f"data/{split}-*.parquet"))


def load_tasks_dataset(folder: str | pathlib.Path) -> list[Task]:
    """Read a folder written by `write_dataset` back into `Task`s (split by split, suite order kept)."""
    tasks = []
    for split in SPLITS:
        for shard in shard_files(folder, split):
            tasks.extend(Task.from_row(row) for row in pq.read_table(shard).to_pylist())
    return tasks
