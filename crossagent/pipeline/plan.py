"""What one run of the main job does: the run's settings and the preset's plan of models and evaluations."""

from __future__ import annotations

import dataclasses
import pathlib
from collections.abc import Callable
from dataclasses import dataclass, field

from crossagent.presets import PRESET_NAMES, get_preset

RL_STRL_MODEL = "strl"
"""The single-turn RL model's name in the job (models/strl)."""
RL_CS2_MODEL = "crossagent-cs2"
"""The relabel SFT model's name in the job (M_cs2, the paper's start of multi-turn RL)."""
RELABEL_SFT_STARTS = ("base", "sft")
"""What `JobPlan.relabel_sft_from` may name."""


@dataclass(frozen=True)
class JobPlan:
    """What the main job trains and evaluates for one preset (the values live in `crossagent.presets`)."""

    sft_models: dict[str, str]
    """Model name -> the dataset config it trains on (`mixed` is CrossAgent, a space is that baseline)."""
    sft_overrides: dict = field(default_factory=dict)
    """SFT argument fields (`crossagent.training.sft_config`) every SFT run of the job gets on top of the
    preset's `sft` defaults."""
    sft_model_overrides: dict[str, dict] = field(default_factory=dict)
    """Per-model fields on top of `sft_overrides` (the mixed config has one row per space per decision,
    so CrossAgent sees each decision five times per epoch)."""
    pretrain: bool = False
    """Pretrain the base model on perception data first (the preset's `pretrain`); every SFT then starts
    from it (`models/base`) instead of a random model."""
    sft_parallel: int = 1
    """SFT runs at once, each in its own process with one torch thread (2 on a 2-core CPU: one thread
    per process is 3-8x faster there than two threads sharing a process)."""
    strl_from: str | None = None
    """The SFT model (a name of `sft_models`) that single-turn RL starts from; None: no `strl` and
    `relabel` stages (and the mixed data is built without world states)."""
    strl_overrides: dict = field(default_factory=dict)
    """STRL argument fields (`crossagent.training.strl_config`) on top of the preset's `strl` defaults."""
    relabel_k: int = 4
    """Answers the STRL model samples per decision state when relabelling (D_strl)."""
    relabel_max_rows: int | None = None
    """Decision states relabelled per split at most (a seeded sample spread over tasks); None: all of them."""
    relabel_sft_overrides: dict = field(default_factory=dict)
    """SFT fields of the re-initialisation SFT on D_strl (M_cs2), on top of `sft_overrides`."""
    relabel_sft_from: str = "base"
    """Where M_cs2's SFT starts: `base`, where every SFT of the job starts (the paper's re-initialisation),
    or `sft`, the SFT model STRL started from (`strl_from`: M_mix), continued on D_strl."""
    mtrl_models: dict[str, str] = field(default_factory=dict)
    """Multi-turn RL runs: model name -> the model it starts from (a name of `sft_models`, or `strl` /
    `crossagent-cs2` of the RL stages). Each answers in the spaces its start model was trained on, so
    the baselines' RL (RawHA-RL, ...) is the same trainer on their SFT models."""
    mtrl_overrides: dict = field(default_factory=dict)
    """MTRL argument fields (`crossagent.training.mtrl_config`) on top of the preset's `mtrl` defaults."""
    mtrl_parallel: int = 1
    """MTRL runs at once, each in its own process with one torch thread."""
    mtrl_ablation: dict[str, str] = field(default_factory=dict)
    """The paper's first ablation (`crossagent pipeline --ablation`, not part of the main job): extra MTRL
    runs, name -> start model (MTRL from M_mix without STRL), compared with the main run by the
    iterations each needs to reach the same training-task success."""
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
    target_minutes: float | None = None
    """The job's wall-time target: the report says whether the stages' total is within it."""
    eval_max_new_tokens: int = 48
    """Token limit of one model decision (the longest action of the tiny data is ~20 tokens)."""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.sft_model_overrides) - set(self.sft_models))
        if unknown:
            raise ValueError(f"sft_model_overrides names {unknown}, which are not in sft_models")
        if self.strl_from is not None and self.strl_from not in self.sft_models:
            raise ValueError(f"strl_from={self.strl_from!r} is not in sft_models {sorted(self.sft_models)}")
        if self.relabel_k < 1:
            raise ValueError(f"relabel_k={self.relabel_k} must be >= 1")
        known = {*self.sft_models, RL_STRL_MODEL, RL_CS2_MODEL}
        for name, start in {**self.mtrl_models, **self.mtrl_ablation}.items():
            if start not in known:
                raise ValueError(
                    f"mtrl model {name!r} starts from {start!r}, which the job does not train ({sorted(known)})"
                )
            if name in known:
                raise ValueError(f"mtrl model {name!r} has the name of a model the job already trains")
        if self.relabel_sft_from not in RELABEL_SFT_STARTS:
            raise ValueError(
                f"relabel_sft_from={self.relabel_sft_from!r}: choose one of {RELABEL_SFT_STARTS}"
            )
        for name in (
            "sft_parallel",
            "mtrl_parallel",
            "eval_episodes_per_task",
            "eval_num_envs",
            "eval_workers",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)} must be >= 1")


@dataclass
class PipelineConfig:
    """Settings of one run of the main job."""

    preset: str = "tiny"
    """Model and data scale (`crossagent.presets`): `tiny` runs on a 2-core CPU, `small` wants one GPU."""
    output_dir: pathlib.Path = pathlib.Path("outputs/pipeline-tiny")
    """Folder that receives every artefact of the run and `pipeline.json`."""
    seed: int = 0
    """Seed for data generation, training and evaluation."""
    restart: bool = False
    """Run every stage again even when `pipeline.json` says it finished."""

    def __post_init__(self) -> None:
        if self.preset not in PRESET_NAMES:
            raise ValueError(f"preset={self.preset!r} is unknown; choose one of {', '.join(PRESET_NAMES)}")
        self.output_dir = pathlib.Path(self.output_dir)

    @property
    def plan(self) -> JobPlan:
        """The preset's plan (read from the preset table each time, so a test can swap the table's entry)."""
        return JobPlan(**get_preset(self.preset).job)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


Stage = Callable[[PipelineConfig], dict]
"""A stage of the main job: writes under `config.output_dir`, returns a small JSON-able summary."""


def model_dir(output_dir: pathlib.Path, name: str) -> pathlib.Path:
    """Where the main job saves the model called `name`."""
    return output_dir / "models" / name
