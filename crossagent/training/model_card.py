"""Render a model card (README.md of a saved model) from a Jinja template in model_cards/."""

from __future__ import annotations

import os
import pathlib
import tempfile

import jinja2

MODEL_CARDS_DIR = pathlib.Path(__file__).resolve().parents[2] / "model_cards"
"""The repository's model_cards/ folder (templates are files, not code, so they live outside the package)."""


def render_model_card(template_name: str, **context) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(MODEL_CARDS_DIR),
        undefined=jinja2.StrictUndefined,  # a missing field is a bug in the caller, not an empty cell
        keep_trailing_newline=True,
        autoescape=False,
    )
    return environment.get_template(template_name).render(**context)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as handle:
        handle.write(text)
    os.replace(handle.name, path)
