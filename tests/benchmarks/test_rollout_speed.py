"""benchmarks/rollout_speed.py end to end: a tiny untrained model plays real MineSim episodes in all three loops."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

ARGS = ["--tasks", "mine_block:oak_log", "--episodes-per-task", "2", "--num-envs", "2", "--max-new-tokens", "3",
        "--max-ticks", "6", "--seed", "1"]  # fmt: skip
LOOPS = ("batched", "trl_fixed_prompt", "trl")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def benchmark(request):
    # Imported by path, and registered first: its dataclass looks its module up in sys.modules.
    path = request.config.rootpath / "benchmarks" / "rollout_speed.py"
    spec = importlib.util.spec_from_file_location("rollout_speed_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_every_loop_plays_every_episode_and_the_ratios_are_the_rates(benchmark, base_model_dir, tmp_path):
    output = tmp_path / "speed.json"
    result = benchmark.main(["--model", str(base_model_dir), *ARGS, "--output", str(output)])
    assert json.loads(output.read_text()) == result
    assert result["episodes"] == result["num_tasks"] * result["episodes_per_task"] == 2
    for name in LOOPS:
        loop = result["loops"][name]
        assert loop["episodes"] == 2, name
        assert loop["successes"] <= loop["episodes"] and loop["success_rate"] == loop["successes"] / 2
        assert 1 <= loop["model_calls"] <= loop["decisions"] <= loop["model_calls"] * result["num_envs"]
        assert loop["decisions_per_episode"] == loop["decisions"] / 2
        assert loop["generated_tokens"] <= loop["decisions"] * result["max_new_tokens"]
        assert loop["episodes_per_s"] == pytest.approx(loop["episodes"] / loop["wall_seconds"], rel=1e-2)
        assert loop["decisions_per_s"] == pytest.approx(loop["decisions"] / loop["wall_seconds"], rel=1e-2)
        assert loop["episodes_per_cpu_s"] == pytest.approx(loop["episodes"] / loop["cpu_seconds"], rel=1e-2)
        assert loop["decisions_per_cpu_s"] == pytest.approx(loop["decisions"] / loop["cpu_seconds"], rel=1e-2)
        assert loop["context_truncated"] == 0  # 6 ticks are far from the 2048-token context
    batched = result["loops"]["batched"]
    for other in ("trl", "trl_fixed_prompt"):
        for key in ("episodes_per_s", "decisions_per_s", "episodes_per_cpu_s", "decisions_per_cpu_s"):
            expected = batched[key] / result["loops"][other][key]
            assert result["speedup"][f"{key}_batched_over_{other}"] == pytest.approx(expected, rel=1e-2)
    assert result["target_met"] == (result["speedup"]["episodes_per_s_batched_over_trl"] >= 5.0)
    assert result["loops"]["batched"]["prompt_tokens_per_decision"] is None  # not counted there
    # Earlier turns stay in TRL's prompt; the fixed prompt shows the frame, instruction and last k actions.
    assert (
        result["loops"]["trl"]["prompt_tokens_per_decision"]
        > result["loops"]["trl_fixed_prompt"]["prompt_tokens_per_decision"]
    )


def test_a_conversation_reaching_the_context_ends_its_episode_as_trl_does(
    benchmark, base_model_dir, tmp_path
):
    # The same weights with a 100-token context: the growing conversation passes it after a few turns.
    folder = tmp_path / "short-context"
    folder.mkdir()
    for path in base_model_dir.iterdir():
        (folder / path.name).symlink_to(path)
    config = json.loads((base_model_dir / "config.json").read_text())
    config["text_config"]["max_position_embeddings"] = 100
    (folder / "config.json").unlink()
    (folder / "config.json").write_text(json.dumps(config))
    result = benchmark.main(["--model", str(folder), *ARGS[:-4], "--max-ticks", "40"])
    trl = result["loops"]["trl"]
    assert trl["episodes"] == 2 and trl["context_truncated"] >= 1
    assert result["loops"]["trl_fixed_prompt"]["context_truncated"] == 0


def test_a_missing_model_folder_or_an_unmatched_task_filter_is_named(
    benchmark, base_model_dir, tmp_path, capsys
):
    with pytest.raises(SystemExit):
        benchmark.main(["--model", str(tmp_path / "nowhere"), *ARGS])
    error = capsys.readouterr().err
    assert "--model" in error and "no such folder" in error
    with pytest.raises(SystemExit):
        benchmark.main(["--model", str(base_model_dir), "--tasks", "mine_block:no_such_block"])
    error = capsys.readouterr().err
    assert "--tasks" in error and "matches no task" in error
    with pytest.raises(SystemExit):
        benchmark.main(["--model", str(base_model_dir), "--num-envs", "0"])
    assert "--num-envs must be >= 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        benchmark.main(["--model", str(base_model_dir), "--split", "in_domian"])
    assert "--split 'in_domian'" in capsys.readouterr().err
