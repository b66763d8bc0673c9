"""The suite as a whole: build it once per process, look tasks up by id, filter them."""

from __future__ import annotations

import difflib
import fnmatch
import functools

from crossagent.tasks.splits import SPLITS
from crossagent.tasks.task import CATEGORIES, Task


class UnknownTaskError(KeyError):
    """A task id that is not in the suite; the message lists the closest ids."""

    def __str__(self) -> str:  # KeyError would print the repr of its argument
        return str(self.args[0])


@functools.cache
def _suite() -> tuple[Task, ...]:
    from crossagent.tasks.generators import build_suite

    return tuple(build_suite())


@functools.cache
def _by_id() -> dict[str, Task]:
    return {task.id: task for task in _suite()}


def load_suite() -> list[Task]:
    """Every task, in category order (mine, kill, craft, smelt, interact) then by id."""
    return list(_suite())


def get_task(task_id: str) -> Task:
    """The task with this id; `UnknownTaskError` listing the closest ids when there is none."""
    try:
        return _by_id()[task_id]
    except KeyError:
        close = difflib.get_close_matches(task_id, list(_by_id()), n=5, cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise UnknownTaskError(
            f"unknown task id {task_id!r}{hint} (see `crossagent tasks list` for all ids)"
        ) from None


def select_tasks(
    pattern: str | None = None, *, category: str | None = None, split: str | None = None
) -> list[Task]:
    """Tasks whose id matches a shell pattern (`craft_item:*`, `*:oak_*`), category and split."""
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"category {category!r} is not one of {', '.join(CATEGORIES)}")
    if split is not None and split not in SPLITS:
        raise ValueError(f"split {split!r} is not one of {', '.join(SPLITS)}")
    return [
        task
        for task in _suite()
        if (pattern is None or fnmatch.fnmatchcase(task.id, pattern))
        and (category is None or task.category == category)
        and (split is None or task.split == split)
    ]
