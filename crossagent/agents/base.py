"""The agent interface: one batched call acts for many worlds at once.

The rollout steps B worlds together; at each decision point it asks the agent for B action texts
in one `act` call (the model agent runs one batched `generate`), parses them with the action
grammar and executes them. Agents here: `RandomAgent` (the floor: uniform random raw actions) and
`CallableAgent` (any Python function). The model agent and the scripted expert implement the same
protocol in `crossagent.agents.model` and `crossagent.agents.expert`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import numpy as np

from modeling_crossagent.action_spaces import CLICK_TO_BUTTON, KEY_TO_BUTTON, RawAction, format_action


@runtime_checkable
class Agent(Protocol):
    """What the rollout drives. `act` must return exactly one action text per world."""

    name: str
    """Stable name: recorded in the results file and its suite fingerprint, and in reports."""

    def reset(self, batch_index: int, task: Any, seed: int | None = None) -> None:
        """World slot `batch_index` starts an episode of `task` (world seed `seed`, if known)."""
        ...

    def act(self, observations: list[dict], tasks: list[Any], histories: list[list[str]]) -> list[str]:
        """One action text per world (e.g. `<|raw|>move(3,0) and press(w)`), given each world's
        observation, task and the action texts it already executed this episode."""
        ...


RAW_KEYS: tuple[str, ...] = tuple(KEY_TO_BUTTON)
"""Key names of the raw action text, in the order the grammar writes them in `press(...)`."""
CLICKS: tuple[str, ...] = tuple(CLICK_TO_BUTTON)
_UINT64 = (1 << 64) - 1  # seeds may be negative; the generator takes non-negative entropy


class RandomAgent:
    """Uniform random raw actions: the floor of the benchmark.

    Every key and mouse button is pressed with probability 1/2 independently (uniform over all key
    combinations, like sampling MineRL's action space) and the mouse moves by integers drawn
    uniformly from [-max_mouse, max_mouse]. Deterministic: an episode reset with a world seed
    draws from a generator seeded by (agent seed, world seed), so it does not depend on which slot
    or batch it ran in; without a world seed, by (agent seed, slot, resets of that slot).
    """

    def __init__(self, seed: int = 0, max_mouse: int = 60, name: str = "random") -> None:
        if max_mouse < 0:
            raise ValueError(f"max_mouse must be >= 0, got {max_mouse}")
        self.seed = seed
        self.max_mouse = max_mouse
        self.name = name
        self._rngs: dict[int, np.random.Generator] = {}
        self._resets: dict[int, int] = {}

    def reset(self, batch_index: int, task: Any, seed: int | None = None) -> None:
        count = self._resets.get(batch_index, 0)
        self._resets[batch_index] = count + 1
        entropy = [self.seed, 0, seed] if seed is not None else [self.seed, 1, batch_index, count]
        self._rngs[batch_index] = np.random.default_rng([int(v) & _UINT64 for v in entropy])

    def _sample(self, rng: np.random.Generator) -> str:
        dx, dy = (int(v) for v in rng.integers(-self.max_mouse, self.max_mouse + 1, size=2))
        pressed = rng.random(len(RAW_KEYS) + len(CLICKS)) < 0.5
        keys = [key for key, down in zip(RAW_KEYS, pressed) if down]
        clicks = [button for button, down in zip(CLICKS, pressed[len(RAW_KEYS) :]) if down]
        buttons = {KEY_TO_BUTTON[key] for key in keys} | {CLICK_TO_BUTTON[button] for button in clicks}
        return format_action(RawAction(frozenset(buttons), dx, dy))

    def act(self, observations: list[dict], tasks: list[Any], histories: list[list[str]]) -> list[str]:
        actions = []
        for batch_index in range(len(observations)):
            if batch_index not in self._rngs:
                raise RuntimeError(f"RandomAgent.act: world slot {batch_index} was never reset")
            actions.append(self._sample(self._rngs[batch_index]))
        return actions


class CallableAgent:
    """Wrap a function as an agent.

    `batched=True`: `fn(observations, tasks, histories) -> list[str]` (one call per decision
    point); `batched=False`: `fn(observation, task, history) -> str`, called once per world.
    `on_reset(batch_index, task, seed)` is called on every reset when given.
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        name: str | None = None,
        batched: bool = True,
        on_reset: Callable[[int, Any, int | None], None] | None = None,
    ) -> None:
        if not callable(fn):
            raise TypeError(f"CallableAgent needs a callable, got {type(fn)}")
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "callable")
        self.batched = batched
        self.on_reset = on_reset

    def reset(self, batch_index: int, task: Any, seed: int | None = None) -> None:
        if self.on_reset is not None:
            self.on_reset(batch_index, task, seed)

    def act(self, observations: list[dict], tasks: list[Any], histories: list[list[str]]) -> list[str]:
        if self.batched:
            actions = list(self.fn(observations, tasks, histories))
        else:
            actions = [self.fn(o, t, h) for o, t, h in zip(observations, tasks, histories)]
        if len(actions) != len(observations):
            raise ValueError(
                f"agent {self.name!r} returned {len(actions)} actions for {len(observations)} worlds"
            )
        for index, action in enumerate(actions):
            if not isinstance(action, str):
                raise TypeError(
                    f"agent {self.name!r} returned {type(action).__name__} for world {index}, not str"
                )
        return actions
