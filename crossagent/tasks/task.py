"""The `Task` record: what to do, where it starts, how long it may take, and when it has succeeded."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MINE_BLOCK = "mine_block"
KILL_ENTITY = "kill_entity"
CRAFT_ITEM = "craft_item"
SMELT_ITEM = "smelt_item"
INTERACT_BLOCK = "interact_block"
CATEGORIES = (MINE_BLOCK, KILL_ENTITY, CRAFT_ITEM, SMELT_ITEM, INTERACT_BLOCK)

DEFAULT_MAX_TICKS = 200
"""The paper's step budget (MTRL `env.max_steps=200`; one step = one raw tick)."""


@dataclass(frozen=True)
class SuccessEvent:
    """The statistics event that ends a task with success: the first `(kind, name)` in the world's log."""

    kind: str
    """Statistics counter: mine_block, kill_entity, craft_item, smelt_item or interact_block."""
    name: str
    """Block, mob or item name the counter is keyed by (e.g. `oak_log`)."""

    def matches(self, kind: str, name: str) -> bool:
        return kind == self.kind and name == self.name

    def first_tick(self, events: Iterable[tuple[int, str, str]]) -> int | None:
        """Tick of the first matching event in an ordered `(tick, kind, name)` log, None if there is none."""
        for tick, kind, name in events:
            if self.matches(kind, name):
                return tick
        return None


@dataclass(frozen=True)
class Task:
    """One benchmark task. Frozen; `scene` and `hints` are JSON-able dicts that must not be mutated."""

    id: str
    """`category:target`, e.g. `mine_block:oak_log` or `craft_item:stone_pickaxe`."""
    category: str
    """One of CATEGORIES."""
    target: str
    """Block, mob or item name (minecraft-data 1.16.5 spelling)."""
    instructions: tuple[str, ...]
    """Paraphrases of the instruction; the first is the canonical one."""
    split: str
    """`in_domain` (the paper's 30 RL tasks), `ood_seen` or `ood_unseen` (see `crossagent.tasks.splits`)."""
    seed: int
    """World seed of the initial state, derived from the id."""
    scene: dict[str, Any]
    """Initial state, `SceneSpec.to_dict()`-shaped: blocks, mobs, inventory, held slot, time, GUI, yaw/pitch."""
    max_ticks: int
    """Step budget in raw ticks; the episode fails when it runs out."""
    success: SuccessEvent
    """The statistics event whose first occurrence ends the episode with reward 1."""
    hints: dict[str, Any] = field(default_factory=dict)
    """Privileged facts for the scripted expert and tests (tool, recipe grid, smelting input, ...)."""

    def __hash__(self) -> int:  # the generated hash would fail on the dict fields; ids are unique
        return hash(self.id)

    @property
    def instruction(self) -> str:
        return self.instructions[0]

    def is_success(self, events: Iterable[tuple[int, str, str]]) -> bool:
        return self.success.first_tick(events) is not None

    def to_row(self) -> dict[str, Any]:
        """A flat dataset row; nested dicts become canonical JSON strings so the schema is fixed."""
        return {
            "id": self.id,
            "category": self.category,
            "target": self.target,
            "split": self.split,
            "instruction": self.instruction,
            "instructions": list(self.instructions),
            "seed": self.seed,
            "max_ticks": self.max_ticks,
            "success_kind": self.success.kind,
            "success_name": self.success.name,
            "scene": canonical_json(self.scene),
            "hints": canonical_json(self.hints),
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Task:
        return cls(
            id=row["id"],
            category=row["category"],
            target=row["target"],
            instructions=tuple(row["instructions"]),
            split=row["split"],
            seed=int(row["seed"]),
            scene=json.loads(row["scene"]),
            max_ticks=int(row["max_ticks"]),
            success=SuccessEvent(row["success_kind"], row["success_name"]),
            hints=json.loads(row["hints"]),
        )


def canonical_json(value: Any) -> str:
    """Key-sorted compact JSON: the same dict always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def in_other_world(task: Task, world: int) -> Task:
    """The task with its scene built on world seed `seed + world` (0: the task itself)."""
    if world == 0:
        return task
    return dataclasses.replace(task, scene={**task.scene, "seed": task.scene["seed"] + world})
