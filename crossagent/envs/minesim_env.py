"""Gymnasium environment over MineSim, and a batched form for N worlds.

    env = MineSimEnv(width=128, height=128)
    obs, info = env.reset(seed=3, options={"task": {"blocks_in_view": [{"name": "oak_log"}]}})
    obs, reward, terminated, truncated, info = env.step({"forward": 1, "camera": [0, 5]})

The observation holds `image` (H, W, 3) uint8, which is all a policy may see, plus privileged fields
for executors, the scripted expert and tests: `pose` (x, y, z, yaw, pitch), `health`, `food`,
`inventory` (item -> count), `held` (item or None), `hotbar` (9 (item, count) or None), `gui`
(None or kind, cursor, cursor stack and slot contents), and `target` (what the crosshair hits).
`info["events"]` lists the statistics events of the step ((tick, kind, name)); tasks read success
from them or from `env.sim.stats`. The reward is 0: task success is the task suite's business.
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np

from crossagent.sim.actions import parse_action
from crossagent.sim.scene import SceneSpec
from crossagent.sim.sim import MineSim


def scene_of(task: Any) -> SceneSpec:
    """A SceneSpec from a SceneSpec, a scene dict, or a task object / dict carrying a `scene`."""
    if isinstance(task, SceneSpec):
        return task
    if isinstance(task, dict):
        return scene_of(task["scene"]) if "scene" in task else SceneSpec.from_dict(task)
    scene = getattr(task, "scene", None)
    if scene is None:
        raise ValueError(
            f"options['task'] must be a SceneSpec, a scene dict or a task with .scene, got {type(task).__name__}"
        )
    return scene_of(scene)


class MineSimEnv(gym.Env):
    """One MineSim world as a gymnasium env taking MineRL-style raw action dicts."""

    metadata: ClassVar[dict] = {"render_modes": ["rgb_array"], "render_fps": 20}
    backend = "minesim"

    def __init__(
        self,
        width: int = 128,
        height: int = 128,
        max_steps: int | None = None,
        privileged: bool = True,
        **sim_kwargs,
    ):
        self.sim = MineSim(width=width, height=height, **sim_kwargs)
        self.max_steps = max_steps
        self.privileged = privileged
        self.render_mode = "rgb_array"
        self.observation_space = gym.spaces.Dict(
            {
                "image": gym.spaces.Box(0, 255, (height, width, 3), np.uint8),
                "pose": gym.spaces.Box(-np.inf, np.inf, (5,), np.float64),
                "health": gym.spaces.Box(0.0, 20.0, (), np.float64),
                "food": gym.spaces.Box(0, 20, (), np.int64),
            }
        )
        # MineRL's raw action: 21 buttons and the camera; step() takes the dict form directly.
        from crossagent.sim.actions import BUTTON_KEYS

        self.action_space = gym.spaces.Dict(
            {
                **{k: gym.spaces.Discrete(2) for k in BUTTON_KEYS},
                "camera": gym.spaces.Box(-180.0, 180.0, (2,), np.float32),
            }
        )
        self._steps = 0

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        options = options or {}
        scene = scene_of(options["task"]) if "task" in options else SceneSpec()
        self.sim.reset(scene, seed=seed)
        self._steps = 0
        return self._observe(), {"events": [], "world_seed": self.sim.world_seed}

    def step(self, action: dict[str, Any]):
        if self.sim.world is None:
            raise RuntimeError("MineSimEnv.step() called before reset(); call env.reset(...) first")
        parse_action(action)  # strict: a bad key or value is a ValueError naming it, before the world moves
        events_before = len(self.sim.stats.events)
        self.sim.step(action)
        self._steps += 1
        terminated = self.sim.player.dead
        truncated = self.max_steps is not None and self._steps >= self.max_steps
        info = {"events": self.sim.stats.events[events_before:]}
        return self._observe(), 0.0, terminated, truncated, info

    def render(self) -> np.ndarray:
        return self.sim.render().copy()

    def executors(self, codebook=None):
        """The scripted executors of every space, bound to this world (latent: with `codebook`)."""
        from crossagent.executors.dispatch import minesim_executors

        return minesim_executors(self.sim, codebook=codebook)

    def get_state(self) -> bytes:
        return self.sim.get_state()

    def set_state(self, data: bytes):
        self.sim.set_state(data)
        return self._observe()

    def _observe(self) -> dict[str, Any]:
        sim = self.sim
        player = sim.player
        obs: dict[str, Any] = {
            "image": sim.render().copy(),
            "pose": np.array([*player.pos, player.yaw, player.pitch]),
            "health": np.float64(player.health),
            "food": np.int64(player.food),
        }
        if self.privileged:
            inventory = sim.inventory
            obs["inventory"] = inventory.as_counts()
            obs["held"] = inventory.held_item()
            obs["hotbar"] = [None if s is None else (s.item, s.count) for s in inventory.slots[:9]]
            obs["target"] = sim.target
            gui = sim.gui
            obs["gui"] = None
            if gui is not None:
                obs["gui"] = {
                    "kind": gui.kind,
                    "cursor": tuple(gui.cursor_pos),
                    "cursor_stack": None
                    if gui.cursor_stack is None
                    else (gui.cursor_stack.item, gui.cursor_stack.count),
                    "slots": [None if s is None else (s.item, s.count) for s in sim.gui_stacks()],
                }
        return obs


class MineSimVectorEnv:
    """N MineSim worlds stepped in turn in this process (one core); images come back stacked.

    `reset(seeds, tasks)` and `step(actions)` take one entry per world; a world whose episode ended
    is reset automatically with its last task at the next step (its `info['reset']` is True).
    """

    def __init__(self, num_envs: int, **env_kwargs):
        if num_envs < 1:
            raise ValueError(f"num_envs must be >= 1, got {num_envs}")
        self.envs = [MineSimEnv(**env_kwargs) for _ in range(num_envs)]
        self.num_envs = num_envs
        self._tasks: list[Any] = [None] * num_envs
        self._done = [False] * num_envs

    def reset(self, seeds: list[int] | None = None, tasks: list[Any] | None = None):
        seeds = seeds if seeds is not None else list(range(self.num_envs))
        self._tasks = tasks if tasks is not None else [None] * self.num_envs
        if len(seeds) != self.num_envs or len(self._tasks) != self.num_envs:
            raise ValueError(
                f"reset needs {self.num_envs} seeds and tasks, got {len(seeds)} and {len(self._tasks)}"
            )
        results = [self._reset_one(i, s) for i, s in enumerate(seeds)]
        self._done = [False] * self.num_envs
        return self._stack([r[0] for r in results]), [r[1] for r in results]

    def _reset_one(self, i: int, seed: int | None):
        options = {} if self._tasks[i] is None else {"task": self._tasks[i]}
        return self.envs[i].reset(seed=seed, options=options)

    def step(self, actions: list[dict[str, Any]]):
        if len(actions) != self.num_envs:
            raise ValueError(f"step needs {self.num_envs} actions, got {len(actions)}")
        for i, (env, action) in enumerate(zip(self.envs, actions)):  # all checked before any world moves
            if env.sim.world is None:
                raise RuntimeError("MineSimVectorEnv.step() called before reset(); call reset(...) first")
            try:
                parse_action(action)
            except ValueError as error:
                raise ValueError(f"world {i}: {error}") from None
        observations, rewards, terminated, truncated, infos = [], [], [], [], []
        for i, (env, action) in enumerate(zip(self.envs, actions)):
            if self._done[i]:
                obs, info = self._reset_one(i, env.sim.scene.seed)
                info["reset"] = True
                r, term, trunc = 0.0, False, False
            else:
                obs, r, term, trunc, info = env.step(action)
                info["reset"] = False
            self._done[i] = term or trunc
            observations.append(obs)
            rewards.append(r)
            terminated.append(term)
            truncated.append(trunc)
            infos.append(info)
        return self._stack(observations), np.array(rewards), np.array(terminated), np.array(truncated), infos

    @staticmethod
    def _stack(observations: list[dict]) -> dict[str, Any]:
        """Images and poses stacked into arrays; the privileged fields as lists."""
        out: dict[str, Any] = {}
        for key in observations[0]:
            values = [o[key] for o in observations]
            out[key] = np.stack(values) if key in ("image", "pose", "health", "food") else values
        return out
