"""`crossagent pipeline`: run the main job end to end."""

from __future__ import annotations

import argparse
import pathlib

from crossagent.pipeline import PipelineConfig, run_pipeline
from crossagent.presets import PRESET_NAMES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("pipeline", help="run every stage of the method into one folder")
    parser.add_argument("--preset", choices=PRESET_NAMES, default="tiny", help="model and data scale")
    parser.add_argument(
        "--output-dir", type=pathlib.Path, default=None, help="default outputs/pipeline-PRESET"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--restart", action="store_true", help="rerun stages that already finished")
    parser.add_argument(
        "--env", choices=("minesim", "crafter"), default="minesim",
        help="the world: minesim (the method's job) or crafter (its stages on Crafter; needs crossagent[crafter])",
    )  # fmt: skip
    parser.add_argument(
        "--ablation", action="store_true",
        help="after the main job, the paper's first ablation: MTRL from the SFT model without STRL (not in its budget)",
    )  # fmt: skip
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    stages = None
    default_dir = f"outputs/pipeline-{args.preset}"
    if args.ablation and args.env == "crafter":
        print("pipeline: error: --ablation is the MineSim job's MTRL ablation; drop it with --env crafter")
        return 2
    if args.ablation:
        from crossagent.pipeline.stages import ABLATION_STAGES

        stages = ABLATION_STAGES
    if args.env == "crafter":
        from crossagent.envs import check_backend
        from crossagent.pipeline.crafter import CRAFTER_STAGES

        check_backend("crafter")  # not installed: one line naming the install command
        stages, default_dir = CRAFTER_STAGES, f"outputs/pipeline-crafter-{args.preset}"
    config = PipelineConfig(
        preset=args.preset,
        output_dir=args.output_dir or pathlib.Path(default_dir),
        seed=args.seed,
        restart=args.restart,
    )
    state = run_pipeline(config, stages)
    print(f"pipeline finished: {config.output_dir / 'pipeline.json'}")
    for name, record in state["stages"].items():
        print(f"  {name:14s} {record['seconds']:8.1f} s")
    return 0
