"""The package works from a normal (non-editable) install: the built wheel in a fresh virtual environment
runs a tiny end to end (dataset, 2 SFT steps, evaluation of 2 tasks, the metric) from outside the checkout.

The fresh environment borrows the project environment's dependencies through a path file (installing torch,
transformers and the rest again would take minutes), but not the project itself: `crossagent` is the
wheel's copy in the fresh environment's own site-packages, and the checkout is nowhere on the path.
"""

import json
import os
import pathlib
import subprocess
import sys
import sysconfig

REPO = pathlib.Path(__file__).resolve().parents[1]


def test_installed_wheel_runs_end_to_end_outside_the_checkout(built_wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = pathlib.Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )  # fmt: skip
    (site / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile", "--target", str(site), str(built_wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(OMP_NUM_THREADS="1", HF_HOME=str(tmp_path / "hf_home"))
    run = subprocess.run(
        [str(python), str(REPO / "tests" / "install" / "end_to_end.py"), str(work)],
        cwd=work, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-4000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["package"].startswith(str(site))  # the wheel's copy, not the checkout
    assert result["global_step"] == 2 and result["card"] and result["dataset_card"]
    assert result["episodes"] == result["metric_episodes"] == 2

    cli = subprocess.run(
        [str(python), "-m", "crossagent.cli", "model", "init", "--preset", "tiny", "--output", str(work / "init")],
        cwd=work, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr[-2000:]
    assert (work / "init" / "config.json").is_file()
