"""Expert episodes -> dataset rows: the split of each episode, latent labels, one row per (decision, space).

`mixed` is balanced by construction: every decision point contributes one row in every space where it
has a label (raw, skill and latent always; motion unless the chunk does nothing; grounding unless the
target is out of view or the expert backs off). The per-space configs hold the same rows, except the dense
`raw` config (`dense_raw`): one row per raw tick, since a raw agent acts every tick.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Sequence

import numpy as np

from crossagent.datasets.collect import ExpertEpisode, decision_starts
from crossagent.datasets.config import MixedBuildConfig
from crossagent.executors.latent import LatentCodebook, episode_chunks
from crossagent.tasks import get_task
from crossagent.tasks.labels import assign_latent
from modeling_crossagent.action_spaces import ACTION_SPACES, format_action

logger = logging.getLogger(__name__)

TRAIN, VALIDATION = "train", "validation"
DATA_SPLITS = (TRAIN, VALIDATION)


def assign_splits(keys: Sequence[str], fraction: float, seed: int) -> list[str]:
    """Split of each episode (named by a unique key): the ceil(fraction * n) episodes with the smallest
    SHA-256 of (seed, key) go to validation.

    Whole episodes only, so no frame of a validation episode is ever seen in training. With two or more
    episodes and a fraction > 0 validation gets at least one, and train always keeps one.
    """
    count = min(math.ceil(fraction * len(keys)), len(keys) - 1) if len(keys) >= 2 else 0
    digest = [hashlib.sha256(f"{seed}/{key}".encode()).hexdigest() for key in keys]
    held_out = set(sorted(range(len(keys)), key=digest.__getitem__)[:count])
    return [VALIDATION if i in held_out else TRAIN for i in range(len(keys))]


def fit_codebook(episodes: Sequence[ExpertEpisode], config: MixedBuildConfig) -> LatentCodebook:
    """k-means codebook over every `chunk_length`-tick window (stride 1) of the episodes' raw ticks.

    Uses `num_codes` codes, or the number of distinct chunks when the data has fewer.
    """
    ticks = [episode.raw_ticks for episode in episodes if len(episode.raw_ticks) >= config.chunk_length]
    if not ticks:
        raise ValueError(
            f"no training episode has {config.chunk_length} raw ticks to fit the latent codebook; "
            "play more episodes (--episodes-per-task) or lower --chunk-length"
        )
    chunks = episode_chunks(ticks, config.chunk_length, stride=1)
    distinct = len(np.unique(chunks.reshape(len(chunks), -1), axis=0))
    num_codes = min(config.num_codes, distinct)
    if num_codes < config.num_codes:
        logger.warning(
            "only %d distinct chunks: fitting %d latent codes, not %d", distinct, num_codes, config.num_codes
        )
    return LatentCodebook.fit(chunks, num_codes, seed=config.codebook_seed)


def label_latent(episodes: Sequence[ExpertEpisode], codebook: LatentCodebook) -> None:
    for episode in episodes:
        assign_latent(episode.decisions, episode.raw_ticks, codebook)


def _instruction(episode: ExpertEpisode):
    task = get_task(episode.task_id)
    return task, task.instructions[episode.world % len(task.instructions)]


def dense_raw_rows(episode: ExpertEpisode, index: int, config: MixedBuildConfig) -> list[dict]:
    """One raw row per raw tick of the episode, in tick order: the frame just before the tick, the tick,
    the previous ticks as history. `step` is the tick index; a decision's first tick carries its state.
    Of a run of identical consecutive ticks only the first `dense_raw_max_repeat` are kept (0: all).

    A decision's first-tick row has the image, action and history of that decision's raw row."""
    if len(episode.tick_frames) != len(episode.raw_ticks):
        raise ValueError(
            f"{episode.task_id}/w{episode.world}: {len(episode.tick_frames)} tick frames for "
            f"{len(episode.raw_ticks)} raw ticks; play the episode with record_tick_frames=True"
        )
    task, instruction = _instruction(episode)
    raw_texts = [format_action(tick) for tick in episode.raw_ticks]
    states = dict(zip(decision_starts(episode.decisions), episode.states))
    k = config.history_length
    cap = config.dense_raw_max_repeat
    repeats = [0] * len(raw_texts)  # ticks since the run of identical ticks that this tick is in began
    for tick in range(1, len(raw_texts)):
        if raw_texts[tick] == raw_texts[tick - 1]:
            repeats[tick] = repeats[tick - 1] + 1
    return [
        {
            "id": f"{episode.task_id}/w{episode.world}/t{tick}/raw",
            "task_id": episode.task_id,
            "category": task.category,
            "task_split": task.split,
            "instruction": instruction,
            "image": {"bytes": image, "path": None},
            "history": raw_texts[max(0, tick - k) : tick] if k else [],
            "action_space": "raw",
            "action": text,
            "raw_action": text,
            "episode": index,
            "step": tick,
            "state": states.get(tick),
        }
        for tick, (text, image) in enumerate(zip(raw_texts, episode.tick_frames))
        if not cap or repeats[tick] < cap
    ]


def episode_rows(episode: ExpertEpisode, index: int, config: MixedBuildConfig) -> dict[str, list[dict]]:
    """Rows of one episode per action space, one per decision point, in step order (latent labels must be
    assigned): the `mixed` config's rows."""
    task, instruction = _instruction(episode)
    raw_texts = [format_action(tick) for tick in episode.raw_ticks]
    k = config.history_length
    rows: dict[str, list[dict]] = {space: [] for space in ACTION_SPACES}
    said: dict[str, list[str]] = {space: [] for space in ACTION_SPACES}
    tick = 0  # raw ticks played before the current decision
    for step, (decision, image, state) in enumerate(zip(episode.decisions, episode.frames, episode.states)):
        texts = decision.texts()
        previous_ticks = raw_texts[max(0, tick - k) : tick] if k else []
        for space in ACTION_SPACES:
            text = texts[space]
            if text is None:
                continue
            if space == "raw" or config.history_mode == "raw":
                history = previous_ticks  # a raw agent acts every tick: it has seen every tick
            else:
                history = said[space][-k:] if k else []
            rows[space].append(
                {
                    "id": f"{episode.task_id}/w{episode.world}/{step}/{space}",
                    "task_id": episode.task_id,
                    "category": task.category,
                    "task_split": task.split,
                    "instruction": instruction,
                    "image": {"bytes": image, "path": None},
                    "history": list(history),
                    "action_space": space,
                    "action": text,
                    "raw_action": texts["raw"],
                    "episode": index,
                    "step": step,
                    "state": state,
                }
            )
            said[space].append(text)
        tick += decision.ticks
    return rows
