"""`crossagent tasks check`: the expert and the random agent over the suite, scored as evaluation scores them.

Both agents run through the evaluation's rollout (`crossagent.rollout.run_rollout`, the episodes of
`crossagent eval --episodes-per-task N`: world seeds from `episode_seed`): the scripted expert is the
evaluation's `ExpertAgent`, whose texts go through the action parser and the executors like any model's,
and the random agent is the evaluation's `RandomAgent`. The check proves the suite solvable within its
budgets through that path (the expert's success per category, with a bar: `failures_of`) and measures how
much of it a policy gets by chance.

`check_controllers` is a separate diagnostic (`crossagent tasks check --controllers`): the expert's own
controllers driving the simulator directly (`run_expert`, how the SFT data is played), without the parser
and the executors' text path.
"""

from __future__ import annotations

import logging
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tqdm import tqdm

from crossagent.tasks.expert import run_expert
from crossagent.tasks.task import CATEGORIES, Task, in_other_world

logger = logging.getLogger(__name__)

OVERALL_BAR = 0.98
"""`crossagent tasks check` exits 1 when the expert solves fewer episodes than this overall..."""
CATEGORY_BAR = 0.95
"""...or fewer than this in any category."""


@dataclass
class CategoryResult:
    category: str
    tasks: int
    """Episodes played (tasks x worlds)."""
    expert_success: float
    """Fraction of episodes the expert solved."""
    expert_mean_ticks: float
    """Mean ticks of the expert's successful episodes."""
    random_success: float
    """Fraction of episodes the random agent solved (0 when it was not run)."""
    failures: list[str]
    """Task ids the expert did not solve."""


def _by_category(tasks, outcomes: dict, lucky: dict) -> list[CategoryResult]:
    """outcomes: (task id, world) -> (success, ticks) of the expert; lucky: -> success of the random agent."""
    by_id: dict[str, list] = {}
    for (task_id, world), (ok, ticks) in outcomes.items():
        by_id.setdefault(task_id, []).append((task_id, ok, ticks, lucky.get((task_id, world), False)))
    rows: dict[str, list] = {c: [] for c in CATEGORIES}
    for task in tasks:
        rows[task.category] += by_id.get(task.id, [])
    results = []
    for category, played in rows.items():
        if not played:
            continue
        wins = [ticks for _, ok, ticks, _ in played if ok]
        results.append(
            CategoryResult(
                category=category,
                tasks=len(played),
                expert_success=len(wins) / len(played),
                expert_mean_ticks=statistics.mean(wins) if wins else float("nan"),
                random_success=sum(luck for *_, luck in played) / len(played),
                failures=[task_id for task_id, ok, _, _ in played if not ok],
            )
        )
    return results


def _play(agent, specs, config, env_factory, progress: bool) -> dict[tuple[str, int], tuple[bool, int]]:
    from crossagent.rollout.loop import run_rollout

    played = {}
    outcomes = run_rollout(agent, specs, config, env_factory)
    for outcome in tqdm(outcomes, total=len(specs), desc=f"tasks check: {agent.name}", unit="episode",
                        disable=not progress):  # fmt: skip
        if outcome.error:
            logger.warning("%s episode %d: %s", outcome.spec.task.id, outcome.spec.episode, outcome.error)
        played[(outcome.spec.task.id, outcome.spec.episode)] = (outcome.success, outcome.steps)
    return played


def check_tasks(
    tasks: Sequence[Task],
    seed: int = 0,
    random_agent: bool = True,
    worlds: int = 1,
    num_envs: int = 8,
    frame_size: int = 64,
    env_factory: Callable[[], Any] | None = None,
    progress: bool = True,
) -> list[CategoryResult]:
    """Play every task `worlds` times (the evaluation's episodes 0..worlds-1) with the evaluation's
    `ExpertAgent` (texts -> parser -> executors) and, unless `random_agent` is False, its
    `RandomAgent(seed=seed)`, through `run_rollout`; results per category."""
    from crossagent.agents.base import RandomAgent
    from crossagent.agents.expert import ExpertAgent
    from crossagent.rollout.loop import RolloutConfig
    from crossagent.rollout.records import EpisodeSpec

    specs = [EpisodeSpec.of(task, world) for world in range(worlds) for task in tasks]
    config = RolloutConfig(num_envs=num_envs, frame_size=frame_size)
    expert = _play(ExpertAgent(), specs, config, env_factory, progress)
    lucky = {}
    if random_agent:
        random_played = _play(RandomAgent(seed=seed), specs, config, env_factory, progress)
        lucky = {key: ok for key, (ok, _) in random_played.items()}
    return _by_category(tasks, expert, lucky)


def check_controllers(tasks: Sequence[Task], sim_factory, worlds: int = 1) -> list[CategoryResult]:
    """Diagnostic: the expert's controllers on the simulator (`run_expert`, as the data builder plays),
    not through the text path; world w is the scene on seed + w (`in_other_world`). No random agent."""
    sim = sim_factory()
    outcomes = {}
    runs = [(task, world) for world in range(worlds) for task in tasks]
    for task, world in tqdm(runs, desc="tasks check --controllers", unit="episode"):
        episode = run_expert(in_other_world(task, world), sim)
        outcomes[(task.id, world)] = (episode.success, episode.ticks)
    return _by_category(tasks, outcomes, {})


def overall(results: Sequence[CategoryResult]) -> dict:
    tasks = sum(r.tasks for r in results)
    return {
        "tasks": tasks,
        "expert_success": sum(r.expert_success * r.tasks for r in results) / tasks,
        "random_success": sum(r.random_success * r.tasks for r in results) / tasks,
    }


def failures_of(results: Sequence[CategoryResult]) -> list[str]:
    """Why the check fails (empty: it passes): the expert under CATEGORY_BAR in a category or OVERALL_BAR overall."""
    reasons = [
        f"{r.category}: expert {100 * r.expert_success:.1f}% < {100 * CATEGORY_BAR:.0f}%"
        for r in results
        if r.expert_success < CATEGORY_BAR
    ]
    total = overall(results)["expert_success"]
    if total < OVERALL_BAR:
        reasons.append(f"overall: expert {100 * total:.1f}% < {100 * OVERALL_BAR:.0f}%")
    return reasons


def format_table(results: Sequence[CategoryResult], random_agent: bool = True) -> str:
    def rate(value: float) -> str:
        return f"{100 * value:.1f}%" if random_agent else "-"

    lines = [
        "| category | episodes | expert success | expert mean ticks | random success |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        ticks = "-" if math.isnan(r.expert_mean_ticks) else f"{r.expert_mean_ticks:.1f}"
        lines.append(
            f"| {r.category} | {r.tasks} | {100 * r.expert_success:.1f}% | {ticks} | {rate(r.random_success)} |"
        )
    total = overall(results)
    lines.append(
        f"| **all** | {total['tasks']} | {100 * total['expert_success']:.1f}% | | {rate(total['random_success'])} |"
    )
    return "\n".join(lines)


def results_json(results: Sequence[CategoryResult], path: str = "rollout") -> dict:
    return {
        "path": path,
        "categories": [asdict(r) for r in results],
        "overall": overall(results),
        "bar": {"overall": OVERALL_BAR, "category": CATEGORY_BAR},
        "failed": failures_of(results),
    }
