"""`MineSim`: the embedded Minecraft-like world, one raw action per tick (20 ticks = 1 s).

    sim = MineSim(width=128, height=128)
    sim.reset(SceneSpec(seed=3, blocks_in_view=[BlocksInView("oak_log", 2)]))
    sim.step({"forward": 1, "attack": 1, "camera": [0.0, 1.5]})
    frame = sim.render()                 # (H, W, 3) uint8
    sim.stats.get("mine_block", "oak_log")

Mining: hold attack on the block under the crosshair; it breaks after the data layer's break_ticks
(then Minecraft's 5-tick delay before the next block), its drops go straight into the inventory
(`pickup`), and `mine_block` counts it. Attack on a mob within 3 blocks hits it whenever the held
item's attack cooldown is ready (holding attack repeats). Use (on press) opens crafting tables,
furnaces and chests and counts every interactable block in `interact_block`; with a food held, holding
use for 32 ticks eats it; with a block held it places it against the targeted face. In a GUI the camera
moves the cursor, attack / use click (sneak = shift-click), a hotbar key swaps the hovered slot, and
ESC or inventory closes. Not modelled: tool durability, item entities on the ground, armour.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from crossagent.sim import state as state_io
from crossagent.sim.actions import BUTTON_KEYS, DEGREES_PER_MOUSE_UNIT, parse_action
from crossagent.sim.containers import Chest, Furnace
from crossagent.sim.data.blocks import BLOCK_IDS, INTERACTABLE_BLOCKS, block_drops, break_ticks
from crossagent.sim.data.items import FOODS
from crossagent.sim.data.mobs import mob_drops
from crossagent.sim.data.survival import EAT_TICKS, EXHAUSTION
from crossagent.sim.data.tools import BLOCK_REACH, ENTITY_REACH, attack_cooldown_ticks, attack_damage
from crossagent.sim.frame import FrameRenderer
from crossagent.sim.gui import GuiScreen
from crossagent.sim.inventory import ItemStack
from crossagent.sim.lookup import BLOCK_NAMES, BLOCK_SOLID
from crossagent.sim.player import HALF_WIDTH, HEIGHT
from crossagent.sim.raycast import cast_world, nearest_box
from crossagent.sim.scene import SceneSpec
from crossagent.sim.stats import Statistics
from crossagent.sim.world import World, WorldConfig

DESTROY_DELAY = 5
SCENE_CONTAINER_CELL = (-1, -1, -1)
"""Key of the container a scene opens (a furnace screen) that stands on no block of the world."""
"""Ticks after breaking a block before the next one starts (Minecraft's destroyDelay)."""


class MineSim:
    """One world, one player. Not thread-safe; make one per worker (see `MineSimVectorEnv`)."""

    def __init__(self, width: int = 128, height: int = 128, fov: float = 70.0, view_distance: float = 32.0,
                 world_config: WorldConfig | None = None, interpolate: bool = True):  # fmt: skip
        if width < 16 or height < 16:
            raise ValueError(f"frame size {width}x{height} is too small: use at least 16x16")
        self.config = world_config or WorldConfig()
        # interpolate=False casts every pixel; True (default) skips rays between neighbours that hit
        # one face, ~30 % faster, and differs from exact casting on ~1e-4 of pixels (sub-pixel gaps).
        self.renderer = FrameRenderer(width, height, fov, view_distance, interpolate)
        self.world: World | None = None
        self.scene = SceneSpec()

    # ----- reset --------------------------------------------------------------------------------
    def reset(self, scene: SceneSpec | dict | None = None, seed: int | None = None) -> None:
        """Build the world of a scene (a seed alone gives a plain world at that seed)."""
        if scene is None:
            scene = SceneSpec(seed=0 if seed is None else int(seed))
        elif isinstance(scene, dict):
            scene = SceneSpec.from_dict(scene)
        if seed is not None:
            scene = SceneSpec.from_dict({**scene.to_dict(), "seed": int(seed)})
        built = state_io.build_scene(scene, self.config)
        self.scene = scene
        self.world_seed = built.world_seed
        self.world = built.world
        self._base_blocks = built.base_blocks
        self.player = built.player
        self.mobs = built.mobs
        self.inventory = built.inventory
        self.rng = np.random.default_rng(np.random.SeedSequence([built.world_seed & 0xFFFFFFFF, 0xE9]))
        self.stats = Statistics()
        self.tick = 0
        self.time_of_day = int(scene.time_of_day)
        self.containers: dict[tuple[int, int, int], Chest | Furnace] = {}
        self.gui: GuiScreen | None = None
        self.mining_target: tuple[int, int, int] | None = None
        self.mining_progress = 0
        self.destroy_delay = 0
        self.eat_progress = 0
        self.prev_buttons = dict.fromkeys(BUTTON_KEYS, False)
        self._gui_stacks = None
        if scene.open_gui is not None:
            container = None
            if scene.open_gui == "furnace":
                # The scene's furnace has no block in the world; keep it with the placed
                # containers so it is ticked every step and saved with the state.
                container = self.containers[SCENE_CONTAINER_CELL] = Furnace()
            self.gui = GuiScreen(scene.open_gui, self.inventory, container)
        self._update_target()

    # ----- step ---------------------------------------------------------------------------------
    def step(self, action: dict[str, Any]) -> None:
        """Advance one tick with a raw MineRL-style action (see crossagent.sim.actions)."""
        if self.world is None:
            raise RuntimeError("call reset() before step()")
        buttons, d_pitch, d_yaw = parse_action(action)
        self._gui_stacks = None
        pressed = {k: v and not self.prev_buttons[k] for k, v in buttons.items()}
        self.prev_buttons = buttons
        self.stats.now = self.tick
        if self.player.dead:
            self.tick += 1
            return
        if self.gui is not None:
            self._step_gui(buttons, pressed, d_pitch, d_yaw)
            self.player.tick(self.world.blocks, 0.0, 0.0, False, False, False)
        else:
            self._step_world(buttons, pressed, d_pitch, d_yaw)
        self.mobs.tick(self.world.blocks, self.player, self.rng)
        for container in self.containers.values():
            container.tick()
        self.time_of_day = (self.time_of_day + 1) % 24000
        self.tick += 1
        self._update_target()

    def _step_gui(self, buttons, pressed, d_pitch, d_yaw) -> None:
        gui = self.gui
        gui.move_cursor(d_yaw / DEGREES_PER_MOUSE_UNIT, d_pitch / DEGREES_PER_MOUSE_UNIT)
        if pressed["ESC"] or pressed["inventory"]:
            gui.close(self.inventory)
            self.gui = None
            return
        x, y = gui.cursor_pos
        slot = gui.slot_at(x, y)
        px0, py0, px1, py1 = gui.panel
        inside = px0 <= x < px1 and py0 <= y < py1
        for key, button in (("attack", "left"), ("use", "right")):
            if pressed[key] and (slot is not None or not inside):
                gui.click(slot, button, shift=buttons["sneak"], stats=self.stats)
        for k in range(9):
            if pressed[f"hotbar.{k + 1}"] and slot is not None:
                gui.swap_hotbar(slot, k, self.stats)

    def _step_world(self, buttons, pressed, d_pitch, d_yaw) -> None:
        player, inventory = self.player, self.inventory
        player.turn(d_pitch, d_yaw)
        for k in range(9):
            if buttons[f"hotbar.{k + 1}"]:
                inventory.select(k)
        if pressed["inventory"]:
            self.gui = GuiScreen("inventory", inventory)
            return
        forward = float(buttons["forward"]) - float(buttons["back"])
        strafe = float(buttons["left"]) - float(buttons["right"])
        player.tick(self.world.blocks, forward, strafe, buttons["jump"], buttons["sneak"], buttons["sprint"])
        if buttons["attack"] or pressed["use"]:  # only these read the target before step's own update
            self._update_target()
        self._attack(buttons["attack"])
        if pressed["use"]:
            self._use()
        self._eat(buttons["use"])
        if pressed["drop"]:
            held = inventory.held()
            if held is not None:
                inventory.slots[inventory.selected] = held.with_count(held.count - 1)
                self.stats.increment("drop", held.item)

    def _attack(self, holding: bool) -> None:
        if self.destroy_delay > 0:
            self.destroy_delay -= 1
        target = self.target
        if not holding or target is None:
            self.mining_target, self.mining_progress = None, 0
            return
        held = self.inventory.held_item()
        if target["kind"] == "mob":
            self.mining_target, self.mining_progress = None, 0
            if self.player.attack_cooldown == 0:
                self.player.attack_cooldown = attack_cooldown_ticks(held)
                self.player.exhaustion += EXHAUSTION["attack"]
                index = target["index"]
                if self.mobs.hit(index, attack_damage(held), self.player.pos):
                    name = self.mobs.name(index)
                    self.stats.increment("kill_entity", name)
                    self._pick_up(mob_drops(name, self.rng))
            return
        cell = target["pos"]
        if self.mining_target != cell:
            self.mining_target, self.mining_progress = cell, 0
        if self.destroy_delay > 0:
            return
        self.mining_progress += 1
        name = target["name"]
        if self.mining_progress >= break_ticks(name, held):
            self._break_block(cell, name, held)

    def _break_block(self, cell, name: str, held: str | None) -> None:
        self.world.set_block(*cell, 0)
        self.stats.increment("mine_block", name)
        self._pick_up(block_drops(name, held, self.rng))
        container = self.containers.pop(cell, None)
        if container is not None:
            self._pick_up([(s.item, s.count) for s in container.slots if s is not None])
        self.mining_target, self.mining_progress = None, 0
        self.destroy_delay = DESTROY_DELAY
        self._update_target()

    def _pick_up(self, drops: list[tuple[str, int]]) -> None:
        for item, count in drops:
            taken = count - self.inventory.add(item, count)
            self.stats.increment("pickup", item, taken)

    def _use(self) -> None:
        target = self.target
        if target is None or target["kind"] != "block":
            return
        name = target["name"]
        if name in INTERACTABLE_BLOCKS and not self.player.sneaking:
            self.stats.increment("interact_block", name)
            kind = INTERACTABLE_BLOCKS[name]
            if kind in ("crafting_table", None):
                self.gui = GuiScreen("crafting_table", self.inventory) if kind else None
            else:
                cell = target["pos"]
                if cell not in self.containers:
                    self.containers[cell] = Furnace() if kind == "furnace" else Chest()
                self.gui = GuiScreen(kind, self.inventory, self.containers[cell])
            return
        held = self.inventory.held()
        if held is not None and held.item in BLOCK_IDS and held.item not in FOODS:
            self._place(held, target)

    def _place(self, held: ItemStack, target: dict) -> None:
        """Place the held block against the targeted face, unless it would overlap the player."""
        x, y, z = target["pos"]
        axis, step = target["face"]
        if axis < 0:
            return
        cell = [x, y, z]
        cell[axis] += step
        if not self.world.in_bounds(*cell) or self.world.blocks[tuple(cell)] != 0:
            return
        block = BLOCK_IDS[held.item]
        p = self.player.pos
        overlaps = all(
            lo < c + 1 and hi > c
            for lo, hi, c in (
                (p[0] - HALF_WIDTH, p[0] + HALF_WIDTH, cell[0]),
                (p[1], p[1] + HEIGHT, cell[1]),
                (p[2] - HALF_WIDTH, p[2] + HALF_WIDTH, cell[2]),
            )
        )
        if overlaps and BLOCK_SOLID[block]:
            return
        self.world.set_block(*cell, block)
        self.inventory.slots[self.inventory.selected] = held.with_count(held.count - 1)
        self.stats.increment("place_block", held.item)

    def _eat(self, holding: bool) -> None:
        held = self.inventory.held_item()
        if not holding or held not in FOODS or self.player.food >= 20:
            self.eat_progress = 0
            return
        self.eat_progress += 1
        if self.eat_progress >= EAT_TICKS:
            food = FOODS[held]
            self.player.eat(food.food_points, food.saturation)
            self.inventory.remove(held, 1)
            self.stats.increment("use_item", held)
            self.eat_progress = 0

    # ----- what the crosshair and a point hit ---------------------------------------------------
    def _update_target(self) -> None:
        """What the crosshair hits within reach: {'kind': 'block'|'mob', ...} or None."""
        self.target = self._hit(self.player.look, BLOCK_REACH, ENTITY_REACH)

    def _hit(self, direction: np.ndarray, block_reach: float, mob_reach: float) -> dict | None:
        world = self.world
        # Python floats: numba dispatches them several times faster than numpy scalars.
        eye, direction = self.player.eye.tolist(), direction.tolist()
        t, x, y, z, face, _ = cast_world(world, eye, direction, block_reach)
        mob, t_mob = nearest_box(*eye, *direction, self.mobs.boxes(), self.mobs.alive, min(mob_reach, t))
        if mob >= 0:
            return {"kind": "mob", "name": self.mobs.name(mob), "index": int(mob), "distance": float(t_mob)}
        if x < 0:
            return None
        step = 0 if face < 0 else (-1 if direction[face] > 0 else 1)
        return {
            "kind": "block", "name": BLOCK_NAMES[world.blocks[x, y, z]], "pos": (int(x), int(y), int(z)),
            "face": (int(face), step), "distance": float(t),
        }  # fmt: skip

    def point_hit(self, x: float, y: float) -> dict | None:
        """What the normalised frame point (x, y) in [0, 1000]^2 (origin top left) shows.

        In a GUI: {'kind': 'slot', 'index', 'section', 'item', 'count'} or None; in the world the
        block or mob drawn at that point within the view distance (the renderer's projection), or None
        for sky.
        """
        if not (0 <= x <= 1000 and 0 <= y <= 1000 and math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"point ({x}, {y}) is outside the frame [0, 1000]^2")
        if self.gui is not None:
            slot = self.gui.slot_at(x, y)
            if slot is None:
                return None
            stack = self.gui.stack(slot)
            return {
                "kind": "slot", "index": slot, "section": self.gui.slots[slot].section,
                "item": None if stack is None else stack.item, "count": 0 if stack is None else stack.count,
            }  # fmt: skip
        direction = self.renderer.ray(self.player, x / 1000.0, y / 1000.0)
        view = self.renderer.view_distance
        return self._hit(direction, view, view)

    def gui_stacks(self) -> list[ItemStack | None]:
        """What each slot of the open GUI shows (computed once per tick: results match recipes)."""
        if self._gui_stacks is None:
            self._gui_stacks = self.gui.stacks()
        return self._gui_stacks

    # ----- frames and state ---------------------------------------------------------------------
    def render(self) -> np.ndarray:
        """The current first-person frame (H, W, 3) uint8 (a view into a reused buffer: copy to keep)."""
        return self.renderer.draw(self)

    def get_state(self) -> bytes:
        """Everything needed to continue exactly, as bytes (npz + JSON header, no pickle)."""
        return state_io.save(self)

    def set_state(self, data: bytes) -> None:
        """Restore a state from `get_state` (also into a fresh MineSim with the same world config)."""
        state_io.load(self, data)
