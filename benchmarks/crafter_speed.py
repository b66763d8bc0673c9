"""Crafter env steps/s through our wrapper (`make_env("crafter")`, raw-tick dicts in) vs bare Crafter
(`crafter.Env`, action indices in): the same uniform random action sequence, the same seed, a reset at
each death. Rates per CPU-second of this process (what one core delivers when others share the machine)
and per wall-clock second; the runs alternate (bare, ours, bare, ours, ...) and the median is reported.
Prints JSON; `overhead_pct` is how much slower ours is.

    PYTHONPATH=. python benchmarks/crafter_speed.py [--steps 3000] [--repeats 3] [--size 64]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

import numpy as np

from crossagent.envs import make_env
from crossagent.executors.crafter import CRAFTER_ACTIONS, action_env


def run_bare(actions: list[int], size: int, seed: int) -> tuple[float, float]:
    import crafter

    env = crafter.Env(size=(size, size), reward=False, length=None, seed=seed)
    env.reset()
    wall, cpu = time.perf_counter(), time.process_time()
    for action in actions:
        _, _, done, _ = env.step(action)
        if done:
            env.reset()
    return time.perf_counter() - wall, time.process_time() - cpu


def run_ours(ticks: list[dict], size: int, seed: int) -> tuple[float, float]:
    env = make_env("crafter", frame_size=size)
    env.reset(seed=seed)
    wall, cpu = time.perf_counter(), time.process_time()
    for tick in ticks:
        _, _, terminated, truncated, _ = env.step(tick)
        if terminated or truncated:
            env.reset()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    actions = [int(a) for a in rng.integers(len(CRAFTER_ACTIONS), size=args.steps)]
    ticks = [action_env(CRAFTER_ACTIONS[a]) for a in actions]  # built before timing, like the bare indices
    bare, ours = [], []
    for _ in range(args.repeats):
        bare.append(run_bare(actions, args.size, args.seed))
        ours.append(run_ours(ticks, args.size, args.seed))

    def rates(runs):
        return {
            "steps_per_cpu_s": round(args.steps / statistics.median(cpu for _, cpu in runs), 1),
            "steps_per_wall_s": round(args.steps / statistics.median(wall for wall, _ in runs), 1),
        }

    bare_rates, our_rates = rates(bare), rates(ours)
    overhead = 100.0 * (bare_rates["steps_per_cpu_s"] / our_rates["steps_per_cpu_s"] - 1.0)
    print(json.dumps({
        "benchmark": "crafter_speed", "steps": args.steps, "repeats": args.repeats, "frame_size": args.size,
        "bare_crafter": bare_rates, "crossagent_wrapper": our_rates, "overhead_pct": round(overhead, 1),
        "target_overhead_pct": 10.0, "python": platform.python_version(),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
