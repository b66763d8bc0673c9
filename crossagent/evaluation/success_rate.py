"""The success-rate metric of the paper: ASR overall / per category / per split (in_domain, the paper's
out_of_domain, and its two parts ood_seen and ood_unseen).

A plain function on per-episode records, so it runs without `evaluate`; the `evaluate` metric module,
shipped inside the package (`evaluate.load(metric_module_path())` from any folder; `eval/success_rate` in
a checkout links to it), delegates here. Conventions:

- ASR pools episodes: successes / episodes of the group. With the paper's protocol (the same K
  episodes for every task) this equals the mean of the per-task success rates.
- Intervals are Wilson score intervals (default 95%), which stay inside [0, 1] and behave at 0 and
  n successes. They treat episodes as independent draws; episodes of one task are correlated, so
  read them as a lower bound on the real uncertainty.
- A group with no episodes is reported with n=0 and rate/interval None (JSON null), never 0.
- Finished tasks = tasks with at least one successful episode, as a rate over tasks.
- Model calls = the agent's calls of an episode, valid ones (one per action, in its space) and invalid
  ones (unparseable output, run as a no-op tick) together.
- Action-space usage = share of the model calls that went to each space (not of ticks), an invalid
  call counted under `invalid` (USAGE_KEYS), so a model that writes garbage cannot look like one that
  switches spaces.
"""

from __future__ import annotations

import importlib.resources
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from statistics import NormalDist
from typing import Any

from crossagent.rollout.results import GROUPS, EpisodeResult, validate_records
from modeling_crossagent.action_spaces import ACTION_SPACES


def metric_module_path() -> str:
    """The folder of the installed `evaluate` metric module, for `evaluate.load(metric_module_path())`.

    `evaluate.load("eval/success_rate")` resolves the path against the working folder, so it works only
    from a checkout's root; this path works from any folder and from a normal (non-editable) install.
    """
    return str(importlib.resources.files("crossagent.evaluation") / "metric" / "success_rate")


PAPER_CATEGORIES: tuple[str, ...] = (
    "mine_block",
    "kill_entity",
    "craft_item",
    "smelt_item",
    "interact_block",
)
"""The benchmark's categories in the paper's order; reports list these first, then any others sorted."""


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float | None, float | None]:
    """Wilson score interval for a binomial proportion; (None, None) when n == 0."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return None, None
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = successes / n
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half_width = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At p=0 (p=1) the lower (upper) bound is exactly 0 (1) in exact arithmetic; floats can miss it
    # either way (e.g. 13/13 gave 0.99999...), which put the rate outside its own interval.
    low = 0.0 if successes == 0 else max(0.0, center - half_width)
    high = 1.0 if successes == n else min(1.0, center + half_width)
    return low, high


def rate_block(successes: int, n: int, confidence: float = 0.95) -> dict[str, Any]:
    """`{n, successes, rate, ci_low, ci_high}`; rate and interval are None for an empty group."""
    low, high = wilson_interval(successes, n, confidence)
    return {
        "n": n,
        "successes": successes,
        "rate": successes / n if n else None,
        "ci_low": low,
        "ci_high": high,
    }


INVALID = "invalid"
USAGE_KEYS: tuple[str, ...] = (*ACTION_SPACES, INVALID)
"""Keys of the action-space usage blocks: the action spaces, then the invalid calls."""


def ordered_categories(present: Iterable[str], requested: Sequence[str] | None = None) -> list[str]:
    """Requested categories in their order, then the other present ones: paper order, then sorted."""
    head = list(dict.fromkeys(requested or ()))
    rest = set(present) - set(head)
    return head + [c for c in PAPER_CATEGORIES if c in rest] + sorted(rest - set(PAPER_CATEGORIES))


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _model_calls(result: EpisodeResult) -> int:
    return sum(result.calls_per_space.values()) + result.invalid_actions


def _usage(results: list[EpisodeResult]) -> dict[str, Any]:
    calls = {space: sum(r.calls_per_space.get(space, 0) for r in results) for space in ACTION_SPACES}
    calls[INVALID] = sum(r.invalid_actions for r in results)
    total = sum(calls.values())
    shares = {key: (count / total if total else None) for key, count in calls.items()}
    return {"total_calls": total, "calls": calls, "shares": shares}


def compute_success_rate(
    records: Iterable[EpisodeResult | Mapping[str, Any]],
    categories: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Aggregate per-episode records into the paper's metrics (a JSON-able dict).

    Args:
        records: `EpisodeResult`s or mappings with its fields (validated; ValueError names the
            record index and field of a bad one).
        categories: categories to report even when they have no episodes (n=0, rate None), in
            this order; categories present in the records but not listed are appended.
        confidence: coverage of the Wilson intervals.
    """
    results = validate_records(records)
    by_group = {group: [r for r in results if r.split in splits] for group, splits in GROUPS.items()}
    by_category: dict[str, list[EpisodeResult]] = defaultdict(list)
    for result in results:
        by_category[result.category].append(result)
    category_names = ordered_categories(by_category, categories)

    def asr(group: list[EpisodeResult]) -> dict[str, Any]:
        return rate_block(sum(r.success for r in group), len(group), confidence)

    def finished(group: list[EpisodeResult]) -> dict[str, Any]:
        solved: dict[str, bool] = {}
        for r in group:
            solved[r.task_id] = solved.get(r.task_id, False) or r.success
        return rate_block(sum(solved.values()), len(solved), confidence)

    successful = [r for r in results if r.success]
    return {
        "num_episodes": len(results),
        "num_tasks": len({r.task_id for r in results}),
        "confidence": confidence,
        "asr": {
            "overall": asr(results),
            "per_split": {group: asr(members) for group, members in by_group.items()},
            "per_category": {c: asr(by_category.get(c, [])) for c in category_names},
        },
        "finished_tasks": {
            "overall": finished(results),
            "per_split": {group: finished(members) for group, members in by_group.items()},
            "per_category": {c: finished(by_category.get(c, [])) for c in category_names},
        },
        "steps": {
            "mean": _mean([r.steps for r in results]),
            "mean_successful": _mean([r.steps for r in successful]),
        },
        "generated_tokens": {
            "mean": _mean([r.generated_tokens for r in results]),
            "mean_successful": _mean([r.generated_tokens for r in successful]),
        },
        "model_calls": {
            "mean": _mean([_model_calls(r) for r in results]),
            "mean_successful": _mean([_model_calls(r) for r in successful]),
        },
        "invalid_actions": {
            "total": sum(r.invalid_actions for r in results),
            "mean": _mean([r.invalid_actions for r in results]),
        },
        "retries": {
            "total": sum(r.retries for r in results),
            "episodes_with_error": sum(r.error is not None for r in results),
        },
        "action_space_usage": {
            "overall": _usage(results),
            "per_category": {c: _usage(by_category.get(c, [])) for c in category_names},
        },
    }


def episode_columns(records: Iterable[EpisodeResult | Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Records -> one list per field: the keyword arguments of the `evaluate` module's `compute`."""
    results = validate_records(records)
    return {name: [getattr(r, name) for r in results] for name in EpisodeResult.__dataclass_fields__}


SPLIT_RATE_KEYS: dict[str, str] = {
    "in_domain": "id_asr",
    "out_of_domain": "ood_asr",
    "ood_seen": "ood_seen_asr",
    "ood_unseen": "ood_unseen_asr",
}
"""Reported group -> its key in short summaries (`pipeline.json`, the pipeline report)."""


def split_rates(metrics: Mapping[str, Any]) -> dict[str, float | None]:
    """The ASR of each reported group of `compute_success_rate`'s output, under its short key."""
    return {key: metrics["asr"]["per_split"][group]["rate"] for group, key in SPLIT_RATE_KEYS.items()}
