"""The rollout loop picks its world by backend name (default minesim) and stops when the env terminates."""

import pytest

from crossagent.agents import RandomAgent
from crossagent.envs import UnknownBackendError
from crossagent.envs.minesim_env import MineSimEnv
from crossagent.rollout import EpisodeSpec, RolloutConfig, run_rollout
from crossagent.rollout.loop import default_env_factory
from crossagent.tasks import get_task


def test_default_backend_is_minesim():
    assert RolloutConfig().env == "minesim"
    assert isinstance(default_env_factory(64)(), MineSimEnv)


def test_unknown_backend_fails_before_any_world():
    with pytest.raises(UnknownBackendError, match="known backends: minesim, minerl, crafter"):
        next(run_rollout(RandomAgent(), [EpisodeSpec.of(get_task("mine_block:oak_log"), 0)],
                         RolloutConfig(num_envs=1, env="minecraft")))  # fmt: skip


def test_crafter_by_name_and_death_ends_the_episode():
    pytest.importorskip("crafter")
    from crossagent.agents.crafter import CrafterRandomAgent
    from crossagent.tasks.crafter import play_task

    outcomes = list(run_rollout(CrafterRandomAgent(seed=0), [EpisodeSpec(play_task(5000), 0, 3)],
                                RolloutConfig(num_envs=1, env="crafter", frame_size=64)))  # fmt: skip
    assert len(outcomes) == 1 and not outcomes[0].success
    assert 0 < outcomes[0].steps < 5000  # the random player dies long before Crafter's budget
