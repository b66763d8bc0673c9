"""Episodes per second of multi-turn RL rollouts: the project's batched loop against TRL 1.16's pattern.

    PYTHONPATH=. python benchmarks/rollout_speed.py --model outputs/pipeline-tiny/models/crossagent \\
        --tasks 'mine_block:*' --split in_domain --episodes-per-task 3 --num-envs 8 --threads 1

The same model plays the same episodes (tasks x `--episodes-per-task` world seeds, real MineSim worlds,
sampling at temperature 1.0 with no top-k / top-p cut, as multi-turn GRPO trains) three ways:

- `batched`: what MTRL runs (`crossagent.training.mtrl_rollout.play_episodes` with a `SamplingAgent`): one
  model call per round for every active world, the shared system prefix computed once
  (`PrefixCachedDecoder`), rows leave the decode batch as they end, a finished world is refilled with the
  next episode at once, and the prompt is the fixed short one (frame, instruction, last k actions).
- `trl`: TRL 1.16's multi-turn pattern (GRPOTrainer with an `environment_factory`), in
  trl/trainer/grpo_trainer.py: `_generate_and_score_completions` draws one environment per rollout and
  calls `reset` on each in turn; `_generate` makes the first turn with `_generate_single_turn` (left-padded
  ids, plain `unwrapped_model.generate`, completions cut after the first EOS); `_tool_call_loop` then, while
  any rollout is active, calls each active rollout's environment method one after another in Python,
  appends the result as a new message after the completion (ids concatenated, `prompt_ids +
  completion_ids + suffix_ids`, no re-tokenising; the tool images are kept, so every earlier frame stays
  in the prompt) and makes ONE `_generate_single_turn` call over the still-active rollouts; a rollout
  whose next prompt reaches the model's context (`len(pct) >= max_model_len`) leaves the loop as it
  is. A batch of `--num-envs` rollouts runs until its last one ends; only then does the next batch
  start (TRL's `_generate` is called once per generation batch). Here the environment method is one
  decision: parse the text, run its executor in MineSim until it is done or the episode ends, and
  return the new frame as a user message (the CrossAgent chat template has no tool role). An episode
  cut by the context ends unsuccessful and is counted in `context_truncated`. Each frame's pixel values
  are computed once and kept (TRL re-runs the image processor over all tool images every turn): a
  small favour to this loop.
- `trl_fixed_prompt`: the same loop with the project's fixed short prompt rebuilt each turn (what a TRL
  `rollout_func` would do), separating per-decision speed from the cost of the growing conversation.

Prints one JSON object (also written to `--output`); docs/rollout-speed.md has a measured run. Wall and
CPU seconds are both given: where other processes share the cores, the wall-clock rates move with the
load while the CPU-second rates (one torch thread) barely do, so compare the CPU-second ratios there.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm
from transformers import GenerationConfig

from crossagent.agents.model import NotAModelFolderError, padded_rows
from crossagent.evaluation.runner import select_eval_tasks
from crossagent.executors.cost import INVALID
from crossagent.rollout.loop import NO_OP_TEXT, default_env_factory, default_executor_factory
from crossagent.rollout.records import EpisodeSpec
from crossagent.training.mtrl_rollout import SamplingAgent, play_episodes

TEMPERATURE = 1.0
"""Multi-turn GRPO samples at 1.0 (TRL's default too), with no top-k / top-p cut."""
TARGET_SPEEDUP = 5.0
"""Issue 18's target: the batched loop plays >= 5x the episodes per second of TRL's pattern."""


@dataclasses.dataclass
class LoopStats:
    """What one loop did and how long it took."""

    episodes: int = 0
    successes: int = 0
    decisions: int = 0
    """Model outputs acted on (one per world per turn)."""
    model_calls: int = 0
    """Batched model calls (`SamplingAgent.act` or `model.generate`)."""
    generated_tokens: int = 0
    """Tokens the decisions generated, up to and including each end token."""
    prompt_tokens: int | None = None
    """Prompt tokens the TRL loops fed to `generate` (padding excluded); None for `batched` (not counted)."""
    context_truncated: int = 0
    """Episodes cut because the conversation reached the model's context (TRL's `overlong`)."""
    seconds: float = 0.0
    """Wall-clock seconds of the loop (environments made, episodes played)."""
    cpu_seconds: float = 0.0
    """CPU seconds this process used meanwhile, all threads: less moved by other processes on shared cores."""

    @property
    def episodes_per_s(self) -> float:
        return self.episodes / self.seconds

    @property
    def decisions_per_s(self) -> float:
        return self.decisions / self.seconds

    @property
    def episodes_per_cpu_s(self) -> float:
        return self.episodes / self.cpu_seconds

    @property
    def decisions_per_cpu_s(self) -> float:
        return self.decisions / self.cpu_seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "episodes": self.episodes,
            "successes": self.successes,
            "success_rate": round(self.successes / max(self.episodes, 1), 4),
            "decisions": self.decisions,
            "decisions_per_episode": round(self.decisions / max(self.episodes, 1), 2),
            "model_calls": self.model_calls,
            "decisions_per_call": round(self.decisions / max(self.model_calls, 1), 2),
            "generated_tokens": self.generated_tokens,
            "prompt_tokens_per_decision": (
                None if self.prompt_tokens is None else round(self.prompt_tokens / max(self.decisions, 1), 1)
            ),
            "context_truncated": self.context_truncated,
            "wall_seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "episodes_per_s": round(self.episodes_per_s, 4),
            "decisions_per_s": round(self.decisions_per_s, 3),
            "episodes_per_cpu_s": round(self.episodes_per_cpu_s, 4),
            "decisions_per_cpu_s": round(self.decisions_per_cpu_s, 3),
        }


# ----- (a) the project's batched loop: exactly MTRL's rollout ------------------------------------
class _CountingAgent(SamplingAgent):
    """A `SamplingAgent` that counts its calls (nothing else changes)."""

    calls = 0

    def act(self, observations, tasks, histories):
        self.calls += 1
        return super().act(observations, tasks, histories)


def run_batched(agent: _CountingAgent, specs: Sequence[EpisodeSpec], num_envs: int) -> LoopStats:
    agent.calls = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    episodes = play_episodes(agent, specs, num_envs=num_envs)
    stats = LoopStats(model_calls=agent.calls)
    stats.seconds, stats.cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    for episode in episodes:
        stats.episodes += 1
        stats.successes += episode.success
        stats.decisions += len(episode.turns)
        stats.generated_tokens += episode.tokens
    return stats


# ----- (b) TRL's pattern ------------------------------------------------------------------------
class MineSimEnvironment:
    """One world as TRL's `environment_factory` makes it: `reset` per rollout, then one `act` per turn."""

    def __init__(self, frame_size: int, codebook: Any = None) -> None:
        self.env = default_env_factory(frame_size, "minesim")()
        self.executors = default_executor_factory(self.env, codebook)
        self.task = self.observation = None
        self.ticks, self.success = 0, False

    def reset(self, spec: EpisodeSpec) -> dict:
        self.task, self.ticks, self.success = spec.task, 0, False
        self.observation, _ = self.env.reset(seed=spec.seed, options={"task": spec.task})
        return self.observation

    def act(self, text: str) -> tuple[str, bool]:
        """Run one action to its end, as `crossagent.rollout.loop` does; (its space, whether the episode ended)."""
        started = self.executors.begin(text, self.observation)
        while (action := started.executor.next_tick(self.observation)) is not None:
            self.observation, _, terminated, _, info = self.env.step(action)
            self.ticks += 1
            events = info.get("events", ())
            self.success = any(self.task.success.matches(kind, name) for _, kind, name in events)
            if self.success or terminated or self.ticks >= self.task.max_ticks:
                return started.space, True
        return started.space, False


def generation_config(tokenizer: Any, image_token_id: int, max_new_tokens: int) -> GenerationConfig:
    """GRPOTrainer's `generation_kwargs` for plain transformers generation, at its default settings."""
    return GenerationConfig(
        max_new_tokens=max_new_tokens, do_sample=True, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=[tokenizer.eos_token_id], temperature=TEMPERATURE,
        top_p=1.0, top_k=0, min_p=None, repetition_penalty=1.0,
        suppress_tokens=[image_token_id],  # TRL: "A sampled image token would mismatch the image features"
        disable_compile=True,
    )  # fmt: skip


class _Rollout:
    """One rollout of a TRL batch: its environment and the conversation so far (ids and frames)."""

    def __init__(self, spec: EpisodeSpec, env: MineSimEnvironment) -> None:
        self.spec, self.env = spec, env
        self.ids: list[int] = []
        self.pixel_values: list[torch.Tensor] = []
        self.history: list[str] = []


@torch.inference_mode()
def _generate_single_turn(model, rollouts: list[_Rollout], config: GenerationConfig) -> list[list[int]]:
    """TRL's regular generation path: left-pad the ids, one `generate`, cut each row after its first EOS."""
    lengths = [len(r.ids) for r in rollouts]
    width = max(lengths)
    ids = torch.full((len(rollouts), width), config.pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(rollouts), width), dtype=torch.long)
    for row, (rollout, length) in enumerate(zip(rollouts, lengths)):
        ids[row, width - length :] = torch.tensor(rollout.ids)
        mask[row, width - length :] = 1
    pixel_values = torch.cat([p for r in rollouts for p in r.pixel_values])
    device = model.device
    sequences = model.generate(
        input_ids=ids.to(device), attention_mask=mask.to(device), pixel_values=pixel_values.to(device),
        generation_config=config,
    )  # fmt: skip
    completions = []
    for row in sequences[:, width:].tolist():
        ends = [i for i, token in enumerate(row) if token in config.eos_token_id]
        completions.append(row[: ends[0] + 1] if ends else row)
    return completions


def run_trl(
    agent: SamplingAgent, specs: Sequence[EpisodeSpec], num_envs: int, growing: bool, progress: Callable
) -> LoopStats:
    """TRL's multi-turn loop (the module docstring); `growing=False` rebuilds the fixed short prompt each turn."""
    model, processor = agent.model, agent.processor
    tokenizer = processor.tokenizer
    config = generation_config(tokenizer, model.config.image_token_id, agent.max_new_tokens)
    max_model_len = model.config.text_config.max_position_embeddings
    frame_size = agent.frame_size or 128
    history_length = processor.history_length
    # The feedback message after each completion: the new frame as a user turn, then the assistant's cue.
    feedback_text = processor.apply_chat_template(
        [{"role": "user", "content": [{"type": "image"}]}], tokenize=False, add_generation_prompt=True
    )

    def prompt(rollout: _Rollout, frame) -> None:
        """The fixed short prompt (what `batched` shows) as the rollout's whole conversation."""
        history = rollout.history[-history_length:] if history_length > 0 else []
        inputs = processor.prepare_act_inputs(
            [frame], [rollout.spec.task.instruction], [history], agent.spaces
        )
        rollout.ids, rollout.pixel_values = inputs["input_ids"][0].tolist(), [inputs["pixel_values"]]

    stats, pool = LoopStats(prompt_tokens=0), []
    start, cpu_start = time.perf_counter(), time.process_time()
    for first in range(0, len(specs), num_envs):
        batch = specs[first : first + num_envs]
        while len(pool) < len(batch):  # TRL keeps a pool and creates instances only when a batch needs more
            pool.append(MineSimEnvironment(frame_size, agent.latent_codebook))
        rollouts = [_Rollout(spec, env) for spec, env in zip(batch, pool)]
        for rollout in rollouts:  # `environment.reset(**x)`, one after another
            prompt(rollout, rollout.env.reset(rollout.spec)["image"])
        active = rollouts
        while active:
            completions = _generate_single_turn(model, active, config)
            stats.model_calls += 1
            stats.prompt_tokens += sum(len(r.ids) for r in active)
            texts = processor.decode_actions(padded_rows(completions, tokenizer.pad_token_id))
            still = []
            for rollout, completion, text in zip(active, completions, texts):  # the tools, one after another
                stats.decisions += 1
                stats.generated_tokens += len(completion)
                space, ended = rollout.env.act(text)
                rollout.history.append(NO_OP_TEXT if space == INVALID else text)
                if not ended and growing:
                    frame = processor(images=[rollout.env.observation["image"]], text=[feedback_text],
                                      return_tensors="pt")  # fmt: skip
                    rollout.ids = rollout.ids + completion + frame["input_ids"][0].tolist()
                    rollout.pixel_values.append(frame["pixel_values"])
                    if len(rollout.ids) >= max_model_len:  # TRL's `overlong`: the rollout leaves the loop
                        stats.context_truncated += 1
                        ended = True
                elif not ended:
                    prompt(rollout, rollout.env.observation["image"])
                if ended:
                    stats.episodes += 1
                    stats.successes += rollout.env.success
                    progress()
                else:
                    still.append(rollout)
            active = still
    stats.seconds, stats.cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    return stats


# ----- the command ------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None = None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", required=True, help="a saved CrossAgent model folder")
    parser.add_argument("--tasks", nargs="+", default=["mine_block:*"],
                        help="task ids, shell patterns on ids or categories (default: mine_block:*)")  # fmt: skip
    parser.add_argument(
        "--split", default=None, help="only tasks of this suite split (e.g. in_domain, MTRL's)"
    )
    parser.add_argument("--episodes-per-task", type=int, default=2)
    parser.add_argument("--num-envs", type=int, default=8, help="worlds played together (the batch)")
    parser.add_argument("--max-new-tokens", type=int, default=24, help="per decision (MTRL's default)")
    parser.add_argument("--max-ticks", type=int, default=None,
                        help="cap every task's tick budget (default: each task's own)")  # fmt: skip
    parser.add_argument(
        "--seed", type=int, default=0, help="torch seed for the sampling, set before each loop"
    )
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    parser.add_argument("--output", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    for name in ("episodes_per_task", "num_envs", "max_new_tokens", "max_ticks", "threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {value}")
    return parser, args


def load_agent(parser: argparse.ArgumentParser, args: argparse.Namespace) -> _CountingAgent:
    if not Path(args.model).is_dir():
        parser.error(f"--model {args.model}: no such folder; pass a saved CrossAgent model folder "
                     "(e.g. <pipeline output>/models/crossagent, written once its SFT run finished)")  # fmt: skip
    try:
        return _CountingAgent.from_folder(
            args.model, temperature=TEMPERATURE, max_new_tokens=args.max_new_tokens
        )
    except NotAModelFolderError as error:  # its messages name the eval command's flag
        parser.error(str(error).replace("--agent", "--model", 1))


def episode_specs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[EpisodeSpec]:
    try:
        tasks = select_eval_tasks(args.tasks, args.split)
    except KeyError as error:  # UnknownTaskError: its message lists the closest ids
        parser.error(f"--tasks: {error.args[0]}")
    except ValueError as error:  # an unknown split
        parser.error(str(error))
    if args.max_ticks is not None:
        tasks = [dataclasses.replace(t, max_ticks=min(t.max_ticks, args.max_ticks)) for t in tasks]
    # `episode` keys the turns in play_episodes, so it is unique over the run; the seed is the task's own.
    return [
        EpisodeSpec(task, len(tasks) * k + i, EpisodeSpec.of(task, k).seed)
        for k in range(args.episodes_per_task)
        for i, task in enumerate(tasks)
    ]


def warm_up(agent: _CountingAgent, spec: EpisodeSpec) -> None:
    """One decision through each path first, so no loop pays the first call's one-time costs."""
    frame = MineSimEnvironment(agent.frame_size or 128).reset(spec)["image"]
    inputs = agent.processor.prepare_act_inputs([frame], [spec.task.instruction], [[]], agent.spaces)
    agent.act([{"image": frame}], [spec.task], [[]])
    tokenizer = agent.processor.tokenizer
    config = generation_config(tokenizer, agent.model.config.image_token_id, agent.max_new_tokens)
    with torch.inference_mode():
        agent.model.generate(**inputs.to(agent.model.device), generation_config=config)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser, args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    specs = episode_specs(parser, args)
    agent = load_agent(parser, args)
    warm_up(agent, specs[0])
    load_start = os.getloadavg()[0]
    loops: dict[str, LoopStats] = {}
    print(f"batched: {len(specs)} episodes, {args.num_envs} worlds ...", file=sys.stderr)
    torch.manual_seed(args.seed)
    loops["batched"] = run_batched(agent, specs, args.num_envs)
    print(f"batched: {json.dumps(loops['batched'].to_json())}", file=sys.stderr)
    for name, growing in (("trl_fixed_prompt", False), ("trl", True)):
        torch.manual_seed(args.seed)
        with tqdm(total=len(specs), desc=name, unit="episode", file=sys.stderr) as bar:
            loops[name] = run_trl(agent, specs, args.num_envs, growing, lambda: bar.update(1))
        # Each loop's numbers as soon as it ends: a run stopped later still reports them.
        print(f"{name}: {json.dumps(loops[name].to_json())}", file=sys.stderr)

    speedup = {  # from the unrounded rates
        f"{key}_batched_over_{other}": round(getattr(loops["batched"], key) / getattr(loops[other], key), 3)
        for other in ("trl", "trl_fixed_prompt")
        for key in ("episodes_per_s", "decisions_per_s", "episodes_per_cpu_s", "decisions_per_cpu_s")
    }
    result = {
        "model": str(Path(args.model).resolve()),
        "tasks": args.tasks,
        "split": args.split,
        "num_tasks": len(specs) // args.episodes_per_task,
        "episodes_per_task": args.episodes_per_task,
        "episodes": len(specs),
        "num_envs": args.num_envs,
        "max_new_tokens": args.max_new_tokens,
        "max_ticks": args.max_ticks,
        "temperature": TEMPERATURE,
        "seed": args.seed,
        "machine": {
            "device": str(agent.model.device),
            "cpu": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            # Other processes share these cores: the rates move with the load, the ratios much less.
            "load_average_1min": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        },
        "loops": {name: stats.to_json() for name, stats in loops.items()},
        "speedup": speedup,
        "target_episodes_speedup": TARGET_SPEEDUP,
        "target_met": speedup["episodes_per_s_batched_over_trl"] >= TARGET_SPEEDUP,
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n")
    return result


if __name__ == "__main__":
    main()
