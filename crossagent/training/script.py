"""What every training script (`trainers/*.py`) shares: logging, parsing, one-line errors, the main rank."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable


def run_script(name: str, train: Callable, parse: Callable, argv: list[str] | None) -> dict | None:
    """`train(parse(argv))` with INFO logging; a bad flag, YAML file, path or dataset prints one line
    `NAME: error: ...` on stderr (the traceback at DEBUG) and returns None, the script's exit code 2."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    import yaml

    try:
        return train(parse(argv))
    except (ValueError, TypeError, OSError, yaml.YAMLError) as error:  # bad flags, YAML, files, data
        logging.getLogger(name).debug("traceback", exc_info=True)
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"{name}: error: {message}", file=sys.stderr)
        return None


def is_main_rank() -> bool:
    """True in the process that prints summaries (rank 0 under torchrun / accelerate, or alone)."""
    return int(os.environ.get("RANK", "0")) == 0
