"""The main job's pretrain stage on a small plan: real perception data, a real pretraining run in a spawned
process, SFT starting from its base model; a rerun keeps the finished base."""

import dataclasses
import json

import pytest

from crossagent import presets
from crossagent.pipeline import PipelineConfig
from crossagent.pipeline.data import stage_mixed
from crossagent.pipeline.stages import STAGES
from crossagent.pipeline.training import stage_pretrain, stage_sft


@pytest.fixture
def small_job(tmp_path, monkeypatch):
    tiny = presets.PRESETS["tiny"]
    data = {**tiny.data, "tasks": "mine_block:dirt", "episodes_per_task": 2, "workers": 1}
    job = dict(
        sft_models={"raw": "raw"}, pretrain=True, sft_parallel=1,
        sft_overrides=dict(max_steps=1, per_device_train_batch_size=2, save_steps=1, max_eval_rows=4),
    )  # fmt: skip
    pretrain = dict(
        data=dict(train_scenes=4, test_scenes=2, image_size=tiny.model.image_size, workers=1),
        train=dict(per_device_train_batch_size=2, max_steps=2, save_steps=1, warmup_steps=0, max_eval_rows=2),
    )  # fmt: skip
    replaced = dataclasses.replace(tiny, data=data, job=job, pretrain=pretrain)
    monkeypatch.setitem(presets.PRESETS, "tiny", replaced)
    return PipelineConfig(output_dir=tmp_path)


def test_pretrain_comes_before_sft():
    names = [name for name, _ in STAGES]
    assert names.index("pretrain") < names.index("sft")


@pytest.mark.slow  # ~75 s on 2 shared cores: a data build, a pretraining and an SFT in spawned processes
def test_sft_starts_from_the_pretrained_base(small_job):
    out = small_job.output_dir
    summary = stage_pretrain(small_job)
    assert summary["global_step"] == 2 and summary["metrics"]
    assert (out / "models" / "base" / "pretrain_run.json").is_file()
    assert (out / "data" / "perception" / "README.md").is_file()
    stage_mixed(small_job)
    stage_sft(small_job)
    run = json.loads((out / "models" / "raw" / "sft_run.json").read_text())
    assert run["config"]["model_name_or_path"] == str(out / "models" / "base")
    mtime = (out / "models" / "base" / "model.safetensors").stat().st_mtime
    again = stage_pretrain(small_job)  # finished: read back, not trained again
    assert again["global_step"] == 2
    assert (out / "models" / "base" / "model.safetensors").stat().st_mtime == mtime


def test_the_relabelling_sft_starts_where_the_plan_says(tmp_path, monkeypatch):
    from crossagent.pipeline.rl import relabel_sft_fields
    from crossagent.pipeline.training import sft_start

    config = PipelineConfig(output_dir=tmp_path)  # the real tiny preset: it pretrains, continues M_mix
    data, out = tmp_path / "data" / "strl", tmp_path / "models" / "crossagent-cs2"
    fields = relabel_sft_fields(config, data, out)
    assert config.plan.relabel_sft_from == "sft"
    assert fields["model_name_or_path"] == str(tmp_path / "models" / config.plan.strl_from)
    assert (
        fields["dataset_name"].endswith("strl")
        and fields["max_steps"] == config.plan.relabel_sft_overrides["max_steps"]
    )
    # The paper's re-initialisation: from the base, like every SFT of the job.
    tiny = presets.PRESETS["tiny"]
    job = {**tiny.job, "relabel_sft_from": "base"}
    monkeypatch.setitem(presets.PRESETS, "tiny", dataclasses.replace(tiny, job=job))
    fields = relabel_sft_fields(config, data, out)
    assert fields["model_name_or_path"] == sft_start(config) == str(tmp_path / "models" / "base")
    with pytest.raises(ValueError, match="relabel_sft_from='scratch'"):
        dataclasses.replace(config.plan, relabel_sft_from="scratch")
