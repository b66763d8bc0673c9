"""datasets_scripts/build_mixed.py: options reach the config, the recorded command rebuilds it, errors exit 2."""

import dataclasses
import json
import shlex

import pytest
from PIL import Image

from crossagent.datasets.config import MixedBuildConfig, command_line, config_from_args


@pytest.fixture(scope="module")
def script(load_script):
    return load_script("datasets_scripts/build_mixed.py")


def test_the_recorded_command_parses_back_to_the_same_config(script):
    config = MixedBuildConfig(tasks="kill_entity:*,mine_block:oak_*", task_splits="ood_seen", episodes_per_task=3,
                              category_episodes=5, first_world=7,
                              keep_failed=True, image_size=128, history_mode="raw")  # fmt: skip
    argv = shlex.split(command_line(config))[2:]
    parsed = config_from_args(script.build_parser().parse_args(argv))
    assert dataclasses.replace(parsed, workers=config.workers) == config


def test_build_from_the_command_line(script, tmp_path, capsys):
    out = tmp_path / "mixed"
    argv = ["--output-dir", str(out), "--tasks", "mine_block:oak_log", "--episodes-per-task", "2",
            "--workers", "1", "--num-codes", "8", "--no-progress"]  # fmt: skip
    assert script.main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["episodes"]["played"] == 2 and summary["rows"]["raw"]["total"] > 0
    settings = json.loads((out / "generation.json").read_text())
    assert (
        settings["config"]["tasks"] == "mine_block:oak_log" and "--episodes-per-task 2" in settings["command"]
    )
    assert script.main(argv) == 2 and "already exists" in capsys.readouterr().err


def test_bad_input_is_one_line_and_exit_2(script, tmp_path, capsys, monkeypatch):
    assert script.main(["--output-dir", str(tmp_path / "x"), "--tasks", "mine_block:unobtainium"]) == 2
    assert "matches no task" in capsys.readouterr().err
    assert script.main(["--output-dir", str(tmp_path / "x"), "--history-mode", "telepathic"]) == 2
    assert "history_mode" in capsys.readouterr().err
    monkeypatch.setattr(
        "huggingface_hub.get_token", lambda: None
    )  # no token on this machine, whatever it has
    record = {"conversations": [{"role": "user", "content": "Chop down the oak log."},
                                {"role": "assistant", "content": "Action: no_op"}]}  # fmt: skip
    openha = tmp_path / "r.json"
    openha.write_text(json.dumps([{**record, "image": []}]))
    argv = ["--output-dir", str(tmp_path / "o"), "--openha", str(openha)]
    assert script.main(argv) == 2
    assert "record 0 (id '?'): 1 assistant turns but 0 images" in capsys.readouterr().err
    Image.new("RGB", (8, 8)).save(tmp_path / "f.png")
    openha.write_text(json.dumps([{**record, "image": [{"image_path": "f.png"}]}]))
    argv += ["--image-root", str(tmp_path), "--push-to-hub", "me/data"]
    assert script.main(argv) == 2
    assert "no Hugging Face token" in capsys.readouterr().err
    assert (tmp_path / "o" / "README.md").is_file()  # built, only the upload was refused
