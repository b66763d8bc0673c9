"""A learned low-level policy as an executor: the same interface the scripted executors have."""

from __future__ import annotations

from typing import Any, Protocol

from crossagent.executors.base import EnvAction, ExecutorBase
from crossagent.executors.raw import env_to_raw, raw_to_env
from modeling_crossagent.action_spaces import RawAction


class LowLevelPolicy(Protocol):
    """A goal-conditioned policy (ROCKET-1- or STEVE-1-like): one raw tick per observation."""

    def reset(self, action: Any, observation: Any) -> None:
        """Condition on a new high-level action (e.g. embed its text, segment its point)."""

    def __call__(self, observation: Any) -> RawAction | EnvAction | None:
        """The next raw tick, or None when the policy judges the action done."""


class LearnedPolicyExecutor(ExecutorBase):
    """Runs a `LowLevelPolicy` for one action space, capped at `max_ticks`.

    Competence bound: whatever the policy learned; the cap is the only guarantee. Ticks are validated
    through `env_to_raw` so a policy cannot emit an action the raw space cannot express.
    """

    def __init__(self, policy: LowLevelPolicy, space: str, max_ticks: int):
        super().__init__(max_ticks=max_ticks)
        self.policy, self.space = policy, space

    def _start(self, action, observation) -> None:
        self.policy.reset(action, observation)

    def _tick(self, observation) -> EnvAction | None:
        tick = self.policy(observation)
        if tick is None:
            return None
        return raw_to_env(tick if isinstance(tick, RawAction) else env_to_raw(tick))
