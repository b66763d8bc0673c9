"""Evaluation over worker processes: same per-episode results as in-process, clear errors otherwise."""

import pytest

from crossagent.agents import RandomAgent
from crossagent.agents.model import NotAModelFolderError
from crossagent.evaluation.results import read_results
from crossagent.evaluation.runner import EvalConfig, run_evaluation

TASKS = ["mine_block:sand", "kill_entity:chicken"]


def rows(path):
    header, results, partial = read_results(path)
    assert not partial
    return header, sorted((r.to_dict() for r in results), key=lambda r: (r["task_id"], r["episode"]))


def test_two_workers_give_the_same_episodes_as_one(tmp_path):
    def run(name, workers):
        config = EvalConfig(tasks=TASKS, episodes_per_task=1, num_envs=3, output_dir=tmp_path / name,
                            progress=False, workers=workers, frame_size=32)  # fmt: skip
        run_evaluation("random", config)
        return rows(tmp_path / name / "results.jsonl")

    header_one, one = run("one", 1)
    header_two, two = run("two", 2)
    assert header_one == header_two
    assert len(one) == len(TASKS)
    assert one == two  # every field of every episode: seeds come from (task, episode) alone
    assert run("two", 2) == (header_two, two)  # resuming a finished run adds nothing
    assert len({r["generated_tokens"] for r in one}) > 1  # real episodes, each its own random actions


def test_workers_need_an_agent_a_process_can_load(tmp_path):
    config = EvalConfig(tasks=TASKS[:1], episodes_per_task=1, output_dir=tmp_path, progress=False, workers=2)
    with pytest.raises(ValueError, match="workers > 1 needs an agent"):
        run_evaluation(RandomAgent(), config)
    with pytest.raises(ValueError, match="workers must be >= 1"):
        run_evaluation("random", EvalConfig(tasks=TASKS[:1], output_dir=tmp_path, workers=0))


def test_an_agent_that_cannot_load_fails_before_any_worker_starts(tmp_path):
    config = EvalConfig(tasks=TASKS, episodes_per_task=1, output_dir=tmp_path, progress=False, workers=2)
    with pytest.raises(NotAModelFolderError, match="no such folder"):
        run_evaluation(str(tmp_path / "no_such_model"), config)
