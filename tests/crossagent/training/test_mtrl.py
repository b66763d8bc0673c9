"""MTRL end to end on the real TRL GRPOTrainer subclass, a tiny model and real MineSim episodes."""

from __future__ import annotations

import dataclasses
import json
import math
import random
import shutil

import pytest
import torch
from datasets import Dataset

from crossagent.evaluation.mtrl_curves import success_window, window_success
from crossagent.rollout.records import EpisodeSpec, episode_seed
from crossagent.tasks import get_task, load_suite
from crossagent.training.episode_reward import check_token_penalty, episode_reward
from crossagent.training.mtrl import (
    EpisodeReward,
    MTRLTrainer,
    group_advantages,
    pick_turns,
    train_mtrl,
)
from crossagent.training.mtrl_config import mtrl_arguments, parse_mtrl_arguments
from crossagent.training.mtrl_rollout import SamplingAgent, play_episodes

TASK = "mine_block:oak_log"


def _args(model, out, **overrides):
    values = dict(
        model_name_or_path=str(model), output_dir=str(out), tasks=TASK, worlds_per_task=2, max_steps=1,
        num_generations=2, per_device_train_batch_size=2, turns_per_episode=3, max_completion_length=4,
        report_to="none", disable_tqdm=True,
    )  # fmt: skip
    return mtrl_arguments("tiny", **{**values, **overrides})


def test_a_success_always_scores_above_a_failure_and_fewer_tokens_score_more():
    for penalty in (0.0, 0.2, 0.99):
        successes = [episode_reward(True, tokens, penalty, 1000) for tokens in (0, 10, 999, 1000, 10**6)]
        assert min(successes) >= 1 - penalty > 0
        assert successes == sorted(successes, reverse=True)
        # Failures all score 0 whatever they cost: a cheap failure is never better than a dear one.
        assert {episode_reward(False, tokens, penalty, 1000) for tokens in (0, 5, 10**6)} == {0.0}
    assert episode_reward(True, 500, 0.2, 1000) == pytest.approx(0.9)
    for bad in (1.0, -0.1, math.nan):
        with pytest.raises(ValueError, match="token_penalty"):
            check_token_penalty(bad, 1000)
    with pytest.raises(ValueError, match="token_scale"):
        check_token_penalty(0.2, 0)


def test_group_advantages_centre_within_groups_and_flag_groups_without_spread():
    rewards = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.9, 0.8, 0.0, 0.0]])
    advantages, flat = group_advantages(rewards, "group")
    assert flat.tolist() == [False, True, False]
    assert advantages[0, 0] > 0 > advantages[0, 1] and torch.allclose(
        advantages.sum(1), torch.zeros(3), atol=1e-5
    )
    assert advantages[1].abs().max() == 0 and advantages[2, 0] > advantages[2, 1] > 0
    raw, _ = group_advantages(rewards, "none")
    assert raw[0].tolist() == pytest.approx([0.75, -0.25, -0.25, -0.25])
    with pytest.raises(ValueError, match="scale_rewards"):
        group_advantages(rewards, "episode")


def test_pick_turns_gives_every_episode_the_same_number_of_rows():
    rng = random.Random(0)
    many = pick_turns(50, 8, rng)
    assert len(many) == len(set(many)) == 8 and many == sorted(many) and max(many) < 50
    assert pick_turns(3, 8, rng) == [0, 1, 2, 0, 1, 2, 0, 1]


def test_bad_inputs_fail_before_any_rollout(base_model_dir, tmp_path):
    with pytest.raises(ValueError, match="num_generations=1 must be >= 2"):
        _args(base_model_dir, tmp_path / "a", num_generations=1)
    with pytest.raises(ValueError, match=r"token_penalty=1\.5 must be in \[0, 1\)"):
        _args(base_model_dir, tmp_path / "a", token_penalty=1.5)
    with pytest.raises(ValueError, match=r"(divisible by|multiple of) num_generations"):
        _args(base_model_dir, tmp_path / "a", per_device_train_batch_size=3)
    with pytest.raises(ValueError, match="matches no task"):
        train_mtrl(_args(base_model_dir, tmp_path / "a", tasks="mine_block:unobtainium"))
    unseen = next(t.id for t in load_suite() if t.split == "ood_unseen")
    with pytest.raises(ValueError, match="ood_unseen"):
        train_mtrl(_args(base_model_dir, tmp_path / "a", tasks=unseen, split="ood_unseen"))
    with pytest.raises(ValueError, match=r"action_spaces='raw,teleport'"):
        _args(base_model_dir, tmp_path / "a", action_spaces="raw,teleport")
    raw_only = tmp_path / "raw-model"
    shutil.copytree(base_model_dir, raw_only)
    (raw_only / "sft_config.yaml").write_text("dataset_config: raw\n")
    with pytest.raises(ValueError, match=r"trained on \['raw'\] only, so it cannot answer in \['motion'\]"):
        train_mtrl(_args(raw_only, tmp_path / "a", action_spaces="motion"))
    assert not (tmp_path / "a").exists()


def test_training_worlds_never_replay_an_evaluation_world(base_model_dir, tmp_path):
    from crossagent.training.mtrl import training_rows

    script, _ = _args(base_model_dir, tmp_path / "a", worlds_per_task=3)
    rows = training_rows(script)
    task = get_task(TASK)
    assert [r["seed"] for r in rows] == [task.scene["seed"] + 1000 + w for w in range(3)]
    assert not {r["seed"] for r in rows} & {episode_seed(task, k) for k in range(64)}


def _short(task_id: str, ticks: int):
    """The real task with a shorter step budget: a fresh model's episodes run to the budget."""
    return dataclasses.replace(get_task(task_id), max_ticks=ticks)


def test_each_turn_enters_the_loss_with_its_own_frame_and_its_sampling_log_probs(base_model_dir, tmp_path):
    from modeling_crossagent.modeling_crossagent import CrossAgentForActions
    from modeling_crossagent.processing_crossagent import CrossAgentProcessor

    model = CrossAgentForActions.from_pretrained(base_model_dir)
    processor = CrossAgentProcessor.from_pretrained(base_model_dir)
    task = _short("kill_entity:cow", 6)
    specs = [EpisodeSpec(task, i, task.scene["seed"] + 1000) for i in range(2)]
    torch.manual_seed(0)
    episodes = play_episodes(SamplingAgent(model, processor, max_new_tokens=5), specs, num_envs=2)
    assert [e.spec.episode for e in episodes] == [0, 1]
    assert all(
        len(e.turns) == sum(e.outcome.calls_per_space.values()) + e.outcome.invalid_actions for e in episodes
    )
    assert all(sum(len(t.completion_ids) for t in e.turns) == e.tokens for e in episodes)
    # Two episodes of one world differ only by what was sampled: the frames of their first turns agree.
    assert (episodes[0].turns[0].frame == episodes[1].turns[0].frame).all()

    _, config = _args(base_model_dir, tmp_path / "t", turns_per_episode=4)
    trainer = MTRLTrainer(
        model=model, reward_funcs=[EpisodeReward(0.2, 1000)], args=config,
        train_dataset=Dataset.from_list([{"prompt": "x", "task_id": TASK, "seed": 1}]),
        processing_class=processor,
    )  # fmt: skip
    picked = [(e, i, 0.5) for e in episodes for i in range(len(e.turns))]
    batch = trainer._turn_batch(picked, episodes[0], torch.device("cpu"))
    rows = len(picked)
    assert batch["pixel_values"].shape[0] == rows and batch["num_images"] == [1] * rows
    assert batch["completion_mask"].sum() == sum(len(e.turns[i].completion_ids) for e, i, _ in picked)
    # The loss's log-probs of each row, recomputed by TRL's own method from the rebuilt prompt and the row's
    # own frame, equal the sampling log-probs recorded during the rollout (temperature 1).
    with torch.no_grad():
        logps, _, _ = trainer._get_per_token_logps_and_entropies(
            trainer.model, torch.cat([batch["prompt_ids"], batch["completion_ids"]], 1),
            torch.cat([batch["prompt_mask"], batch["completion_mask"]], 1), batch["completion_ids"].shape[1],
            pixel_values=batch["pixel_values"], num_images=batch["num_images"],
        )  # fmt: skip
    mask = batch["completion_mask"].bool()
    assert torch.allclose(logps[mask], batch["sampling_per_token_logps"][mask], atol=2e-3)
    # A frame from another turn changes them: the frame really enters the loss.
    swapped = batch["pixel_values"].flip(0)
    with torch.no_grad():
        other, _, _ = trainer._get_per_token_logps_and_entropies(
            trainer.model, torch.cat([batch["prompt_ids"], batch["completion_ids"]], 1),
            torch.cat([batch["prompt_mask"], batch["completion_mask"]], 1), batch["completion_ids"].shape[1],
            pixel_values=swapped, num_images=batch["num_images"],
        )  # fmt: skip
    assert not torch.allclose(other[mask], logps[mask], atol=1e-4)


def test_first_and_final_success_average_a_window_of_steps():
    steps = [{"success_rate": r} for r in (0.25, 0.75, 0.5, 0.0, 1.0)]
    assert window_success(steps[:2]) == 0.5 and window_success(steps[-3:]) == 0.5
    assert window_success([]) is None
    assert success_window(60) == 10 and success_window(5) == 2 and success_window(1) == 1


def test_one_step_saves_a_loadable_model_and_resume_continues(base_model_dir, tmp_path):
    from transformers import AutoModel

    out = tmp_path / "mtrl"
    summary = train_mtrl(_args(base_model_dir, out, tasks="kill_entity:cow"))
    assert summary["global_step"] == 1 and summary["world_size"] == 1
    log = json.loads((out / "mtrl_log.json").read_text())
    assert len(log) == 1 and log[0]["success_rate"] == 0.0
    # A fresh model never succeeds: the one group has no reward spread and is skipped.
    assert log[0]["zero_spread_groups"] == 1.0 and log[0]["calls_per_episode"] > 0
    assert abs(sum(log[0]["space_share"].values()) - 1.0) < 1e-6
    assert (out / "mtrl_config.yaml").is_file() and (out / "README.md").is_file()
    AutoModel.from_pretrained(out, trust_remote_code=True)
    resumed = train_mtrl(
        _args(base_model_dir, out, tasks="kill_entity:cow", max_steps=2, resume_from_checkpoint="latest")
    )
    assert resumed["global_step"] == 2 and resumed["resumed_from"].endswith("checkpoint-1")
    assert (
        resumed["success_window"] == 1 and resumed["first_success_rate"] == resumed["final_success_rate"] == 0
    )
    assert [s["step"] for s in json.loads((out / "mtrl_log.json").read_text())] == [1, 2]
    with pytest.raises(ValueError, match="already holds a finished MTRL model"):
        train_mtrl(_args(base_model_dir, out, tasks="kill_entity:cow"))


def test_the_parser_reads_preset_yaml_and_flags(tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("preset: tiny\ntoken_penalty: 0.3\n")
    script, training = parse_mtrl_arguments(
        ["--config", str(config), "--model_name_or_path", "m", "--output_dir", "o", "--action_spaces", "raw"]
    )
    assert training.token_penalty == 0.3 and training.num_generations == 4 and script.spaces == ("raw",)
    with pytest.raises(ValueError, match="token_penalty"):
        parse_mtrl_arguments(["--model_name_or_path", "m", "--token_penalty", "2"])


@pytest.mark.slow  # ~1-2 min: two processes import the stack and play their own groups
def test_torchrun_two_processes_each_roll_out_their_own_groups(base_model_dir, tmp_path):
    import os
    import pathlib
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    repo = pathlib.Path(__file__).resolve().parents[3]
    out = tmp_path / "ddp"
    command = [
        sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", str(port),
        str(repo / "trainers" / "mtrl.py"), "--preset", "tiny", "--model_name_or_path", str(base_model_dir),
        "--output_dir", str(out), "--tasks", "kill_entity:cow,kill_entity:pig", "--worlds_per_task", "1",
        "--max_steps", "1", "--per_device_train_batch_size", "2", "--num_generations", "2",
        "--max_completion_length", "3", "--report_to", "none",
    ]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(repo)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    run = json.loads((out / "mtrl_run.json").read_text())
    assert run["world_size"] == 2 and run["global_step"] == 1
    played = [line for line in done.stderr.splitlines() if "plays groups" in line]
    groups = {line.split("plays groups")[1] for line in played}
    assert len(played) == 2 and len(groups) == 2, played  # each rank its own (task, world) groups
    assert json.loads((out / "mtrl_log.json").read_text())[0]["episodes"] == 4
