import json

import datasets
import numpy as np
import pyarrow.parquet as pq
import pytest
from huggingface_hub import DatasetCard

from crossagent.datasets.build import build_mixed, select_build_tasks
from crossagent.datasets.config import MixedBuildConfig
from crossagent.datasets.schema import FEATURES
from crossagent.executors.latent import LatentCodebook, tick_vector
from crossagent.training import sft_data
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import ACTION_SPACES, SPACE_TOKENS

from .conftest import small_config


def test_load_dataset_reads_mixed_and_one_space_offline(built):
    folder, summary = built
    mixed = datasets.load_dataset(str(folder))
    raw = datasets.load_dataset(str(folder), "raw")
    assert set(mixed) == set(raw) == {"train", "validation"}
    assert mixed["train"].num_rows == summary["rows"]["mixed"]["train"] > 0
    assert set(raw["train"]["action_space"]) == {"raw"}
    assert all(a.startswith(SPACE_TOKENS["raw"]) for a in raw["train"]["action"])
    # mixed is every space's rows: each decision point contributes one row per labelled space (the space
    # configs hold the same rows, except the dense raw config: one row per raw tick, see test_dense_raw.py)
    assert set(mixed["train"]["action_space"]) == set(ACTION_SPACES)
    spaces = [s for s in ACTION_SPACES if s != "raw"]
    per_space = sum(datasets.load_dataset(str(folder), s, split="train").num_rows for s in spaces)
    assert per_space + mixed["train"]["action_space"].count("raw") == mixed["train"].num_rows
    row = raw["train"][0]
    assert row["image"].size == (64, 64) and row["instruction"] and row["state"] is None
    assert row["task_id"] in {"mine_block:oak_log", "kill_entity:cow", "craft_item:paper"}
    assert row["task_split"] == "in_domain" and "split" not in row  # the task's suite split


def test_splits_are_by_episode(built):
    folder, _ = built
    mixed = datasets.load_dataset(str(folder))
    train, validation = set(mixed["train"]["episode"]), set(mixed["validation"]["episode"])
    assert train and validation and not train & validation


def test_every_decision_has_raw_skill_and_latent_rows_and_raw_history_is_the_previous_ticks(built):
    folder, _ = built
    rows = datasets.load_dataset(str(folder), split="train").remove_columns(["image"]).to_list()
    by_point = {}
    for row in rows:
        by_point.setdefault((row["episode"], row["step"]), {})[row["action_space"]] = row
    for point in by_point.values():
        assert {"raw", "skill", "latent"} <= set(point)
        assert len({r["raw_action"] for r in point.values()}) == 1
        assert point["raw"]["action"] == point["raw"]["raw_action"]
    raw = sorted((r for r in rows if r["action_space"] == "raw"), key=lambda r: (r["episode"], r["step"]))
    first = [r for r in raw if r["step"] == 0]
    assert all(r["history"] == [] for r in first)
    assert any(r["history"] for r in raw)
    assert all(isinstance(parse(text), type(parse(raw[0]["action"]))) for r in raw for text in r["history"])
    skill = [r for r in rows if r["action_space"] == "skill" and r["step"] == 1]
    assert skill and all(len(r["history"]) == 1 and r["history"][0].startswith("<|skill|>") for r in skill)


def test_codebook_is_saved_loadable_and_labels_the_latent_rows(built):
    folder, _ = built
    book = LatentCodebook.load(folder / "latent_codebook.safetensors")
    settings = json.loads((folder / "generation.json").read_text())
    assert book.num_codes == settings["codebook"]["num_codes"] <= 16 and book.chunk_length == 4
    latent = datasets.load_dataset(str(folder), "latent", split="train")
    codes = {parse(text).index for text in latent["action"]}
    assert codes <= set(range(book.num_codes)) and len(codes) > 1
    # a step-0 label is the code of the episode's first chunk: re-encode the episode's first chunk_length
    # ticks (the dense raw config holds every tick, in step order) with the saved codebook
    ticks = {}
    for split in ("train", "validation"):
        for row in datasets.load_dataset(str(folder), "raw", split=split).remove_columns(["image"]):
            ticks.setdefault(row["episode"], {})[row["step"]] = parse(row["action"])
    first_codes = {}
    for split in ("train", "validation"):
        for row in datasets.load_dataset(str(folder), "latent", split=split).remove_columns(["image"]):
            if row["step"] == 0:
                first_codes[row["episode"]] = parse(row["action"]).index
    assert set(first_codes) == set(ticks) and len(first_codes) >= 2
    for episode, code in first_codes.items():
        chunk = [tick_vector(ticks[episode][t], book.camera_scale) for t in range(book.chunk_length)]
        assert code == int(book.encode(np.stack(chunk))), f"episode {episode}"


def test_card_and_settings_describe_the_build(built):
    folder, summary = built
    card = (folder / "README.md").read_text()
    assert card.startswith("---\n") and "license: apache-2.0" in card and "config_name: raw" in card
    assert "default: true" in card and "python datasets_scripts/build_mixed.py" in card
    assert f"| mixed | {summary['rows']['mixed']['train']} |" in card
    assert "| mine_block |" in card and "| kill_entity |" in card
    settings = json.loads((folder / "generation.json").read_text())
    assert settings["config"]["episodes_per_task"] == 2 and "workers" not in settings["config"]
    assert settings["episodes"]["played"] == 6
    assert not list(folder.parent.glob(".mixed-*")), "the staging folder must be gone"


def test_the_card_is_a_dataset_card_with_configs_and_dataset_info(built):
    folder, summary = built
    data = DatasetCard.load(folder / "README.md").data
    assert data.license == "apache-2.0" and data.pretty_name and data.size_categories == ["n<1K"]
    assert "image-text-to-text" in data.task_categories and "crossagent" in data.tags
    settings = json.loads((folder / "generation.json").read_text())
    configs = {c["config_name"]: c for c in data.configs}
    assert configs["mixed"]["default"] is True and set(configs) == set(settings["shards"])
    for name, config in configs.items():  # the data files as written: the fingerprinted shards
        assert {f["split"]: f["path"] for f in config["data_files"]} == settings["shards"][name]
    info = {i["config_name"]: i for i in data.dataset_info}
    assert set(info) == set(configs)
    assert [f["name"] for f in info["mixed"]["features"]] == list(FEATURES)
    assert {"name": "task_split", "dtype": "string"} in info["raw"]["features"]
    for name, entry in info.items():
        rows = {split["name"]: split["num_examples"] for split in entry["splits"]}
        assert rows == {k: v for k, v in summary["rows"][name].items() if k != "total"}
        loaded = datasets.load_dataset(str(folder), name)
        assert {split: len(part) for split, part in loaded.items()} == rows


def test_same_settings_give_byte_identical_shards_whatever_the_workers(built, tmp_path):
    folder, _ = built
    again = tmp_path / "again"
    build_mixed(small_config(workers=2), again, progress=False)
    first = sorted(p.relative_to(folder) for p in folder.rglob("*.parquet"))
    second = sorted(p.relative_to(again) for p in again.rglob("*.parquet"))
    assert first == second  # names carry the content fingerprint
    for relative in first:
        assert (folder / relative).read_bytes() == (again / relative).read_bytes()
    assert (folder / "generation.json").read_bytes() == (again / "generation.json").read_bytes()
    assert (folder / "README.md").read_bytes() == (again / "README.md").read_bytes()


def test_states_for_exact_replay_and_shards_split_by_rows(tmp_path):
    config = small_config(
        tasks="mine_block:oak_log", episodes_per_task=1, record_states=True, rows_per_shard=2
    )
    build_mixed(config, tmp_path / "s", progress=False)
    shards = sorted((tmp_path / "s" / "data" / "raw").glob("train-*.parquet"))
    assert len(shards) >= 2 and all(pq.read_metadata(s).num_rows <= 2 for s in shards)
    skill = datasets.load_dataset(str(tmp_path / "s"), "skill", split="train")
    assert all(isinstance(s, bytes) and len(s) > 1000 for s in skill["state"])
    # the dense raw config carries each decision's state on the decision's first tick
    raw = datasets.load_dataset(str(tmp_path / "s"), "raw", split="train")
    assert len(raw) > len(skill)
    assert [s for s in raw["state"] if s is not None] == skill["state"]


def test_existing_folder_needs_overwrite(built):
    folder, _ = built
    with pytest.raises(FileExistsError, match="overwrite"):
        build_mixed(small_config(), folder, progress=False)


def test_task_filter():
    assert [t.id for t in select_build_tasks(MixedBuildConfig(tasks="kill_entity:co*"))] == [
        "kill_entity:cod",
        "kill_entity:cow",
    ]
    with pytest.raises(ValueError, match="matches no task"):
        select_build_tasks(MixedBuildConfig(tasks="mine_block:nothing"))


def test_the_sft_loader_accepts_the_folder(built):
    folder, summary = built
    train = sft_data.load_sft_split(str(folder), "mixed", "train", ACTION_SPACES)
    assert train.num_rows == summary["rows"]["mixed"]["train"]
    assert sft_data.load_sft_split(str(folder), "latent", "validation", ("latent",)).num_rows > 0
