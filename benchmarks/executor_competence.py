"""How often each action space's executor achieves the scripted expert's sub-goal, per task category.

    PYTHONPATH=. python benchmarks/executor_competence.py [--states 8] [--budget 200]

For each category, states are sampled along the scripted expert's trajectories (the task scene, a random
turn of the head, then 0-10 expert ticks). From each state, each space gets the whole tick budget: at every
decision point an oracle labels the expert's intent in that space (as the mixed-action data does), the
space's executor runs it, and the run succeeds when the sub-goal is met. Sub-goals: mine one target block,
kill the target mob, use the target block (interact), move one ingredient into the crafting grid (craft),
move the input into the furnace (smelt). Prints JSON: success rate, model calls, generated tokens (a
byte-level BPE trained on action text) and ticks per run, per category and space.

The expert is the grounding controller started on the privileged target (`GroundingExecutor.track`),
which turns toward targets out of view too. Labels: raw = its next tick; motion = that tick's keys and
turn direction as phrases; latent = the codebook code of its next chunk (codebook fit on expert ticks of
other seeds); grounding = verb + the target's point on the frame (none when out of view); skill =
`mine/kill/use X` when X is in view, else `look for X`, and `craft/smelt X` in a GUI.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from crossagent.executors import sim_view
from crossagent.executors.dispatch import minesim_executors
from crossagent.executors.grounding import GroundingExecutor
from crossagent.executors.latent import LatentCodebook, episode_chunks, tick_vector
from crossagent.executors.raw import env_to_raw, no_op_env
from crossagent.sim.data.blocks import BLOCK_IDS
from crossagent.sim.scene import BlockAt, BlocksInView, InventoryEntry, MobGroup, SceneSpec
from crossagent.sim.sim import MineSim
from modeling_crossagent.action_spaces import (
    CAMERA_DEGREES_PER_UNIT,
    GroundingAction,
    LatentAction,
    MotionAction,
    SkillAction,
    format_action,
)

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from constrained_decoding import build_tokenizer  # sibling benchmark script

SPACES = ("raw", "motion", "grounding", "skill", "latent")
TARGETS = {
    "mine_block": ["oak_log", "dirt", "sand", "gravel", "pumpkin", "gold_block", "birch_log", "stone"],
    "kill_entity": ["pig", "cow", "sheep", "chicken", "zombie", "spider", "rabbit", "skeleton"],
    "interact_block": ["crafting_table", "chest", "furnace", "barrel"],
    "craft_item": ["oak_planks", "cobblestone", "stick", "iron_ingot", "string", "paper"],
    "smelt_item": ["iron_ore", "sand", "beef", "cod", "gold_ore", "potato"],
}
SKILL_GOAL = {"mine_block": "mine", "kill_entity": "kill", "interact_block": "use"}
GROUNDING_VERB = {"mine_block": "Mine", "kill_entity": "Kill", "interact_block": "Use"}
TURN_THRESHOLD_DEGREES = 3.0
"""The motion labeller writes `turn`/`cursor move` when the expert's tick turns more than this."""


@dataclass
class Goal:
    category: str
    target: str

    def done(self, sim) -> bool:
        if self.category in ("craft_item", "smelt_item"):
            cell = self.cell(sim)
            stack = None if cell is None else sim.gui.stack(cell)
            return stack is not None and stack.item == self.target
        return sim.stats.get(self.category, self.target) > 0  # the category names the statistics counter

    def cell(self, sim) -> int | None:
        if sim.gui is None:
            return None
        section = "input" if self.category == "smelt_item" else "craft"
        return next(s.index for s in sim.gui.slots if s.section == section)


def scene(category: str, target: str, seed: int) -> SceneSpec:
    if category == "mine_block":  # by hand, so mining takes Minecraft's hand-break time
        return SceneSpec(seed=seed, blocks_in_view=[BlocksInView(target, 2)])
    if category == "kill_entity":
        return SceneSpec(
            seed=seed, mobs=[MobGroup(target, 1, 3.0, 7.0)], inventory=[InventoryEntry("diamond_sword")]
        )
    if category == "interact_block":
        return SceneSpec(seed=seed, blocks=[BlockAt(target, 0, 0, 3)])
    if category == "craft_item":
        gui = "crafting_table" if seed % 2 else "inventory"
        return SceneSpec(seed=seed, open_gui=gui, inventory=[InventoryEntry(target, 8)])
    return SceneSpec(
        seed=seed, open_gui="furnace", inventory=[InventoryEntry(target, 4), InventoryEntry("coal", 4)]
    )


def privileged_target(sim, goal: Goal) -> tuple[str, sim_view.Target] | None:
    """The expert's next (verb, target), from privileged state (no frame needed)."""
    if goal.category in ("craft_item", "smelt_item"):
        if sim.gui is None:
            return None
        if sim_view.cursor_item(sim) == goal.target:
            return "Place", sim_view.Target("slot", None, goal.cell(sim))
        for s in sim.gui.slots:
            stack = sim.gui.stack(s.index)
            if s.section in ("main", "hotbar") and stack is not None and stack.item == goal.target:
                return "Pick", sim_view.Target("slot", goal.target, s.index)
        return None
    eye = sim.player.eye
    if goal.category == "kill_entity":
        alive = [i for i in range(len(sim.mobs)) if sim.mobs.alive[i] and sim.mobs.name(i) == goal.target]
        if not alive:
            return None
        best = min(alive, key=lambda i: float(np.linalg.norm(sim.mobs.pos[i] - eye)))
        return "Kill", sim_view.Target("mob", goal.target, best)
    x, y, z = (int(v) for v in eye)
    lo = np.maximum([x - 10, y - 10, z - 10], 0)
    box = sim.world.blocks[lo[0] : x + 11, lo[1] : y + 11, lo[2] : z + 11]
    cells = np.argwhere(box == BLOCK_IDS[goal.target]) + lo
    if not len(cells):
        return None
    best = cells[np.argmin(np.linalg.norm(cells + 0.5 - eye, axis=1))]
    return GROUNDING_VERB[goal.category], sim_view.Target("block", goal.target, tuple(int(c) for c in best))


def expert_tick(sim, goal: Goal) -> dict | None:
    """The expert's next raw tick (a fresh closed-loop controller on the privileged target)."""
    planned = privileged_target(sim, goal)
    if planned is None:
        return None
    controller = GroundingExecutor(sim, max_ticks=1)
    controller.track(*planned)
    return controller.next_tick(None)


def motion_label(tick: dict, in_gui: bool) -> MotionAction | None:
    raw = env_to_raw(tick)
    phrases = []
    for button, phrase in (("forward", "move forward"), ("jump", "jump")):
        if button in raw.buttons:
            phrases.append(phrase)
    horizontal = "left" if raw.dx * CAMERA_DEGREES_PER_UNIT < -TURN_THRESHOLD_DEGREES else None
    horizontal = "right" if raw.dx * CAMERA_DEGREES_PER_UNIT > TURN_THRESHOLD_DEGREES else horizontal
    vertical = "up" if raw.dy * CAMERA_DEGREES_PER_UNIT < -TURN_THRESHOLD_DEGREES else None
    vertical = "down" if raw.dy * CAMERA_DEGREES_PER_UNIT > TURN_THRESHOLD_DEGREES else vertical
    direction = " and ".join(d for d in (horizontal, vertical) if d)
    if direction:
        phrases.append(f"{'cursor move' if in_gui else 'turn'} {direction}")
    phrases += [p for b, p in (("attack", "attack"), ("use", "use")) if b in raw.buttons]
    return MotionAction(tuple(phrases)) if phrases else None


def label(space: str, sim, goal: Goal, codebook: LatentCodebook):
    """The expert's intent at this state, written in `space` (None: the space cannot express it here)."""
    tick = expert_tick(sim, goal)
    if space == "raw":
        return None if tick is None else env_to_raw(tick)
    if space == "motion":
        return None if tick is None else motion_label(tick, sim.gui is not None)
    if space == "latent":
        if tick is None:
            return None
        saved, chunk = sim.get_state(), []
        for _ in range(codebook.chunk_length):  # the expert's next chunk; no-op ticks once it is done
            tick = expert_tick(sim, goal) or no_op_env()
            chunk.append(tick_vector(tick))
            sim.step(tick)
        sim.set_state(saved)
        return LatentAction(int(codebook.encode(np.stack(chunk))))
    in_gui = goal.category in ("craft_item", "smelt_item")
    if space == "skill":
        if in_gui:
            return SkillAction("smelt" if goal.category == "smelt_item" else "craft", goal.target)
        seen = sim_view.find_in_view(sim, goal.target, 12) is not None
        return SkillAction(SKILL_GOAL[goal.category] if seen else "look for", goal.target)
    planned = privileged_target(sim, goal)
    if planned is None:
        return None
    verb, target = planned
    if in_gui:
        x, y = sim_view.slot_center(sim, target.key)
        return GroundingAction(verb, goal.target, (round(x), round(y)))
    point = sim_view.find_in_view(sim, goal.target, 16)
    return None if point is None else GroundingAction(verb, goal.target, point)


def sample_state(category: str, target: str, seed: int, rng: random.Random) -> tuple[MineSim, Goal]:
    """The scene, a random head turn (world tasks), then a random number of expert ticks short of the goal."""
    gui = category in ("craft_item", "smelt_item")
    turn, prefix = (0.0 if gui else rng.uniform(-150.0, 150.0)), rng.randint(0, 4 if gui else 10)
    while True:
        sim = MineSim(96, 96)
        sim.reset(scene(category, target, seed))
        sim.player.turn(0.0, turn)
        goal = Goal(category, target)
        for _ in range(prefix):
            tick = expert_tick(sim, goal)
            if tick is None:
                break
            sim.step(tick)
        if not goal.done(sim) or prefix == 0:
            return sim, goal
        prefix //= 2


def run(space: str, sim, goal: Goal, budget: int, codebook, tokenizer) -> dict:
    executors = minesim_executors(sim, codebook=codebook, max_ticks=budget)
    ticks = calls = tokens = unlabelled = 0
    while ticks < budget and not goal.done(sim):
        action = label(space, sim, goal, codebook)
        calls += 1
        if action is None:
            unlabelled += 1
            sim.step(no_op_env())
            ticks += 1
            continue
        tokens += len(tokenizer.encode(format_action(action), add_special_tokens=False))
        executor = executors.begin(action, None).executor
        while ticks < budget and (tick := executor.next_tick(None)) is not None:
            sim.step(tick)
            ticks += 1
            if goal.done(sim):
                break
    return {
        "success": goal.done(sim),
        "calls": calls,
        "tokens": tokens,
        "ticks": ticks,
        "unlabelled": unlabelled,
    }


def fit_codebook(states: int, budget: int, num_codes: int, seed: int) -> LatentCodebook:
    """k-means over 4-tick chunks of expert ticks on seeds the evaluation does not use."""
    rng, episodes = random.Random(seed), []
    for category, targets in TARGETS.items():
        for i in range(states):
            sim, goal = sample_state(category, targets[i % len(targets)], 50_000 + 100 * i + seed, rng)
            ticks = []
            while len(ticks) < budget and not goal.done(sim) and (tick := expert_tick(sim, goal)) is not None:
                ticks.append(tick)
                sim.step(tick)
            episodes.append(ticks)
    return LatentCodebook.fit(
        episode_chunks([e for e in episodes if len(e) >= 4], 4, stride=1), num_codes, seed=seed
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=8, help="sampled states per category")
    parser.add_argument("--budget", type=int, default=200, help="tick budget per run")
    parser.add_argument("--codes", type=int, default=32, help="latent codebook size")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    tokenizer = build_tokenizer(2000)
    codebook = fit_codebook(max(2, args.states // 2), args.budget, args.codes, args.seed)
    rng = random.Random(args.seed)
    table: dict[str, dict[str, dict]] = {}
    for category, targets in TARGETS.items():
        runs: dict[str, list[dict]] = {space: [] for space in SPACES}
        for i in tqdm(range(args.states), desc=category, file=sys.stderr):
            seed = 1000 * (1 + list(TARGETS).index(category)) + i + args.seed
            state_rng = random.Random(rng.random())
            state_seed = state_rng.random()
            for space in SPACES:  # every space starts from the same sampled state
                sim, goal = sample_state(category, targets[i % len(targets)], seed, random.Random(state_seed))
                runs[space].append(run(space, sim, goal, args.budget, codebook, tokenizer))
        table[category] = {space: summarize(rows) for space, rows in runs.items()}
    overall = {space: summarize([c[space] for c in table.values()]) for space in SPACES}
    print(json.dumps({
        "benchmark": "executor_competence", "states_per_category": args.states, "tick_budget": args.budget,
        "latent_codes": codebook.num_codes, "seconds": round(time.perf_counter() - start, 1),
        "per_category": table, "mean_over_categories": overall,
    }, indent=2))  # fmt: skip


def summarize(rows: list[dict]) -> dict:
    """Means over runs (or over categories' means)."""
    return {
        k: round(float(np.mean([r[k] for r in rows])), 3)
        for k in ("success", "calls", "tokens", "ticks", "unlabelled")
    }


if __name__ == "__main__":
    main()
