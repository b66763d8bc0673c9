"""Speed of the mixed-action dataset build: rows of the `mixed` config per second, wall clock. Prints JSON.

Builds a preset's data (default: the tiny main job's broad draw over every in_domain and ood_seen task)
into a temporary folder (or --output-dir), the same code path as `datasets_scripts/build_mixed.py`, and
reports rows, wall time, rows/s, the time per phase and the folder size. The target for the tiny data is
<= 2 minutes on 2 cores.

    PYTHONPATH=. python benchmarks/build_mixed_speed.py [--preset tiny] [--category-episodes 100] [--workers 2]
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
from crossagent.datasets.config import preset_config


def folder_bytes(folder: pathlib.Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="tiny", help="the preset whose data is built (tiny, small)")
    parser.add_argument("--episodes-per-task", type=int, help="override the preset's value")
    parser.add_argument("--category-episodes", type=int, help="override the preset's value")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tasks", default="*")
    parser.add_argument(
        "--output-dir", type=pathlib.Path, help="keep the folder here (default: a temporary one)"
    )
    args = parser.parse_args()
    overrides = {
        name: getattr(args, name)
        for name in ("episodes_per_task", "category_episodes")
        if getattr(args, name) is not None
    }
    config = preset_config(args.preset, tasks=args.tasks, workers=args.workers, **overrides)
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
                "preset": args.preset,
                "episodes_per_task": config.episodes_per_task,
                "category_episodes": config.category_episodes,
                "workers": args.workers,
                "image_size": config.image_size,
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
