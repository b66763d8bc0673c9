"""The arguments of one multi-turn RL (MTRL) run, in TRL's dataclasses, with a preset's defaults.

    script, training = mtrl_arguments("tiny", model_name_or_path="out/crossagent-cs2", output_dir="out/mtrl")
    script, training = parse_mtrl_arguments(["--preset", "tiny", "--config", "run.yaml", "--seed", "3"])

`MTRLScriptArguments` (which model, which tasks and worlds, which action spaces) and `CrossAgentMTRLConfig`
(how to train: TRL's `GRPOConfig` plus the episode reward, the rollout and the turn sampling). A value
comes from, last one winning: the dataclass default, the preset's `mtrl` settings (`crossagent.presets`),
the `--config` YAML file, the command line. Every field is checked when its dataclass is built, so a bad
value fails before any model is loaded or any episode played.

Batch sizes in episodes: every row of the training dataset is one (task, world); TRL's sampler repeats it
`num_generations` times (G): those G episodes are the group. `per_device_train_batch_size` counts
episodes, so one generation plays `per_device_train_batch_size * steps_per_generation` episodes per
process, and each episode gives `turns_per_episode` training rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import torch
from trl import GRPOConfig

from crossagent.presets import PRESET_NAMES, get_preset
from crossagent.training.episode_reward import check_token_penalty
from crossagent.training.preset_arguments import arguments_from_fields, parse_with_preset
from crossagent.training.sft_config import check_report_to
from modeling_crossagent.action_spaces import ACTION_SPACES


@dataclass
class MTRLScriptArguments:
    """Which model plays which tasks on which worlds (`--model_name_or_path`, `--tasks`, `--action_spaces`)."""

    model_name_or_path: str | None = field(
        default=None,
        metadata={
            "help": "The model folder to start from (a saved CrossAgentForActions: SFT, STRL or M_cs2)."
        },
    )
    tasks: str = field(
        default="",
        metadata={"help": "Comma-separated task filters (ids, shell patterns like `kill_entity:*`, categories) "
                  "within --split; empty: every task of the split."},
    )  # fmt: skip
    split: str | None = field(
        default="in_domain",
        metadata={"help": "Suite split the tasks come from (default the 30 in-domain RL tasks; None: any)."},
    )
    worlds_per_task: int = field(
        default=8, metadata={"help": "Training worlds per task: the dataset has one row per (task, world)."}
    )
    first_world: int = field(
        default=1000,
        metadata={"help": "World w of a task is its scene on seed `scene seed + first_world + w`; a seed of "
                  "its evaluation episodes is refused (the data build uses worlds from 1)."},
    )  # fmt: skip
    action_spaces: str | None = field(
        default=None,
        metadata={"help": "Comma-separated spaces the model may answer in, named in its prompt (None: the "
                  "spaces the model was trained on). RL baselines: `raw`, `motion`, `grounding`."},
    )  # fmt: skip

    def __post_init__(self) -> None:
        if not self.model_name_or_path:
            raise ValueError("model_name_or_path is empty; pass the model folder to start from.")
        if self.worlds_per_task < 1:
            raise ValueError(f"worlds_per_task={self.worlds_per_task} must be >= 1.")
        if self.first_world < 1:
            raise ValueError(
                f"first_world={self.first_world} must be >= 1 (world 0 is evaluation episode 0)."
            )
        if self.action_spaces is not None:
            spaces = self.spaces
            unknown = [s for s in spaces if s not in ACTION_SPACES]
            if not spaces or unknown:
                raise ValueError(
                    f"action_spaces={self.action_spaces!r}: {unknown or 'empty'}; use comma-separated names "
                    f"from {list(ACTION_SPACES)}."
                )

    @property
    def task_filters(self) -> list[str]:
        return [t.strip() for t in self.tasks.split(",") if t.strip()]

    @property
    def spaces(self) -> tuple[str, ...] | None:
        """The asked-for spaces as a tuple (None: the model's own)."""
        if self.action_spaces is None:
            return None
        return tuple(s.strip() for s in self.action_spaces.split(",") if s.strip())


@dataclass
class CrossAgentMTRLConfig(GRPOConfig):
    """TRL's `GRPOConfig` with the multi-turn fields and defaults for a small model on a CPU.

    Defaults changed from TRL's, and why (beside those `CrossAgentSTRLConfig` explains: no bf16 or
    gradient checkpointing on a CPU, logging every step, constant learning rate, seed 0):
    - `num_generations` 4 (TRL: 8): a group is G whole episodes, each up to hundreds of model calls;
    - `per_device_train_batch_size` 16 episodes (4 groups) and `steps_per_generation` 1: one rollout per
      optimizer step, trained on at once (`turns_per_episode` rows per episode);
    - `learning_rate` 1e-5, `max_completion_length` 24 (the longest action is ~20 tokens);
    - `save_steps` 1 with `save_total_limit` 2: a killed run resumes at its last finished step and loses
      no other (a step plays whole episodes, so it costs far more than a save), keeping two checkpoints;
    - `remove_unused_columns` False (the rollout reads `task_id` and `seed`).
    TRL's `loss_type` (dapo), `beta` (0: no reference model), `scale_rewards` (group) and `temperature`
    (1.0) are kept.
    """

    preset: str = field(
        default="tiny",
        metadata={
            "help": f"Preset ({', '.join(PRESET_NAMES)}) whose `mtrl` settings are this run's defaults."
        },
    )
    token_penalty: float = field(
        default=0.2,
        metadata={"help": "lambda of the episode reward `success * (1 - lambda * min(1, tokens / token_scale))`"
                  ", in [0, 1): a success always scores above a failure; 0 turns the penalty off."},
    )  # fmt: skip
    token_scale: float = field(
        default=1000.0,
        metadata={"help": "Episode tokens at which the penalty is complete (a success of that many tokens "
                  "or more scores 1 - lambda)."},
    )  # fmt: skip
    turns_per_episode: int = field(
        default=8,
        metadata={"help": "Training rows per episode: that many of its turns drawn at random without "
                  "replacement (all of them, cycled, when it has fewer), so each episode weighs the same."},
    )  # fmt: skip
    rollout_num_envs: int = field(
        default=64,
        metadata={"help": "Worlds stepped together per process while rolling out (the agent's batch)."},
    )
    overwrite_output_dir: bool = field(
        default=False,
        metadata={
            "help": "Train into an --output_dir that already holds a finished MTRL model, replacing it."
        },
    )
    learning_rate: float = 1e-5
    num_generations: int | None = 4
    per_device_train_batch_size: int = 16
    steps_per_generation: int | None = 1
    gradient_checkpointing: bool | None = (
        None  # TRL's True; unset, transformers reads activation_checkpointing
    )
    max_completion_length: int | None = 24
    logging_steps: float = 1
    save_steps: float = 1
    save_total_limit: int | None = 2
    lr_scheduler_type: str = "constant"
    seed: int = 0
    remove_unused_columns: bool | None = False

    def __post_init__(self) -> None:
        get_preset(self.preset)
        check_token_penalty(self.token_penalty, self.token_scale)
        cuda = torch.cuda.is_available()
        if self.bf16 is None:
            self.bf16 = cuda and torch.cuda.is_bf16_supported()
        if not cuda:
            self.use_cpu = True
            self.dataloader_pin_memory = False
        if self.num_generations is None or self.num_generations < 2:
            raise ValueError(
                f"num_generations={self.num_generations} must be >= 2: GRPO compares the G episodes of a group "
                "(one episode has no spread to learn from)."
            )
        if self.turns_per_episode < 1:
            raise ValueError(f"turns_per_episode={self.turns_per_episode} must be >= 1.")
        if self.rollout_num_envs < 1:
            raise ValueError(f"rollout_num_envs={self.rollout_num_envs} must be >= 1.")
        if self.max_steps == 0 or self.max_steps < -1:
            raise ValueError(f"max_steps={self.max_steps} must be >= 1, or -1 to train num_train_epochs.")
        check_report_to(self.report_to)
        super().__post_init__()
        local = self.per_device_train_batch_size * self.steps_per_generation
        if local % self.num_generations:
            raise ValueError(
                f"per_device_train_batch_size * steps_per_generation = {local} episodes per process must be a "
                f"multiple of num_generations={self.num_generations}, so each process plays whole groups."
            )


class MTRLArguments(NamedTuple):
    """The two argument dataclasses of one MTRL run."""

    script: MTRLScriptArguments
    training: CrossAgentMTRLConfig


ARGUMENT_TYPES = (MTRLScriptArguments, CrossAgentMTRLConfig)


def mtrl_arguments(preset: str = "tiny", **fields) -> MTRLArguments:
    """The arguments of a run from a preset and flat `fields` (each goes to the dataclass that owns it)."""
    return MTRLArguments(
        *arguments_from_fields(ARGUMENT_TYPES, get_preset(preset).mtrl, preset, fields, "MTRL")
    )


def parse_mtrl_arguments(argv: list[str] | None = None) -> MTRLArguments:
    """Parse TRL-style flags (`--config run.yaml`, `--learning_rate`, ...) with `--preset` defaults."""
    return MTRLArguments(*parse_with_preset(ARGUMENT_TYPES, lambda name: get_preset(name).mtrl, argv))
