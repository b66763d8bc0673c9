"""Issue 21, "nothing mixed, nothing overwritten, nothing lost": each reproduced fault, as a test that
fails on the old behaviour."""

from __future__ import annotations

import pytest

from crossagent.evaluation.results import read_results
from crossagent.evaluation.runner import EvalConfig, run_evaluation
from crossagent.rollout import RolloutHooks

# --- 1. evaluation resume is keyed on what produced the results ------------------------------------


class Interrupt(Exception):
    pass


def interrupt_at_first_decision():
    def on_decision(record):
        raise Interrupt

    return RolloutHooks(on_decision=on_decision)


@pytest.fixture(scope="module")
def two_tiny_models(tmp_path_factory):
    """Two real tiny model folders, both named `tiny`, with different weights."""
    from crossagent.models.presets import build_model

    root = tmp_path_factory.mktemp("models")
    folders = []
    for seed, parent in ((0, "one"), (1, "other")):
        folder = root / parent / "tiny"
        model, processor = build_model("tiny", seed=seed)
        model.save_pretrained(folder)
        processor.save_pretrained(folder)
        folders.append(folder)
    return folders


def one_episode(out):
    """One task, one episode, 32-pixel frames: the smallest evaluation."""
    return EvalConfig(
        tasks=["mine_block:dirt"],
        episodes_per_task=1,
        num_envs=1,
        output_dir=out,
        frame_size=32,
        progress=False,
    )


def start_eval(agent, out, **agent_kwargs):
    config = one_episode(out)
    with pytest.raises(Interrupt):  # killed at its first model call: the results file has its header
        run_evaluation(agent, config, hooks=interrupt_at_first_decision(), agent_kwargs=agent_kwargs)


def test_resume_refuses_other_weights_with_the_same_folder_name(two_tiny_models, tmp_path):
    one, other = two_tiny_models
    out = tmp_path / "eval"
    start_eval(one, out, max_new_tokens=4)
    header, _, _ = read_results(out / "results.jsonl")
    assert header["producer"]["weights_sha256"] and header["producer"]["max_new_tokens"] == 4
    start_eval(one, out, max_new_tokens=4)  # the same model and settings resume
    with pytest.raises(ValueError, match="weights_sha256") as error:
        start_eval(other, out, max_new_tokens=4)
    assert "--output-dir" in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize("changed", [{"max_new_tokens": 5}, {"constrained": True}, {"do_sample": True}])
def test_resume_refuses_other_decoding_settings(two_tiny_models, tmp_path, changed):
    one, _ = two_tiny_models
    out = tmp_path / "eval"
    start_eval(one, out, max_new_tokens=4)
    with pytest.raises(ValueError, match=next(iter(changed))):
        start_eval(one, out, **({"max_new_tokens": 4} | changed))


def test_cli_eval_with_other_weights_refuses_on_stderr(two_tiny_models, tmp_path, capsys):
    from crossagent.cli import main

    one, other = two_tiny_models
    out = tmp_path / "eval"
    start_eval(one, out, max_new_tokens=4)
    argv = ["eval", "--agent", str(other), "--tasks", "mine_block:dirt", "--episodes", "1", "--num-envs", "1",
            "--max-new-tokens", "4", "--frame-size", "32", "--output-dir", str(out), "--no-progress"]  # fmt: skip
    assert main(argv) == 2
    assert "refusing to resume" in capsys.readouterr().err


def test_builtin_agents_key_on_their_name(tmp_path):
    out = tmp_path / "eval"
    config = one_episode(out)
    run_evaluation("expert", config)
    header, results, _ = read_results(out / "results.jsonl")
    assert header["producer"]["name"] == "expert" and len(results) == 1
    with pytest.raises(ValueError, match="refusing to resume"):
        run_evaluation("random", config)


# --- 3. the env validates every action strictly ------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "false", float("nan"), -1, 2, None, 0.5])
def test_env_rejects_a_button_that_is_not_0_1_or_bool(value):
    from crossagent.envs.minesim_env import MineSimEnv

    env = MineSimEnv(width=16, height=16)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="'forward' must be 0, 1 or a bool"):
        env.step({"forward": value})


@pytest.mark.parametrize("camera", ["12", [1], [1, 2, 3], [float("inf"), 0], ["1", "2"], 5, [True, 0]])
def test_env_rejects_a_camera_that_is_not_two_finite_numbers(camera):
    from crossagent.envs.minesim_env import MineSimEnv

    env = MineSimEnv(width=16, height=16)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"'camera' must be .*\[pitch, yaw\]"):
        env.step({"camera": camera})


def test_env_accepts_the_valid_forms():
    import numpy as np

    from crossagent.envs.minesim_env import MineSimEnv

    env = MineSimEnv(width=16, height=16)
    env.reset(seed=0)
    for action in ({"forward": 1, "jump": True}, {"forward": np.int64(0), "attack": np.bool_(True)},
                   {"camera": np.array([0.0, 5.0], dtype=np.float32)}, {"camera": (1, -2)}):  # fmt: skip
        env.step(action)


def test_raw_conversion_is_as_strict():
    from crossagent.executors.raw import env_to_raw

    with pytest.raises(ValueError, match="'attack' must be 0, 1 or a bool"):
        env_to_raw({"attack": "false"})
    with pytest.raises(ValueError, match="'camera' must be"):
        env_to_raw({"camera": "12"})
    assert not env_to_raw({"attack": 0, "camera": [0, 0]}).buttons


def test_vector_env_checks_every_world_before_stepping_any():
    from crossagent.envs.minesim_env import MineSimVectorEnv

    vector = MineSimVectorEnv(3, width=16, height=16)
    vector.reset(seeds=[0, 1, 2])
    ticks = [env.sim.tick for env in vector.envs]
    with pytest.raises(ValueError, match=r"world 2: .*'jump'"):
        vector.step([{"forward": 1}, {"forward": 1}, {"jump": "1"}])
    assert [env.sim.tick for env in vector.envs] == ticks  # no world moved


def test_step_before_reset_says_so():
    from crossagent.envs.minesim_env import MineSimEnv, MineSimVectorEnv

    with pytest.raises(RuntimeError, match=r"before reset\(\)"):
        MineSimEnv(width=16, height=16).step({})
    with pytest.raises(RuntimeError, match=r"before reset\(\)"):
        MineSimVectorEnv(2, width=16, height=16).step([{}, {}])


# --- 4. CLI errors: one line on stderr naming the field or file and the fix, exit code 2 --------------


def run_cli(argv, capsys):
    from crossagent.cli import main

    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("flag", ["--max-new-tokens", "--frame-size"])
def test_zero_sizes_are_rejected(flag, tmp_path, capsys):
    code, out, err = run_cli(["eval", "--agent", "expert", flag, "0", "--output-dir", str(tmp_path)], capsys)
    assert code == 2 and flag in err and "at least 1" in err and not out


def test_an_output_dir_that_is_a_file_is_rejected(tmp_path, capsys):
    path = tmp_path / "file"
    path.write_text("x")
    code, out, err = run_cli(["eval", "--agent", "expert", "--tasks", "mine_block:dirt", "--output-dir", str(path)],
                             capsys)  # fmt: skip
    assert code == 2 and "is an existing file" in err and str(path) in err and not out
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_corrupt_weights_name_the_file(two_tiny_models, tmp_path, capsys):
    import shutil

    folder = tmp_path / "tiny"
    shutil.copytree(two_tiny_models[0], folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    code, _, err = run_cli(["eval", "--agent", str(folder), "--tasks", "mine_block:dirt",
                              "--output-dir", str(tmp_path / "eval"), "--no-progress"], capsys)  # fmt: skip
    assert code == 2 and "model.safetensors" in err and "re-save" in err and "Traceback" not in err


def test_sft_config_yaml_errors_are_one_line(load_script, tmp_path, capsys):
    script = load_script("trainers/sft.py")
    for text, expected in (("learning_rate: [1\n", "bad.yaml"), ("max_steps: abc\n", "max_steps")):
        config = tmp_path / "bad.yaml"
        config.write_text(text)
        try:
            code = script.main(
                ["--config", str(config), "--dataset_name", "x", "--output_dir", str(tmp_path / "o")]
            )
        except SystemExit as exit_:
            code = exit_.code
        err = capsys.readouterr().err
        assert code == 2 and expected in err and "Traceback" not in err
        assert len(err.strip().splitlines()) <= 2  # the error (and argparse's one-line usage)


def test_sft_corrupt_parquet_shard_is_named(load_script, tmp_path, capsys):
    from crossagent.training.synthetic_data import write_synthetic_dataset

    data = write_synthetic_dataset(tmp_path / "mixed", train_episodes=1, validation_episodes=1, steps=1)
    shard = data / "grounding" / "train-00000-of-00001.parquet"
    shard.write_bytes(b"PAR1 not a parquet file")
    script = load_script("trainers/sft.py")
    argv = ["--dataset_name", str(data), "--dataset_config", "grounding", "--output_dir", str(tmp_path / "o"),
            "--max_steps", "1"]  # fmt: skip
    assert script.main(argv) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]  # (datasets logs its own read failure before it)
    assert last.startswith("sft: error:") and f"parquet shard {shard} is corrupt" in last


def test_tasks_list_into_a_closed_pipe_exits_quietly():
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    reader = subprocess.Popen([sys.executable, "-m", "crossagent.cli", "tasks", "list"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env)  # fmt: skip
    reader.stdout.readline()
    reader.stdout.close()  # what `| head -1` does
    err = reader.stderr.read().decode()
    assert reader.wait() == 0 and "Traceback" not in err and "BrokenPipe" not in err


# --- 5. a model folder's own code does not run without a word -----------------------------------------


@pytest.fixture
def edited_code_folder(two_tiny_models, tmp_path):
    import shutil

    folder = tmp_path / "tiny"
    shutil.copytree(two_tiny_models[0], folder)
    with open(folder / "modeling_crossagent.py", "a") as handle:
        handle.write("\nEDITED = True  # anything a folder's author wants to run\n")
    return folder


def test_eval_refuses_a_folder_with_other_code(edited_code_folder, tmp_path, capsys, caplog):
    from crossagent.agents.model import ModelAgent
    from crossagent.agents.remote_code import UntrustedCodeError, differing_code_files

    assert differing_code_files(edited_code_folder) == ["modeling_crossagent.py"]
    with pytest.raises(UntrustedCodeError, match=r"modeling_crossagent\.py.*--trust-remote-code"):
        ModelAgent.from_folder(edited_code_folder)
    code, _, err = run_cli(["eval", "--agent", str(edited_code_folder), "--tasks", "mine_block:dirt",
                            "--output-dir", str(tmp_path / "eval"), "--no-progress"], capsys)  # fmt: skip
    assert code == 2 and "--trust-remote-code" in err
    with caplog.at_level("WARNING", logger="crossagent.agents.remote_code"):
        agent = ModelAgent.from_folder(edited_code_folder, trust_remote_code=True)
    assert agent.folder == edited_code_folder and "differs from the installed" in caplog.text


def test_a_folder_written_by_this_version_loads_without_a_flag(two_tiny_models):
    from crossagent.agents.remote_code import differing_code_files

    assert differing_code_files(two_tiny_models[0]) == []


def test_sft_refuses_to_start_from_a_folder_with_other_code(edited_code_folder, tmp_path):
    from crossagent.agents.remote_code import UntrustedCodeError
    from crossagent.training.sft import build_model_and_processor
    from crossagent.training.sft_config import sft_arguments

    args = sft_arguments("tiny", dataset_name="x", output_dir=str(tmp_path / "o"),
                         model_name_or_path=str(edited_code_folder))  # fmt: skip
    with pytest.raises(UntrustedCodeError, match="--trust_remote_code"):
        build_model_and_processor(args)
    trusted = sft_arguments("tiny", dataset_name="x", output_dir=str(tmp_path / "o"),
                            model_name_or_path=str(edited_code_folder), trust_remote_code=True)  # fmt: skip
    model, _ = build_model_and_processor(trusted)
    assert model.num_parameters() > 0
