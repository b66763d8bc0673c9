import collections

import pytest

from crossagent.tasks import (
    CATEGORIES,
    TRAIN_TASK_IDS,
    UnknownTaskError,
    get_task,
    load_suite,
    select_tasks,
)
from crossagent.tasks.generators import build_suite

# The paper's counts are 153 / 49 / 551 / 45 / 13; MineSim's data gives slightly different totals.
EXPECTED_RANGES = {
    "mine_block": (140, 165),
    "kill_entity": (45, 55),
    "craft_item": (530, 575),
    "smelt_item": (40, 50),
    "interact_block": (13, 13),
}


def test_suite_has_800_unique_ids_in_the_papers_proportions():
    tasks = load_suite()
    ids = [task.id for task in tasks]
    assert len(ids) == len(set(ids)) >= 800
    counts = collections.Counter(task.category for task in tasks)
    assert set(counts) == set(CATEGORIES)
    for category, (low, high) in EXPECTED_RANGES.items():
        assert low <= counts[category] <= high, (category, counts[category])
    for task in tasks:
        assert task.id == f"{task.category}:{task.target}"


def test_training_split_is_the_papers_30_tasks():
    train = select_tasks(split="train")
    assert sorted(task.id for task in train) == sorted(TRAIN_TASK_IDS)
    assert len(train) == 30
    by_category = collections.Counter(task.category for task in train)
    assert by_category == {"mine_block": 10, "kill_entity": 10, "craft_item": 7, "smelt_item": 3}
    assert all(task.split == "test" for task in load_suite() if task.id not in TRAIN_TASK_IDS)


def test_building_twice_gives_the_same_suite():
    assert build_suite() == load_suite()
    assert len(set(load_suite())) == len(load_suite())  # tasks are hashable (by id)


def test_get_task_and_unknown_ids_list_the_closest():
    task = get_task("mine_block:oak_log")
    assert task.target == "oak_log" and task.split == "train"
    with pytest.raises(UnknownTaskError) as raised:
        get_task("mine_block:oak_lg")
    message = str(raised.value)
    assert "mine_block:oak_lg" in message and "mine_block:oak_log" in message
    with pytest.raises(UnknownTaskError, match="unknown task id"):
        get_task("nothing like it at all")


def test_select_tasks_filters_by_pattern_category_and_split():
    crafts = select_tasks("craft_item:*")
    assert crafts and all(task.category == "craft_item" for task in crafts)
    assert select_tasks(category="craft_item") == crafts
    logs = select_tasks("mine_block:*_log", split="train")
    assert {task.target for task in logs} == {"oak_log", "birch_log"}
    assert select_tasks("no_such_category:*") == []
    with pytest.raises(ValueError, match="category"):
        select_tasks(category="mine")
    with pytest.raises(ValueError, match="split"):
        select_tasks(split="validation")


def test_success_is_the_first_matching_statistics_event():
    task = get_task("kill_entity:zombie")
    events = [
        (3, "mine_block", "zombie"),
        (7, "kill_entity", "cow"),
        (9, "kill_entity", "zombie"),
        (12, "kill_entity", "zombie"),
    ]
    assert task.success.first_tick(events) == 9
    assert task.is_success(events)
    assert not task.is_success(events[:2])


def test_budgets_cover_the_work():
    for task in load_suite():
        assert task.max_ticks >= 200
        if task.category == "mine_block":
            assert task.max_ticks >= 100 + task.hints["break_ticks"]
        if task.category == "smelt_item":
            assert task.max_ticks > task.hints["cook_ticks"]
    assert get_task("mine_block:obsidian").max_ticks > 200
    assert get_task("kill_entity:iron_golem").max_ticks > 200
