"""Cold-start SFT of CrossAgent or a single-space baseline (all logic in crossagent/training/sft.py).

    accelerate launch trainers/sft.py --preset tiny --dataset_name DATA --output_dir outputs/sft-mixed
    torchrun --nproc_per_node 2 trainers/sft.py --dataset_name DATA --dataset_config raw --output_dir out
    python trainers/sft.py --config my_run.yaml --learning_rate 3e-4 --resume_from_checkpoint latest
    python trainers/sft.py --dataset_name DATA --model_name_or_path BASE --use_peft --lora_r 16

Flags are TRL's (`TrlParser` over `SFTScriptArguments`, `CrossAgentSFTConfig` extending `trl.SFTConfig`,
and `trl.ModelConfig`): `--config FILE.yaml` sets fields, command-line flags override them, and `--preset`
(tiny: CPU, small: one GPU) sets the defaults below both. `--help` lists every field.
"""

from __future__ import annotations

import json
import os
import sys

# Run as a file (`python trainers/sft.py`), the repository root is not on the path by itself.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from crossagent.training.script import is_main_rank, run_script
from crossagent.training.sft import train_sft
from crossagent.training.sft_config import parse_sft_arguments


def main(argv: list[str] | None = None) -> int:
    summary = run_script("sft", train_sft, parse_sft_arguments, argv)
    if summary is None:
        return 2
    if is_main_rank():
        print(json.dumps({k: summary[k] for k in ("output_dir", "global_step", "train_loss", "world_size")}))
        for space, metrics in summary["metrics"].items():
            print(
                f"  {space:10s} exact {metrics['exact']:.3f}  given space {metrics['exact_given_space']:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
