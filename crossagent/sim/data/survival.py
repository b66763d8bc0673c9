"""Player survival rules of Minecraft 1.16.5 (FoodStats, PlayerEntity) that minecraft-data lacks.

Health and food are in half-units (20 = ten hearts / ten drumsticks).
"""

from __future__ import annotations

MAX_HEALTH = 20.0
MAX_FOOD = 20
START_SATURATION = 5.0

# Exhaustion added per action; every 4.0 exhaustion removes 1 saturation, or 1 food when saturation is 0.
EXHAUSTION_PER_FOOD = 4.0
EXHAUSTION = {
    "sprint_per_block": 0.1,
    "swim_per_block": 0.01,
    "jump": 0.05,
    "sprint_jump": 0.2,
    "attack": 0.1,
    "damage_taken": 0.1,
    "break_block": 0.005,
    "heal": 6.0,  # natural regeneration of 1 health
}

# Natural regeneration: with food >= 18, heal 1 every 80 ticks (each costs `EXHAUSTION['heal']`);
# with full food and saturation left, heal every 10 ticks (saturation boost).
REGEN_FOOD_MIN = 18
REGEN_INTERVAL_TICKS = 80
SATURATED_REGEN_INTERVAL_TICKS = 10
# Starvation: with food 0, take 1 damage every 80 ticks (Normal difficulty stops at 1 health).
STARVE_INTERVAL_TICKS = 80
STARVE_MIN_HEALTH_NORMAL = 1.0
# Sprinting needs more than 6 food.
SPRINT_FOOD_MIN = 7
EAT_TICKS = 32
"""Ticks of holding use to eat most foods (dried kelp: 16)."""

FALL_DAMAGE_SAFE_BLOCKS = 3.0
"""Fall damage = ceil(fall distance - 3) health."""
INVULNERABLE_TICKS = 10
"""After a hit, further hits within this many ticks deal only the excess damage."""
