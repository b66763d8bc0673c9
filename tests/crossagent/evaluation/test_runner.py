"""The evaluation runner: resume after an interruption, random agent, bad inputs."""

import json

import pytest

from crossagent.agents import RandomAgent
from crossagent.envs.minesim_env import MineSimEnv
from crossagent.evaluation.results import read_results
from crossagent.evaluation.runner import EvalConfig, run_evaluation, select_eval_tasks
from crossagent.rollout import RolloutHooks
from crossagent.tasks.suite import UnknownTaskError

TASKS = ["mine_block:sand", "craft_item:oak_planks", "kill_entity:chicken"]


def small_env():
    return MineSimEnv(width=32, height=32)


def config(tmp_path, name, **kwargs):
    return EvalConfig(
        tasks=TASKS, episodes_per_task=2, num_envs=2, output_dir=tmp_path / name, progress=False, **kwargs
    )


class Interrupt(Exception):
    pass


def stop_after(n):
    seen = []

    def on_episode_end(outcome):
        seen.append(outcome)
        if len(seen) == n:
            raise Interrupt  # killed while this episode finished: it is never written, so it reruns

    return RolloutHooks(on_episode_end=on_episode_end)


def totals(path):
    header, results, partial = read_results(path)
    assert not partial
    rows = sorted((r.to_dict() for r in results), key=lambda r: (r["task_id"], r["episode"]))
    return header, rows


def test_resume_after_interruption_gives_the_same_totals(tmp_path):
    whole = run_evaluation(RandomAgent(seed=3), config(tmp_path, "whole"), env_factory=small_env)
    resumed_config = config(tmp_path, "resumed")
    with pytest.raises(Interrupt):
        run_evaluation(RandomAgent(seed=3), resumed_config, env_factory=small_env, hooks=stop_after(3))
    _, partial_rows = totals(tmp_path / "resumed" / "results.jsonl")
    assert len(partial_rows) == 2 and not (tmp_path / "resumed" / "eval_info.json").exists()
    resumed = run_evaluation(RandomAgent(seed=3), resumed_config, env_factory=small_env)
    assert totals(tmp_path / "whole" / "results.jsonl") == totals(tmp_path / "resumed" / "results.jsonl")
    info_whole = json.loads(whole["eval_info"].read_text())
    info_resumed = json.loads(resumed["eval_info"].read_text())
    assert info_whole["overall"]["n_episodes"] == info_resumed["overall"]["n_episodes"] == 6
    assert info_whole["metrics"] == info_resumed["metrics"]
    # a finished run resumed again runs nothing and counts nothing twice
    run_evaluation(RandomAgent(seed=3), resumed_config, env_factory=small_env)
    assert len(totals(tmp_path / "resumed" / "results.jsonl")[1]) == 6


def test_random_agent_report(tmp_path):
    paths = run_evaluation("random", config(tmp_path, "random"), env_factory=small_env)
    info = json.loads(paths["eval_info"].read_text())
    assert info["agent"] == "random" and info["overall"]["n_episodes"] == 6
    assert {t["task_id"] for t in info["per_task"]} == set(TASKS)
    assert info["overall"]["action_space_usage"]["raw"] == 1.0
    for name in ("success_per_category", "id_vs_ood", "action_space_usage", "model_index"):
        assert paths[name].stat().st_size > 0


def test_task_filters():
    assert [t.id for t in select_eval_tasks(["interact_block"])] == [
        t.id for t in select_eval_tasks(["interact_block:*"])
    ]
    train = select_eval_tasks(["mine_block:*"], split="in_domain")
    assert len(train) == 10 and all(t.split == "in_domain" for t in train)
    assert len(select_eval_tasks()) > 800
    with pytest.raises(
        UnknownTaskError, match="'mine_block:oak_logg' matches no task; closest: mine_block:oak_log"
    ):
        select_eval_tasks(["mine_block:oak_logg"])
    with pytest.raises(UnknownTaskError, match="closest: craft_item"):
        select_eval_tasks(["craft_items"])
    with pytest.raises(ValueError, match="--split 'val'"):
        select_eval_tasks(split="val")


def test_results_file_of_another_suite_is_refused(tmp_path):
    run_evaluation("random", config(tmp_path, "a"), env_factory=small_env)
    other = EvalConfig(tasks=TASKS[:1], episodes_per_task=2, output_dir=tmp_path / "a", progress=False)
    with pytest.raises(ValueError, match="belongs to a different task suite"):
        run_evaluation("random", other, env_factory=small_env)
