"""The three evaluation splits: in_domain is the paper's 30, ood_unseen is large and named by no action."""

import collections
import dataclasses

from crossagent.tasks import CATEGORIES, IN_DOMAIN, OOD_SEEN, OOD_UNSEEN, TRAIN_TASK_IDS, load_suite
from crossagent.tasks.splits import action_names, assign_splits, unseen_targets


def test_ood_unseen_holds_at_least_a_fifth_of_every_category():
    tasks = load_suite()
    for category in CATEGORIES:
        members = [t for t in tasks if t.category == category]
        unseen = sum(t.split == OOD_UNSEEN for t in members)
        assert unseen >= 0.2 * len(members), category
    assert sum(t.split == OOD_UNSEEN for t in tasks) >= 0.2 * len(tasks)


def test_no_task_outside_ood_unseen_has_actions_that_name_an_unseen_target():
    tasks = load_suite()
    unseen = {t.target for t in tasks if t.split == OOD_UNSEEN}
    for task in tasks:
        if task.split != OOD_UNSEEN:
            assert not action_names(task) & unseen, task.id
    # a target is unseen in every category it occurs in
    assert all(t.split == OOD_UNSEEN for t in tasks if t.target in unseen)


def test_in_domain_is_the_papers_30_tasks_and_seen_is_the_rest():
    tasks = load_suite()
    assert sorted(t.id for t in tasks if t.split == IN_DOMAIN) == sorted(TRAIN_TASK_IDS)
    counts = collections.Counter(t.split for t in tasks)
    assert counts[OOD_SEEN] == len(tasks) - 30 - counts[OOD_UNSEEN]


def test_the_choice_is_deterministic_and_grows_with_the_share():
    tasks = load_suite()
    provisional = [t if t.split != OOD_UNSEEN else dataclasses.replace(t, split=OOD_SEEN) for t in tasks]
    assert assign_splits(provisional) == tasks
    small, large = unseen_targets(provisional, 0.1), unseen_targets(provisional, 0.4)
    assert small < large  # the same hash order: a larger share only adds targets
