"""PNG plots of success-rate metrics (the dict of `compute_success_rate`): one agent's, and the comparison
of several agents (ASR per split, action-space usage per category).

Headless (matplotlib's Agg backend, no display needed); each plot is written to a temp file and
renamed into place, so a killed run never leaves a half-written PNG.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: evaluation runs on servers without a display
import matplotlib.pyplot as plt

from crossagent.evaluation.success_rate import USAGE_KEYS
from crossagent.files import atomic_path

SPACE_COLORS = {
    "raw": "#4c72b0",
    "motion": "#dd8452",
    "grounding": "#55a868",
    "skill": "#c44e52",
    "latent": "#8172b3",
    "invalid": "#9a9a9a",
}
GROUP_LABELS = {
    "in_domain": "in-domain (30 RL tasks)",
    "out_of_domain": "out-of-domain (paper: seen + unseen)",
    "ood_seen": "OOD seen (targets in SFT data)",
    "ood_unseen": "OOD unseen (targets in no action data)",
}


def save_figure(figure: plt.Figure, path: Path) -> Path:
    """Write the figure as a PNG atomically and close it."""
    try:
        with atomic_path(path) as tmp:
            figure.savefig(tmp, format="png", dpi=120, bbox_inches="tight")
    finally:
        plt.close(figure)
    return path


def _rate_bars(axes: plt.Axes, blocks: dict[str, dict[str, Any]], labels: list[str]) -> None:
    """Bars in percent with Wilson error bars; an empty group is drawn as 'n=0' with no bar."""
    rates, lower, upper = [], [], []
    for block in blocks.values():
        empty = block["rate"] is None
        rates.append(0.0 if empty else 100 * block["rate"])
        lower.append(0.0 if empty else 100 * (block["rate"] - block["ci_low"]))
        upper.append(0.0 if empty else 100 * (block["ci_high"] - block["rate"]))
    positions = range(len(rates))
    axes.bar(positions, rates, yerr=[lower, upper], capsize=4, color="#8fb0dc", ecolor="#222222")
    for position, rate, up, block in zip(positions, rates, upper, blocks.values()):
        # above the upper whisker, so the label never collides with the interval
        text = "n=0" if block["rate"] is None else f"{rate:.1f}%\nn={block['n']}"
        axes.text(position, rate + up + 2, text, ha="center", va="bottom", fontsize=8)
    axes.set_xticks(list(positions), labels, rotation=20, ha="right")
    axes.set_ylim(0, 118)
    axes.set_yticks(range(0, 101, 20))
    axes.set_ylabel("success rate (%)")


def plot_success_per_category(metrics: dict[str, Any], path: str | os.PathLike, title: str = "") -> Path:
    blocks = metrics["asr"]["per_category"]
    figure, axes = plt.subplots(figsize=(max(4.0, 1.2 * len(blocks) + 1), 3.5))
    _rate_bars(axes, blocks, list(blocks))
    axes.set_title(title or "success rate per category (95% Wilson intervals)")
    return save_figure(figure, Path(path))


def plot_id_vs_ood(metrics: dict[str, Any], path: str | os.PathLike, title: str = "") -> Path:
    blocks = metrics["asr"]["per_split"]
    figure, axes = plt.subplots(figsize=(4.0, 3.5))
    _rate_bars(axes, blocks, [GROUP_LABELS.get(group, group) for group in blocks])
    axes.set_title(title or "in-domain vs out-of-domain")
    return save_figure(figure, Path(path))


def _usage_bars(axes: plt.Axes, usage: dict[str, dict[str, Any]], legend: bool = True) -> None:
    """Stacked bars, one per usage block (a category, `overall`): the share of model calls per space."""
    labels = list(usage)
    bottoms = [0.0] * len(labels)
    for key in USAGE_KEYS:
        heights = [100 * (block["shares"][key] or 0.0) for block in usage.values()]
        axes.bar(range(len(labels)), heights, bottom=bottoms, label=key, color=SPACE_COLORS[key])
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    for position, block in enumerate(usage.values()):
        if block["total_calls"] == 0:
            axes.text(position, 2, "no calls", ha="center", va="bottom", fontsize=7, rotation=90)
    axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    axes.set_ylim(0, 100)
    if legend:
        axes.legend(fontsize=8, bbox_to_anchor=(1.01, 1), loc="upper left")


def _usage_by_category(metrics: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        **metrics["action_space_usage"]["per_category"],
        "overall": metrics["action_space_usage"]["overall"],
    }


def plot_action_space_usage(metrics: dict[str, Any], path: str | os.PathLike, title: str = "") -> Path:
    """Stacked bars: per category (and overall), the share of agent calls in each action space."""
    usage = _usage_by_category(metrics)
    figure, axes = plt.subplots(figsize=(max(4.0, 1.2 * len(usage) + 2), 3.5))
    _usage_bars(axes, usage)
    axes.set_ylabel("share of agent calls (%)")
    axes.set_title(title or "action-space usage per category")
    return save_figure(figure, Path(path))


def plot_space_usage_by_agent(
    metrics_by_agent: dict[str, dict[str, Any]], path: str | os.PathLike, columns: int = 4
) -> Path:
    """The paper's switching figure: one panel per agent (in the mapping's order), stacked bars of the
    share of model calls per action space for each task category and overall."""
    if not metrics_by_agent:
        raise ValueError("plot_space_usage_by_agent needs at least one agent's metrics")
    rows = -(-len(metrics_by_agent) // columns)
    columns = -(-len(metrics_by_agent) // rows)  # balanced rows: 5 agents are 3 + 2, not 4 + 1
    figure, grid = plt.subplots(
        rows, columns, figsize=(3.0 * columns + 1.2, 3.0 * rows), sharey=True, squeeze=False
    )
    for axes, (agent, metrics) in zip(grid.flat, metrics_by_agent.items()):
        _usage_bars(axes, _usage_by_category(metrics), legend=False)
        axes.set_title(agent, fontsize=10)
    for axes in grid.flat[len(metrics_by_agent) :]:
        axes.set_visible(False)
    for axes in grid[:, 0]:
        axes.set_ylabel("share of model calls (%)")
    handles, labels = grid.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 0.95))
    figure.suptitle("action-space usage per task category")
    figure.tight_layout()
    return save_figure(figure, Path(path))


def plot_asr_by_agent(metrics_by_agent: dict[str, dict[str, Any]], path: str | os.PathLike) -> Path:
    """Grouped bars: ASR per agent in domain, out of domain (the paper's number) and on its two parts,
    Wilson intervals as error bars."""
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
    return save_figure(figure, Path(path))
