"""The arguments of one perception pretraining run: TRL's three dataclasses with the preset's `pretrain` defaults.

    script, training, model = pretrain_arguments("tiny", dataset_name="data/perception", output_dir="base")
    script, training, model = parse_pretrain_arguments(["--preset", "tiny", "--max_steps", "200"])

The training dataclass is SFT's (`CrossAgentSFTConfig`, TRL's `SFTConfig`): pretraining is SFT of the
answers to perception questions. Values come from, last one winning: the dataclass default, the preset's
`pretrain["train"]`, the `--config` YAML file, the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from trl import ModelConfig, ScriptArguments

from crossagent.datasets.perception import CONFIGS as PERCEPTION_CONFIGS
from crossagent.presets import get_preset
from crossagent.training.preset_arguments import arguments_from_fields, parse_with_preset
from crossagent.training.sft_config import CrossAgentSFTConfig


@dataclass
class PretrainScriptArguments(ScriptArguments):
    """Which perception data one pretraining run reads."""

    dataset_configs: str = field(
        default=",".join(PERCEPTION_CONFIGS),
        metadata={
            "help": f"Comma-separated perception configs to train on (of {', '.join(PERCEPTION_CONFIGS)})."
        },
    )
    dataset_test_split: str = field(
        default="test",
        metadata={"help": "Held-out split (unseen worlds) scored after training ('' skips it)."},
    )
    max_eval_rows: int | None = field(
        default=100, metadata={"help": "Rows per config scored after training (None: all)."}
    )
    dense_object_labels: bool = field(
        default=False,
        metadata={
            "help": "Also train each image token's output to name the object its patch shows (the first token "
            "of the name; the dataset's cell_objects), a dense target beside the answers "
            "(crossagent.training.perception_collator)."
        },
    )
    point_attention_weight: float = field(
        default=0.0,
        metadata={
            "help": "Weight of the pointer loss: one attention head of the decoder's last layer is trained to "
            "look, from the outputs that write a point's numerals, at the image token holding the answer's "
            "point (0: off; crossagent.training.pretrain.point_attention_loss)."
        },
    )

    def __post_init__(self) -> None:
        if not self.dataset_name:
            raise ValueError("dataset_name is empty; pass the perception dataset (--dataset_name PATH).")
        unknown = [c for c in self.configs if c not in PERCEPTION_CONFIGS]
        if unknown or not self.configs:
            raise ValueError(
                f"dataset_configs={self.dataset_configs!r}: unknown config(s) {unknown}; choose from "
                f"{list(PERCEPTION_CONFIGS)}, comma-separated."
            )
        if not 0 <= self.point_attention_weight <= 100:
            raise ValueError(
                f"point_attention_weight={self.point_attention_weight} must be in [0, 100] (0 turns the "
                "pointer loss off; 1 weighs it like the answers' loss)."
            )
        if self.max_eval_rows is not None and self.max_eval_rows < 1:
            raise ValueError(f"max_eval_rows={self.max_eval_rows} must be >= 1 (or None for all rows).")

    @property
    def configs(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.dataset_configs.split(",") if c.strip())


class PretrainArguments(NamedTuple):
    script: PretrainScriptArguments
    training: CrossAgentSFTConfig
    model: ModelConfig


ARGUMENT_TYPES = (PretrainScriptArguments, CrossAgentSFTConfig, ModelConfig)


def preset_defaults(preset: str) -> dict:
    return dict(get_preset(preset).pretrain.get("train", {}))


def pretrain_arguments(preset: str = "tiny", **fields) -> PretrainArguments:
    """The arguments of a run from a preset and flat `fields` (each goes to the dataclass that owns it)."""
    return PretrainArguments(
        *arguments_from_fields(ARGUMENT_TYPES, preset_defaults(preset), preset, fields, "pretrain")
    )


def parse_pretrain_arguments(argv: list[str] | None = None) -> PretrainArguments:
    """Parse TRL-style flags with `--preset` (the preset's `pretrain["train"]` are the defaults)."""
    return PretrainArguments(*parse_with_preset(ARGUMENT_TYPES, preset_defaults, argv))
