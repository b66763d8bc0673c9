"""Mobs of Minecraft 1.16.5: size from minecraft-data, health/damage/speed from the game (table below)."""

from __future__ import annotations

from dataclasses import dataclass

from crossagent.sim.data import loot
from crossagent.sim.data.colors import RGB, color_for
from crossagent.sim.data.source import lookup, mc


@dataclass(frozen=True)
class MobInfo:
    """One mob type."""

    name: str
    """Entity name, e.g. 'zombie'."""
    health: float
    """Max health in half-hearts (generic.max_health)."""
    damage: float
    """Melee damage per hit on Normal difficulty (0 = does not attack)."""
    hostile: bool
    """Attacks the player on sight (category 'hostile')."""
    speed: float
    """Walking speed in blocks/s (see `movement_speed`)."""
    width: float
    """Bounding box width in blocks."""
    height: float
    """Bounding box height in blocks."""
    color: RGB
    """Render colour."""
    drops: tuple[loot.Drop, ...]
    """Loot rolled when a player kills it (no looting)."""
    movement_speed: float = 0.0
    """generic.movement_speed attribute; mob walking speed is about 43.5 * attribute^2 blocks/s
    (the game feeds the attribute both as the input and the acceleration factor)."""
    id: int = 0
    """minecraft-data entity id."""
    category: str = "passive"
    """'passive', 'neutral' (attacks only when provoked: wolf, enderman, ...) or 'hostile'."""


# name: (max health, Normal-difficulty melee damage, hostile, movement_speed attribute)
NEUTRAL_MOBS = frozenset(
    ["wolf", "polar_bear", "panda", "bee", "iron_golem", "dolphin", "llama", "enderman"]
)  # fmt: skip
MOB_STATS: dict[str, tuple[float, float, bool, float]] = {
    # passive and neutral
    "cow": (10, 0, False, 0.2), "mooshroom": (10, 0, False, 0.2), "pig": (10, 0, False, 0.25),
    "sheep": (8, 0, False, 0.23), "chicken": (4, 0, False, 0.25), "rabbit": (3, 0, False, 0.3),
    "horse": (22, 0, False, 0.225), "donkey": (22, 0, False, 0.175), "mule": (22, 0, False, 0.175),
    "llama": (22, 1, False, 0.175), "cat": (10, 3, False, 0.3), "ocelot": (10, 3, False, 0.3),
    "wolf": (8, 4, False, 0.3), "fox": (10, 2, False, 0.3), "polar_bear": (30, 6, False, 0.25),
    "panda": (20, 6, False, 0.15), "parrot": (6, 0, False, 0.2), "bat": (6, 0, False, 0.1),
    "squid": (10, 0, False, 0.2), "cod": (3, 0, False, 0.2), "salmon": (3, 0, False, 0.2),
    "tropical_fish": (3, 0, False, 0.2), "pufferfish": (3, 0, False, 0.2), "turtle": (30, 0, False, 0.25),
    "dolphin": (10, 3, False, 0.25), "bee": (10, 2, False, 0.3), "villager": (20, 0, False, 0.25),
    "wandering_trader": (20, 0, False, 0.25), "iron_golem": (100, 14, False, 0.25),
    "snow_golem": (4, 0, False, 0.2),
    # hostile
    "zombie": (20, 3, True, 0.23), "husk": (20, 3, True, 0.23), "drowned": (20, 3, True, 0.23),
    "zombie_villager": (20, 3, True, 0.23), "skeleton": (20, 4, True, 0.25), "stray": (20, 4, True, 0.25),
    "creeper": (20, 43, True, 0.25), "spider": (16, 2, True, 0.3), "cave_spider": (12, 2, True, 0.3),
    "enderman": (40, 7, False, 0.3), "witch": (26, 6, True, 0.25), "slime": (16, 4, True, 0.4),
    "silverfish": (8, 1, True, 0.25), "phantom": (20, 2, True, 0.3), "pillager": (24, 4, True, 0.35),
    "vindicator": (24, 13, True, 0.35), "evoker": (24, 6, True, 0.3), "ravager": (100, 12, True, 0.3),
    "guardian": (30, 6, True, 0.25), "endermite": (8, 2, True, 0.25),
}  # fmt: skip
"""Overworld mobs. Damage: creeper = point-blank explosion, skeleton/pillager = arrow, witch = potion."""


def _build() -> dict[str, MobInfo]:
    entities = mc().entities_name
    mobs = {}
    for name, (health, damage, hostile, attr) in MOB_STATS.items():
        raw = entities[name]
        drops = loot.ENTITY_LOOT_FIXES.get(name)
        if drops is None:
            drops = loot.from_minecraft_data(mc().entityLoot.get(name, []))
        mobs[name] = MobInfo(
            name=name,
            health=float(health),
            damage=float(damage),
            hostile=hostile,
            speed=round(43.5 * attr * attr, 3),
            width=float(raw["width"]),
            height=float(raw["height"]),
            color=color_for(name),
            drops=tuple(drops),
            movement_speed=attr,
            id=int(raw["id"]),
            category="hostile" if hostile else "neutral" if name in NEUTRAL_MOBS else "passive",
        )
    return mobs


MOBS: dict[str, MobInfo] = _build()
"""Overworld mobs by name."""
HOSTILE_MOBS = tuple(name for name, info in MOBS.items() if info.hostile)
PASSIVE_MOBS = tuple(name for name, info in MOBS.items() if info.category == "passive")


def mob_info(name: str) -> MobInfo:
    """The mob called `name`; ValueError naming it (with close names) if there is none."""
    return lookup(MOBS, name, "mob")


def mob_drops(name: str, rng: loot.Rng) -> list[tuple[str, int]]:
    """Items a mob drops when the player kills it (rng: numpy Generator or random.Random)."""
    return loot.roll(list(mob_info(name).drops), rng)
