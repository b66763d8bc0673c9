"""Check a mixed-action folder before training on it, and load it only when it passes.

Each shard listed in the card is read (text columns only, images are not decoded) and every row's action
space and texts are checked; errors name the shard file and the row. A shard whose bytes no longer match
the fingerprint in its name was changed after the build (and `datasets` could serve stale cached rows).
"""

from __future__ import annotations

import logging
import pathlib
from collections.abc import Sequence

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from crossagent.datasets.hub_folder import fingerprint, fingerprint_of_name
from crossagent.datasets.schema import COLUMNS, CONFIGS, TEXT_COLUMNS, LabelError, check_labels
from crossagent.executors.latent import CODEBOOK_FILE
from modeling_crossagent.action_spaces import ACTION_SPACES, NUM_LATENT_CODES

logger = logging.getLogger(__name__)


class DatasetError(ValueError):
    """A dataset folder that is incomplete, corrupt or holds invalid rows; the message names file and row."""


def card_configs(folder: pathlib.Path) -> dict[str, dict[str, list[str]]]:
    """config -> split -> shard paths, from the README card's `configs:` YAML."""
    card = folder / "README.md"
    if not card.is_file():
        raise DatasetError(
            f"{folder}: no README.md dataset card; this is not a complete dataset folder (rebuild it)"
        )
    text = card.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---" not in text[4:]:
        raise DatasetError(f"{card}: no YAML header (--- ... ---) with `configs:`")
    header = yaml.safe_load(text[4 : text.index("\n---", 4)]) or {}
    configs = {}
    for entry in header.get("configs", []):
        files = {}
        for data in entry.get("data_files", []):
            paths = data["path"]
            files[data["split"]] = [paths] if isinstance(paths, str) else list(paths)
        configs[entry["config_name"]] = files
    if not configs:
        raise DatasetError(f"{card}: its YAML header lists no `configs:`")
    return configs


def latent_codes(folder: pathlib.Path) -> int:
    """Size of the folder's latent codebook (the default when it has none)."""
    path = folder / CODEBOOK_FILE
    if not path.is_file():
        return NUM_LATENT_CODES
    from crossagent.executors.latent import LatentCodebook

    return LatentCodebook.load(path).num_codes


def read_shard(path: pathlib.Path, folder: pathlib.Path) -> pa.Table:
    """The text columns of one shard; DatasetError naming the file when it is missing, corrupt or truncated."""
    where = path.relative_to(folder)
    if not path.is_file():
        raise DatasetError(f"{folder}: shard {where} listed in README.md is missing; rebuild the dataset")
    try:
        schema = pq.read_schema(path)
        missing = [c for c in COLUMNS if c not in schema.names]
        if missing:
            raise DatasetError(f"{path}: missing column(s) {missing}; the schema is {list(COLUMNS)}")
        return pq.read_table(path, columns=list(TEXT_COLUMNS))
    except (pa.ArrowException, OSError) as error:
        raise DatasetError(
            f"{path}: corrupt or truncated parquet shard ({error}); rebuild the dataset"
        ) from None


def check_shard(path: pathlib.Path, folder: pathlib.Path, config: str, num_codes: int) -> int:
    """Check every row of one shard against `config`; returns its row count."""
    table = read_shard(path, folder)
    for index, row in enumerate(table.to_pylist()):
        try:
            check_labels(row, config, num_codes)
        except LabelError as error:
            raise DatasetError(f"{path} row {index} (id {row['id']!r}): {error}") from None
    claimed = fingerprint_of_name(path)
    if claimed is not None and fingerprint(path) != claimed:
        raise DatasetError(
            f"{path}: its bytes do not match the fingerprint {claimed} in its name (changed after the build); "
            "rebuild the dataset"
        )
    return table.num_rows


def rows_config(relative: str, config: str) -> str:
    """The config a shard's rows are checked against: its own space for a `mixed` shard under data/<space>/
    (with a dense `raw` config, mixed's raw shards are listed by no space config)."""
    parts = pathlib.PurePosixPath(relative).parts
    if config == "mixed" and len(parts) == 3 and parts[0] == "data" and parts[1] in ACTION_SPACES:
        return parts[1]
    return config


def validate_dataset(folder: str | pathlib.Path, configs: Sequence[str] | None = None) -> dict:
    """Check the shards of `configs` (default: all); returns rows per config and split."""
    folder = pathlib.Path(folder)
    listed = card_configs(folder)
    wanted = list(listed) if configs is None else list(configs)
    for config in wanted:
        if config not in listed:
            raise DatasetError(
                f"{folder}: no config {config!r}; it has {', '.join(listed)} (expected {', '.join(CONFIGS)})"
            )
    num_codes = latent_codes(folder)
    checked: dict[pathlib.Path, int] = {}
    counts: dict[str, dict[str, int]] = {}
    # Space configs first, so a shard is checked once and against its own space.
    for config in sorted(wanted, key=lambda c: c == "mixed"):
        counts[config] = {}
        for split, paths in listed[config].items():
            total = 0
            for relative in paths:
                path = folder / relative
                if path not in checked:
                    checked[path] = check_shard(path, folder, rows_config(relative, config), num_codes)
                total += checked[path]
            counts[config][split] = total
    logger.info("%s: %d shards valid", folder, len(checked))
    return counts


def load_mixed(folder: str | pathlib.Path, config: str = "mixed", split: str | None = None, **kwargs):
    """`datasets.load_dataset(folder, config, split=split)` after `validate_dataset` passed for `config`."""
    validate_dataset(folder, [config])
    return datasets.load_dataset(str(folder), config, split=split, **kwargs)
