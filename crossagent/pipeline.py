"""The main job: every stage of the method, in order, into one output folder.

Each stage is a function `(ctx) -> dict` that writes under `ctx.output_dir` and
returns a small summary. The runner records each stage's wall time and summary
in `pipeline.json`, written atomically after every stage, and skips stages that
already finished, so a killed run resumes where it stopped.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import pathlib
import tempfile
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

PRESETS = ("tiny", "small")


@dataclasses.dataclass
class PipelineConfig:
    """Settings of one run of the main job."""

    preset: str = "tiny"
    """Model and data scale: `tiny` runs on a 2-core CPU, `small` wants one GPU."""
    output_dir: pathlib.Path = pathlib.Path("outputs/pipeline-tiny")
    """Folder that receives every artefact of the run and `pipeline.json`."""
    seed: int = 0
    """Seed for data generation, training and evaluation."""
    restart: bool = False
    """Run every stage again even when `pipeline.json` says it finished."""

    def __post_init__(self) -> None:
        if self.preset not in PRESETS:
            raise ValueError(f"preset={self.preset!r} is unknown; choose one of {', '.join(PRESETS)}")
        self.output_dir = pathlib.Path(self.output_dir)


Stage = Callable[[PipelineConfig], dict]


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
    """Build the mixed-action SFT dataset of the preset (tiny: the training split, a few episodes per task)."""
    from crossagent.datasets.build import build_mixed
    from crossagent.datasets.config import preset_config

    data = preset_config(config.preset, split_seed=config.seed, codebook_seed=config.seed)
    return build_mixed(data, config.output_dir / "data" / "mixed", overwrite=True)


def _model_stages() -> list[tuple[str, Stage]]:
    from crossagent.pipeline_stages import stage_eval, stage_report, stage_sft

    return [("sft", stage_sft), ("eval", stage_eval), ("report", stage_report)]


# The stages of the method in order; the RL stages go between `sft` and `eval` as they land.
STAGES: list[tuple[str, Stage]] = [
    ("environment", stage_environment),
    ("tasks", stage_tasks),
    ("mixed", stage_mixed),
    *_model_stages(),
]


def write_json_atomic(path: pathlib.Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as handle:
        json.dump(payload, handle, indent=2, default=str)
        tmp_name = handle.name
    os.replace(tmp_name, path)


def run_pipeline(config: PipelineConfig, stages: list[tuple[str, Stage]] | None = None) -> dict:
    stages = STAGES if stages is None else stages
    state_path = config.output_dir / "pipeline.json"
    state = {"config": dataclasses.asdict(config), "stages": {}}
    if state_path.exists() and not config.restart:
        state["stages"] = json.loads(state_path.read_text())["stages"]
    for name, stage in stages:
        if state["stages"].get(name, {}).get("done"):
            logger.info("stage %s already done, skipping (use --restart to run it again)", name)
            continue
        logger.info("stage %s: starting", name)
        start = time.perf_counter()
        summary = stage(config)
        seconds = time.perf_counter() - start
        state["stages"][name] = {"done": True, "seconds": round(seconds, 2), "summary": summary}
        write_json_atomic(state_path, state)
        logger.info("stage %s: done in %.1f s", name, seconds)
    return state
