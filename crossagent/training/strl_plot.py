"""The per-step GRPO reward curve of one STRL run (`strl_log.json`) as a PNG."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")  # headless: training runs on servers without a display
import matplotlib.pyplot as plt

from crossagent.files import atomic_path


def plot_reward_curve(steps: list[dict], path: str | os.PathLike) -> None:
    """Mean equivalence reward and share of zero-spread groups per GRPO step."""
    x = [s["step"] for s in steps]
    figure, axis = plt.subplots(figsize=(6, 3.2), dpi=120)
    axis.plot(x, [s["reward"] for s in steps], label="mean equivalence reward", color="#4c72b0")
    axis.plot(x, [s["zero_spread_groups"] for s in steps], label="zero-spread groups", color="#c44e52",
              alpha=0.6, linestyle="--")  # fmt: skip
    axis.plot(x, [s["group_reward_std"] for s in steps], label="group reward std", color="#55a868", alpha=0.6)
    axis.set_xlabel("GRPO step")
    axis.set_ylim(0, 1)
    axis.legend(loc="best", fontsize=8)
    axis.set_title("STRL: single-turn GRPO, tiny preset")
    figure.tight_layout()
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png")
    plt.close(figure)
