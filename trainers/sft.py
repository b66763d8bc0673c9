"""Cold-start SFT of CrossAgent or a single-space baseline (all logic in crossagent/training/sft.py).

    accelerate launch trainers/sft.py --config tiny --dataset DATA --output-dir outputs/sft-mixed
    torchrun --nproc_per_node 2 trainers/sft.py --config tiny --dataset DATA --action-spaces raw
    python trainers/sft.py --config my_run.yaml --resume latest

--config is a preset (tiny: CPU, small: one GPU) or a YAML file of CrossAgentSFTConfig fields; the other
flags override single fields.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

# Run as a file (`python trainers/sft.py`), the repository root is not on the path by itself.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from crossagent.training.sft import train_sft
from crossagent.training.sft_config import SPACE_CHOICES, load_sft_config


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", default="tiny", help="preset name (tiny, small) or a YAML file")
    parser.add_argument("--dataset", help="mixed-action dataset folder (Hub format)")
    parser.add_argument(
        "--action-spaces", choices=SPACE_CHOICES, help="mixed (CrossAgent) or one baseline space"
    )
    parser.add_argument("--output-dir", help="the saved model folder (checkpoints inside)")
    parser.add_argument("--init-model", help="start from this saved CrossAgentForActions folder")
    parser.add_argument("--history-length", type=int, help="previous actions in the prompt (0: none)")
    parser.add_argument("--max-steps", type=int, help="optimizer steps (-1: --epochs)")
    parser.add_argument("--epochs", type=float, dest="num_train_epochs", help="epochs when --max-steps is -1")
    parser.add_argument("--per-device-batch-size", type=int)
    parser.add_argument("--gradient-accumulation-steps", type=int)
    parser.add_argument("--global-batch-size", type=int, help="rows per optimizer step over all processes")
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--save-steps", type=int)
    parser.add_argument("--logging-steps", type=int)
    parser.add_argument("--max-train-rows", type=int)
    parser.add_argument("--max-eval-rows", type=int)
    parser.add_argument("--report-to", help="none, tensorboard, wandb, ...")
    parser.add_argument("--resume", dest="resume_from_checkpoint", help="'latest' or a checkpoint folder")
    parser.add_argument("--seed", type=int)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    args = vars(parse_args(argv))
    try:
        config = load_sft_config(args.pop("config"), **args)
        summary = train_sft(config)
    except ValueError as error:
        print(f"sft: error: {error}", file=sys.stderr)
        return 2
    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps({k: summary[k] for k in ("output_dir", "global_step", "train_loss", "world_size")}))
        for space, metrics in summary["metrics"].items():
            print(
                f"  {space:10s} exact {metrics['exact']:.3f}  given space {metrics['exact_given_space']:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
