"""Evaluation reports: `eval_info.json` (LeRobot's shape), plots, the paper's table, `model-index` (merged
into the evaluated model's card when it has one).

`eval_info.json` follows LeRobot's multi-task eval output: `per_episode` (one entry per episode),
`per_task` (task_group, task_id, metrics lists, pc_success), `per_group` (task categories, each with
pc_success / n_episodes / avg rewards) and `overall`; we add `per_split` (in_domain,
out_of_domain = the paper's OOD, ood_seen, ood_unseen; same block shape) and `metrics` (the full `compute_success_rate` output). The
episode reward is 1 on the task's success event, so sum_reward = max_reward = success. Percentages
of empty groups are null (LeRobot writes NaN, which is not valid JSON).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from huggingface_hub import EvalResult, ModelCardData

from crossagent.cards import merge_eval_results
from crossagent.evaluation import plots
from crossagent.evaluation.success_rate import (
    USAGE_KEYS,
    compute_success_rate,
    ordered_categories,
    rate_block,
)
from crossagent.files import write_text_atomic
from crossagent.rollout.results import GROUP_LABELS, GROUPS, EpisodeResult, validate_records

REPORT_FILES = {
    "eval_info": "eval_info.json",
    "success_per_category": "success_per_category.png",
    "id_vs_ood": "id_vs_ood.png",
    "action_space_usage": "action_space_usage.png",
    "table": "results_table.md",
    "model_index": "model_index.yaml",
}
"""What `write_report` writes into its output folder."""


def _pc(value: float | None) -> float | None:
    return None if value is None else 100 * value


def _pc_interval(block: Mapping[str, Any]) -> list[float] | None:
    return None if block["rate"] is None else [100 * block["ci_low"], 100 * block["ci_high"]]


def _aggregate(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """A LeRobot aggregate block (pc_success, n_episodes, avg rewards, ...) from one group's metrics."""
    asr, finished = metrics["asr"]["overall"], metrics["finished_tasks"]["overall"]
    return {
        "avg_sum_reward": asr["rate"],
        "avg_max_reward": asr["rate"],
        "pc_success": _pc(asr["rate"]),
        "pc_success_ci95": _pc_interval(asr),
        "n_episodes": asr["n"],
        "n_success": asr["successes"],
        "n_tasks": finished["n"],
        "n_finished_tasks": finished["successes"],
        "pc_finished_tasks": _pc(finished["rate"]),
        "avg_steps": metrics["steps"]["mean"],
        "avg_generated_tokens": metrics["generated_tokens"]["mean"],
        "avg_invalid_actions": metrics["invalid_actions"]["mean"],
        "action_space_usage": metrics["action_space_usage"]["overall"]["shares"],
    }


def build_eval_info(
    records: Iterable[EpisodeResult | Mapping[str, Any]],
    agent_name: str,
    eval_s: float | None = None,
    categories: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The `eval_info.json` content for one agent's records (see the module docstring)."""
    results = validate_records(records)
    metrics = compute_success_rate(results, categories=categories)
    by_task: dict[str, list[EpisodeResult]] = defaultdict(list)
    by_category: dict[str, list[EpisodeResult]] = defaultdict(list)
    by_split = {group: [r for r in results if r.split in splits] for group, splits in GROUPS.items()}
    for result in results:
        by_task[result.task_id].append(result)
        by_category[result.category].append(result)

    per_episode = [
        {
            "episode_ix": index,
            "task_group": r.category,
            "sum_reward": float(r.success),
            "max_reward": float(r.success),
            **r.to_dict(),
        }
        for index, r in enumerate(results)
    ]
    per_task = []
    for task_id, episodes in by_task.items():
        episodes = sorted(episodes, key=lambda r: r.episode)
        block = rate_block(sum(r.success for r in episodes), len(episodes))
        per_task.append(
            {
                "task_group": episodes[0].category,
                "task_id": task_id,
                "split": episodes[0].split,
                "metrics": {
                    "sum_rewards": [float(r.success) for r in episodes],
                    "max_rewards": [float(r.success) for r in episodes],
                    "successes": [r.success for r in episodes],
                    "steps": [r.steps for r in episodes],
                    "generated_tokens": [r.generated_tokens for r in episodes],
                },
                "n_episodes": block["n"],
                "n_success": block["successes"],
                "pc_success": _pc(block["rate"]),
                "pc_success_ci95": _pc_interval(block),
            }
        )
    per_group = {
        category: _aggregate(compute_success_rate(by_category.get(category, [])))
        for category in ordered_categories(by_category, categories)
    }
    per_split = {group: _aggregate(compute_success_rate(members)) for group, members in by_split.items()}
    overall = _aggregate(metrics)
    overall["eval_s"] = eval_s
    overall["eval_ep_s"] = eval_s / len(results) if eval_s is not None and results else None
    return {
        "agent": agent_name,
        "per_episode": per_episode,
        "per_task": per_task,
        "per_group": per_group,
        "per_split": per_split,
        "overall": overall,
        "metrics": metrics,
    }


def _fmt_pc(rate: float | None) -> str:
    return "–" if rate is None else f"{100 * rate:.1f}"


def fmt_rate_interval(block: Mapping[str, Any]) -> str:
    """`20.0 [9.5, 37.3]`: a rate block's rate and Wilson interval in %; `–` for an empty group."""
    if block["rate"] is None:
        return "–"
    return f"{100 * block['rate']:.1f} [{100 * block['ci_low']:.1f}, {100 * block['ci_high']:.1f}]"


def _fmt_mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _fmt_calls(metrics: Mapping[str, Any]) -> str:
    """Model calls per episode, the invalid ones named when there are any (they are in the mean)."""
    mean, invalid = metrics["model_calls"]["mean"], metrics["invalid_actions"]["mean"]
    if mean is None or not invalid:
        return _fmt_mean(mean)
    return f"{mean:.1f} ({invalid:.1f} invalid)"


def _fmt_usage(usage: Mapping[str, Any]) -> str:
    shares = usage["shares"]
    # a share that rounds to 0 reads "<1": present, never hidden
    parts = [
        f"{key} {100 * shares[key]:.0f}" if shares[key] >= 0.005 else f"{key} <1"
        for key in USAGE_KEYS
        if shares[key]
    ]
    return " / ".join(parts) if parts else "–"


INTERVAL_GROUPS: tuple[str, ...] = ("in_domain", "out_of_domain")
"""Groups whose ASR the table gives with its 95% Wilson interval (the paper's two headline numbers)."""


def markdown_table(
    metrics_by_agent: Mapping[str, Mapping[str, Any]],
    categories: Sequence[str] | None = None,
    stages: Mapping[str, str] | None = None,
) -> str:
    """The paper's comparison table: one row per agent (values of `compute_success_rate`), in the
    mapping's order.

    Columns: the agent's training stage (only when `stages`, agent -> label, is given); ASR in domain
    and out of domain (the paper's number: `ood_seen` and `ood_unseen` together) with 95% Wilson
    intervals, ASR on `ood_seen` and on `ood_unseen`; finished tasks, ASR per category (%), generated
    tokens per episode, model calls per episode (valid and invalid), and the share of model calls per
    action space (%).
    """
    if not metrics_by_agent:
        raise ValueError("markdown_table needs at least one agent's metrics")
    present = {c for m in metrics_by_agent.values() for c in m["asr"]["per_category"]}
    category_names = ordered_categories(present, categories)
    header = [
        "Agent",
        *(["Stage"] if stages is not None else []),
        *(
            f"{label} ASR [95% CI]" if group in INTERVAL_GROUPS else f"{label} ASR"
            for group, label in GROUP_LABELS.items()
        ),
        "Finished tasks",
        *category_names,
        "Tokens / episode",
        "Model calls / episode",
        "Action-space usage (% of calls)",
    ]
    rows = []
    for agent, metrics in metrics_by_agent.items():
        per_category = metrics["asr"]["per_category"]
        per_split = metrics["asr"]["per_split"]
        rows.append(
            [
                agent,
                *([stages.get(agent, "–")] if stages is not None else []),
                *(
                    fmt_rate_interval(per_split[group])
                    if group in INTERVAL_GROUPS
                    else _fmt_pc(per_split[group]["rate"])
                    for group in GROUP_LABELS
                ),
                _fmt_pc(metrics["finished_tasks"]["overall"]["rate"]),
                *(_fmt_pc(per_category[c]["rate"]) if c in per_category else "–" for c in category_names),
                _fmt_mean(metrics["generated_tokens"]["mean"]),
                _fmt_calls(metrics),
                _fmt_usage(metrics["action_space_usage"]["overall"]),
            ]
        )
    left = 2 if stages is not None else 1  # text columns are left-aligned, numbers right-aligned
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] * left + ["---:"] * (len(header) - left - 1) + ["---"]) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines.append("")
    lines.append(
        "ASR and finished tasks in %, pooled over episodes, with 95% Wilson intervals (episodes taken as "
        "independent draws: a lower bound on the uncertainty); model calls count valid and invalid "
        "(unparseable) calls, and usage shares are of all calls, the invalid ones under `invalid`."
    )
    return "\n".join(lines) + "\n"


def model_index(
    metrics: Mapping[str, Any],
    dataset_name: str = "MineSim 800+ tasks",
    dataset_type: str = "crossagent/minesim-tasks",
    task_type: str = "reinforcement-learning",
    task_name: str = "Minecraft-like embodied tasks",
) -> list[EvalResult]:
    """The Hub model card's results (`ModelCardData(eval_results=...)` writes them as its `model-index`).

    Per group with episodes (in_domain, ood_seen, ood_unseen and the paper's out_of_domain, their union)
    and for all tasks (split `all`): the success rate and the finished tasks in percent; for all tasks
    also the generated tokens per episode.
    """
    groups = [
        (
            group,
            f"{label} ",
            metrics["asr"]["per_split"][group],
            metrics["finished_tasks"]["per_split"][group],
        )
        for group, label in GROUP_LABELS.items()
    ]
    groups.append(("all", "", metrics["asr"]["overall"], metrics["finished_tasks"]["overall"]))
    tokens = metrics["generated_tokens"]["mean"]
    results = []
    for split, prefix, asr, finished in groups:
        if asr["rate"] is None:
            continue  # a null value is not valid model-index
        entries = [
            ("success_rate", f"{prefix}average success rate (%)", 100 * asr["rate"]),
            ("finished_tasks", f"{prefix}finished tasks (%)", 100 * finished["rate"]),
        ]
        if not prefix and tokens is not None:
            entries.append(("tokens_per_episode", "generated tokens per episode", tokens))
        results += [
            EvalResult(
                task_type=task_type,
                task_name=task_name,
                dataset_type=dataset_type,
                dataset_name=dataset_name,
                dataset_split=split,
                metric_type=metric_type,
                metric_name=metric_name,
                metric_value=round(value, 2),
            )
            for metric_type, metric_name, value in entries
        ]
    return results


def write_report(
    output_dir: str | os.PathLike,
    records: Iterable[EpisodeResult | Mapping[str, Any]],
    agent_name: str,
    eval_s: float | None = None,
    categories: Sequence[str] | None = None,
    model_name: str | None = None,
    model_card: str | os.PathLike | None = None,
) -> dict[str, Path]:
    """Write every file of `REPORT_FILES` for one agent into `output_dir`; returns their paths.

    `model_card`: the evaluated model's card (its folder's README.md), into which the results are merged
    (returned as `paths["model_card"]`); `model_index.yaml` then names the model as that card does."""
    output_dir = Path(output_dir)
    paths = {key: output_dir / name for key, name in REPORT_FILES.items()}
    info = build_eval_info(records, agent_name, eval_s=eval_s, categories=categories)
    metrics = info["metrics"]
    write_text_atomic(paths["eval_info"], json.dumps(info, indent=2) + "\n")
    plots.plot_success_per_category(
        metrics, paths["success_per_category"], f"{agent_name}: success per category"
    )
    plots.plot_id_vs_ood(metrics, paths["id_vs_ood"], f"{agent_name}: in-domain vs out-of-domain")
    plots.plot_action_space_usage(metrics, paths["action_space_usage"], f"{agent_name}: action-space usage")
    write_text_atomic(paths["table"], markdown_table({agent_name: metrics}, categories))
    results = model_index(metrics)
    model_name = model_name or agent_name
    if model_card is not None and results:
        paths["model_card"] = Path(model_card)
        model_name = merge_eval_results(model_card, results, model_name).data.model_name
    card_data = ModelCardData(model_name=model_name, eval_results=results)
    write_text_atomic(paths["model_index"], card_data.to_yaml() + "\n")
    return paths
