"""The Crafter backend (crafter 1.8.3, with opensimplex 0.3): Crafter behind our Env protocol.

    env = make_env("crafter", frame_size=64)
    obs, info = env.reset(seed=0, options={"task": task})
    obs, reward, terminated, truncated, info = env.step({"forward": 1, ...})   # a raw tick: move_up

Actions are raw ticks (MineRL-style dicts) that must be one of Crafter's 17 actions, as mapped in
`crossagent.executors.crafter.CRAFTER_RAW`; an int 0..16 is taken as Crafter's own index too. Any
other tick raises UnsupportedAction naming the forms Crafter takes. Observations: `image` is Crafter's
frame (frame_size x frame_size, its 9 x 7 view plus the inventory rows), `inventory` its inventory
(vitals included, as the frame shows them). `info["events"]` holds `(tick, "achievement", name)` for
each achievement unlocked in the step; `terminated` is True when the player died. The episode length
is the task's budget (the rollout's business); Crafter's own 10000-step limit is off. `sim` is the
Crafter env itself (for executors and the privileged scripted agent).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from crossagent.envs.base import BackendUnavailable, UnsupportedAction
from crossagent.executors.base import InvalidAction
from crossagent.executors.crafter import CRAFTER_ACTIONS, crafter_action, crafter_executors

CRAFTER_VERSION = "1.8.3"


def _crafter():
    try:
        import crafter
    except ImportError as error:
        raise BackendUnavailable(
            'the crafter backend needs crafter: pip install "crossagent[crafter]" (crafter==1.8.3, opensimplex==0.3)'
        ) from error
    return crafter


class CrafterEnv:
    """One Crafter world (see the module docstring)."""

    backend = "crafter"
    metadata: ClassVar[dict] = {"render_modes": ["rgb_array"]}

    def __init__(self, frame_size: int = 64, area: tuple[int, int] = (64, 64)):
        import gymnasium as gym

        crafter = _crafter()
        self.frame_size = frame_size
        self.sim = crafter.Env(area=area, size=(frame_size, frame_size), reward=False, length=None)
        self.task: Any = None
        self._ticks = 0
        self._unlocked: set[str] = set()
        self.observation_space = gym.spaces.Dict(
            {"image": gym.spaces.Box(0, 255, (frame_size, frame_size, 3), np.uint8)}
        )
        self.action_space = gym.spaces.Discrete(len(CRAFTER_ACTIONS))

    @property
    def unwrapped(self) -> CrafterEnv:
        return self

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        self.task = (options or {}).get("task")
        if seed is not None:
            # Crafter seeds each episode's world with hash((seed, episode)); pinning both makes
            # reset(seed=s) the same world every time, whatever ran in this env before.
            self.sim._seed, self.sim._episode = int(seed), 0
        frame = self.sim.reset()
        self._ticks, self._unlocked = 0, set()
        return self._observe(frame), {"events": []}

    def step(self, action: dict[str, Any] | int):
        if self.sim._player is None:
            raise RuntimeError("CrafterEnv.step() called before reset(); call env.reset(...) first")
        index = action if isinstance(action, int | np.integer) else self._index(action)
        if not 0 <= int(index) < len(CRAFTER_ACTIONS):
            raise UnsupportedAction(f"Crafter action index {index} is not in 0..{len(CRAFTER_ACTIONS) - 1}")
        frame, _, _, info = self.sim.step(int(index))
        self._ticks += 1
        achievements = info["achievements"]
        new = sorted(name for name, count in achievements.items() if count > 0 and name not in self._unlocked)
        self._unlocked.update(new)
        events = [(self._ticks, "achievement", name) for name in new]
        terminated = self.sim._player.health <= 0
        return (
            self._observe(frame),
            0.0,
            terminated,
            False,
            {"events": events, "achievements": set(self._unlocked)},
        )

    @staticmethod
    def _index(action: dict[str, Any]) -> int:
        try:
            return crafter_action(action)
        except (InvalidAction, ValueError) as error:
            raise UnsupportedAction(str(error)) from None

    def executors(self, codebook: Any = None):
        """The Crafter executors of every space (`crossagent.executors.crafter`)."""
        return crafter_executors(self, codebook=codebook)

    def render(self) -> np.ndarray:
        return self.sim.render()

    def close(self) -> None:
        pass

    def _observe(self, frame: np.ndarray) -> dict[str, Any]:
        return {"image": frame, "inventory": dict(self.sim._player.inventory)}
