"""The Crafter SFT dataset: the scripted Crafter policy's decisions in the mixed-action schema.

    build_crafter_data(CrafterDataConfig(output_dir="outputs/data/crafter"))
    datasets.load_dataset("outputs/data/crafter", "mixed")

The scripted agent (`crossagent.agents.crafter`) plays each achievement task of the chosen splits
(`in_domain` and `ood_seen`: `ood_unseen` achievements appear in no action data) through the rollout
loop on the `crafter` backend. Every decision of a successful episode is one row: its frame, the
instruction, the previous action texts, the action text in the space the agent chose (grounding when
the target is in view, else raw) and `raw_action`, the first raw tick it led to. Unlike the MineSim
builder, a decision is labelled in the space the policy chose only (no per-space relabelling: Crafter
has no MineSim expert to label motion, skill and latent), so the configs are `mixed`, `raw` and
`grounding`. Episodes are split into train/validation whole, by a hash of (seed, task, episode).
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from crossagent.agents.crafter import CrafterScriptedAgent
from crossagent.datasets.build import recorded_versions, write_folder
from crossagent.datasets.collect import encode_png
from crossagent.datasets.rows import DATA_SPLITS, assign_splits
from crossagent.executors.cost import INVALID
from crossagent.executors.raw import env_to_raw
from crossagent.rollout import EpisodeSpec, RolloutConfig, RolloutHooks, run_rollout
from crossagent.tasks.crafter import crafter_suite
from modeling_crossagent.action_spaces import ACTION_SPACES, format_action

logger = logging.getLogger(__name__)


@dataclass
class CrafterDataConfig:
    """One build of the Crafter dataset."""

    output_dir: str | os.PathLike = "outputs/data/crafter"
    """The dataset folder (Hub format)."""
    splits: tuple[str, ...] = ("in_domain", "ood_seen")
    """Crafter task splits whose achievements are played (never `ood_unseen`)."""
    episodes_per_task: int = 4
    """Episodes per achievement task (world seeds derived from the task id and episode)."""
    task_ticks: int = 300
    """Step budget of an episode; only successful episodes are kept."""
    frame_size: int = 64
    """Frame side (the tiny model's input size)."""
    history_length: int = 0
    """Previous action texts stored per row (SFT may show fewer)."""
    validation_fraction: float = 0.1
    """Share of episodes (whole) held out for validation."""
    seed: int = 0
    """Seed of the train/validation split."""
    num_envs: int = 8
    """Worlds stepped together."""
    rows_per_shard: int = 5000
    overwrite: bool = False
    """Replace an existing folder."""
    extra: dict = field(default_factory=dict)
    """Recorded in the settings file as is (e.g. the command that built it)."""


def build_crafter_data(config: CrafterDataConfig) -> Path:
    """Play, keep successful episodes, write the folder; returns its path."""
    for split in config.splits:
        if split == "ood_unseen":
            raise ValueError(
                "splits: ood_unseen achievements must stay out of the action data; use in_domain/ood_seen"
            )
    tasks = [task for split in config.splits for task in crafter_suite(split, max_ticks=config.task_ticks)]
    specs = [EpisodeSpec.of(task, episode) for task in tasks for episode in range(config.episodes_per_task)]
    pending: dict[int, list[dict]] = {}
    slot_of: dict[EpisodeSpec, int] = {}
    kept: dict[EpisodeSpec, list[dict]] = {}
    awaiting_raw: dict[int, dict] = {}

    def on_decision(record) -> None:
        if record.tick == 0:
            pending[record.slot] = []
            slot_of[record.spec] = record.slot
        if record.space == INVALID:
            awaiting_raw.pop(record.slot, None)
            return
        task = record.spec.task
        row = {
            "task_id": task.id,
            "category": task.category,
            "task_split": task.split,
            "instruction": task.instructions[record.spec.episode % len(task.instructions)],
            "image": {"bytes": encode_png(record.observation["image"], 1), "path": None},
            "history": list(record.history[-config.history_length :]) if config.history_length else [],
            "action_space": record.space,
            "action": record.text,
            "raw_action": None,
            "episode": record.spec.episode,
            "step": record.tick,
            "state": None,
        }
        pending[record.slot].append(row)
        awaiting_raw[record.slot] = row

    def on_tick(slot: int, action, events) -> None:
        row = awaiting_raw.pop(slot, None)
        if row is not None:
            row["raw_action"] = format_action(env_to_raw(action))

    def on_episode_end(outcome) -> None:
        slot = slot_of.pop(outcome.spec, None)
        if outcome.success and slot is not None:
            kept[outcome.spec] = pending.pop(slot, [])

    hooks = RolloutHooks(on_decision=on_decision, on_tick=on_tick, on_episode_end=on_episode_end)
    rollout = RolloutConfig(num_envs=config.num_envs, frame_size=config.frame_size, env="crafter",
                            history_length=max(config.history_length, 1))  # fmt: skip
    played = sum(1 for _ in run_rollout(CrafterScriptedAgent(seed=config.seed), specs, rollout, hooks=hooks))
    if not kept:
        raise RuntimeError(
            "no Crafter episode succeeded: nothing to write; raise task_ticks or episodes_per_task"
        )
    episodes = sorted(kept, key=lambda spec: (spec.task.id, spec.episode))
    keys = [f"{spec.task.id}/{spec.episode}" for spec in episodes]
    splits = assign_splits(keys, config.validation_fraction, config.seed)
    rows = {space: {split: [] for split in DATA_SPLITS} for space in ACTION_SPACES}
    for index, (spec, split) in enumerate(zip(episodes, splits)):
        for row in kept[spec]:
            row["id"] = f"{spec.task.id}/{spec.episode}/{row['step']}"
            row["episode"] = index
            rows[row["action_space"]][split].append(row)
    counts = {split: splits.count(split) for split in DATA_SPLITS}
    settings = {"builder": "crafter", "config": asdict(config) | {"output_dir": str(config.output_dir)},
                "played": played, "kept": len(episodes), "versions": recorded_versions()}  # fmt: skip
    card = {
        "episodes": counts,
        "tasks": len(tasks),
        "pretty_name": "CrossAgent Crafter dataset (scripted policy)",
        "description": "Decisions of CrossAgent's scripted Crafter policy on Crafter's achievement tasks, "
        "in the mixed-action schema: the Crafter counterpart of the cold-start SFT data.",
        "how_made": f"The scripted Crafter policy played {config.episodes_per_task} episodes of each of "
        f"{len(tasks)} achievement tasks (splits {', '.join(config.splits)}; budget {config.task_ticks} "
        f"steps; {config.frame_size}x{config.frame_size} frames); {len(episodes)} of {played} succeeded and "
        "were kept. Each decision is one row in the space the policy chose (grounding when the target is in "
        "view, else raw).",
        "command": config.extra.get("command", "crossagent.datasets.crafter.build_crafter_data"),
        "history_rule": f"the last {config.history_length} action texts of the episode",
        "codebook": "none (no latent labels)",
    }
    path = write_folder(
        config.output_dir, rows, settings, card, config.rows_per_shard, overwrite=config.overwrite
    )
    logger.info("Crafter dataset: %s (%d episodes kept of %d)", path, len(episodes), played)
    return path
