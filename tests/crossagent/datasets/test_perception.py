"""The perception dataset: a real (small) build from MineSim, its answers checked against the ground truth."""

import numpy as np
import pytest
from datasets import load_dataset

from crossagent.datasets.perception import (
    CONFIGS,
    check_object,
    checked_frame,
    grid_cell,
    point_to_pixel,
    unpack_mask,
)
from crossagent.datasets.perception_build import (
    evaluation_seeds,
    load_perception,
    perception_seeds,
)
from crossagent.evaluation.perception import answer_point
from crossagent.rollout.records import episode_seed
from crossagent.tasks import load_suite


def test_every_config_loads_offline_with_the_collator_columns(perception_dir):
    for config in CONFIGS:
        rows = load_dataset(str(perception_dir), config, split="train")
        assert len(rows) > 0 and set(rows["config"]) == {config}
        assert {"instruction", "image", "history", "action"} <= set(rows.column_names)
        assert np.asarray(rows[0]["image"]).shape == (48, 48, 3)


def test_point_answers_land_on_the_named_object(perception_dir):
    rows = [r for r in load_perception(perception_dir, "point", "train") if r["kind"] == "point"]
    assert rows
    for row in rows:
        name, point = answer_point(row["action"])
        assert name == row["object"] and list(point) == row["answer_point"]
        assert unpack_mask(row["mask"], 48, 48)[point_to_pixel(point, 48, 48)]


def test_gui_slot_answers_land_on_a_slot_holding_the_item(perception_dir):
    rows = [r for r in load_perception(perception_dir, "gui", "train") if r["kind"] == "gui_point"]
    assert rows
    for row in rows:
        _, point = answer_point(row["action"])
        assert unpack_mask(row["mask"], 48, 48)[point_to_pixel(point, 48, 48)]


def test_locate_names_the_cell_of_a_visible_centroid(perception_dir):
    for row in load_perception(perception_dir, "locate", "train"):
        assert row["action"].rsplit(">", 1)[1].strip() in {grid_cell(c) for c in row["centroids"]}


def test_world_seeds_are_disjoint_from_evaluation_and_between_splits(perception_dir):
    reserved = evaluation_seeds()
    task = load_suite()[0]
    assert reserved[episode_seed(task, 3)] and reserved[task.seed + 5]
    train = set(load_perception(perception_dir, "point", "train")["world_seed"])
    test = set(load_perception(perception_dir, "point", "test")["world_seed"])
    assert train and test and not train & test and not (train | test) & set(reserved)


def test_a_seed_collision_is_an_error():
    seed = perception_seeds("train", 1, {})[0]
    with pytest.raises(ValueError, match="also the world of"):
        perception_seeds("train", 1, {seed: "mine_block:dirt evaluation episode 0"})


def test_bad_input_names_the_field(perception_dir):
    with pytest.raises(ValueError, match="object='oak_logg'"):
        check_object("oak_logg")
    assert check_object("cow") == "cow"
    with pytest.raises(ValueError, match="image must have dtype uint8"):
        checked_frame(np.zeros((48, 48, 3), np.float32), 48)
    with pytest.raises(ValueError, match="image must be 48x48"):
        checked_frame(np.zeros((32, 32, 3), np.uint8), 48)
    with pytest.raises(ValueError, match="image must have shape"):
        checked_frame(np.zeros((48, 48), np.uint8), 48)
    with pytest.raises(ValueError, match="config='colour' is not a perception config"):
        load_perception(perception_dir, "colour")


def test_cell_objects_name_each_cells_majority_and_leave_the_hud_out():
    from crossagent.datasets.perception import OBJECT_GRID, cell_objects
    from crossagent.sim.labels import CODES, ObjectMap, hud_mask

    codes = np.full((64, 64), CODES["grass_block"], np.int32)
    codes[0:3, 0:4] = CODES["oak_log"]  # 12 of the first cell's 16 pixels
    cells = cell_objects(ObjectMap(codes, np.zeros((64, 64), np.int64)))
    assert len(cells) == OBJECT_GRID**2 and cells[0] == "oak_log" and cells[1] == "grass_block"
    side = 64 // OBJECT_GRID
    covered = [
        k for k in range(OBJECT_GRID**2)
        if hud_mask(64, 64)[(k // OBJECT_GRID) * side : (k // OBJECT_GRID + 1) * side,
                            (k % OBJECT_GRID) * side : (k % OBJECT_GRID + 1) * side].all()
    ]  # fmt: skip
    assert covered and all(cells[k] == "" for k in covered)
    assert sum(name == "" for name in cells) == len(covered)
    with pytest.raises(ValueError, match="does not split into 16x16"):
        cell_objects(ObjectMap(codes[:60, :60], np.zeros((60, 60), np.int64)))


def test_world_rows_carry_cell_objects_and_gui_rows_none(perception_dir):
    point = load_perception(perception_dir, "point", "train")
    assert all(len(cells) == 256 for cells in point["cell_objects"])
    assert all(cells == [] for cells in load_perception(perception_dir, "gui", "train")["cell_objects"])
