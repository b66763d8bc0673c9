"""The Crafter backend: the real crafter 1.8.3 through our Env protocol, executors and rollout loop."""

import numpy as np
import pytest

crafter = pytest.importorskip("crafter")

from crossagent.envs import UnsupportedAction, make_env  # noqa: E402
from crossagent.executors.base import no_op_env  # noqa: E402
from crossagent.executors.crafter import (  # noqa: E402
    ACTION_OF_RAW,
    CRAFTER_ACTIONS,
    CRAFTER_RAW,
    cell_to_point,
    point_to_cell,
    visible,
)
from crossagent.executors.raw import raw_to_env  # noqa: E402
from crossagent.tasks.crafter import ACHIEVEMENTS, CRAFTER_SPLITS, crafter_suite  # noqa: E402
from modeling_crossagent.action_spaces import GroundingAction, format_action  # noqa: E402


def test_our_constants_are_crafters():
    from crafter import constants

    assert tuple(constants.actions) == CRAFTER_ACTIONS
    assert tuple(constants.achievements) == ACHIEVEMENTS
    assert len(ACTION_OF_RAW) == 17 and set(CRAFTER_RAW) == set(CRAFTER_ACTIONS)


def test_suite_has_22_tasks_each_in_one_split():
    tasks = crafter_suite()
    assert [t.success.name for t in tasks] == list(ACHIEVEMENTS)
    assert sorted(n for names in CRAFTER_SPLITS.values() for n in names) == sorted(ACHIEVEMENTS)
    assert {t.split for t in crafter_suite("ood_unseen")} == {"ood_unseen"}
    with pytest.raises(ValueError, match="in_domain"):
        crafter_suite("train")


def test_reset_with_a_seed_is_the_same_world():
    env = make_env("crafter", frame_size=64)
    first = env.reset(seed=7)[0]["image"]
    env.step(raw_to_env(CRAFTER_RAW["move_left"]))
    again = env.reset(seed=7)[0]["image"]
    other = env.reset(seed=8)[0]["image"]
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_each_raw_form_is_its_crafter_action():
    env = make_env("crafter", frame_size=64)
    env.reset(seed=0)
    player = env.sim._player
    env.step(raw_to_env(CRAFTER_RAW["move_up"]))
    assert tuple(player.facing) == (0, -1)
    env.step(raw_to_env(CRAFTER_RAW["move_right"]))
    assert tuple(player.facing) == (1, 0)
    assert env.sim._player.action == "move_right"
    env.step(raw_to_env(CRAFTER_RAW["place_table"]))
    assert env.sim._player.action == "place_table"


def test_actions_crafter_cannot_express_are_refused():
    env = make_env("crafter", frame_size=64)
    env.reset(seed=0)
    with pytest.raises(UnsupportedAction, match="17 actions"):
        env.step(no_op_env() | {"camera": np.array([0.0, 15.0], dtype=np.float32)})
    with pytest.raises(UnsupportedAction, match="17 actions"):
        env.step(no_op_env() | {"forward": 1, "left": 1})
    executors = env.executors()
    for text in ("<|raw|>press(space)", "<|motion|>turn left", "<|skill|>smelt iron"):
        started = executors.begin(text, {"image": np.zeros((64, 64, 3), np.uint8)})
        assert started.space == "invalid", text


def test_points_and_cells_round_trip():
    env = make_env("crafter", frame_size=64)
    env.reset(seed=0)
    player = env.sim._player
    center = cell_to_point(player, player.pos, 64)
    assert tuple(point_to_cell(player, center, 64)) == tuple(player.pos)
    assert point_to_cell(player, (500, 990), 64) is None  # the inventory rows are no cell


def test_grounding_mines_a_tree_in_view():
    env = make_env("crafter", frame_size=64)
    for seed in range(20):
        obs, _ = env.reset(seed=seed)
        trees = visible(env.sim._world, env.sim._player, "tree")
        if trees:
            break
    else:
        pytest.skip("no tree in view in 20 worlds")
    executors = env.executors()
    point = cell_to_point(env.sim._player, trees[0], 64)
    started = executors.begin(format_action(GroundingAction("Mine", "tree", point)), obs)
    assert started.space == "grounding", started.error
    wood = env.sim._player.inventory["wood"]
    for _ in range(100):
        tick = started.executor.next_tick(obs)
        if tick is None:
            break
        obs, *_ = env.step(tick)
    assert env.sim._player.inventory["wood"] == wood + 1
    wrong = executors.begin(format_action(GroundingAction("Mine", "diamond", point)), obs)
    assert wrong.space == "invalid" and "not 'diamond'" in wrong.error


def test_random_and_scripted_agents_through_the_rollout_and_score(tmp_path):
    from crossagent.evaluation.crafter import CrafterEvalConfig, evaluate_crafter

    random = evaluate_crafter("random", CrafterEvalConfig(episodes=2, num_envs=2, episode_length=300, progress=False,
                                                          output_dir=tmp_path))  # fmt: skip
    assert 0.0 <= random["score"]["crafter_score"] < 10.0
    scripted = evaluate_crafter(
        "scripted",
        CrafterEvalConfig(episodes=0, task_episodes=1, split="in_domain", task_ticks=300, num_envs=4, progress=False,
                          output_dir=tmp_path),
    )  # fmt: skip
    rates = scripted["tasks"]["per_task"]
    assert rates["crafter:collect_wood"]["success_rate"] == 100.0
    assert rates["crafter:place_table"]["success_rate"] == 100.0
