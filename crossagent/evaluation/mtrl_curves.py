"""Learning curves of multi-turn RL: the `mtrl_log.json` a run writes into its model folder, checked, and
its plot (success, tokens per episode and action-space usage over the training steps).

The log is a JSON list with one dict per optimisation step, fields as in `MTRL_LOG_FIELDS`; the
plot needs the required ones and draws `zero_spread_groups` when present.
"""

from __future__ import annotations

import json
import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: reports are written on servers without a display
import matplotlib.pyplot as plt

from crossagent.evaluation.plots import SPACE_COLORS, save_figure
from crossagent.evaluation.success_rate import USAGE_KEYS

MTRL_LOG_FILE = "mtrl_log.json"
"""The log's name inside the trained model's folder."""

MTRL_LOG_FIELDS: dict[str, str] = {
    "step": "optimisation step (int)",
    "success_rate": "training-task success of that step's rollouts, 0..1",
    "reward": "mean episode reward of those rollouts",
    "tokens_per_episode": "mean generated tokens per rollout episode",
    "calls_per_episode": "mean model calls (valid and invalid) per rollout episode",
    "space_share": f"share of model calls per key of {list(USAGE_KEYS)} (absent = 0)",
    "zero_spread_groups": "share of rollout groups skipped because all their rewards were equal, 0..1",
}
"""Fields of one log entry and what they hold."""

REQUIRED_FIELDS = ("step", "success_rate", "tokens_per_episode", "space_share")
"""The fields the plot needs; the others are optional."""


SUCCESS_WINDOW = 10
"""Steps averaged by the run's first and final training-task success: one step plays a handful of tasks, so
a single step's rate follows its tasks (the tiny preset's steps range from 0% to 88% on one model)."""


def success_window(steps: int) -> int:
    """Steps averaged at each end of a run of `steps`: SUCCESS_WINDOW, fewer when the two ends would overlap."""
    return max(1, min(SUCCESS_WINDOW, steps // 2))


def window_success(steps: list[dict]) -> float | None:
    """Mean training-task success of `steps` (entries of the step log); None for no steps."""
    return round(sum(s["success_rate"] for s in steps) / len(steps), 4) if steps else None


def _fail(where: str, field: str, problem: str) -> ValueError:
    return ValueError(f"{where}: field '{field}' {problem} (an entry holds {', '.join(MTRL_LOG_FIELDS)})")


def _check_fraction(where: str, field: str, value: Any) -> None:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not 0 <= value <= 1:
        raise _fail(where, field, f"must be a number in [0, 1], got {value!r}")


def check_mtrl_log(entries: Any, name: str = "mtrl log") -> list[dict[str, Any]]:
    """The entries sorted by step; ValueError naming the entry and the field of anything malformed."""
    if not isinstance(entries, list) or not entries:
        raise ValueError(
            f"{name}: must be a non-empty JSON list of per-step dicts, got {type(entries).__name__}"
        )
    steps: set[int] = set()
    for index, entry in enumerate(entries):
        where = f"{name} entry {index}"
        if not isinstance(entry, Mapping):
            raise ValueError(f"{where}: must be a dict, got {type(entry).__name__}")
        for field in REQUIRED_FIELDS:
            if field not in entry:
                raise _fail(where, field, "is missing")
        step = entry["step"]
        if not isinstance(step, numbers.Integral) or isinstance(step, bool) or step < 0:
            raise _fail(where, "step", f"must be a non-negative integer, got {step!r}")
        if step in steps:
            raise _fail(where, "step", f"repeats step {step}; one entry per step")
        steps.add(step)
        _check_fraction(where, "success_rate", entry["success_rate"])
        if "zero_spread_groups" in entry:
            _check_fraction(where, "zero_spread_groups", entry["zero_spread_groups"])
        tokens = entry["tokens_per_episode"]
        if not isinstance(tokens, numbers.Real) or isinstance(tokens, bool) or tokens < 0:
            raise _fail(where, "tokens_per_episode", f"must be a non-negative number, got {tokens!r}")
        shares = entry["space_share"]
        if not isinstance(shares, Mapping) or set(shares) - set(USAGE_KEYS):
            raise _fail(
                where, "space_share", f"must map keys of {list(USAGE_KEYS)} to shares, got {shares!r}"
            )
        for key, share in shares.items():
            _check_fraction(where, f"space_share.{key}", share)
    return sorted((dict(entry) for entry in entries), key=lambda entry: entry["step"])


def read_mtrl_log(path: str | os.PathLike) -> list[dict[str, Any]]:
    """Read and check one `mtrl_log.json`."""
    path = Path(path)
    try:
        entries = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not JSON ({error})") from None
    return check_mtrl_log(entries, str(path))


def plot_mtrl_curves(logs: Mapping[str, Sequence[Mapping[str, Any]]], path: str | os.PathLike) -> Path:
    """Three panels over the training steps: success of the training rollouts (with the share of
    zero-spread groups, dotted, when logged) and tokens per episode, one line per model; then the share
    of model calls per action space, one stacked-area panel per model."""
    if not logs:
        raise ValueError("plot_mtrl_curves needs at least one model's log")
    logs = {name: check_mtrl_log(list(entries), name) for name, entries in logs.items()}
    columns = max(2, len(logs))
    figure = plt.figure(figsize=(3.2 * columns + 1.5, 6.4))
    grid = figure.add_gridspec(2, 2 * columns)
    success = figure.add_subplot(grid[0, :columns])
    tokens = figure.add_subplot(grid[0, columns:])
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (name, entries) in enumerate(logs.items()):
        colour = colours[index % len(colours)]
        steps = [entry["step"] for entry in entries]
        success.plot(steps, [100 * e["success_rate"] for e in entries], color=colour, label=name)
        zero = [(e["step"], 100 * e["zero_spread_groups"]) for e in entries if "zero_spread_groups" in e]
        if zero:
            success.plot(*zip(*zero), color=colour, linestyle=":", label=f"{name}: zero-spread groups")
        tokens.plot(steps, [e["tokens_per_episode"] for e in entries], color=colour, label=name)
    success.set(xlabel="step", ylabel="%", ylim=(0, 100), title="training-task success")
    success.legend(fontsize=7)
    tokens.set(xlabel="step", ylabel="tokens", title="tokens per episode")
    tokens.set_ylim(bottom=0)
    tokens.legend(fontsize=7)
    span = 2 * columns // len(logs)  # the model panels share the bottom row evenly
    # only the spaces some run used, so that the legend names what is drawn
    keys = [k for k in USAGE_KEYS if any(e["space_share"].get(k) for es in logs.values() for e in es)]
    for index, (name, entries) in enumerate(logs.items()):
        usage = figure.add_subplot(grid[1, index * span : (index + 1) * span])
        steps = [entry["step"] for entry in entries]
        layers = [[100 * e["space_share"].get(key, 0.0) for e in entries] for key in keys]
        if keys:  # no run logged a call: an empty panel
            usage.stackplot(steps, *layers, labels=keys, colors=[SPACE_COLORS[k] for k in keys])
        usage.set(xlabel="step", ylim=(0, 100))
        usage.set_title(f"{name}: action-space usage", fontsize=9)
        if index == 0:
            usage.set_ylabel("share of model calls (%)")
    handles, labels = usage.get_legend_handles_labels()
    if handles:
        figure.legend(handles, labels, fontsize=8, loc="lower left", bbox_to_anchor=(1.0, 0.08))
    figure.suptitle("multi-turn RL: training rollouts per step")
    figure.tight_layout()
    return save_figure(figure, Path(path))
