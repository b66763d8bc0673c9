"""The text the project tokenizer is trained on: Minecraft names, instructions and action texts.

Everything is generated offline from minecraft-data 1.16.5 and the action grammar, with a fixed seed,
so the same tokenizer comes out on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import minecraft_data

from modeling_crossagent.action_spaces import (
    ACTION_SPACES,
    BUTTONS,
    GROUNDING_VERBS,
    MOTION_GROUPS,
    NAME_RE,
    NUM_LATENT_CODES,
    POINT_MAX,
    SKILL_VERBS,
    Action,
    GroundingAction,
    LatentAction,
    MotionAction,
    RawAction,
    SkillAction,
    format_action,
)
from modeling_crossagent.processing_crossagent import system_text

MINECRAFT_VERSION = "1.16.5"

INSTRUCTION_TEMPLATES: tuple[str, ...] = (
    "mine {block}",
    "Mine a {block_display} block.",
    "obtain {item}",
    "craft {item}",
    "Craft a {item_display}.",
    "smelt {item}",
    "kill {entity}",
    "Kill the {entity_display}.",
    "hunt a {entity_display}",
    "use the {block_display}",
    "interact with {block}",
    "collect {item_display}",
)
"""Instruction shapes of the task suite (ids like mine_block:oak_log also appear in the corpus)."""


def minecraft_names() -> dict[str, list[tuple[str, str]]]:
    """(name, displayName) of every block, item and entity of Minecraft 1.16.5."""
    data = minecraft_data(MINECRAFT_VERSION)
    return {
        "block": [(b["name"], b["displayName"]) for b in data.blocks_list],
        "item": [(i["name"], i["displayName"]) for i in data.items_list],
        "entity": [(e["name"], e["displayName"]) for e in data.entities_list],
    }


def random_action(rng: random.Random, space: str, targets: list[str]) -> Action:
    """A random valid action of one space (the grammar's own dataclasses, so texts are canonical)."""
    if space == "raw":
        buttons = rng.sample(BUTTONS, rng.choice([0, 1, 1, 2, 3]))
        move = rng.random() < 0.7
        return RawAction(
            frozenset(buttons), rng.randint(-120, 120) if move else 0, rng.randint(-60, 60) if move else 0
        )
    if space == "motion":
        groups = sorted(rng.sample(range(len(MOTION_GROUPS)), rng.randint(1, 3)))
        return MotionAction(tuple(rng.choice(MOTION_GROUPS[g]) for g in groups))
    if space == "grounding":
        point = (rng.randint(0, POINT_MAX), rng.randint(0, POINT_MAX))
        return GroundingAction(rng.choice(GROUNDING_VERBS), rng.choice(targets), point)
    if space == "skill":
        return SkillAction(rng.choice(SKILL_VERBS), rng.choice(targets))
    return LatentAction(rng.randrange(NUM_LATENT_CODES))


def corpus(seed: int = 0, actions_per_space: int = 3000) -> Iterator[str]:
    """The whole training text for the tokenizer, one line per yield."""
    rng = random.Random(seed)
    names = minecraft_names()
    # The prompt's fixed words, weighted so they merge into few tokens.
    for _ in range(50):
        yield system_text(ACTION_SPACES)
        yield "Instruction: \nPrevious actions:\n"
    for kind, pairs in names.items():
        for name, display in pairs:
            yield f"{name} {display}"
            yield f"{kind} {name}"
    for template in INSTRUCTION_TEMPLATES:
        for _ in range(400):
            block, item, entity = (rng.choice(names[k]) for k in ("block", "item", "entity"))
            yield template.format(
                block=block[0],
                block_display=block[1],
                item=item[0],
                item_display=item[1],
                entity=entity[0],
                entity_display=entity[1],
            )
    targets = [n for kind in ("block", "item", "entity") for n, _ in names[kind] if NAME_RE.fullmatch(n)]
    for _ in range(actions_per_space):
        for space in ACTION_SPACES:
            yield format_action(random_action(rng, space, targets))
