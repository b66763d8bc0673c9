"""Contract tests of the MineRL backend against MineRL 1.0's own spaces (MineRL is not installed here).

The spec below is written down as data from MineRL 1.0's source (github minerllabs/minerl, v1.0.x):
- minerl/herobraine/hero/mc.py `KEYMAP`: the human keyboard/mouse keys, one `KeybasedCommandAction`
  each, `Discrete(2)` (handlers/agent/actions/keyboard.py: a one-key command is Discrete(len(keys)+1));
- handlers/agent/actions/camera.py: `camera` = Box(low=-180, high=180, shape=[2], float32), [pitch, yaw];
- handlers/agent/observations/pov.py: `pov` = Box(0, 255, resolution[::-1] + [3], uint8), resolution
  (640, 360) by default in env_specs/human_controls.py;
- handlers/agent/observations/inventory.py: `inventory` = Dict(item -> Box(0, 2304, (), int32)).
`StandInMineRL` enforces exactly that interface (gym 0.23's 4-tuple step, as MineRL 1.0 returns) with
a tiny scripted world: attacking while facing the log adds an oak_log to the inventory.
"""

import importlib.util

import numpy as np
import pytest

from crossagent.agents import CallableAgent, RandomAgent
from crossagent.envs import BackendUnavailable, UnknownBackendError, UnsupportedAction, make_env
from crossagent.envs.minerl_env import (
    CAMERA_LIMIT,
    INVENTORY_MAX,
    MINERL_KEYS,
    POV_SHAPE,
    SUPPORTED_SPACES,
    MineRLEnv,
    minerl_to_raw,
    raw_to_minerl,
)
from crossagent.executors.base import no_op_env
from crossagent.rollout import EpisodeSpec, RolloutConfig, run_rollout
from crossagent.tasks import get_task, load_suite

MINERL_1_0_ACTION_KEYS = frozenset(
    ["forward", "left", "back", "right", "jump", "inventory", "drop", "swapHands", "sneak", "sprint", "attack",
     "use", "pickItem", "ESC", *(f"hotbar.{n}" for n in range(1, 10))]
)  # fmt: skip
"""mc.py KEYMAP values (MineRL 1.0), spelled out independently of the adapter's constant."""
ITEMS = ("air", "cobblestone", "dirt", "oak_log", "oak_planks", "stick")
"""A few of MineRL's ALL_ITEMS: enough for the stand-in's inventory dict."""


class StandInMineRL:
    """Enforces MineRL 1.0's HumanSurvival action/observation spaces; a log to chop in front of the player."""

    def __init__(self, episode_length: int = 400):
        self.episode_length = episode_length
        self.actions: list[dict] = []
        self.yaw = 0.0

    def _obs(self):
        pov = np.zeros(POV_SHAPE, dtype=np.uint8)
        pov[:, :, 1] = int(abs(self.yaw)) % 256
        inventory = {item: np.array(self.inventory.get(item, 0), dtype=np.int32) for item in ITEMS}
        return {"pov": pov, "inventory": inventory}

    def reset(self):
        self.inventory, self.hits, self.t, self.yaw = {}, 0, 0, 0.0
        return self._obs()

    def step(self, action):
        assert set(action) == MINERL_1_0_ACTION_KEYS | {"camera"}, sorted(
            set(action) ^ MINERL_1_0_ACTION_KEYS
        )
        for key in MINERL_1_0_ACTION_KEYS:
            assert int(action[key]) in (0, 1), (key, action[key])
        camera = np.asarray(action["camera"])
        assert camera.shape == (2,) and camera.dtype == np.float32
        assert np.all(camera >= -180) and np.all(camera <= 180)
        self.actions.append(action)
        self.t += 1
        self.yaw = (self.yaw + float(camera[1])) % 360
        facing_log = self.yaw < 45 or self.yaw > 315
        self.hits = self.hits + 1 if action["attack"] and facing_log else 0
        if self.hits >= 3:  # three ticks of attack on the log drop one
            self.inventory["oak_log"] = self.inventory.get("oak_log", 0) + 1
            self.hits = 0
        return self._obs(), 0.0, self.t >= self.episode_length, {}


def test_the_adapter_states_minerl_1_0_s_action_space():
    assert frozenset(MINERL_KEYS) == MINERL_1_0_ACTION_KEYS
    assert CAMERA_LIMIT == 180.0 and POV_SHAPE == (360, 640, 3) and INVENTORY_MAX == 2304


def test_every_raw_tick_becomes_a_minerl_action_in_its_space():
    agent = RandomAgent(seed=1)
    agent.reset(0, None, seed=3)
    from crossagent.executors.dispatch import to_raw

    for _ in range(50):
        text = agent.act([{}], [None], [[]])[0]
        tick = to_raw(text, {})
        out = raw_to_minerl(tick)
        assert set(out) == MINERL_1_0_ACTION_KEYS | {"camera"}
        assert all(out[k] in (0, 1) for k in MINERL_1_0_ACTION_KEYS)
        assert out["swapHands"] == 0 and out["pickItem"] == 0
        assert out["camera"].dtype == np.float32 and np.all(np.abs(out["camera"]) <= 180)
        back = minerl_to_raw(out)  # and back: the same tick
        assert {k: back[k] for k in tick if k != "camera"} == {k: tick[k] for k in tick if k != "camera"}
        np.testing.assert_allclose(back["camera"], tick["camera"])


def test_hotbar_gui_keys_map_by_name():
    tick = no_op_env() | {"inventory": 1, "ESC": 1, "hotbar.4": 1}
    out = raw_to_minerl(tick)
    assert out["inventory"] == out["ESC"] == out["hotbar.4"] == 1
    assert sum(out[k] for k in MINERL_1_0_ACTION_KEYS) == 3


def test_what_the_raw_space_cannot_express_is_a_clear_error():
    with pytest.raises(UnsupportedAction, match="swapHands"):
        minerl_to_raw({"swapHands": 1, "camera": [0.0, 0.0]})
    with pytest.raises(UnsupportedAction, match="unknown keys"):
        minerl_to_raw({"craft": 1})  # MineRL 0.4's enum actions are not this interface
    with pytest.raises(ValueError, match="camera"):
        raw_to_minerl(no_op_env() | {"camera": np.array([0.0, 200.0], dtype=np.float32)})


def test_observation_is_resized_pov_and_inventory_counts():
    env = MineRLEnv(inner=StandInMineRL(), frame_size=96)
    obs, info = env.reset(seed=1, options={"task": get_task("mine_block:oak_log")})
    assert obs["image"].shape == (96, 96, 3) and obs["image"].dtype == np.uint8
    assert obs["pov"].shape == POV_SHAPE
    assert obs["inventory"] == {} and info["events"] == []
    assert env.observation_space["image"].contains(obs["image"])


def test_success_comes_from_inventory_deltas():
    env = MineRLEnv(inner=StandInMineRL(), frame_size=64)
    env.reset(options={"task": get_task("mine_block:oak_log")})
    attack = no_op_env() | {"attack": 1}
    events = [env.step(attack)[4]["events"] for _ in range(3)]
    assert events[0] == events[1] == []
    assert (3, "obtain_item", "oak_log") in events[2] and (3, "mine_block", "oak_log") in events[2]


def test_tasks_without_an_inventory_trace_are_refused():
    env = MineRLEnv(inner=StandInMineRL())
    kill = next(task for task in load_suite() if task.category == "kill_entity")
    with pytest.raises(UnsupportedAction, match="no trace"):
        env.reset(options={"task": kill})


def test_only_observation_only_executors_run_on_minerl():
    executors = MineRLEnv(inner=StandInMineRL()).executors()
    assert set(executors.executors) == set(SUPPORTED_SPACES) - {"latent"}
    started = executors.begin("<|skill|>mine oak_log", {})
    assert started.space == "invalid" and "skill" in started.error


def test_make_env_errors_name_the_fix():
    with pytest.raises(UnknownBackendError, match="minesim, minerl, crafter"):
        make_env("minedojo")
    if importlib.util.find_spec("minerl") is None:
        with pytest.raises(BackendUnavailable, match=r"crossagent\[minerl\].*Java 8"):
            make_env("minerl")


def test_a_full_episode_through_the_rollout_loop():
    """A real agent (a scripted turn-then-attack policy in raw text) through the real loop on the stand-in."""
    stand_ins = []

    def factory():
        stand_ins.append(StandInMineRL())
        return make_env("minerl", inner=stand_ins[-1], frame_size=64)

    def chop(observation, task, history):
        return "<|raw|>click(left)" if len(history) % 2 == 0 else "<|motion|>attack"

    task = get_task("mine_block:oak_log")
    outcomes = list(
        run_rollout(CallableAgent(chop, batched=False), [EpisodeSpec.of(task, 0)], RolloutConfig(num_envs=1, env="minerl"),
                    env_factory=factory)
    )  # fmt: skip
    assert len(outcomes) == 1 and outcomes[0].success and outcomes[0].error is None
    assert outcomes[0].steps == 3
    assert outcomes[0].calls_per_space["raw"] >= 1 and outcomes[0].calls_per_space["motion"] >= 1
    assert len(stand_ins[0].actions) == 3


def test_random_agent_runs_to_the_budget_without_success_when_it_never_chops():
    stand_in = StandInMineRL()
    task = get_task("mine_block:oak_log")
    agent = CallableAgent(lambda o, t, h: "<|raw|>move(600,0) and press(w)", batched=False)
    outcomes = list(run_rollout(agent, [EpisodeSpec.of(task, 0)], RolloutConfig(num_envs=1),
                                env_factory=lambda: MineRLEnv(inner=stand_in, frame_size=64)))  # fmt: skip
    assert not outcomes[0].success and outcomes[0].steps == task.max_ticks
