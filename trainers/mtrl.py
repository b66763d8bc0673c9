"""Multi-turn RL of CrossAgent: GRPO over whole episodes with the success-and-token-cost reward
(all logic in crossagent/training/mtrl.py).

    accelerate launch trainers/mtrl.py --preset tiny --model_name_or_path MODEL --output_dir out/mtrl
    torchrun --nproc_per_node 2 trainers/mtrl.py --model_name_or_path MODEL --output_dir out/mtrl
    python trainers/mtrl.py --model_name_or_path out/raw --action_spaces raw --output_dir out/raw-rl
    python trainers/mtrl.py --config run.yaml --learning_rate 3e-5 --resume_from_checkpoint latest

MODEL is a saved CrossAgent model folder (SFT, STRL or relabel SFT). Flags are TRL's (`TrlParser` over
`MTRLScriptArguments` and `CrossAgentMTRLConfig`, which extends `trl.GRPOConfig`): `--config FILE.yaml`
sets fields, command-line flags override them, and `--preset` sets the defaults below both. `--help`
lists every field.
"""

from __future__ import annotations

import json
import os
import sys

# Run as a file (`python trainers/mtrl.py`), the repository root is not on the path by itself.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from crossagent.training.mtrl import train_mtrl
from crossagent.training.mtrl_config import parse_mtrl_arguments
from crossagent.training.script import is_main_rank, run_script


def main(argv: list[str] | None = None) -> int:
    summary = run_script("mtrl", train_mtrl, parse_mtrl_arguments, argv)
    if summary is None:
        return 2
    if is_main_rank():
        keys = (
            "output_dir",
            "global_step",
            "action_spaces",
            "first_success_rate",
            "final_success_rate",
            "world_size",
        )
        print(json.dumps({k: summary.get(k) for k in keys}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
