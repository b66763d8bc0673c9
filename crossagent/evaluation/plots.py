"""PNG plots of one agent's success-rate metrics (the dict of `compute_success_rate`).

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

from crossagent.files import atomic_path
from modeling_crossagent.action_spaces import ACTION_SPACES

SPACE_COLORS = {
    "raw": "#4c72b0",
    "motion": "#dd8452",
    "grounding": "#55a868",
    "skill": "#c44e52",
    "latent": "#8172b3",
}
GROUP_LABELS = {
    "in_domain": "in-domain (30 RL tasks)",
    "out_of_domain": "out-of-domain (paper: seen + unseen)",
    "ood_seen": "OOD seen (targets in SFT data)",
    "ood_unseen": "OOD unseen (targets in no action data)",
}


def _save(figure: plt.Figure, path: Path) -> Path:
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
    return _save(figure, Path(path))


def plot_id_vs_ood(metrics: dict[str, Any], path: str | os.PathLike, title: str = "") -> Path:
    blocks = metrics["asr"]["per_split"]
    figure, axes = plt.subplots(figsize=(4.0, 3.5))
    _rate_bars(axes, blocks, [GROUP_LABELS.get(group, group) for group in blocks])
    axes.set_title(title or "in-domain vs out-of-domain")
    return _save(figure, Path(path))


def plot_action_space_usage(metrics: dict[str, Any], path: str | os.PathLike, title: str = "") -> Path:
    """Stacked bars: per category (and overall), the share of agent calls in each action space."""
    usage = {
        **metrics["action_space_usage"]["per_category"],
        "overall": metrics["action_space_usage"]["overall"],
    }
    labels = list(usage)
    figure, axes = plt.subplots(figsize=(max(4.0, 1.2 * len(labels) + 2), 3.5))
    bottoms = [0.0] * len(labels)
    for space in ACTION_SPACES:
        heights = [100 * (block["shares"][space] or 0.0) for block in usage.values()]
        axes.bar(range(len(labels)), heights, bottom=bottoms, label=space, color=SPACE_COLORS[space])
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    for position, block in enumerate(usage.values()):
        if block["total_calls"] == 0:
            axes.text(position, 2, "no calls", ha="center", va="bottom", fontsize=8)
    axes.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
    axes.set_ylim(0, 100)
    axes.set_ylabel("share of agent calls (%)")
    axes.legend(fontsize=8, bbox_to_anchor=(1.01, 1), loc="upper left")
    axes.set_title(title or "action-space usage per category")
    return _save(figure, Path(path))
