"""Minecraft 1.16.5 facts for MineSim: blocks, items, recipes, mobs (minecraft-data plus small tables)."""

from crossagent.sim.data.blocks import (
    AIR,
    BLOCK_IDS,
    BLOCKS,
    BLOCKS_BY_NAME,
    INTERACTABLE_BLOCKS,
    UNBREAKABLE,
    BlockInfo,
    block_drops,
    block_id,
    block_info,
    break_seconds,
    break_ticks,
    can_harvest,
    dig_speed,
)
from crossagent.sim.data.items import FOODS, ITEMS, ITEMS_BY_ID, FoodInfo, ItemInfo, item_info, stack_size
from crossagent.sim.data.mobs import HOSTILE_MOBS, MOBS, PASSIVE_MOBS, MobInfo, mob_drops, mob_info
from crossagent.sim.data.source import MC_VERSION
from crossagent.sim.data.tools import (
    BLOCK_REACH,
    ENTITY_REACH,
    TICKS_PER_SECOND,
    TOOL_TIERS,
    attack_cooldown_ticks,
    attack_damage,
    tool_tier,
)

__all__ = [
    "AIR", "BLOCKS", "BLOCKS_BY_NAME", "BLOCK_IDS", "BLOCK_REACH", "ENTITY_REACH", "FOODS", "HOSTILE_MOBS",
    "INTERACTABLE_BLOCKS", "ITEMS", "ITEMS_BY_ID", "MC_VERSION", "MOBS", "PASSIVE_MOBS", "TICKS_PER_SECOND",
    "TOOL_TIERS", "UNBREAKABLE", "BlockInfo", "FoodInfo", "ItemInfo", "MobInfo", "attack_cooldown_ticks",
    "attack_damage", "block_drops", "block_id", "block_info", "break_seconds", "break_ticks", "can_harvest",
    "dig_speed", "item_info", "mob_drops", "mob_info", "stack_size", "tool_tier",
]  # fmt: skip
