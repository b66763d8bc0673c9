"""STRL end to end on the real TRL GRPOTrainer, a tiny model and a tiny mixed dataset with world states."""

from __future__ import annotations

import json

import pytest

from crossagent.agents.model import NotAModelFolderError
from crossagent.training.strl import train_strl
from crossagent.training.strl_config import parse_strl_arguments, strl_arguments
from crossagent.training.strl_data import load_decision_rows


def _args(dataset, model, out, **overrides):
    values = dict(
        dataset_name=str(dataset), model_name_or_path=str(model), output_dir=str(out), max_steps=2,
        save_steps=1, per_device_train_batch_size=4, num_generations=4, warmup_samples=0,
        max_eval_rows=4, max_completion_length=8, report_to="none", disable_tqdm=True,
    )  # fmt: skip
    return strl_arguments("tiny", **{**values, **overrides})


def test_decision_rows_are_one_per_decision_with_one_wait_per_run(states_dataset):
    from datasets import load_dataset

    rows = load_decision_rows(str(states_dataset), "train")
    mixed = load_dataset(str(states_dataset), "mixed", split="train")
    decisions = {(r["episode"], r["step"]) for r in mixed.select_columns(["episode", "step"])}
    kept = list(zip(rows["episode"], rows["step"]))
    assert len(set(kept)) == len(kept) and set(kept) <= decisions
    assert all(state is not None for state in rows["state"])
    waits = sorted(k for k, raw in zip(kept, rows["raw_action"]) if raw == "<|raw|>no_op")
    assert all((e, s + 1) not in set(waits) for e, s in waits)  # never two waits in a row
    assert len(kept) < len(decisions)  # the smelt episodes' repeated waits were dropped


def test_two_grpo_steps_save_a_loadable_model_and_resume_continues(states_dataset, base_model_dir, tmp_path):
    from transformers import AutoModel

    out = tmp_path / "strl"
    summary = train_strl(_args(states_dataset, base_model_dir, out, max_steps=1))
    assert summary["global_step"] == 1
    model = AutoModel.from_pretrained(out, trust_remote_code=True)
    assert type(model).__name__ == "CrossAgentForActions"
    log = json.loads((out / "strl_log.json").read_text())
    assert [e["step"] for e in log] == [1] and 0.0 <= log[0]["reward"] <= 1.0
    assert 0.0 <= log[0]["zero_spread_groups"] <= 1.0
    metrics = json.loads((out / "strl_metrics.json").read_text())
    assert metrics["states"] == 4 and sum(metrics["space_share"].values()) == pytest.approx(1.0, abs=1e-3)
    # Resume from the step-1 checkpoint with a 2-step target: training continues at step 2, not step 1.
    resumed = train_strl(
        _args(states_dataset, base_model_dir, out, resume_from_checkpoint=str(out / "checkpoint-1"))
    )
    assert resumed["global_step"] == 2 and resumed["resumed_from"].endswith("checkpoint-1")
    log = json.loads((out / "strl_log.json").read_text())
    assert [e["step"] for e in log] == [1, 2]
    assert AutoModel.from_pretrained(out, trust_remote_code=True) is not None


def test_grpo_feeds_the_frame_to_the_model(states_dataset, base_model_dir, tmp_path, monkeypatch):
    """The image column reaches the vision tower in generation and in the loss's forward."""
    from modeling_crossagent.modeling_crossagent import CrossAgentModel

    calls = []
    original = CrossAgentModel.get_image_features

    def get_image_features(self, pixel_values):
        calls.append(pixel_values.shape[0])
        return original(self, pixel_values)

    monkeypatch.setattr(CrossAgentModel, "get_image_features", get_image_features)
    train_strl(_args(states_dataset, base_model_dir, tmp_path / "o", max_steps=1, dataset_test_split=""))
    # 4 answers of one state: generation's prefill sees the 4 frames, and so does the loss's forward.
    assert len(calls) >= 2 and all(n == 4 for n in calls)


def test_bad_inputs_fail_before_training(states_dataset, dataset_dir, base_model_dir, tmp_path):
    with pytest.raises(ValueError, match="record-states"):
        train_strl(_args(dataset_dir, base_model_dir, tmp_path / "a"))  # synthetic data: no states
    with pytest.raises(ValueError, match="camera_tolerance"):
        _args(states_dataset, base_model_dir, tmp_path / "b", camera_tolerance=45.0)
    not_a_model = tmp_path / "not-a-model"
    not_a_model.mkdir()
    (not_a_model / "config.json").write_text(json.dumps({"model_type": "llama"}))
    with pytest.raises(NotAModelFolderError, match="not 'crossagent'"):
        train_strl(_args(states_dataset, not_a_model, tmp_path / "c"))
    assert not (tmp_path / "a").exists() and not (tmp_path / "c").exists()


def test_the_parser_reads_preset_yaml_and_flags(tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("preset: tiny\nlearning_rate: 3.0e-5\n")
    script, training = parse_strl_arguments(
        ["--config", str(config), "--dataset_name", "d", "--model_name_or_path", "m", "--output_dir", "o",
         "--num_generations", "4"]
    )  # fmt: skip
    assert training.learning_rate == 3e-5 and training.num_generations == 4
    assert training.max_completion_length == 24 and not training.bf16 and not training.gradient_checkpointing
    assert script.model_name_or_path == "m"
    with pytest.raises(ValueError, match=r"camera_tolerance=-1\.0 is out of range"):
        parse_strl_arguments(["--dataset_name", "d", "--model_name_or_path", "m", "--camera_tolerance", "-1"])


def test_a_warm_up_without_equivalent_answers_starts_grpo_from_the_sft_model(
    states_dataset, base_model_dir, tmp_path
):
    out = tmp_path / "w"
    summary = train_strl(
        _args(
            states_dataset,
            base_model_dir,
            out,
            max_steps=1,
            warmup_samples=1,
            warmup_rows=2,
            dataset_test_split="",
        )
    )
    assert summary["warmup"]["samples"] == 2 and summary["warmup"]["equivalent_samples"] == 0
    assert summary["started_from"] == str(base_model_dir)
    assert json.loads((out / "warmup-none.json").read_text())["model"] == str(base_model_dir)


@pytest.mark.slow  # ~1 min: two processes import the stack
def test_torchrun_two_processes_train_one_grpo_step(states_dataset, base_model_dir, tmp_path):
    import os
    import pathlib
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    repo = pathlib.Path(__file__).resolve().parents[3]
    out = tmp_path / "ddp"
    command = [
        sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", str(port),
        str(repo / "trainers" / "strl.py"), "--preset", "tiny", "--dataset_name", str(states_dataset),
        "--model_name_or_path", str(base_model_dir), "--output_dir", str(out), "--max_steps", "1",
        "--per_device_train_batch_size", "4", "--num_generations", "4", "--warmup_samples", "1",
        "--warmup_rows", "2", "--max_completion_length", "6", "--max_eval_rows", "2", "--report_to", "none",
    ]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(repo)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    run = json.loads((out / "strl_run.json").read_text())
    assert run["world_size"] == 2 and run["global_step"] == 1
    assert (out / "model.safetensors").exists() and (out / "warmup-none.json").exists()
