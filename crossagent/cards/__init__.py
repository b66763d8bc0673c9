"""Model and dataset cards: Jinja templates shipped inside the package, metadata by huggingface_hub.

    card_data = ModelCardData(library_name="transformers", license="apache-2.0", ...)
    card = model_card("crossagent_sft.md.jinja", card_data, **fields)   # a huggingface_hub.ModelCard
    save_card(card, folder / "README.md")                                # atomic: never half-written
    merge_eval_results(folder / "README.md", eval_results)              # an evaluation's model-index

A template's front matter is `{{ card_data }}`, filled with `card_data.to_yaml()`; the rendered text is
parsed back by `ModelCard` / `DatasetCard`, which validates the metadata (a model-index without a model
name, a YAML block that is not a mapping, ... fail here, not on the Hub).

The templates are package data (`crossagent/cards/templates/*.md.jinja`), so a normal, non-editable
`pip install` renders cards exactly as a source checkout does.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path

import jinja2
from huggingface_hub import DatasetCard, DatasetCardData, EvalResult, ModelCard, ModelCardData, RepoCard

from crossagent.files import write_text_atomic

TEMPLATES_PACKAGE = "crossagent.cards"
"""The package whose `templates/` folder holds the card templates."""

CARD_FILE = "README.md"
"""A model or dataset folder's card."""

MODEL_TAGS = ("crossagent", "vision-language-action", "minecraft")
"""Tags of every CrossAgent model card."""


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(TEMPLATES_PACKAGE, "templates"),
        undefined=jinja2.StrictUndefined,  # a missing field is a bug in the caller, not an empty cell
        keep_trailing_newline=True,
        autoescape=False,  # Markdown and YAML, not HTML
    )


def template_names() -> list[str]:
    """Every card template the package ships."""
    return sorted(_environment().list_templates(extensions=["jinja"]))


def render_card(template_name: str, **fields) -> str:
    """Render the card template `template_name` with `fields` (every field the template names is required)."""
    try:
        template = _environment().get_template(template_name)
    except jinja2.TemplateNotFound:
        raise FileNotFoundError(
            f"card template {template_name!r} is not in the installed package; it ships {template_names()}"
        ) from None
    return template.render(**fields)


def crossagent_model_data(model_name: str, tags: Sequence[str] = (), **fields) -> ModelCardData:
    """The metadata every CrossAgent model card shares (library, license, pipeline tag, tags) plus `fields`."""
    return ModelCardData(
        model_name=model_name,
        library_name="transformers",
        license="apache-2.0",
        pipeline_tag="image-text-to-text",
        tags=[*MODEL_TAGS, *tags],
        **fields,
    )


def model_card(template_name: str, card_data: ModelCardData, **fields) -> ModelCard:
    """The template rendered with `card_data` as its front matter, parsed (and so validated) as a ModelCard."""
    return ModelCard(render_card(template_name, card_data=card_data.to_yaml(), **fields))


def dataset_card(template_name: str, card_data: DatasetCardData, **fields) -> DatasetCard:
    """The template rendered with `card_data` as its front matter, parsed (and so validated) as a DatasetCard."""
    return DatasetCard(render_card(template_name, card_data=card_data.to_yaml(), **fields))


def save_card(card: RepoCard, path: str | os.PathLike) -> Path:
    """Write `card` to `path` atomically (a reader sees the old card or the new one); returns the path."""
    return write_text_atomic(path, str(card))


def _result_key(result: EvalResult) -> tuple:
    """What one reported number is about: task, dataset, split and metric type (not its value or name)."""
    return (
        result.task_type,
        result.dataset_type,
        result.dataset_config,
        result.dataset_split,
        result.metric_type,
    )


def merge_eval_results(
    path: str | os.PathLike, eval_results: Sequence[EvalResult], model_name: str | None = None
) -> ModelCard:
    """Merge `eval_results` into the model card at `path`: an earlier result of the same task, dataset,
    split and metric type is replaced, every other result and all other metadata and text are kept.
    `model_name` names the model-index only when the card has no `model_name` of its own."""
    card = ModelCard.load(path)
    new = {_result_key(result): result for result in eval_results}
    kept = [result for result in card.data.eval_results or [] if _result_key(result) not in new]
    card.data.eval_results = kept + list(new.values())
    card.data.model_name = card.data.model_name or model_name or Path(path).resolve().parent.name
    card.content = str(card)  # re-parse: the merged metadata is validated before it is written
    save_card(card, path)
    return card
