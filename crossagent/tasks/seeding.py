"""Deterministic randomness per task: every task draws from an rng seeded by its id.

Python's `hash()` is salted per process, so seeds come from SHA-256 of the id instead: the same id gives
the same seed, scene and paraphrases on every machine and in every run.
"""

from __future__ import annotations

import hashlib
import random


def task_seed(task_id: str, salt: str = "") -> int:
    """A 63-bit non-negative seed derived from the task id (and an optional salt for sub-streams)."""
    digest = hashlib.sha256(f"{task_id}|{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def task_rng(task_id: str, salt: str = "") -> random.Random:
    """A private `random.Random` for one task and one purpose (scene, instructions, ...)."""
    return random.Random(task_seed(task_id, salt))
