"""Write Hub-format dataset folders safely: fingerprinted parquet shards inside a staged folder.

Shard names end in a fingerprint of their bytes: datasets 5.2 caches a local folder under its name and the
card's data-file list alone (not the files' content or mtime), so a rebuilt folder with unchanged names
would load the previous build's rows from ~/.cache. A folder is written under a temporary sibling and
renamed into place at the end, so a crash never leaves half a dataset looking complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import pathlib
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence

import datasets
import pyarrow.parquet as pq

logger = logging.getLogger(__name__)

FINGERPRINT_CHARS = 16
"""Hex digits of the SHA-256 of a shard's bytes at the end of its name."""


def fingerprint(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:FINGERPRINT_CHARS]


def write_fingerprinted_shard(dataset: datasets.Dataset, folder: pathlib.Path, stem: str) -> str:
    """Write `dataset` as `folder/<stem>-<fingerprint>.parquet`; returns that path relative to `folder`."""
    scratch = folder / f"{stem}.parquet.tmp"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    dataset.to_parquet(str(scratch))
    relative = f"{stem}-{fingerprint(scratch)}.parquet"
    scratch.rename(folder / relative)
    logger.info("wrote %d rows to %s", dataset.num_rows, relative)
    return relative


def fingerprint_of_name(path: pathlib.Path) -> str | None:
    """The fingerprint a shard's name claims (None when the name carries none)."""
    tail = path.name.removesuffix(".parquet").rsplit("-", 1)[-1]
    return tail if len(tail) == FINGERPRINT_CHARS and all(c in "0123456789abcdef" for c in tail) else None


@contextlib.contextmanager
def staged_folder(output_dir: str | pathlib.Path, overwrite: bool = False) -> Iterator[pathlib.Path]:
    """Yield a temporary sibling of `output_dir`; on success it replaces `output_dir`, on error it is removed."""
    output_dir = pathlib.Path(output_dir)
    if output_dir.exists() and not overwrite:
        raise FileExistsError(f"{output_dir} already exists; pass overwrite=True (--overwrite) to replace it")
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-", dir=output_dir.parent))
    try:
        yield staging
        staging.chmod(0o755)  # mkdtemp makes it private; the dataset is meant to be shared
        if output_dir.exists():
            shutil.rmtree(output_dir)
        staging.rename(output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def configs_metadata(
    shards: Mapping[str, Mapping[str, str | Sequence[str]]], default: str | None = None
) -> list[dict]:
    """The card's `configs:` (config -> split -> shard path or paths), `default` marked as the default."""
    return [
        {
            "config_name": config,
            **({"default": True} if config == default else {}),
            "data_files": [
                {"split": split, "path": paths if isinstance(paths, str) else list(paths)}
                for split, paths in by_split.items()
            ],
        }
        for config, by_split in shards.items()
    ]


def _split_sizes(folder: pathlib.Path, paths: str | Sequence[str]) -> dict[str, int]:
    """Rows and uncompressed bytes of the shards `paths` (relative to `folder`, globs allowed), from the
    parquet footers alone."""
    files = [f for p in ([paths] if isinstance(paths, str) else paths) for f in sorted(folder.glob(p))]
    footers = [pq.read_metadata(f) for f in files]
    return {
        "num_bytes": sum(m.row_group(i).total_byte_size for m in footers for i in range(m.num_row_groups)),
        "num_examples": sum(m.num_rows for m in footers),
    }


def dataset_info_metadata(
    features: datasets.Features,
    folder: pathlib.Path,
    shards: Mapping[str, Mapping[str, str | Sequence[str]]],
) -> list[dict]:
    """The card's `dataset_info:` per config: its features (name and dtype, as `datasets` writes them in
    Hub cards) and its splits with rows and bytes read from the shards in `folder` (`load_dataset` checks
    the rows)."""
    return [
        {
            "config_name": config,
            "features": features._to_yaml_list(),
            "splits": [{"name": split, **_split_sizes(folder, paths)} for split, paths in by_split.items()],
        }
        for config, by_split in shards.items()
    ]
