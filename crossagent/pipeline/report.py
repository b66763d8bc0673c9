"""The main job's report: one markdown file and its plots, from what the earlier stages wrote.

report.md            the paper-form comparison table (ID ASR, OOD ASR, finished tasks, per category,
                     tokens per episode, action-space usage), teacher-forced validation accuracy of
                     each SFT model per space, and the wall time of every stage
report/asr.png       ID and OOD success rate of every agent, with 95% Wilson intervals
report/<agent>/...   each agent's own plots and eval_info.json (crossagent.evaluation.report)
"""

from __future__ import annotations

import json
import logging
import pathlib

import matplotlib

matplotlib.use("Agg")  # servers without a display
import matplotlib.pyplot as plt

from crossagent.evaluation.report import REPORT_FILES, markdown_table
from crossagent.evaluation.success_rate import split_rates
from crossagent.files import write_text_atomic
from crossagent.pipeline.evaluation import eval_agents
from crossagent.pipeline.plan import PipelineConfig
from crossagent.tasks import CATEGORIES

logger = logging.getLogger(__name__)

ACCURACY_COLUMNS = ("exact", "parse_equivalent", "majority_exact", "rows")
"""Validation metrics of each SFT model per space shown in the report (sft_metrics.json fields)."""


def plot_asr_by_agent(metrics_by_agent: dict[str, dict], path: pathlib.Path) -> pathlib.Path:
    """Grouped bars: ASR per agent in domain, out of domain (the paper's number) and on its two parts,
    Wilson intervals as error bars."""
    from crossagent.evaluation.plots import GROUP_LABELS, _save

    agents = list(metrics_by_agent)
    figure, axes = plt.subplots(figsize=(1.6 * len(agents) + 2, 3.6))
    colours = {
        "in_domain": "#4c72b0",
        "out_of_domain": "#dd8452",
        "ood_seen": "#55a868",
        "ood_unseen": "#c44e52",
    }
    width = 0.8 / len(colours)
    for index, (group, colour) in enumerate(colours.items()):
        offset = (index - (len(colours) - 1) / 2) * width
        blocks = [metrics_by_agent[a]["asr"]["per_split"][group] for a in agents]
        rates = [100 * (b["rate"] or 0.0) for b in blocks]
        errors = [
            [100 * (b["rate"] - b["ci_low"]) if b["rate"] is not None else 0.0 for b in blocks],
            [100 * (b["ci_high"] - b["rate"]) if b["rate"] is not None else 0.0 for b in blocks],
        ]
        positions = [i + offset for i in range(len(agents))]
        axes.bar(positions, rates, width, yerr=errors, capsize=3, color=colour, label=GROUP_LABELS[group])
        for x, rate, up in zip(positions, rates, errors[1]):  # above the whisker, never on it
            axes.text(x, rate + up + 1, f"{rate:.0f}", ha="center", va="bottom", fontsize=7)
    axes.set_xticks(range(len(agents)), agents, rotation=15, ha="right")
    axes.set_ylim(0, 115)
    axes.set_ylabel("success rate (%)")
    axes.set_title("average success rate per agent (95% Wilson intervals)")
    axes.legend(fontsize=8, loc="upper left")
    return _save(figure, path)


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


def stage_times_table(stages: dict[str, dict]) -> str:
    lines = ["| Stage | Wall time |", "|---|---:|"]
    total = 0.0
    for name, record in stages.items():
        total += record["seconds"]
        lines.append(f"| {name} | {record['seconds'] / 60:.1f} min |")
    lines.append(f"| **total (stages above)** | **{total / 60:.1f} min** |")
    return "\n".join(lines) + "\n"


def write_pipeline_report(output_dir: pathlib.Path, agents: list[str], sft_models: list[str]) -> dict:
    """Write report.md and its plot; returns the headline numbers of every agent."""
    metrics_by_agent = {
        agent: json.loads((output_dir / "eval" / agent / REPORT_FILES["eval_info"]).read_text())["metrics"]
        for agent in agents
    }
    accuracy = {}
    for name in sft_models:
        path = output_dir / "models" / name / "sft_metrics.json"
        if path.exists():
            accuracy[name] = json.loads(path.read_text())
    state = json.loads((output_dir / "pipeline.json").read_text())
    plot = plot_asr_by_agent(metrics_by_agent, output_dir / "report" / "asr.png")
    episodes = {agent: m["num_episodes"] for agent, m in metrics_by_agent.items()}
    text = "\n".join(
        [
            f"# CrossAgent main job: `{state['config']['preset']}` preset",
            "",
            "## Success on the task suite",
            "",
            f"Episodes per agent: {', '.join(f'{a} {n}' for a, n in episodes.items())}.",
            "",
            markdown_table(metrics_by_agent, CATEGORIES),
            f"![ASR per agent]({plot.relative_to(output_dir)})",
            "",
            "## Teacher-forced next-action accuracy on the validation split (%)",
            "",
            ACCURACY_NOTE,
            "",
            accuracy_table(accuracy),
            "## Wall time of each stage",
            "",
            stage_times_table(state["stages"]),
        ]
    )
    write_text_atomic(output_dir / "report.md", text)
    return {
        "report": str(output_dir / "report.md"),
        "agents": {
            agent: {
                **split_rates(m),
                "asr": m["asr"]["overall"]["rate"],
            }
            for agent, m in metrics_by_agent.items()
        },
    }


def stage_report(config: PipelineConfig) -> dict:
    """report.md: the paper-form comparison table, validation accuracy per space, stage times, plots."""
    plan = config.plan
    return write_pipeline_report(config.output_dir, list(eval_agents(config, plan)), list(plan.sft_models))
