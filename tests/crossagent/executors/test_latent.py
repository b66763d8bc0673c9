import numpy as np
import pytest

from crossagent.executors.base import InvalidAction
from crossagent.executors.latent import LatentCodebook, LatentExecutor, episode_chunks
from crossagent.executors.raw import env_to_raw, raw_to_env
from modeling_crossagent.action_spaces import LatentAction, RawAction

FORWARD = RawAction(frozenset({"forward"}))
TURN = RawAction(dx=100)
ATTACK = RawAction(frozenset({"attack"}), dy=20)


def _episodes(rng, n=30):
    """Episodes made of three behaviours (walk, turn, attack-and-look-down) in 4-tick blocks, with noise."""
    episodes = []
    for _ in range(n):
        ticks = []
        for _ in range(6):
            base = [FORWARD, TURN, ATTACK][rng.integers(3)]
            for _ in range(4):
                jitter = int(rng.integers(-3, 4)) if base.dx or base.dy else 0
                ticks.append(raw_to_env(RawAction(base.buttons, base.dx + jitter if base.dx else 0, base.dy)))
        episodes.append(ticks)
    return episodes


def test_kmeans_recovers_the_behaviours_and_round_trips_safetensors(tmp_path):
    chunks = episode_chunks(_episodes(np.random.default_rng(0)), chunk_length=4)
    book = LatentCodebook.fit(chunks, num_codes=3, seed=0)
    decoded = {tuple(book.decode(k)) for k in range(3)}
    expected = {tuple([FORWARD] * 4), tuple([ATTACK] * 4)}
    assert expected <= decoded
    turn = next(chunk for chunk in decoded if chunk[0].dx)
    assert all(abs(t.dx - 100) <= 2 and not t.buttons for t in turn)
    codes = book.encode(chunks)
    assert codes.shape == (len(chunks),) and len(set(codes.tolist())) == 3

    path = tmp_path / "codebook.safetensors"
    book.save(path)
    loaded = LatentCodebook.load(path)
    np.testing.assert_array_equal(loaded.centroids, book.centroids)
    assert loaded.chunk_length == 4


def test_latent_executor_replays_a_chunk():
    book = LatentCodebook.fit(episode_chunks(_episodes(np.random.default_rng(1)), 4), num_codes=3)
    executor = LatentExecutor(book)
    executor.start(LatentAction(1), observation=None)
    ticks = []
    while (tick := executor.next_tick(None)) is not None:
        ticks.append(env_to_raw(tick))
    assert ticks == book.decode(1) and executor.status == "done"
    with pytest.raises(InvalidAction, match=r"codes 0\.\.2"):
        executor.start(LatentAction(7), observation=None)


def test_fit_needs_enough_distinct_chunks():
    chunks = episode_chunks([[raw_to_env(FORWARD)] * 8], chunk_length=4)
    with pytest.raises(ValueError, match="distinct chunks"):
        LatentCodebook.fit(chunks, num_codes=2)
    with pytest.raises(ValueError, match="chunk_length"):
        episode_chunks([[raw_to_env(FORWARD)] * 3], chunk_length=4)
