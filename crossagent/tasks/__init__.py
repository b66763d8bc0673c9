"""The 800+ task suite, success predicates, splits and the scripted expert.

from crossagent.tasks import get_task, load_suite, select_tasks
task = get_task("mine_block:oak_log")
crafts = select_tasks("craft_item:*", split="test")
"""

from crossagent.tasks.splits import SPLITS, TEST, TRAIN, TRAIN_TASK_IDS
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
    "CATEGORIES", "CRAFT_ITEM", "DEFAULT_MAX_TICKS", "INTERACT_BLOCK", "KILL_ENTITY", "MINE_BLOCK", "SMELT_ITEM",
    "SPLITS", "TEST", "TRAIN", "TRAIN_TASK_IDS", "SuccessEvent", "Task", "UnknownTaskError", "get_task",
    "load_suite", "select_tasks",
]  # fmt: skip
