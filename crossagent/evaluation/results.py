"""The per-episode results file that makes an evaluation run resumable.

Format (JSON Lines): the first line is a header naming the task suite it belongs to, then one
`EpisodeResult` per line, appended as each episode finishes (flush + fsync, so a line on disk is a
finished episode). An episode counts once its newline is on disk: a killed writer can leave at
most one partial last line, which `ResultsStore` drops (rewriting the file atomically) when it
opens the file, so that episode simply runs again. Anything else malformed is an error, because
silently skipping a complete line would lose an episode.

The header's suite fingerprint hashes the sorted task ids, the agent name, the episodes per task
and what produced the episodes (`producer`: for a model, a SHA-256 of its weight files and its
decoding settings; see `crossagent.evaluation.runner.agent_producer`), so a file from another
suite, agent, K, model or decoding setup is refused instead of being mixed in.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from crossagent.files import write_text_atomic
from crossagent.rollout.results import EpisodeResult, validate_record

logger = logging.getLogger(__name__)

FORMAT = "crossagent-eval-results"
VERSION = 1


def suite_fingerprint(
    task_ids: Iterable[str],
    agent_name: str,
    episodes_per_task: int,
    producer: Mapping[str, Any] | None = None,
) -> str:
    """Hash of (sorted task ids, agent name, episodes per task, producer): what a results file belongs to."""
    key: dict[str, Any] = {
        "task_ids": sorted(set(task_ids)), "agent": agent_name, "episodes_per_task": episodes_per_task
    }  # fmt: skip
    if producer:
        key["producer"] = dict(producer)
    payload = json.dumps(key, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def weights_fingerprint(folder: str | os.PathLike) -> str:
    """SHA-256 over a model folder's `*.safetensors` files (sorted names and contents): which weights these are."""
    files = sorted(Path(folder).glob("*.safetensors"))
    if not files:
        raise ValueError(f"{folder}: no *.safetensors files to fingerprint")
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0")
        with open(file, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def read_results(path: str | os.PathLike) -> tuple[dict[str, Any], list[EpisodeResult], bool]:
    """Parse a results file without modifying it: (header, results, last_line_was_partial).

    Raises ValueError naming the file and line for a missing header or a malformed complete line.
    """
    path = Path(path)
    text = path.read_bytes().decode("utf-8", errors="replace")
    lines = text.split("\n")
    # After the last "\n" comes either "" (clean end) or a partial line from a killed writer.
    partial = lines.pop() != ""
    if not lines:
        raise ValueError(f"{path}: no header line; not a CrossAgent results file (or killed while created)")
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}:1: header is not JSON ({error}); not a CrossAgent results file") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"{path}:1: header has no 'format': '{FORMAT}'; not a CrossAgent results file")
    if header.get("version") != VERSION:
        raise ValueError(
            f"{path}:1: results format version {header.get('version')}, this code reads {VERSION}"
        )
    results: list[EpisodeResult] = []
    seen: dict[tuple[str, int], int] = {}
    for number, line in enumerate(lines[1:], start=2):
        try:
            result = validate_record(json.loads(line), index=number)
        except (json.JSONDecodeError, ValueError) as error:
            raise ValueError(
                f"{path}:{number}: corrupt episode line ({error}); only a partial LAST line is "
                "repaired automatically, fix or remove this line"
            ) from None
        key = (result.task_id, result.episode)
        if key in seen:
            raise ValueError(f"{path}:{number}: repeats {key} of line {seen[key]}; an episode counts once")
        seen[key] = number
        results.append(result)
    return header, results, partial


class ResultsStore:
    """Append-only, crash-safe store of one run's episode results (see the module docstring).

    Opening an existing file checks its suite fingerprint, loads its episodes and drops a partial
    last line; a new file gets its header written atomically. Use `pending` to get the episodes
    still to run and `append` as each finishes.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        task_ids: Sequence[str],
        agent_name: str,
        episodes_per_task: int,
        producer: Mapping[str, Any] | None = None,
    ) -> None:
        if episodes_per_task < 1:
            raise ValueError(f"episodes_per_task must be >= 1, got {episodes_per_task}")
        if not task_ids:
            raise ValueError("task_ids is empty: nothing to evaluate")
        self.path = Path(path)
        self.task_ids = list(dict.fromkeys(task_ids))
        self._task_set = frozenset(self.task_ids)
        self.agent_name = agent_name
        self.episodes_per_task = episodes_per_task
        self.producer = dict(producer or {})
        """What produces the episodes (weights fingerprint, decoding settings); part of the fingerprint."""
        self.fingerprint = suite_fingerprint(self.task_ids, agent_name, episodes_per_task, self.producer)
        self._results: list[EpisodeResult] = []
        self._done: set[tuple[str, int]] = set()
        self._lock = self._acquire_lock()
        try:
            if self.path.exists() and self.path.stat().st_size > 0:
                self._load_existing()
            else:
                write_text_atomic(self.path, json.dumps(self._header()) + "\n")
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 -- held until close()
        except BaseException:
            self._lock.close()
            raise

    def _acquire_lock(self):
        """One writer per results file: a second run appending to it would count episodes twice.

        The lock lives on a sidecar file because repairing the results file replaces its inode;
        the OS releases it when the process dies, so a killed run never blocks its resume.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(self.path.with_name(self.path.name + ".lock"), "w")  # noqa: SIM115 -- held until close()
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise RuntimeError(
                f"{self.path}: another process is writing this results file; wait for it or use another path"
            ) from None
        return lock

    def _header(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "suite_fingerprint": self.fingerprint,
            "agent": self.agent_name,
            "episodes_per_task": self.episodes_per_task,
            "num_tasks": len(self.task_ids),
            "producer": self.producer,
        }

    def _load_existing(self) -> None:
        header, results, partial = read_results(self.path)
        if header.get("suite_fingerprint") != self.fingerprint:
            theirs = header.get("producer") or {}
            differs = sorted(
                k for k in set(theirs) | set(self.producer) if theirs.get(k) != self.producer.get(k)
            )
            raise ValueError(
                f"{self.path}: results file belongs to a different task suite, model or decoding setup; refusing to resume into it (file "
                f"fingerprint {header.get('suite_fingerprint')}: agent {header.get('agent')!r}, "
                f"{header.get('num_tasks')} tasks x {header.get('episodes_per_task')} episodes; this run "
                f"{self.fingerprint}: agent {self.agent_name!r}, {len(self.task_ids)} tasks x "
                f"{self.episodes_per_task} episodes"
                + (f"; differs in: {', '.join(differs)}" if differs else "")
                + "). To start fresh pass a new --output-dir (or --results path), or delete this results file."
            )
        if partial:
            logger.warning("%s: dropping a partial last line left by an interrupted run", self.path)
            lines = [json.dumps(header)] + [json.dumps(r.to_dict()) for r in results]
            write_text_atomic(self.path, "\n".join(lines) + "\n")
        self._results = results
        self._done = {(r.task_id, r.episode) for r in results}
        logger.info("%s: resuming with %d finished episodes", self.path, len(results))

    def results(self) -> list[EpisodeResult]:
        """Finished episodes, in the order they finished."""
        return list(self._results)

    def __len__(self) -> int:
        return len(self._results)

    def pending(
        self, task_ids: Sequence[str] | None = None, episodes_per_task: int | None = None
    ) -> list[tuple[str, int]]:
        """The (task_id, episode) pairs not yet recorded, task-major in the given task order.

        Defaults to this store's suite; a subset of it (e.g. a filter) may be passed.
        """
        task_ids = self.task_ids if task_ids is None else list(task_ids)
        episodes = self.episodes_per_task if episodes_per_task is None else episodes_per_task
        foreign = [task_id for task_id in task_ids if task_id not in self._task_set]
        if foreign:
            raise ValueError(
                f"{self.path}: pending() got {len(foreign)} tasks outside this run's suite, e.g. {foreign[:3]}"
            )
        if not 0 <= episodes <= self.episodes_per_task:
            raise ValueError(
                f"{self.path}: pending() got {episodes} episodes per task; this run has {self.episodes_per_task}"
            )
        return [
            (task_id, episode)
            for task_id in dict.fromkeys(task_ids)
            for episode in range(episodes)
            if (task_id, episode) not in self._done
        ]

    def append(self, result: EpisodeResult) -> None:
        """Record one finished episode durably (one JSON line, flushed and fsynced)."""
        result = validate_record(result, index=len(self._results))
        key = (result.task_id, result.episode)
        if result.task_id not in self._task_set:
            raise ValueError(f"{self.path}: task {result.task_id!r} is not in this run's task suite")
        if not 0 <= result.episode < self.episodes_per_task:
            raise ValueError(
                f"{self.path}: episode {result.episode} of {result.task_id!r} is outside 0..{self.episodes_per_task - 1}"
            )
        if key in self._done:
            raise ValueError(f"{self.path}: {key} is already recorded; an episode counts once")
        self._handle.write(json.dumps(result.to_dict()) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._results.append(result)
        self._done.add(key)

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        if not self._lock.closed:
            self._lock.close()  # releases the flock

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
