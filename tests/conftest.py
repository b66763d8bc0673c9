"""Test-wide settings: nothing may reach the network, and tests stay on one thread."""

import importlib.util
import math
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

# Set before any test imports transformers/datasets/huggingface_hub, which read these at import.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("WANDB_DISABLED", "true")

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture
def one_torch_thread():
    """One torch thread for the test: on two cores shared with other work, torch's default thread pool
    oversubscribes them (5x slower)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def load_script():
    """Import a thin entry-point script (trainers/*.py, datasets_scripts/*.py) by its path from the repo root."""

    def load(relative_path: str):
        path = REPO_ROOT / relative_path
        spec = importlib.util.spec_from_file_location(path.stem + "_script", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def wilson_text():
    """`wilson_text(successes, n)` -> `rate [low, high]` in % as the reports print it: the 95% Wilson score
    interval's closed form, written out here so report tests check the code against an independent value."""

    def text(successes: int, n: int) -> str:
        z = 1.959963984540054  # standard normal 0.975 quantile
        p = successes / n
        center = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return f"{100 * p:.1f} [{100 * max(0.0, center - half):.1f}, {100 * min(1.0, center + half):.1f}]"

    return text


@pytest.fixture(scope="session")
def base_model_dir(tmp_path_factory):
    """A randomly initialised tiny model + processor, saved like any CrossAgentForActions folder (read-only)."""
    from crossagent.models.presets import build_model

    folder = tmp_path_factory.mktemp("base-model")
    model, processor = build_model("tiny", seed=0)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def perception_dir(tmp_path_factory):
    """A small perception dataset built from MineSim (48x48 frames, 12 + 8 scenes; read-only)."""
    from crossagent.datasets.perception_build import PerceptionBuildConfig, build_perception

    folder = tmp_path_factory.mktemp("perception") / "data"
    config = PerceptionBuildConfig(train_scenes=12, test_scenes=8, gui_fraction=0.4, image_size=48, workers=1)
    build_perception(config, folder)
    return folder


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory) -> pathlib.Path:
    """The project's wheel, built from a copy of the checkout's files (a build writes build/ and *.egg-info/)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT, check=True, capture_output=True, text=True,
    ).stdout.split("\0")  # fmt: skip
    source = tmp_path_factory.mktemp("wheel-source")
    for relative in filter(None, listed):
        if (REPO_ROOT / relative).is_file():
            (source / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / relative, source / relative)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", "dist", "."],
        cwd=source, check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = (source / "dist").glob("crossagent-*.whl")
    return wheel
