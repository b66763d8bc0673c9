"""Evaluation on Crafter: Crafter's own score next to our task success rate.

    report = evaluate_crafter("random", CrafterEvalConfig(episodes=20, output_dir="outputs/crafter"))
    report["score"]["crafter_score"]          # percent, as the Crafter paper reports it

Two protocols, both through `crossagent.rollout` with the `crafter` backend:
- score: Crafter's episodes (`crafter:play`: up to 10000 steps, ended by death); each achievement's
  success rate s_i is the percentage of episodes that unlocked it at least once, and the score is
  S = exp(mean_i ln(1 + s_i)) - 1 over the 22 achievements (Hafner, "Benchmarking the Spectrum of
  Agent Capabilities", 2022), a geometric-mean-style average that rewards rare achievements.
- tasks: each achievement as a task (`crossagent.tasks.crafter`) with its own budget; the success rate
  per task, per split and overall, as on MineSim.
The report is written to `<output_dir>/crafter_eval.json`.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from crossagent.agents.crafter import load_crafter_agent
from crossagent.files import write_json_atomic
from crossagent.rollout import EpisodeSpec, RolloutConfig, RolloutHooks, run_rollout
from crossagent.tasks.crafter import (
    ACHIEVEMENTS,
    CRAFTER_EPISODE_LENGTH,
    CRAFTER_SPLITS,
    DEFAULT_CRAFTER_TICKS,
    crafter_suite,
    play_task,
)
from crossagent.tasks.seeding import task_seed

logger = logging.getLogger(__name__)

REPORT_FILE = "crafter_eval.json"
PUBLISHED_SCORES = {
    "human_experts": 50.5, "dreamerv2_1M_steps": 10.0, "ppo_1M_steps": 4.6, "rainbow_1M_steps": 4.3,
    "plan2explore_1M_steps_unsupervised": 2.1, "rnd_1M_steps_unsupervised": 2.0, "random": 1.6,
}  # fmt: skip
"""The Crafter paper's scores (percent; agents trained for 1M env steps), to print next to ours."""


def crafter_score(success_rates: Mapping[str, float]) -> float:
    """Crafter's score (percent) from per-achievement success rates in percent: exp(mean ln(1+s)) - 1."""
    missing = sorted(set(ACHIEVEMENTS) - set(success_rates))
    if missing:
        raise ValueError(f"crafter_score needs a success rate for every achievement; missing {missing}")
    for name, rate in success_rates.items():
        if not 0.0 <= rate <= 100.0:
            raise ValueError(f"success rate of {name!r}: expected a percentage in [0, 100], got {rate}")
    return math.exp(sum(math.log(1.0 + success_rates[a]) for a in ACHIEVEMENTS) / len(ACHIEVEMENTS)) - 1.0


def achievement_rates(unlocked_per_episode: Sequence[Iterable[str]]) -> dict[str, float]:
    """Percent of episodes that unlocked each achievement."""
    if not unlocked_per_episode:
        raise ValueError("achievement_rates: no episodes")
    sets = [set(unlocked) for unlocked in unlocked_per_episode]
    return {a: 100.0 * sum(a in s for s in sets) / len(sets) for a in ACHIEVEMENTS}


@dataclass
class CrafterEvalConfig:
    """One Crafter evaluation."""

    episodes: int = 20
    """Episodes of Crafter's own protocol for the score (0 skips it)."""
    episode_length: int = CRAFTER_EPISODE_LENGTH
    """Step budget of a score episode (Crafter's is 10000; death ends one earlier)."""
    task_episodes: int = 0
    """Episodes per achievement task for the success rate (0 skips it)."""
    task_ticks: int = DEFAULT_CRAFTER_TICKS
    """Step budget of an achievement task."""
    split: str | None = None
    """Only the achievement tasks of this split (in_domain, ood_seen, ood_unseen)."""
    num_envs: int = 8
    """Worlds stepped together."""
    frame_size: int = 64
    """Frame side in pixels (Crafter's default 64)."""
    seed: int = 0
    """Offset of the episodes' world seeds."""
    output_dir: str | os.PathLike = "outputs/crafter-eval"
    """Where crafter_eval.json goes."""
    progress: bool = True
    """Show a tqdm bar."""


class _Unlocks(RolloutHooks):
    """Collects the achievements each episode unlocked from the rollout's per-tick events."""

    def __init__(self):
        super().__init__(on_decision=self._decision, on_tick=self._tick, on_episode_end=self._end)
        self._slot_of: dict[Any, int] = {}
        self._current: dict[int, set[str]] = {}
        self.episodes: list[tuple[Any, set[str], int]] = []

    def _decision(self, record) -> None:
        if record.tick == 0:  # an episode (re)starts in this slot: forget what a crashed attempt saw
            self._current[record.slot] = set()
            self._slot_of[record.spec] = record.slot

    def _tick(self, slot: int, action, events) -> None:
        self._current.setdefault(slot, set()).update(
            name for _, kind, name in events if kind == "achievement"
        )

    def _end(self, outcome) -> None:
        slot = self._slot_of.pop(outcome.spec, None)
        unlocked = self._current.get(slot, set()) if slot is not None else set()
        self.episodes.append((outcome, set(unlocked), outcome.steps))


def _rollout(agent, specs, config: CrafterEvalConfig, hooks: RolloutHooks, desc: str):
    rollout = RolloutConfig(
        num_envs=config.num_envs, frame_size=config.frame_size, env="crafter", history_length=8
    )
    with tqdm(total=len(specs), desc=desc, unit="ep", disable=not config.progress) as bar:
        for outcome in run_rollout(agent, specs, rollout, hooks=hooks):
            bar.update(1)
            yield outcome


def evaluate_crafter(agent: Any, config: CrafterEvalConfig | None = None, **agent_kwargs) -> dict[str, Any]:
    """Run the score and/or task protocols with `agent` (`random`, `scripted`, a model folder or an
    Agent; `agent_kwargs` go to a model's loader, e.g. max_new_tokens) and write the report; returns it."""
    config = config or CrafterEvalConfig()
    if config.episodes < 0 or config.task_episodes < 0:
        raise ValueError("episodes and task_episodes must be >= 0")
    if config.episodes == 0 and config.task_episodes == 0:
        raise ValueError("nothing to evaluate: set episodes (score) or task_episodes (success rate) > 0")
    agent = load_crafter_agent(agent, **agent_kwargs)
    report: dict[str, Any] = {
        "agent": agent.name,
        "config": asdict(config) | {"output_dir": str(config.output_dir)},
    }
    if config.episodes:
        start = time.perf_counter()
        task = play_task(config.episode_length)
        specs = [
            EpisodeSpec(task, i, task_seed(task.id, f"seed-{config.seed}-episode-{i}"))
            for i in range(config.episodes)
        ]
        unlocks = _Unlocks()
        for _ in _rollout(agent, specs, config, unlocks, f"crafter score {agent.name}"):
            pass
        rates = achievement_rates([unlocked for _, unlocked, _ in unlocks.episodes])
        lengths = [steps for _, _, steps in unlocks.episodes]
        report["score"] = {
            "crafter_score": crafter_score(rates),
            "published": PUBLISHED_SCORES,
            "episodes": len(lengths),
            "mean_episode_length": sum(lengths) / len(lengths),
            "achievement_success_rates": rates,
            "seconds": time.perf_counter() - start,
            "per_episode": [
                {"episode": o.spec.episode, "seed": o.spec.seed, "steps": steps, "achievements": sorted(unlocked),
                 "error": o.error}
                for o, unlocked, steps in sorted(unlocks.episodes, key=lambda e: e[0].spec.episode)
            ],
        }  # fmt: skip
    if config.task_episodes:
        start = time.perf_counter()
        tasks = crafter_suite(config.split, max_ticks=config.task_ticks)
        specs = [EpisodeSpec.of(task, i) for task in tasks for i in range(config.task_episodes)]
        outcomes = list(_rollout(agent, specs, config, RolloutHooks(), f"crafter tasks {agent.name}"))
        report["tasks"] = task_report(outcomes) | {"seconds": time.perf_counter() - start}
    path = write_json_atomic(Path(config.output_dir) / REPORT_FILE, report)
    logger.info("Crafter report: %s", path)
    return report


def task_report(outcomes: Sequence[Any]) -> dict[str, Any]:
    """Success rate (percent) per task, per split and overall, from rollout outcomes."""
    per_task: dict[str, list[bool]] = {}
    split_of: dict[str, str] = {}
    for outcome in outcomes:
        per_task.setdefault(outcome.spec.task.id, []).append(bool(outcome.success))
        split_of[outcome.spec.task.id] = outcome.spec.task.split

    def rate(values: list[bool]) -> float:
        return 100.0 * sum(values) / len(values) if values else float("nan")

    per_split = {
        split: rate([v for task_id, values in per_task.items() if split_of[task_id] == split for v in values])
        for split in CRAFTER_SPLITS
        if any(split_of[t] == split for t in per_task)
    }
    return {
        "success_rate": rate([v for values in per_task.values() for v in values]),
        "per_split": per_split,
        "per_task": {
            task_id: {"success_rate": rate(values), "episodes": len(values)}
            for task_id, values in per_task.items()
        },
    }
