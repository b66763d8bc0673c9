"""Cold-start SFT of CrossAgent (all action spaces) or of a single-space baseline, on TRL's SFTTrainer.

    from crossagent.training.sft import train_sft
    from crossagent.training.sft_config import load_sft_config
    summary = train_sft(load_sft_config("tiny", dataset="data/mixed", output_dir="outputs/sft-mixed"))

Read top to bottom, `train_sft` is the whole run:

1. check the config, the batch layout for the number of processes and the dataset (clear errors, before
   any model is built);
2. build the model (a preset, or `init_model`) and the collator (prompt + frame -> action, loss on the
   action tokens only);
3. train with `CrossAgentSFTTrainer` (checkpoints every `save_steps`; `resume_from_checkpoint` continues
   from the same global step and data order);
4. save a complete CrossAgentForActions folder (weights, model code, processor, tokenizer; for a model
   that may answer in latent, the dataset's latent codebook, which its rollouts replay), then score
   teacher-forced next-action accuracy on the validation split and write `sft_metrics.json`,
   `sft_run.json`, `sft_config.yaml` and the model card `README.md`.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import logging
import os
import pathlib

import torch
import yaml
from transformers.trainer import TRAINING_ARGS_NAME
from transformers.trainer_utils import get_last_checkpoint
from trl import SFTConfig, SFTTrainer

from crossagent.executors.latent import CODEBOOK_FILE, LatentCodebook
from crossagent.training.model_card import render_model_card, write_text_atomic
from crossagent.training.sft_collator import ActionSFTCollator
from crossagent.training.sft_config import CrossAgentSFTConfig
from crossagent.training.sft_data import load_sft_split
from crossagent.training.sft_metrics import majority_actions, teacher_forced_accuracy

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "crossagent_sft.md.jinja"
METRICS_FILE = "sft_metrics.json"
RUN_FILE = "sft_run.json"
CONFIG_FILE = "sft_config.yaml"


class CrossAgentSFTTrainer(SFTTrainer):
    """TRL's SFTTrainer with CrossAgent's model card (rendered from model_cards/, data + config + metrics).

    The loss is SFTTrainer's own (fused LM head, NLL over the label positions, i.e. the action tokens the
    collator leaves unmasked).
    """

    def __init__(self, *args, card_context: dict, **kwargs):
        self.card_context = card_context
        """Everything the card template needs; `train_sft` fills in training results and metrics."""
        self.rows_trained = 0
        """Rows this process ran a training forward pass on (per-rank bookkeeping of distributed runs)."""
        super().__init__(*args, **kwargs)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if model.training:
            self.rows_trained += len(inputs["input_ids"])
        return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)

    def save_model(self, output_dir: str | None = None, _internal_call: bool = False) -> None:
        super().save_model(output_dir, _internal_call=_internal_call)
        # Trainer pickles its arguments next to the weights; the project keeps no pickles, and the run's
        # settings are in sft_config.yaml / trainer_state.json already.
        pickled = pathlib.Path(output_dir or self.args.output_dir) / TRAINING_ARGS_NAME
        if self.is_world_process_zero() and pickled.exists():
            pickled.unlink()

    def create_model_card(self, model_name=None, dataset_name=None, tags=None) -> None:
        if not self.is_world_process_zero():
            return
        context = {**self.card_context, "model_name": model_name or self.card_context["model_name"]}
        context["training"] = {**context["training"], "global_step": self.state.global_step}
        write_text_atomic(
            pathlib.Path(self.args.output_dir) / "README.md", render_model_card(CARD_TEMPLATE, **context)
        )


def world_size() -> int:
    """Processes of this run as the launcher (torchrun, accelerate) announces them."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def resolve_checkpoint(config: CrossAgentSFTConfig) -> str | None:
    """The checkpoint folder to resume from, or None; raises if the one asked for does not exist."""
    if not config.resume_from_checkpoint:
        return None
    if config.resume_from_checkpoint == "latest":
        found = get_last_checkpoint(config.output_dir) if os.path.isdir(config.output_dir) else None
        if found is None:
            raise ValueError(
                f"resume_from_checkpoint='latest' but {config.output_dir} has no checkpoint-<step> folder; "
                "start without it, or point it at a checkpoint folder."
            )
        return found
    if not os.path.isdir(config.resume_from_checkpoint):
        raise ValueError(f"resume_from_checkpoint={config.resume_from_checkpoint!r} is not a folder.")
    return config.resume_from_checkpoint


def build_model_and_processor(config: CrossAgentSFTConfig):
    """A random model of the preset, or the saved model `init_model` (with its processor)."""
    if config.init_model is None:
        from crossagent.models.presets import build_model

        return build_model(config.preset, seed=config.seed)
    from modeling_crossagent.modeling_crossagent import CrossAgentForActions
    from modeling_crossagent.processing_crossagent import CrossAgentProcessor

    # Our own classes load the folder; trust_remote_code only silences the prompt its auto_map triggers.
    return (
        CrossAgentForActions.from_pretrained(config.init_model, trust_remote_code=True),
        CrossAgentProcessor.from_pretrained(config.init_model, trust_remote_code=True),
    )


def training_arguments(config: CrossAgentSFTConfig, per_device: int, accumulation: int) -> SFTConfig:
    bf16 = config.bf16
    if bf16 is None:
        bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    values = dict(
        output_dir=config.output_dir,
        per_device_train_batch_size=per_device,
        gradient_accumulation_steps=accumulation,
        max_steps=config.max_steps,
        num_train_epochs=config.num_train_epochs,
        learning_rate=config.learning_rate,
        lr_scheduler_type=config.lr_scheduler_type,
        warmup_steps=config.warmup_steps,
        weight_decay=config.weight_decay,
        max_grad_norm=config.max_grad_norm,
        bf16=bf16,
        gradient_checkpointing=config.gradient_checkpointing,
        logging_steps=config.logging_steps,
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=config.save_total_limit,
        report_to=config.report_to,
        seed=config.seed,
        dataloader_num_workers=config.dataloader_num_workers,
        eval_strategy="no",
        # The collator reads the raw columns (frame, instruction, history, action): keep them all and let
        # TRL skip its own tokenisation.
        remove_unused_columns=False,
        dataset_kwargs={"skip_prepare_dataset": True},
        max_length=None,
        # Without a GPU, accelerate only sets up a multi-process (gloo) run when told it is on the CPU;
        # otherwise torchrun's ranks would each train alone.
        use_cpu=not torch.cuda.is_available(),
        dataloader_pin_memory=torch.cuda.is_available(),
    )
    return SFTConfig(**{**values, **config.extra_training_args})


def dataset_codebook(dataset: str) -> LatentCodebook | None:
    """The latent codebook of a dataset folder (or Hub dataset id), or None when it has none."""
    local = pathlib.Path(dataset)
    if local.is_dir():
        path = local / CODEBOOK_FILE
        return LatentCodebook.load(path) if path.is_file() else None
    from huggingface_hub import hf_hub_download

    try:
        return LatentCodebook.load(hf_hub_download(dataset, CODEBOOK_FILE, repo_type="dataset"))
    except Exception as error:  # no such file in the repository, or the Hub cannot be reached
        logger.debug("dataset %s: no latent codebook (%s)", dataset, error)
        return None


def save_codebook(codebook: LatentCodebook | None, output_dir: pathlib.Path) -> None:
    """Write the codebook into the model folder (atomically), or remove a stale one when there is none."""
    path = output_dir / CODEBOOK_FILE
    if codebook is not None:
        codebook.save(path)  # a temporary file moved into place
        path.chmod(0o644)
    elif path.exists():
        path.unlink()


def _rows_per_space(dataset) -> dict[str, int]:
    return dict(sorted(collections.Counter(dataset["action_space"]).items()))


def train_sft(config: CrossAgentSFTConfig, callbacks: list | None = None) -> dict:
    """Run one SFT; returns the summary also written to `<output_dir>/sft_run.json`."""
    # 1. Everything that can be wrong with the inputs fails here, before a model exists.
    per_device, accumulation = config.batch_layout(world_size())
    checkpoint = resolve_checkpoint(config)
    train = load_sft_split(
        config.dataset, config.action_spaces, config.train_split, config.spaces, config.max_train_rows
    )
    evaluation = None
    if config.eval_split:
        evaluation = load_sft_split(
            config.dataset, config.action_spaces, config.eval_split, config.spaces, config.max_eval_rows
        )
    codebook = dataset_codebook(config.dataset) if "latent" in config.spaces else None
    if codebook is None and "latent" in config.spaces:
        logger.warning(
            "dataset %s has no %s: the model's latent answers will be invalid in rollouts",
            config.dataset, CODEBOOK_FILE,
        )  # fmt: skip

    # 2. Model and collator.
    model, processor = build_model_and_processor(config)
    if config.history_length is not None:
        processor.history_length = config.history_length
    collator = ActionSFTCollator(processor, config.spaces)
    output_dir = pathlib.Path(config.output_dir)
    card_context = {
        "model_name": output_dir.name,
        "output_dir": str(output_dir),
        "spaces": list(config.spaces),
        "config": dataclasses.asdict(config),
        "config_yaml": yaml.safe_dump(dataclasses.asdict(config), sort_keys=False).strip(),
        "num_parameters": model.num_parameters(),
        "history_length": processor.history_length,
        "data": {
            "path": config.dataset,
            "config": config.action_spaces,
            "train_split": config.train_split,
            "eval_split": config.eval_split,
            "train_rows": len(train),
            "eval_rows": len(evaluation) if evaluation is not None else 0,
            "train_rows_per_space": _rows_per_space(train),
        },
        "training": {
            "world_size": world_size(),
            "per_device_batch_size": per_device,
            "gradient_accumulation_steps": accumulation,
            "global_batch_size": per_device * world_size() * accumulation,
            "train_loss": None,
            "train_samples_per_second": None,
        },
        "metrics": {},
    }

    # 3. Train.
    trainer = CrossAgentSFTTrainer(
        model=model,
        args=training_arguments(config, per_device, accumulation),
        data_collator=collator,
        train_dataset=train,
        processing_class=processor,
        callbacks=callbacks,
        card_context=card_context,
    )
    if trainer.args.world_size != world_size():
        raise RuntimeError(
            f"launcher says {world_size()} processes, the trainer sees {trainer.args.world_size}."
        )
    logger.info(
        "SFT %s on %d rows: %d process(es) x %d rows x %d accumulation, resume from %s",
        config.action_spaces, len(train), trainer.args.world_size, per_device, accumulation, checkpoint,
    )  # fmt: skip
    result = trainer.train(resume_from_checkpoint=checkpoint)
    rows_trained = trainer.accelerator.gather(
        torch.tensor([trainer.rows_trained], device=trainer.args.device)
    )

    # 4. Save the model folder, score it, write the card.
    trainer.save_model(config.output_dir)
    summary = {
        **card_context["training"],
        "global_step": trainer.state.global_step,
        "train_loss": result.training_loss,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "train_samples_per_second": result.metrics.get("train_samples_per_second"),
        "rows_trained_per_rank": rows_trained.tolist(),
        "resumed_from": checkpoint,
        "log_history": trainer.state.log_history,
    }
    card_context["training"] = summary
    if trainer.is_world_process_zero():
        save_codebook(codebook, output_dir)
        if evaluation is not None:
            card_context["metrics"] = teacher_forced_accuracy(
                trainer.model, collator, evaluation, per_device, majority=majority_actions(train)
            )
            write_text_atomic(output_dir / METRICS_FILE, json.dumps(card_context["metrics"], indent=2))
        write_text_atomic(output_dir / CONFIG_FILE, card_context["config_yaml"] + "\n")
        run = {"config": card_context["config"], "data": card_context["data"], "training": summary}
        write_text_atomic(
            output_dir / RUN_FILE, json.dumps({**run, "metrics": card_context["metrics"]}, indent=2)
        )
        trainer.create_model_card(model_name=output_dir.name)
    trainer.accelerator.wait_for_everyone()
    return {"output_dir": str(output_dir), "metrics": card_context["metrics"], **summary}
