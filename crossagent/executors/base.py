"""The executor interface: start with an action and an observation, then give raw ticks until done.

An executor stands in for a learned low-level policy (ROCKET-1, STEVE-1 in the paper). Scripted ones
declare their competence bounds in their docstrings; a learned policy plugs in through
`LearnedPolicyExecutor`. Every executor stops after `max_ticks` ticks whatever happens.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

from modeling_crossagent.action_spaces import BUTTONS

EnvAction = dict
"""A MineRL-compatible action dict: every name of BUTTONS -> 0/1, `camera` -> float32 [pitch, yaw] degrees."""


def no_op_env() -> EnvAction:
    """The env dict of a no-op tick: every button released, the camera still."""
    env = {button: 0 for button in BUTTONS}
    env["camera"] = np.zeros(2, dtype=np.float32)
    return env


RUNNING, DONE, FAILED, TIMEOUT, IDLE = "running", "done", "failed", "timeout", "idle"
"""Executor status values: DONE = it finished its job, FAILED = it gave up (see `reason`)."""


class InvalidAction(ValueError):
    """The action cannot be executed here (e.g. a latent index beyond the codebook)."""


@runtime_checkable
class Executor(Protocol):
    """What the rollout needs from an executor of any space, scripted or learned."""

    max_ticks: int
    """The tick cap: `next_tick` returns None at the latest after this many ticks."""

    def start(self, action: Any, observation: Any) -> None:
        """Begin executing `action` from `observation`; raises InvalidAction if it cannot."""

    def next_tick(self, observation: Any) -> EnvAction | None:
        """The next raw tick given the current observation, or None when the action is over."""


class ExecutorBase:
    """Shared bookkeeping: status, tick count and the tick cap. Subclasses write `_start` and `_tick`."""

    space: str = ""

    def __init__(self, max_ticks: int):
        if max_ticks < 1:
            raise ValueError(f"max_ticks: expected >= 1, got {max_ticks}")
        self.max_ticks = max_ticks
        self.ticks = 0
        self.status = IDLE
        self.reason = ""

    def start(self, action, observation) -> None:
        if getattr(action, "space", None) != self.space:
            raise InvalidAction(f"{type(self).__name__}: expected a {self.space} action, got {action!r}")
        self.ticks, self.status, self.reason = 0, RUNNING, ""
        self._start(action, observation)

    def next_tick(self, observation) -> EnvAction | None:
        if self.status == RUNNING and self.ticks >= self.max_ticks:
            self.status = self._status_at_cap()
        tick = self._tick(observation) if self.status == RUNNING else None
        if tick is None:
            if self.status == RUNNING:
                self.status = DONE
            if self.ticks or self.status == IDLE:
                return None
            # Every action advances the world at least one tick, so a model call can never stall time.
            tick = no_op_env()
        self.ticks += 1
        return tick

    def fail(self, reason: str) -> None:
        """End the action as a failure (the next `next_tick` returns None)."""
        self.status, self.reason = FAILED, reason

    def _status_at_cap(self) -> str:
        """The status when the tick cap is reached: a timeout unless the executor says it was done."""
        return TIMEOUT

    def _start(self, action, observation) -> None:
        raise NotImplementedError

    def _tick(self, observation) -> EnvAction | None:
        raise NotImplementedError


class PlannedExecutor(ExecutorBase):
    """An open-loop executor: `plan(action)` gives every tick up front; they are replayed in order."""

    def plan(self, action) -> list[EnvAction]:
        raise NotImplementedError

    def _start(self, action, observation) -> None:
        self._planned = self.plan(action)

    def _status_at_cap(self) -> str:
        return DONE if self.ticks >= len(self._planned) else TIMEOUT

    def _tick(self, observation) -> EnvAction | None:
        return self._planned[self.ticks] if self.ticks < len(self._planned) else None
