"""`crossagent model init`: build a randomly initialised CrossAgent model of a preset and save it.

    crossagent model init --preset tiny --output outputs/models/tiny-init

The folder holds a model card (README.md: what it is, its parameter count, how to load it) and loads
anywhere with `AutoModel.from_pretrained(folder, trust_remote_code=True)` and
`AutoProcessor.from_pretrained(folder, trust_remote_code=True)`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from huggingface_hub import ModelCard

import crossagent
from crossagent.cards import CARD_FILE, crossagent_model_data, model_card, save_card

CARD_TEMPLATE = "model_init.md.jinja"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("model", help="build and save CrossAgent models")
    actions = parser.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="save a randomly initialised model of a preset with its processor")
    init.add_argument(
        "--preset", default="tiny", help="tiny (CPU, ~2.6M parameters) or small (~90M, one GPU)"
    )
    init.add_argument("--output", required=True, type=Path, help="folder to write (must not exist)")
    init.add_argument("--seed", type=int, default=0)
    init.add_argument(
        "--pointer-head",
        choices=("gate", "grammar"),
        nargs="?",
        const="gate",
        help="add the pointer head: coordinate numerals copied from the image tokens a head points at "
        "(docs/perception.md); `gate` (the default) mixes it in by a learned gate, `grammar` writes every "
        "point's x and y with it; off in the presets",
    )
    init.add_argument(
        "--model-name",
        help="the model's name in its card, e.g. its Hub id `owner/name` (default: the folder's name); an SFT "
        "started from this folder names it as its base_model when it is an owner/name id",
    )
    init.set_defaults(func=run_init)


def run_init(args: argparse.Namespace) -> int:
    from crossagent.models.presets import build_model

    if args.output.exists():
        print(f"error: --output {args.output} exists; choose a new folder", file=sys.stderr)
        return 2
    switches = {"pointer_head": True, "pointer_mixture": args.pointer_head} if args.pointer_head else None
    model, processor = build_model(args.preset, seed=args.seed, switches=switches)
    count = sum(p.numel() for p in model.parameters())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.output.parent) as tmp:  # written whole, then moved
        model.save_pretrained(tmp)
        processor.save_pretrained(tmp)
        save_card(init_card(args, count, len(processor.tokenizer)), Path(tmp) / CARD_FILE)
        shutil.move(tmp, args.output)
        Path(tmp).mkdir()  # TemporaryDirectory removes it on exit
    print(
        f"saved the {args.preset} preset ({count:,} parameters, vocab {len(processor.tokenizer)}) to {args.output}"
    )
    return 0


def init_card(args: argparse.Namespace, num_parameters: int, vocab_size: int) -> ModelCard:
    """The card of a randomly initialised model folder (model_init.md.jinja)."""
    model_name = args.model_name or args.output.name
    card_data = crossagent_model_data(model_name, tags=["random-init"])
    return model_card(
        CARD_TEMPLATE,
        card_data,
        model_name=model_name,
        preset=args.preset,
        num_parameters=num_parameters,
        vocab_size=vocab_size,
        seed=args.seed,
        version=crossagent.__version__,
    )
