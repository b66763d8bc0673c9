"""Two real processes on a CPU (gloo): torchrun starts two ranks, `accelerate launch --cpu --num_processes 2`
would start only one (accelerate 1.15 on a CPU)."""

import json
import os
import pathlib
import socket
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow  # ~35 s: two processes import the stack
def test_torchrun_two_processes_both_train(base_model_dir, dataset_dir, tmp_path):
    out = tmp_path / "ddp"
    command = [
        sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", str(free_port()),
        str(REPO / "trainers" / "sft.py"), "--preset", "tiny", "--dataset_name", str(dataset_dir),
        "--model_name_or_path", str(base_model_dir), "--output_dir", str(out), "--max_steps", "2",
        "--per_device_train_batch_size", "2", "--global_batch_size", "8", "--save_steps", "2",
        "--max_eval_rows", "5",
    ]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    run = json.loads((out / "sft_run.json").read_text())["training"]
    assert run["world_size"] == 2 and run["global_step"] == 2
    # global 8 = 2 rows x 2 processes x 2 accumulation; each rank trained on 2 steps x 2 x 2 rows.
    assert run["gradient_accumulation_steps"] == 2
    assert run["rows_trained_per_rank"] == [8, 8]
    assert (out / "model.safetensors").exists() and (out / "sft_metrics.json").exists()
    assert '"world_size": 2' in done.stdout
