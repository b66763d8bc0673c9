"""The text the project tokenizer is trained on: Minecraft names, instructions and action texts.

Everything is generated offline from minecraft-data 1.16.5 and the action grammar, with a fixed seed,
so the same tokenizer comes out on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import minecraft_data

from modeling_crossagent.action_spaces import ACTION_SPACES, GROUNDING_TOKENS, SPACE_TOKENS
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

RAW_KEYS: tuple[str, ...] = (
    *("w", "s", "a", "d", "space", "left.shift", "left.control", "e", "q", "escape"),
    *(str(i) for i in range(1, 10)),
)
MOTION_PHRASES: tuple[str, ...] = (
    "move forward",
    "move backward",
    "move left",
    "move right",
    "jump",
    "sneak",
    "sprint",
    "turn left",
    "turn right",
    "look up",
    "look down",
    "attack",
    "use",
    "no_op",
)
SKILL_VERBS: tuple[str, ...] = ("mine", "kill", "approach", "craft", "smelt", "use", "place", "collect")
GROUNDING_VERBS: tuple[str, ...] = ("Mine", "Kill", "Approach", "Use", "Interact with", "Attack")


def minecraft_names() -> dict[str, list[tuple[str, str]]]:
    """(name, displayName) of every block, item and entity of Minecraft 1.16.5."""
    data = minecraft_data(MINECRAFT_VERSION)
    return {
        "block": [(b["name"], b["displayName"]) for b in data.blocks_list],
        "item": [(i["name"], i["displayName"]) for i in data.items_list],
        "entity": [(e["name"], e["displayName"]) for e in data.entities_list],
    }


def raw_action_text(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return "no_op"
    parts = []
    if rng.random() < 0.7:
        parts.append(f"move({rng.randint(-120, 120)},{rng.randint(-60, 60)})")
    if rng.random() < 0.6:
        parts.append(f"press({','.join(rng.sample(RAW_KEYS, rng.randint(1, 3)))})")
    if rng.random() < 0.4:
        parts.append(f"click({rng.choice(['left', 'right'])})")
    return " and ".join(parts) or "no_op"


def action_texts(rng: random.Random, names: dict[str, list[tuple[str, str]]], count: int) -> Iterator[str]:
    """`count` example actions of every space, bodies drawn from the grammar of DESIGN.md."""
    targets = [n for kind in ("block", "item", "entity") for n, _ in names[kind]]
    ref_start, ref_end, point_start, point_end = GROUNDING_TOKENS
    for _ in range(count):
        yield SPACE_TOKENS["raw"] + raw_action_text(rng)
        yield SPACE_TOKENS["motion"] + ", ".join(rng.sample(MOTION_PHRASES, rng.randint(1, 3)))
        point = f"({rng.randint(0, 1000)},{rng.randint(0, 1000)})"
        yield (
            f"{SPACE_TOKENS['grounding']}{rng.choice(GROUNDING_VERBS)} {ref_start}{rng.choice(targets)}{ref_end}"
            f"{point_start}{point}{point_end}"
        )
        yield f"{SPACE_TOKENS['skill']}{rng.choice(SKILL_VERBS)} {rng.choice(targets)}"


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
    yield from action_texts(rng, names, actions_per_space)
