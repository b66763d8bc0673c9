"""Run the main job's stages in order into one folder; resume after a kill.

Each stage is a function `(config) -> dict` that writes under `config.output_dir` and returns a small
summary. The runner records each stage's wall time and summary in `pipeline.json`, written atomically
after every stage, and skips stages that already finished, so a killed run resumes where it stopped.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence

from crossagent.files import write_json_atomic
from crossagent.pipeline.plan import PipelineConfig, Stage

logger = logging.getLogger(__name__)

STATE_FILE = "pipeline.json"
"""The run's record of finished stages, in the output folder."""


def run_pipeline(config: PipelineConfig, stages: Sequence[tuple[str, Stage]] | None = None) -> dict:
    """Run `stages` (default: every stage of the method, `crossagent.pipeline.stages.STAGES`)."""
    if stages is None:
        from crossagent.pipeline.stages import STAGES

        stages = STAGES
    state_path = config.output_dir / STATE_FILE
    state = {"config": config.to_dict(), "stages": {}}
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
