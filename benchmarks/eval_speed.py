"""Evaluation speed: the tiny untrained model over the task suite, one episode per task. Prints JSON.

Target: all 800+ tasks in <= 15 minutes on the 2-core machine. `cpu_s` is this process's CPU time: the
wall time a dedicated core would take when other jobs share the machine. `--subset N` runs N tasks stratified
by category (proportional, at least one per category) and extrapolates to the whole suite by ticks
(the loop's cost is per tick and per agent round, and an untrained model fails, so every episode
runs its full budget).

    PYTHONPATH=. python benchmarks/eval_speed.py [--subset 120] [--num-envs 64] [--max-new-tokens 48]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time

import torch

from crossagent.evaluation.model_agent import ModelAgent
from crossagent.evaluation.runner import EvalConfig, run_evaluation
from crossagent.models.presets import build_model
from crossagent.rollout import RolloutHooks
from crossagent.tasks import CATEGORIES, load_suite


class TimedAgent:
    """Forwards to an agent and times its `act` calls (the model's share of the wall time)."""

    def __init__(self, agent):
        self.agent, self.name, self.frame_size = agent, agent.name, agent.frame_size
        self.rounds, self.decisions, self.seconds = 0, 0, 0.0

    @property
    def last_token_counts(self):
        return self.agent.last_token_counts

    def reset(self, batch_index, task, seed=None):
        self.agent.reset(batch_index, task, seed)

    def act(self, observations, tasks, histories):
        start = time.perf_counter()
        texts = self.agent.act(observations, tasks, histories)
        self.seconds += time.perf_counter() - start
        self.rounds += 1
        self.decisions += len(texts)
        return texts


def stratified(tasks, n):
    """About n tasks, each category in proportion (at least one), spread evenly over its ids."""
    chosen = []
    for category in CATEGORIES:
        members = [t for t in tasks if t.category == category]
        k = max(1, round(n * len(members) / len(tasks)))
        step = len(members) / k
        chosen += [members[int(i * step)] for i in range(k)]
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=int, default=0, help="tasks to run, stratified (0: all)")
    parser.add_argument("--num-envs", type=int, default=64)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--constrained", action="store_true")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    suite = load_suite()
    tasks = stratified(suite, args.subset) if args.subset else suite
    model, processor = build_model("tiny")
    agent = TimedAgent(
        ModelAgent(model, processor, name="tiny-untrained", constrained=args.constrained,
                   max_new_tokens=args.max_new_tokens)
    )  # fmt: skip
    ticks = [0]
    hooks = RolloutHooks(on_tick=lambda slot, action, events: ticks.__setitem__(0, ticks[0] + 1))
    with tempfile.TemporaryDirectory() as out:
        config = EvalConfig(episodes_per_task=1, num_envs=args.num_envs, output_dir=out, progress=True)
        start, cpu_start = time.perf_counter(), time.process_time()
        run_evaluation(agent, config, tasks=tasks, hooks=hooks)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    suite_ticks = sum(t.max_ticks for t in suite)
    run_ticks = sum(t.max_ticks for t in tasks)
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "torch_threads": args.threads,
        },
        "tasks": len(tasks),
        "episodes": len(tasks),
        "num_envs": args.num_envs,
        "max_new_tokens": args.max_new_tokens,
        "constrained": args.constrained,
        "frame_size": agent.frame_size,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "episodes_per_s": round(len(tasks) / wall, 3),
        "ticks": ticks[0],
        "ticks_per_s": round(ticks[0] / wall, 1),
        "agent_rounds": agent.rounds,
        "model_calls": agent.decisions,
        "model_calls_per_s": round(agent.decisions / wall, 1),
        "agent_share_of_wall": round(agent.seconds / wall, 3),
        "extrapolated_full_suite_wall_s": round(wall * suite_ticks / run_ticks, 1) if args.subset else None,
        "extrapolated_full_suite_cpu_s": round(cpu * suite_ticks / run_ticks, 1) if args.subset else None,
        "target_full_suite_s": 900,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
