import collections
import os
import pathlib
import subprocess
import sys

import datasets
import pytest
from huggingface_hub import DatasetCard

from crossagent.datasets.tasks import load_tasks_dataset, shard_files, write_dataset
from crossagent.tasks import SPLITS, load_suite

REPO = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("datasets") / "tasks"
    write_dataset(load_suite(), folder)
    return folder


def test_load_dataset_reads_the_folder_offline(built):
    loaded = datasets.load_dataset(str(built))
    assert set(loaded) == set(SPLITS)
    assert loaded["in_domain"].num_rows == 30
    assert sum(loaded[s].num_rows for s in SPLITS) == len(load_suite())
    assert set(loaded["ood_unseen"]["split"]) == {"ood_unseen"}
    assert load_tasks_dataset(built) == [t for s in SPLITS for t in load_suite() if t.split == s]


def test_card_has_configs_counts_and_license(built):
    card = (built / "README.md").read_text()
    assert card.startswith("---\n") and "configs:" in card and "license: apache-2.0" in card
    assert f"path: {shard_files(built, 'in_domain')[0].relative_to(built)}" in card
    assert "| mine_block | 10 | 103 | 40 | 153 |" in card
    unseen = sum(t.split == "ood_unseen" for t in load_suite())
    assert f"| **all** | 30 | {len(load_suite()) - 30 - unseen} | {unseen} | {len(load_suite())} |" in card
    assert not list(built.parent.glob(".tasks-*")), "the staging folder must be gone"
    data = DatasetCard.load(built / "README.md").data
    assert data.pretty_name == "CrossAgent MineSim task suite" and data.task_categories == [
        "reinforcement-learning"
    ]
    (info,) = data.dataset_info
    counts = collections.Counter(t.split for t in load_suite())
    assert {s["name"]: s["num_examples"] for s in info["splits"]} == dict(counts) and counts[
        "in_domain"
    ] == 30
    assert {"name": "split", "dtype": "string"} in info["features"]  # the task's own split, a column of tasks


def test_a_rebuilt_folder_never_loads_stale_rows_from_the_cache(tmp_path):
    # datasets caches a local folder by its name and listed files; fingerprinted shard names change
    # with the content, so loading the same path after a rebuild reads the new rows.
    folder = tmp_path / "tasks"
    for subset in (load_suite()[:40], load_suite()[:50]):
        write_dataset(subset, folder, overwrite=True)
        loaded = datasets.load_dataset(str(folder))
        assert sum(split.num_rows for split in loaded.values()) == len(subset)


def test_existing_folder_is_not_overwritten_silently(built):
    with pytest.raises(FileExistsError, match="overwrite"):
        write_dataset(load_suite(), built)


def test_two_builds_in_different_processes_are_byte_identical(built, tmp_path):
    # A fresh interpreter with another hash seed: nothing may depend on Python's salted hash().
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, str(REPO / "datasets_scripts" / "build_tasks.py"), "--output-dir", str(tmp_path / "again")],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    for split in SPLITS:
        (first,), (second,) = shard_files(built, split), shard_files(tmp_path / "again", split)
        assert first.name == second.name and first.read_bytes() == second.read_bytes()
    assert (built / "README.md").read_text() == (tmp_path / "again" / "README.md").read_text()


def test_pipeline_stage_writes_the_dataset(tmp_path):
    from crossagent.pipeline import PipelineConfig
    from crossagent.pipeline.data import stage_tasks

    summary = stage_tasks(PipelineConfig(output_dir=tmp_path))
    assert summary["tasks"] == len(load_suite())
    assert (tmp_path / "data" / "tasks" / "README.md").is_file()
