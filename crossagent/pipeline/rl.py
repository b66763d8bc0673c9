"""The main job's RL stages: single-turn GRPO (`strl`), self-training relabelling (`relabel`) and
multi-turn GRPO (`mtrl`).

`strl` trains models/strl from the plan's `strl_from` SFT model on the decision states of data/mixed (built
with states when the plan has STRL). `relabel` samples the STRL model on those states, keeps its verified
equivalent answers as data/strl (D_strl) and re-initialises SFT on it: models/crossagent-cs2 (M_cs2, the
paper's initialisation of multi-turn RL). `mtrl` trains each of the plan's `mtrl_models` from its start
model (CrossAgent from M_cs2, each RL baseline from its SFT model), `mtrl_parallel` at a time. Each runs in a spawned process with one torch thread (what the
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

from crossagent.pipeline.plan import RL_CS2_MODEL, RL_STRL_MODEL, PipelineConfig, model_dir
from crossagent.pipeline.training import sft_start

logger = logging.getLogger(__name__)

STRL_MODEL = RL_STRL_MODEL
CS2_MODEL = RL_CS2_MODEL


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


def relabel_sft_fields(config: PipelineConfig, data: pathlib.Path, out: pathlib.Path) -> dict:
    """The argument fields of M_cs2's SFT on D_strl. With `relabel_sft_from="base"` a fresh SFT that starts
    where every SFT of the job starts (`sft_start`: the pretrained base when the plan pretrains); with
    `"sft"` a continuation of the model STRL started from (M_mix)."""
    plan = config.plan
    if plan.relabel_sft_from == "sft":
        start = str(model_dir(config.output_dir, plan.strl_from))
    else:
        start = sft_start(config)
    return dict(
        preset=config.preset, dataset_name=str(data), output_dir=str(out), seed=config.seed,
        disable_tqdm=True, model_name_or_path=start,
        **{**plan.sft_overrides, **plan.relabel_sft_overrides},
    )  # fmt: skip


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
        fields = relabel_sft_fields(config, data, out)
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


def _train_mtrl(fields: dict) -> dict:
    from crossagent.training.mtrl import train_mtrl
    from crossagent.training.mtrl_config import mtrl_arguments

    _log_to(pathlib.Path(fields["output_dir"]))
    start = time.perf_counter()  # in the child: a run waiting for a free process is not timed
    summary = train_mtrl(mtrl_arguments(**fields))
    return {**{k: summary.get(k) for k in MTRL_SUMMARY}, "seconds": round(time.perf_counter() - start, 1)}


MTRL_SUMMARY = ("global_step", "train_runtime_s", "action_spaces", "first_success_rate", "final_success_rate")


def mtrl_fields(config: PipelineConfig, name: str, start: str) -> dict:
    """The MTRL run's argument fields (checked here, before any process starts)."""
    from crossagent.training.mtrl_config import mtrl_arguments
    from crossagent.training.sft import checkpoints

    out = model_dir(config.output_dir, name)
    fields = dict(
        preset=config.preset,
        model_name_or_path=str(model_dir(config.output_dir, start)),
        output_dir=str(out),
        seed=config.seed,
        disable_tqdm=True,
        report_to="none",
        **config.plan.mtrl_overrides,
    )
    mtrl_arguments(**fields)
    fields["resume_from_checkpoint" if checkpoints(out) else "overwrite_output_dir"] = (
        "latest" if checkpoints(out) else True
    )
    return fields


def run_mtrl(config: PipelineConfig, runs: dict[str, str]) -> dict:
    """Train each `name -> start model` run (finished ones are kept), `mtrl_parallel` at a time."""
    from crossagent.training.mtrl import RUN_FILE

    results, todo = {}, {}
    for name, start in runs.items():
        run_file = model_dir(config.output_dir, name) / RUN_FILE
        if run_file.is_file():
            logger.info("MTRL %s: already trained (%s)", name, run_file)
            run = json.loads(run_file.read_text())
            results[name] = {k: run.get(k) for k in MTRL_SUMMARY}
        else:
            todo[name] = mtrl_fields(config, name, start)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        max(config.plan.mtrl_parallel, 1), mp_context=context
    ) as pool:
        futures = {pool.submit(_train_mtrl, fields): name for name, fields in todo.items()}
        for name in todo:
            logger.info(
                "MTRL %s: training from %s, log in %s/train.log", name, runs[name], todo[name]["output_dir"]
            )
        for future in concurrent.futures.as_completed(futures):
            name = futures[future]
            results[name] = future.result()
            logger.info("MTRL %s: done, training-task success %s -> %s", name,
                        results[name]["first_success_rate"], results[name]["final_success_rate"])  # fmt: skip
    return {name: results[name] for name in runs}


def stage_mtrl(config: PipelineConfig) -> dict:
    """Multi-turn GRPO of CrossAgent and of each RL baseline (the plan's `mtrl_models`)."""
    if not config.plan.mtrl_models:
        return {"skipped": "the preset's plan has no mtrl_models"}
    return run_mtrl(config, config.plan.mtrl_models)


def stage_ablation(config: PipelineConfig) -> dict:
    """The paper's first ablation (`crossagent pipeline --ablation`): MTRL from M_mix without STRL, beside
    the main run from M_cs2, and the iterations each needs to reach the same training-task success."""
    from crossagent.training.mtrl import LOG_FILE

    plan = config.plan
    if not plan.mtrl_ablation:
        return {"skipped": "the preset's plan has no mtrl_ablation"}
    summary = run_mtrl(config, plan.mtrl_ablation)
    curves = {}
    for name in (*plan.mtrl_models, *plan.mtrl_ablation):
        log = model_dir(config.output_dir, name) / LOG_FILE
        if log.is_file():
            curves[name] = [step["success_rate"] for step in json.loads(log.read_text())]
    return {"runs": summary, "steps_to_reach": steps_to_reach(curves)}


def steps_to_reach(curves: dict[str, list[float]], window: int = 3) -> dict:
    """The first MTRL step at which each run's training-task success (mean over `window` steps, the
    rollouts are noisy) reaches the level the weakest run ends at; None when it never does."""
    smoothed = {
        name: [
            sum(c[max(0, i - window + 1) : i + 1]) / len(c[max(0, i - window + 1) : i + 1])
            for i in range(len(c))
        ]
        for name, c in curves.items()
        if c
    }
    if not smoothed:
        return {}
    target = min(s[-1] for s in smoothed.values())
    return {
        "target_success": round(target, 4),
        "steps": {
            name: next((i + 1 for i, v in enumerate(s) if v >= target), None) for name, s in smoothed.items()
        },
    }
