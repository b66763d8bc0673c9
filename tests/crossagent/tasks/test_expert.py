"""The scripted expert solves tasks in MineSim through the executors and labels every decision."""

import numpy as np
import pytest

from crossagent.evaluation.check import check_controllers, check_tasks, format_table
from crossagent.sim.sim import MineSim
from crossagent.tasks import get_task
from crossagent.tasks.expert import run_expert
from modeling_crossagent.action_parsing import parse

SOLVED = [
    "mine_block:oak_log", "mine_block:obsidian", "mine_block:sand", "kill_entity:cow", "kill_entity:zombie",
    "kill_entity:iron_golem", "interact_block:anvil", "craft_item:paper", "craft_item:shulker_box",
    "craft_item:honeycomb_block",
]  # fmt: skip


@pytest.fixture(scope="module")
def sim():
    return MineSim(width=64, height=64)


@pytest.mark.parametrize("task_id", SOLVED)
def test_expert_solves_within_budget_and_labels_every_decision(sim, task_id):
    task = get_task(task_id)
    episode = run_expert(task, sim)
    assert episode.success and episode.ticks <= task.max_ticks
    assert sim.stats.first_tick(task.success.kind, task.success.name) == episode.ticks - 1
    assert sum(d.ticks for d in episode.decisions) == len(episode.raw_ticks) == episode.ticks
    for decision in episode.decisions:
        texts = decision.texts()
        for space, text in texts.items():
            if text is not None:  # every label is valid model output of its space
                assert parse(text).space == space
        assert texts["skill"].endswith(task.target)
    grounded = [d.grounding for d in episode.decisions if d.grounding is not None]
    assert grounded, "the expert acts through the grounding executor"
    if task.category == "craft_item":
        assert {g.verb for g in grounded} >= {"Pick", "Place", "Click"}


def test_expert_records_frames_and_states_for_replay(sim):
    task = get_task("mine_block:dirt")
    episode = run_expert(task, sim, record_frames=True, record_states=True)
    assert len(episode.frames) == len(episode.states) == len(episode.decisions)
    assert episode.frames[0].shape == (64, 64, 3)
    sim.set_state(episode.states[-1])
    assert sim.tick == episode.decisions[-1].tick


def test_tick_frames_show_each_tick_and_leave_the_episode_unchanged(sim):
    task = get_task("kill_entity:cow")
    plain = run_expert(task, sim, record_frames=True)
    dense = run_expert(task, sim, record_frames=True, record_tick_frames=True)
    assert dense.raw_ticks == plain.raw_ticks and plain.tick_frames == []
    assert len(dense.tick_frames) == len(dense.raw_ticks) > len(dense.decisions)
    assert all(np.array_equal(a, b) for a, b in zip(plain.frames, dense.frames, strict=True))
    start = 0
    for decision, frame in zip(dense.decisions, dense.frames):
        assert np.array_equal(dense.tick_frames[start], frame)  # a decision's first tick shows its frame
        start += decision.ticks
    assert not all(np.array_equal(f, dense.tick_frames[0]) for f in dense.tick_frames)


def test_expert_smelts(sim):
    assert run_expert(get_task("smelt_item:cooked_cod"), sim).success


def test_scene_furnace_survives_a_state_round_trip(sim):
    sim.reset(get_task("smelt_item:cooked_cod").scene)
    saved = sim.get_state()
    sim.set_state(saved)
    assert sim.gui is not None and sim.gui.container is not None
    assert sim.gui.container is next(iter(sim.containers.values()))


def test_check_plays_the_evaluations_random_agent_and_expert():
    from crossagent.agents.base import RandomAgent
    from crossagent.rollout.loop import RolloutConfig, run_rollout
    from crossagent.rollout.records import EpisodeSpec

    task = get_task("mine_block:obsidian")
    results = check_tasks([task], progress=False)
    assert [(r.expert_success, r.random_success) for r in results] == [(1.0, 0.0)]
    # the random agent's episode is the evaluation's: RandomAgent(seed=0) on episode 0, to the budget
    (outcome,) = run_rollout(RandomAgent(seed=0), [EpisodeSpec.of(task, 0)], RolloutConfig(frame_size=64))
    assert not outcome.success and outcome.steps == task.max_ticks


def test_check_table(sim):
    tasks = [get_task("interact_block:anvil"), get_task("mine_block:dirt")]
    results = check_tasks(tasks, progress=False)
    table = format_table(results)
    assert "| mine_block | 1 | 100.0% |" in table and "| interact_block | 1 | 100.0% |" in table
    assert "| **all** | 2 | 100.0% |" in table
    assert format_table(check_controllers(tasks, lambda: sim), random_agent=False).splitlines()[2:4] == [
        f"| mine_block | 1 | 100.0% | {run_expert(tasks[1], sim).ticks:.1f} | - |",
        f"| interact_block | 1 | 100.0% | {run_expert(tasks[0], sim).ticks:.1f} | - |",
    ]


def test_latent_labels_come_from_a_codebook_fitted_on_expert_ticks(sim):
    from crossagent.executors.latent import LatentCodebook, episode_chunks, tick_vector
    from crossagent.tasks.labels import assign_latent
    from modeling_crossagent.action_spaces import RawAction

    episodes = [run_expert(get_task(task_id), sim) for task_id in ("kill_entity:cow", "craft_item:paper")]
    codebook = LatentCodebook.fit(episode_chunks([e.raw_ticks for e in episodes], 4, stride=1), num_codes=8)
    centroids = codebook.centroids.reshape(8, -1)
    every_code = []
    for episode in episodes:
        assign_latent(episode.decisions, episode.raw_ticks, codebook)
        codes = [d.latent.index for d in episode.decisions]
        # each decision's label is the nearest centre to the 4 ticks it starts (no-op ticks past the end),
        # computed here from the decisions' tick counts, independently of the labeller
        starts = np.cumsum([0] + [d.ticks for d in episode.decisions[:-1]])
        padded = [*episode.raw_ticks, *[RawAction()] * 4]
        chunks = np.stack([[tick_vector(t) for t in padded[s : s + 4]] for s in starts])
        assert codes == codebook.encode(chunks).tolist()
        nearest = ((chunks.reshape(len(chunks), 1, -1) - centroids[None]) ** 2).sum(-1).argmin(1)
        assert codes == nearest.tolist()
        texts = [d.texts()["latent"] for d in episode.decisions]
        assert [parse(t, num_latent_codes=8).index for t in texts] == codes
        every_code += codes
    assert len(set(every_code)) > 2, "labels that vary: a constant label would pass the checks above"


def test_world_targets_are_in_view_at_reset(sim):
    from crossagent.tasks import select_tasks
    from crossagent.tasks.privileged import block_candidates, mob_candidates, pick_target

    for category in ("mine_block", "kill_entity", "interact_block"):
        for task in select_tasks(category=category):
            sim.reset(task.scene)
            find = mob_candidates if category == "kill_entity" else block_candidates
            target, point = pick_target(sim, find(sim, task.target))
            assert target is not None and point is not None, task.id
