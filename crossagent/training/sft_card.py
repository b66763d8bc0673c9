"""The SFT model card: `huggingface_hub.ModelCardData` for the metadata, crossagent_sft.md.jinja for the text.

    card = sft_model_card(context)       # a ModelCard; `CrossAgentSFTTrainer.create_model_card` saves it

`base_model` and `datasets` hold Hub ids only: a local dataset folder is no id (the text names the folder,
never its absolute path); a local model folder is named by the `model_name` its own card declares when
that is an `owner/name` id, and otherwise only in the text.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

import yaml
from huggingface_hub import ModelCard, ModelCardData
from huggingface_hub.utils import HFValidationError, validate_repo_id

from crossagent.cards import CARD_FILE, crossagent_model_data, model_card

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "crossagent_sft.md.jinja"
TAGS = ["sft", "trl"]


def is_hub_id(name: str | None, namespaced: bool = False) -> bool:
    """Whether `name` is a valid Hub repository id (`namespaced`: of the form owner/name)."""
    if not name or (namespaced and "/" not in name):
        return False
    try:
        validate_repo_id(name)
    except HFValidationError:
        return False
    return True


def declared_model_name(folder: Path) -> str | None:
    """The `model_name` in the metadata of a model folder's own card (None without a readable one)."""
    if not (folder / CARD_FILE).is_file():
        return None
    try:
        return ModelCard.load(folder / CARD_FILE, ignore_metadata_errors=True).data.model_name
    except Exception as error:  # an unreadable card only costs the reference
        logger.warning("%s: its card cannot be read (%s)", folder, error)
        return None


def describe_source(name_or_path: str | None, kind: str) -> dict:
    """`{"id": Hub id or None, "label": Markdown naming it}` for a model or dataset the run started from."""
    if not name_or_path:
        return {"id": None, "label": None}
    local = Path(name_or_path)
    if not local.is_dir():
        return {"id": name_or_path, "label": f"`{name_or_path}`"}
    declared = declared_model_name(local) if kind == "model" else None
    if is_hub_id(declared, namespaced=True):
        return {"id": declared, "label": f"`{declared}` (from the local folder `{local.resolve().name}`)"}
    return {"id": None, "label": f"the local folder `{local.resolve().name}`"}


def without_absolute_paths(settings: Mapping[str, object]) -> dict:
    """`settings` with every absolute path shortened to `.../<last part>` (a card is public)."""
    return {
        key: f".../{Path(value).name}" if isinstance(value, str) and os.path.isabs(value) else value
        for key, value in settings.items()
    }


def sft_card_fields(settings: Mapping[str, object]) -> dict:
    """The card fields derived from the run's arguments: its sources and its config without local paths."""
    return {
        "base_model": describe_source(settings.get("model_name_or_path"), "model"),
        "dataset": describe_source(settings.get("dataset_name"), "dataset"),
        "card_config_yaml": yaml.safe_dump(without_absolute_paths(settings), sort_keys=False).strip(),
    }


def sft_card_data(context: Mapping[str, object]) -> ModelCardData:
    base, dataset = context["base_model"], context["dataset"]
    single_space = context["config"]["dataset_config"] != "mixed"
    return crossagent_model_data(
        context["model_name"],
        tags=[*TAGS, *(["single-action-space"] if single_space else [])],
        base_model=base["id"],
        datasets=[dataset["id"]] if dataset["id"] else None,
    )


def sft_model_card(context: Mapping[str, object]) -> ModelCard:
    """The model card of an SFT run (`context`: the trainer's `card_context` with the current model name)."""
    return model_card(CARD_TEMPLATE, sft_card_data(context), **context)
