"""The installed stack: which packages CrossAgent runs on and their versions.

Imports nothing of crossagent, so any layer may record what produced its output (`crossagent info`,
the pipeline's environment stage, dataset build settings).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable

STACK = [
    "torch",
    "transformers",
    "trl",
    "datasets",
    "huggingface_hub",
    "peft",
    "accelerate",
    "evaluate",
    "safetensors",
    "tokenizers",
    "minecraft-data",
    "numpy",
    "numba",
    "gymnasium",
]
"""The packages CrossAgent needs (distribution names)."""


def package_versions(names: Iterable[str]) -> dict[str, str | None]:
    """Installed version of each distribution, None where it is not installed."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions
