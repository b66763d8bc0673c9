import collections
from pathlib import Path

import pytest

from crossagent.tasks import (
    CATEGORIES,
    SPLITS,
    TRAIN_TASK_IDS,
    UnknownTaskError,
    get_task,
    load_suite,
    select_tasks,
)
from crossagent.tasks.generators import build_suite

# The counts docs/tasks.md and the README state (the paper's: 153 / 49 / 551 / 45 / 13, 801 in all).
EXPECTED_COUNTS = {
    "mine_block": 153,
    "kill_entity": 49,
    "craft_item": 562,
    "smelt_item": 45,
    "interact_block": 13,
}
EXPECTED_TOTAL = 822


def test_suite_has_the_documented_counts_of_unique_ids():
    tasks = load_suite()
    ids = [task.id for task in tasks]
    assert len(ids) == len(set(ids)) == EXPECTED_TOTAL == sum(EXPECTED_COUNTS.values())
    assert set(CATEGORIES) == set(EXPECTED_COUNTS)
    assert collections.Counter(task.category for task in tasks) == EXPECTED_COUNTS
    splits = collections.Counter((task.category, task.split) for task in tasks)
    assert {c: splits[(c, "ood_unseen")] for c in CATEGORIES} == {"mine_block": 40, "kill_entity": 13,
                          "craft_item": 141, "smelt_item": 12, "interact_block": 5}  # fmt: skip
    assert sum(splits[(c, "ood_seen")] for c in CATEGORIES) == EXPECTED_TOTAL - 30 - 211
    # craft scenes: the 2x2 inventory grid open (181) or a crafting table open (381)
    guis = collections.Counter(task.scene["open_gui"] for task in tasks if task.category == "craft_item")
    assert guis == {"inventory": 181, "crafting_table": 381}
    for task in tasks:
        assert task.id == f"{task.category}:{task.target}"


def test_the_docs_state_the_counts_the_suite_has():
    root = Path(__file__).resolve().parents[3]
    rows = {}  # docs/tasks.md's suite table: category -> (in_domain, ood_seen, ood_unseen, total)
    for line in (root / "docs" / "tasks.md").read_text().splitlines():
        cells = [c.strip().strip("*") for c in line.strip("|").split("|")]
        if cells[0] in (*CATEGORIES, "all") and cells[0] not in rows:
            rows[cells[0]] = tuple(int(c) for c in cells[1:5])
    tasks = load_suite()
    for name in (*CATEGORIES, "all"):
        members = [t for t in tasks if name in ("all", t.category)]
        counts = tuple(sum(t.split == split for t in members) for split in SPLITS)
        assert rows[name] == (*counts, len(members)), name
    assert f"the {EXPECTED_TOTAL}-task suite" in (root / "README.md").read_text()


def test_training_split_is_the_papers_30_tasks():
    train = select_tasks(split="in_domain")
    assert sorted(task.id for task in train) == sorted(TRAIN_TASK_IDS)
    assert len(train) == 30
    by_category = collections.Counter(task.category for task in train)
    assert by_category == {"mine_block": 10, "kill_entity": 10, "craft_item": 7, "smelt_item": 3}
    assert all(task.split != "in_domain" for task in load_suite() if task.id not in TRAIN_TASK_IDS)


def test_building_twice_gives_the_same_suite():
    assert build_suite() == load_suite()
    assert len(set(load_suite())) == len(load_suite())  # tasks are hashable (by id)


def test_get_task_and_unknown_ids_list_the_closest():
    task = get_task("mine_block:oak_log")
    assert task.target == "oak_log" and task.split == "in_domain"
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
    logs = select_tasks("mine_block:*_log", split="in_domain")
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
