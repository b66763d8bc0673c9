"""The evaluation runner: an agent over the task suite, K episodes per task, resumable, with a report.

    from crossagent.evaluation.runner import EvalConfig, run_evaluation
    info = run_evaluation("expert", EvalConfig(tasks=["mine_block:*"], episodes_per_task=8, output_dir="out"))

Episodes run through `crossagent.rollout` (many worlds, one batched agent call per round). Each
finished episode is appended to the JSONL `ResultsStore` at once, so a killed run resumes where it
stopped with no episode lost or counted twice; at the end the report (eval_info.json, plots,
model-index) is written from every episode in the store, and when the agent is a model folder with a card
(README.md), the results are merged into that card's `model-index`.
"""

from __future__ import annotations

import difflib
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from crossagent.agents import Agent, load_agent, model_folder
from crossagent.cards import CARD_FILE
from crossagent.evaluation.parallel import run_parallel
from crossagent.evaluation.report import write_report
from crossagent.evaluation.results import ResultsStore, weights_fingerprint
from crossagent.rollout import EpisodeSpec, RolloutConfig, RolloutHooks, run_rollout
from crossagent.tasks import CATEGORIES, SPLITS, Task, load_suite
from crossagent.tasks.suite import UnknownTaskError

logger = logging.getLogger(__name__)

RESULTS_FILE = "results.jsonl"


@dataclass
class EvalConfig:
    """One evaluation run."""

    tasks: list[str] = field(default_factory=list)
    """Task ids, shell patterns (`craft_item:*`) or category names; empty = the whole suite."""
    split: str | None = None
    """Keep only `train` (in-domain) or `test` (out-of-domain) tasks."""
    episodes_per_task: int = 8
    """K: episodes per task (the paper's 8)."""
    num_envs: int = 64
    """Worlds stepped together; the agent's batch size (tiny model, CPU ms per decision: 19 at 16 worlds,
    10.6 at 64, 9.6 at 128; 64 MineSim worlds take ~300 MB)."""
    output_dir: str | os.PathLike = "outputs/eval"
    """Where the results file and the report go."""
    results_path: str | os.PathLike | None = None
    """The JSONL results file (default `<output_dir>/results.jsonl`); an existing one is resumed."""
    max_retries: int = 2
    """Restarts of an episode after environment crashes before it is recorded as failed."""
    frame_size: int | None = None
    """Rendered frame side; default the agent's `frame_size` (a model's input size), else 128."""
    history_length: int = 8
    """Previous action texts shown to the agent."""
    env: str = "minesim"
    """The env backend the episodes run in (`crossagent.envs.BACKENDS`); tasks must be that backend's."""
    progress: bool = True
    """Show a tqdm bar with the live success rate."""
    workers: int = 1
    """Worker processes, each with one torch thread and `num_envs` worlds (`crossagent eval` defaults to
    one per core, at most 2). 1 runs in this process; more need an agent a fresh process can load (a
    model folder, `expert` or `random`) and no `env_factory`/`hooks`. Results do not depend on it."""


def select_eval_tasks(filters: Sequence[str] = (), split: str | None = None) -> list[Task]:
    """Tasks matching any filter (id, shell pattern or category), in suite order; clear errors otherwise."""
    import fnmatch

    if split is not None and split not in SPLITS:
        raise ValueError(f"--split {split!r}: use one of {', '.join(SPLITS)}")
    suite = load_suite()
    ids = [task.id for task in suite]
    chosen: set[str] = set()
    for raw in filters:
        pattern = f"{raw}:*" if raw in CATEGORIES else raw
        matched = [task_id for task_id in ids if fnmatch.fnmatchcase(task_id, pattern)]
        if not matched:
            names = ids + list(CATEGORIES) + [f"{c}:*" for c in CATEGORIES]
            close = difflib.get_close_matches(raw, names, n=5, cutoff=0.4)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise UnknownTaskError(
                f"task filter {raw!r} matches no task{hint}. Filters are ids, shell patterns on ids "
                f"(e.g. 'craft_item:*') or categories ({', '.join(CATEGORIES)}); `crossagent tasks list` "
                "prints every id"
            )
        chosen.update(matched)
    tasks = [task for task in suite if (not filters or task.id in chosen)]
    tasks = [task for task in tasks if split is None or task.split == split]
    if not tasks:
        raise UnknownTaskError(f"no task matches {list(filters)} in split {split!r}")
    return tasks


def run_evaluation(
    agent: str | os.PathLike | Agent | Callable,
    config: EvalConfig | None = None,
    tasks: Sequence[Task] | None = None,
    env_factory: Callable[[], Any] | None = None,
    hooks: RolloutHooks | None = None,
    agent_kwargs: dict[str, Any] | None = None,
) -> dict[str, Path]:
    """Run (or resume) an evaluation and write its report; returns the report's file paths.

    `tasks` overrides `config.tasks`/`config.split`; `env_factory` replaces the MineSim env (e.g. a
    wrapper); `hooks` are passed to the rollout; `agent_kwargs` go to `ModelAgent.from_folder` when
    `agent` is a model folder (here and in every worker).
    """
    config = config or EvalConfig()
    agent_kwargs = dict(agent_kwargs or {})
    agent_spec = agent
    if config.workers < 1:
        raise ValueError(f"workers must be >= 1, got {config.workers}")
    if config.workers > 1:
        _check_parallel(agent_spec, env_factory, hooks)
    agent = load_agent(agent, **agent_kwargs)  # here too: its name and frame size, and bad specs fail early
    tasks = list(tasks) if tasks is not None else select_eval_tasks(config.tasks, config.split)
    output_dir = Path(config.output_dir)
    results_path = Path(config.results_path) if config.results_path else output_dir / RESULTS_FILE
    by_id = {task.id: task for task in tasks}
    frame_size = config.frame_size or getattr(agent, "frame_size", None) or 128
    producer = agent_producer(agent) | {"frame_size": frame_size, "history_length": config.history_length}
    store = ResultsStore(results_path, list(by_id), agent.name, config.episodes_per_task, producer)
    start = time.perf_counter()
    try:
        pending = [EpisodeSpec.of(by_id[task_id], episode) for task_id, episode in store.pending()]
        done = store.results()
        if done:
            logger.info("%s: %d episodes already done, %d to run", results_path, len(done), len(pending))
        rollout_config = RolloutConfig(
            num_envs=config.num_envs,
            history_length=config.history_length,
            max_retries=config.max_retries,
            frame_size=frame_size,
            env=config.env,
        )
        successes, finished = sum(r.success for r in done), len(done)
        total = len(done) + len(pending)
        with tqdm(total=total, initial=len(done), desc=f"eval {agent.name}", unit="ep",
                  disable=not config.progress) as bar:  # fmt: skip
            if config.workers > 1:
                del agent  # each worker loads its own
                keys = [(spec.task.id, spec.episode) for spec in pending]
                finished_results = run_parallel(
                    agent_spec, agent_kwargs, keys, rollout_config, config.workers
                )
            else:
                outcomes = run_rollout(agent, pending, rollout_config, env_factory, hooks=hooks)
                finished_results = (outcome.to_result() for outcome in outcomes)
            for result in finished_results:
                store.append(result)
                successes, finished = successes + result.success, finished + 1
                bar.update(1)
                bar.set_postfix(asr=f"{successes / finished:.3f}")
        results = store.results()
    finally:
        store.close()
    elapsed = time.perf_counter() - start
    logger.info("%d episodes (%d this run) in %.1f s", len(results), len(pending), elapsed)
    return write_report(
        output_dir, results, store.agent_name, eval_s=elapsed, categories=CATEGORIES,
        model_card=model_card(agent_spec),
    )  # fmt: skip


def agent_producer(agent: Any) -> dict[str, Any]:
    """What produces an agent's episodes, for the results key: a model's weight fingerprint (SHA-256 of
    its *.safetensors files) and decoding settings; any other agent (expert, random, a callable) its name."""
    folder = getattr(agent, "folder", None)
    if folder is not None:
        producer = {"kind": "model", "weights_sha256": weights_fingerprint(folder)}
        settings = getattr(agent, "decoding_settings", None)
        return producer | (settings() if callable(settings) else {})
    return {"kind": "agent", "name": agent.name}


def model_card(agent: Any) -> Path | None:
    """The card of the evaluated model folder, which the results are merged into; None when the agent is
    no folder or its folder has no card (the evaluation writes none: model_index.yaml is in the report)."""
    folder = model_folder(agent)
    card = folder / CARD_FILE if folder is not None else None
    return card if card is not None and card.is_file() else None


def _check_parallel(agent: Any, env_factory: Any, hooks: Any) -> None:
    """Workers are fresh processes: they can load an agent by name or folder, not receive live objects."""
    if not isinstance(agent, (str, os.PathLike)):
        raise ValueError(
            f"workers > 1 needs an agent a worker process can load (a model folder, 'expert' or 'random'), "
            f"got {type(agent).__name__}; pass its folder or use workers=1"
        )
    if env_factory is not None or hooks is not None:
        raise ValueError(
            "workers > 1 runs the rollout in worker processes: env_factory and hooks need workers=1"
        )
