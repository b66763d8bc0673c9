"""The main job's model stages: SFT of CrossAgent and the single-space baselines, their evaluation on the
whole task suite, and the comparison report. `crossagent.pipeline` lists them after the data stages.

What each preset trains and evaluates is one `JobPlan` (see `JOB_PLANS`); the stages read it from the
pipeline config's preset. Every stage resumes: a finished model (its `sft_run.json`) or a finished
evaluation (its complete `results.jsonl`) is kept, a half-trained model continues from its last checkpoint,
a half-run evaluation from its last episode.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import multiprocessing
import pathlib
import time
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobPlan:
    """What the main job trains and evaluates for one preset."""

    sft_models: dict[str, str]
    """Model name -> the `action_spaces` it trains on (`mixed` is CrossAgent, a space is that baseline)."""
    sft_overrides: dict = field(default_factory=dict)
    """CrossAgentSFTConfig fields every SFT run of the preset gets (steps, learning rate, ...)."""
    sft_model_overrides: dict[str, dict] = field(default_factory=dict)
    """Per-model fields on top of `sft_overrides` (the mixed config has one row per space per decision,
    so CrossAgent sees each decision five times per epoch)."""
    sft_parallel: int = 1
    """SFT runs at once, each in its own process with one torch thread (2 on a 2-core CPU: one thread
    per process is 3-8x faster there than two threads sharing a process, see the README)."""
    eval_baselines: tuple[str, ...] = ("random", "expert")
    """Agents evaluated beside the trained models: the floor and the upper bound."""
    eval_tasks: tuple[str, ...] = ()
    """Task filters of every evaluation (ids, shell patterns, categories); empty: the whole suite."""
    eval_episodes_per_task: int = 1
    """Episodes per task of every evaluation."""
    eval_num_envs: int = 64
    """Worlds stepped together per evaluation worker."""
    eval_workers: int = 2
    """Evaluation worker processes (one torch thread each)."""
    eval_max_new_tokens: int = 48
    """Token limit of one model decision (the longest action of the tiny data is ~20 tokens)."""


PAPER_MODELS: dict[str, str] = {
    "crossagent": "mixed",
    "raw": "raw",
    "motion": "motion",
    "grounding": "grounding",
}
"""CrossAgent and the paper's single-space baselines (RawHA, MotionHA, GroundHA), by name -> spaces."""

JOB_PLANS: dict[str, JobPlan] = {
    "tiny": JobPlan(
        sft_models=PAPER_MODELS,
        # Same optimizer budget per baseline (540 steps of 8 rows: 3.4 epochs of a decision-point config,
        # 0.9 of the dense raw one); CrossAgent's mixed config has a row per space per decision, so
        # 1,290 steps give it 1.5 epochs.
        # No previous actions in the prompt (history_length=0). With the last 4 shown, the raw baseline
        # learned to repeat its last action (one row per tick: mostly repeats) and solved 2 of 20 mine/kill
        # train tasks, without them 6; CrossAgent, motion and grounding solved 13, 7 and 8 of 20 without
        # against 13, 6 and 10 with, and evaluation is ~2x faster (prompts half as long; README).
        sft_overrides=dict(max_steps=540, save_steps=200, logging_steps=20, history_length=0),
        sft_model_overrides={"crossagent": dict(max_steps=1290)},
        sft_parallel=2,
        eval_episodes_per_task=1,
        eval_num_envs=64,
        eval_workers=2,
        eval_max_new_tokens=24,
    ),
    "small": JobPlan(
        sft_models=PAPER_MODELS,
        sft_overrides=dict(num_train_epochs=3.0),
        sft_parallel=1,
        eval_episodes_per_task=8,
        eval_num_envs=128,
        eval_workers=2,
    ),
}
"""The tiny plan is sized for an hour on 2 CPU cores; measured 39.7 min (stage times in the README)."""


def model_dir(output_dir: pathlib.Path, name: str) -> pathlib.Path:
    return output_dir / "models" / name


def _train_one(config_fields: dict) -> dict:
    """One SFT run in a fresh process (the pool's spawn context): one torch thread, logs to a file."""
    import torch

    from crossagent.training.sft import RUN_FILE, train_sft
    from crossagent.training.sft_config import load_sft_config

    torch.set_num_threads(1)
    out = pathlib.Path(config_fields["output_dir"])
    out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=out / "train.log", level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", force=True
    )
    start = time.perf_counter()
    summary = train_sft(load_sft_config(**config_fields))
    logging.getLogger(__name__).info("SFT took %.0f s", time.perf_counter() - start)
    if not (out / RUN_FILE).exists():
        raise RuntimeError(f"SFT of {out} ended without writing {RUN_FILE}")
    return summary


def sft_configs(config, plan: JobPlan) -> dict[str, dict]:
    """Model name -> the fields of its CrossAgentSFTConfig (checked here, before any process starts)."""
    from crossagent.training.sft_config import load_sft_config

    dataset = str(config.output_dir / "data" / "mixed")
    runs = {}
    for name, spaces in plan.sft_models.items():
        fields = dict(
            config=config.preset,
            dataset=dataset,
            action_spaces=spaces,
            output_dir=str(model_dir(config.output_dir, name)),
            seed=config.seed,
            extra_training_args={"disable_tqdm": True},
            **{**plan.sft_overrides, **plan.sft_model_overrides.get(name, {})},
        )
        load_sft_config(**fields)  # a bad field fails now, not in a worker ten minutes later
        runs[name] = fields
    return runs


def _resume_point(output_dir: pathlib.Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    return "latest" if output_dir.is_dir() and get_last_checkpoint(str(output_dir)) else None


def stage_sft(config) -> dict:
    """SFT of CrossAgent (all spaces) and each single-space baseline of the plan, `sft_parallel` at a time."""
    from crossagent.training.sft import RUN_FILE

    plan = JOB_PLANS[config.preset]
    runs = sft_configs(config, plan)
    results: dict[str, dict] = {}
    todo = {}
    for name, fields in runs.items():
        run_file = pathlib.Path(fields["output_dir"]) / RUN_FILE
        if run_file.exists():
            logger.info("SFT %s: already trained (%s)", name, run_file)
            results[name] = _run_summary(json.loads(run_file.read_text()))
        else:
            todo[name] = {
                **fields,
                "resume_from_checkpoint": _resume_point(pathlib.Path(fields["output_dir"])),
            }
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(plan.sft_parallel, mp_context=context) as pool:
        futures = {pool.submit(_train_one, fields): name for name, fields in todo.items()}
        for name in todo:
            logger.info("SFT %s: training (%s), log in %s/train.log", name, todo[name]["action_spaces"],
                        todo[name]["output_dir"])  # fmt: skip
        for future in concurrent.futures.as_completed(futures):
            name = futures[future]
            summary = future.result()
            results[name] = _run_summary(summary)
            logger.info("SFT %s: done in %.0f s", name, summary["train_runtime_s"])
    return {name: results[name] for name in runs}


def _run_summary(run: dict) -> dict:
    """The part of an SFT run's summary the pipeline keeps: steps, loss, time, validation accuracy."""
    training = run.get("training", run)
    metrics = run.get("metrics", {})
    return {
        "output_dir": run.get("output_dir") or run.get("config", {}).get("output_dir"),
        "global_step": training.get("global_step"),
        "train_loss": training.get("train_loss"),
        "train_runtime_s": training.get("train_runtime_s"),
        "resumed_from": training.get("resumed_from"),
        "validation": metrics,
    }


def eval_agents(config, plan: JobPlan) -> dict[str, str]:
    """Agent name -> what `run_evaluation` loads: the trained model folders, then the baselines."""
    agents = {name: str(model_dir(config.output_dir, name)) for name in plan.sft_models}
    agents.update({name: name for name in plan.eval_baselines})
    return agents


def stage_eval(config) -> dict:
    """Every trained model and baseline agent over the whole task suite (resumes a half-run evaluation)."""
    from crossagent.evaluation.runner import EvalConfig, run_evaluation

    plan = JOB_PLANS[config.preset]
    summary = {}
    for name, agent in eval_agents(config, plan).items():
        folder = config.output_dir / "eval" / name
        start = time.perf_counter()
        eval_config = EvalConfig(
            tasks=list(plan.eval_tasks),
            episodes_per_task=plan.eval_episodes_per_task,
            num_envs=plan.eval_num_envs,
            workers=plan.eval_workers,
            output_dir=folder,
        )
        paths = run_evaluation(agent, eval_config, agent_kwargs={"max_new_tokens": plan.eval_max_new_tokens})
        seconds = time.perf_counter() - start
        metrics = json.loads(paths["eval_info"].read_text())["metrics"]  # scored once, by the runner
        episodes = metrics["num_episodes"]
        summary[name] = {
            "folder": str(folder),
            "episodes": episodes,
            "seconds": round(seconds, 1),
            "episodes_per_s": round(episodes / seconds, 3) if seconds > 0 else None,
            "asr": metrics["asr"]["overall"]["rate"],
            "id_asr": metrics["asr"]["per_split"]["in_domain"]["rate"],
            "ood_asr": metrics["asr"]["per_split"]["out_of_domain"]["rate"],
            "eval_info": str(paths["eval_info"]),
        }
        logger.info("eval %s: ASR %.3f in %.0f s", name, summary[name]["asr"], seconds)
    return summary


def stage_report(config) -> dict:
    """report.md: the paper-form comparison table, validation accuracy per space, stage times, plots."""
    from crossagent.pipeline_report import write_pipeline_report

    plan = JOB_PLANS[config.preset]
    return write_pipeline_report(config.output_dir, list(eval_agents(config, plan)), list(plan.sft_models))


__all__ = ["JOB_PLANS", "JobPlan", "stage_eval", "stage_report", "stage_sft"]
