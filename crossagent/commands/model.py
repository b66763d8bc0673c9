"""`crossagent model init`: build a randomly initialised CrossAgent model of a preset and save it.

    crossagent model init --preset tiny --output outputs/models/tiny-init

The folder loads anywhere with `AutoModel.from_pretrained(folder, trust_remote_code=True)` and
`AutoProcessor.from_pretrained(folder, trust_remote_code=True)`.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("model", help="build and save CrossAgent models")
    actions = parser.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="save a randomly initialised model of a preset with its processor")
    init.add_argument(
        "--preset", default="tiny", help="tiny (CPU, ~2.6M parameters) or small (~90M, one GPU)"
    )
    init.add_argument("--output", required=True, type=Path, help="folder to write (must not exist)")
    init.add_argument("--seed", type=int, default=0)
    init.set_defaults(func=run_init)


def run_init(args: argparse.Namespace) -> int:
    from crossagent.models.presets import build_model

    if args.output.exists():
        print(f"error: --output {args.output} exists; choose a new folder")
        return 2
    model, processor = build_model(args.preset, seed=args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.output.parent) as tmp:  # written whole, then moved
        model.save_pretrained(tmp)
        processor.save_pretrained(tmp)
        shutil.move(tmp, args.output)
        Path(tmp).mkdir()  # TemporaryDirectory removes it on exit
    count = sum(p.numel() for p in model.parameters())
    print(
        f"saved the {args.preset} preset ({count:,} parameters, vocab {len(processor.tokenizer)}) to {args.output}"
    )
    return 0
