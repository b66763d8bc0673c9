"""The main job's RL stages: single-turn GRPO (`strl`) and self-training relabelling (`relabel`).

`strl` trains models/strl from the plan's `strl_from` SFT model on the decision states of data/mixed (built
with states when the plan has STRL). `relabel` samples the STRL model on those states, keeps its verified
equivalent answers as data/strl (D_strl) and re-initialises SFT on it: models/crossagent-cs2 (M_cs2, the
paper's initialisation of multi-turn RL). Each runs in a spawned process with one torch thread (what the
SFT stage found fastest on a shared 2-core CPU); a finished part is kept, an unfinished STRL or SFT resumes
from its latest checkpoint.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import multiprocessing
import pathlib
import time

from crossagent.pipeline.plan import PipelineConfig, model_dir

logger = logging.getLogger(__name__)

STRL_MODEL = "strl"
CS2_MODEL = "crossagent-cs2"


def _in_child(function, *args):
    """Run `function(*args)` in a fresh spawned process (one torch thread); returns its result."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


def _log_to(folder: pathlib.Path) -> None:
    import torch

    torch.set_num_threads(1)
    folder.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=folder / "train.log", level=logging.INFO, force=True,
                        format="%(asctime)s %(name)s: %(message)s")  # fmt: skip


def _train_strl(fields: dict) -> dict:
    from crossagent.training.strl import train_strl
    from crossagent.training.strl_config import strl_arguments

    _log_to(pathlib.Path(fields["output_dir"]))
    summary = train_strl(strl_arguments(**fields))
    return {
        k: v
        for k, v in summary.items()
        if k in ("global_step", "final_reward", "metrics", "warmup", "train_runtime_s")
    }


def strl_fields(config: PipelineConfig) -> dict:
    """The STRL run's argument fields (checked here, before any process starts)."""
    from crossagent.training.sft import checkpoints
    from crossagent.training.strl_config import strl_arguments

    plan = config.plan
    out = model_dir(config.output_dir, STRL_MODEL)
    fields = dict(
        preset=config.preset,
        dataset_name=str(config.output_dir / "data" / "mixed"),
        model_name_or_path=str(model_dir(config.output_dir, plan.strl_from)),
        output_dir=str(out),
        seed=config.seed,
        disable_tqdm=True,
        report_to="none",
        **plan.strl_overrides,
    )
    strl_arguments(**fields)
    fields["resume_from_checkpoint" if checkpoints(out) else "overwrite_output_dir"] = (
        "latest" if checkpoints(out) else True
    )
    return fields


def stage_strl(config: PipelineConfig) -> dict:
    """Single-turn GRPO from the plan's `strl_from` SFT model (skipped when the plan has none)."""
    from crossagent.training.strl import RUN_FILE

    plan = config.plan
    if plan.strl_from is None:
        return {"skipped": "the preset's plan has no strl_from"}
    out = model_dir(config.output_dir, STRL_MODEL)
    if (out / RUN_FILE).is_file():
        logger.info("STRL: already trained (%s)", out / RUN_FILE)
        run = json.loads((out / RUN_FILE).read_text())
        return {k: run.get(k) for k in ("global_step", "final_reward", "metrics", "warmup")}
    start = time.perf_counter()
    logger.info("STRL: training from %s, log in %s/train.log", plan.strl_from, out)
    summary = _in_child(_train_strl, strl_fields(config))
    return {**summary, "seconds": round(time.perf_counter() - start, 1)}


def _relabel_and_sft(config_dict: dict) -> dict:
    from crossagent.training.relabel import relabel
    from crossagent.training.sft import RUN_FILE, checkpoints, train_sft
    from crossagent.training.sft_config import sft_arguments

    config = PipelineConfig(**config_dict)
    plan = config.plan
    data = config.output_dir / "data" / "strl"
    out = model_dir(config.output_dir, CS2_MODEL)
    _log_to(out)
    result: dict = {}
    if not (data / "generation.json").is_file():
        start = time.perf_counter()
        settings = relabel(
            str(model_dir(config.output_dir, STRL_MODEL)), str(config.output_dir / "data" / "mixed"), str(data),
            k=plan.relabel_k, max_rows=plan.relabel_max_rows, overwrite=True, progress=False, seed=config.seed,
        )  # fmt: skip
        result["relabel"] = {"splits": settings["splits"], "seconds": round(time.perf_counter() - start, 1)}
    else:
        result["relabel"] = {
            "splits": json.loads((data / "generation.json").read_text())["splits"],
            "reused": True,
        }
    if not (out / RUN_FILE).is_file():
        fields = dict(
            preset=config.preset, dataset_name=str(data), output_dir=str(out), seed=config.seed,
            disable_tqdm=True, **{**plan.sft_overrides, **plan.relabel_sft_overrides},
        )  # fmt: skip
        fields["resume_from_checkpoint" if checkpoints(out) else "overwrite_output_dir"] = (
            "latest" if checkpoints(out) else True
        )
        summary = train_sft(sft_arguments(**fields))
        result["sft"] = {"global_step": summary["global_step"], "train_loss": summary["train_loss"],
                         "train_runtime_s": summary.get("train_runtime_s")}  # fmt: skip
    else:
        result["sft"] = {"reused": True}
    return result


def stage_relabel(config: PipelineConfig) -> dict:
    """D_strl from the STRL model's verified answers, then the re-initialisation SFT on it (M_cs2)."""
    if config.plan.strl_from is None:
        return {"skipped": "the preset's plan has no strl_from"}
    start = time.perf_counter()
    result = _in_child(_relabel_and_sft, {**config.to_dict(), "output_dir": str(config.output_dir)})
    return {**result, "seconds": round(time.perf_counter() - start, 1)}
