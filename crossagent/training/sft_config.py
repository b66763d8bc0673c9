"""Configuration of one cold-start SFT run: presets `tiny` (CPU) and `small` (one GPU), YAML overrides.

    config = load_sft_config("tiny", dataset="data/mixed", action_spaces="raw")   # a preset + overrides
    config = load_sft_config("my_run.yaml")                                     # a YAML file of fields

A YAML file holds field names of `CrossAgentSFTConfig`; its optional `preset:` field picks the preset
the other fields override. Everything is checked in `__post_init__`, so a bad field fails before any
model or data is loaded.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
from dataclasses import dataclass, field

import yaml

from crossagent.presets import PRESETS, get_preset
from modeling_crossagent.action_spaces import ACTION_SPACES

SPACE_CHOICES: tuple[str, ...] = ("mixed", *ACTION_SPACES)
"""`mixed`: CrossAgent, trained on every space; one space name: the single-space baseline of that space."""


@dataclass
class CrossAgentSFTConfig:
    """One SFT run; field docstrings say what each does. The preset's `sft` settings (crossagent.presets) set the defaults."""

    preset: str = "tiny"
    """Model preset (crossagent.presets: `tiny`, `small`) and the training defaults that go with it."""
    dataset: str = ""
    """Folder (or Hub id) of the mixed-action dataset in Hub format, with configs `mixed` and one per space."""
    action_spaces: str = "mixed"
    """`mixed` trains CrossAgent on every space; `raw`/`motion`/`grounding`/`skill`/`latent` a baseline on the
    dataset config of that one space (its prompt names only that space)."""
    output_dir: str = "outputs/sft"
    """The saved model folder; checkpoints go to its `checkpoint-<step>/` subfolders."""
    init_model: str | None = None
    """A saved CrossAgentForActions folder to start from; None builds a random model of `preset`."""
    history_length: int | None = None
    """Previous actions the prompt shows (saved with the processor, so evaluation shows as many); None keeps
    the preset's or `init_model`'s. 0 shows none: a model that sees its own last actions can learn to copy
    them, which dense one-row-per-tick raw data rewards (README, "Cold-start SFT")."""
    train_split: str = "train"
    """Dataset split to train on."""
    eval_split: str = "validation"
    """Dataset split for the teacher-forced next-action accuracy (None or '' to skip)."""
    max_train_rows: int | None = None
    """Train on the first N rows only (None: all)."""
    max_eval_rows: int | None = 512
    """Score at most N validation rows (None: all)."""
    max_steps: int = -1
    """Optimizer steps to run; -1 runs `num_train_epochs` epochs instead."""
    num_train_epochs: float = 1.0
    """Epochs over the training split when `max_steps` is -1."""
    per_device_batch_size: int = 8
    """Rows per process per forward pass."""
    gradient_accumulation_steps: int | None = None
    """Forward passes per optimizer step; None derives it from `global_batch_size` (or uses 1)."""
    global_batch_size: int | None = None
    """Rows per optimizer step over all processes; must equal per-device x processes x accumulation."""
    learning_rate: float = 1e-3
    """Peak learning rate (AdamW)."""
    lr_scheduler_type: str = "cosine"
    """transformers scheduler name."""
    warmup_steps: int = 10
    """Linear warm-up steps."""
    weight_decay: float = 0.0
    """AdamW weight decay."""
    max_grad_norm: float = 1.0
    """Gradient clipping norm."""
    bf16: bool | None = None
    """Train in bfloat16 mixed precision; None: when a GPU with bfloat16 is present."""
    gradient_checkpointing: bool = False
    """Recompute activations in the backward pass (saves memory, costs time)."""
    logging_steps: int = 10
    """Log the loss every N optimizer steps."""
    save_steps: int = 100
    """Write a resumable checkpoint every N optimizer steps."""
    save_total_limit: int | None = 2
    """Keep at most N checkpoints (None: all)."""
    report_to: str = "none"
    """Where logs go: `none`, `tensorboard`, `wandb`, ... (transformers' `report_to`)."""
    resume_from_checkpoint: str | None = None
    """`latest` resumes from the newest checkpoint in `output_dir`; a path resumes from that checkpoint."""
    dataloader_num_workers: int = 0
    """Worker processes that decode frames and collate batches."""
    seed: int = 0
    """Seed of model initialisation, data order and dropout."""
    extra_training_args: dict = field(default_factory=dict)
    """Any other `trl.SFTConfig` / `TrainingArguments` fields, passed through unchanged."""

    def __post_init__(self) -> None:
        get_preset(self.preset)  # a clear error naming the presets
        if self.action_spaces not in SPACE_CHOICES:
            raise ValueError(
                f"action_spaces={self.action_spaces!r} is unknown; choose one of {list(SPACE_CHOICES)} "
                "(`mixed` trains CrossAgent, a space name trains that single-space baseline)."
            )
        if not self.dataset:
            raise ValueError("dataset is empty; pass the mixed-action dataset folder (--dataset PATH).")
        for name in ("per_device_batch_size", "logging_steps", "save_steps"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)} must be >= 1.")
        if self.max_steps == 0 or self.max_steps < -1:
            raise ValueError(f"max_steps={self.max_steps} must be >= 1, or -1 to train num_train_epochs.")
        if self.history_length is not None and self.history_length < 0:
            raise ValueError(
                f"history_length={self.history_length} must be >= 0 (0 shows no previous actions)."
            )
        for name in ("gradient_accumulation_steps", "global_batch_size", "max_train_rows"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name}={value} must be >= 1 (or null to leave it unset).")

    @property
    def spaces(self) -> tuple[str, ...]:
        """The action spaces this run trains on (and names in the prompt)."""
        return ACTION_SPACES if self.action_spaces == "mixed" else (self.action_spaces,)

    def batch_layout(self, world_size: int) -> tuple[int, int]:
        """(per-device batch, accumulation steps) for `world_size` processes; raises if they cannot match."""
        per_device, accumulation = self.per_device_batch_size, self.gradient_accumulation_steps
        if self.global_batch_size is None:
            return per_device, accumulation or 1
        per_step = per_device * world_size
        if accumulation is None:
            if self.global_batch_size % per_step:
                raise ValueError(
                    f"global_batch_size={self.global_batch_size} is not divisible by per_device_batch_size "
                    f"({per_device}) x processes ({world_size}) = {per_step}; choose a global batch that is a "
                    f"multiple of {per_step}, or change per_device_batch_size."
                )
            return per_device, self.global_batch_size // per_step
        if per_step * accumulation != self.global_batch_size:
            raise ValueError(
                f"global_batch_size={self.global_batch_size} != per_device_batch_size ({per_device}) x processes "
                f"({world_size}) x gradient_accumulation_steps ({accumulation}) = {per_step * accumulation}; "
                "leave gradient_accumulation_steps unset to derive it, or fix one of the three."
            )
        return per_device, accumulation


FIELD_NAMES = frozenset(f.name for f in dataclasses.fields(CrossAgentSFTConfig))


def load_sft_config(config: str | os.PathLike = "tiny", **overrides) -> CrossAgentSFTConfig:
    """A preset name or a YAML file, then `overrides` (None values are ignored) -> a checked config."""
    values: dict = {}
    if str(config) in PRESETS:
        values["preset"] = str(config)
    else:
        path = pathlib.Path(config)
        if not path.is_file():
            raise ValueError(
                f"--config {str(config)!r} is neither a preset ({', '.join(PRESETS)}) nor a YAML file."
            )
        values = yaml.safe_load(path.read_text()) or {}
        if not isinstance(values, dict):
            raise ValueError(f"{path}: expected a mapping of config fields, got {type(values).__name__}.")
    values.update({k: v for k, v in overrides.items() if v is not None})
    unknown = sorted(set(values) - FIELD_NAMES)
    if unknown:
        raise ValueError(f"Unknown SFT config field(s) {unknown}; valid fields: {sorted(FIELD_NAMES)}.")
    return CrossAgentSFTConfig(**{**get_preset(values.get("preset", "tiny")).sft, **values})


def save_sft_config(config: CrossAgentSFTConfig, path: str | os.PathLike) -> None:
    pathlib.Path(path).write_text(yaml.safe_dump(dataclasses.asdict(config), sort_keys=False))
