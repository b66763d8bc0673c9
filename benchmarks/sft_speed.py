"""SFT throughput of a preset on synthetic mixed-action rows; prints one JSON object.

    python benchmarks/sft_speed.py                      # tiny preset, ~300 rows, one epoch, 1 thread
    python benchmarks/sft_speed.py --epochs 8 --rows 1000  # longer: also shows what the model learns

Throughput is TRL/transformers' own `train_samples_per_second` (rows per second of `trainer.train`,
model building and data writing excluded). The teacher-forced accuracy of the result is reported next to
the majority reference, so a fast run that learns nothing is visible as such.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch

from crossagent.training.sft import train_sft
from crossagent.training.sft_config import sft_arguments
from crossagent.training.synthetic_data import write_synthetic_dataset
from modeling_crossagent.action_spaces import ACTION_SPACES


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", default="tiny")
    parser.add_argument("--rows", type=int, default=300, help="training rows (rounded to whole episodes)")
    parser.add_argument("--steps-per-episode", type=int, default=4)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=None, help="per-device batch (default: the preset's)")
    parser.add_argument("--action-spaces", default="mixed")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (1 is fastest on a busy 2-core box)"
    )
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument(
        "--blind-instruction",
        action="store_true",
        help="instruction 'act': the target must be read from the frame",
    )
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    # Every decision is labelled in all five spaces; a single-space run trains on one label of each.
    spaces_per_row = len(ACTION_SPACES) if args.action_spaces == "mixed" else 1
    rows_per_episode = args.steps_per_episode * spaces_per_row
    episodes = max(1, round(args.rows / rows_per_episode))
    with tempfile.TemporaryDirectory() as tmp:
        data = write_synthetic_dataset(
            pathlib.Path(tmp) / "data", train_episodes=episodes, validation_episodes=max(2, episodes // 8),
            steps=args.steps_per_episode, blind=args.blind_instruction,
        )  # fmt: skip
        config = sft_arguments(
            args.preset, dataset_name=str(data), output_dir=str(pathlib.Path(tmp) / "model"),
            dataset_config=args.action_spaces, num_train_epochs=args.epochs, per_device_train_batch_size=args.batch,
            learning_rate=args.learning_rate, save_steps=10**6, logging_steps=10**6,
        )  # fmt: skip
        start, cpu_start = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(sys.stderr):  # Trainer's log lines; stdout carries only the JSON
            summary = train_sft(config)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    metrics = summary["metrics"]
    print(
        json.dumps(
            {
                "preset": args.preset,
                "action_spaces": args.action_spaces,
                "blind_instruction": args.blind_instruction,
                "train_rows": episodes * rows_per_episode,
                "epochs": args.epochs,
                "per_device_batch_size": summary["per_device_batch_size"],
                "optimizer_steps": summary["global_step"],
                "torch_threads": args.threads,
                "device": "cuda" if torch.cuda.is_available() else "cpu",
                "train_runtime_s": round(summary["train_runtime_s"], 2),
                "train_samples_per_second": round(summary["train_samples_per_second"], 2),
                "wall_s_including_build_and_eval": round(wall, 1),
                "cpu_s_including_build_and_eval": round(cpu, 1),
                "load_average_1min_at_end": round(os.getloadavg()[0], 2),
                "final_train_loss": round(summary["train_loss"], 4),
                "validation": {
                    space: {
                        k: round(v, 3)
                        for k, v in m.items()
                        if k in ("exact", "exact_given_space", "parse_equivalent", "majority_exact")
                    }
                    for space, m in metrics.items()
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
