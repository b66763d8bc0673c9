"""Executors: turn one parsed high-level action into raw ticks, one executor per action space.

`ExecutorSet.begin(text_or_action, observation)` parses and starts the right executor (an invalid action
starts a one-tick no-op); the rollout then calls `next_tick(observation)` until it returns None and books
an `ActionCost`. `to_raw(action, observation)` is the first tick, for the single-turn RL reward, which compares
it with the ground-truth tick by `equivalent_ticks` (the one equivalence rule, in `equivalence`).
"""

from crossagent.executors.base import (
    DONE,
    FAILED,
    RUNNING,
    TIMEOUT,
    Executor,
    ExecutorBase,
    InvalidAction,
    no_op_env,
)
from crossagent.executors.cost import INVALID, ActionCost, CostLedger
from crossagent.executors.dispatch import ExecutorSet, NoOpExecutor, Started, minesim_executors, to_raw
from crossagent.executors.equivalence import equivalent_actions, equivalent_ticks
from crossagent.executors.latent import LatentCodebook, LatentExecutor
from crossagent.executors.learned import LearnedPolicyExecutor, LowLevelPolicy
from crossagent.executors.motion import MotionExecutor
from crossagent.executors.raw import RawExecutor, env_to_raw, raw_to_env

__all__ = [
    "DONE", "FAILED", "INVALID", "RUNNING", "TIMEOUT",
    "ActionCost", "CostLedger", "Executor", "ExecutorBase", "ExecutorSet", "InvalidAction",
    "LatentCodebook", "LatentExecutor", "LearnedPolicyExecutor", "LowLevelPolicy", "MotionExecutor",
    "NoOpExecutor", "RawExecutor", "Started", "env_to_raw", "equivalent_actions", "equivalent_ticks", "minesim_executors",
    "no_op_env", "raw_to_env", "to_raw",
]  # fmt: skip
