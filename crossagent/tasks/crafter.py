"""The Crafter task suite: its 22 achievements as tasks, with splits of their own, and the open-ended
`crafter:play` task Crafter's score is measured on.

    from crossagent.tasks.crafter import crafter_suite, play_task
    tasks = crafter_suite(split="in_domain")

A task succeeds at the step its achievement is first unlocked (the env's `("achievement", name)`
event). Splits mirror the MineSim suite's: `in_domain` (the RL tasks: early, frequent achievements),
`ood_seen` (in the scripted SFT data, not in RL) and `ood_unseen` (achievements deep in the tech tree or
rare, in no action data).
"""

from __future__ import annotations

from crossagent.tasks.seeding import task_seed
from crossagent.tasks.task import SuccessEvent, Task

ACHIEVEMENTS: tuple[str, ...] = (
    "collect_coal", "collect_diamond", "collect_drink", "collect_iron", "collect_sapling", "collect_stone",
    "collect_wood", "defeat_skeleton", "defeat_zombie", "eat_cow", "eat_plant", "make_iron_pickaxe",
    "make_iron_sword", "make_stone_pickaxe", "make_stone_sword", "make_wood_pickaxe", "make_wood_sword",
    "place_furnace", "place_plant", "place_stone", "place_table", "wake_up",
)  # fmt: skip
"""Crafter 1.8.3's 22 achievements, in its order (crafter/data.yaml `achievements`)."""

CRAFTER_SPLITS: dict[str, tuple[str, ...]] = {
    "in_domain": ("collect_wood", "place_table", "make_wood_pickaxe", "collect_sapling", "place_plant",
                  "collect_drink", "eat_cow", "defeat_zombie", "wake_up", "collect_stone"),
    "ood_seen": ("make_wood_sword", "place_stone", "make_stone_pickaxe", "make_stone_sword", "collect_coal",
                 "place_furnace"),
    "ood_unseen": ("collect_iron", "make_iron_pickaxe", "make_iron_sword", "collect_diamond", "defeat_skeleton",
                   "eat_plant"),
}  # fmt: skip
"""Split -> achievements; every achievement in exactly one."""
SPLIT_OF = {name: split for split, names in CRAFTER_SPLITS.items() for name in names}

DEFAULT_CRAFTER_TICKS = 1000
"""Step budget of an achievement task (one Crafter day-night cycle is 300 steps)."""
CRAFTER_EPISODE_LENGTH = 10000
"""Crafter's own episode length: the budget of `crafter:play`, the score's protocol."""
PLAY_TASK_ID = "crafter:play"


def achievement_task(name: str, max_ticks: int = DEFAULT_CRAFTER_TICKS) -> Task:
    """The task of unlocking one achievement."""
    if name not in SPLIT_OF:
        raise ValueError(f"unknown Crafter achievement {name!r}; one of {', '.join(ACHIEVEMENTS)}")
    verb, _, target = name.partition("_")
    words = name.replace("_", " ")
    return Task(
        id=f"crafter:{name}",
        category=verb,
        target=target,
        instructions=(words, f"unlock the {words} achievement"),
        split=SPLIT_OF[name],
        seed=task_seed(f"crafter:{name}"),
        scene={},
        max_ticks=max_ticks,
        success=SuccessEvent("achievement", name),
    )


def crafter_suite(split: str | None = None, max_ticks: int = DEFAULT_CRAFTER_TICKS) -> list[Task]:
    """The 22 achievement tasks (of one split when given), in Crafter's order."""
    if split is not None and split not in CRAFTER_SPLITS:
        raise ValueError(f"Crafter split {split!r}: use one of {', '.join(CRAFTER_SPLITS)}")
    return [
        achievement_task(name, max_ticks) for name in ACHIEVEMENTS if split is None or SPLIT_OF[name] == split
    ]


def play_task(max_ticks: int = CRAFTER_EPISODE_LENGTH) -> Task:
    """Crafter's own episode: survive and unlock what you can; no success event ends it (death or the
    budget does). The score is computed from the achievements each episode unlocked."""
    return Task(
        id=PLAY_TASK_ID,
        category="play",
        target="all",
        instructions=("survive and unlock as many achievements as you can",),
        split="in_domain",
        seed=task_seed(PLAY_TASK_ID),
        scene={},
        max_ticks=max_ticks,
        success=SuccessEvent("achievement", "<none>"),
    )
