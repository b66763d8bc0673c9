"""The arguments of one single-turn RL (STRL) run, in TRL's dataclasses, with a preset's defaults.

    script, training = strl_arguments("tiny", dataset_name="data/mixed", model_name_or_path="out/sft")
    script, training = parse_strl_arguments(["--preset", "tiny", "--config", "run.yaml", "--seed", "3"])

`STRLScriptArguments` (which data and which model: TRL's `ScriptArguments` plus the SFT model folder) and
`CrossAgentSTRLConfig` (how to train: TRL's `GRPOConfig` plus the warm-up and the reward's tolerance). A
value comes from, last one winning: the dataclass default, the preset's `strl` settings
(`crossagent.presets`), the `--config` YAML file, the command line. Every field is checked when its
dataclass is built, so a bad value fails before any data or model is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import torch
from trl import GRPOConfig, ScriptArguments

from crossagent.executors.equivalence import CAMERA_TOLERANCE_DEGREES
from crossagent.presets import PRESET_NAMES, get_preset
from crossagent.training.preset_arguments import arguments_from_fields, parse_with_preset
from crossagent.training.rewards import check_camera_tolerance
from crossagent.training.sft_config import check_report_to


@dataclass
class STRLScriptArguments(ScriptArguments):
    """Which decisions and which model one STRL run reads (`--dataset_name`, `--model_name_or_path`)."""

    model_name_or_path: str | None = field(
        default=None,
        metadata={"help": "The cold-start SFT model folder to start from (a saved CrossAgentForActions)."},
    )
    dataset_config: str = field(
        default="mixed", metadata={"help": "Dataset config the decisions come from (only `mixed`)."}
    )
    dataset_test_split: str = field(
        default="validation",
        metadata={"help": "Split whose decisions are the held-out states of the end-of-run greedy score."},
    )
    max_train_rows: int | None = field(
        default=None, metadata={"help": "Train on N decision states drawn at random (None: all)."}
    )
    max_eval_rows: int | None = field(
        default=128, metadata={"help": "Score at most N held-out decision states (None: all)."}
    )

    def __post_init__(self) -> None:
        if not self.dataset_name:
            raise ValueError(
                "dataset_name is empty; pass the mixed-action dataset built with --record-states."
            )
        if not self.model_name_or_path:
            raise ValueError(
                "model_name_or_path is empty; pass the cold-start SFT model folder to start from."
            )
        if self.dataset_config != "mixed":
            raise ValueError(
                f"dataset_config={self.dataset_config!r}: STRL reads the decisions of the `mixed` config."
            )
        for name in ("max_train_rows", "max_eval_rows"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name}={value} must be >= 1 (or None for all rows).")


@dataclass
class CrossAgentSTRLConfig(GRPOConfig):
    """TRL's `GRPOConfig` with CrossAgent's fields and defaults for a small model on a CPU.

    Defaults changed from TRL's, and why:
    - `learning_rate` 1e-5 (TRL: 1e-6, sized for fine-tuning billions of parameters; a few-M-parameter
      model trained from scratch at 1e-3 barely moves at 1e-6 in the few hundred steps a CPU allows);
    - `bf16` decided per machine (TRL: on; a CPU cannot run it), `use_cpu` without a GPU;
    - `gradient_checkpointing` off (TRL: on; recomputing the activations of a tiny model costs time and
      saves nothing that matters);
    - `max_completion_length` 24 (TRL: 512; the longest action, a grounding answer, is ~20 tokens, and
      babble past that only costs time: generation is most of a step);
    - `num_generations` 8 (TRL's) with `per_device_train_batch_size` 16: two decision states per step;
    - `logging_steps` 1 (the per-step reward curve is a result), `save_steps` from the preset,
      `lr_scheduler_type` constant (short runs: a decay would end the run before it learns), seed 0;
    - `remove_unused_columns` False (the reward reads `state` and `raw_action`).
    TRL's `loss_type` (dapo), `beta` (0: no reference model) and `temperature` (1.0) are kept.
    """

    preset: str = field(
        default="tiny",
        metadata={
            "help": f"Preset ({', '.join(PRESET_NAMES)}) whose `strl` settings are this run's defaults."
        },
    )
    camera_tolerance: float = field(
        default=CAMERA_TOLERANCE_DEGREES,
        metadata={"help": "Degrees per camera axis two raw ticks may differ by and be equivalent (the "
                  "measured default of crossagent/executors/equivalence.py; at most 15)."},
    )  # fmt: skip
    warmup_samples: int = field(
        default=4,
        metadata={
            "help": "Rejection-sampling warm-up: answers sampled per decision state (0 skips the warm-up)."
        },
    )
    warmup_rows: int | None = field(
        default=256,
        metadata={"help": "Decision states the warm-up samples on (None: every training state)."},
    )
    warmup_max_steps: int = field(
        default=60, metadata={"help": "SFT steps on the kept (equivalent) warm-up answers."}
    )
    warmup_learning_rate: float = field(default=1e-4, metadata={"help": "Learning rate of the warm-up SFT."})
    overwrite_output_dir: bool = field(
        default=False,
        metadata={
            "help": "Train into an --output_dir that already holds a finished STRL model, replacing it."
        },
    )
    learning_rate: float = 1e-5
    gradient_checkpointing: bool | None = (
        None  # TRL's True; unset, transformers reads activation_checkpointing
    )
    max_completion_length: int | None = 24
    per_device_train_batch_size: int = 16
    logging_steps: float = 1
    lr_scheduler_type: str = "constant"
    seed: int = 0
    remove_unused_columns: bool | None = False

    def __post_init__(self) -> None:
        get_preset(self.preset)
        check_camera_tolerance(self.camera_tolerance)
        cuda = torch.cuda.is_available()
        if self.bf16 is None:
            self.bf16 = cuda and torch.cuda.is_bf16_supported()
        if not cuda:
            self.use_cpu = True
            self.dataloader_pin_memory = False
        if self.warmup_samples < 0 or self.warmup_max_steps < 1:
            raise ValueError(
                f"warmup_samples={self.warmup_samples} must be >= 0 and warmup_max_steps="
                f"{self.warmup_max_steps} >= 1."
            )
        if self.warmup_rows is not None and self.warmup_rows < 1:
            raise ValueError(f"warmup_rows={self.warmup_rows} must be >= 1 (or None for all states).")
        if self.max_steps == 0 or self.max_steps < -1:
            raise ValueError(f"max_steps={self.max_steps} must be >= 1, or -1 to train num_train_epochs.")
        check_report_to(self.report_to)
        super().__post_init__()


class STRLArguments(NamedTuple):
    """The two argument dataclasses of one STRL run."""

    script: STRLScriptArguments
    training: CrossAgentSTRLConfig


ARGUMENT_TYPES = (STRLScriptArguments, CrossAgentSTRLConfig)


def strl_arguments(preset: str = "tiny", **fields) -> STRLArguments:
    """The arguments of a run from a preset and flat `fields` (each goes to the dataclass that owns it)."""
    return STRLArguments(
        *arguments_from_fields(ARGUMENT_TYPES, get_preset(preset).strl, preset, fields, "STRL")
    )


def parse_strl_arguments(argv: list[str] | None = None) -> STRLArguments:
    """Parse TRL-style flags (`--config run.yaml`, `--learning_rate`, ...) with `--preset` defaults."""
    return STRLArguments(*parse_with_preset(ARGUMENT_TYPES, lambda name: get_preset(name).strl, argv))
