"""Publish the suite as a Hub-format dataset folder: one parquet shard per split plus a README card.

`datasets.load_dataset(folder)` reads it offline through the card's `configs:` block. The folder is
written under a temporary sibling and renamed into place at the end, so a crash never leaves half a
dataset behind.
"""

from __future__ import annotations

import collections
import logging
import pathlib
import shutil
import tempfile
from collections.abc import Sequence

import datasets
import jinja2

import crossagent
from crossagent.tasks.splits import SPLITS
from crossagent.tasks.task import CATEGORIES, Task

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "tasks_dataset_card.md.jinja"
CARDS_DIR = pathlib.Path(__file__).resolve().parents[2] / "model_cards"

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


def shard_path(split: str) -> str:
    return f"data/{split}-00000-of-00001.parquet"


def category_counts(tasks: Sequence[Task]) -> dict[str, dict[str, int]]:
    """`{category: {split: n, "total": n}}` in the fixed category order."""
    counts: dict[str, dict[str, int]] = {}
    tally = collections.Counter((task.category, task.split) for task in tasks)
    for category in CATEGORIES:
        row = {split: tally[(category, split)] for split in SPLITS}
        row["total"] = sum(row.values())
        counts[category] = row
    return counts


def render_card(tasks: Sequence[Task]) -> str:
    if not (CARDS_DIR / CARD_TEMPLATE).is_file():
        raise FileNotFoundError(
            f"dataset card template {CARDS_DIR / CARD_TEMPLATE} is missing; run from a source checkout"
        )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(CARDS_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    counts = category_counts(tasks)
    return env.get_template(CARD_TEMPLATE).render(
        counts=counts,
        splits=SPLITS,
        totals={split: sum(row[split] for row in counts.values()) for split in SPLITS},
        total=len(tasks),
        shards={split: shard_path(split) for split in SPLITS},
        train_ids=[task.id for task in tasks if task.split == "train"],
        example=tasks[0].to_row() if tasks else None,
        version=crossagent.__version__,
    )


def write_dataset(
    tasks: Sequence[Task], output_dir: str | pathlib.Path, overwrite: bool = False
) -> pathlib.Path:
    """Write `tasks` as a dataset folder at `output_dir`; returns the folder."""
    output_dir = pathlib.Path(output_dir)
    if output_dir.exists() and not overwrite:
        raise FileExistsError(f"{output_dir} already exists; pass overwrite=True (--overwrite) to replace it")
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-", dir=output_dir.parent))
    try:
        (staging / "data").mkdir()
        for split in SPLITS:
            rows = [task.to_row() for task in tasks if task.split == split]
            table = datasets.Dataset.from_list(rows, features=FEATURES)
            table.to_parquet(str(staging / shard_path(split)))
            logger.info("wrote %d %s tasks", len(rows), split)
        (staging / "README.md").write_text(render_card(tasks), encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp makes it private; the dataset is meant to be shared
        if output_dir.exists():
            shutil.rmtree(output_dir)
        staging.rename(output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return output_dir


def load_tasks_dataset(folder: str | pathlib.Path) -> list[Task]:
    """Read a folder written by `write_dataset` back into `Task`s (all splits, suite order kept).

    datasets 5.2 caches a local folder under its name alone (not its content or mtime), so a rebuilt
    folder would load stale rows from ~/.cache; force a fresh read.
    """
    loaded = datasets.load_dataset(str(folder), download_mode="force_redownload")
    return [Task.from_row(row) for split in SPLITS if split in loaded for row in loaded[split]]
