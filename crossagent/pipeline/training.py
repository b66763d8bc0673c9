"""The main job's training stages: perception pretraining of the base model, then cold-start SFT of
CrossAgent and the single-space baselines from it.

Every model of the plan trains in its own spawned process, SFT `sft_parallel` at a time (one torch thread
each). A finished model (its `sft_run.json` / `pretrain_run.json`) is kept, a half-trained one continues
from its last checkpoint.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import multiprocessing
import pathlib
import time

from crossagent.pipeline.plan import JobPlan, PipelineConfig, model_dir

logger = logging.getLogger(__name__)


def _train_one(config_fields: dict) -> dict:
    """One SFT run in a fresh process (the pool's spawn context): one torch thread, logs to a file."""
    import torch

    from crossagent.training.sft import RUN_FILE, train_sft
    from crossagent.training.sft_config import sft_arguments

    torch.set_num_threads(1)
    out = pathlib.Path(config_fields["output_dir"])
    out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=out / "train.log", level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", force=True
    )
    start = time.perf_counter()
    summary = train_sft(sft_arguments(**config_fields))
    logging.getLogger(__name__).info("SFT took %.0f s", time.perf_counter() - start)
    if not (out / RUN_FILE).exists():
        raise RuntimeError(f"SFT of {out} ended without writing {RUN_FILE}")
    return summary


BASE_MODEL = "base"
"""The pretrained base model's name under `models/` (`model_dir(output_dir, BASE_MODEL)`)."""


def _pretrain_one(fields: dict) -> dict:
    """The pretraining run in a fresh process (two torch threads: it runs alone), logging to a file."""
    import torch

    from crossagent.training.pretrain import train_pretrain
    from crossagent.training.pretrain_config import pretrain_arguments

    torch.set_num_threads(fields.pop("num_threads"))
    out = pathlib.Path(fields["output_dir"])
    out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=out / "train.log", level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", force=True
    )
    return train_pretrain(pretrain_arguments(**fields))


def stage_pretrain(config: PipelineConfig) -> dict:
    """Build the perception data (data/perception) and pretrain the base model (models/base) on it."""
    from crossagent.datasets.perception_build import PerceptionBuildConfig, build_perception
    from crossagent.presets import get_preset
    from crossagent.training.pretrain import RUN_FILE

    if not config.plan.pretrain:
        return {"skipped": "the preset's plan has pretrain=False: SFT starts from a random model"}
    settings = get_preset(config.preset).pretrain
    data = config.output_dir / "data" / "perception"
    start = time.perf_counter()
    if not (data / "README.md").is_file():  # the folder appears whole (staged), or not at all
        build_perception(PerceptionBuildConfig(**settings.get("data", {})), data, overwrite=True)
    data_seconds = time.perf_counter() - start
    out = model_dir(config.output_dir, BASE_MODEL)
    if (out / RUN_FILE).is_file():
        logger.info("pretrain: already trained (%s)", out / RUN_FILE)
        run = json.loads((out / RUN_FILE).read_text())
        return {"data_seconds": round(data_seconds, 1), **run["training"], "metrics": run["metrics"]}
    # The preset's training fields travel explicitly: the spawned process reads the preset table afresh.
    fields = dict(
        preset=config.preset, dataset_name=str(data), output_dir=str(out), seed=config.seed, disable_tqdm=True,
        num_threads=2, **settings.get("train", {}), **_restart_fields(out),
    )  # fmt: skip
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        logger.info("pretrain: training the base model, log in %s/train.log", out)
        summary = pool.submit(_pretrain_one, fields).result()
    keep = ("global_step", "train_loss", "train_runtime_s", "resumed_from", "metrics")
    return {"data_seconds": round(data_seconds, 1), **{k: summary[k] for k in keep}}


def sft_configs(config: PipelineConfig, plan: JobPlan) -> dict[str, dict]:
    """Model name -> the fields of its SFT arguments (checked here, before any process starts)."""
    from crossagent.training.sft_config import sft_arguments

    dataset = str(config.output_dir / "data" / "mixed")
    runs = {}
    for name, spaces in plan.sft_models.items():
        fields = dict(
            preset=config.preset,
            dataset_name=dataset,
            dataset_config=spaces,
            output_dir=str(model_dir(config.output_dir, name)),
            seed=config.seed,
            disable_tqdm=True,
            model_name_or_path=sft_start(config),
            **{**plan.sft_overrides, **plan.sft_model_overrides.get(name, {})},
        )
        sft_arguments(**fields)  # a bad field fails now, not in a worker ten minutes later
        runs[name] = fields
    return runs


def sft_start(config: PipelineConfig) -> str | None:
    """The model every SFT of the job starts from, the relabelling's fresh SFT (M_cs2) included: the
    pretrained base when the plan pretrains, else None (a freshly built model of the preset)."""
    return str(model_dir(config.output_dir, BASE_MODEL)) if config.plan.pretrain else None


def _restart_fields(output_dir: pathlib.Path) -> dict:
    """How an unfinished model of the job restarts: from its latest complete checkpoint if it has one, else
    from scratch over whatever a killed run left in the job's own folder (no `sft_run.json`: not finished)."""
    from crossagent.training.sft import checkpoints

    if checkpoints(output_dir):
        return {"resume_from_checkpoint": "latest"}
    return {"overwrite_output_dir": True}


def stage_sft(config: PipelineConfig) -> dict:
    """SFT of CrossAgent (all spaces) and each single-space baseline of the plan, `sft_parallel` at a time."""
    from crossagent.training.sft import RUN_FILE

    plan = config.plan
    runs = sft_configs(config, plan)
    results: dict[str, dict] = {}
    todo = {}
    for name, fields in runs.items():
        run_file = pathlib.Path(fields["output_dir"]) / RUN_FILE
        if run_file.exists():
            logger.info("SFT %s: already trained (%s)", name, run_file)
            results[name] = _run_summary(json.loads(run_file.read_text()))
        else:
            todo[name] = {
                **fields,
                **_restart_fields(pathlib.Path(fields["output_dir"])),
            }
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(plan.sft_parallel, mp_context=context) as pool:
        futures = {pool.submit(_train_one, fields): name for name, fields in todo.items()}
        for name in todo:
            logger.info("SFT %s: training (%s), log in %s/train.log", name, todo[name]["dataset_config"],
                        todo[name]["output_dir"])  # fmt: skip
        for future in concurrent.futures.as_completed(futures):
            name = futures[future]
            summary = future.result()
            results[name] = _run_summary(summary)
            logger.info("SFT %s: done in %.0f s", name, summary["train_runtime_s"])
    return {name: results[name] for name in runs}


def _run_summary(run: dict) -> dict:
    """The part of an SFT run's summary the pipeline keeps: steps, loss, time, validation accuracy."""
    training = run.get("training", run)
    metrics = run.get("metrics", {})
    return {
        "output_dir": run.get("output_dir") or run.get("config", {}).get("output_dir"),
        "global_step": training.get("global_step"),
        "train_loss": training.get("train_loss"),
        "train_runtime_s": training.get("train_runtime_s"),
        "resumed_from": training.get("resumed_from"),
        "validation": metrics,
    }
