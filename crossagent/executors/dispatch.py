"""One executor per space, the invalid-action path, and `to_raw` (the first tick an action leads to)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from crossagent.executors.base import RUNNING, EnvAction, Executor, InvalidAction, PlannedExecutor, no_op_env
from crossagent.executors.cost import INVALID
from crossagent.executors.motion import MotionExecutor
from crossagent.executors.raw import RawExecutor
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import NUM_LATENT_CODES, Action, ActionParseError

logger = logging.getLogger(__name__)


class NoOpExecutor(PlannedExecutor):
    """What an invalid action executes: one no-op tick."""

    space = INVALID

    def __init__(self):
        super().__init__(max_ticks=1)

    def start(self, action, observation) -> None:  # accepts anything: it is the fallback
        self.ticks, self.status, self.reason = 0, RUNNING, ""
        self._planned = [no_op_env()]


@dataclass
class Started:
    """The outcome of `ExecutorSet.begin`: the executor now running and how the action was booked."""

    executor: Executor
    space: str
    """The action's space, or INVALID."""
    action: Action | None
    error: str = ""
    """Why the action was invalid (a parse or execution error message)."""


@dataclass
class ExecutorSet:
    """The executors of an agent, one per action space; `begin` turns model text into a running executor."""

    executors: dict[str, Executor] = field(
        default_factory=lambda: {"raw": RawExecutor(), "motion": MotionExecutor()}
    )
    """Space -> executor (one instance each; `begin` restarts it)."""
    known_objects: frozenset[str] | None = None
    """Object names the parser accepts (None: any [a-z0-9_]+)."""
    num_latent_codes: int = NUM_LATENT_CODES
    """The model's latent vocabulary size."""

    def begin(self, action: Action | str, observation) -> Started:
        """Parse (if text) and start the action's executor; an invalid action starts a one-tick no-op."""
        try:
            if isinstance(action, str):
                action = parse(
                    action, known_objects=self.known_objects, num_latent_codes=self.num_latent_codes
                )
            executor = self.executors.get(action.space)
            if executor is None:
                raise InvalidAction(f"no executor for the {action.space} space in this agent")
            executor.start(action, observation)
            return Started(executor, action.space, action)
        except (ActionParseError, InvalidAction) as exc:
            logger.debug("invalid action: %s", exc)
            fallback = NoOpExecutor()
            fallback.start(None, observation)
            return Started(fallback, INVALID, None, str(exc))


def minesim_executors(sim, codebook=None, known_objects=None, max_ticks: int = 200) -> ExecutorSet:
    """The scripted executors of every space for one MineSim (latent only when a codebook is given)."""
    from crossagent.executors.grounding import GroundingExecutor
    from crossagent.executors.latent import LatentExecutor
    from crossagent.executors.skill import SkillExecutor

    executors = {
        "raw": RawExecutor(),
        "motion": MotionExecutor(),
        "grounding": GroundingExecutor(sim, max_ticks=max_ticks),
        "skill": SkillExecutor(sim, max_ticks=max_ticks),
    }
    if codebook is not None:
        executors["latent"] = LatentExecutor(codebook)
    known = None if known_objects is None else frozenset(known_objects)
    return ExecutorSet(executors, known_objects=known)


def to_raw(action: Action | str, observation, executors: ExecutorSet | None = None) -> EnvAction:
    """The first raw tick `action` leads to from `observation` (a no-op when it is invalid or ends at once).

    Starts the space's executor afresh on `observation`; executors must not step the world themselves.
    """
    started = (executors or ExecutorSet()).begin(action, observation)
    return started.executor.next_tick(observation) or no_op_env()
