"""The main job's data stages: the installed stack, the task suite and the mixed-action SFT data."""

from __future__ import annotations

from crossagent.pipeline.plan import PipelineConfig


def stage_environment(config: PipelineConfig) -> dict:
    """Record the installed stack so every report says what produced it."""
    import torch

    from crossagent.environment import STACK, package_versions

    return {"packages": package_versions(STACK), "cuda": torch.cuda.is_available()}


def stage_tasks(config: PipelineConfig) -> dict:
    """Publish the task suite as a Hub-format dataset folder (data/tasks, beside data/mixed)."""
    from crossagent.datasets.tasks import category_counts, write_dataset
    from crossagent.tasks import load_suite

    tasks = load_suite()
    folder = write_dataset(tasks, config.output_dir / "data" / "tasks", overwrite=True)
    return {"folder": str(folder), "tasks": len(tasks), "counts": category_counts(tasks)}


def stage_mixed(config: PipelineConfig) -> dict:
    """Build the mixed-action SFT dataset of the preset (every in_domain and ood_seen task, `crossagent.datasets.draw`)."""
    from crossagent.datasets.build import build_mixed
    from crossagent.datasets.config import preset_config

    # Single-turn RL replays each decision's world: the data keeps the states when the plan has STRL.
    states = {"record_states": True} if config.plan.strl_from is not None else {}
    data = preset_config(config.preset, split_seed=config.seed, codebook_seed=config.seed, **states)
    return build_mixed(data, config.output_dir / "data" / "mixed", overwrite=True)
