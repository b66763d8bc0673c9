"""The dense `raw` config: one row per raw tick of every kept episode; `mixed` keeps one raw row per decision."""

import io
import json

import datasets
import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image

from crossagent.datasets.build import build_mixed
from crossagent.datasets.collect import play
from crossagent.datasets.validate import card_configs
from crossagent.executors.raw import raw_to_env
from crossagent.sim.sim import MineSim
from crossagent.tasks import get_task
from crossagent.tasks.expert import succeeded
from crossagent.tasks.task import in_other_world
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import format_action

from .conftest import small_config


def _rows(folder, config: str) -> list[dict]:
    """Rows of both splits of `config`, images as PNG bytes, in (episode, step) order."""
    rows = []
    for split in ("train", "validation"):
        data = datasets.load_dataset(str(folder), config, split=split)
        rows += data.cast_column("image", datasets.Image(decode=False)).to_list()
    return sorted(rows, key=lambda r: (r["episode"], r["step"]))


@pytest.fixture(scope="module")
def episodes(built):
    """The kept expert episodes of the shared build, played again (episode index -> ExpertEpisode)."""
    folder, _ = built
    settings = json.loads((folder / "generation.json").read_text())
    config = settings["config"]
    jobs = [
        (task_id, world, config["image_size"], config["png_compress_level"], False, True)
        for task_id in settings["tasks"]
        for world in settings["worlds"][task_id]
    ]
    return {i: e for i, e in enumerate(map(play, jobs)) if e.success}


def test_one_row_per_raw_tick_of_every_kept_episode_in_tick_order(built, episodes):
    folder, summary = built
    rows = _rows(folder, "raw")
    assert len(rows) == summary["rows"]["raw"]["total"] == sum(len(e.raw_ticks) for e in episodes.values())
    assert summary["rows"]["raw"]["total"] > summary["rows"]["skill"]["total"]  # more ticks than decisions
    for index, episode in episodes.items():
        mine = [r for r in rows if r["episode"] == index]
        assert [r["step"] for r in mine] == list(range(len(episode.raw_ticks)))
        assert [r["action"] for r in mine] == [format_action(t) for t in episode.raw_ticks]
        assert all(r["raw_action"] == r["action"] and r["action_space"] == "raw" for r in mine)
        assert [r["image"]["bytes"] for r in mine] == episode.tick_frames
        assert mine[5]["history"] == [r["action"] for r in mine[:5]]


def test_first_tick_rows_equal_the_mixed_raw_rows_and_mixed_has_one_row_per_decision(built, episodes):
    folder, _ = built
    dense = {(r["episode"], r["step"]): r for r in _rows(folder, "raw")}
    mixed_raw = [r for r in _rows(folder, "mixed") if r["action_space"] == "raw"]
    assert len(mixed_raw) == sum(len(e.decisions) for e in episodes.values())
    for row in mixed_raw:
        episode = episodes[row["episode"]]
        first_tick = sum(d.ticks for d in episode.decisions[: row["step"]])
        twin = dense[(row["episode"], first_tick)]
        for column in ("image", "action", "history", "raw_action", "instruction", "task_id", "task_split"):
            assert twin[column] == row[column], column
    listed = card_configs(folder)
    assert all(p.startswith("data/raw-dense/") for paths in listed["raw"].values() for p in paths)
    assert not any("raw-dense" in p for paths in listed["mixed"].values() for p in paths)


def test_replaying_the_actions_from_the_scene_reproduces_frames_and_success(built):
    folder, _ = built
    rows = [r for r in _rows(folder, "raw") if r["task_id"] == "kill_entity:cow"]
    episode = rows[0]["episode"]
    rows = [r for r in rows if r["episode"] == episode]
    world = int(rows[0]["id"].split("/")[1][1:])
    task = in_other_world(get_task("kill_entity:cow"), world)
    sim = MineSim(width=64, height=64)
    sim.reset(task.scene)
    for row in rows:
        stored = np.asarray(Image.open(io.BytesIO(row["image"]["bytes"])).convert("RGB"))
        assert np.array_equal(sim.render(), stored), row["id"]
        assert not succeeded(sim, task)
        sim.step(raw_to_env(parse(row["action"])))
    assert succeeded(sim, task)


def test_dense_raw_false_keeps_the_raw_config_as_the_mixed_raw_rows(built, tmp_path):
    folder, summary = built
    sparse = tmp_path / "sparse"
    sparse_summary = build_mixed(small_config(dense_raw=False), sparse, progress=False)
    assert not (sparse / "data" / "raw-dense").exists()
    assert card_configs(sparse)["raw"] == {
        split: [p for p in paths if p.startswith("data/raw/")]
        for split, paths in card_configs(folder)["mixed"].items()
    }
    assert sparse_summary["rows"]["raw"] == {
        k: v for k, v in sparse_summary["rows"]["skill"].items()
    }  # one raw row per decision, like skill
    assert sparse_summary["rows"]["mixed"] == summary["rows"]["mixed"]
    # mixed (and every shard but the dense ones) is byte-identical with or without the dense config
    for shard in sorted(sparse.rglob("*.parquet")):
        assert (folder / shard.relative_to(sparse)).read_bytes() == shard.read_bytes()
    assert len(list(folder.rglob("*.parquet"))) == len(list(sparse.rglob("*.parquet"))) + 2
    assert (
        pq.read_metadata(next((folder / "data" / "raw-dense").glob("train-*"))).num_rows
        == (summary["rows"]["raw"]["train"])
    )


def test_runs_of_identical_ticks_keep_their_first_rows_only(episodes):
    from crossagent.datasets.rows import dense_raw_rows

    for index, episode in episodes.items():
        texts = [format_action(t) for t in episode.raw_ticks]
        kept = dense_raw_rows(episode, index, small_config(dense_raw_max_repeat=2))
        expected = [t for t in range(len(texts)) if t < 2 or not texts[t] == texts[t - 1] == texts[t - 2]]
        assert [r["step"] for r in kept] == expected
        assert [r["history"] for r in kept] == [texts[max(0, t - 8) : t] for t in expected]
    longest = max(len(e.raw_ticks) for e in episodes.values())
    assert sum(
        len(dense_raw_rows(e, i, small_config(dense_raw_max_repeat=2))) for i, e in episodes.items()
    ) < sum(len(e.raw_ticks) for e in episodes.values()), (
        f"no run of 3 identical ticks in episodes of up to {longest} ticks"
    )
