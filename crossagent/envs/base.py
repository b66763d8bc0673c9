"""The Env protocol: what the rollout loop, the executors and the evaluation need from any backend.

A backend is a gymnasium-API env (MineSim, MineRL, Crafter) that also says which backend it is and
builds the executors able to act in it:

    obs, info = env.reset(seed=3, options={"task": task})
    obs, reward, terminated, truncated, info = env.step(action)   # info["events"]: [(tick, kind, name)]

`action` is one raw tick as a MineRL-style dict (every button 0/1 and `camera` [pitch, yaw] degrees);
`obs["image"]` is the frame (H, W, 3) uint8, all a policy may see. `info["events"]` lists the task
events of the step as `(tick, kind, name)`, which a task's `success.matches(kind, name)` reads; a
backend with no statistics counters derives them (MineRL: inventory deltas; Crafter: achievements).
`terminated` is True when the episode cannot go on (the player died).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Env(Protocol):
    """One world of one backend."""

    backend: str
    """The backend's name in `crossagent.envs.BACKENDS` (e.g. `minesim`, `crafter`)."""
    observation_space: Any
    action_space: Any

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        """Start an episode: `options["task"]` is the task (its scene where the backend can set one)."""
        ...

    def step(self, action: dict[str, Any]) -> tuple[dict, float, bool, bool, dict]:
        """One raw tick; the info's `events` are the task events it caused."""
        ...

    def executors(self, codebook: Any = None) -> Any:
        """The `ExecutorSet` acting in this env: one executor per action space the backend supports
        (latent only with a `codebook`)."""
        ...

    def close(self) -> None: ...


class BackendUnavailable(ImportError, RuntimeError):
    """A backend's optional dependency is not installed; the message names the install command (a RuntimeError
    too, so the CLI prints it as one line)."""


class UnknownBackendError(ValueError):
    """`make_env` got a name that is no backend; the message lists the known ones."""


class UnsupportedAction(ValueError):
    """The backend cannot express this action; the message says what it can take instead."""
