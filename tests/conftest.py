"""Test-wide settings: nothing may reach the network, and tests stay on one thread."""

import importlib.util
import os
import pathlib

import pytest

# Set before any test imports transformers/datasets/huggingface_hub, which read these at import.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("WANDB_DISABLED", "true")

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]


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
def base_model_dir(tmp_path_factory):
    """A randomly initialised tiny model + processor, saved like any CrossAgentForActions folder (read-only)."""
    from crossagent.models.presets import build_model

    folder = tmp_path_factory.mktemp("base-model")
    model, processor = build_model("tiny", seed=0)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder
