"""The training split: the paper's 30 multi-turn RL tasks (CrossAgent STRL `task_list.json`).

Every other task of the suite is out of domain (split "test"). The paper names its three smelting tasks
`craft_item:*`; here they live in the smelt_item category, so their ids are `smelt_item:*`.
"""

from __future__ import annotations

TRAIN_MINE = (
    "crafting_table",
    "sugar_cane",
    "hay_block",
    "oak_log",
    "grass_block",
    "sand",
    "dirt",
    "oak_leaves",
    "birch_log",
    "chest",
)
TRAIN_CRAFT = (
    "honeycomb_block",
    "sea_lantern",
    "paper",
    "enchanting_table",
    "emerald",
    "arrow",
    "shulker_box",
)
TRAIN_SMELT = ("netherite_scrap", "cooked_salmon", "cooked_cod")
TRAIN_KILL = (
    "salmon",
    "parrot",
    "sheep",
    "zombie",
    "cod",
    "chicken",
    "iron_golem",
    "slime",
    "villager",
    "cow",
)

TRAIN_TASK_IDS: tuple[str, ...] = (
    *(f"mine_block:{name}" for name in TRAIN_MINE),
    *(f"craft_item:{name}" for name in TRAIN_CRAFT),
    *(f"smelt_item:{name}" for name in TRAIN_SMELT),
    *(f"kill_entity:{name}" for name in TRAIN_KILL),
)

TRAIN = "train"
TEST = "test"
SPLITS = (TRAIN, TEST)


def split_of(task_id: str) -> str:
    """ "train" for the paper's 30 RL tasks, "test" (out of domain) for every other task."""
    return TRAIN if task_id in TRAIN_TASK_IDS else TEST
