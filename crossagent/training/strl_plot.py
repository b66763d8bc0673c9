"""The per-step GRPO reward curve of one STRL run (`strl_log.json`) as a PNG."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")  # headless: training runs on servers without a display
import matplotlib.pyplot as plt

from crossagent.files import atomic_path

WINDOW = 10
"""Steps of the moving average drawn over each noisy per-step curve (a step holds only 2 groups)."""


def moving_average(values: list[float], window: int = WINDOW) -> list[float]:
    """Mean of the last `window` values at each position (fewer at the start)."""
    return [
        sum(values[max(0, i - window + 1) : i + 1]) / (i - max(0, i - window + 1) + 1)
        for i in range(len(values))
    ]


def plot_reward_curve(steps: list[dict], path: str | os.PathLike) -> None:
    """Mean equivalence reward, group reward spread and share of zero-spread groups per GRPO step."""
    x = [s["step"] for s in steps]
    figure, axis = plt.subplots(figsize=(6.4, 3.4), dpi=110)
    curves = (
        ("reward", "mean equivalence reward", "#4c72b0"),
        ("group_reward_std", "group reward std", "#55a868"),
        ("zero_spread_groups", "share of zero-spread groups", "#c44e52"),
    )
    for key, label, colour in curves:
        values = [float(s[key]) for s in steps]
        axis.plot(x, values, color=colour, alpha=0.2, linewidth=0.8)
        axis.plot(x, moving_average(values), color=colour, linewidth=2, label=f"{label} ({WINDOW}-step mean)")
    axis.set_xlabel("GRPO step")
    axis.set_ylim(0, 1)
    axis.legend(loc="upper left", fontsize=7)
    axis.set_title("STRL on the tiny preset: 8 answers x 2 decision states per step", fontsize=9)
    figure.tight_layout()
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png")
    plt.close(figure)
