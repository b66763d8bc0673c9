"""The main job on Crafter (`crossagent pipeline --env crafter`): the same stages, on a world no one here wrote.

    environment -> crafter_baselines (random and scripted: Crafter score + task success)
    -> crafter_data (scripted decisions, mixed-action schema) -> crafter_sft (CrossAgent on `mixed`)
    -> crafter_eval (the SFT model: Crafter score + task success) -> crafter_report

Not on Crafter yet: perception pretraining, STRL/relabelling and MTRL (as in the MineSim job, they go
between `crafter_sft` and `crafter_eval` as they land), and the single-space baselines (the Crafter data
labels each decision in the one space the scripted policy chose: raw or grounding).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from crossagent.files import write_json_atomic
from crossagent.pipeline import data
from crossagent.pipeline.plan import PipelineConfig, Stage, model_dir
from crossagent.presets import get_preset

logger = logging.getLogger(__name__)

MODEL_NAME = "crossagent-crafter"
REPORT_FILE = "crafter_report.json"


@dataclass(frozen=True)
class CrafterPlan:
    """What the Crafter job does for one preset (values in `crossagent.presets`, field `crafter`)."""

    score_episodes: int = 10
    """Episodes of Crafter's own protocol (10000 steps, ended by death) per evaluated agent."""
    score_length: int = 10000
    """Step budget of a score episode (Crafter's)."""
    task_episodes: int = 1
    """Episodes per achievement task in each evaluation's success rate."""
    task_ticks: int = 300
    """Step budget of an achievement task (data and evaluation)."""
    task_split: str | None = None
    """Evaluate only the achievement tasks of this split (None: all 22)."""
    data_episodes_per_task: int = 4
    """Scripted episodes per in_domain/ood_seen achievement for the SFT data."""
    sft_max_steps: int = 300
    """SFT optimizer steps of CrossAgent on the Crafter `mixed` config."""
    num_envs: int = 8
    """Worlds stepped together in every rollout."""
    max_new_tokens: int = 32
    """Token limit of one model decision."""


def crafter_plan(config: PipelineConfig) -> CrafterPlan:
    return CrafterPlan(**get_preset(config.preset).crafter)


def _evaluate(agent, config: PipelineConfig, name: str, **agent_kwargs) -> dict:
    from crossagent.evaluation.crafter import CrafterEvalConfig, evaluate_crafter

    plan = crafter_plan(config)
    eval_config = CrafterEvalConfig(
        episodes=plan.score_episodes, episode_length=plan.score_length, task_episodes=plan.task_episodes,
        task_ticks=plan.task_ticks, split=plan.task_split, num_envs=plan.num_envs, frame_size=get_preset(config.preset).model.image_size,
        seed=config.seed, output_dir=config.output_dir / "eval" / name, progress=False,
    )  # fmt: skip
    report = evaluate_crafter(agent, eval_config, **agent_kwargs)
    return {
        "crafter_score": report["score"]["crafter_score"],
        "mean_episode_length": report["score"]["mean_episode_length"],
        "task_success_rate": report["tasks"]["success_rate"],
        "per_split": report["tasks"]["per_split"],
        "report": str(config.output_dir / "eval" / name),
    }


def stage_baselines(config: PipelineConfig) -> dict:
    """Crafter score and task success of the uniform random agent (the floor) and the scripted policy."""
    return {name: _evaluate(name, config, name) for name in ("random", "scripted")}


def stage_data(config: PipelineConfig) -> dict:
    """The scripted policy's decisions on the in_domain and ood_seen achievements, Hub format."""
    from crossagent.datasets.crafter import CrafterDataConfig, build_crafter_data

    plan = crafter_plan(config)
    folder = build_crafter_data(
        CrafterDataConfig(
            output_dir=config.output_dir / "data" / "crafter", episodes_per_task=plan.data_episodes_per_task,
            task_ticks=plan.task_ticks, frame_size=get_preset(config.preset).model.image_size, seed=config.seed,
            num_envs=plan.num_envs, overwrite=True, extra={"command": f"crossagent pipeline --env crafter --preset {config.preset}"},
        )
    )  # fmt: skip
    return {"folder": str(folder)}


def stage_sft(config: PipelineConfig) -> dict:
    """Cold-start SFT of CrossAgent on the Crafter `mixed` config (the preset's SFT defaults)."""
    from crossagent.training.sft import train_sft
    from crossagent.training.sft_config import sft_arguments

    plan = crafter_plan(config)
    job = get_preset(config.preset).job.get("sft_overrides", {})
    fields = {
        **job,
        "dataset_name": str(config.output_dir / "data" / "crafter"),
        "dataset_config": "mixed",
        "output_dir": str(model_dir(config.output_dir, MODEL_NAME)),
        "seed": config.seed,
        "disable_tqdm": True,
        "max_steps": plan.sft_max_steps,
        "overwrite_output_dir": True,
    }
    summary = train_sft(sft_arguments(preset=config.preset, **fields))
    training = summary.get("training", summary)
    return {"output_dir": fields["output_dir"], "train_loss": training.get("train_loss"),
            "global_step": training.get("global_step")}  # fmt: skip


def stage_eval(config: PipelineConfig) -> dict:
    """Crafter score and task success of the SFT model."""
    folder = model_dir(config.output_dir, MODEL_NAME)
    return {
        MODEL_NAME: _evaluate(
            str(folder), config, MODEL_NAME, max_new_tokens=crafter_plan(config).max_new_tokens
        )
    }


def stage_report(config: PipelineConfig) -> dict:
    """One table: each agent's Crafter score next to the published ones, and its task success rate."""
    import json

    from crossagent.evaluation.crafter import PUBLISHED_SCORES

    state = json.loads((config.output_dir / "pipeline.json").read_text())["stages"]
    rows = {**state["crafter_baselines"]["summary"], **state["crafter_eval"]["summary"]}
    report = {"agents": rows, "published_crafter_scores": PUBLISHED_SCORES}
    path = write_json_atomic(config.output_dir / REPORT_FILE, report)
    for name, row in rows.items():
        logger.info("%-20s Crafter score %5.2f%%  task success %5.1f%%", name, row["crafter_score"],
                    row["task_success_rate"])  # fmt: skip
    return {"report": str(path)}


CRAFTER_STAGES: list[tuple[str, Stage]] = [
    ("environment", data.stage_environment),
    ("crafter_baselines", stage_baselines),
    ("crafter_data", stage_data),
    ("crafter_sft", stage_sft),
    ("crafter_eval", stage_eval),
    ("crafter_report", stage_report),
]
"""The Crafter job's stages, in order (names key `pipeline.json`)."""
