"""The gymnasium env and the batched form over MineSim."""

import numpy as np
import pytest

from crossagent.envs.minesim_env import MineSimEnv, MineSimVectorEnv
from crossagent.sim.scene import BlockAt, InventoryEntry, SceneSpec

TASK = {
    "scene": {
        "seed": 4,
        "blocks": [{"name": "crafting_table", "right": 0, "up": 0, "forward": 2}],
        "inventory": [{"item": "oak_planks", "count": 4}],
    }
}


@pytest.fixture(scope="module")
def env() -> MineSimEnv:
    return MineSimEnv(width=64, height=64, max_steps=5)


def test_reset_and_step_give_image_and_privileged_fields(env):
    obs, info = env.reset(seed=4, options={"task": TASK})
    assert obs["image"].shape == (64, 64, 3) and obs["image"].dtype == np.uint8
    assert env.observation_space["image"].contains(obs["image"])
    assert obs["target"]["name"] == "crafting_table" and obs["inventory"] == {"oak_planks": 4}
    assert obs["held"] == "oak_planks" and obs["gui"] is None and info["world_seed"] == 4
    obs, reward, terminated, truncated, info = env.step({"use": 1})
    assert obs["gui"]["kind"] == "crafting_table" and len(obs["gui"]["slots"]) == 46
    assert info["events"] == [(0, "interact_block", "crafting_table")]
    assert reward == 0.0 and not terminated and not truncated
    for _ in range(4):
        *_, truncated, _ = env.step({})
    assert truncated


def test_env_state_round_trip_and_bad_action(env):
    env.reset(seed=1, options={"task": SceneSpec(seed=1, inventory=[InventoryEntry("stick", 2)])})
    env.step({"forward": 1, "camera": [2.0, 10.0]})
    state = env.get_state()
    expected = env.step({"jump": 1})[0]
    env.set_state(state)
    got = env.step({"jump": 1})[0]
    assert np.array_equal(got["image"], expected["image"]) and np.array_equal(got["pose"], expected["pose"])
    with pytest.raises(ValueError, match="unknown action key 'fly'"):
        env.step({"fly": 1})
    with pytest.raises(ValueError, match="options\\['task'\\]"):
        env.reset(seed=0, options={"task": 3})


def test_vector_env_steps_worlds_and_autoresets():
    tasks = [SceneSpec(seed=1), SceneSpec(seed=2, blocks=[BlockAt("stone", 0, 0, 2)])]
    venv = MineSimVectorEnv(2, width=64, height=64, max_steps=2)
    obs, infos = venv.reset(seeds=[1, 2], tasks=tasks)
    assert obs["image"].shape == (2, 64, 64, 3) and obs["pose"].shape == (2, 5)
    assert not np.array_equal(obs["image"][0], obs["image"][1])
    for _ in range(2):
        *_, truncated, _ = venv.step([{"forward": 1}, {"attack": 1}])
    assert truncated.all()
    obs, *_, infos = venv.step([{}, {}])
    assert all(info["reset"] for info in infos)
    with pytest.raises(ValueError, match="2 actions"):
        venv.step([{}])
