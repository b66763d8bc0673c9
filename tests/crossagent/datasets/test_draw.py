"""How the data is drawn: splits it may use, episodes per task, worlds apart from the evaluation's."""

import collections

import pytest

from crossagent.datasets.build import build_mixed
from crossagent.datasets.config import MixedBuildConfig
from crossagent.datasets.draw import (
    allocate_episodes,
    check_no_unseen_targets,
    data_worlds,
    select_build_tasks,
)
from crossagent.datasets.schema import LabelError
from crossagent.rollout.records import episode_seed
from crossagent.tasks import OOD_UNSEEN, get_task, load_suite


def test_a_broad_draw_covers_every_seen_task_and_no_unseen_one():
    config = MixedBuildConfig(episodes_per_task=6, category_episodes=100)
    tasks = select_build_tasks(config)
    assert {t.split for t in tasks} == {"in_domain", "ood_seen"}
    assert len(tasks) == sum(t.split != OOD_UNSEEN for t in load_suite())
    counts = allocate_episodes(tasks, config)
    assert all(counts[t.id] == 6 for t in tasks if t.split == "in_domain")
    per_category = collections.Counter()
    for task in tasks:
        assert 1 <= counts[task.id] <= 6
        if task.split == "ood_seen":
            per_category[task.category] += counts[task.id]
    # a category shares its budget (kill: 26 tasks), unless its tasks are too few or too many (mine: 103)
    assert per_category["kill_entity"] == per_category["smelt_item"] == 100
    assert per_category["mine_block"] == 103
    assert per_category["interact_block"] == 8 * 6  # 8 tasks at the per-task cap
    assert per_category["craft_item"] == 414  # every craft target at least once


def test_asking_for_unseen_tasks_fails_before_any_episode():
    with pytest.raises(ValueError, match=r"task_splits=.*ood_unseen.*no action data"):
        MixedBuildConfig(task_splits="in_domain,ood_unseen")
    unseen = next(t.id for t in load_suite() if t.split == OOD_UNSEEN)
    with pytest.raises(ValueError, match=f"{unseen} is an ood_unseen task"):
        select_build_tasks(MixedBuildConfig(tasks=f"mine_block:oak_log,{unseen}"))


def test_data_worlds_never_replay_an_evaluation_world():
    task = get_task("mine_block:oak_log")
    worlds = data_worlds(task, 4, MixedBuildConfig())
    assert worlds == [1, 2, 3, 4]
    evaluation = {episode_seed(task, k) for k in range(64)}
    assert not {task.scene["seed"] + w for w in worlds} & evaluation
    with pytest.raises(ValueError, match=r"first_world=0: .*evaluation episode 0"):
        data_worlds(task, 4, MixedBuildConfig(first_world=0))


def test_a_row_naming_an_unseen_target_fails_the_check(built):
    folder, _ = built
    import datasets

    rows = datasets.load_dataset(str(folder), split="train").remove_columns(["image"]).to_list()
    assert check_no_unseen_targets(rows, "test") == len(rows)
    unseen = sorted(t.target for t in load_suite() if t.split == OOD_UNSEEN and t.category == "mine_block")[0]
    grounding = (
        "<|grounding|>Mine <|object_ref_start|>{}<|object_ref_end|><|point_start|>(500,500)<|point_end|>"
    )
    for planted in (
        {**rows[0], "action": grounding.format(unseen)},
        {**rows[0], "action": f"<|skill|>mine {unseen}"},
        {**rows[0], "history": [f"<|skill|>mine {unseen}"]},
        {**rows[0], "task_id": f"mine_block:{unseen}"},
    ):
        with pytest.raises(LabelError, match=f"names \\['{unseen}'\\], ood_unseen"):
            check_no_unseen_targets([*rows, planted], "test")


def test_a_task_the_expert_cannot_solve_fails_the_build(tmp_path):
    # The expert fails kill_entity:creeper on data worlds 1 and 2 (seen in the tiny main job's build).
    config = MixedBuildConfig(tasks="kill_entity:creeper", episodes_per_task=2, workers=1, num_codes=4)
    with pytest.raises(ValueError, match=r"solved none of the episodes of 1 task\(s\): kill_entity:creeper"):
        build_mixed(config, tmp_path / "mixed", progress=False)
    assert not (tmp_path / "mixed").exists()  # nothing half-written
