"""The arguments of one cold-start SFT run, in TRL's three dataclasses, with a preset's defaults.

    script, training, model = sft_arguments("tiny", dataset_name="data/mixed", dataset_config="raw")
    script, training, model = parse_sft_arguments(["--preset", "tiny", "--config", "run.yaml", "--seed", "3"])

`SFTScriptArguments` (which data: TRL's `ScriptArguments`), `CrossAgentSFTConfig` (how to train: TRL's
`SFTConfig` plus CrossAgent's fields) and TRL's `ModelConfig` (which model to start from, LoRA). A value
comes from, last one winning: the dataclass default, the preset's `sft` settings (`crossagent.presets`),
the `--config` YAML file, the command line. Every field is checked when its dataclass is built, so a bad
value fails before any data or model is loaded.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import NamedTuple

import torch
from trl import ModelConfig, ScriptArguments, SFTConfig

from crossagent.presets import PRESET_NAMES, get_preset
from crossagent.training.preset_arguments import arguments_from_fields, field_owners, parse_with_preset
from modeling_crossagent.action_spaces import ACTION_SPACES

SPACE_CHOICES: tuple[str, ...] = ("mixed", *ACTION_SPACES)
"""Dataset configs SFT trains on: `mixed` trains CrossAgent (every space), a space name trains that
single-space baseline (its prompt names only that space)."""

DECODER_LORA_TARGETS = r".*language_model.*\.(q_proj|k_proj|v_proj|o_proj)"
"""Default LoRA targets: the decoder's attention projections only. The plain names `q_proj` ... also match
the vision tower's attention, which a LoRA on the action decoder should leave alone unless asked."""


@dataclass
class SFTScriptArguments(ScriptArguments):
    """Which data one SFT run reads (TRL's `ScriptArguments`: `--dataset_name`, `--dataset_config`, splits)."""

    dataset_config: str | None = field(
        default="mixed",
        metadata={"help": f"Dataset config to train on: one of {', '.join(SPACE_CHOICES)} ('mixed' trains "
                  "CrossAgent on every space; a space trains that single-space baseline)."},
    )  # fmt: skip
    dataset_test_split: str = field(
        default="validation",
        metadata={"help": "Split scored by the teacher-forced next-action accuracy ('' skips it)."},
    )
    max_train_rows: int | None = field(
        default=None, metadata={"help": "Train on the first N rows only (None: all)."}
    )
    max_eval_rows: int | None = field(
        default=512,
        metadata={
            "help": "Score at most N validation rows, drawn evenly from every action space (None: all)."
        },
    )

    def __post_init__(self) -> None:
        if not self.dataset_name:
            raise ValueError(
                "dataset_name is empty; pass the mixed-action dataset (--dataset_name PATH_OR_ID)."
            )
        if self.dataset_config not in SPACE_CHOICES:
            raise ValueError(
                f"dataset_config={self.dataset_config!r} is unknown; choose one of {list(SPACE_CHOICES)} "
                "(`mixed` trains CrossAgent, a space name trains that single-space baseline)."
            )
        for name in ("max_train_rows", "max_eval_rows"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name}={value} must be >= 1 (or None for all rows).")

    @property
    def spaces(self) -> tuple[str, ...]:
        """The action spaces this run trains on (and names in the prompt)."""
        return ACTION_SPACES if self.dataset_config == "mixed" else (self.dataset_config,)


@dataclass
class CrossAgentSFTConfig(SFTConfig):
    """TRL's `SFTConfig` with CrossAgent's fields and defaults for a small model trained from scratch.

    Defaults changed from TRL's, and why: activation (gradient) checkpointing off (a 2.6M-parameter model
    has activations to spare; recomputing them costs time); `bf16` decided per machine (on only where the GPU
    supports it: TRL's default fails on a CPU); `max_length` None and `remove_unused_columns` False with
    `dataset_kwargs={"skip_prepare_dataset": True}` (the collator builds prompt + frame -> action itself from
    the raw columns); `use_cpu` and `dataloader_pin_memory` follow the machine (without a GPU, accelerate
    sets up a multi-process gloo run only when told it is on the CPU); `lr_scheduler_type` cosine, one
    epoch, `save_total_limit` 2, seed 0. The learning rate, batch size and warm-up come from the preset.
    """

    preset: str = field(
        default="tiny",
        metadata={"help": f"Model and training preset ({', '.join(PRESET_NAMES)}): the model built when no "
                  "--model_name_or_path is given, and the defaults of this run."},
    )  # fmt: skip
    history_length: int | None = field(
        default=None,
        metadata={"help": "Previous actions the prompt shows (saved with the processor, so evaluation shows as "
                  "many); None keeps the model's. 0 shows none: a model that sees its own last actions can "
                  "learn to copy them, which dense one-row-per-tick raw data rewards."},
    )  # fmt: skip
    global_batch_size: int | None = field(
        default=None,
        metadata={"help": "Rows per optimizer step over all processes; when set, gradient_accumulation_steps "
                  "is derived from it (per_device_train_batch_size x processes x accumulation)."},
    )  # fmt: skip
    vision_learning_rate: float | None = field(
        default=None,
        metadata={"help": "Peak learning rate of the vision tower and projector (None: --learning_rate, as the "
                  "decoder). A from-scratch decoder learns the answers' priors long before it reads the frame; "
                  "a faster vision side shortens that (docs/perception.md)."},
    )  # fmt: skip
    overwrite_output_dir: bool = field(
        default=False,
        metadata={"help": "Train into an --output_dir that already holds a finished model (sft_run.json or "
                  "model.safetensors), replacing it; without it such a folder is refused."},
    )  # fmt: skip
    num_train_epochs: float = 1.0
    lr_scheduler_type: str = "cosine"
    warmup_steps: float = 10
    save_total_limit: int | None = 2
    seed: int = 0
    gradient_checkpointing: bool | None = (
        None  # TRL's True; unset, transformers reads activation_checkpointing
    )
    max_length: int | None = None
    remove_unused_columns: bool = False
    dataset_kwargs: dict | None = field(default_factory=lambda: {"skip_prepare_dataset": True})

    def __post_init__(self) -> None:
        get_preset(self.preset)  # a clear error naming the presets
        cuda = torch.cuda.is_available()
        if self.bf16 is None:
            self.bf16 = cuda and torch.cuda.is_bf16_supported()
        if not cuda:
            self.use_cpu = True
            self.dataloader_pin_memory = False
        if self.history_length is not None and self.history_length < 0:
            raise ValueError(
                f"history_length={self.history_length} must be >= 0 (0 shows no previous actions)."
            )
        if self.vision_learning_rate is not None and self.vision_learning_rate <= 0:
            raise ValueError(
                f"vision_learning_rate={self.vision_learning_rate} must be > 0 (or None for --learning_rate)."
            )
        if self.global_batch_size is not None and self.global_batch_size < 1:
            raise ValueError(f"global_batch_size={self.global_batch_size} must be >= 1 (or None).")
        if self.max_steps == 0 or self.max_steps < -1:
            raise ValueError(f"max_steps={self.max_steps} must be >= 1, or -1 to train num_train_epochs.")
        check_report_to(self.report_to)
        super().__post_init__()

    def batch_layout(self, world_size: int) -> tuple[int, int]:
        """(per-device batch, accumulation steps) for `world_size` processes; raises if they cannot match."""
        per_device, accumulation = self.per_device_train_batch_size, self.gradient_accumulation_steps
        if self.global_batch_size is None:
            return per_device, accumulation
        per_step = per_device * world_size
        if self.global_batch_size % per_step:
            raise ValueError(
                f"global_batch_size={self.global_batch_size} is not divisible by per_device_train_batch_size "
                f"({per_device}) x processes ({world_size}) = {per_step}; choose a global batch that is a "
                f"multiple of {per_step}, or change per_device_train_batch_size."
            )
        derived = self.global_batch_size // per_step
        if accumulation not in (1, derived):
            raise ValueError(
                f"global_batch_size={self.global_batch_size} != per_device_train_batch_size ({per_device}) x "
                f"processes ({world_size}) x gradient_accumulation_steps ({accumulation}) = "
                f"{per_step * accumulation}; leave gradient_accumulation_steps unset to derive it, or fix one "
                "of the three."
            )
        return per_device, derived


def check_report_to(report_to) -> None:
    """Every logging integration asked for is installed (else the run would fail after data and model)."""
    from transformers.integrations.integration_utils import (
        INTEGRATION_TO_CALLBACK,
        get_available_reporting_integrations,
    )

    asked = [report_to] if isinstance(report_to, str) else list(report_to or [])
    asked = [name for name in asked if name not in ("none", "all")]
    available = set(get_available_reporting_integrations())
    for name in asked:
        if name not in INTEGRATION_TO_CALLBACK:
            raise ValueError(
                f"report_to={name!r} is not an integration; choose from {sorted(INTEGRATION_TO_CALLBACK)}."
            )
        if name not in available:
            raise ValueError(
                f"report_to={name!r}: the {name} package is not installed; `pip install {name}` or choose "
                f"another (installed: {sorted(available) or 'none'}; 'none' logs to the console only)."
            )


class SFTArguments(NamedTuple):
    """The three argument dataclasses of one SFT run."""

    script: SFTScriptArguments
    training: CrossAgentSFTConfig
    model: ModelConfig


ARGUMENT_TYPES = (SFTScriptArguments, CrossAgentSFTConfig, ModelConfig)
FIELD_OWNERS: dict[str, type] = field_owners(ARGUMENT_TYPES)
"""Field name -> the dataclass that takes it (a name in two of them goes to the first in ARGUMENT_TYPES)."""


def sft_arguments(preset: str = "tiny", **fields) -> SFTArguments:
    """The arguments of a run from a preset and flat `fields` (each goes to the dataclass that owns it)."""
    return SFTArguments(*arguments_from_fields(ARGUMENT_TYPES, get_preset(preset).sft, preset, fields, "SFT"))


def parse_sft_arguments(argv: list[str] | None = None) -> SFTArguments:
    """Parse TRL-style flags (`--config run.yaml`, `--learning_rate`, `--use_peft`, ...) with `--preset`.

    The preset (from `--preset`, else the YAML file's `preset:`, else `tiny`) sets the defaults that the
    YAML file and then the command line override.
    """
    return SFTArguments(*parse_with_preset(ARGUMENT_TYPES, lambda name: get_preset(name).sft, argv))


def lora_config(model_args: ModelConfig):
    """The LoRA config of `--use_peft` (None without it): TRL's, with the decoder-only default targets."""
    if not model_args.use_peft:
        return None
    from trl import get_peft_config

    targets = model_args.lora_target_modules
    return get_peft_config(
        dataclasses.replace(model_args, lora_target_modules=targets if targets else DECODER_LORA_TARGETS)
    )
