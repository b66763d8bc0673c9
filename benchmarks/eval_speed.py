"""Evaluation speed: a tiny model over the task suite, one episode per task. Prints JSON.

`--agent FOLDER` times a saved model (e.g. `outputs/pipeline-tiny/models/crossagent` from the main job);
without it, the tiny preset's untrained weights (seed 0), the worst case: no output is a valid action,
so every budget tick is a model call.

Target: all 800+ tasks in <= 15 minutes on the 2-core machine. `cpu_s` is this process's CPU time: the
wall time a dedicated core would take when other jobs share the machine. `--subset N` runs N tasks stratified
by category (proportional, at least one per category) and extrapolates to the whole suite by ticks
(the loop's cost is per tick and per agent round, and an untrained model fails, so every episode
runs its full budget).

`--workers N` runs N worker processes (one torch thread and --num-envs worlds each) on a saved copy of
the same tiny model; `cpu_s` then adds the workers' CPU time.

    PYTHONPATH=. python benchmarks/eval_speed.py [--agent FOLDER] [--subset 120] [--num-envs 64] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time

import torch

from crossagent.agents.model import ModelAgent
from crossagent.evaluation.parallel import default_workers
from crossagent.evaluation.results import read_results
from crossagent.evaluation.runner import EvalConfig, run_evaluation
from crossagent.models.presets import build_model
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


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (the workers, once joined)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agent", help="a saved model folder (default: the untrained tiny preset)")
    parser.add_argument("--subset", type=int, default=0, help="tasks to run, stratified (0: all)")
    parser.add_argument("--num-envs", type=int, default=64)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--constrained", action="store_true")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (in-process run)")
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    suite = load_suite()
    tasks = stratified(suite, args.subset) if args.subset else suite
    agent_kwargs = {"constrained": args.constrained, "max_new_tokens": args.max_new_tokens}
    with tempfile.TemporaryDirectory() as out:
        folder = args.agent
        if folder is None:
            torch.manual_seed(0)  # the same untrained weights in every run and every worker
            model, processor = build_model("tiny")
            folder = os.path.join(out, "tiny-untrained")
            model.save_pretrained(folder)
            processor.save_pretrained(folder)
        with open(os.path.join(folder, "config.json")) as handle:
            frame_size = json.load(handle)["vision_config"]["image_size"]
        agent = TimedAgent(ModelAgent.from_folder(folder, **agent_kwargs)) if args.workers == 1 else folder
        config = EvalConfig(episodes_per_task=1, num_envs=args.num_envs, output_dir=out, progress=True,
                            workers=args.workers)  # fmt: skip
        start, cpu_start = time.perf_counter(), _cpu_s()
        run_evaluation(agent, config, tasks=tasks, agent_kwargs=agent_kwargs)
        wall, cpu = time.perf_counter() - start, _cpu_s() - cpu_start
        _, results, _ = read_results(os.path.join(out, "results.jsonl"))
    ticks = sum(r.steps for r in results)
    decisions = sum(sum(r.calls_per_space.values()) + r.invalid_actions for r in results)
    timed = isinstance(agent, TimedAgent)
    suite_ticks = sum(t.max_ticks for t in suite)
    run_ticks = sum(t.max_ticks for t in tasks)
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "torch_threads": 1 if args.workers > 1 else args.threads,
        },
        "workers": args.workers,
        "tasks": len(tasks),
        "episodes": len(tasks),
        "num_envs": args.num_envs,
        "max_new_tokens": args.max_new_tokens,
        "constrained": args.constrained,
        "agent": args.agent or "tiny untrained (seed 0)",
        "frame_size": frame_size,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "episodes_per_s": round(len(tasks) / wall, 3),
        "ticks": ticks,
        "ticks_per_s": round(ticks / wall, 1),
        "agent_rounds": agent.rounds if timed else None,
        "model_calls": decisions,
        "model_calls_per_s": round(decisions / wall, 1),
        "agent_share_of_wall": round(agent.seconds / wall, 3) if timed else None,
        "extrapolated_full_suite_wall_s": round(wall * suite_ticks / run_ticks, 1) if args.subset else None,
        "extrapolated_full_suite_cpu_s": round(cpu * suite_ticks / run_ticks, 1) if args.subset else None,
        "target_full_suite_s": 900,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
