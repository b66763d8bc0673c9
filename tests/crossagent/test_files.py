"""The one atomic writer: the target is the old file or the new one, never half, and no temp file is left."""

import json

import pytest

from crossagent.files import atomic_path, write_json_atomic, write_text_atomic


def test_writes_replace_the_file_and_leave_no_temporary(tmp_path):
    path = tmp_path / "sub" / "state.json"
    write_json_atomic(path, {"a": 1})
    write_json_atomic(path, {"a": 2})
    assert json.loads(path.read_text()) == {"a": 2}
    assert [p.name for p in path.parent.iterdir()] == ["state.json"]


def test_an_error_while_writing_keeps_the_old_file(tmp_path):
    path = tmp_path / "card.md"
    write_text_atomic(path, "old")
    with pytest.raises(RuntimeError), atomic_path(path) as tmp:
        tmp.write_text("half of the new")
        raise RuntimeError("killed mid-write")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["card.md"]


def test_written_files_are_readable_by_others_as_the_umask_allows(tmp_path):
    import os
    import stat

    path = write_text_atomic(tmp_path / "card.md", "text")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
