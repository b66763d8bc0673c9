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

from crossagent.sim.data.mobs import MOBS
from crossagent.sim.lookup import BLOCK_SOLID
from crossagent.sim.physics import move_box

MOB_NAMES: tuple[str, ...] = tuple(sorted(MOBS))
"""Index of each mob kind in `Mobs.kind`."""
MOB_INDEX = {name: i for i, name in enumerate(MOB_NAMES)}
MOB_HALF_WIDTH = np.array([MOBS[n].width / 2 for n in MOB_NAMES])
MOB_HEIGHT = np.array([MOBS[n].height for n in MOB_NAMES])
MOB_RGB = np.array([MOBS[n].color for n in MOB_NAMES], np.float64)

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
        """AABBs (n, 6): x0, y0, z0, x1, y1, z1."""
        hw, h = MOB_HALF_WIDTH[self.kind], MOB_HEIGHT[self.kind]
        p = self.pos
        return np.stack(
            [p[:, 0] - hw, p[:, 1], p[:, 2] - hw, p[:, 0] + hw, p[:, 1] + h, p[:, 2] + hw], axis=1
        )

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
        live = np.flatnonzero(self.alive)
        if not live.size:
            return
        rolls = rng.random((live.size, 3))
        for row, i in enumerate(live):
            info = MOBS[MOB_NAMES[self.kind[i]]]
            speed = info.speed / 20.0
            to_player = player.pos - self.pos[i]
            dist = math.hypot(to_player[0], to_player[2])
            want = 0.0
            if info.hostile and not player.dead and dist < CHASE_RANGE:
                self.yaw[i] = math.degrees(math.atan2(-to_player[0], to_player[2]))
                want = speed
                reach = math.sqrt((2 * MOB_HALF_WIDTH[self.kind[i]] * 2) ** 2 + 0.6)
                vertical = -MOB_HEIGHT[self.kind[i]] < to_player[1] < 1.8
                if dist < reach and vertical and self.attack_cooldown[i] == 0 and info.damage > 0:
                    if player.damage(info.damage):
                        player.vel[0] += KNOCKBACK * to_player[0] / max(dist, 1e-6)
                        player.vel[2] += KNOCKBACK * to_player[2] / max(dist, 1e-6)
                    self.attack_cooldown[i] = ATTACK_INTERVAL
            elif self.panic[i] > 0:
                if self.timer[i] <= 0 or rolls[row, 0] < 0.05:
                    self.yaw[i] = rolls[row, 1] * 360.0 - 180.0
                    self.timer[i] = 20
                want = speed * PANIC_SPEED
            else:
                # Wander: alternate walking legs in a random direction with idle pauses.
                if self.timer[i] == 0:
                    if rolls[row, 0] < 0.5:
                        self.timer[i] = 20 + int(rolls[row, 2] * 60)
                        self.yaw[i] = rolls[row, 1] * 360.0 - 180.0
                    else:
                        self.timer[i] = -(20 + int(rolls[row, 2] * 80))
                if self.timer[i] > 0:
                    want = speed
            self.timer[i] -= np.sign(self.timer[i])
            self.panic[i] = max(0, self.panic[i] - 1)
            self.hurt[i] = max(0, self.hurt[i] - 1)
            self.attack_cooldown[i] = max(0, self.attack_cooldown[i] - 1)
            self._move(blocks, i, want)

    def _move(self, blocks: np.ndarray, i: int, want: float) -> None:
        yaw = math.radians(self.yaw[i])
        vel = self.vel[i]
        if self.on_ground[i]:
            # Ground drag pulls the velocity toward `want` along the facing (terminal speed = want).
            accel = want * (1 - GROUND_DRAG) / GROUND_DRAG
            vel[0] += -math.sin(yaw) * accel
            vel[2] += math.cos(yaw) * accel
        pos = self.pos[i]
        k = self.kind[i]
        on_ground, hit_wall = move_box(blocks, BLOCK_SOLID, pos, vel, MOB_HALF_WIDTH[k], MOB_HEIGHT[k])
        self.on_ground[i] = on_ground
        if hit_wall and on_ground and want > 0:
            vel[1] = JUMP_VELOCITY
        vel[1] = (vel[1] - GRAVITY) * VERTICAL_DRAG
        drag = GROUND_DRAG if on_ground else 0.91
        vel[0] *= drag
        vel[2] *= drag
