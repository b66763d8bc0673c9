"""Perception pretraining of a preset's base model (all logic in crossagent/training/pretrain.py).

    accelerate launch trainers/pretrain.py --preset tiny --dataset_name DATA --output_dir outputs/base
    torchrun --nproc_per_node 2 trainers/pretrain.py --dataset_name DATA --output_dir outputs/base
    python trainers/pretrain.py --config run.yaml --max_steps 200 --resume_from_checkpoint latest

Flags are TRL's (`TrlParser` over `PretrainScriptArguments`, `CrossAgentSFTConfig` extending
`trl.SFTConfig`, and `trl.ModelConfig`); `--preset` sets the defaults (`crossagent.presets`, `pretrain`).
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from crossagent.training.pretrain import train_pretrain
from crossagent.training.pretrain_config import parse_pretrain_arguments
from crossagent.training.script import is_main_rank, run_script


def main(argv: list[str] | None = None) -> int:
    summary = run_script("pretrain", train_pretrain, parse_pretrain_arguments, argv)
    if summary is None:
        return 2
    if is_main_rank():
        print(json.dumps({k: summary[k] for k in ("output_dir", "global_step", "train_loss", "world_size")}))
        for config, entry in summary["metrics"].items():
            print(f"  {config:9s} accuracy {entry['accuracy']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
