"""How the mixed-action data is drawn from the suite: which tasks, how many episodes each, on which worlds.

- Tasks: the config's id patterns within its suite splits (`in_domain`, `ood_seen`); an `ood_unseen` task
  never enters action data, and naming one is an error.
- Episodes: every in-domain task gets `episodes_per_task`. With `category_episodes` set, each category's
  `ood_seen` tasks share that many episodes (balance across categories: interact_block's 8 tasks get as
  many episodes as craft_item's 400+ would, up to the per-task cap), each task at least one (every target
  is covered), at most `episodes_per_task`; the remainder goes to tasks in a fixed hash order.
- No unseen target: every row of a build is checked (`check_no_unseen_targets`): its task, its action and
  its history must name no `ood_unseen` target.
- Worlds: episode w of a task plays its scene on world seed `scene seed + first_world + w`. A world whose
  seed is one of the task's evaluation seeds (episodes 0..`EVAL_SEED_HORIZON`-1) is refused, so no
  evaluation episode replays a world the data was drawn from.
"""

from __future__ import annotations

import collections
import fnmatch
from collections.abc import Iterable

from crossagent.datasets.config import MixedBuildConfig
from crossagent.datasets.schema import LabelError
from crossagent.rollout.records import training_world_seed
from crossagent.tasks import IN_DOMAIN, OOD_UNSEEN, Task, load_suite
from crossagent.tasks.seeding import task_seed
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import ActionParseError


def select_build_tasks(config: MixedBuildConfig) -> list[Task]:
    """The tasks matching any of the config's comma-separated patterns within its splits, in suite order.

    Raises ValueError when a pattern names an `ood_unseen` task by its exact id, or matches nothing."""
    patterns = [p.strip() for p in config.tasks.split(",") if p.strip()]
    splits = config.split_names()
    suite = load_suite()
    for pattern in patterns:
        unseen = [t.id for t in suite if t.split == OOD_UNSEEN and t.id == pattern]
        if unseen:
            raise ValueError(
                f"tasks={config.tasks!r}: {unseen[0]} is an ood_unseen task, whose target must appear in no "
                "action data; choose an in_domain or ood_seen task (`crossagent tasks list --split ood_seen`)"
            )
    tasks = [
        task
        for task in suite
        if task.split in splits and any(fnmatch.fnmatchcase(task.id, pattern) for pattern in patterns)
    ]
    if not tasks:
        raise ValueError(
            f"tasks={config.tasks!r} (splits {config.task_splits}) matches no task; "
            "see `crossagent tasks list` for the ids"
        )
    return tasks


def allocate_episodes(tasks: list[Task], config: MixedBuildConfig) -> dict[str, int]:
    """Task id -> expert episodes to play (see the module docstring), in the order of `tasks`."""
    cap = config.episodes_per_task
    counts = {task.id: cap for task in tasks}
    if not config.category_episodes:
        return counts
    by_category: dict[str, list[Task]] = collections.defaultdict(list)
    for task in tasks:
        if task.split != IN_DOMAIN:
            by_category[task.category].append(task)
    for members in by_category.values():
        ordered = sorted(members, key=lambda task: task_seed(task.id, "data-episodes"))
        share, extra = divmod(config.category_episodes, len(ordered))
        for rank, task in enumerate(ordered):
            counts[task.id] = max(1, min(cap, share + (rank < extra)))
    return counts


def data_worlds(task: Task, episodes: int, config: MixedBuildConfig) -> list[int]:
    """The world offsets of a task's data episodes; ValueError when one is an evaluation world."""
    worlds = [config.first_world + w for w in range(episodes)]
    for world in worlds:
        training_world_seed(task, world, f"first_world={config.first_world}")
    return worlds


def draw_summary(tasks: list[Task], allocation: dict[str, int]) -> dict[str, dict[str, int]]:
    """Per category: tasks and episodes drawn, in_domain and ood_seen apart (the card's table)."""
    summary: dict[str, dict[str, int]] = {}
    for task in tasks:
        row = summary.setdefault(
            task.category,
            {"in_domain_tasks": 0, "in_domain_episodes": 0, "ood_seen_tasks": 0, "ood_seen_episodes": 0},
        )
        prefix = "in_domain" if task.split == IN_DOMAIN else "ood_seen"
        row[f"{prefix}_tasks"] += 1
        row[f"{prefix}_episodes"] += allocation[task.id]
    return summary


def named_objects(text: str) -> set[str]:
    """The block, item or mob names an action text names (grounding objects, skill targets)."""
    try:
        action = parse(text)
    except ActionParseError:
        return set()
    name = getattr(action, "object", None) or getattr(action, "target", None)
    return {name} if isinstance(name, str) else set()


def check_no_unseen_targets(rows: Iterable[dict], where: str) -> int:
    """Raise LabelError when a row belongs to an `ood_unseen` task or one of its texts (action, history)
    names an `ood_unseen` target; returns the rows checked. Every build runs it on all its rows."""
    unseen = {task.target for task in load_suite() if task.split == OOD_UNSEEN}
    checked = 0
    for row in rows:
        names = {row["task_id"].split(":", 1)[-1]}
        for text in (row["action"], *(row.get("history") or ())):
            names |= named_objects(text)
        if names & unseen:
            raise LabelError(
                f"{where}: row {row['id']!r} names {sorted(names & unseen)}, ood_unseen target(s) that must "
                "appear in no action data (see crossagent/tasks/splits.py)"
            )
        checked += 1
    return checked
