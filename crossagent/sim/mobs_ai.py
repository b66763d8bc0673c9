"""Mobs as boxes with simple Minecraft-like behaviour: passive mobs wander and panic when hit,
hostile mobs chase a player within 16 blocks and hit in melee; all fall, collide and are knocked back.

State is a struct of numpy arrays (so `get_state` stores it in the npz archive as is). Stats (health,
damage, speed, size, colour, drops) come from the data layer's `MOBS`. Simplifications, declared:
ranged and exploding mobs (skeleton, creeper, witch) hit in melee with their listed damage; mobs do
not burn in daylight, swim, or push each other.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from crossagent.sim.data.mobs import MOBS
from crossagent.sim.lookup import BLOCK_SOLID
from crossagent.sim.physics import move_box

MOB_NAMES: tuple[str, ...] = tuple(sorted(MOBS))
"""Index of each mob kind in `Mobs.kind`."""
MOB_INDEX = {name: i for i, name in enumerate(MOB_NAMES)}
MOB_HALF_WIDTH = np.array([MOBS[n].width / 2 for n in MOB_NAMES])
MOB_HEIGHT = np.array([MOBS[n].height for n in MOB_NAMES])
MOB_RGB = np.array([MOBS[n].color for n in MOB_NAMES], np.float64)
MOB_BOX_OFFSETS = np.stack(
    [-MOB_HALF_WIDTH, 0 * MOB_HEIGHT, -MOB_HALF_WIDTH, MOB_HALF_WIDTH, MOB_HEIGHT, MOB_HALF_WIDTH], axis=1
)
"""Per kind, the AABB (x0, y0, z0, x1, y1, z1) relative to the feet position (twice)."""

CHASE_RANGE = 16.0
ATTACK_INTERVAL = 20
"""Ticks between two melee hits of one mob (Minecraft's melee goal)."""
HURT_TICKS = 10
"""Invulnerability after a hit (Minecraft: 10 ticks)."""
PANIC_TICKS = 60
PANIC_SPEED = 2.0
"""Passive mobs flee at twice their walking speed when hurt."""
KNOCKBACK = 0.4
GROUND_DRAG = 0.6 * 0.91
GRAVITY, VERTICAL_DRAG, JUMP_VELOCITY = 0.08, 0.98, 0.42
ARRAY_FIELDS = (
    "kind",
    "pos",
    "vel",
    "yaw",
    "health",
    "hurt",
    "attack_cooldown",
    "timer",
    "panic",
    "on_ground",
    "alive",
)


class Mobs:
    """All mobs of a world as parallel arrays; dead mobs keep their row with alive = False."""

    def __init__(self, capacity: int = 0):
        self.kind = np.zeros(capacity, np.int16)
        self.pos = np.zeros((capacity, 3))
        self.vel = np.zeros((capacity, 3))
        self.yaw = np.zeros(capacity)
        self.health = np.zeros(capacity)
        self.hurt = np.zeros(capacity, np.int16)
        self.attack_cooldown = np.zeros(capacity, np.int16)
        self.timer = np.zeros(capacity, np.int16)
        """Ticks left of the current wander leg (positive: walking, negative: idle)."""
        self.panic = np.zeros(capacity, np.int16)
        self.on_ground = np.zeros(capacity, np.bool_)
        self.alive = np.zeros(capacity, np.bool_)
        self._boxes: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.kind)

    def spawn(self, name: str, pos: np.ndarray, yaw: float = 0.0) -> int:
        """Add a mob of kind `name` at feet position `pos`; returns its index."""
        index = len(self)
        for f in ARRAY_FIELDS:
            old = getattr(self, f)
            setattr(self, f, np.concatenate([old, np.zeros((1, *old.shape[1:]), old.dtype)]))
        self.kind[index] = MOB_INDEX[name]
        self.pos[index] = pos
        self.yaw[index] = yaw
        self.health[index] = MOBS[name].health
        self.alive[index] = True
        return index

    def name(self, index: int) -> str:
        return MOB_NAMES[int(self.kind[index])]

    def boxes(self) -> np.ndarray:
        """AABBs (n, 6): x0, y0, z0, x1, y1, z1 (cached until the mobs move; do not modify)."""
        if self._boxes is None or len(self._boxes) != len(self.kind):
            self._boxes = np.concatenate((self.pos, self.pos), axis=1) + MOB_BOX_OFFSETS[self.kind]
        return self._boxes

    def colors(self) -> np.ndarray:
        return MOB_RGB[self.kind]

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {f"mobs_{f}": getattr(self, f) for f in ARRAY_FIELDS}

    @classmethod
    def from_arrays(cls, arrays) -> Mobs:
        mobs = cls()
        for f in ARRAY_FIELDS:
            setattr(mobs, f, np.array(arrays[f"mobs_{f}"]))
        return mobs

    def hit(self, index: int, damage: float, from_pos: np.ndarray) -> bool:
        """Apply a player's hit unless the mob is still invulnerable; returns whether it died."""
        if not self.alive[index] or self.hurt[index] > 0:
            return False
        self.health[index] -= damage
        self.hurt[index] = HURT_TICKS
        away = self.pos[index, [0, 2]] - from_pos[[0, 2]]
        norm = float(np.hypot(*away)) or 1.0
        self.vel[index, 0] += KNOCKBACK * away[0] / norm
        self.vel[index, 2] += KNOCKBACK * away[1] / norm
        if self.on_ground[index]:
            self.vel[index, 1] = min(0.4, self.vel[index, 1] / 2 + 0.4)
        if not MOBS[self.name(index)].hostile:
            self.panic[index] = PANIC_TICKS
        if self.health[index] <= 0:
            self.alive[index] = False
            return True
        return False

    def tick(self, blocks: np.ndarray, player, rng: np.random.Generator) -> None:
        """One tick of AI, movement and melee for every live mob (player: crossagent.sim.player.Player)."""
        live = int(self.alive.sum())
        if not live:
            return
        self._boxes = None
        rolls = rng.random((live, 3))
        damage, kx, kz = _tick_mobs(
            blocks, BLOCK_SOLID, self.kind, self.pos, self.vel, self.yaw, self.hurt, self.attack_cooldown,
            self.timer, self.panic, self.on_ground, self.alive, rolls, MOB_SPEED, MOB_HOSTILE, MOB_DAMAGE,
            MOB_HALF_WIDTH, MOB_HEIGHT, player.pos, not player.dead,
        )  # fmt: skip
        if damage > 0 and player.damage(damage):
            player.vel[0] += kx
            player.vel[2] += kz


MOB_SPEED = np.array([MOBS[n].speed / 20.0 for n in MOB_NAMES])
"""Walking speed in blocks per tick."""
MOB_HOSTILE = np.array([MOBS[n].hostile for n in MOB_NAMES])
MOB_DAMAGE = np.array([MOBS[n].damage for n in MOB_NAMES], np.float64)


@njit(cache=True)
def _tick_mobs(blocks, solid, kind, pos, vel, yaw, hurt, attack_cooldown, timer, panic, on_ground, alive, rolls,
               speed_lut, hostile_lut, damage_lut, half_width, height, player_pos, player_alive):  # fmt: skip
    """AI, melee and movement of the live mobs; returns the melee damage dealt to the player this tick
    (the first hit; the player's invulnerability covers the rest) and its knockback (x, z)."""
    damage, kx, kz = 0.0, 0.0, 0.0
    row = 0
    for i in range(kind.shape[0]):
        if not alive[i]:
            continue
        k = kind[i]
        speed = speed_lut[k]
        tx, ty, tz = player_pos[0] - pos[i, 0], player_pos[1] - pos[i, 1], player_pos[2] - pos[i, 2]
        dist = math.hypot(tx, tz)
        want = 0.0
        if hostile_lut[k] and player_alive and dist < CHASE_RANGE:
            yaw[i] = math.degrees(math.atan2(-tx, tz))
            want = speed
            # Minecraft's melee reach: (2 x width)^2 + the target's width, squared distance.
            reach = math.sqrt((4 * half_width[k]) ** 2 + 0.6)
            if dist < reach and -height[k] < ty < 1.8 and attack_cooldown[i] == 0 and damage_lut[k] > 0:
                if damage == 0.0:
                    damage = damage_lut[k]
                    kx = KNOCKBACK * tx / max(dist, 1e-6)
                    kz = KNOCKBACK * tz / max(dist, 1e-6)
                attack_cooldown[i] = ATTACK_INTERVAL
        elif panic[i] > 0:
            if timer[i] <= 0 or rolls[row, 0] < 0.05:
                yaw[i] = rolls[row, 1] * 360.0 - 180.0
                timer[i] = 20
            want = speed * PANIC_SPEED
        else:
            # Wander: alternate walking legs in a random direction with idle pauses.
            if timer[i] == 0:
                if rolls[row, 0] < 0.5:
                    timer[i] = 20 + int(rolls[row, 2] * 60)
                    yaw[i] = rolls[row, 1] * 360.0 - 180.0
                else:
                    timer[i] = -(20 + int(rolls[row, 2] * 80))
            if timer[i] > 0:
                want = speed
        row += 1
        if timer[i] > 0:
            timer[i] -= 1
        elif timer[i] < 0:
            timer[i] += 1
        panic[i] = max(0, panic[i] - 1)
        hurt[i] = max(0, hurt[i] - 1)
        attack_cooldown[i] = max(0, attack_cooldown[i] - 1)
        # Ground drag pulls the velocity toward `want` along the facing (terminal speed = want).
        v = vel[i]
        if on_ground[i]:
            accel = want * (1 - GROUND_DRAG) / GROUND_DRAG
            r = math.radians(yaw[i])
            v[0] += -math.sin(r) * accel
            v[2] += math.cos(r) * accel
        grounded, hit_wall = move_box(blocks, solid, pos[i], v, half_width[k], height[k])
        on_ground[i] = grounded
        if hit_wall and grounded and want > 0:
            v[1] = JUMP_VELOCITY
        v[1] = (v[1] - GRAVITY) * VERTICAL_DRAG
        drag = GROUND_DRAG if grounded else 0.91
        v[0] *= drag
        v[2] *= drag
    return damage, kx, kz
