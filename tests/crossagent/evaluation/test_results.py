"""The resumable results file: a killed run resumes with no episode lost or counted twice."""

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from crossagent.evaluation.results import ResultsStore, read_results, suite_fingerprint
from crossagent.evaluation.success_rate import compute_success_rate

# The four tasks of conftest.TABLE (4 episodes each), in its order.
TASKS = ["mine_block:oak_log", "mine_block:stone", "craft_item:stick", "kill_entity:zombie"]
K = 4


def run(store: ResultsStore, make_episode, limit: int | None = None) -> int:
    """A stand-in for the runner: execute pending episodes in order, append each result."""
    done = 0
    for task_id, episode in store.pending(TASKS, K):
        if limit is not None and done == limit:
            break
        store.append(make_episode(task_id, episode))
        done += 1
    return done


def test_kill_mid_line_then_resume_equals_uninterrupted(tmp_path, make_episode, records):
    assert [r.task_id for r in records[::K]] == TASKS
    with ResultsStore(tmp_path / "full.jsonl", TASKS, "random", K) as store:
        run(store, make_episode)
        uninterrupted = compute_success_rate(store.results())

    path = tmp_path / "killed.jsonl"
    with ResultsStore(path, TASKS, "random", K) as store:
        assert run(store, make_episode, limit=8) == 8  # half of the 16 episodes
    # Simulate a kill while writing the 8th line: cut it in the middle.
    raw = path.read_bytes()
    last_line_start = raw.rstrip(b"\n").rfind(b"\n") + 1
    cut = last_line_start + (len(raw) - last_line_start) // 2
    path.write_bytes(raw[:cut])
    killed_episode = json.loads(raw[last_line_start:].decode())
    assert (killed_episode["task_id"], killed_episode["episode"]) == (TASKS[1], 3)

    with ResultsStore(path, TASKS, "random", K) as store:
        assert len(store) == 7
        pending = store.pending(TASKS, K)
        # exactly the 8 never written plus the one whose line was cut, in task-major order
        assert pending == [(TASKS[1], 3)] + [(t, e) for t in TASKS[2:] for e in range(K)]
        assert path.read_bytes() == raw[:last_line_start]  # partial line dropped on disk too
        assert run(store, make_episode) == 9
        assert store.pending(TASKS, K) == []
        resumed = compute_success_rate(store.results())
    assert resumed == uninterrupted

    _, results, partial = read_results(path)
    assert not partial and len(results) == 16
    assert len({(r.task_id, r.episode) for r in results}) == 16


def test_really_killed_writer_resumes(tmp_path, make_episode):
    """SIGKILL a process that appends episodes; whatever it left, resuming finishes the suite exactly."""
    path = tmp_path / "results.jsonl"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from conftest import TABLE, episode
        from crossagent.evaluation.results import ResultsStore
        store = ResultsStore({str(path)!r}, list(TABLE), "random", {K})
        for task_id, index in store.pending()[:5]:
            store.append(episode(task_id, index))
        # a partial write of the next line, then death before its newline
        store._handle.write('{{"task_id": "kill_entity:zombie", "categ')
        store._handle.flush()
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    repo = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo), *sys.path])}
    process = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert process.returncode == -signal.SIGKILL, process.stderr
    with ResultsStore(path, TASKS, "random", K) as store:
        assert len(store) == 5 and len(store.pending()) == 11
        run(store, make_episode)
        assert len(store) == 16
    all_at_once = compute_success_rate([make_episode(t, e) for t in TASKS for e in range(K)])
    assert compute_success_rate(read_results(path)[1]) == all_at_once


def test_different_suite_is_refused_with_both_fingerprints(tmp_path, make_episode):
    path = tmp_path / "results.jsonl"
    with ResultsStore(path, TASKS, "random", K) as store:
        store.append(make_episode(TASKS[0], 0))
    theirs = suite_fingerprint(TASKS, "random", K)
    for tasks, agent, episodes in ((TASKS[:3], "random", K), (TASKS, "expert", K), (TASKS, "random", 8)):
        ours = suite_fingerprint(tasks, agent, episodes)
        assert ours != theirs
        with pytest.raises(ValueError, match="different task suite") as error:
            ResultsStore(path, tasks, agent, episodes)
        assert str(path) in str(error.value) and theirs in str(error.value) and ours in str(error.value)
    # task order does not matter: the fingerprint hashes the sorted ids
    with ResultsStore(path, list(reversed(TASKS)), "random", K) as store:
        assert len(store) == 1


def test_append_refuses_double_counting_and_foreign_episodes(tmp_path, make_episode):
    with ResultsStore(tmp_path / "r.jsonl", TASKS[:2], "random", 2) as store:
        store.append(make_episode(TASKS[0], 0))
        with pytest.raises(ValueError, match="already recorded"):
            store.append(make_episode(TASKS[0], 0))
        with pytest.raises(ValueError, match="not in this run's task suite"):
            store.append(make_episode(TASKS[3], 0))
        with pytest.raises(ValueError, match=r"episode 3 .* outside 0\.\.1"):
            store.append(make_episode(TASKS[1], 3))
        assert store.pending() == [(TASKS[0], 1), (TASKS[1], 0), (TASKS[1], 1)]
        assert store.pending([TASKS[1]], 1) == [(TASKS[1], 0)]  # a filtered subset
        with pytest.raises(
            ValueError, match=r"1 tasks outside this run's suite, e.g. \['kill_entity:zombie'\]"
        ):
            store.pending([TASKS[3]], 1)
        with pytest.raises(ValueError, match=r"3 episodes per task; this run has 2"):
            store.pending(TASKS[:2], 3)


def test_corrupt_middle_line_is_an_error_not_a_silent_skip(tmp_path, make_episode):
    path = tmp_path / "r.jsonl"
    with ResultsStore(path, TASKS, "random", K) as store:
        for index in range(3):
            store.append(make_episode(TASKS[0], index))
    lines = path.read_text().splitlines()
    lines[2] = lines[2][:10]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=rf"{path}:3: corrupt episode line"):
        ResultsStore(path, TASKS, "random", K)


def test_not_a_results_file(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"hello": 1}\n')
    with pytest.raises(ValueError, match="not a CrossAgent results file"):
        ResultsStore(path, TASKS, "random", K)
    with pytest.raises(ValueError, match="episodes_per_task must be >= 1"):
        ResultsStore(tmp_path / "x.jsonl", TASKS, "random", 0)


def test_second_writer_is_refused_until_the_first_closes(tmp_path, make_episode):
    path = tmp_path / "r.jsonl"
    first = ResultsStore(path, TASKS, "random", K)
    with pytest.raises(RuntimeError, match="another process is writing"):
        ResultsStore(path, TASKS, "random", K)
    first.append(make_episode(TASKS[0], 0))
    first.close()
    with ResultsStore(path, TASKS, "random", K) as second:
        assert len(second) == 1
