"""The MineRL backend: our raw ticks and tasks on real Minecraft through MineRL's human-like interface.

Supported: MineRL 1.0.x (1.0.0-1.0.2), the keyboard-and-mouse interface OpenHA's raw actions are
written for (`HumanSurvival`, the BASALT envs). MineRL 0.4.4 (the registry's release) is NOT
supported: its envs take `place`/`equip`/`craft` enums and have no `inventory`, `ESC` or `hotbar.N`
keys, so GUI and hotbar actions cannot be expressed; `MineRLEnv` refuses it with that reason.

The spaces below are MineRL's own, written down as data from its source (no code copied):
  - actions: minerl/herobraine/hero/mc.py `KEYMAP` (MineRL 1.0): one `KeybasedCommandAction` per key,
    each `Discrete(2)` (minerl/herobraine/hero/handlers/agent/actions/keyboard.py: one key ->
    Discrete(len(keys) + 1)); `camera` is `Box(-180, 180, (2,), float32)`, [pitch, yaw] in degrees
    (actions/camera.py); both listed by `HumanControlEnvSpec.create_actionables`
    (minerl/herobraine/env_specs/human_controls.py).
  - observations: `pov` `Box(0, 255, (360, 640, 3), uint8)` at the default resolution (640, 360)
    (observations/pov.py: shape = resolution[::-1] + [3]) and `inventory`, a Dict item ->
    `Box(0, 2304, (), int32)` over every item (observations/inventory.py, `FlatInventoryObservation`).

Our side: a raw tick is a dict of `BUTTONS` (0/1) and `camera` [pitch, yaw] degrees, the same names as
MineRL's; MineRL's `swapHands` and `pickItem` are always 0 (the raw text cannot express them).
Observations: `image` is `pov` resized to `frame_size` x `frame_size` (nearest pixel), `pov` the
full frame, `inventory` the non-zero counts. Task success: MineRL's HumanSurvival exposes no
statistics counters in 1.0.x releases, so success comes from inventory deltas: a mine_block task
succeeds when the inventory gains an item the block drops, a craft_item/smelt_item task when it gains
the target. kill_entity and interact_block leave no trace in the inventory: they need statistics
observations (`ObserveFromFullStats`, on MineRL's development branch), which are used when present.

Executors: only those that need nothing but what MineRL observes run here: raw (the dict itself),
motion (an open-loop macro) and latent (replays raw chunks of its codebook). Grounding and skill
executors of this package are scripted controllers that read MineSim's privileged state (ray casts,
object masks, positions); MineRL gives pixels and the inventory only, so they cannot run on it. A
learned low-level policy (ROCKET-1 for grounding, STEVE-1 for skills) plugs in through
`crossagent.executors.learned.LearnedPolicyExecutor`: pass them as `extra_executors`.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping
from typing import Any

import numpy as np

from crossagent.envs.base import BackendUnavailable, UnsupportedAction
from crossagent.executors.dispatch import ExecutorSet
from crossagent.executors.motion import MotionExecutor
from crossagent.executors.raw import RawExecutor, env_to_raw
from crossagent.sim.data.blocks import drop_items
from modeling_crossagent.action_spaces import BUTTONS

SUPPORTED_VERSIONS = ">=1.0,<1.1"
"""MineRL releases whose interface this adapter is written against."""

MINERL_KEYS: tuple[str, ...] = (
    "forward", "left", "back", "right", "jump", "inventory", "drop", "swapHands", "sneak", "sprint",
    "attack", "use", "pickItem", *(f"hotbar.{n}" for n in range(1, 10)), "ESC",
)  # fmt: skip
"""MineRL 1.0's binary action keys (the values of minerl/herobraine/hero/mc.py KEYMAP), each Discrete(2)."""
CAMERA_LIMIT = 180.0
"""MineRL's camera Box bounds, degrees per tick, both components."""
POV_SHAPE = (360, 640, 3)
"""MineRL 1.0's `pov` at its default resolution (640, 360): (height, width, 3) uint8."""
INVENTORY_MAX = 2304
"""MineRL's per-item inventory Box upper bound (36 slots x 64)."""
UNEXPRESSED_KEYS = frozenset(MINERL_KEYS) - set(BUTTONS)
"""MineRL keys our raw text cannot express; always sent as 0."""
SUPPORTED_SPACES = ("raw", "motion", "latent")
"""The action spaces whose executors run on MineRL (see the module docstring for why not the others)."""
STATISTICS = ("mine_block", "kill_entity", "craft_item", "interact_block")
"""MineRL full-stats observation keys that, when the env has them, give exact task events."""


def raw_to_minerl(action: Mapping[str, Any]) -> dict[str, Any]:
    """MineRL's action dict of our raw tick (validated by `env_to_raw`: names, 0/1, camera in range)."""
    env_to_raw(action)  # a bad key, value or camera raises ValueError naming it
    camera = np.asarray(action.get("camera", (0.0, 0.0)), dtype=np.float32)
    if camera.shape != (2,) or not np.all(np.abs(camera) <= CAMERA_LIMIT):
        raise UnsupportedAction(
            f"action['camera']: MineRL takes [pitch, yaw] within ±{CAMERA_LIMIT:g} degrees, got {camera.tolist()}"
        )
    out: dict[str, Any] = {key: int(bool(action.get(key, 0))) for key in MINERL_KEYS}
    out["camera"] = camera
    return out


def minerl_to_raw(action: Mapping[str, Any]) -> dict[str, Any]:
    """Our raw tick (all BUTTONS, camera) of a MineRL action dict, e.g. from its recorded data.

    A pressed `swapHands` or `pickItem` raises UnsupportedAction: the raw space cannot express it.
    """
    unknown = sorted(set(action) - set(MINERL_KEYS) - {"camera"})
    if unknown:
        raise UnsupportedAction(
            f"MineRL action: unknown keys {unknown}; MineRL 1.0 has {[*MINERL_KEYS, 'camera']}"
        )
    for key in UNEXPRESSED_KEYS:
        if int(np.asarray(action.get(key, 0))):
            raise UnsupportedAction(f"MineRL action[{key!r}]: our raw space cannot express it; set it to 0")
    out = {button: int(np.asarray(action.get(button, 0))) for button in BUTTONS}
    out["camera"] = np.asarray(action.get("camera", (0.0, 0.0)), dtype=np.float32)
    return out


def resize_nearest(frame: np.ndarray, size: int) -> np.ndarray:
    """`frame` (H, W, 3) resampled to (size, size, 3) by nearest pixel (no extra dependency)."""
    height, width = frame.shape[:2]
    rows = (np.arange(size) * height // size).clip(0, height - 1)
    cols = (np.arange(size) * width // size).clip(0, width - 1)
    return np.ascontiguousarray(frame[rows][:, cols])


def success_items(task: Any) -> frozenset[str] | None:
    """The items whose gain in the inventory is the task's success, or None when no item shows it."""
    kind, name = task.success.kind, task.success.name
    if kind == "mine_block":
        return drop_items(name) or None
    if kind in ("craft_item", "smelt_item"):
        return frozenset({name})
    return None


def installed_minerl_version() -> str | None:
    try:
        return importlib.metadata.version("minerl")
    except importlib.metadata.PackageNotFoundError:
        return None


def _make_human_survival(frame_size: int):  # pragma: no cover - needs MineRL 1.0 and Java 8
    version = installed_minerl_version()
    if version is None:
        raise BackendUnavailable(
            'the minerl backend needs MineRL 1.0.x: pip install "crossagent[minerl]" on a machine with a '
            "Java 8 JDK (see docs/backends.md)"
        )
    if not version.startswith("1.0"):
        raise BackendUnavailable(
            f"MineRL {version} is installed; the minerl backend supports MineRL {SUPPORTED_VERSIONS} (the "
            "human keyboard-and-mouse interface; 0.4.x has no inventory/ESC/hotbar keys). Install 1.0.x, "
            "see docs/backends.md"
        )
    from minerl.herobraine.env_specs.human_survival_specs import HumanSurvival

    return HumanSurvival(resolution=(640, 360)).make()


class MineRLEnv:
    """Our Env protocol over a MineRL 1.0 env (or any `inner` env with exactly its interface).

    `inner` is an env already built (gym API: `reset()` -> obs, `step(dict)` -> obs, reward, done,
    info, as MineRL 1.0 uses gym 0.23's 4-tuple; a 5-tuple is accepted too); None builds
    HumanSurvival. `extra_executors` adds executors (e.g. learned grounding/skill policies).
    """

    backend = "minerl"

    def __init__(
        self, inner: Any = None, frame_size: int = 128, extra_executors: Mapping[str, Any] | None = None
    ):
        self.inner = inner if inner is not None else _make_human_survival(frame_size)
        self.frame_size = frame_size
        self.extra_executors = dict(extra_executors or {})
        self.task: Any = None
        self._success_items: frozenset[str] | None = None
        self._inventory: dict[str, int] = {}
        self._stats: dict[str, dict[str, int]] = {}
        self._ticks = 0
        import gymnasium as gym

        self.observation_space = gym.spaces.Dict(
            {"image": gym.spaces.Box(0, 255, (frame_size, frame_size, 3), np.uint8)}
        )
        self.action_space = gym.spaces.Dict(
            {
                **{button: gym.spaces.Discrete(2) for button in BUTTONS},
                "camera": gym.spaces.Box(-CAMERA_LIMIT, CAMERA_LIMIT, (2,), np.float32),
            }
        )

    @property
    def unwrapped(self) -> MineRLEnv:
        return self

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        self.task = (options or {}).get("task")
        if seed is not None and hasattr(self.inner, "seed"):
            self.inner.seed(int(seed))  # MineRL 1.0 seeds world generation this way before reset
        result = self.inner.reset()
        obs = result[0] if isinstance(result, tuple) else result
        self._ticks = 0
        self._inventory = self._counts(obs)
        self._stats = self._statistics(obs)
        self._success_items = None
        if self.task is not None and getattr(self.task, "success", None) is not None:
            self._success_items = success_items(self.task)
            if self._success_items is None and not self._stats:
                raise UnsupportedAction(
                    f"task {self.task.id}: a {self.task.success.kind} task leaves no trace in MineRL's "
                    "inventory and this MineRL env has no statistics observations (ObserveFromFullStats); "
                    "use mine_block, craft_item or smelt_item tasks, or an env spec with full stats"
                )
        return self._observe(obs), {"events": []}

    def step(self, action: Mapping[str, Any]):
        result = self.inner.step(raw_to_minerl(action))
        if len(result) == 5:
            obs, reward, terminated, truncated, info = result
        else:
            obs, reward, terminated, info = result
            truncated = False
        self._ticks += 1
        events = self._events(obs)
        return (
            self._observe(obs),
            float(reward),
            bool(terminated),
            bool(truncated),
            {**dict(info or {}), "events": events},
        )

    def executors(self, codebook: Any = None) -> ExecutorSet:
        """Raw, motion and (with a codebook) latent executors, plus `extra_executors`."""
        executors: dict[str, Any] = {"raw": RawExecutor(), "motion": MotionExecutor()}
        if codebook is not None:
            from crossagent.executors.latent import LatentExecutor

            executors["latent"] = LatentExecutor(codebook)
        executors.update(self.extra_executors)
        return ExecutorSet(executors)

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()

    # ----- observations and events ----------------------------------------------------------------
    @staticmethod
    def _counts(obs: Mapping[str, Any]) -> dict[str, int]:
        inventory = obs.get("inventory", {})
        return {item: int(count) for item, count in inventory.items() if item != "air" and int(count) > 0}

    @staticmethod
    def _statistics(obs: Mapping[str, Any]) -> dict[str, dict[str, int]]:
        return {
            kind: {name: int(value) for name, value in obs[kind].items()}
            for kind in STATISTICS
            if isinstance(obs.get(kind), Mapping)
        }

    def _observe(self, obs: Mapping[str, Any]) -> dict[str, Any]:
        pov = np.asarray(obs["pov"])
        return {
            "image": resize_nearest(pov, self.frame_size),
            "pov": pov,
            "inventory": self._counts(obs),
        }

    def _events(self, obs: Mapping[str, Any]) -> list[tuple[int, str, str]]:
        """The step's events: `obtain_item` per inventory gain, the task's success event derived from
        them, and exact statistics events when the env observes statistics."""
        inventory = self._counts(obs)
        gained = sorted(item for item, count in inventory.items() if count > self._inventory.get(item, 0))
        self._inventory = inventory
        events = [(self._ticks, "obtain_item", item) for item in gained]
        stats = self._statistics(obs)
        for kind, counters in stats.items():
            before = self._stats.get(kind, {})
            events += [
                (self._ticks, kind, name)
                for name, value in sorted(counters.items())
                if value > before.get(name, 0)
            ]
        self._stats = stats
        if self._success_items and not stats and any(item in self._success_items for item in gained):
            success = self.task.success
            events.append((self._ticks, success.kind, success.name))
        return events
