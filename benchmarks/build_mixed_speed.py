"""Speed of the mixed-action dataset build: rows of the `mixed` config per second, wall clock. Prints JSON.

Builds the training split (30 tasks) with `--episodes-per-task` seeds each into a temporary folder (or
--output-dir), the same code path as `datasets_scripts/build_mixed.py`, and reports rows, wall time,
rows/s and the folder size. The target is >= 100k rows in < 15 minutes on 2 cores.

    PYTHONPATH=. python benchmarks/build_mixed_speed.py [--episodes-per-task 80] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import shutil
import tempfile

from crossagent.datasets.build import build_mixed
from crossagent.datasets.config import MixedBuildConfig


def folder_bytes(folder: pathlib.Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes-per-task", type=int, default=80)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--tasks", default="*")
    parser.add_argument(
        "--output-dir", type=pathlib.Path, help="keep the folder here (default: a temporary one)"
    )
    args = parser.parse_args()
    config = MixedBuildConfig(
        tasks=args.tasks,
        episodes_per_task=args.episodes_per_task,
        workers=args.workers,
        image_size=args.image_size,
    )
    scratch = None if args.output_dir else pathlib.Path(tempfile.mkdtemp(prefix="build-mixed-bench-"))
    folder = args.output_dir or scratch / "mixed"
    try:
        summary = build_mixed(config, folder, overwrite=True)
        size = folder_bytes(folder)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    rows = summary["rows"]["mixed"]["total"]
    print(
        json.dumps(
            {
                "benchmark": "build_mixed",
                "episodes_per_task": args.episodes_per_task,
                "workers": args.workers,
                "image_size": args.image_size,
                "episodes": summary["episodes"],
                "rows": rows,
                "rows_per_space": {k: v["total"] for k, v in summary["rows"].items() if k != "mixed"},
                "wall_seconds": summary["seconds"],
                "rows_per_second": summary["rows_per_second"],
                "phase_seconds": summary["phase_seconds"],
                "folder_megabytes": round(size / 2**20, 1),
                "cpus": os.cpu_count(),
                "machine": platform.processor() or platform.machine(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
