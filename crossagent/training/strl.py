"""Single-turn RL (STRL): rejection-sampling warm-up, then GRPO with the action-equivalence reward.

    from crossagent.training.strl import train_strl
    from crossagent.training.strl_config import strl_arguments
    summary = train_strl(strl_arguments("tiny", dataset_name="data/mixed", model_name_or_path="out/sft",
                                        output_dir="out/strl"))

Read top to bottom, `train_strl` is the whole run:

1. check everything before a model is built: the model folder is a saved CrossAgent model, the dataset's
   decisions have world states (`--record-states`), the reward tolerance is in range, the output folder;
2. warm-up (`warmup_samples` > 0): the SFT model samples answers on `warmup_rows` decision states, the
   equivalent ones (every distinct one) are written as a mixed-schema dataset (`<output_dir>/warmup-data`)
   and a short SFT on them (`crossagent.training.sft`, the cold-start machinery) gives `<output_dir>/warmup`;
3. GRPO with TRL's `GRPOTrainer` from that model: each decision's prompt + frame is answered
   `num_generations` times (the group), each answer scored by `EquivalenceReward` on the decision's restored
   world state. No subclass is needed: TRL 1.16 passes the dataset's `image` column to the processor and the
   model for a `ProcessorMixin` processing class, and the reward reads `completion_ids` itself;
4. save a complete model folder (weights, model code, processor, the dataset's latent codebook), the
   per-step log (`strl_log.json`: mean reward, group reward spread, share of zero-spread groups), the
   greedy equivalence on held-out decision states (`strl_metrics.json`), the card, and last
   `strl_run.json` (the mark of a finished run). `resume_from_checkpoint` continues GRPO from its step.
"""

from __future__ import annotations

import json
import logging
import os
import pathlib
import shutil
import time

import yaml
from transformers.trainer import TRAINING_ARGS_NAME
from trl import GRPOTrainer

from crossagent.agents.model import check_model_folder
from crossagent.cards import CARD_FILE, crossagent_model_data, model_card, save_card
from crossagent.executors.latent import CODEBOOK_FILE
from crossagent.files import write_text_atomic
from crossagent.training.fused_head import route_fused_head_through_forward
from crossagent.training.preset_arguments import run_settings
from crossagent.training.relabel import image_size_of, relabelled_rows, source_codebook, write_relabelled
from crossagent.training.rewards import EquivalenceReward
from crossagent.training.sampling import equivalence_report, sample_candidates
from crossagent.training.sft import (
    check_output_dir,
    resolve_checkpoint,
    train_sft,
    world_size,
)
from crossagent.training.sft_config import sft_arguments
from crossagent.training.strl_config import STRLArguments
from crossagent.training.strl_data import load_decision_rows, with_prompts

logger = logging.getLogger(__name__)

RUN_FILE = "strl_run.json"
LOG_FILE = "strl_log.json"
METRICS_FILE = "strl_metrics.json"
CONFIG_FILE = "strl_config.yaml"
WARMUP_DATA = "warmup-data"
WARMUP_MODEL = "warmup"
WARMUP_NONE = "warmup-none.json"
"""Marker: the warm-up sampled no equivalent answer, so GRPO starts from the SFT model."""


class CrossAgentGRPOTrainer(GRPOTrainer):
    """TRL's GRPOTrainer, saving like every CrossAgent folder: no pickled training arguments; a model with a
    pointer head scores its log-probabilities through its own forward (`fused_head`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for model in (self.model, self.ref_model):
            if model is not None:
                route_fused_head_through_forward(model, temperature=self.temperature)

    def save_model(self, output_dir: str | None = None, _internal_call: bool = False) -> None:
        super().save_model(output_dir, _internal_call=_internal_call)
        pickled = pathlib.Path(output_dir or self.args.output_dir) / TRAINING_ARGS_NAME
        if self.is_world_process_zero() and pickled.exists():
            pickled.unlink()

    def create_model_card(self, *args, **kwargs) -> None:
        """TRL writes its own card at each checkpoint; `train_strl` writes the run's card at the end."""


def load_model_and_processor(folder: str):
    """A saved CrossAgent model folder as (model, processor), with its own code (trust_remote_code)."""
    from modeling_crossagent.modeling_crossagent import CrossAgentForActions
    from modeling_crossagent.processing_crossagent import CrossAgentProcessor

    return (
        CrossAgentForActions.from_pretrained(folder, trust_remote_code=True),
        CrossAgentProcessor.from_pretrained(folder, trust_remote_code=True),
    )


def _sample_warmup_data(args: STRLArguments, reward_settings: dict, data_dir: pathlib.Path) -> dict:
    """Sample, keep every distinct equivalent answer, write the warm-up dataset (or the marker saying that
    nothing was equivalent); returns the summary."""
    script, config = args
    model, processor = load_model_and_processor(script.model_name_or_path)
    reward = EquivalenceReward(processor, **reward_settings)
    rows = load_decision_rows(script.dataset_name, script.dataset_train_split, config.warmup_rows)
    rows = [rows[i] for i in range(len(rows))]
    candidates = sample_candidates(
        model, processor, rows, reward, k=config.warmup_samples, temperature=config.temperature,
        max_new_tokens=config.max_completion_length or 24, batch_size=16, progress=not config.disable_tqdm,
        seed=config.seed,
    )  # fmt: skip
    by_space, counts = relabelled_rows(rows, candidates, keep="all")
    sampled = [c for cs in candidates for c in cs]
    summary = {
        "states": len(rows),
        "samples": len(sampled),
        "equivalent_samples": sum(c.reward >= 1 for c in sampled),
        "kept_rows_per_space": dict(counts),
    }
    logger.info("warm-up: %s", summary)
    if not counts:
        logger.warning("warm-up: no sampled answer is equivalent; GRPO starts from the SFT model")
        source = {"source_dataset": script.dataset_name, "model": script.model_name_or_path}
        write_text_atomic(data_dir.parent / WARMUP_NONE, json.dumps({**source, **summary}))
        return summary
    # Every kept answer trains (train split); a few also form the validation split SFT scores.
    write_relabelled(
        data_dir,
        {space: {"train": r, "validation": r[:2]} for space, r in by_space.items() if r},
        source_codebook(script.dataset_name),
        {"source_dataset": script.dataset_name, "model": script.model_name_or_path, "warmup": summary},
        description="Rejection-sampling warm-up of STRL: the SFT model's sampled answers verified equivalent.",
        overwrite=True,
    )  # fmt: skip
    return summary


def _warmup_source(out: pathlib.Path) -> dict | None:
    """{source_dataset, model} of the warm-up data (or its no-data marker) in `out`, or None."""
    for path in (out / WARMUP_DATA / "generation.json", out / WARMUP_NONE):
        if path.is_file():
            settings = json.loads(path.read_text())
            return {"source_dataset": settings.get("source_dataset"), "model": settings.get("model")}
    return None


def warm_up(args: STRLArguments, reward_settings: dict) -> tuple[str, dict]:
    """The rejection-sampling warm-up (module docstring, step 2); returns (model folder to start GRPO
    from, summary). Finished parts are reused: a killed run resumes where it stopped. With several
    processes, the first samples and writes the data while the others wait for it; all then run the
    warm-up SFT together."""
    script, config = args
    out = pathlib.Path(config.output_dir)
    model_dir = out / WARMUP_MODEL
    data_dir = out / WARMUP_DATA
    summary: dict = {}

    def sampled() -> bool:
        return (data_dir / "generation.json").is_file() or (out / WARMUP_NONE).is_file()

    source = {"source_dataset": script.dataset_name, "model": script.model_name_or_path}
    if sampled() and _warmup_source(out) != source and int(os.environ.get("RANK", "0")) == 0:
        # Left by a run from another model or dataset: never train on another model's answers.
        logger.warning(
            "warm-up folders in %s come from %s, not %s: sampling again", out, _warmup_source(out), source
        )
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(model_dir, ignore_errors=True)
        (out / WARMUP_NONE).unlink(missing_ok=True)
    if not sampled():
        if int(os.environ.get("RANK", "0")) == 0:
            summary = _sample_warmup_data(args, reward_settings, data_dir)
        while not sampled():
            time.sleep(2.0)
    if (out / WARMUP_NONE).is_file():
        return script.model_name_or_path, json.loads((out / WARMUP_NONE).read_text())
    sft = sft_arguments(
        config.preset,
        dataset_name=str(data_dir),
        model_name_or_path=script.model_name_or_path,
        output_dir=str(model_dir),
        max_steps=config.warmup_max_steps,
        learning_rate=config.warmup_learning_rate,
        warmup_steps=0,
        save_steps=max(config.warmup_max_steps, 1),
        logging_steps=10,
        max_eval_rows=16,
        report_to="none",
        disable_tqdm=config.disable_tqdm,
        seed=config.seed,
        resume_from_checkpoint="latest" if any(model_dir.glob("checkpoint-*")) else None,
    )
    if (model_dir / "sft_run.json").is_file():
        return str(model_dir), {**summary, "reused": True}
    result = train_sft(sft)
    return str(model_dir), {**summary, "sft_steps": result["global_step"], "sft_loss": result["train_loss"]}


def step_log(log_history: list[dict]) -> list[dict]:
    """Per GRPO step: mean equivalence reward, mean within-group reward spread (std), share of groups
    without spread (TRL's `frac_reward_zero_std`: they carry no signal)."""
    return [
        {
            "step": entry["step"],
            "reward": entry["rewards/equivalence/mean"],
            "group_reward_std": entry.get("reward_std"),
            "zero_spread_groups": entry.get("frac_reward_zero_std"),
            "completion_length": entry.get("completions/mean_length"),
        }
        for entry in log_history
        if "rewards/equivalence/mean" in entry
    ]


def train_strl(args: STRLArguments, callbacks: list | None = None) -> dict:
    """Run one STRL; returns the summary also written to `<output_dir>/strl_run.json`."""
    script, config = args
    # 1. Every input problem fails here, before any model is built.
    check_model_folder(script.model_name_or_path)
    checkpoint = resolve_checkpoint(config.output_dir, config.resume_from_checkpoint)
    out = pathlib.Path(config.output_dir)
    if (out / RUN_FILE).is_file() and checkpoint is None and not config.overwrite_output_dir:
        raise ValueError(
            f"output_dir {out} already holds a finished STRL model ({RUN_FILE}); choose another --output_dir, "
            "resume it with --resume_from_checkpoint, or pass --overwrite_output_dir to replace it."
        )
    check_output_dir(config.output_dir, checkpoint, True)
    train = load_decision_rows(script.dataset_name, script.dataset_train_split, script.max_train_rows)
    heldout = None
    if script.dataset_test_split:
        heldout = load_decision_rows(script.dataset_name, script.dataset_test_split, script.max_eval_rows)
    reward_settings = dict(
        codebook=source_codebook(script.dataset_name),
        image_size=image_size_of(script.dataset_name),
        camera_tolerance=config.camera_tolerance,
    )

    # 2. Warm-up (skipped when resuming GRPO: it is done).
    start_dir, warmup = script.model_name_or_path, {}
    if config.warmup_samples > 0:
        start_dir, warmup = warm_up(args, reward_settings)

    # 3. GRPO.
    model, processor = load_model_and_processor(start_dir)
    reward = EquivalenceReward(processor, **reward_settings)
    trainer = CrossAgentGRPOTrainer(
        model=model,
        reward_funcs=[reward],
        args=config,
        train_dataset=with_prompts(train, processor),
        processing_class=processor,
        callbacks=callbacks,
    )
    logger.info("STRL GRPO on %d decision states from %s, resume from %s", len(train), start_dir, checkpoint)
    result = trainer.train(resume_from_checkpoint=checkpoint)

    # 4. Save the folder, score the held-out states, write the logs; the run file last.
    trainer.save_model(str(out))
    summary = {
        "global_step": trainer.state.global_step,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "resumed_from": checkpoint,
        "started_from": start_dir,
        "world_size": world_size(),
        "warmup": warmup,
    }
    if trainer.is_world_process_zero():
        processor.save_pretrained(out)
        codebook = reward_settings["codebook"]
        if codebook is not None:
            codebook.save(out / CODEBOOK_FILE)
        steps = step_log(trainer.state.log_history)  # a resumed run's state holds the earlier steps too
        write_text_atomic(out / LOG_FILE, json.dumps(steps, indent=1))
        metrics = {}
        if heldout is not None:
            rows = [heldout[i] for i in range(len(heldout))]
            greedy = sample_candidates(trainer.model, processor, rows, reward, k=1, do_sample=False,
                                       max_new_tokens=config.max_completion_length or 24, progress=False)  # fmt: skip
            metrics = equivalence_report(rows, greedy)
            write_text_atomic(out / METRICS_FILE, json.dumps(metrics, indent=2))
        summary["metrics"] = metrics
        summary["final_reward"] = steps[-1]["reward"] if steps else None
        settings = run_settings(script, config)
        write_text_atomic(out / CONFIG_FILE, yaml.safe_dump(settings, sort_keys=False))
        save_card(_card(out.name, script, config, summary, steps), out / CARD_FILE)
        write_text_atomic(out / RUN_FILE, json.dumps(summary, indent=2))
    trainer.accelerator.wait_for_everyone()
    return {"output_dir": str(out), **summary}


def _card(name: str, script, config, summary: dict, steps: list[dict]):
    return model_card(
        "crossagent_strl.md.jinja",
        crossagent_model_data(name, tags=("grpo", "trl")),
        model_name=name,
        base_model=pathlib.Path(script.model_name_or_path).name,
        dataset=pathlib.Path(script.dataset_name).name,
        summary=summary,
        steps=steps,
        config=config,
    )
