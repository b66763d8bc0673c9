"""Cold-start SFT of CrossAgent (all action spaces) or of a single-space baseline, on TRL's SFTTrainer.

    from crossagent.training.sft import train_sft
    from crossagent.training.sft_config import sft_arguments
    summary = train_sft(sft_arguments("tiny", dataset_name="data/mixed", output_dir="outputs/sft-mixed"))

Read top to bottom, `train_sft` is the whole run:

1. check the arguments, the batch layout for the number of processes and the dataset (clear errors, before
   any model is built);
2. build the model (a preset, or `--model_name_or_path`; LoRA with `--use_peft`) and the collator
   (prompt + frame -> action, loss on the action tokens only);
3. train with `CrossAgentSFTTrainer` (checkpoints every `save_steps`; `resume_from_checkpoint` continues
   from the same global step and data order);
4. save a complete CrossAgentForActions folder (weights, model code, processor, tokenizer; for a model
   that may answer in latent, the dataset's latent codebook, which its rollouts replay), then score
   teacher-forced next-action accuracy on the validation split and write `sft_metrics.json`,
   `sft_config.yaml`, the model card `README.md` and, last, `sft_run.json` (the mark of a finished run);
   with `--push_to_hub`, upload the folder, whose card already holds the final metrics.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import json
import logging
import os
import pathlib
import re
import traceback

import torch
import yaml
from transformers import TrainerCallback
from transformers.trainer import TRAINER_STATE_NAME, TRAINING_ARGS_NAME
from transformers.trainer_callback import ExportableState
from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR
from trl import SFTTrainer

from crossagent.cards import CARD_FILE, save_card
from crossagent.executors.latent import CODEBOOK_FILE, LatentCodebook
from crossagent.files import write_text_atomic
from crossagent.training.fused_head import route_fused_head_through_forward
from crossagent.training.sft_card import sft_card_fields, sft_model_card
from crossagent.training.sft_collator import ActionSFTCollator
from crossagent.training.sft_config import SFTArguments, lora_config
from crossagent.training.sft_data import load_sft_split
from crossagent.training.sft_metrics import majority_actions, teacher_forced_accuracy

logger = logging.getLogger(__name__)

METRICS_FILE = "sft_metrics.json"
RUN_FILE = "sft_run.json"
CONFIG_FILE = "sft_config.yaml"


class RunTotals(TrainerCallback, ExportableState):
    """Rows trained and summed per-step train loss since the run's step 0, saved into every checkpoint's
    trainer_state.json (`stateful_callbacks`), so that a resumed run reports the whole run, not its tail."""

    def __init__(self) -> None:
        self.trainer: CrossAgentSFTTrainer | None = None
        self.rows_before = 0
        """Rows this rank trained before the checkpoint this run resumed from."""
        self.loss_sum_before = 0.0
        """Sum of the per-step train losses before that checkpoint."""

    def loss_sum_now(self) -> float:
        """The losses summed since step 0, including the not yet logged steps of this `train()` call."""
        trainer = self.trainer
        pending = getattr(trainer, "_tr_loss", None)
        pending = float(pending.item()) if isinstance(pending, torch.Tensor) else 0.0
        return self.loss_sum_before + getattr(trainer, "_total_loss_scalar", 0.0) + pending

    def state(self) -> dict:
        rows = self.rows_before + (self.trainer.rows_trained if self.trainer is not None else 0)
        loss_sum = self.loss_sum_now() if self.trainer is not None else self.loss_sum_before
        return {"args": {}, "attributes": {"rows_trained": rows, "loss_sum": loss_sum}}


VISION_PARAMETERS = re.compile(r"(^|\.)(vision_tower|projector)\.")
"""Names of the parameters `vision_learning_rate` applies to."""


class CrossAgentSFTTrainer(SFTTrainer):
    """TRL's SFTTrainer with CrossAgent's model card (`sft_card.sft_model_card`: data + config + metrics).

    The loss is SFTTrainer's own (fused LM head, NLL over the label positions, i.e. the action tokens the
    collator leaves unmasked); a model with a pointer head scores through its own forward (`fused_head`).
    """

    def __init__(self, *args, card_context: dict, **kwargs):
        self.card_context = card_context
        """Everything the card template needs; `train_sft` fills in training results and metrics."""
        self.rows_trained = 0
        """Rows this process ran a training forward pass on (per-rank bookkeeping of distributed runs)."""
        self.card_error: str | None = None
        """The traceback of the last failed card write (None: the card is up to date)."""
        super().__init__(*args, **kwargs)
        route_fused_head_through_forward(self.model)

    def create_optimizer(self, model=None):
        """Trainer's optimizer; with `vision_learning_rate` set, the vision tower's and projector's parameters
        get their own groups at that rate (the scheduler then scales every group alike)."""
        optimizer = super().create_optimizer(model)
        rate = getattr(self.args, "vision_learning_rate", None)
        if rate is None:
            return optimizer
        vision = {id(p) for name, p in self.model.named_parameters() if VISION_PARAMETERS.search(name)}
        groups = []
        for group in optimizer.param_groups:
            for is_vision in (False, True):
                params = [p for p in group["params"] if (id(p) in vision) == is_vision]
                if params:
                    groups.append({**group, "params": params, "lr": rate if is_vision else group["lr"]})
        optimizer.param_groups.clear()
        for group in groups:
            optimizer.add_param_group(group)
        return optimizer

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
        """Write README.md; TRL also calls this at every checkpoint. A failure is logged and kept in
        `card_error`, never raised: the weights being saved matter more than their card."""
        if not self.is_world_process_zero():
            return
        context = {**self.card_context, "model_name": model_name or self.card_context["model_name"]}
        context["training"] = {**context["training"], "global_step": self.state.global_step}
        try:
            save_card(sft_model_card(context), pathlib.Path(self.args.output_dir) / CARD_FILE)
            self.card_error = None
        except Exception:
            self.card_error = traceback.format_exc()
            logger.error(
                "the model card of %s could not be written:\n%s", self.args.output_dir, self.card_error
            )


def world_size() -> int:
    """Processes of this run as the launcher (torchrun, accelerate) announces them."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def checkpoint_problem(folder: str | os.PathLike) -> str | None:
    """Why a checkpoint folder cannot be resumed from (a killed save leaves it incomplete), or None.

    Checks that trainer_state.json parses and that the weights load: every tensor of the (adapter) safetensors
    file is read, so a truncated file or a broken header is caught here, not half-way into `train()`.
    """
    from safetensors import safe_open

    folder = pathlib.Path(folder)
    try:
        state = json.loads((folder / TRAINER_STATE_NAME).read_text())
        int(state["global_step"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        return f"{TRAINER_STATE_NAME} unreadable ({type(error).__name__}: {error})"
    weights = [folder / name for name in ("model.safetensors", "adapter_model.safetensors")]
    weights = [path for path in weights if path.is_file()] or sorted(folder.glob("model-*.safetensors"))
    if not weights:
        return "no *.safetensors weights"
    for path in weights:
        try:
            with safe_open(str(path), framework="pt") as handle:
                for key in handle.keys():  # noqa: SIM118 -- safe_open is no dict
                    handle.get_tensor(key)
        except Exception as error:  # safetensors raises its own error types for a broken header or data
            return f"{path.name} does not load ({type(error).__name__}: {error})"
    for name in ("optimizer.pt", "scheduler.pt"):
        if not (folder / name).is_file() or (folder / name).stat().st_size == 0:
            return f"{name} missing or empty"
    return None


def checkpoints(output_dir: str | os.PathLike) -> list[pathlib.Path]:
    """The checkpoint-<step> folders of a run, newest (highest step) first."""
    folder = pathlib.Path(output_dir)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{PREFIX_CHECKPOINT_DIR}-*"):
        step = path.name.removeprefix(f"{PREFIX_CHECKPOINT_DIR}-")
        if path.is_dir() and step.isdigit():
            found.append((int(step), path))
    return [path for _, path in sorted(found, reverse=True)]


def resolve_checkpoint(output_dir: str, resume_from_checkpoint: str | None) -> str | None:
    """The checkpoint folder to resume from, or None; raises if the one asked for does not exist or is
    incomplete. `latest` skips incomplete checkpoints (a save killed half-way), saying which it used."""
    if not resume_from_checkpoint:
        return None
    if resume_from_checkpoint == "latest":
        found = checkpoints(output_dir)
        if not found:
            raise ValueError(
                f"resume_from_checkpoint='latest' but {output_dir} has no checkpoint-<step> folder; "
                "start without it, or point it at a checkpoint folder."
            )
        for path in found:
            problem = checkpoint_problem(path)
            if problem is None:
                logger.info("resuming from %s (the latest complete checkpoint)", path)
                return str(path)
            logger.warning("skipping incomplete checkpoint %s: %s", path, problem)
        raise ValueError(
            f"resume_from_checkpoint='latest' but no checkpoint in {output_dir} is complete "
            f"({', '.join(p.name for p in found)}); start without it."
        )
    if not os.path.isdir(resume_from_checkpoint):
        raise ValueError(f"resume_from_checkpoint={resume_from_checkpoint!r} is not a folder.")
    problem = checkpoint_problem(resume_from_checkpoint)
    if problem is not None:
        raise ValueError(
            f"resume_from_checkpoint={resume_from_checkpoint!r} is incomplete: {problem}; "
            "use an earlier checkpoint or 'latest'."
        )
    logger.info("resuming from %s", resume_from_checkpoint)
    return resume_from_checkpoint


def finished_model_file(output_dir: str | os.PathLike) -> pathlib.Path | None:
    """The file that marks `output_dir` as holding a finished model (sft_run.json, model.safetensors), or None."""
    for name in (RUN_FILE, "model.safetensors"):
        path = pathlib.Path(output_dir) / name
        if path.is_file():
            return path
    return None


def check_output_dir(output_dir: str, checkpoint: str | None, overwrite: bool) -> None:
    """A fresh run never replaces a finished model folder unless `overwrite_output_dir` says so."""
    if os.path.exists(output_dir) and not os.path.isdir(output_dir):
        raise ValueError(
            f"output_dir {output_dir} is an existing file, not a folder; choose another --output_dir."
        )
    marker = finished_model_file(output_dir)
    if marker is not None and checkpoint is None and not overwrite:
        raise ValueError(
            f"output_dir {output_dir} already holds a finished model ({marker.name}); choose another "
            "--output_dir, resume it with --resume_from_checkpoint, or pass --overwrite_output_dir to replace it."
        )


def checkpoint_state(checkpoint: str | os.PathLike) -> dict:
    return json.loads((pathlib.Path(checkpoint) / TRAINER_STATE_NAME).read_text())


def finished_summary(output_dir: str, checkpoint: str, max_steps: int) -> dict | None:
    """When `checkpoint` already ends the run (its global_step is its max_steps, and this run asks for the same
    step target), the summary to return instead of training again; None when training goes on."""
    state = checkpoint_state(checkpoint)
    target = state.get("max_steps") or 0
    if max_steps > 0 and max_steps != target:
        return None  # a new step target: training continues from the checkpoint
    if not target or state["global_step"] < target:
        return None
    run_file = pathlib.Path(output_dir) / RUN_FILE
    run = json.loads(run_file.read_text()) if run_file.is_file() else {}
    logger.warning(
        "%s is already finished (step %d of %d%s): nothing to train; start a new run in another --output_dir, "
        "or raise --max_steps to train on",
        output_dir, state["global_step"], target, ", sft_run.json present" if run else "",
    )  # fmt: skip
    training = run.get("training") or {
        "global_step": state["global_step"], "train_loss": None, "world_size": world_size(),
        "log_history": state.get("log_history", []),
    }  # fmt: skip
    return {
        "output_dir": str(output_dir), "metrics": run.get("metrics", {}), **training,
        "already_finished": True, "resumed_from": checkpoint,
    }  # fmt: skip


def check_hub_push(args: SFTArguments) -> None:
    """`--push_to_hub` needs the network: checked before training (the repository defaults to the folder name)."""
    if not args.training.push_to_hub:
        return
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        raise ValueError(
            "push_to_hub=True but HF_HUB_OFFLINE=1 is set; unset it, or train without --push_to_hub."
        )


def build_model_and_processor(args: SFTArguments):
    """A random model of the preset, or the saved model `--model_name_or_path` (with its processor)."""
    init = args.model.model_name_or_path
    if init is None:
        from crossagent.models.presets import build_model

        return build_model(args.training.preset, seed=args.training.seed)
    # Our own installed classes load the folder, but trust_remote_code=True is not just a prompt silencer: it
    # lets transformers import the folder's own .py files wherever it resolves the config's auto_map (e.g. the
    # processor's parts), i.e. run code someone else wrote. So the folder's code is compared with the
    # installed modeling_crossagent first, and a difference needs the user's explicit --trust_remote_code.
    from crossagent.agents.remote_code import check_folder_code
    from modeling_crossagent.modeling_crossagent import CrossAgentForActions
    from modeling_crossagent.processing_crossagent import CrossAgentProcessor

    if pathlib.Path(init).is_dir():
        check_folder_code(init, args.training.trust_remote_code, "--trust_remote_code")
    return (
        CrossAgentForActions.from_pretrained(init, trust_remote_code=True),
        CrossAgentProcessor.from_pretrained(init, trust_remote_code=True),
    )


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
    elif path.exists():
        path.unlink()


def _rows_per_space(dataset) -> dict[str, int]:
    return dict(sorted(collections.Counter(dataset["action_space"]).items()))


def _arguments_dict(args: SFTArguments) -> dict:
    """Every argument a user set or left at its default, flat and YAML-safe (the card's "Full config")."""
    values = {}
    for part in args:
        for spec in dataclasses.fields(part):
            value = getattr(part, spec.name)
            value = value.value if isinstance(value, enum.Enum) else value  # scheduler names are enums
            if spec.init and not spec.name.startswith("_"):
                values[spec.name] = (
                    value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
                )
    return values


def train_sft(args: SFTArguments, callbacks: list | None = None) -> dict:
    """Run one SFT; returns the summary also written to `<output_dir>/sft_run.json`."""
    script, config, model_args = args
    # 1. Everything that can be wrong with the inputs fails here, before a model exists.
    per_device, accumulation = config.batch_layout(world_size())
    checkpoint = resolve_checkpoint(config.output_dir, config.resume_from_checkpoint)
    check_output_dir(config.output_dir, checkpoint, config.overwrite_output_dir)
    if checkpoint is not None:
        finished = finished_summary(config.output_dir, checkpoint, config.max_steps)
        if finished is not None:
            return finished
    check_hub_push(args)
    dataset = script.dataset_name
    train = load_sft_split(
        dataset, script.dataset_config, script.dataset_train_split, script.spaces, script.max_train_rows
    )
    evaluation = None
    if script.dataset_test_split:
        evaluation = load_sft_split(
            dataset, script.dataset_config, script.dataset_test_split, script.spaces, script.max_eval_rows,
            stratify=True,
        )  # fmt: skip
    codebook = dataset_codebook(dataset) if "latent" in script.spaces else None
    if codebook is None and "latent" in script.spaces:
        logger.warning(
            "dataset %s has no %s: the model's latent answers will be invalid in rollouts",
            dataset, CODEBOOK_FILE,
        )  # fmt: skip

    # 2. Model and collator.
    model, processor = build_model_and_processor(args)
    if config.history_length is not None:
        processor.history_length = config.history_length
    collator = ActionSFTCollator(processor, script.spaces)
    output_dir = pathlib.Path(config.output_dir)
    settings = _arguments_dict(args)
    card_context = {
        "model_name": config.hub_model_id or output_dir.name,
        "spaces": list(script.spaces),
        "config": settings,
        "config_yaml": yaml.safe_dump(settings, sort_keys=False).strip(),
        **sft_card_fields(settings),  # the card's base model, dataset and config, without local paths
        "num_parameters": model.num_parameters(),
        "history_length": processor.history_length,
        "data": {
            "path": dataset,
            "config": script.dataset_config,
            "train_split": script.dataset_train_split,
            "eval_split": script.dataset_test_split,
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

    # 3. Train. The trainer never pushes by itself: the folder goes up once, complete, at the end.
    trainer_args = dataclasses.replace(config, gradient_accumulation_steps=accumulation, push_to_hub=False)
    totals = RunTotals()
    if checkpoint is not None:  # the whole run's rows and loss: the part before the checkpoint comes from it
        earlier = checkpoint_state(checkpoint).get("stateful_callbacks", {}).get(RunTotals.__name__, {})
        totals.rows_before = int(earlier.get("attributes", {}).get("rows_trained", 0))
        totals.loss_sum_before = float(earlier.get("attributes", {}).get("loss_sum", 0.0))
    trainer = CrossAgentSFTTrainer(
        model=model,
        args=trainer_args,
        data_collator=collator,
        train_dataset=train,
        processing_class=processor,
        callbacks=[*(callbacks or []), totals],
        peft_config=lora_config(model_args),
        card_context=card_context,
    )
    if trainer.args.world_size != world_size():
        raise RuntimeError(
            f"launcher says {world_size()} processes, the trainer sees {trainer.args.world_size}."
        )
    logger.info(
        "SFT %s on %d rows: %d process(es) x %d rows x %d accumulation, resume from %s",
        script.dataset_config, len(train), trainer.args.world_size, per_device, accumulation, checkpoint,
    )  # fmt: skip
    totals.trainer = trainer
    result = trainer.train(resume_from_checkpoint=checkpoint)
    rows_trained = trainer.accelerator.gather(
        torch.tensor([totals.rows_before + trainer.rows_trained], device=trainer.args.device)
    )
    # TRL/transformers report the loss of this train() call only; a resumed run reports the whole run's.
    steps_now = trainer.state.global_step - trainer._initial_global_step
    train_loss = result.training_loss
    if checkpoint is not None and trainer.state.global_step > 0:
        resumed_sum = result.training_loss * steps_now
        train_loss = (totals.loss_sum_before + resumed_sum) / trainer.state.global_step

    # 4. Save the model folder, score it, write the card; the run file last marks the run as finished.
    save_model_folder(trainer, processor, output_dir)
    summary = {
        **card_context["training"],
        "global_step": trainer.state.global_step,
        "train_loss": train_loss,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "train_samples_per_second": result.metrics.get("train_samples_per_second"),
        "rows_trained_per_rank": rows_trained.tolist(),
        "resumed_from": checkpoint,
        "log_history": trainer.state.log_history,
    }
    card_context["training"] = summary
    if trainer.is_world_process_zero():
        save_codebook(codebook, output_dir)
        scored = trainer.model
        if evaluation is not None:
            card_context["metrics"] = teacher_forced_accuracy(
                scored, collator, evaluation, per_device, majority=majority_actions(train)
            )
            write_text_atomic(output_dir / METRICS_FILE, json.dumps(card_context["metrics"], indent=2))
        write_text_atomic(output_dir / CONFIG_FILE, card_context["config_yaml"] + "\n")
        run = {"config": card_context["config"], "data": card_context["data"], "training": summary}
        trainer.create_model_card(model_name=card_context["model_name"])
        if trainer.card_error:  # the model is saved and usable: a card problem must not cost the run
            run["card_error"] = trainer.card_error
        write_text_atomic(
            output_dir / RUN_FILE, json.dumps({**run, "metrics": card_context["metrics"]}, indent=2)
        )
        if config.push_to_hub:
            push_model_folder(output_dir, config.hub_model_id or output_dir.name, config.hub_private_repo)
    trainer.accelerator.wait_for_everyone()
    return {"output_dir": str(output_dir), "metrics": card_context["metrics"], **summary}


def save_model_folder(trainer: SFTTrainer, processor, output_dir: pathlib.Path) -> None:
    """A complete CrossAgentForActions folder; a LoRA run also keeps its adapter in `adapter/`.

    A LoRA run's weights are merged into the model so that the folder loads, evaluates and serves like
    any other (`AutoModel.from_pretrained(folder, trust_remote_code=True)`).
    """
    model = trainer.model
    if hasattr(model, "merge_and_unload"):
        if trainer.is_world_process_zero():
            model.save_pretrained(output_dir / "adapter")
        merged = model.merge_and_unload()
        if trainer.is_world_process_zero():
            merged.save_pretrained(output_dir)
            processor.save_pretrained(output_dir)
        trainer.model = merged
        return
    trainer.save_model(str(output_dir))


def push_model_folder(folder: pathlib.Path, repo_id: str, private: bool | None = None) -> str:
    """Upload the finished model folder (not its checkpoints) to the Hub; returns the commit URL."""
    from huggingface_hub import HfApi

    api = HfApi()
    repo = api.create_repo(repo_id, private=private, exist_ok=True)
    commit = api.upload_folder(
        repo_id=repo.repo_id,
        folder_path=str(folder),
        ignore_patterns=["checkpoint-*", "checkpoint-*/**", "*.tmp"],
        commit_message="CrossAgent SFT: model, processor, card with the final metrics",
    )
    logger.info("pushed %s to %s", folder, commit.commit_url)
    return commit.commit_url
