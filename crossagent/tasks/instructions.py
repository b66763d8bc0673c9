"""Instruction paraphrases: several templates per category, filled with the target's display name.

Each task gets `PARAPHRASES_PER_TASK` distinct paraphrases, picked and ordered by the task's own rng, so
the wording varies across tasks but never between builds.
"""

from __future__ import annotations

import functools
import random

import minecraft_data

from crossagent.tasks.task import CRAFT_ITEM, INTERACT_BLOCK, KILL_ENTITY, MINE_BLOCK, SMELT_ITEM

PARAPHRASES_PER_TASK = 4

TEMPLATES: dict[str, tuple[str, ...]] = {
    MINE_BLOCK: (
        "Mine the {name}.",
        "Break the {name} block.",
        "Dig up the {name} in front of you.",
        "Find the {name} nearby and mine it.",
        "Use your tool to break a block of {name}.",
        "Harvest the {name}.",
        "Go to the {name} and break it.",
        "Collect the {name} by mining it.",
    ),
    KILL_ENTITY: (
        "Kill the {name}.",
        "Attack the {name} until it dies.",
        "Hunt down the {name} nearby.",
        "Slay the {name} with your weapon.",
        "Find the {name} and defeat it.",
        "Take out the {name}.",
        "Fight and kill {a_name}.",
    ),
    CRAFT_ITEM: (
        "Craft {a_name}.",
        "Make {a_name} from the items in your inventory.",
        "Use the crafting grid to craft {a_name}.",
        "Put the ingredients in the grid and take out {a_name}.",
        "Create {a_name} by crafting.",
        "Craft {a_name} with what you have.",
        "Assemble {a_name} in the crafting grid.",
    ),
    SMELT_ITEM: (
        "Smelt {a_name}.",
        "Use the furnace to make {a_name}.",
        "Cook the input in the furnace and take out the {name}.",
        "Put the input and fuel in the furnace to get {a_name}.",
        "Obtain {a_name} by smelting.",
        "Make {a_name} with the open furnace.",
    ),
    INTERACT_BLOCK: (
        "Interact with the {name}.",
        "Use the {name} in front of you.",
        "Right-click the {name}.",
        "Open the {name}.",
        "Go to the {name} and use it.",
        "Activate the {name}.",
    ),
}

MASS_NOUNS = frozenset(
    {"paper", "sugar", "bread", "glass", "bone meal", "redstone", "gunpowder", "charcoal", "coal"}
)
"""Names that take no article ("Craft paper.")."""

# Logs and plants read better with their own verbs; these replace the first mining templates.
_MINE_VERBS = {
    "_log": "Chop down the {name}.",
    "_wood": "Chop down the {name}.",
    "_leaves": "Cut the {name}.",
}


_TABLE_ORDER = {
    KILL_ENTITY: ("entities_list",),
    MINE_BLOCK: ("blocks_list", "items_list"),
    INTERACT_BLOCK: ("blocks_list", "items_list"),
    CRAFT_ITEM: ("items_list", "blocks_list"),
    SMELT_ITEM: ("items_list", "blocks_list"),
}
"""Where a category's target is named: the salmon mob is "salmon", the salmon item "raw salmon"."""


@functools.cache
def _display_names(category: str) -> dict[str, str]:
    data = minecraft_data("1.16.5")
    names: dict[str, str] = {}
    for table in reversed(_TABLE_ORDER[category]):
        names.update({entry["name"]: entry["displayName"] for entry in getattr(data, table)})
    return names


def display_name(name: str, category: str = CRAFT_ITEM) -> str:
    """The in-game display name in lower case (`oak_log` -> `oak log`), from minecraft-data 1.16.5."""
    return _display_names(category).get(name, name.replace("_", " ")).lower()


def paraphrases(
    category: str, target: str, rng: random.Random, n: int = PARAPHRASES_PER_TASK
) -> tuple[str, ...]:
    """`n` distinct instructions for one task, the canonical one first."""
    if category not in TEMPLATES:
        raise ValueError(
            f"category {category!r} has no instruction templates; use one of {sorted(TEMPLATES)}"
        )
    templates = list(TEMPLATES[category])
    if category == MINE_BLOCK:
        special = next((t for suffix, t in _MINE_VERBS.items() if target.endswith(suffix)), None)
        if special:
            templates.insert(0, special)
    canonical, rest = templates[0], templates[1:]
    chosen = [canonical, *rng.sample(rest, min(n - 1, len(rest)))]
    name = display_name(target, category)
    return tuple(t.format(name=name, a_name=with_article(name)) for t in chosen)


def with_article(name: str) -> str:
    """`a stone pickaxe`, `an iron ingot`; no article for plurals and masses (`oak planks`)."""
    if name in MASS_NOUNS or (name.endswith("s") and not name.endswith(("ss", "us"))):
        return name
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"
