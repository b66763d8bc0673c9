"""Cost of the evaluation bookkeeping at the paper's scale; prints JSON.

    PYTHONPATH=. python benchmarks/eval_metric_speed.py [--tasks 830] [--episodes 8]

Synthetic episode records (random outcomes, not results of any agent) for tasks x episodes:
time to append them durably to the results file (one fsync per episode), to reopen it for
resume, to compute the metric with the plain function and with the `evaluate` module, and to
write the full report (eval_info.json + 3 PNGs + table + model-index). The runner's budget is
15 minutes for 800+ episodes, so this overhead must stay a small fraction of it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

from crossagent.evaluation.report import write_report
from crossagent.evaluation.results import ResultsStore
from crossagent.evaluation.success_rate import (
    PAPER_CATEGORIES,
    compute_success_rate,
    episode_columns,
    metric_module_path,
)
from crossagent.rollout.results import EpisodeResult
from modeling_crossagent.action_spaces import ACTION_SPACES


def synthetic_records(tasks: int, episodes: int, seed: int = 0) -> list[EpisodeResult]:
    rng = random.Random(seed)
    records = []
    for task in range(tasks):
        category = PAPER_CATEGORIES[task % len(PAPER_CATEGORIES)]
        split = "in_domain" if task < 30 else ("ood_seen", "ood_unseen")[task % 2]
        for episode in range(episodes):
            records.append(
                EpisodeResult(
                    task_id=f"{category}:task{task}",
                    category=category,
                    split=split,
                    episode=episode,
                    seed=task * 100 + episode,
                    success=rng.random() < 0.4,
                    steps=rng.randrange(1, 201),
                    generated_tokens=rng.randrange(0, 2000),
                    calls_per_space={space: rng.randrange(0, 20) for space in ACTION_SPACES},
                    invalid_actions=rng.randrange(0, 3),
                )
            )
    return records


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=830)
    parser.add_argument("--episodes", type=int, default=8)
    args = parser.parse_args()
    records = synthetic_records(args.tasks, args.episodes)
    task_ids = list(dict.fromkeys(r.task_id for r in records))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "results.jsonl"

        def append_all():
            with ResultsStore(path, task_ids, "synthetic", args.episodes) as store:
                for record in records:
                    store.append(record)

        _, append_s = timed(append_all)
        reopened, reopen_s = timed(lambda: ResultsStore(path, task_ids, "synthetic", args.episodes))
        reopened.close()
        metrics, metric_s = timed(lambda: compute_success_rate(records))
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import evaluate

        module = evaluate.load(metric_module_path())
        via_evaluate, evaluate_s = timed(lambda: module.compute(**episode_columns(records)))
        _, report_s = timed(lambda: write_report(Path(tmp) / "report", records, "synthetic"))
    assert via_evaluate == metrics
    print(
        json.dumps(
            {
                "episodes": len(records),
                "append_fsync_s": round(append_s, 3),
                "append_ms_per_episode": round(1000 * append_s / len(records), 3),
                "reopen_for_resume_s": round(reopen_s, 3),
                "compute_success_rate_s": round(metric_s, 3),
                "evaluate_module_compute_s": round(evaluate_s, 3),
                "write_report_s": round(report_s, 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
