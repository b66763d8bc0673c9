"""`crossagent eval` end to end: a tiny untrained model folder, the expert, and bad inputs."""

import json

import pytest

from crossagent.cli import main
from crossagent.models.presets import build_model

TASKS = ["mine_block:dirt", "interact_block:crafting_table"]


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny_model")
    model, processor = build_model("tiny")
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


@pytest.mark.slow  # ~25 s: an untrained model writes no valid action, so every tick is a model call
def test_tiny_untrained_model_runs_and_writes_eval_info(tiny_folder, tmp_path, capsys):
    out = tmp_path / "eval"
    argv = ["eval", "--agent", str(tiny_folder), "--tasks", *TASKS, "--episodes", "1", "--num-envs", "2",
            "--max-new-tokens", "6", "--output-dir", str(out), "--no-progress"]  # fmt: skip
    assert main(argv) == 0
    info = json.loads((out / "eval_info.json").read_text())
    assert info["agent"] == tiny_folder.name
    assert {e["task_id"] for e in info["per_episode"]} == set(TASKS)
    for episode in info["per_episode"]:
        calls = sum(episode["calls_per_space"].values()) + episode["invalid_actions"]
        assert calls >= 1 and 0 < episode["generated_tokens"] <= 6 * calls
        assert episode["steps"] >= 1
    assert "2 episodes" in capsys.readouterr().out


def test_expert_through_the_cli(tmp_path, capsys):
    out = tmp_path / "expert"
    argv = ["eval", "--agent", "expert", "--tasks", "mine_block:oak_log", "craft_item:stick", "--episodes", "2",
            "--num-envs", "4", "--frame-size", "32", "--output-dir", str(out), "--no-progress"]  # fmt: skip
    assert main(argv) == 0
    info = json.loads((out / "eval_info.json").read_text())
    assert info["overall"]["pc_success"] == 100.0 and info["overall"]["n_episodes"] == 4
    assert "success 100.0%" in capsys.readouterr().out


def test_bad_inputs_reach_the_user(tmp_path, capsys):
    assert (
        main(["eval", "--agent", "random", "--tasks", "kill_entity:zombiee", "--output-dir", str(tmp_path)])
        == 2
    )
    assert "closest: kill_entity:zombie" in capsys.readouterr().err
    assert (
        main(["eval", "--agent", str(tmp_path), "--tasks", "mine_block:dirt", "--output-dir", str(tmp_path)])
        == 2
    )
    assert "no config.json" in capsys.readouterr().err
    common = ["--tasks", "mine_block:dirt", "--episodes", "1", "--frame-size", "32", "--no-progress"]
    assert main(["eval", "--agent", "expert", *common, "--output-dir", str(tmp_path / "x")]) == 0
    capsys.readouterr()
    assert main(["eval", "--agent", "random", *common, "--output-dir", str(tmp_path / "x")]) == 2
    assert "belongs to a different task suite" in capsys.readouterr().err
