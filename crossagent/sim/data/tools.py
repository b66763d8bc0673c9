"""Tool and combat facts of Minecraft 1.16.5 that minecraft-data does not carry (values from the game code).

Break speed multipliers per material come from minecraft-data's `materials` table (see blocks.py); the
tier table here is for reference and for tools whose material table is missing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ToolTier:
    """One tool material tier (ItemTier in the 1.16.5 code)."""

    level: int
    """Harvest level: 0 wood/gold, 1 stone, 2 iron, 3 diamond, 4 netherite."""
    speed: float
    """Break speed multiplier on blocks the tool is effective for."""
    uses: int
    """Durability."""
    attack_bonus: float
    """Attack damage bonus added to each tool kind's base damage."""


TOOL_TIERS: dict[str, ToolTier] = {
    "wooden": ToolTier(0, 2.0, 59, 0.0),
    "stone": ToolTier(1, 4.0, 131, 1.0),
    "iron": ToolTier(2, 6.0, 250, 2.0),
    "diamond": ToolTier(3, 8.0, 1561, 3.0),
    "golden": ToolTier(0, 12.0, 32, 0.0),
    "netherite": ToolTier(4, 9.0, 2031, 4.0),
}
TOOL_KINDS = ("sword", "pickaxe", "axe", "shovel", "hoe")

# Attack damage (half-hearts, including the player's 1 base damage) of each tool in 1.16.5.
ATTACK_DAMAGE: dict[str, float] = {
    "wooden_sword": 4, "stone_sword": 5, "iron_sword": 6, "golden_sword": 4, "diamond_sword": 7,
    "netherite_sword": 8,
    "wooden_axe": 7, "stone_axe": 9, "iron_axe": 9, "golden_axe": 7, "diamond_axe": 9, "netherite_axe": 10,
    "wooden_pickaxe": 2, "stone_pickaxe": 3, "iron_pickaxe": 4, "golden_pickaxe": 2, "diamond_pickaxe": 5,
    "netherite_pickaxe": 6,
    "wooden_shovel": 2.5, "stone_shovel": 3.5, "iron_shovel": 4.5, "golden_shovel": 2.5,
    "diamond_shovel": 5.5, "netherite_shovel": 6.5,
    "wooden_hoe": 1, "stone_hoe": 1, "iron_hoe": 1, "golden_hoe": 1, "diamond_hoe": 1, "netherite_hoe": 1,
    "trident": 9,
}  # fmt: skip
HAND_DAMAGE = 1.0

# Attacks per second at full charge (attack cooldown = 20 / speed ticks).
ATTACK_SPEED: dict[str, float] = {
    **{f"{t}_sword": 1.6 for t in TOOL_TIERS},
    **{f"{t}_pickaxe": 1.2 for t in TOOL_TIERS},
    **{f"{t}_shovel": 1.0 for t in TOOL_TIERS},
    "wooden_axe": 0.8, "stone_axe": 0.8, "iron_axe": 0.9, "golden_axe": 1.0, "diamond_axe": 1.0,
    "netherite_axe": 1.0,
    "wooden_hoe": 1.0, "stone_hoe": 2.0, "iron_hoe": 3.0, "golden_hoe": 1.0, "diamond_hoe": 4.0,
    "netherite_hoe": 4.0,
    "trident": 1.1,
}  # fmt: skip
HAND_ATTACK_SPEED = 4.0

BLOCK_REACH = 4.5
"""Survival block reach in blocks (from the eyes)."""
ENTITY_REACH = 3.0
"""Survival melee reach in blocks."""
TICKS_PER_SECOND = 20


def attack_damage(held_item: str | None) -> float:
    """Melee damage of one fully charged hit with `held_item` (None or "" = empty hand)."""
    if not held_item:
        return HAND_DAMAGE
    return float(ATTACK_DAMAGE.get(held_item, HAND_DAMAGE))


def attack_cooldown_ticks(held_item: str | None) -> int:
    """Ticks until the attack is fully charged again with `held_item`."""
    speed = ATTACK_SPEED.get(held_item or "", HAND_ATTACK_SPEED)
    return max(1, round(TICKS_PER_SECOND / speed))


def tool_tier(item: str | None) -> str | None:
    """The tier name of a tool item ('iron' for 'iron_pickaxe'), None for non-tools."""
    if not item or "_" not in item:
        return None
    tier, kind = item.split("_", 1)
    return tier if tier in TOOL_TIERS and kind in TOOL_KINDS else None
