"""Perception pretraining: a preset's model, from scratch, on MineSim perception questions (TRL's SFTTrainer).

    from crossagent.training.pretrain import train_pretrain
    from crossagent.training.pretrain_config import pretrain_arguments
    summary = train_pretrain(pretrain_arguments("tiny", dataset_name="data/perception", output_dir="base"))

The run is SFT's (`crossagent.training.sft`): the same trainer, collator and prompt (the question is the
instruction, the answer the action, every space named in the system turn), the same checkpoints and
resumption. Its output is the base model folder every later SFT starts from: weights, model code,
processor, tokenizer, `pretrain_metrics.json` (accuracy per config on held-out worlds beside the trivial
baselines), the model card, and last `pretrain_run.json`, the mark of a finished run.
"""

from __future__ import annotations

import json
import logging
import pathlib
import traceback

import datasets
import torch
import yaml

from crossagent.cards import CARD_FILE, crossagent_model_data, model_card, save_card
from crossagent.datasets.perception_build import load_perception
from crossagent.evaluation.perception import majority_answers, perception_report
from crossagent.files import write_text_atomic
from crossagent.training.perception_collator import POINTER_HEAD, PerceptionCollator, frame_image_positions
from crossagent.training.pretrain_config import PretrainArguments
from crossagent.training.sft import (
    CrossAgentSFTTrainer,
    _arguments_dict,
    build_model_and_processor,
    check_output_dir,
    resolve_checkpoint,
    save_model_folder,
    world_size,
)
from crossagent.training.sft_card import sft_card_fields
from crossagent.training.sft_collator import ActionSFTCollator
from modeling_crossagent.action_spaces import ACTION_SPACES

logger = logging.getLogger(__name__)

METRICS_FILE = "pretrain_metrics.json"
RUN_FILE = "pretrain_run.json"
CARD_TEMPLATE = "crossagent_pretrain.md.jinja"


def point_attention_loss(
    attentions: torch.Tensor, input_ids: torch.Tensor, queries: torch.Tensor, patches: torch.Tensor,
    image_token_id: int, image_seq_length: int,
) -> torch.Tensor:  # fmt: skip
    """Mean over the supervised queries of -log(the attention `POINTER_HEAD` pays to the answer's patch).

    attentions: (B, heads, T, T) softmax weights of one layer; queries (B, 2) and patches (B,) from
    `PerceptionCollator.pointer_targets` (-1: none); a patch index counts `frame_image_positions`.
    """
    losses = []
    for i in (patches >= 0).nonzero().flatten().tolist():
        key = frame_image_positions(input_ids[i], image_token_id, image_seq_length)[patches[i]]
        weights = attentions[i, POINTER_HEAD, queries[i], key]
        losses.append(-torch.log(weights.clamp_min(1e-6)))
    if not losses:
        return attentions.new_zeros(())
    return torch.cat(losses).mean()


class CrossAgentPretrainTrainer(CrossAgentSFTTrainer):
    """SFT's trainer with the pretraining card and, with `point_attention_weight` > 0, the pointer loss:
    `point_attention_loss` on the model's pointer head (`CrossAgentConfig.pointer_head`), or else on head
    `POINTER_HEAD` of the decoder's last layer, which then runs eager attention (SDPA does not return its
    weights)."""

    def __init__(self, *args, point_attention_weight: float = 0.0, **kwargs):
        self.point_attention_weight = point_attention_weight
        """Weight of `point_attention_loss` beside the answers' loss (0: off)."""
        self.last_attentions: torch.Tensor | None = None
        super().__init__(*args, **kwargs)
        self.pointer = getattr(self.model, "pointer", None)
        """The model's pointer head, whose attention the pointer loss then trains instead of `POINTER_HEAD`."""
        if point_attention_weight > 0 and self.pointer is not None:
            self.pointer.register_forward_hook(self._keep_pointer_attention)
        elif point_attention_weight > 0:
            self.model.set_attn_implementation("eager")
            layer = self.model.get_decoder().layers[-1].self_attn
            layer.register_forward_hook(self._keep_attentions)

    def _keep_pointer_attention(self, module, args, output) -> None:
        if self.last_attentions is None:  # as `_keep_attentions`: the first forward of the step
            _, hidden, input_ids, _, _ = args
            self.last_attentions = module.attention(hidden, input_ids)[:, None]  # one "head": POINTER_HEAD 0

    def _keep_attentions(self, module, args, output) -> None:
        # The first forward of a step is the one the loss backpropagates through (TRL may run a second one
        # without gradients for its metrics)
        if self.last_attentions is None:
            self.last_attentions = output[1]

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        queries, patches = inputs.pop("pointer_queries", None), inputs.pop("pointer_patches", None)
        self.last_attentions = None
        result = super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        loss = result[0] if return_outputs else result
        if self.point_attention_weight > 0 and patches is not None:
            pointer = point_attention_loss(
                self.last_attentions, inputs["input_ids"], queries, patches,
                self.model.config.image_token_id, self.processing_class.image_seq_length,
            )  # fmt: skip
            # Like TRL's aux loss: with num_items_in_batch the answers' loss is already split over the
            # accumulated micro-batches, this per-micro-batch mean is not
            steps = self.current_gradient_accumulation_steps if num_items_in_batch is not None else 1
            loss = loss + self.point_attention_weight * pointer / steps
            mode = "train" if model.training else "eval"
            self._metrics[mode].setdefault("pointer_loss", []).append(float(pointer.detach()))
        self.last_attentions = None
        return (loss, result[1]) if return_outputs else loss

    def create_model_card(self, model_name=None, dataset_name=None, tags=None) -> None:
        if not self.is_world_process_zero():
            return
        context = {**self.card_context, "global_step": self.state.global_step}
        data = crossagent_model_data(context["model_name"], tags=["pretraining", "perception", "trl"])
        try:
            save_card(
                model_card(CARD_TEMPLATE, data, **context), pathlib.Path(self.args.output_dir) / CARD_FILE
            )
            self.card_error = None
        except Exception:
            self.card_error = traceback.format_exc()
            logger.error(
                "the model card of %s could not be written:\n%s", self.args.output_dir, self.card_error
            )


def load_train_rows(folder: str, configs: tuple[str, ...]) -> datasets.Dataset:
    """The train split of every chosen config, concatenated (the trainer's sampler shuffles)."""
    parts = [load_perception(folder, config, "train") for config in configs]
    return datasets.concatenate_datasets(parts)


def held_out_rows(folder: str, configs: tuple[str, ...], split: str, per_config: int | None) -> list[dict]:
    """At most `per_config` rows of each config's held-out split (the first ones: a fixed sample)."""
    rows = []
    for config in configs:
        if split not in datasets.get_dataset_split_names(folder, config):
            logger.warning("perception config %s has no %s split: not scored", config, split)
            continue
        part = load_perception(folder, config, split)
        rows.extend(part.select(range(min(len(part), per_config or len(part)))))
    return rows


def train_pretrain(args: PretrainArguments, callbacks: list | None = None) -> dict:
    """Run one pretraining; returns the summary also written to `<output_dir>/pretrain_run.json`."""
    script, config, model_args = args
    if model_args.model_name_or_path is not None:
        logger.info("pretraining continues from %s (not from scratch)", model_args.model_name_or_path)
    per_device, accumulation = config.batch_layout(world_size())
    checkpoint = resolve_checkpoint(config.output_dir, config.resume_from_checkpoint)
    check_output_dir(config.output_dir, checkpoint, config.overwrite_output_dir)
    train = load_train_rows(script.dataset_name, script.configs)
    train_kinds = train.select_columns(["kind", "action"])
    if script.dense_object_labels and (
        "cell_objects" not in train.column_names or not any(train["cell_objects"])
    ):
        raise ValueError(
            f"dense_object_labels=True needs the perception data's cell_objects column, which "
            f"{script.dataset_name} lacks; rebuild it with datasets_scripts/build_perception.py."
        )
    model, processor = build_model_and_processor(args)
    if script.dense_object_labels or script.point_attention_weight > 0:
        collator = PerceptionCollator(
            processor, ACTION_SPACES, dense_object_labels=script.dense_object_labels,
            point_attention=script.point_attention_weight > 0,
        )  # fmt: skip
    else:
        collator = ActionSFTCollator(processor, ACTION_SPACES)
    output_dir = pathlib.Path(config.output_dir)
    settings = _arguments_dict(args)
    card_context = {
        "model_name": config.hub_model_id or output_dir.name,
        "config_yaml": sft_card_fields(settings)["card_config_yaml"],
        "num_parameters": model.num_parameters(),
        "data": {"configs": list(script.configs), "train_rows": len(train), "path": pathlib.Path(script.dataset_name).name},
        "training": {"world_size": world_size(), "global_batch_size": per_device * world_size() * accumulation},
        "metrics": {},
    }  # fmt: skip
    import dataclasses

    trainer = CrossAgentPretrainTrainer(
        model=model,
        args=dataclasses.replace(config, gradient_accumulation_steps=accumulation, push_to_hub=False),
        data_collator=collator,
        train_dataset=train,
        processing_class=processor,
        callbacks=callbacks,
        card_context=card_context,
        point_attention_weight=script.point_attention_weight,
    )
    logger.info(
        "pretraining on %d rows (%s), resume from %s", len(train), ",".join(script.configs), checkpoint
    )
    result = trainer.train(resume_from_checkpoint=checkpoint)
    save_model_folder(trainer, processor, output_dir)
    summary = {
        **card_context["training"],
        "global_step": trainer.state.global_step,
        "train_loss": result.training_loss,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "resumed_from": checkpoint,
    }
    card_context["training"] = summary
    if trainer.is_world_process_zero():
        if script.dataset_test_split:
            rows = held_out_rows(
                script.dataset_name, script.configs, script.dataset_test_split, script.max_eval_rows
            )
            card_context["metrics"] = perception_report(
                trainer.model, processor, rows, majority_answers(train_kinds)
            )
            write_text_atomic(output_dir / METRICS_FILE, json.dumps(card_context["metrics"], indent=2))
        write_text_atomic(output_dir / "pretrain_config.yaml", yaml.safe_dump(settings, sort_keys=False))
        trainer.create_model_card(model_name=card_context["model_name"])
        run = {
            "config": settings,
            "data": card_context["data"],
            "training": summary,
            "metrics": card_context["metrics"],
        }
        write_text_atomic(output_dir / RUN_FILE, json.dumps(run, indent=2))
    trainer.accelerator.wait_for_everyone()
    return {"output_dir": str(output_dir), "metrics": card_context["metrics"], **summary}
