"""The scripted expert: solves tasks from privileged state through the executors, labelling every decision.

World tasks (mine, kill, use): every DECISION_TICKS ticks it finds its target in the world state (the
nearest one in view), picks a frame point that shows it and runs the grounding executor
(`Mine|Kill|Use <object> (x,y)`) for those ticks; a target out of view or a mob far off is chased with
its own raw controller, and a hostile mob is backed off from while the attack recharges (`moves`), since
the grounding executor does neither. GUI tasks (craft, smelt):
each decision is one click of the closed-loop GUI plan (`gui_solver`), run as a grounding GUI verb
(`Pick`, `Place`, `Click`), or a wait for the furnace. Each decision records its labels in every space
(see `labels.Decision`); the episode keeps the raw ticks, and optionally frames and states, for the
dataset builders.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from crossagent.executors.base import no_op_env
from crossagent.executors.grounding import GroundingExecutor
from crossagent.executors.motion import MOTION_TICKS
from crossagent.executors.raw import env_to_raw
from crossagent.sim.data.mobs import MOBS
from crossagent.tasks import moves
from crossagent.tasks.gui_solver import Click, next_task_click
from crossagent.tasks.labels import Decision, motion_label
from crossagent.tasks.moves import TickSource
from crossagent.tasks.privileged import block_candidates, mob_candidates, pick_target, target_center
from crossagent.tasks.task import CRAFT_ITEM, INTERACT_BLOCK, KILL_ENTITY, MINE_BLOCK, SMELT_ITEM, Task
from modeling_crossagent.action_spaces import GroundingAction, RawAction, SkillAction

logger = logging.getLogger(__name__)

DECISION_TICKS = MOTION_TICKS
"""World decisions are re-planned every motion chunk (4 ticks), like OpenHA's motion policy."""
GUI_CLICK_TICKS = 20
"""Cap on one GUI click (cursor travel plus the click)."""
WAIT_TICKS = 20
"""One wait decision while the furnace cooks."""

WORLD_VERBS = {MINE_BLOCK: "Mine", KILL_ENTITY: "Kill", INTERACT_BLOCK: "Use"}
SKILL_VERBS = {
    MINE_BLOCK: "mine",
    KILL_ENTITY: "kill",
    INTERACT_BLOCK: "use",
    CRAFT_ITEM: "craft",
    SMELT_ITEM: "smelt",
}


@dataclass
class Episode:
    """One expert (or baseline) episode."""

    task_id: str
    success: bool
    ticks: int
    """Ticks played (up to and including the success tick)."""
    decisions: list[Decision] = field(default_factory=list)
    raw_ticks: list[RawAction] = field(default_factory=list)
    frames: list[np.ndarray] = field(default_factory=list)
    """Frame at each decision point (when recorded)."""
    tick_frames: list[np.ndarray] = field(default_factory=list)
    """Frame just before each raw tick (when recorded): what an agent acting every tick sees. A decision's
    first tick reuses the decision frame, so both lists hold the same frame there."""
    states: list[bytes] = field(default_factory=list)
    """`MineSim.get_state()` at each decision point (when recorded), for exact replay."""


def _grounding_from_click(screen, click: Click) -> GroundingAction:
    """The grounding GUI verb that performs `click` (the item it names is what the slot or cursor holds)."""
    x, y = click.point(screen)
    point = (round(x), round(y))
    stack, cursor = screen.stack(click.slot), screen.cursor_stack
    if click.button == "right":
        return GroundingAction("Place", cursor.item, point)
    if cursor is None:
        verb = "Click" if screen.slots[click.slot].section in ("result", "output") else "Pick"
        return GroundingAction(verb, stack.item, point)
    return GroundingAction("Click", cursor.item, point)


class ScriptedExpert:
    """Decides, for one task, the next action and its labels from the simulator's privileged state."""

    def __init__(self, task: Task):
        self.task = task
        self.skill_verb = SKILL_VERBS[task.category]

    def decide(self, sim) -> tuple[Decision, TickSource, int]:
        """The next decision (labels filled except raw/motion), its tick source and its tick cap."""
        if self.task.category in (CRAFT_ITEM, SMELT_ITEM):
            return self._decide_gui(sim)
        return self._decide_world(sim)

    def _executor_source(self, sim, action: GroundingAction, cap: int) -> TickSource:
        executor = GroundingExecutor(sim, max_ticks=cap)
        executor.start(action, None)
        if executor.status == "failed":
            logger.debug("%s: grounding refused %s: %s", self.task.id, action, executor.reason)
        return lambda: executor.next_tick(None)

    def _decide_gui(self, sim) -> tuple[Decision, TickSource, int]:
        skill = SkillAction(self.skill_verb, self.task.target)
        if sim.gui is None:  # nothing left to do in a GUI (should not happen: scenes open it)
            return Decision(sim.tick, RawAction(), None, None, skill), _no_ops(), 1
        click = next_task_click(self.task, sim.gui)
        if click is None:
            return Decision(sim.tick, RawAction(), None, None, skill), _no_ops(), WAIT_TICKS
        action = _grounding_from_click(sim.gui, click)
        source = self._executor_source(sim, action, GUI_CLICK_TICKS)
        return Decision(sim.tick, RawAction(), None, action, skill), source, GUI_CLICK_TICKS

    def _decide_world(self, sim) -> tuple[Decision, TickSource, int]:
        name = self.task.target
        mob_task = self.task.category == KILL_ENTITY
        target, point = pick_target(sim, (mob_candidates if mob_task else block_candidates)(sim, name))
        if target is None:
            return Decision(sim.tick, RawAction(), None, None, SkillAction("look for", name)), _no_ops(), 1
        skill = SkillAction(self.skill_verb, name)
        if mob_task and MOBS[name].hostile and moves.must_retreat(sim, target):
            # The grounding executor cannot back off: no grounding label for these ticks.
            return (
                Decision(sim.tick, RawAction(), None, None, skill),
                moves.retreat(sim, target),
                DECISION_TICKS,
            )
        center = target_center(sim, target)
        far = moves.horizontal_distance(sim, center)
        if point is None or (mob_task and far > moves.SPRINT_DISTANCE):
            # Out of view, or a mob that may outrun a walk: chase it (sprinting when far).
            grounding = None if point is None else GroundingAction("Approach", name, point)
            verb = "approach" if far > moves.CHASE_DISTANCE else "look for"
            decision = Decision(sim.tick, RawAction(), None, grounding, SkillAction(verb, name))
            return decision, moves.chase(sim, target), DECISION_TICKS
        action = GroundingAction(WORLD_VERBS[self.task.category], name, point)
        decision = Decision(sim.tick, RawAction(), None, action, skill)
        return decision, self._executor_source(sim, action, DECISION_TICKS), DECISION_TICKS


def _no_ops() -> TickSource:
    return no_op_env


def succeeded(sim, task: Task) -> bool:
    return sim.stats.get(task.success.kind, task.success.name) > 0


def run_expert(
    task: Task,
    sim,
    record_frames: bool = False,
    record_states: bool = False,
    record_tick_frames: bool = False,
) -> Episode:
    """Play one expert episode of `task` in `sim` (reset to the task's scene) and record it."""
    sim.reset(task.scene)
    expert = ScriptedExpert(task)
    episode = Episode(task.id, False, 0)
    while sim.tick < task.max_ticks and not episode.success:
        frame = sim.render().copy() if record_frames or record_tick_frames else None
        if record_frames:
            episode.frames.append(frame)
        if record_states:
            episode.states.append(sim.get_state())
        in_gui = sim.gui is not None
        decision, source, cap = expert.decide(sim)
        chunk: list[dict] = []
        while len(chunk) < cap and sim.tick < task.max_ticks:
            tick = source()
            if tick is None:
                break
            if record_tick_frames:
                episode.tick_frames.append(sim.render().copy() if chunk else frame)
            sim.step(tick)
            chunk.append(tick)
            if succeeded(sim, task):
                episode.success = True
                break
        if not chunk:  # an executor that ends at once still costs a tick (never stall time)
            tick = no_op_env()
            if record_tick_frames:
                episode.tick_frames.append(frame)
            sim.step(tick)
            chunk.append(tick)
            episode.success = succeeded(sim, task)
        decision.raw = env_to_raw(chunk[0])
        decision.motion = motion_label(chunk[:MOTION_TICKS], in_gui)
        decision.ticks = len(chunk)
        episode.decisions.append(decision)
        episode.raw_ticks.extend(env_to_raw(t) for t in chunk)
    episode.ticks = sim.tick
    return episode
