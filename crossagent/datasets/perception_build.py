"""Build the perception dataset: MineSim frames on fresh world seeds, questions answered by the renderer.

    build_perception(PerceptionBuildConfig(train_scenes=1500, test_scenes=150, image_size=64), "data/perception")
    load_perception("data/perception", "point", split="test")

World seeds come from `task_seed("perception", "<split>-<i>")`, checked against every seed an evaluation
or the mixed-action data can play (`evaluation_seeds`): a collision is an error, never a silent overlap.
The `test` split's scenes are other seeds than `train`'s, so the benchmark scores unseen worlds. Each
world scene (blocks and mobs placed in front of the player, like the tasks' scenes) is seen from a few
camera directions; each view gives one question per world config; each screen scene (inventory,
crafting table or furnace open, random items in random slots) gives the three `gui` questions.
"""

from __future__ import annotations

import concurrent.futures
import logging
import random
from dataclasses import asdict, dataclass

import datasets
from huggingface_hub import DatasetCardData
from tqdm import tqdm

import crossagent
from crossagent import cards
from crossagent.datasets import perception as questions
from crossagent.datasets.card import TAGS, size_category
from crossagent.datasets.hub_folder import (
    configs_metadata,
    dataset_info_metadata,
    staged_folder,
    write_fingerprinted_shard,
)

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "perception_dataset_card.md.jinja"
PRETTY_NAME = "CrossAgent MineSim perception"
SPLITS: tuple[str, ...] = ("train", "test")
MAX_EVAL_EPISODES = 100
"""Episodes per task whose world seeds are reserved: evaluation's `episode_seed(task, e)` and the
mixed-action data's `task seed + w`, for e, w below this (presets use at most 8 and 80)."""
GUI_KINDS: tuple[str, ...] = ("inventory", "crafting_table", "furnace")

FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "config": datasets.Value("string"),
        "kind": datasets.Value("string"),
        "world_seed": datasets.Value("int64"),
        "image": datasets.Image(),
        "instruction": datasets.Value("string"),
        "history": datasets.List(datasets.Value("string")),
        "action_space": datasets.Value("string"),
        "action": datasets.Value("string"),
        "object": datasets.Value("string"),
        "mask": datasets.Value("binary"),
        "centroids": datasets.List(datasets.List(datasets.Value("int32"))),
        "answer_point": datasets.List(datasets.Value("int32")),
        "cell_objects": datasets.List(datasets.Value("string")),
    }
)
"""`instruction`, `image`, `history` (always empty) and `action` (the answer) are the columns SFT's collator
reads, so the rows train with the same prompt as actions; `cell_objects` (world frames: the object of each
16x16 cell; GUI frames: empty) is the dense target pretraining may add; the rest is the ground truth
scoring reads."""


@dataclass(frozen=True)
class PerceptionBuildConfig:
    """What one build makes."""

    train_scenes: int = 1500
    """World scenes of the train split (each seen from `views_per_scene` directions)."""
    test_scenes: int = 150
    """World scenes of the held-out test split (other world seeds)."""
    gui_fraction: float = 0.25
    """Share of scenes that open a screen instead (the `gui` config)."""
    views_per_scene: int = 3
    """Camera directions per world scene (the scene's own, then random turns)."""
    image_size: int = 64
    """Frame side (the model's image_size)."""
    workers: int = 2
    """Worker processes rendering scenes."""

    def __post_init__(self) -> None:
        for name in ("train_scenes", "test_scenes", "views_per_scene", "image_size", "workers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)} must be >= 1")
        if not 0 <= self.gui_fraction <= 1:
            raise ValueError(f"gui_fraction={self.gui_fraction} must be in [0, 1]")


def evaluation_seeds() -> dict[int, str]:
    """Every world seed an evaluation or the mixed-action data may play -> the task and episode that plays it."""
    from crossagent.rollout.records import episode_seed
    from crossagent.tasks import load_suite

    seeds: dict[int, str] = {}
    for task in load_suite():
        for episode in range(MAX_EVAL_EPISODES):
            seeds[episode_seed(task, episode)] = f"{task.id} evaluation episode {episode}"
            seeds[int(task.seed) + episode] = f"{task.id} data world {episode}"
    return seeds


def perception_seeds(split: str, count: int, reserved: dict[int, str]) -> list[int]:
    """The world seeds of a split's scenes; raises if one is an evaluation or data seed."""
    from crossagent.tasks.seeding import task_seed

    if split not in SPLITS:
        raise ValueError(f"split={split!r} is unknown; choose one of {list(SPLITS)}")
    seeds = [task_seed("perception", f"{split}-{i}") for i in range(count)]
    for seed in seeds:
        if seed in reserved:
            raise ValueError(
                f"perception world seed {seed} ({split}) is also the world of {reserved[seed]}: perception "
                "data must not show evaluation worlds; change the salt in perception_seeds."
            )
    return seeds


def _pools() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(blocks placed in view, mobs spawned, items put in inventories): what the task suite uses."""
    from crossagent.tasks import load_suite
    from crossagent.tasks.targets import kill_targets, mine_targets

    items = sorted({e["item"] for task in load_suite() for e in task.scene.get("inventory", [])})
    return mine_targets(), kill_targets(), tuple(items)


def scene_rows(job: tuple) -> list[dict]:
    """Every row of one scene (run in a worker): `(split, index, seed, gui, views, image_size)`."""
    from crossagent.sim.data.items import stack_size
    from crossagent.sim.labels import object_map
    from crossagent.sim.scene import SceneSpec
    from crossagent.sim.sim import MineSim

    split, index, seed, gui, views, size = job
    blocks, mobs, items = _pools()
    rng = random.Random(seed)
    sim = MineSim(size, size)
    row_id = f"{split}-{index:06d}"
    if gui:
        stacks = [(rng.choice(items), slot) for slot in rng.sample(range(36), rng.randint(1, 8))]
        inventory = [
            {"item": item, "count": rng.randint(1, min(16, stack_size(item))), "slot": slot}
            for item, slot in stacks
        ]
        scene = SceneSpec.from_dict({"seed": seed, "open_gui": rng.choice(GUI_KINDS), "inventory": inventory})
        sim.reset(scene)
        sim.gui.move_cursor(rng.uniform(-400, 400), rng.uniform(-400, 400))
        frame = questions.checked_frame(sim.render().copy(), size)
        rows = questions.gui_rows(sim, frame, rng, row_id)
    else:
        placed_blocks = rng.sample(blocks, rng.randint(1, 3))
        placed_mobs = rng.sample(mobs, rng.randint(0, 2))
        scene = SceneSpec.from_dict({
            "seed": seed,
            "blocks_in_view": [{"name": b, "count": rng.randint(1, 3)} for b in placed_blocks],
            "mobs": [{"name": m, "count": rng.randint(1, 3)} for m in placed_mobs],
            "yaw": rng.uniform(0, 360), "pitch": rng.uniform(0, 35),
            "time_of_day": rng.choice([6000, 6000, 6000, 2000, 10000, 13000]),
        })  # fmt: skip
        try:
            sim.reset(scene)
        except Exception as error:  # a scene whose objects find no place: skip it, say so
            logger.warning("scene %s (seed %d) skipped: %s", row_id, seed, error)
            return []
        rows = []
        for view in range(views):
            if view:
                sim.player.turn(rng.uniform(-25, 25), rng.uniform(-60, 60))
            frame = questions.checked_frame(sim.render().copy(), size)
            shown = questions.View(frame, object_map(sim), tuple(placed_blocks + placed_mobs))
            cells = questions.cell_objects(shown.labels)
            vid = f"{row_id}-v{view}"
            for row in (
                questions.point_row(shown, rng, f"{vid}-point", blocks + mobs),
                questions.locate_row(shown, rng, f"{vid}-locate"),
                questions.identify_row(shown, rng, f"{vid}-identify"),
                questions.count_row(shown, rng, f"{vid}-count", mobs) if placed_mobs or rng.random() < 0.3 else None,
            ):  # fmt: skip
                if row is not None:
                    rows.append({**row, "cell_objects": cells})
    for row in rows:
        row["world_seed"] = seed
    return rows


def _jobs(config: PerceptionBuildConfig, split: str, reserved: dict[int, str]) -> list[tuple]:
    count = config.train_scenes if split == "train" else config.test_scenes
    seeds = perception_seeds(split, count, reserved)
    # Evenly spread screen scenes (not drawn by chance), so that every split has its share of them.
    fraction = config.gui_fraction
    return [
        (
            split,
            i,
            seed,
            int((i + 1) * fraction) > int(i * fraction),
            config.views_per_scene,
            config.image_size,
        )
        for i, seed in enumerate(seeds)
    ]


def build_rows(config: PerceptionBuildConfig) -> dict[str, list[dict]]:
    """split -> rows, rendered by `config.workers` processes (scene order kept, so builds are identical)."""
    reserved = evaluation_seeds()
    jobs = {split: _jobs(config, split, reserved) for split in SPLITS}
    rows: dict[str, list[dict]] = {split: [] for split in SPLITS}
    flat = [job for split in SPLITS for job in jobs[split]]
    if config.workers == 1:
        results = map(scene_rows, flat)
    else:
        import multiprocessing

        pool = concurrent.futures.ProcessPoolExecutor(
            config.workers, mp_context=multiprocessing.get_context("spawn")
        )
        results = pool.map(scene_rows, flat, chunksize=8)
    try:
        for job, scene in tqdm(zip(flat, results), total=len(flat), desc="perception scenes"):
            rows[job[0]].extend(scene)
    finally:
        if config.workers != 1:
            pool.shutdown()
    return rows


def write_perception(rows: dict[str, list[dict]], output_dir, config: PerceptionBuildConfig,
                     overwrite: bool = False) -> dict:  # fmt: skip
    """Write `rows` (split -> rows) as a dataset folder with one config per question kind; returns counts."""
    counts = {c: {s: sum(r["config"] == c for r in rows[s]) for s in SPLITS} for c in questions.CONFIGS}
    with staged_folder(output_dir, overwrite) as staging:
        shards: dict[str, dict[str, str]] = {}
        for name in questions.CONFIGS:
            for split in SPLITS:
                part = [r for r in rows[split] if r["config"] == name]
                if part:
                    dataset = datasets.Dataset.from_list(part, features=FEATURES)
                    path = write_fingerprinted_shard(
                        dataset, staging / "data" / name, f"{split}-00000-of-00001"
                    )
                    shards.setdefault(name, {})[split] = f"data/{name}/{path}"
        total = sum(len(r) for r in rows.values())
        card_data = DatasetCardData(
            license="apache-2.0", pretty_name=PRETTY_NAME, language=["en"],
            task_categories=["visual-question-answering"], size_categories=[size_category(total)], tags=TAGS,
            configs=configs_metadata(shards, default="point"),
            dataset_info=dataset_info_metadata(FEATURES, staging, shards),
        )  # fmt: skip
        card = cards.dataset_card(
            CARD_TEMPLATE, card_data, pretty_name=PRETTY_NAME, counts=counts, total=total,
            build=asdict(config), version=crossagent.__version__, min_pixels=questions.MIN_PIXELS,
        )  # fmt: skip
        cards.save_card(card, staging / cards.CARD_FILE)
    return counts


def build_perception(config: PerceptionBuildConfig, output_dir, overwrite: bool = False) -> dict:
    """Render, ask, write; returns `{"folder", "rows": {config: {split: n}}}`."""
    counts = write_perception(build_rows(config), output_dir, config, overwrite)
    return {"folder": str(output_dir), "rows": counts}


def load_perception(folder, config: str, split: str = "train") -> datasets.Dataset:
    """One config and split of a perception folder; a clear error for an unknown config or split."""
    if config not in questions.CONFIGS:
        raise ValueError(
            f"config={config!r} is not a perception config; choose one of {list(questions.CONFIGS)}"
        )
    names = datasets.get_dataset_config_names(str(folder))
    if config not in names:
        raise ValueError(
            f"config={config!r}: dataset {folder} has no such config (it has {names}); rebuild it"
        )
    if split not in SPLITS:
        raise ValueError(f"split={split!r} is unknown; choose one of {list(SPLITS)}")
    return datasets.load_dataset(str(folder), config, split=split)
