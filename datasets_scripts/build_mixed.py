"""Build the mixed-action dataset (Hub format: parquet shards per config and split + README card).

    python datasets_scripts/build_mixed.py --output-dir outputs/datasets/mixed --episodes-per-task 8
    python datasets_scripts/build_mixed.py --output-dir out/kill --tasks 'kill_entity:*' --task-split all
    python datasets_scripts/build_mixed.py --output-dir out/openha --openha records.jsonl [--image-root DIR]
    python -c "import datasets; print(datasets.load_dataset('outputs/datasets/mixed', 'raw'))"

Every MixedBuildConfig field is an option (see --help). The logic lives in `crossagent.datasets`.
"""

from __future__ import annotations

import argparse
import json
import logging
import pathlib
import sys

from crossagent.datasets.build import build_mixed
from crossagent.datasets.config import add_config_arguments, config_from_args
from crossagent.datasets.hub_publish import push_folder


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=pathlib.Path, default=pathlib.Path("outputs/datasets/mixed"))
    parser.add_argument("--overwrite", action="store_true", help="replace an existing folder")
    parser.add_argument("--push-to-hub", metavar="REPO", help="publish the folder to this Hub dataset repo")
    parser.add_argument("--private", action="store_true", help="create the Hub repo private")
    parser.add_argument(
        "--openha",
        nargs="+",
        type=pathlib.Path,
        metavar="FILE",
        help="convert OpenHA-format records (.jsonl, .json or .parquet) instead of running the expert",
    )
    parser.add_argument(
        "--image-root", type=pathlib.Path, help="folder that OpenHA image paths are relative to"
    )
    parser.add_argument(
        "--system-prompt", default="", help="text to strip from the front of OpenHA instructions"
    )
    parser.add_argument("--no-progress", action="store_true")
    add_config_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return run(args)
    except (ValueError, FileExistsError, FileNotFoundError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if args.openha:
        from crossagent.datasets.openha import build_from_openha

        summary = build_from_openha(
            args.openha, args.output_dir, config, args.image_root, args.overwrite, args.system_prompt
        )
    else:
        summary = build_mixed(
            config, args.output_dir, overwrite=args.overwrite, progress=not args.no_progress
        )
    print(json.dumps(summary, indent=2))
    if args.push_to_hub:
        url = push_folder(args.output_dir, args.push_to_hub, private=args.private)
        print(f"published {args.output_dir} to {url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
