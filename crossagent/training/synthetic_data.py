"""A small, learnable mixed-action dataset in the documented schema, for tests and benchmarks.

The real mixed-action dataset comes from the scripted expert in MineSim (datasets_scripts/). This one is
synthetic and says so in its card: each frame shows one coloured square (the target) on a grey ground,
and the right action in every space follows from where the square is, so a model can learn it from the
pixels. Every decision point is labelled in all five spaces, as the expert's data is:

    raw        turn toward the square, attack when it is centred
    motion     `turn left` / `turn right` / `move forward, attack`
    grounding  `Mine <obj>target</obj><point>(x,y)</point>` at the square's centre
    skill      `mine target`
    latent     a code for the turn direction (`latent_codebook.safetensors`: 0 attack, 1 turn right,
               2 turn left, each for 4 ticks)

Layout (Hub format, `load_dataset(folder, config)`): `<config>/<split>-00000-of-00001.parquet` for the
configs `mixed`, `raw`, `motion`, `grounding`, `skill`, `latent` and the splits `train`, `validation`,
plus a README.md whose YAML header lists them and the latent codebook.
"""

from __future__ import annotations

import io
import os
import pathlib

import numpy as np
from datasets import Dataset, Features, Image, List, Value
from huggingface_hub import DatasetCard, DatasetCardData
from PIL import Image as PILImage

from crossagent.cards import CARD_FILE, dataset_card, save_card
from crossagent.datasets.hub_folder import configs_metadata, dataset_info_metadata, staged_folder
from crossagent.executors.latent import CODEBOOK_FILE, LatentCodebook, tick_vector
from modeling_crossagent.action_spaces import (
    ACTION_SPACES,
    GroundingAction,
    LatentAction,
    MotionAction,
    RawAction,
    SkillAction,
    format_action,
)

TARGETS: dict[str, tuple[str, str, tuple[int, int, int]]] = {
    "oak_log": ("mine_block", "mine", (110, 80, 40)),
    "stone": ("mine_block", "mine", (120, 120, 130)),
    "zombie": ("kill_entity", "kill", (40, 140, 60)),
    "cow": ("kill_entity", "kill", (230, 230, 230)),
}
"""Target name -> (task category, skill verb, colour of its square)."""

FEATURES = Features(
    {
        "id": Value("string"),
        "task_id": Value("string"),
        "category": Value("string"),
        "task_split": Value("string"),
        "instruction": Value("string"),
        "image": Image(),
        "history": List(Value("string")),
        "action_space": Value("string"),
        "action": Value("string"),
        "raw_action": Value("string"),
        "episode": Value("int64"),
        "step": Value("int64"),
    }
)
"""The mixed-action schema (crossagent.datasets.schema) without the optional `state` column."""

CONFIGS: tuple[str, ...] = ("mixed", *ACTION_SPACES)
SPLITS: tuple[str, ...] = ("train", "validation")
CARD_TEMPLATE = "synthetic_dataset_card.md.jinja"
PRETTY_NAME = "Synthetic mixed-action data (tests and benchmarks only)"


def _frame(rng: np.random.Generator, colour, centre: tuple[int, int], size: int) -> bytes:
    """A grey frame with noise and one coloured square at `centre` (pixels), PNG-encoded."""
    pixels = rng.integers(70, 90, size=(size, size, 3), dtype=np.uint8)
    half = size // 10
    x, y = centre
    pixels[max(0, y - half) : y + half, max(0, x - half) : x + half] = colour
    buffer = io.BytesIO()
    PILImage.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _labels(target: str, verb: str, x: int, y: int) -> dict[str, object]:
    """The action of each space for a square centred at (x, y) in the [0, 1000]^2 frame."""
    offset = x - 500
    if abs(offset) < 120:
        raw = RawAction(buttons={"attack"})
        motion = MotionAction(("move forward", "attack"))
        code = 0
    else:
        step = int(np.clip(offset // 2, -300, 300))
        raw = RawAction(dx=step)
        motion = MotionAction(("turn right",) if offset > 0 else ("turn left",))
        code = 1 if offset > 0 else 2
    return {
        "raw": raw,
        "motion": motion,
        "grounding": GroundingAction(verb.capitalize(), target, (x, y)),
        "skill": SkillAction(verb, target),
        "latent": LatentAction(code),
    }


def synthetic_rows(
    num_episodes: int, steps: int, seed: int, split: str, image_size: int = 64, blind: bool = False
) -> list[dict]:
    """Rows of `num_episodes` episodes of `steps` decisions, each labelled in all five spaces.

    blind: every instruction is `act`, so even the target's name must be read from the frame (its colour).
    """
    rng = np.random.default_rng(seed)
    names = sorted(TARGETS)
    rows = []
    for episode in range(num_episodes):
        target = names[int(rng.integers(len(names)))]
        category, verb, colour = TARGETS[target]
        histories: dict[str, list[str]] = {space: [] for space in ACTION_SPACES}
        for step in range(steps):
            x, y = int(rng.integers(80, 921)), int(rng.integers(300, 701))
            pixel_centre = (x * image_size // 1000, y * image_size // 1000)
            image = {"bytes": _frame(rng, colour, pixel_centre, image_size), "path": None}
            labels = _labels(target, verb, x, y)
            raw_text = format_action(labels["raw"])
            for space in ACTION_SPACES:
                text = format_action(labels[space])
                rows.append(
                    {
                        "id": f"{split}-{episode}-{step}-{space}",
                        "task_id": f"{category}:{target}",
                        "category": category,
                        "task_split": "train",
                        "instruction": "act" if blind else f"{verb} {target}",
                        "image": image,
                        "history": list(histories[space]),
                        "action_space": space,
                        "action": text,
                        "raw_action": raw_text,
                        "episode": episode,
                        "step": step,
                    }
                )
                histories[space].append(text)
    return rows


LATENT_CHUNKS: tuple[RawAction, ...] = (
    RawAction(buttons={"attack"}),
    RawAction(dx=100),
    RawAction(dx=-100),
)
"""The tick each synthetic latent code repeats (code = index)."""


def synthetic_codebook(chunk_length: int = 4) -> LatentCodebook:
    """The codebook of the synthetic latent codes: code k repeats LATENT_CHUNKS[k] for `chunk_length` ticks."""
    return LatentCodebook(np.stack([[tick_vector(tick)] * chunk_length for tick in LATENT_CHUNKS]))


def synthetic_card(folder: pathlib.Path) -> DatasetCard:
    """The card of the written folder: `configs` (a shard glob per split), `dataset_info` read from the shards."""
    shards = {config: {split: f"{config}/{split}-*.parquet" for split in SPLITS} for config in CONFIGS}
    card_data = DatasetCardData(
        license="apache-2.0",
        pretty_name=PRETTY_NAME,
        task_categories=["image-text-to-text"],
        size_categories=["n<1K"],
        tags=["crossagent", "synthetic"],
        configs=configs_metadata(shards, default="mixed"),
        dataset_info=dataset_info_metadata(FEATURES, folder, shards),
    )
    num_rows = {
        entry["config_name"]: {split["name"]: split["num_examples"] for split in entry["splits"]}
        for entry in card_data.dataset_info
    }
    return dataset_card(CARD_TEMPLATE, card_data, pretty_name=PRETTY_NAME, num_rows=num_rows)


def write_synthetic_dataset(
    folder: str | os.PathLike,
    train_episodes: int = 8,
    validation_episodes: int = 2,
    steps: int = 4,
    seed: int = 0,
    image_size: int = 64,
    blind: bool = False,
) -> pathlib.Path:
    """Write the dataset to `folder` (built in a temporary folder, then moved into place); `blind`: see
    `synthetic_rows`."""
    folder = pathlib.Path(folder)
    with staged_folder(folder, overwrite=True) as staging:
        _write_splits(staging, train_episodes, validation_episodes, steps, seed, image_size, blind)
    return folder


def _write_splits(staging, train_episodes, validation_episodes, steps, seed, image_size, blind) -> None:
    episodes = {"train": train_episodes, "validation": validation_episodes}
    for index, split in enumerate(SPLITS):
        rows = synthetic_rows(episodes[split], steps, seed * 10 + index, split, image_size, blind)
        mixed = Dataset.from_list(rows, features=FEATURES)
        for config in CONFIGS:
            part = (
                mixed
                if config == "mixed"
                else mixed.filter(lambda s, c=config: s == c, input_columns="action_space")
            )
            (staging / config).mkdir(exist_ok=True)
            part.to_parquet(str(staging / config / f"{split}-00000-of-00001.parquet"))
    save_card(synthetic_card(staging), staging / CARD_FILE)
    synthetic_codebook().save(staging / CODEBOOK_FILE)
