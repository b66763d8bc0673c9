"""The main job's stages, in order: adding a stage is one function in its family's module and one line here.

The RL stages (single-turn GRPO, relabelling, multi-turn GRPO) go between `sft` and `eval`; the ablation
(`--ablation`) runs last, after the report, since it is not part of the main job.
"""

from __future__ import annotations

from crossagent.pipeline import data, evaluation, report, rl, training
from crossagent.pipeline.plan import Stage

STAGES: list[tuple[str, Stage]] = [
    ("environment", data.stage_environment),
    ("tasks", data.stage_tasks),
    ("mixed", data.stage_mixed),
    ("pretrain", training.stage_pretrain),
    ("sft", training.stage_sft),
    ("strl", rl.stage_strl),
    ("relabel", rl.stage_relabel),
    ("mtrl", rl.stage_mtrl),
    ("eval", evaluation.stage_eval),
    ("report", report.stage_report),
]
"""(name, stage) pairs; the name keys the stage's record in `pipeline.json`."""

ABLATION_STAGES: list[tuple[str, Stage]] = [*STAGES, ("ablation", rl.stage_ablation)]
"""The main job, then the paper's first ablation (`crossagent pipeline --ablation`)."""
