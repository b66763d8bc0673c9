"""Build the task suite as a Hub-format dataset folder (parquet shards + README card).

    python datasets_scripts/build_tasks.py --output-dir outputs/datasets/tasks
    python -c "import datasets; print(datasets.load_dataset('outputs/datasets/tasks'))"

The logic lives in `crossagent.tasks`; this script only parses arguments.
"""

from __future__ import annotations

import argparse
import logging
import pathlib

from crossagent.datasets.tasks import category_counts, write_dataset
from crossagent.tasks import load_suite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=pathlib.Path, default=pathlib.Path("outputs/datasets/tasks"))
    parser.add_argument("--overwrite", action="store_true", help="replace an existing folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    tasks = load_suite()
    folder = write_dataset(tasks, args.output_dir, overwrite=args.overwrite)
    print(f"wrote {len(tasks)} tasks to {folder}")
    for category, row in category_counts(tasks).items():
        print(
            f"  {category:15s} in_domain {row['in_domain']:3d}  ood_seen {row['ood_seen']:4d}  "
            f"ood_unseen {row['ood_unseen']:4d}  total {row['total']:4d}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
