"""Build the perception pretraining dataset (MineSim frames + renderer ground truth) as a Hub-format folder.

    python datasets_scripts/build_perception.py --output-dir outputs/datasets/perception --preset tiny
    python -c "import datasets; print(datasets.load_dataset('outputs/datasets/perception', 'point'))"

The logic lives in `crossagent.datasets.perception_build`; this script only parses arguments.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import pathlib
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from crossagent.datasets.perception_build import PerceptionBuildConfig, build_perception
from crossagent.presets import PRESET_NAMES, get_preset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output-dir", type=pathlib.Path, default=pathlib.Path("outputs/datasets/perception")
    )
    parser.add_argument("--preset", default="tiny", choices=PRESET_NAMES, help="sets the defaults below")
    for spec in dataclasses.fields(PerceptionBuildConfig):
        parser.add_argument(f"--{spec.name.replace('_', '-')}", type=type(spec.default), default=None)
    parser.add_argument("--overwrite", action="store_true", help="replace an existing folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    fields = dict(get_preset(args.preset).pretrain.get("data", {}))
    fields.update(
        {
            k: v
            for k, v in vars(args).items()
            if k in PerceptionBuildConfig.__dataclass_fields__ and v is not None
        }
    )
    try:
        summary = build_perception(PerceptionBuildConfig(**fields), args.output_dir, overwrite=args.overwrite)
    except (ValueError, FileExistsError) as error:
        print(f"build_perception: error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
