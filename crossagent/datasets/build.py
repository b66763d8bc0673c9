"""Build the mixed-action dataset (D_mix): the scripted expert over tasks and seeds, labelled in every space.

Folder layout (Hub format, loaded offline with `datasets.load_dataset(folder[, config])`):

    README.md                         dataset card with the `configs:` YAML, counts, command, license
    generation.json                   every setting, package versions, episode counts
    latent_codebook.safetensors       the latent space's k-means codebook, fit on the train episodes
    data/<space>/<split>-*.parquet    fingerprinted shards; `mixed` lists all of them

Everything is written into a staged temporary folder that replaces `output_dir` only at the end.
"""

from __future__ import annotations

import json
import logging
import pathlib
import time
from collections.abc import Iterator, Mapping, Sequence

import crossagent
from crossagent.cards import CARD_FILE, save_card
from crossagent.datasets.card import HISTORY_RULES, count_rows, mixed_dataset_card, target_counts
from crossagent.datasets.collect import ExpertEpisode, play_all
from crossagent.datasets.config import MixedBuildConfig, command_line
from crossagent.datasets.draw import (
    allocate_episodes,
    check_no_unseen_targets,
    data_worlds,
    draw_summary,
    select_build_tasks,
)
from crossagent.datasets.hub_folder import staged_folder
from crossagent.datasets.rows import (
    DATA_SPLITS,
    TRAIN,
    assign_splits,
    dense_raw_rows,
    episode_rows,
    fit_codebook,
    label_latent,
)
from crossagent.datasets.schema import LabelError, check_labels
from crossagent.datasets.validate import CODEBOOK_FILE
from crossagent.datasets.writer import write_shards
from crossagent.environment import package_versions
from crossagent.executors.latent import LatentCodebook
from modeling_crossagent.action_spaces import ACTION_SPACES

logger = logging.getLogger(__name__)

SETTINGS_FILE = "generation.json"
VERSIONED = ("datasets", "pyarrow", "numpy", "pillow", "numba")

Rows = dict[str, dict[str, list[dict]]]
"""space -> split -> rows."""


def all_rows(rows: Rows) -> Iterator[dict]:
    """Every row of `rows[space][split]`."""
    for by_split in rows.values():
        for split_rows in by_split.values():
            yield from split_rows


def check_rows(rows: Rows, num_latent_codes: int, where: str) -> None:
    """Fail the build on a row whose space or texts are invalid, naming the row."""
    for space, by_split in rows.items():
        for split, split_rows in by_split.items():
            for row in split_rows:
                try:
                    check_labels(row, space, num_latent_codes)
                except LabelError as error:
                    raise LabelError(f"{where}: row {row['id']!r} ({space}/{split}): {error}") from None


def recorded_versions() -> dict[str, str]:
    """crossagent's version and those of the packages that shape the rows, for the build settings."""
    installed = package_versions(VERSIONED)
    return {"crossagent": crossagent.__version__} | {
        name: version or "not installed" for name, version in installed.items()
    }


def write_folder(
    output_dir: str | pathlib.Path,
    rows: Rows,
    settings: dict,
    card: Mapping[str, object],
    rows_per_shard: int,
    codebook: LatentCodebook | None = None,
    overwrite: bool = False,
    dense: Rows | None = None,
) -> pathlib.Path:
    """Write a complete mixed-action folder (shards, codebook, settings JSON, card) through a staged folder;
    `dense[space][split]`: a space config's own rows, not in `mixed` (see `write_shards`)."""
    with staged_folder(output_dir, overwrite) as staging:
        shards = write_shards(staging, rows, rows_per_shard, dense)
        if codebook is not None:
            codebook.save(staging / CODEBOOK_FILE)
            (staging / CODEBOOK_FILE).chmod(0o644)  # saved through a private temporary file
        config_counts, category_counts = count_rows(rows, dense)
        settings = {
            **settings,
            "rows": config_counts,
            "rows_per_category": category_counts,
            "rows_per_target": target_counts(rows),
            "shards": shards,
        }
        (staging / SETTINGS_FILE).write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n")
        save_card(
            mixed_dataset_card(folder=staging, shards=shards, rows=rows, dense=dense, **card),
            staging / CARD_FILE,
        )
    return pathlib.Path(output_dir)


def episodes_to_rows(
    episodes: Sequence[ExpertEpisode], indices: Sequence[int], splits: Sequence[str], config: MixedBuildConfig
) -> Rows:
    rows: Rows = {space: {split: [] for split in DATA_SPLITS} for space in ACTION_SPACES}
    for episode, index, split in zip(episodes, indices, splits):
        for space, space_rows in episode_rows(episode, index, config).items():
            rows[space][split].extend(space_rows)
    return rows


def episodes_to_dense_raw(
    episodes: Sequence[ExpertEpisode], indices: Sequence[int], splits: Sequence[str], config: MixedBuildConfig
) -> Rows:
    """The dense `raw` config's rows (one per raw tick), split like the episodes."""
    rows: dict[str, list[dict]] = {split: [] for split in DATA_SPLITS}
    for episode, index, split in zip(episodes, indices, splits):
        rows[split].extend(dense_raw_rows(episode, index, config))
    return {"raw": rows}


def expert_card(
    config: MixedBuildConfig,
    num_tasks: int,
    played: int,
    failed: int,
    episode_counts: Mapping[str, int],
    codebook: LatentCodebook,
    draw: Mapping[str, Mapping[str, int]],
) -> dict:
    """The card fields (`mixed_dataset_card` keywords other than shards and rows) of an expert build."""
    return {
        "episodes": episode_counts,
        "tasks": num_tasks,
        "draw": draw,
        "pretty_name": "CrossAgent mixed-action dataset (MineSim expert)",
        "description": (
            "Decisions of CrossAgent's scripted expert in MineSim, each labelled in every action space "
            "(raw keyboard and mouse, motion primitives, pixel-grounded object actions, language skills, "
            "latent codes): the balanced cold-start SFT data (D_mix) of *Training One Model to Master "
            "Cross-Level Agentic Actions via Reinforcement Learning* (arXiv 2512.09706)."
        ),
        "how_made": (
            f"The scripted expert (privileged world state, `crossagent.tasks.expert`) played {num_tasks} "
            f"tasks (`{config.tasks}`, suite splits {config.task_splits}; no `ood_unseen` task, so none "
            f"of their targets is named by any row): {config.episodes_per_task} episodes per in-domain task"
            + (
                f", and {config.category_episodes} episodes shared by each category's `ood_seen` tasks "
                f"(each task at least 1 and at most {config.episodes_per_task}; the table below), so "
                "that categories weigh alike whatever their number of tasks"
                if config.category_episodes
                else " and per `ood_seen` task"
            )
            + f". Episode w plays the task's scene on world seed `scene seed + {config.first_world} + w`, "
            "never one of the evaluation's worlds for that task (checked at build time). Frames are "
            f"{config.image_size}x{config.image_size}. {played} episodes were played, "
            f"{failed} failed ({'kept' if config.keep_failed else 'dropped'}). Every decision point "
            "gives one row per action space where it has a label, so `mixed` is balanced by construction "
            "(motion is missing when a chunk does nothing, grounding while the target is out of view). "
            + (
                "The `raw` config has one row per raw tick (the frame before it, rendered by the same "
                "episode), as a raw agent acting every tick sees them. "
                if config.dense_raw
                else ""
            )
            + f"The latent codebook ({codebook.num_codes} codes of {codebook.chunk_length} ticks) was fit on "
            "the train episodes' raw ticks (every window, stride 1). Episodes are split by a hash of "
            f"(split seed, task, world): {episode_counts['validation']} to validation."
        ),
        "command": command_line(config),
        "history_rule": HISTORY_RULES[config.history_mode].format(k=config.history_length),
        "codebook": f"{codebook.num_codes} codes of {codebook.chunk_length} raw ticks",
    }


def build_mixed(
    config: MixedBuildConfig,
    output_dir: str | pathlib.Path,
    overwrite: bool = False,
    progress: bool = True,
) -> dict:
    """Build the dataset folder; returns a summary (rows per config, episodes, seconds, rows/s)."""
    start = time.perf_counter()
    tasks = select_build_tasks(config)
    allocation = allocate_episodes(tasks, config)
    worlds = {task.id: data_worlds(task, allocation[task.id], config) for task in tasks}
    jobs = [
        (task_id, world, config.image_size, config.png_compress_level, config.record_states, config.dense_raw)
        for task_id, task_worlds in worlds.items()
        for world in task_worlds
    ]
    played = list(play_all(jobs, config.workers, progress))
    phases = {"play": time.perf_counter() - start}
    failed = [f"{e.task_id}/w{e.world}" for e in played if not e.success]
    kept = [(i, e) for i, e in enumerate(played) if e.success or config.keep_failed]
    unsolved = sorted({task.id for task in tasks} - {e.task_id for _, e in kept})
    if unsolved:  # a drawn task without rows would be called `ood_seen` with no data behind it
        raise ValueError(
            f"the expert solved none of the episodes of {len(unsolved)} task(s): {', '.join(unsolved[:10])}; "
            "leave them out of --tasks, play more worlds (--episodes-per-task), or pass --keep-failed"
        )
    indices, episodes = [i for i, _ in kept], [e for _, e in kept]
    splits = assign_splits(
        [f"{e.task_id}/w{e.world}" for e in episodes], config.validation_fraction, config.split_seed
    )
    codebook = fit_codebook([e for e, s in zip(episodes, splits) if s == TRAIN], config)
    phases["codebook"] = time.perf_counter() - start - sum(phases.values())
    label_latent(episodes, codebook)
    rows = episodes_to_rows(episodes, indices, splits, config)
    check_rows(rows, codebook.num_codes, "build")
    dense = episodes_to_dense_raw(episodes, indices, splits, config) if config.dense_raw else None
    check_rows(dense or {}, codebook.num_codes, "build (dense raw)")
    for built in (rows, dense or {}):
        check_no_unseen_targets(all_rows(built), "build")
    phases["rows"] = time.perf_counter() - start - sum(phases.values())
    episode_counts = {split: splits.count(split) for split in DATA_SPLITS}
    settings = {
        "config": config.content_settings(),
        "command": command_line(config),
        "versions": recorded_versions(),
        "tasks": [task.id for task in tasks],
        "worlds": worlds,
        "episodes": {"played": len(played), "kept": len(episodes), **episode_counts, "failed": failed},
        "codebook": {
            "file": CODEBOOK_FILE,
            "num_codes": codebook.num_codes,
            "chunk_length": codebook.chunk_length,
        },
    }
    draw = draw_summary(tasks, allocation)
    settings["draw"] = draw
    card = expert_card(config, len(tasks), len(played), len(failed), episode_counts, codebook, draw)
    folder = write_folder(output_dir, rows, settings, card, config.rows_per_shard, codebook, overwrite, dense)
    seconds = time.perf_counter() - start
    phases["write"] = seconds - sum(phases.values())
    counts, _ = count_rows(rows, dense)
    total = counts["mixed"]["total"] + (counts["raw"]["total"] if dense else 0)
    logger.info(
        "mixed dataset: %d rows in %.1f s (%.0f rows/s) -> %s", total, seconds, total / seconds, folder
    )
    return {
        "folder": str(folder),
        "rows": counts,
        "episodes": settings["episodes"] | {"failed": len(failed)},
        "codebook_codes": codebook.num_codes,
        "seconds": round(seconds, 2),
        "rows_per_second": round(total / seconds, 1),
        "phase_seconds": {name: round(value, 2) for name, value in phases.items()},
    }
