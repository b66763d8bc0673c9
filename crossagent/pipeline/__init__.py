"""The main job, `crossagent pipeline --preset tiny`: every stage of the method, in order, into one folder.

    from crossagent.pipeline import PipelineConfig, run_pipeline
    state = run_pipeline(PipelineConfig(preset="tiny", output_dir="outputs/pipeline-tiny"))

Modules: `plan` (the run's settings and the preset's `JobPlan`), `runner` (runs and resumes stages),
`stages` (the ordered list), and one module per stage family: `data`, `training`, `evaluation`, `report`.
"""

from crossagent.pipeline.plan import JobPlan, PipelineConfig, Stage, model_dir
from crossagent.pipeline.runner import STATE_FILE, run_pipeline

__all__ = ["STATE_FILE", "JobPlan", "PipelineConfig", "Stage", "model_dir", "run_pipeline"]
