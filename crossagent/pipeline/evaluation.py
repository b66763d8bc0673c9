"""The main job's evaluation stage: every trained model and baseline agent over the task suite.

A finished evaluation (its complete `results.jsonl`) is kept; a half-run one continues from its last episode.
"""

from __future__ import annotations

import json
import logging
import time

from crossagent.evaluation.success_rate import split_rates
from crossagent.pipeline.plan import RL_CS2_MODEL, RL_STRL_MODEL, JobPlan, PipelineConfig, model_dir

logger = logging.getLogger(__name__)


def trained_models(plan: JobPlan) -> dict[str, str]:
    """Every model the job trains, in the report's order, name -> its stage: each SFT model followed by the
    RL models that start from it (CrossAgent: STRL, relabel SFT, MTRL)."""
    stages = {}
    followers: dict[str, list[str]] = {}
    if plan.strl_from is not None:
        followers.setdefault(plan.strl_from, []).extend([RL_STRL_MODEL, RL_CS2_MODEL])
    for name, start in plan.mtrl_models.items():
        followers.setdefault(start, []).append(name)
    labels = {RL_STRL_MODEL: "STRL", RL_CS2_MODEL: "relabel SFT"}

    def add(name: str) -> None:
        stages[name] = "SFT" if name in plan.sft_models else labels.get(name, "MTRL")
        for follower in followers.get(name, []):
            add(follower)

    for name in plan.sft_models:
        add(name)
    return stages


def eval_agents(config: PipelineConfig, plan: JobPlan) -> dict[str, str]:
    """Agent name -> what `run_evaluation` loads: the trained model folders, then the baselines."""
    agents = {name: str(model_dir(config.output_dir, name)) for name in trained_models(plan)}
    agents.update({name: name for name in plan.eval_baselines})
    return agents


def stage_eval(config: PipelineConfig) -> dict:
    """Every trained model and baseline agent over the whole task suite (resumes a half-run evaluation)."""
    from crossagent.evaluation.runner import EvalConfig, run_evaluation

    plan = config.plan
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
            **split_rates(metrics),
            "eval_info": str(paths["eval_info"]),
        }
        logger.info("eval %s: ASR %.3f in %.0f s", name, summary[name]["asr"], seconds)
    return summary
