"""`crossagent tasks check`: the expert and a random agent over the suite, one episode per task.

It proves the suite solvable within its budgets (the expert's success rate per category) and measures
how much of that a policy gets by chance (the random agent, through the same runner).
"""

from __future__ import annotations

import dataclasses
import logging
import random
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from tqdm import tqdm

from crossagent.executors.raw import raw_to_env
from crossagent.tasks.expert import run_expert, succeeded
from crossagent.tasks.seeding import task_seed
from crossagent.tasks.task import CATEGORIES, Task
from modeling_crossagent.action_spaces import RawAction

logger = logging.getLogger(__name__)

RANDOM_BUTTONS = ("forward", "back", "left", "right", "jump", "attack", "use")
RANDOM_PRESS = 0.2
"""Probability that the random agent holds each of RANDOM_BUTTONS on a tick."""
RANDOM_MOUSE = 100
"""The random agent's mouse move per tick is uniform in +-RANDOM_MOUSE units (15 degrees)."""


def random_tick(rng: random.Random) -> dict:
    buttons = frozenset(b for b in RANDOM_BUTTONS if rng.random() < RANDOM_PRESS)
    dx, dy = rng.randint(-RANDOM_MOUSE, RANDOM_MOUSE), rng.randint(-RANDOM_MOUSE, RANDOM_MOUSE)
    return raw_to_env(RawAction(buttons, dx, dy))


def run_random(task: Task, sim, seed: int = 0) -> tuple[bool, int]:
    """One random-agent episode: (success, ticks played)."""
    rng = random.Random(task_seed(task.id, f"random-agent-{seed}"))
    sim.reset(task.scene)
    while sim.tick < task.max_ticks:
        sim.step(random_tick(rng))
        if succeeded(sim, task):
            return True, sim.tick
    return False, sim.tick


@dataclass
class CategoryResult:
    category: str
    tasks: int
    """Episodes played (tasks x worlds)."""
    expert_success: float
    """Fraction of tasks the expert solved."""
    expert_mean_ticks: float
    """Mean ticks of the expert's successful episodes."""
    random_success: float
    failures: list[str]
    """Task ids the expert did not solve."""


def in_other_world(task: Task, world: int) -> Task:
    """The task with its scene built on world seed `seed + world` (0: the task itself)."""
    if world == 0:
        return task
    return dataclasses.replace(task, scene={**task.scene, "seed": task.scene["seed"] + world})


def check_tasks(
    tasks: Sequence[Task], sim_factory, seed: int = 0, random_agent: bool = True, worlds: int = 1
) -> list[CategoryResult]:
    """Run the expert (and the random agent) on every task, once per world; results per category.

    `worlds` > 1 also plays each task on the world seeds after its own (same scene, other terrain),
    which measures how robust the expert is rather than whether the suite is solvable.
    """
    sim = sim_factory()
    outcomes: dict[str, list[tuple[str, bool, int, bool]]] = {c: [] for c in CATEGORIES}
    runs = [(task, world) for world in range(worlds) for task in tasks]
    for task, world in tqdm(runs, desc="tasks check", unit="episode"):
        played = in_other_world(task, world)
        episode = run_expert(played, sim)
        lucky = run_random(played, sim, seed)[0] if random_agent else False
        outcomes[task.category].append((task.id, episode.success, episode.ticks, lucky))
    results = []
    for category, rows in outcomes.items():
        if not rows:
            continue
        wins = [ticks for _, ok, ticks, _ in rows if ok]
        results.append(
            CategoryResult(
                category=category,
                tasks=len(rows),
                expert_success=len(wins) / len(rows),
                expert_mean_ticks=statistics.mean(wins) if wins else float("nan"),
                random_success=sum(lucky for *_, lucky in rows) / len(rows),
                failures=[task_id for task_id, ok, _, _ in rows if not ok],
            )
        )
    return results


def overall(results: Sequence[CategoryResult]) -> dict:
    tasks = sum(r.tasks for r in results)
    return {
        "tasks": tasks,
        "expert_success": sum(r.expert_success * r.tasks for r in results) / tasks,
        "random_success": sum(r.random_success * r.tasks for r in results) / tasks,
    }


def format_table(results: Sequence[CategoryResult]) -> str:
    lines = [
        "| category | episodes | expert success | expert mean ticks | random success |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.category} | {r.tasks} | {100 * r.expert_success:.1f}% | {r.expert_mean_ticks:.1f} | "
            f"{100 * r.random_success:.1f}% |"
        )
    total = overall(results)
    lines.append(
        f"| **all** | {total['tasks']} | {100 * total['expert_success']:.1f}% | | {100 * total['random_success']:.1f}% |"
    )
    return "\n".join(lines)


def results_json(results: Sequence[CategoryResult]) -> dict:
    return {"categories": [asdict(r) for r in results], "overall": overall(results)}
