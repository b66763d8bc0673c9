"""How often each action space's executor achieves the scripted expert's sub-goal, per task category.

    PYTHONPATH=. python benchmarks/executor_competence.py [--tasks 8] [--points 2] [--budget 200]

States come from the scripted expert's real trajectories (`crossagent.tasks.expert.run_expert` with
`record_states`): per category, a random sample of `--tasks` suite tasks, and on each trajectory
`--points` decision points (GUI waits excluded), restored with `MineSim.set_state`. The sub-goal is the
expert's intent at that decision: in the world, mine / kill / use the task's target (its success
statistic); in a GUI, the effect of the expert's click (`Pick` the right ingredient onto the cursor,
`Place`/`Click` it into the crafting grid or the furnace, `Click` the result to take it): every slot the
click changed and the cursor must hold what they held after the expert's click.

From each state every space gets the whole tick budget. At every decision point the space's labeller is
queried: the scripted expert's decision at the current state written in that space (as the mixed-action
data does; `crossagent.tasks.labels`): raw = its next tick; motion = the phrases of its next 4 ticks;
grounding = its grounding label (none while the target is out of view or it backs off: a no-op tick);
skill = its skill label; latent = the code of its next chunk (codebook fit on expert trajectories of
tasks outside the sample). The space's executor runs the label until it ends, and the run succeeds when
the sub-goal is met. Prints JSON: success rate, model calls, generated tokens (a byte-level BPE trained
on action text) and ticks per run, per category and space.
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

from crossagent.executors.base import no_op_env
from crossagent.executors.dispatch import minesim_executors
from crossagent.executors.latent import LatentCodebook, episode_chunks
from crossagent.executors.motion import MOTION_TICKS
from crossagent.executors.raw import env_to_raw
from crossagent.sim.sim import MineSim
from crossagent.tasks.expert import ScriptedExpert, run_expert, succeeded
from crossagent.tasks.labels import motion_label
from crossagent.tasks.suite import select_tasks
from crossagent.tasks.task import CATEGORIES, CRAFT_ITEM, SMELT_ITEM, Task
from modeling_crossagent.action_spaces import LatentAction, format_action

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from constrained_decoding import build_tokenizer  # sibling benchmark script

SPACES = ("raw", "motion", "grounding", "skill", "latent")
GUI_CATEGORIES = (CRAFT_ITEM, SMELT_ITEM)


def gui_contents(sim) -> tuple:
    """What every GUI slot and the cursor hold (empty when no GUI is open)."""
    if sim.gui is None:
        return ()
    return (*sim.gui.stacks(), sim.gui.cursor_stack)


@dataclass
class SubGoal:
    """The expert's intent at one decision point: the task's success event (world) or its click's effect."""

    task: Task
    changed: dict[int, object] | None = None
    """GUI only: index in `gui_contents` -> what it held after the expert's click."""

    def done(self, sim) -> bool:
        if succeeded(sim, self.task):
            return True
        if self.changed is None:
            return False
        contents = gui_contents(sim)
        return bool(contents) and all(contents[i] == want for i, want in self.changed.items())


def expert_ticks(sim, task: Task, count: int) -> list[dict]:
    """The scripted expert's next `count` ticks from the current state (the state is left unchanged)."""
    saved, ticks, expert = sim.get_state(), [], ScriptedExpert(task)
    while len(ticks) < count and not succeeded(sim, task):
        _, source, cap = expert.decide(sim)
        for _ in range(min(cap, count - len(ticks))):
            tick = source() or no_op_env()
            sim.step(tick)
            ticks.append(tick)
            if succeeded(sim, task):
                break
    sim.set_state(saved)
    return ticks


def label(space: str, sim, task: Task, codebook: LatentCodebook):
    """The expert's decision at this state written in `space` (None: the space has no label here)."""
    if space in ("grounding", "skill"):
        decision, _, _ = ScriptedExpert(task).decide(sim)
        return getattr(decision, space)
    count = {"raw": 1, "motion": MOTION_TICKS, "latent": codebook.chunk_length}[space]
    ticks = expert_ticks(sim, task, count)
    if not ticks:
        return None
    if space == "raw":
        return env_to_raw(ticks[0])
    if space == "motion":
        return motion_label(ticks, sim.gui is not None)
    ticks += [no_op_env()] * (count - len(ticks))  # no-op ticks once the expert is done
    return LatentAction(int(codebook.encode(episode_chunks([ticks], count))[0]))


def run(space: str, sim, goal: SubGoal, budget: int, codebook, tokenizer) -> dict:
    executors = minesim_executors(sim, codebook=codebook, max_ticks=budget)
    ticks = calls = tokens = unlabelled = 0
    while ticks < budget and not goal.done(sim):
        action = label(space, sim, goal.task, codebook)
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


def decision_points(task: Task, sim, points: int, rng: random.Random) -> list[tuple[bytes, SubGoal]]:
    """`points` states along the expert's trajectory of `task`, each with the expert's sub-goal there."""
    episode = run_expert(task, sim, record_states=True)
    gui = task.category in GUI_CATEGORIES
    eligible = [i for i, d in enumerate(episode.decisions) if not gui or d.grounding is not None]
    chosen = sorted(rng.sample(eligible, min(points, len(eligible))))
    out = []
    for i in chosen:
        goal = SubGoal(task)
        if gui and i + 1 < len(episode.states):  # the last click is the task's success itself
            sim.set_state(episode.states[i])
            before = gui_contents(sim)
            sim.set_state(episode.states[i + 1])
            after = gui_contents(sim)
            goal.changed = {j: a for j, (b, a) in enumerate(zip(before, after)) if a != b}
        out.append((episode.states[i], goal))
    return out


def fit_codebook(tasks: list[Task], num_codes: int, seed: int) -> LatentCodebook:
    """k-means over 4-tick chunks (stride 1) of the expert's raw ticks on `tasks`."""
    sim = MineSim(96, 96)
    episodes = [run_expert(task, sim).raw_ticks for task in tqdm(tasks, desc="codebook", file=sys.stderr)]
    chunks = episode_chunks([e for e in episodes if len(e) >= MOTION_TICKS], MOTION_TICKS, stride=1)
    return LatentCodebook.fit(chunks, num_codes, seed=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=8, help="sampled tasks per category")
    parser.add_argument("--points", type=int, default=2, help="decision points per expert trajectory")
    parser.add_argument("--budget", type=int, default=200, help="tick budget per run")
    parser.add_argument("--codes", type=int, default=32, help="latent codebook size")
    parser.add_argument("--codebook-tasks", type=int, default=4, help="tasks per category to fit it on")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start, rng = time.perf_counter(), random.Random(args.seed)
    tokenizer = build_tokenizer(2000)
    samples, held_out = {}, []
    for category in CATEGORIES:  # stratified: the same number of tasks from every category
        pool = select_tasks(category=category)
        picked = rng.sample(pool, min(len(pool), args.tasks + args.codebook_tasks))
        samples[category], held_out = picked[: args.tasks], held_out + picked[args.tasks :]
    codebook = fit_codebook(held_out, args.codes, args.seed)
    sim, table, states = MineSim(96, 96), {}, {}
    for category, tasks in samples.items():
        runs: dict[str, list[dict]] = {space: [] for space in SPACES}
        points = [p for task in tasks for p in decision_points(task, sim, args.points, rng)]
        states[category] = len(points)
        for state, goal in tqdm(points, desc=category, file=sys.stderr):
            for space in SPACES:  # every space starts from the same expert state
                sim.set_state(state)
                runs[space].append(run(space, sim, goal, args.budget, codebook, tokenizer))
        table[category] = {space: summarize(rows) for space, rows in runs.items()}
    overall = {space: summarize([c[space] for c in table.values()]) for space in SPACES}
    print(json.dumps({
        "benchmark": "executor_competence", "tasks_per_category": args.tasks,
        "points_per_trajectory": args.points, "states_per_category": states, "tick_budget": args.budget,
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
