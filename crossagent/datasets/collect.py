"""Play the scripted expert over (task, world) jobs, in worker processes, and keep what the dataset needs.

Each worker owns one MineSim; a job resets it to the task's scene on world seed `scene seed + world`, so
an episode's content depends only on (task, world), never on which worker played it or in what order.
Frames leave the worker already PNG-encoded (the encoding runs in parallel too).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from PIL import Image
from tqdm import tqdm

from crossagent.tasks.labels import Decision
from crossagent.tasks.task import in_other_world
from modeling_crossagent.action_spaces import RawAction

logger = logging.getLogger(__name__)


@dataclass
class ExpertEpisode:
    """One expert episode as the dataset builder sees it."""

    task_id: str
    world: int
    """World offset: the scene's seed + world was played."""
    success: bool
    decisions: list[Decision]
    raw_ticks: list[RawAction]
    frames: list[bytes]
    """PNG of the frame at each decision point."""
    states: list[bytes | None]
    """`MineSim.get_state()` at each decision point, or None when not recorded."""
    tick_frames: list[bytes]
    """PNG of the frame just before each raw tick (empty when not recorded); a decision's first tick has
    the same bytes as its decision frame."""


def encode_png(frame, compress_level: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="PNG", compress_level=compress_level)
    return buffer.getvalue()


Job = tuple[str, int, int, int, bool, bool]
"""`(task_id, world, image_size, png_level, record_states, record_tick_frames)`."""

_SIM = None  # one MineSim per worker process


def _sim(image_size: int):
    global _SIM
    if _SIM is None or _SIM.renderer.width != image_size:
        from crossagent.sim.sim import MineSim

        _SIM = MineSim(width=image_size, height=image_size)
    return _SIM


def play(job: Job) -> ExpertEpisode:
    """Play one (task_id, world) job."""
    from crossagent.tasks import get_task
    from crossagent.tasks.expert import run_expert

    task_id, world, image_size, png_level, record_states, record_tick_frames = job
    task = in_other_world(get_task(task_id), world)
    episode = run_expert(
        task,
        _sim(image_size),
        record_frames=True,
        record_states=record_states,
        record_tick_frames=record_tick_frames,
    )
    frames = [encode_png(frame, png_level) for frame in episode.frames]
    # A decision's first tick shows the decision frame: reuse its PNG rather than encode it twice.
    first_ticks = dict(zip(decision_starts(episode.decisions), frames))
    return ExpertEpisode(
        task_id=task_id,
        world=world,
        success=episode.success,
        decisions=episode.decisions,
        raw_ticks=episode.raw_ticks,
        frames=frames,
        states=list(episode.states) if record_states else [None] * len(episode.decisions),
        tick_frames=[
            first_ticks[i] if i in first_ticks else encode_png(frame, png_level)
            for i, frame in enumerate(episode.tick_frames)
        ],
    )


def decision_starts(decisions: Sequence[Decision]) -> list[int]:
    """Index in the episode's raw ticks of each decision's first tick."""
    return list(itertools.accumulate((d.ticks for d in decisions), initial=0))[:-1]


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


@contextlib.contextmanager
def single_threaded_children() -> Iterator[None]:
    """Start workers with one BLAS/numba thread each: the workers already fill the cores."""
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, "1"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def play_all(jobs: Sequence[Job], workers: int, progress: bool = True) -> Iterator[ExpertEpisode]:
    """Episodes of `jobs`, in job order, played by `workers` processes (1: in this process)."""
    bar = tqdm(total=len(jobs), desc="expert episodes", unit="episode", disable=not progress)
    try:
        if workers == 1 or len(jobs) < 2:
            for job in jobs:
                yield play(job)
                bar.update()
            return
        # spawn: a clean interpreter per worker (no inherited threads); numba's cache makes the start cheap
        context = multiprocessing.get_context("spawn")
        with single_threaded_children(), context.Pool(min(workers, len(jobs))) as pool:
            for episode in pool.imap(play, jobs, chunksize=4):
                yield episode
                bar.update()
    finally:
        bar.close()
