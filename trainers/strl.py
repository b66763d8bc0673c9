"""Single-turn RL of CrossAgent: rejection-sampling warm-up, then GRPO with the action-equivalence reward
(all logic in crossagent/training/strl.py).

    accelerate launch trainers/strl.py --preset tiny --dataset_name DATA --model_name_or_path SFT --output_dir out/strl
    torchrun --nproc_per_node 2 trainers/strl.py --dataset_name DATA --model_name_or_path SFT --output_dir out/strl
    python trainers/strl.py --config run.yaml --learning_rate 3e-5 --resume_from_checkpoint latest

DATA is a mixed-action dataset built with states (`datasets_scripts/build_mixed.py --record-states`); SFT
is a cold-start SFT model folder. Flags are TRL's (`TrlParser` over `STRLScriptArguments` and
`CrossAgentSTRLConfig`, which extends `trl.GRPOConfig`): `--config FILE.yaml` sets fields, command-line
flags override them, and `--preset` sets the defaults below both. `--help` lists every field.
"""

from __future__ import annotations

import json
import os
import sys

# Run as a file (`python trainers/strl.py`), the repository root is not on the path by itself.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from crossagent.training.script import is_main_rank, run_script
from crossagent.training.strl import train_strl
from crossagent.training.strl_config import parse_strl_arguments


def main(argv: list[str] | None = None) -> int:
    summary = run_script("strl", train_strl, parse_strl_arguments, argv)
    if summary is None:
        return 2
    if is_main_rank():
        keys = ("output_dir", "global_step", "final_reward", "world_size")
        print(json.dumps({k: summary.get(k) for k in keys}))
        metrics = summary.get("metrics") or {}
        if metrics:
            print(f"  held-out greedy equivalence {metrics['equivalence_rate']:.3f}, "
                  f"{metrics['tokens_per_decision']:.1f} tokens per decision")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
