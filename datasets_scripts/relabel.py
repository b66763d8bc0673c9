"""Relabel decision states with a model's own verified-equivalent answers: D_strl (Hub format).

    python datasets_scripts/relabel.py --model outputs/strl --dataset outputs/mixed --output-dir outputs/d_strl --k 4
    python trainers/sft.py --preset tiny --dataset_name outputs/d_strl --output_dir outputs/m_cs2   # M_cs2

For every decision state of DATASET (built with --record-states) the model samples K answers; the ones whose
first raw tick, replayed from the decision's world state, is equivalent to the expert's are kept, and one is
picked per state: the fewest tokens, ties to the space most frequent among the kept answers. The folder has
the mixed-action schema and a card with the space distribution per category. The logic lives in
`crossagent/training/relabel.py`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pathlib
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from crossagent.training.relabel import KEEP_RULES, relabel


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="the STRL model folder that answers")
    parser.add_argument("--dataset", required=True, help="the mixed-action dataset with states")
    parser.add_argument("--output-dir", type=pathlib.Path, required=True)
    parser.add_argument("--k", type=int, default=4, help="answers sampled per decision state")
    parser.add_argument("--keep", choices=KEEP_RULES, default="one", help="one answer per state, or all")
    parser.add_argument("--splits", nargs="+", default=["train", "validation"])
    parser.add_argument("--max-rows", type=int, default=None, help="decision states per split (random)")
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--max-new-tokens", type=int, default=24)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampling")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing folder")
    parser.add_argument("--no-progress", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        summary = relabel(
            args.model, args.dataset, str(args.output_dir), k=args.k, keep=args.keep, splits=args.splits,
            max_rows=args.max_rows, temperature=args.temperature, max_new_tokens=args.max_new_tokens,
            batch_size=args.batch_size, overwrite=args.overwrite, progress=not args.no_progress, seed=args.seed,
        )  # fmt: skip
    except (ValueError, FileExistsError, FileNotFoundError, OSError) as error:
        print(f"relabel: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    print(json.dumps({k: summary[k] for k in ("splits", "seconds")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
