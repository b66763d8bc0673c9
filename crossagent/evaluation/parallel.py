"""Evaluation over several worker processes: each loads the agent, runs the rollout, sends results back.

    for result in run_parallel("outputs/sft", {"max_new_tokens": 48}, pending, rollout_config, workers=2):
        store.append(result)          # the parent alone writes the results file

Why processes: the tiny model's decisions are CPU-bound Python + torch with one thread (two torch
threads on shared cores were 10x slower), so one process uses one core; N workers use N cores.
Each worker sets one torch thread, loads the agent itself from its spec (a model folder,
`expert` or `random`: something a fresh process can load, not a live object) and plays episodes
taken from a shared work queue, so a worker that draws short episodes simply takes more. Episodes
are fully determined by (task, episode): the world seed is derived from them and the agents reseed
per episode, so results do not depend on the worker count (the random agent is bit-identical;
a model's batched float math can differ in the last bits between batch compositions).
Messages are plain JSON-able tuples (task ids, result dicts), never live objects.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterator, Sequence
from typing import Any

from crossagent.rollout import EpisodeSpec, RolloutConfig, run_rollout
from crossagent.rollout.results import EpisodeResult, validate_record

logger = logging.getLogger(__name__)

_DONE, _RESULT, _ERROR = "done", "result", "error"
_POLL_S = 5.0
"""How often the parent checks that its workers are alive while waiting for results."""


def default_workers() -> int:
    """Worker processes by default: one per core, at most 2 (this project's machine)."""
    return max(1, min(2, os.cpu_count() or 1))


def _work(
    agent_spec: str,
    agent_kwargs: dict[str, Any],
    config: dict[str, Any],
    work: Any,
    results: Any,
    worker: int,
) -> None:
    """One worker process: load the agent, play episodes from `work` until its end marker."""
    try:
        import torch

        torch.set_num_threads(1)  # one core per worker: more threads only spin on shared cores
        from crossagent.agents import load_agent
        from crossagent.tasks import load_suite

        agent = load_agent(agent_spec, **agent_kwargs)
        tasks = {task.id: task for task in load_suite()}

        def specs() -> Iterator[EpisodeSpec]:
            while (item := work.get()) is not None:
                task_id, episode = item
                yield EpisodeSpec.of(tasks[task_id], episode)

        for outcome in run_rollout(agent, specs(), RolloutConfig(**config)):
            results.put((_RESULT, outcome.to_result().to_dict()))
        results.put((_DONE, worker))
    except BaseException:  # the parent re-raises it with the worker's traceback
        results.put((_ERROR, f"worker {worker}:\n{traceback.format_exc()}"))


def run_parallel(
    agent_spec: str | os.PathLike,
    agent_kwargs: dict[str, Any],
    pending: Sequence[tuple[str, int]],
    config: RolloutConfig,
    workers: int,
) -> Iterator[EpisodeResult]:
    """Play the pending (task_id, episode) pairs over `workers` processes; yield each result as it comes.

    `config.num_envs` worlds per worker. A worker's exception (or death) stops every worker and is
    raised here as a RuntimeError carrying its traceback; results already yielded stay valid.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if not pending:  # a finished run being resumed: nothing to start a process for
        return
    workers = min(workers, len(pending))
    context = multiprocessing.get_context("spawn")  # no forked torch/OpenMP state
    work, results = context.Queue(), context.Queue()
    for item in pending:
        work.put(tuple(item))
    for _ in range(workers):
        work.put(None)  # one end marker per worker
    settings = dataclasses.asdict(config)
    processes = [
        context.Process(
            target=_work,
            args=(str(agent_spec), dict(agent_kwargs), settings, work, results, index),
            name=f"crossagent-eval-{index}",
            daemon=True,
        )
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    running = workers
    try:
        while running:
            try:
                kind, payload = results.get(timeout=_POLL_S)
            except queue.Empty:
                dead = [p for p in processes if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(
                        f"evaluation worker {dead[0].name} died (exit code {dead[0].exitcode})"
                    ) from None
                continue
            if kind == _RESULT:
                yield validate_record(payload)
            elif kind == _DONE:
                running -= 1
            else:
                raise RuntimeError(f"evaluation worker failed: {payload}")
        for process in processes:
            process.join()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(timeout=10)
        work.close()
        results.close()
