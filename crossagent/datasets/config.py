"""Settings of one build of the mixed-action dataset; stored in the folder as `generation.json`."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass

from crossagent.executors.motion import MOTION_TICKS
from crossagent.presets import get_preset
from crossagent.tasks.splits import ACTION_DATA_SPLITS, OOD_UNSEEN
from modeling_crossagent.action_spaces import NUM_LATENT_CODES

HISTORY_MODES = ("space", "raw")


@dataclass
class MixedBuildConfig:
    """Everything that decides the dataset's bytes (same config -> byte-identical parquet shards)."""

    tasks: str = "*"
    """Shell pattern on task ids (`mine_block:*`, `kill_entity:cow`); several patterns joined by commas."""
    task_splits: str = "in_domain,ood_seen"
    """Suite splits the tasks come from, comma-separated: `in_domain` (the paper's 30 RL tasks) and/or
    `ood_seen`. `ood_unseen` tasks must stay out of every action dataset: asking for one fails."""
    episodes_per_task: int = 8
    """Expert episodes per in-domain task, and the most any other task gets."""
    category_episodes: int = 0
    """Episodes shared by each category's `ood_seen` tasks (the balance across categories): every task
    gets at least one and at most `episodes_per_task`, the rest go to tasks in a fixed hash order.
    0: `episodes_per_task` for every task."""
    first_world: int = 1
    """World of a task's first data episode: episode w plays its scene on world seed `scene seed +
    first_world + w`. World 0 is the evaluation's episode 0, so data never starts there."""
    image_size: int = 64
    """Side of the square frames (the model preset's image size: tiny 64, small 128)."""
    validation_fraction: float = 0.1
    """Share of episodes (whole episodes, never single rows) in the validation split."""
    split_seed: int = 0
    """Seed of the episode -> split assignment."""
    history_length: int = 8
    """Previous action texts kept per row (the rollout's default; >= the model's history length)."""
    history_mode: str = "space"
    """`space`: previous actions in the row's own space (raw rows: the previous raw ticks), what an agent
    acting in that space sees at inference; `raw`: the previous raw ticks for every row (OpenHA's rule)."""
    dense_raw: bool = True
    """The `raw` config holds one row per raw tick (the frame just before the tick, that tick's action, the
    previous ticks as history): a raw agent acts every tick, so it must see mid-decision states too. False:
    one raw row per decision point, the `mixed` config's raw rows. `mixed` is the same either way."""
    dense_raw_max_repeat: int = 8
    """Dense raw rows kept per run of identical consecutive ticks (the first N; 0 keeps all). Without a
    cap, the expert's waits (`no_op`, 40% of the tiny preset's rows) and long attack holds dominate: a tiny
    raw baseline trained on all of them answered `no_op` at every tick and solved 0 of the 30 train tasks."""
    keep_failed: bool = False
    """Also keep episodes where the expert failed the task (default: successful episodes only)."""
    record_states: bool = False
    """Store `MineSim.get_state()` bytes per row (about 5.5 kB each) for exact replay."""
    num_codes: int = NUM_LATENT_CODES
    """Latent codebook size (fewer when the data has fewer distinct chunks)."""
    chunk_length: int = MOTION_TICKS
    """Raw ticks per latent code."""
    codebook_seed: int = 0
    """Seed of the k-means++ initialisation."""
    rows_per_shard: int = 50_000
    """Largest number of rows in one parquet shard."""
    png_compress_level: int = 1
    """zlib level of the PNG frames (1: ~2.6 kB and 0.4 ms per 64x64 frame; 6: 8% smaller, 1.5x slower)."""
    workers: int = 2
    """Processes playing episodes (results do not depend on it)."""

    def __post_init__(self) -> None:
        if self.episodes_per_task < 1:
            raise ValueError(f"episodes_per_task={self.episodes_per_task}: play at least 1 episode per task")
        if self.category_episodes < 0:
            raise ValueError(f"category_episodes={self.category_episodes}: use 0 (off) or a positive budget")
        for split in self.split_names():
            if split not in ACTION_DATA_SPLITS:
                why = (
                    "ood_unseen targets must appear in no action data"
                    if split == OOD_UNSEEN
                    else f"choose from {', '.join(ACTION_DATA_SPLITS)}"
                )
                raise ValueError(f"task_splits={self.task_splits!r}: {split!r} is not allowed ({why})")
        if not self.split_names():
            raise ValueError(
                f"task_splits={self.task_splits!r}: name at least one of {', '.join(ACTION_DATA_SPLITS)}"
            )
        if not 0.0 <= self.validation_fraction < 1.0:
            raise ValueError(f"validation_fraction={self.validation_fraction}: use a value in [0, 1)")
        if self.history_mode not in HISTORY_MODES:
            raise ValueError(f"history_mode={self.history_mode!r}: choose one of {', '.join(HISTORY_MODES)}")
        if self.image_size < 16:
            raise ValueError(f"image_size={self.image_size}: MineSim renders at least 16x16 frames")
        if self.workers < 1 or self.rows_per_shard < 1:
            raise ValueError("workers and rows_per_shard must be >= 1")

    def split_names(self) -> list[str]:
        """The suite splits of `task_splits`, in the given order."""
        return [name.strip() for name in self.task_splits.split(",") if name.strip()]

    def content_settings(self) -> dict:
        """The settings that decide the data (not `workers`, which only changes the speed)."""
        settings = dataclasses.asdict(self)
        settings.pop("workers")
        return settings


def preset_config(preset: str, **overrides) -> MixedBuildConfig:
    """The mixed-action data of a preset (`crossagent.presets`), with `overrides` on top."""
    return MixedBuildConfig(**{**get_preset(preset).data, **overrides})


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_config_arguments(parser) -> None:
    """One command-line option per `MixedBuildConfig` field (`--episodes-per-task`, `--keep-failed`)."""
    defaults = MixedBuildConfig()
    for spec in dataclasses.fields(MixedBuildConfig):
        default = getattr(defaults, spec.name)
        if isinstance(default, bool):
            # --dense-raw / --no-dense-raw: a flag that is on by default must be switchable off
            action = argparse.BooleanOptionalAction if default else "store_true"
            parser.add_argument(_flag(spec.name), action=action, default=None, help=f"(default: {default})")
        else:
            parser.add_argument(
                _flag(spec.name), type=type(default), default=None, help=f"(default: {default})"
            )


def config_from_args(args, base: MixedBuildConfig | None = None) -> MixedBuildConfig:
    """The config of parsed arguments; options not given keep `base`'s values."""
    given = {
        spec.name: getattr(args, spec.name)
        for spec in dataclasses.fields(MixedBuildConfig)
        if getattr(args, spec.name, None) is not None
    }
    return dataclasses.replace(base or MixedBuildConfig(), **given)


def command_line(config: MixedBuildConfig, script: str = "datasets_scripts/build_mixed.py") -> str:
    """The build command that reproduces `config` (every data setting spelled out)."""
    parts = ["python", script, "--output-dir", "DIR"]
    defaults = MixedBuildConfig()
    for name, value in config.content_settings().items():
        if isinstance(value, bool):
            if value:
                parts += [_flag(name)]
            elif getattr(defaults, name):
                parts += ["--no-" + _flag(name)[2:]]
        elif name in ("tasks", "task_splits"):
            parts += [_flag(name), f"'{value}'"]
        else:
            parts += [_flag(name), str(value)]
    return " ".join(parts)
