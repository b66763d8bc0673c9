"""The main job's report: one markdown file and its plots, from what the earlier stages wrote.

report.md                the paper-form comparison table (per agent, in the caller's order, with its training
                         stage: ID and OOD ASR with 95% Wilson intervals, OOD seen / unseen, finished tasks,
                         per category, tokens and model calls per episode, action-space usage), the
                         multi-turn RL curves when a model has a log, teacher-forced validation accuracy of
                         each SFT model per space, and the wall time of every stage (and of all together)
report/asr.png           ID and OOD success rate of every agent, with 95% Wilson intervals
report/space_usage.png   the switching figure: share of model calls per action space per task category,
                         one panel per agent (all but the random floor)
report/mtrl_curves.png   multi-turn RL success, tokens per episode and space usage over the training steps
                         of every model with a `models/<name>/mtrl_log.json`
eval/<agent>/...         each agent's own plots and eval_info.json (crossagent.evaluation.report)
"""

from __future__ import annotations

import json
import logging
import pathlib
from collections.abc import Mapping, Sequence
from typing import Any

from crossagent.evaluation.mtrl_curves import (
    MTRL_LOG_FILE,
    plot_mtrl_curves,
    read_mtrl_log,
    success_window,
    window_success,
)
from crossagent.evaluation.plots import plot_asr_by_agent, plot_space_usage_by_agent
from crossagent.evaluation.report import REPORT_FILES, fmt_rate_interval, markdown_table
from crossagent.evaluation.success_rate import compute_success_rate, split_rates
from crossagent.files import write_text_atomic
from crossagent.pipeline.evaluation import eval_agents, trained_models
from crossagent.pipeline.plan import PipelineConfig
from crossagent.rollout.results import FIELD_NAMES
from crossagent.tasks import CATEGORIES

logger = logging.getLogger(__name__)

ACCURACY_COLUMNS = ("exact", "parse_equivalent", "majority_exact", "rows")
"""Validation metrics of each SFT model per space shown in the report (sft_metrics.json fields)."""

USAGE_FIGURE_SKIPS = ("random",)
"""Agents left out of the switching figure: the random floor presses uniform raw keys, nothing to read."""


def load_agent_metrics(output_dir: pathlib.Path, agent: str) -> dict[str, Any] | None:
    """`compute_success_rate` of one agent's evaluated episodes (its eval_info.json), scored again so an
    evaluation written by an older version gets every metric of this one; None when it was not evaluated."""
    path = output_dir / "eval" / agent / REPORT_FILES["eval_info"]
    if not path.is_file():
        return None
    episodes = json.loads(path.read_text())["per_episode"]
    records = [{name: episode[name] for name in FIELD_NAMES if name in episode} for episode in episodes]
    return compute_success_rate(records, categories=CATEGORIES)


def load_mtrl_logs(output_dir: pathlib.Path, order: Sequence[str] = ()) -> dict[str, list[dict]]:
    """Every `models/<name>/mtrl_log.json`, checked: the names in `order` first, then the others sorted."""
    found = {path.parent.name: path for path in (output_dir / "models").glob(f"*/{MTRL_LOG_FILE}")}
    names = [name for name in order if name in found] + sorted(set(found) - set(order))
    return {name: read_mtrl_log(found[name]) for name in names}


def mtrl_table(logs: Mapping[str, list[dict]]) -> str:
    """Mean of every multi-turn RL run, and of its first and last steps (`success_window` of them: a single
    step's rate follows the few tasks it drew)."""
    lines = [
        "| Model | Steps logged | Success % (mean) | Success % (first → last steps, means) "
        "| Tokens / episode (first → last steps, means) | Zero-spread groups % (mean) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, entries in logs.items():
        window = success_window(len(entries))
        head, tail = entries[:window], entries[-window:]
        zero = [e["zero_spread_groups"] for e in entries if "zero_spread_groups" in e]
        mean_success = 100 * sum(e["success_rate"] for e in entries) / len(entries)
        tokens = [sum(e["tokens_per_episode"] for e in part) / window for part in (head, tail)]
        lines.append(
            f"| {name} | {len(entries)} (steps {entries[0]['step']}–{entries[-1]['step']}) | {mean_success:.1f} "
            f"| {100 * window_success(head):.1f} → {100 * window_success(tail):.1f} ({window} steps) "
            f"| {tokens[0]:.1f} → {tokens[1]:.1f} "
            f"| {f'{100 * sum(zero) / len(zero):.1f}' if zero else '–'} |"
        )
    return "\n".join(lines) + "\n"


ACCURACY_NOTE = (
    "Argmax at every action token given the true prefix (one forward pass). Exact: the whole action, its "
    "space token and end included. Parse-equivalent: the model's own argmax answer, space token included, "
    "parses to an action equivalent to the label (crossagent/executors/equivalence.py). Majority answer: "
    "always the most common training action of the space. Rows scored: the validation split capped at "
    "`--max_eval_rows`, drawn round robin over the action spaces (a stratified sample, not every row). "
    "The raw baseline's rows come from the dense raw config, one per raw tick; CrossAgent's raw rows come "
    "from the mixed config, one per expert decision, so the two raw rows are not the same rows."
)


def accuracy_table(models: dict[str, dict]) -> str:
    """Teacher-forced next-action accuracy on the validation split: one row per (model, space)."""
    lines = [
        "| Model | Space | Exact | Parse-equivalent | Majority answer | Rows |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, metrics in models.items():
        for space, block in metrics.items():
            if space == "all" and len(metrics) == 2:
                continue  # a single-space model: `all` repeats its one space
            cells = [f"{100 * block[c]:.1f}" if c != "rows" else str(block[c]) for c in ACCURACY_COLUMNS]
            lines.append(f"| {name} | {space} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def stage_times_table(stages: Mapping[str, Mapping[str, Any]], target_minutes: float | None = None) -> str:
    """Wall time of every finished stage (`pipeline.json`'s records), their total, and whether the total
    is within `target_minutes` when one is given."""
    lines = ["| Stage | Wall time |", "|---|---:|"]
    total = sum(record["seconds"] for record in stages.values()) / 60
    lines += [f"| {name} | {record['seconds'] / 60:.1f} min |" for name, record in stages.items()]
    lines.append(f"| **total (stages above)** | **{total:.1f} min** |")
    if target_minutes is not None:
        verdict = (
            f"within the target of {target_minutes:.0f} min ({target_minutes - total:.1f} min to spare)"
            if total <= target_minutes
            else f"over the target of {target_minutes:.0f} min by {total - target_minutes:.1f} min"
        )
        lines += ["", f"Total {total:.1f} min: {verdict}."]
    return "\n".join(lines) + "\n"


def write_pipeline_report(
    output_dir: pathlib.Path,
    agents: Sequence[str],
    sft_models: Sequence[str],
    stages: Mapping[str, str] | None = None,
    target_minutes: float | None = None,
) -> dict:
    """Write report.md and its plots; returns the headline numbers of every agent.

    Args:
        agents: the table's rows in this order; an agent without an evaluation (`eval/<agent>/`) is
            left out and named in the report.
        sft_models: models whose teacher-forced validation accuracy (`sft_metrics.json`) is shown.
        stages: agent -> its training stage (`SFT`, `STRL`, `MTRL`, `baseline`, ...), a table column.
        target_minutes: the job's wall-time target; the report says whether the stages' total is within.
    """
    output_dir = pathlib.Path(output_dir)
    metrics_by_agent, skipped = {}, []
    for agent in dict.fromkeys(agents):
        metrics = load_agent_metrics(output_dir, agent)
        if metrics is None:
            skipped.append(agent)
        else:
            metrics_by_agent[agent] = metrics
    if skipped:
        logger.warning("report: no evaluation of %s (eval/<agent>/eval_info.json); left out", skipped)
    if not metrics_by_agent:
        raise ValueError(
            f"report: none of the agents {list(agents)} has an evaluation in {output_dir / 'eval'}; "
            "run the eval stage first"
        )
    accuracy = {}
    for name in sft_models:
        path = output_dir / "models" / name / "sft_metrics.json"
        if path.exists():
            accuracy[name] = json.loads(path.read_text())
    state = json.loads((output_dir / "pipeline.json").read_text())
    figures = output_dir / "report"
    asr_plot = plot_asr_by_agent(metrics_by_agent, figures / "asr.png")
    usage_agents = {a: m for a, m in metrics_by_agent.items() if a not in USAGE_FIGURE_SKIPS}
    usage_plot = (
        plot_space_usage_by_agent(usage_agents, figures / "space_usage.png") if usage_agents else None
    )
    logs = load_mtrl_logs(output_dir, order=list(agents))
    curves_plot = plot_mtrl_curves(logs, figures / "mtrl_curves.png") if logs else None
    episodes = {agent: m["num_episodes"] for agent, m in metrics_by_agent.items()}

    def figure(title: str, path: pathlib.Path | None) -> list[str]:
        return [f"![{title}]({path.relative_to(output_dir)})", ""] if path is not None else []

    text = "\n".join(
        [
            f"# CrossAgent main job: `{state['config']['preset']}` preset",
            "",
            "## Success on the task suite",
            "",
            f"Episodes per agent: {', '.join(f'{a} {n}' for a, n in episodes.items())}.",
            *([f"Not evaluated (left out): {', '.join(skipped)}."] if skipped else []),
            "",
            markdown_table(metrics_by_agent, CATEGORIES, stages=stages),
            *figure("ASR per agent", asr_plot),
            "## Action-space usage per task category",
            "",
            "Share of each agent's model calls per action space, per task category and overall "
            "(invalid: unparseable output).",
            "",
            *figure("action-space usage per category", usage_plot),
            *(
                [
                    "## Multi-turn RL training curves",
                    "",
                    "Rollouts on the training tasks at each optimisation step (`models/<name>/"
                    f"{MTRL_LOG_FILE}`); zero-spread groups carry no GRPO signal and are skipped. Every run draws "
                    "the same (task, world) order (TRL's `RepeatSampler`, the run's seed), so a step's success "
                    "follows the tasks it drew: compare runs at the same steps; the first and last columns "
                    "average several steps for that reason. Held-out evaluation (the table above) is the "
                    "measure of what RL changed.",
                    "",
                    mtrl_table(logs),
                    *figure("multi-turn RL curves", curves_plot),
                ]
                if logs
                else []
            ),
            "## Teacher-forced next-action accuracy on the validation split (%)",
            "",
            ACCURACY_NOTE,
            "",
            accuracy_table(accuracy),
            "## Wall time of each stage",
            "",
            stage_times_table(state["stages"], target_minutes),
        ]
    )
    write_text_atomic(output_dir / "report.md", text)
    return {
        "report": str(output_dir / "report.md"),
        "skipped": skipped,
        "mtrl_logs": list(logs),
        "total_minutes": round(sum(r["seconds"] for r in state["stages"].values()) / 60, 1),
        "agents": {
            agent: {
                **({"stage": stages.get(agent)} if stages is not None else {}),
                **split_rates(m),
                "asr": m["asr"]["overall"]["rate"],
                "id_ci": fmt_rate_interval(m["asr"]["per_split"]["in_domain"]),
                "ood_ci": fmt_rate_interval(m["asr"]["per_split"]["out_of_domain"]),
                "tokens_per_episode": m["generated_tokens"]["mean"],
                "calls_per_episode": m["model_calls"]["mean"],
            }
            for agent, m in metrics_by_agent.items()
        },
    }


def stage_report(config: PipelineConfig) -> dict:
    """report.md: the paper-form comparison table, the switching figure, MTRL curves, validation accuracy
    per space, stage times."""
    plan = config.plan
    stages = {**trained_models(plan), **dict.fromkeys(plan.eval_baselines, "baseline")}
    return write_pipeline_report(
        config.output_dir, list(eval_agents(config, plan)), list(plan.sft_models), stages=stages,
        target_minutes=plan.target_minutes,
    )  # fmt: skip
