"""The one atomic writer: a reader (or a resumed run) sees the old file or the new one, never half of one.

    write_text_atomic(path, "...")                      # text
    write_json_atomic(path, {"a": 1})                   # JSON, indented
    with atomic_path(path) as tmp:                      # any writer that wants a file name
        save_file(tensors, tmp)                         # (safetensors, parquet; matplotlib with format=)

Each writes a temporary file in the target's folder (so the final rename stays on one file system),
syncs it, and renames it over the target; on any error the temporary file is removed and the target is
untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)  # read once: os.umask can only be read by setting it


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; when the block ends without error it replaces `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A hidden name ending in .tmp: never matched by a reader's `*.safetensors` or `*.parquet`. Writers
    # that pick the format from the suffix (matplotlib) must be given the format.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file private (and some writers recreate it): outputs are meant to be shared.
        os.chmod(tmp_path, 0o666 & ~_UMASK)
        with open(tmp_path, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write `text` (UTF-8) to `path` atomically; returns the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically; returns the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_json_atomic(path: str | os.PathLike, payload) -> Path:
    """Write `payload` as indented JSON (values JSON cannot hold are written as strings); returns the path."""
    return write_text_atomic(path, json.dumps(payload, indent=2, default=str) + "\n")
