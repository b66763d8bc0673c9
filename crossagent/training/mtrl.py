"""Multi-turn RL (MTRL): GRPO over whole episodes, reward = success less a token penalty.

    from crossagent.training.mtrl import train_mtrl
    from crossagent.training.mtrl_config import mtrl_arguments
    summary = train_mtrl(mtrl_arguments("tiny", model_name_or_path="out/crossagent-cs2", output_dir="out/mtrl"))

Read top to bottom, `train_mtrl` is the whole run:

1. check everything before a model is built: the model folder, the tasks (none `ood_unseen`: those
   targets appear in no action data), the asked-for spaces against the ones the model was trained on,
   the training worlds against the evaluation seeds, the output folder;
2. the training dataset: one row per (task, world); TRL's sampler repeats each row G times: the group;
3. GRPO with `MTRLTrainer`, TRL's `GRPOTrainer` with its generate-and-score step replaced
   (`_generate_and_score_completions`): the process's episodes (G per row) are played together by the
   batched rollout loop with a sampling model (`crossagent.training.mtrl_rollout`); each episode's reward
   (`crossagent.training.episode_reward`) is normalised within its group and given to every turn of
   the episode; groups without reward spread carry no signal and are skipped (counted in
   `frac_reward_zero_std`), as are groups with an episode the env gave up on; each remaining episode
   gives `turns_per_episode` rows (its turns drawn without replacement, cycled when it has fewer), each
   with its own frame, prompt and generated ids. TRL's loss (`_compute_loss`) is kept as it is;
4. save a complete model folder (weights, model code, processor, latent codebook, `mtrl_config.yaml`
   with the spaces it answers in), the per-step log (`mtrl_log.json`: training-task success, reward,
   tokens and calls per episode, space shares, skipped groups), the card, and last `mtrl_run.json`.
   `resume_from_checkpoint` continues from the last saved step (`save_steps` 1 by default: a killed run
   loses at most the step it was in).

Why a subclass: TRL 1.16's multi-turn paths step environments one at a time, need a tool-calling chat
template, and its `rollout_func` path keeps only the dataset's image column, so the frames a rollout
produces never reach the loss. This override returns, per turn, the prompt (with the turn's own frame as
`pixel_values`), the completion, its mask and the episode's advantage, in the layout `_compute_loss` reads.
"""

from __future__ import annotations

import collections
import json
import logging
import pathlib
import random
import time

import torch
import yaml
from datasets import Dataset

from crossagent.agents.model import check_model_folder
from crossagent.cards import CARD_FILE, crossagent_model_data, model_card, save_card
from crossagent.evaluation.mtrl_curves import success_window, window_success
from crossagent.evaluation.runner import select_eval_tasks
from crossagent.executors.cost import INVALID
from crossagent.executors.latent import CODEBOOK_FILE, model_codebook, trained_spaces
from crossagent.files import write_text_atomic
from crossagent.rollout.records import EpisodeSpec, training_world_seed
from crossagent.tasks import OOD_UNSEEN, get_task
from crossagent.tasks.suite import UnknownTaskError
from crossagent.training.episode_reward import episode_reward
from crossagent.training.mtrl_config import MTRLArguments
from crossagent.training.mtrl_rollout import PlayedEpisode, SamplingAgent, play_episodes
from crossagent.training.preset_arguments import run_settings
from crossagent.training.sft import check_output_dir, resolve_checkpoint, world_size
from crossagent.training.strl import CrossAgentGRPOTrainer, load_model_and_processor
from modeling_crossagent.action_spaces import ACTION_SPACES

logger = logging.getLogger(__name__)

RUN_FILE = "mtrl_run.json"
LOG_FILE = "mtrl_log.json"
CONFIG_FILE = "mtrl_config.yaml"
SPACE_COLUMNS = (*ACTION_SPACES, INVALID)


class EpisodeReward:
    """The episode reward as a TRL reward function: `success` and `tokens` per episode in, rewards out."""

    __name__ = "episode"

    def __init__(self, token_penalty: float, token_scale: float) -> None:
        self.token_penalty, self.token_scale = token_penalty, token_scale

    def __call__(self, success: list[bool], tokens: list[int], **_) -> list[float]:
        return [episode_reward(s, t, self.token_penalty, self.token_scale) for s, t in zip(success, tokens)]


def pick_turns(count: int, k: int, rng: random.Random) -> list[int]:
    """`k` turn indices of an episode of `count` turns: a random sample without replacement, or every turn
    cycled in order (then shuffled) when it has fewer, so every episode gives exactly `k` rows."""
    if count >= k:
        return sorted(rng.sample(range(count), k))
    return [i % count for i in range(k)]


def group_advantages(rewards: torch.Tensor, scale: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(advantages, zero-spread flags) for rewards of shape (groups, G): centred within each group,
    divided by the group's std (`group`), the whole batch's (`batch`) or nothing (`none`)."""
    mean = rewards.mean(dim=1, keepdim=True)
    std = rewards.std(dim=1, keepdim=True)
    advantages = rewards - mean
    if scale == "group":
        advantages = advantages / (std + 1e-4)
    elif scale == "batch":
        advantages = advantages / (rewards.std() + 1e-4)
    elif scale != "none":
        raise ValueError(f"scale_rewards={scale!r} must be 'group', 'batch' or 'none'")
    return advantages, torch.isclose(std.squeeze(1), torch.zeros_like(std.squeeze(1)))


class MTRLTrainer(CrossAgentGRPOTrainer):
    """GRPO whose generate-and-score step plays whole episodes (the module docstring, step 3)."""

    def __init__(self, *args, spaces=None, codebook=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.spaces = list(spaces) if spaces else None
        self.codebook = codebook
        self.rollout_seconds = 0.0

    def _group_rows(self, inputs: list[dict]) -> list[dict]:
        """The process's rows, one per group (TRL's sampler repeats each row G times in a row)."""
        g = self.num_generations
        if len(inputs) % g:
            raise ValueError(f"{len(inputs)} episodes per process is not a multiple of num_generations={g}")
        groups = [inputs[i : i + g] for i in range(0, len(inputs), g)]
        for group in groups:
            if any((row["task_id"], row["seed"]) != (group[0]["task_id"], group[0]["seed"]) for row in group):
                raise RuntimeError(
                    "a group's rows differ: TRL's RepeatSampler did not repeat rows G times in a row"
                )
        return [group[0] for group in groups]

    def _play(self, rows: list[dict]) -> list[list[PlayedEpisode]]:
        g = self.num_generations
        specs = [
            EpisodeSpec(get_task(row["task_id"]), index * g + j, row["seed"])
            for index, row in enumerate(rows)
            for j in range(g)
        ]
        logger.info("rank %d plays groups %s", self.accelerator.process_index,
                    [f"{row['task_id']}@{row['seed']}" for row in rows])  # fmt: skip
        model = self.accelerator.unwrap_model(self.model)
        was_training = model.training
        agent = SamplingAgent(
            model, self.processing_class, spaces=self.spaces, temperature=self.temperature,
            max_new_tokens=self.max_completion_length, latent_codebook=self.codebook,
        )  # fmt: skip
        start = time.perf_counter()
        try:
            episodes = play_episodes(agent, specs, num_envs=self.args.rollout_num_envs)
        finally:
            model.train(was_training)
        self.rollout_seconds = time.perf_counter() - start
        return [episodes[i : i + g] for i in range(0, len(episodes), g)]

    def _generate_and_score_completions(self, inputs: list[dict]) -> dict:
        mode = "train" if self.model.training else "eval"
        device = self.accelerator.device
        groups = self._play(self._group_rows(inputs))
        episodes = [e for group in groups for e in group]

        # Rewards and group advantages; a group with an episode the env gave up on is skipped too.
        rewards = torch.tensor(
            [
                self.reward_funcs[0](success=[e.success for e in g], tokens=[e.tokens for e in g])
                for g in groups
            ],
            dtype=torch.float32,
        )
        advantages, zero_spread = group_advantages(rewards, self.scale_rewards)
        crashed = torch.tensor([any(e.gave_up for e in g) for g in groups])
        rng = random.Random(hash((self.args.seed, self.state.global_step, self.accelerator.process_index)))
        picked: list[tuple[PlayedEpisode, int, float]] = []
        for group, group_advantage, skip in zip(
            groups, advantages.tolist(), (zero_spread | crashed).tolist()
        ):
            if skip:
                continue
            for episode, advantage in zip(group, group_advantage):
                if episode.turns:
                    picked += [(episode, i, advantage) for i in pick_turns(len(episode.turns), self.args.turns_per_episode, rng)]  # fmt: skip
        output = self._turn_batch(picked, episodes[0], device)
        self._log_rollout(mode, groups, rewards, zero_spread, crashed, len(picked))
        return output

    def _turn_batch(
        self, picked: list[tuple[PlayedEpisode, int, float]], fallback: PlayedEpisode, device
    ) -> dict:
        """The rows `_compute_loss` reads; padded (zero completion mask: no loss) to a multiple of
        `steps_per_generation` rows, at least one row per chunk when no group had a signal."""
        spg = self.args.steps_per_generation
        weights = [1.0] * len(picked)
        if not picked:  # nothing to learn this step: a placeholder row the loss gives no weight
            if not fallback.turns:
                raise RuntimeError(
                    f"episode of {fallback.spec.task.id} has no turns: the model was never called"
                )
            picked, weights = [(fallback, 0, 0.0)], [0.0]
        while len(picked) % spg:
            picked.append((picked[0][0], picked[0][1], 0.0))
            weights.append(0.0)
        turns = [episode.turns[i] for episode, i, _ in picked]
        inputs = self.processing_class.prepare_act_inputs(
            [t.frame for t in turns], [e.spec.task.instruction for e, _, _ in picked], [t.history for t in turns],
            spaces=self.spaces,
        ).to(device)  # fmt: skip
        width = max(len(t.completion_ids) for t in turns)
        pad = self.processing_class.tokenizer.pad_token_id
        completion_ids = torch.full((len(turns), width), pad, dtype=torch.long)
        completion_mask = torch.zeros((len(turns), width), dtype=torch.long)
        sampling_logps = torch.zeros((len(turns), width), dtype=torch.float32)
        for row, (turn, weight) in enumerate(zip(turns, weights)):
            n = len(turn.completion_ids)
            completion_ids[row, :n] = torch.tensor(turn.completion_ids)
            completion_mask[row, :n] = int(weight > 0)
            sampling_logps[row, :n] = torch.tensor(turn.logps)
        completion_ids, completion_mask = completion_ids.to(device), completion_mask.to(device)
        local_items = completion_mask.sum().float()
        output = {
            "prompt_ids": inputs["input_ids"],
            "prompt_mask": inputs["attention_mask"],
            "completion_ids": completion_ids,
            "completion_mask": completion_mask,
            "advantages": torch.tensor([a for _, _, a in picked], dtype=torch.float32, device=device),
            "num_items_in_batch": self.accelerator.gather(local_items.unsqueeze(0)).sum(),
            "sampling_per_token_logps": sampling_logps.to(device),
            "pixel_values": inputs["pixel_values"],
            "num_images": [1] * len(turns),
        }
        # Like TRL: the old policy's log-probs are needed only when a generation is trained on over several
        # optimizer steps (otherwise `_compute_loss` uses the current ones, detached).
        if self.args.gradient_accumulation_steps % spg != 0 or self.num_iterations > 1:
            with torch.no_grad():
                output["old_per_token_logps"], _, _ = self._get_per_token_logps_and_entropies(
                    self.model, torch.cat([output["prompt_ids"], completion_ids], 1),
                    torch.cat([output["prompt_mask"], completion_mask], 1), width,
                    batch_size=self.args.per_device_train_batch_size, pixel_values=output["pixel_values"],
                    num_images=output["num_images"],
                )  # fmt: skip
        return output

    def _log_rollout(self, mode, groups, rewards, zero_spread, crashed, rows: int) -> None:
        """Per-step metrics, averaged over processes (TRL's `log` averages each list over the logging steps)."""
        episodes = [e for g in groups for e in g]
        spaces = collections.Counter()
        for episode in episodes:
            spaces.update(turn.space for turn in episode.turns)
        calls = sum(spaces.values())
        local = torch.tensor(
            [
                len(episodes),
                sum(e.success for e in episodes),
                sum(e.tokens for e in episodes),
                calls,
                float(rewards.sum()),
                float(zero_spread.sum()),
                float(crashed.sum()),
                len(groups),
                rows,
                self.rollout_seconds,
                *[spaces[s] for s in SPACE_COLUMNS],
            ],
            dtype=torch.float64,
            device=self.accelerator.device,
        )
        total = self.accelerator.gather(local.unsqueeze(0)).sum(0).tolist()
        n_episodes, successes, tokens, n_calls, reward_sum, zero, gave_up, n_groups, n_rows, seconds = total[
            :10
        ]
        metrics = self._metrics[mode]
        metrics["episodes/played"].append(n_episodes)
        metrics["episodes/success_rate"].append(successes / n_episodes)
        metrics["episodes/tokens"].append(tokens / n_episodes)
        metrics["episodes/calls"].append(n_calls / n_episodes)
        metrics["reward"].append(reward_sum / n_episodes)
        metrics["rewards/episode/mean"].append(reward_sum / n_episodes)
        metrics["reward_std"].append(float(rewards.std()) if rewards.numel() > 1 else 0.0)
        metrics["frac_reward_zero_std"].append(zero / n_groups)
        metrics["groups/gave_up"].append(gave_up / n_groups)
        metrics["turns/trained"].append(n_rows)
        metrics["rollout/episodes_per_s"].append(
            n_episodes / max(seconds / self.accelerator.num_processes, 1e-9)
        )
        for space, count in zip(SPACE_COLUMNS, total[10:]):
            metrics[f"spaces/{space}"].append(count / max(n_calls, 1))


def step_log(log_history: list[dict]) -> list[dict]:
    """Per MTRL step: training-task success, reward, tokens and calls per episode, space shares of the
    calls, share of groups skipped for lack of reward spread."""
    return [
        {
            "step": entry["step"],
            "success_rate": entry["episodes/success_rate"],
            "episodes": entry.get("episodes/played"),
            "reward": entry.get("reward"),
            "tokens_per_episode": entry.get("episodes/tokens"),
            "calls_per_episode": entry.get("episodes/calls"),
            "space_share": {s: entry.get(f"spaces/{s}", 0.0) for s in SPACE_COLUMNS},
            "zero_spread_groups": entry.get("frac_reward_zero_std"),
            "turns_trained": entry.get("turns/trained"),
            "episodes_per_s": entry.get("rollout/episodes_per_s"),
        }
        for entry in log_history
        if "episodes/success_rate" in entry
    ]


def check_spaces(folder: str, asked: tuple[str, ...] | None) -> tuple[str, ...]:
    """The spaces the run trains in: the asked ones, each of which the model must have been trained on."""
    trained = trained_spaces(folder)
    if asked is None:
        return trained
    missing = [s for s in asked if s not in trained]
    if missing:
        raise ValueError(
            f"action_spaces={','.join(asked)}: the model in {folder} was trained on {list(trained)} only, so it "
            f"cannot answer in {missing}; start from a model trained on those spaces or ask for a subset of them."
        )
    return asked


def training_rows(script) -> list[dict]:
    """One row per (task, world) of the run's tasks; errors for `ood_unseen` tasks and evaluation worlds."""
    try:
        tasks = select_eval_tasks(script.task_filters, script.split)
    except UnknownTaskError as error:  # a KeyError: the scripts report ValueErrors as one line
        raise ValueError(f"tasks={script.tasks!r}: {error}") from None
    unseen = [t.id for t in tasks if t.split == OOD_UNSEEN]
    if unseen:
        raise ValueError(
            f"tasks: {unseen[:5]} {'...' if len(unseen) > 5 else ''}are ood_unseen, whose targets must appear in "
            "no action data; choose in_domain or ood_seen tasks (--split in_domain)."
        )
    return [
        {
            "task_id": task.id,
            "world": script.first_world + w,
            "seed": training_world_seed(task, script.first_world + w, f"first_world={script.first_world}"),
            "prompt": task.instruction,
        }
        for task in tasks
        for w in range(script.worlds_per_task)
    ]


def train_mtrl(args: MTRLArguments, callbacks: list | None = None) -> dict:
    """Run one MTRL; returns the summary also written to `<output_dir>/mtrl_run.json`."""
    script, config = args
    # 1. Every input problem fails here, before any model is built.
    check_model_folder(script.model_name_or_path)
    spaces = check_spaces(script.model_name_or_path, script.spaces)
    rows = training_rows(script)
    checkpoint = resolve_checkpoint(config.output_dir, config.resume_from_checkpoint)
    out = pathlib.Path(config.output_dir)
    if (out / RUN_FILE).is_file() and checkpoint is None and not config.overwrite_output_dir:
        raise ValueError(
            f"output_dir {out} already holds a finished MTRL model ({RUN_FILE}); choose another --output_dir, "
            "resume it with --resume_from_checkpoint, or pass --overwrite_output_dir to replace it."
        )
    check_output_dir(config.output_dir, checkpoint, True)

    # 2-3. The (task, world) rows, then GRPO over their episodes.
    model, processor = load_model_and_processor(script.model_name_or_path)
    codebook = model_codebook(script.model_name_or_path, spaces)
    prompt_spaces = None if set(spaces) == set(ACTION_SPACES) else spaces
    trainer = MTRLTrainer(
        model=model,
        reward_funcs=[EpisodeReward(config.token_penalty, config.token_scale)],
        args=config,
        train_dataset=Dataset.from_list(rows),
        processing_class=processor,
        callbacks=callbacks,
        spaces=prompt_spaces,
        codebook=codebook,
    )
    logger.info("MTRL on %d (task, world) rows from %s in spaces %s, resume from %s",
                len(rows), script.model_name_or_path, list(spaces), checkpoint)  # fmt: skip
    result = trainer.train(resume_from_checkpoint=checkpoint)

    # 4. Save the folder and the logs; the run file last.
    trainer.save_model(str(out))
    steps = step_log(trainer.state.log_history)  # a resumed run's state holds the earlier steps too
    summary = {
        "global_step": trainer.state.global_step,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "resumed_from": checkpoint,
        "started_from": script.model_name_or_path,
        "action_spaces": list(spaces),
        "tasks": len({r["task_id"] for r in rows}),
        "world_size": world_size(),
        "success_window": success_window(len(steps)),
        "first_success_rate": window_success(steps[: success_window(len(steps))]),
        "final_success_rate": window_success(steps[-success_window(len(steps)) :]),
    }
    if trainer.is_world_process_zero():
        processor.save_pretrained(out)
        if codebook is not None:
            codebook.save(out / CODEBOOK_FILE)
        write_text_atomic(out / LOG_FILE, json.dumps(steps, indent=1))
        # `action_spaces` is read back by `trained_spaces`: the spaces its prompts name.
        settings = run_settings(script, config, action_spaces=",".join(spaces))
        write_text_atomic(out / CONFIG_FILE, yaml.safe_dump(settings, sort_keys=False))
        save_card(_card(out.name, script, config, summary, steps), out / CARD_FILE)
        write_text_atomic(out / RUN_FILE, json.dumps(summary, indent=2))
    trainer.accelerator.wait_for_everyone()
    return {"output_dir": str(out), **summary}


def _card(name: str, script, config, summary: dict, steps: list[dict]):
    return model_card(
        "crossagent_mtrl.md.jinja",
        crossagent_model_data(name, tags=("grpo", "trl", "multi-turn")),
        model_name=name,
        base_model=pathlib.Path(script.model_name_or_path).name,
        summary=summary,
        steps=steps,
        config=config,
    )
