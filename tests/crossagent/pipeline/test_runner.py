import json

import pytest

from crossagent.pipeline import PipelineConfig, run_pipeline


def test_pipeline_records_stages_and_resumes(tmp_path):
    calls = []

    def stage_a(config):
        calls.append("a")
        return {"value": 1}

    def stage_b(config):
        calls.append("b")
        if len(calls) == 2:
            raise RuntimeError("killed")
        return {}

    config = PipelineConfig(output_dir=tmp_path)
    with pytest.raises(RuntimeError):
        run_pipeline(config, [("a", stage_a), ("b", stage_b)])
    state = json.loads((tmp_path / "pipeline.json").read_text())
    assert state["stages"]["a"]["done"] and "b" not in state["stages"]
    run_pipeline(config, [("a", stage_a), ("b", stage_b)])
    assert calls == ["a", "b", "b"]  # a is not run again after the crash


def test_unknown_preset_is_a_clear_error():
    with pytest.raises(ValueError, match="preset='huge'"):
        PipelineConfig(preset="huge")


def test_mixed_stage_builds_the_presets_dataset_under_data_mixed(tmp_path, monkeypatch):
    import dataclasses

    import datasets

    from crossagent import presets
    from crossagent.pipeline.data import stage_mixed
    from crossagent.pipeline.stages import STAGES

    names = [name for name, _ in STAGES]
    assert names == [
        "environment",
        "tasks",
        "mixed",
        "pretrain",
        "sft",
        "strl",
        "relabel",
        "mtrl",
        "eval",
        "report",
    ]
    tiny = presets.PRESETS["tiny"]
    small = dataclasses.replace(
        tiny, data={**tiny.data, "tasks": "mine_block:dirt", "episodes_per_task": 2, "workers": 1}
    )
    monkeypatch.setitem(presets.PRESETS, "tiny", small)
    summary = stage_mixed(PipelineConfig(output_dir=tmp_path))
    folder = tmp_path / "data" / "mixed"
    assert summary["folder"] == str(folder) and summary["rows"]["mixed"]["total"] > 0
    assert datasets.load_dataset(str(folder), "skill", split="train").num_rows > 0
