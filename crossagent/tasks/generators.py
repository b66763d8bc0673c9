"""Build every task of the suite from the targets, scenes, budgets and instruction templates."""

from __future__ import annotations

import logging
import math

from crossagent.sim.data import INTERACTABLE_BLOCKS, MOBS, attack_damage, break_ticks, stack_size
from crossagent.tasks import budgets, scenes
from crossagent.tasks.crafting import SMELT_FUELS, craft_plans, smelt_inputs, smelt_plan
from crossagent.tasks.instructions import paraphrases
from crossagent.tasks.seeding import task_rng, task_seed
from crossagent.tasks.splits import TRAIN_CRAFT, TRAIN_SMELT, assign_splits, provisional_split
from crossagent.tasks.targets import (
    UNDEAD_NIGHT_MOBS,
    WEAPON,
    interact_targets,
    kill_targets,
    mine_targets,
    mine_tool,
)
from crossagent.tasks.task import (
    CATEGORIES,
    CRAFT_ITEM,
    INTERACT_BLOCK,
    KILL_ENTITY,
    MINE_BLOCK,
    SMELT_ITEM,
    SuccessEvent,
    Task,
)

logger = logging.getLogger(__name__)

SMELT_COUNT = 45
"""The paper's 45 smelting tasks: the training ones first, then the other outputs in name order with the
16 glazed terracottas (one dye family) last, cut at 45."""


def _task(category: str, target: str, scene: dict, max_ticks: int, hints: dict, success_kind: str) -> Task:
    task_id = f"{category}:{target}"
    return Task(
        id=task_id,
        category=category,
        target=target,
        instructions=paraphrases(category, target, task_rng(task_id, "instructions")),
        split=provisional_split(task_id),
        seed=scene["seed"],
        scene=scene,
        max_ticks=max_ticks,
        success=SuccessEvent(success_kind, target),
        hints=hints,
    )


def _ids(category: str, target: str) -> tuple[str, int]:
    task_id = f"{category}:{target}"
    return task_id, task_seed(task_id, "world")


def mine_tasks() -> list[Task]:
    tasks = []
    for block in mine_targets():
        task_id, seed = _ids(MINE_BLOCK, block)
        tool = mine_tool(block)
        scene = scenes.mine_scene(seed, task_rng(task_id, "scene"), block, tool)
        hints = {"tool": tool, "break_ticks": break_ticks(block, tool)}
        tasks.append(_task(MINE_BLOCK, block, scene, budgets.mine_budget(block, tool), hints, MINE_BLOCK))
    return tasks


def kill_tasks() -> list[Task]:
    tasks = []
    for mob in kill_targets():
        task_id, seed = _ids(KILL_ENTITY, mob)
        night = mob in UNDEAD_NIGHT_MOBS
        scene = scenes.kill_scene(seed, task_rng(task_id, "scene"), mob, WEAPON, night=night)
        hints = {"weapon": WEAPON, "hits": math.ceil(MOBS[mob].health / attack_damage(WEAPON))}
        tasks.append(_task(KILL_ENTITY, mob, scene, budgets.kill_budget(mob, WEAPON), hints, KILL_ENTITY))
    return tasks


def craft_tasks() -> list[Task]:
    plans = craft_plans()
    missing = [item for item in TRAIN_CRAFT if item not in plans]
    if missing:
        raise RuntimeError(f"training craft targets {missing} have no crafting recipe")
    tasks = []
    for item, plan in plans.items():
        task_id, seed = _ids(CRAFT_ITEM, item)
        scene = scenes.craft_scene(seed, task_rng(task_id, "scene"), plan.needed, plan.gui, stack_size)
        hints = {"grid": list(plan.grid), "width": plan.width, "count": plan.count, "gui": plan.gui}
        tasks.append(_task(CRAFT_ITEM, item, scene, budgets.craft_budget(), hints, CRAFT_ITEM))
    return tasks


def smelt_targets() -> tuple[str, ...]:
    outputs = smelt_inputs()
    missing = [item for item in TRAIN_SMELT if item not in outputs]
    if missing:
        raise RuntimeError(f"training smelt targets {missing} are not smelting outputs")
    ordered = sorted(outputs, key=lambda item: (item.endswith("_glazed_terracotta"), item))
    return tuple(dict.fromkeys([*TRAIN_SMELT, *ordered]))[:SMELT_COUNT]


def smelt_tasks() -> list[Task]:
    tasks = []
    for item in smelt_targets():
        task_id, seed = _ids(SMELT_ITEM, item)
        rng = task_rng(task_id, "scene")
        source = smelt_inputs()[item][0]
        fuel = rng.choice([fuel for fuel in SMELT_FUELS if fuel != source])
        plan = smelt_plan(item, fuel)
        scene = scenes.smelt_scene(seed, rng, plan, stack_size)
        hints = {"input": plan.input, "fuel": plan.fuel, "cook_ticks": plan.cook_ticks}
        tasks.append(_task(SMELT_ITEM, item, scene, budgets.smelt_budget(plan.cook_ticks), hints, SMELT_ITEM))
    return tasks


def interact_tasks() -> list[Task]:
    tasks = []
    for block in interact_targets():
        task_id, seed = _ids(INTERACT_BLOCK, block)
        scene = scenes.interact_scene(seed, task_rng(task_id, "scene"), block)
        hints = {"gui": INTERACTABLE_BLOCKS[block]}
        tasks.append(_task(INTERACT_BLOCK, block, scene, budgets.interact_budget(), hints, INTERACT_BLOCK))
    return tasks


GENERATORS = {
    MINE_BLOCK: mine_tasks,
    KILL_ENTITY: kill_tasks,
    CRAFT_ITEM: craft_tasks,
    SMELT_ITEM: smelt_tasks,
    INTERACT_BLOCK: interact_tasks,
}


def build_suite() -> list[Task]:
    """Every task, in category order then by id; raises if two tasks share an id."""
    tasks: list[Task] = []
    for category in CATEGORIES:
        generated = sorted(GENERATORS[category](), key=lambda task: task.id)
        logger.debug("generated %d %s tasks", len(generated), category)
        tasks.extend(generated)
    ids = [task.id for task in tasks]
    if len(set(ids)) != len(ids):
        raise RuntimeError("duplicate task ids in the suite")
    return assign_splits(tasks)
