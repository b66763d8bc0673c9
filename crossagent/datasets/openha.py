"""Import OpenHA-format records (the paper's published data) into the mixed-action schema.

An OpenHA record (CraftJarvis datasets, see docs of OpenHA): `conversations`, a list of turns
`{"role": "user"|"assistant", "content": [{"type": "text", "text": ...}, {"type": "image"}]}` (content may
also be a plain string); the first user text is [system prompt +] instruction, each user turn brings one
image, each assistant text is an action or a chain of actions (`Motion: turn left \\n, Action: move(-9,
0)`). Images come as `image: [{"image_path": ...}]` (relative to `image_root`) or `image_bytes: [...]`.
`label` (e.g. `["trajectory", "mine_block:acacia_leaves", ...]`) gives the task id when it has one.

Each assistant turn becomes one row per action of its chain, parsed by the grammar and written in the
canonical text; its raw part is the row's `raw_action`. History follows OpenHA's rule: the raw parts of
the previous turns. A text that does not parse fails the conversion, naming the file, record and turn.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pathlib
import re
from collections.abc import Iterable, Sequence

import pyarrow.parquet as pq

from crossagent.datasets.build import check_rows, write_folder
from crossagent.datasets.card import HISTORY_RULES
from crossagent.datasets.config import MixedBuildConfig
from crossagent.datasets.rows import DATA_SPLITS, assign_splits
from crossagent.tasks import CATEGORIES, OOD_SEEN, UnknownTaskError, get_task
from modeling_crossagent.action_parsing import parse_chain
from modeling_crossagent.action_spaces import ACTION_SPACES, ActionParseError, RawAction, format_action

logger = logging.getLogger(__name__)

TASK_ID_RE = re.compile(r"[a-z_]+:[a-z0-9_]+")
UNKNOWN = "unknown"


class ConversionError(ValueError):
    """An OpenHA record that cannot be converted; the message names the source, record and turn."""


def read_records(path: pathlib.Path) -> list[dict]:
    """Records of a .jsonl, .json (a list) or .parquet file."""
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    records = json.loads(text)
    if not isinstance(records, list):
        raise ConversionError(f"{path}: expected a JSON list of records, got {type(records).__name__}")
    return records


def _texts(turn: dict) -> list[str]:
    content = turn.get("content", "")
    if isinstance(content, str):
        return [content]
    return [part.get("text", "") for part in content if part.get("type") == "text"]


def _images(record: dict, image_root: pathlib.Path | None, where: str) -> list[bytes]:
    if record.get("image_bytes"):
        return [item["bytes"] if isinstance(item, dict) else item for item in record["image_bytes"]]
    images = []
    for item in record.get("image") or []:
        path = item.get("image_path") or item.get("path") if isinstance(item, dict) else item
        full = (image_root / path) if image_root is not None else pathlib.Path(path)
        if not full.is_file():
            raise ConversionError(
                f"{where}: image {full} not found; pass --image-root (the folder of the images)"
            )
        images.append(full.read_bytes())
    return images


def _task(record: dict) -> tuple[str, str, str]:
    """(task_id, category, suite split) from the record's labels; `unknown` when it names no task."""
    task_id = next((x for x in record.get("label") or [] if TASK_ID_RE.fullmatch(str(x))), UNKNOWN)
    try:
        task = get_task(task_id)
        return task.id, task.category, task.split
    except UnknownTaskError:
        prefix = task_id.split(":")[0]
        return task_id, prefix if prefix in CATEGORIES else UNKNOWN, OOD_SEEN


def convert_record(
    record: dict,
    episode: int,
    where: str,
    image_root: pathlib.Path | None = None,
    system_prompt: str = "",
    history_length: int = 8,
) -> list[dict]:
    """Rows of one OpenHA record (see the module docstring); `where` names it in errors."""
    turns = record.get("conversations")
    if not turns:
        raise ConversionError(f"{where}: no `conversations`")
    user = [t for t in turns if t.get("role") == "user"]
    answers = [t for t in turns if t.get("role") == "assistant"]
    images = _images(record, image_root, where)
    if len(images) < len(answers):
        raise ConversionError(f"{where}: {len(answers)} assistant turns but {len(images)} images")
    instruction = " ".join(_texts(user[0])).strip() if user else ""
    instruction = instruction.removeprefix(system_prompt).strip()
    task_id, category, task_split = _task(record)
    rows, raw_history = [], []
    for step, (turn, image) in enumerate(zip(answers, images)):
        text = "".join(_texts(turn)).strip()
        try:
            actions = parse_chain(text)
        except ActionParseError as error:
            raise ConversionError(f"{where} turn {step}: {text!r} does not parse: {error}") from None
        raw = next((a for a in reversed(actions) if isinstance(a, RawAction)), None)
        raw_text = None if raw is None else format_action(raw)
        history = raw_history[-history_length:] if history_length else []
        for action in actions:
            rows.append(
                {
                    "id": f"{record.get('id', episode)}/{step}/{action.space}",
                    "task_id": task_id,
                    "category": category,
                    "task_split": task_split,
                    "instruction": instruction,
                    "image": {"bytes": image, "path": None},
                    "history": list(history),
                    "action_space": action.space,
                    "action": format_action(action),
                    "raw_action": raw_text,
                    "episode": episode,
                    "step": step,
                    "state": None,
                }
            )
        if raw_text is not None:
            raw_history.append(raw_text)
    return rows


def convert_records(
    sources: Iterable[tuple[str, Sequence[dict]]],
    image_root: pathlib.Path | None = None,
    system_prompt: str = "",
    history_length: int = 8,
) -> list[list[dict]]:
    """Rows per record of `(source name, records)` pairs; records are numbered as episodes in order."""
    episodes = []
    for source, records in sources:
        for index, record in enumerate(records):
            where = f"{source} record {index} (id {record.get('id', '?')!r})"
            rows = convert_record(record, len(episodes), where, image_root, system_prompt, history_length)
            episodes.append(rows)
    return episodes


def build_from_openha(
    paths: Sequence[pathlib.Path],
    output_dir: str | pathlib.Path,
    config: MixedBuildConfig | None = None,
    image_root: pathlib.Path | None = None,
    overwrite: bool = False,
    system_prompt: str = "",
) -> dict:
    """Convert OpenHA record files into a mixed-action folder (split by record, no latent codebook)."""
    config = config or MixedBuildConfig()
    paths = [pathlib.Path(p) for p in paths]
    episodes = convert_records(
        ((p.name, read_records(p)) for p in paths), image_root, system_prompt, config.history_length
    )
    if not episodes:
        raise ConversionError(f"{', '.join(map(str, paths))}: no records")
    splits = assign_splits(
        [str(i) for i in range(len(episodes))], config.validation_fraction, config.split_seed
    )
    rows = {space: {split: [] for split in DATA_SPLITS} for space in ACTION_SPACES}
    for episode_rows, split in zip(episodes, splits):
        for row in episode_rows:
            rows[row["action_space"]][split].append(row)
    check_rows(rows, config.num_codes, "openha")
    sources = [{"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in paths]
    episode_counts = {split: splits.count(split) for split in DATA_SPLITS}
    settings = {
        "source": "openha",
        "files": sources,
        "config": {k: getattr(config, k) for k in ("validation_fraction", "split_seed", "history_length")},
        "episodes": {"records": len(episodes), **episode_counts},
    }
    command = (
        f"python datasets_scripts/build_mixed.py --output-dir DIR --openha {' '.join(p.name for p in paths)}"
    )
    card = {
        "episodes": episode_counts,
        "tasks": len({rows_[0]["task_id"] for rows_ in episodes if rows_}),
        "pretty_name": "CrossAgent mixed-action dataset (converted from OpenHA records)",
        "description": "OpenHA-format records (CraftJarvis) converted to CrossAgent's mixed-action schema.",
        "how_made": (
            f"{len(episodes)} records of {len(paths)} file(s) were parsed with CrossAgent's action grammar: each "
            "assistant turn gives one row per action of its chain, in canonical text. Records are split by a "
            "hash of their index. There is no latent space in OpenHA data."
        ),
        "command": command,
        "history_rule": HISTORY_RULES["raw"].format(k=config.history_length),
        "codebook": "",
    }
    folder = write_folder(output_dir, rows, settings, card, config.rows_per_shard, None, overwrite)
    return {"folder": str(folder), "records": len(episodes), **episode_counts}
