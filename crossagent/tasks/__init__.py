"""The 800+ task suite, success predicates, splits and the scripted expert.

from crossagent.tasks import get_task, load_suite, select_tasks
task = get_task("mine_block:oak_log")
crafts = select_tasks("craft_item:*", split="ood_unseen")
"""

from crossagent.tasks.splits import (
    ACTION_DATA_SPLITS,
    IN_DOMAIN,
    OOD_SEEN,
    OOD_UNSEEN,
    PAPER_OOD,
    SPLITS,
    TRAIN_TASK_IDS,
)
from crossagent.tasks.suite import UnknownTaskError, get_task, load_suite, select_tasks
from crossagent.tasks.task import (
    CATEGORIES,
    CRAFT_ITEM,
    DEFAULT_MAX_TICKS,
    INTERACT_BLOCK,
    KILL_ENTITY,
    MINE_BLOCK,
    SMELT_ITEM,
    SuccessEvent,
    Task,
)

__all__ = [
    "ACTION_DATA_SPLITS",
    "CATEGORIES",
    "CRAFT_ITEM",
    "DEFAULT_MAX_TICKS",
    "INTERACT_BLOCK",
    "IN_DOMAIN",
    "KILL_ENTITY",
    "MINE_BLOCK",
    "OOD_SEEN",
    "OOD_UNSEEN",
    "PAPER_OOD",
    "SMELT_ITEM",
    "SPLITS",
    "TRAIN_TASK_IDS",
    "SuccessEvent",
    "Task",
    "UnknownTaskError",
    "get_task",
    "load_suite",
    "select_tasks",
]  # fmt: skip
