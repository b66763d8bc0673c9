"""The player: Minecraft's movement physics at 20 ticks/s, the yaw/pitch camera, health and hunger.

Constants are Minecraft's (1.16): on ground the horizontal velocity decays by the block's
slipperiness 0.6 times 0.91 each tick and gains 0.1 x 0.16277 / 0.546^3 = 0.1 times the input (which
the game damps by 0.98), so walking settles at 0.098 / 0.454 = 0.2158 blocks/tick = 4.317 m/s; sprinting multiplies the input by 1.3
(5.612 m/s), sneaking by 0.3 (1.295 m/s). In the air the decay is 0.91 and the input 0.02 (0.026
sprinting). Jumping sets the vertical velocity to 0.42; gravity is (vy - 0.08) * 0.98 per tick.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from crossagent.sim.data.survival import (
    EXHAUSTION,
    EXHAUSTION_PER_FOOD,
    FALL_DAMAGE_SAFE_BLOCKS,
    INVULNERABLE_TICKS,
    MAX_FOOD,
    MAX_HEALTH,
    REGEN_FOOD_MIN,
    REGEN_INTERVAL_TICKS,
    SPRINT_FOOD_MIN,
    START_SATURATION,
    STARVE_MIN_HEALTH_NORMAL,
)
from crossagent.sim.lookup import BLOCK_KIND, BLOCK_SOLID, KIND_WATER
from crossagent.sim.physics import box_touches, move_box
from crossagent.sim.raycast import look_vector

HALF_WIDTH, HEIGHT, SNEAK_HEIGHT = 0.3, 1.8, 1.5
EYE_HEIGHT, SNEAK_EYE_HEIGHT = 1.62, 1.54
GROUND_DRAG = 0.6 * 0.91
AIR_DRAG = 0.91
WALK_ACCEL = 0.1 * 0.16277136 / GROUND_DRAG**3
AIR_ACCEL = 0.02
SPRINT_FACTOR, SNEAK_FACTOR = 1.3, 0.3
INPUT_DAMPING = 0.98
"""Minecraft scales movement input by 0.98 each tick (LivingEntity.aiStep)."""
JUMP_VELOCITY, SPRINT_JUMP_BOOST = 0.42, 0.2
GRAVITY, VERTICAL_DRAG = 0.08, 0.98
WATER_DRAG, WATER_ACCEL, WATER_GRAVITY, SWIM_UP = 0.8, 0.02, 0.02, 0.04

WATER_LUT = BLOCK_KIND == KIND_WATER


@dataclass
class Player:
    """Physical and survival state of the player (everything that `get_state` must restore)."""

    pos: np.ndarray = field(default_factory=lambda: np.zeros(3))
    """Feet position (centre x, bottom y, centre z) in blocks."""
    vel: np.ndarray = field(default_factory=lambda: np.zeros(3))
    """Velocity in blocks per tick."""
    yaw: float = 0.0
    """Degrees; 0 looks toward +z (south), 90 toward -x (west), like Minecraft."""
    pitch: float = 0.0
    """Degrees in [-90, 90]; positive looks down."""
    on_ground: bool = False
    sneaking: bool = False
    sprinting: bool = False
    health: float = MAX_HEALTH
    food: int = MAX_FOOD
    saturation: float = START_SATURATION
    exhaustion: float = 0.0
    fall_distance: float = 0.0
    regen_timer: int = 0
    hurt_cooldown: int = 0
    """Ticks of invulnerability left after taking damage."""
    attack_cooldown: int = 0
    """Ticks until the held item can attack again."""

    @property
    def eye(self) -> np.ndarray:
        height = SNEAK_EYE_HEIGHT if self.sneaking else EYE_HEIGHT
        return np.array([self.pos[0], self.pos[1] + height, self.pos[2]])

    @property
    def look(self) -> np.ndarray:
        return look_vector(self.yaw, self.pitch)

    @property
    def dead(self) -> bool:
        return self.health <= 0

    def turn(self, d_pitch: float, d_yaw: float) -> None:
        """Apply a camera delta in degrees; pitch is clipped to [-90, 90] like Minecraft's."""
        self.pitch = float(min(90.0, max(-90.0, self.pitch + d_pitch)))
        self.yaw = float((self.yaw + d_yaw + 180.0) % 360.0 - 180.0)

    def tick(
        self, blocks: np.ndarray, forward: float, strafe: float, jump: bool, sneak: bool, sprint: bool
    ) -> None:
        """One physics tick with movement input forward (-1..1) and strafe (left positive)."""
        self.sneaking = sneak
        if sprint and forward > 0 and not sneak and self.food >= SPRINT_FOOD_MIN:
            self.sprinting = True
        if forward <= 0 or sneak or self.food < SPRINT_FOOD_MIN:
            self.sprinting = False
        if sneak:
            forward, strafe = forward * SNEAK_FACTOR, strafe * SNEAK_FACTOR
        forward, strafe = forward * INPUT_DAMPING, strafe * INPUT_DAMPING
        in_water = box_touches(blocks, WATER_LUT, self.pos, HALF_WIDTH, HEIGHT)
        vel = self.vel
        if in_water:
            accel, drag = WATER_ACCEL, WATER_DRAG
            if jump:
                vel[1] += SWIM_UP
        else:
            if jump and self.on_ground:
                vel[1] = JUMP_VELOCITY
                self.exhaustion += EXHAUSTION["sprint_jump" if self.sprinting else "jump"]
                if self.sprinting:
                    yaw = math.radians(self.yaw)
                    vel[0] -= math.sin(yaw) * SPRINT_JUMP_BOOST
                    vel[2] += math.cos(yaw) * SPRINT_JUMP_BOOST
            accel = WALK_ACCEL if self.on_ground else AIR_ACCEL
            drag = GROUND_DRAG if self.on_ground else AIR_DRAG
        if self.sprinting:
            accel *= SPRINT_FACTOR
        length = math.hypot(forward, strafe)
        if length > 1e-4:
            scale = accel / max(1.0, length)
            yaw = math.radians(self.yaw)
            s, c = math.sin(yaw), math.cos(yaw)
            vel[0] += (strafe * c - forward * s) * scale
            vel[2] += (forward * c + strafe * s) * scale
        height = SNEAK_HEIGHT if sneak else HEIGHT
        start = self.pos.copy()
        falling = vel[1] < 0
        self.on_ground, _ = move_box(blocks, BLOCK_SOLID, self.pos, vel, HALF_WIDTH, height)
        if self.sprinting:
            self.exhaustion += EXHAUSTION["sprint_per_block"] * math.hypot(
                self.pos[0] - start[0], self.pos[2] - start[2]
            )
        # Fall damage: one point per block fallen beyond three, on landing (water cancels it).
        if in_water:
            self.fall_distance = 0.0
        elif falling and not self.on_ground:
            self.fall_distance += start[1] - self.pos[1]
        elif self.on_ground:
            if self.fall_distance > FALL_DAMAGE_SAFE_BLOCKS:
                self.damage(math.ceil(self.fall_distance - FALL_DAMAGE_SAFE_BLOCKS), ignore_cooldown=True)
            self.fall_distance = 0.0
        if in_water:
            vel[1] = (vel[1] - WATER_GRAVITY) * drag
        else:
            vel[1] = (vel[1] - GRAVITY) * VERTICAL_DRAG
        vel[0] *= drag
        vel[2] *= drag
        self._tick_survival()
        if self.hurt_cooldown > 0:
            self.hurt_cooldown -= 1
        if self.attack_cooldown > 0:
            self.attack_cooldown -= 1

    def _tick_survival(self) -> None:
        """Minecraft's hunger: exhaustion drains saturation then food; full food heals, empty food hurts."""
        while self.exhaustion >= EXHAUSTION_PER_FOOD:
            self.exhaustion -= EXHAUSTION_PER_FOOD
            if self.saturation > 0:
                self.saturation = max(0.0, self.saturation - 1.0)
            else:
                self.food = max(0, self.food - 1)
        self.regen_timer += 1
        if self.regen_timer >= REGEN_INTERVAL_TICKS:
            self.regen_timer = 0
            if self.food >= REGEN_FOOD_MIN and self.health < MAX_HEALTH:
                self.health = min(MAX_HEALTH, self.health + 1.0)
                self.exhaustion += EXHAUSTION["heal"]
            elif self.food == 0 and self.health > STARVE_MIN_HEALTH_NORMAL:
                self.health -= 1.0

    def damage(self, amount: float, ignore_cooldown: bool = False) -> bool:
        """Take damage unless still invulnerable from the last hit; returns whether it applied."""
        if self.hurt_cooldown > 0 and not ignore_cooldown:
            return False
        self.health = max(0.0, self.health - float(amount))
        self.hurt_cooldown = INVULNERABLE_TICKS
        return True

    def eat(self, hunger: int, saturation: float) -> None:
        self.food = min(MAX_FOOD, self.food + int(hunger))
        self.saturation = min(float(self.food), self.saturation + float(saturation))

    def to_dict(self) -> dict:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["pos"], data["vel"] = [float(v) for v in self.pos], [float(v) for v in self.vel]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Player:
        data = dict(data)
        data["pos"], data["vel"] = np.array(data["pos"], float), np.array(data["vel"], float)
        return cls(**data)
