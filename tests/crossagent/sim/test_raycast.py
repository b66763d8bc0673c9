"""The cone test that proves sky, and casts that resume where it stopped, against plain casts."""

import math

import numpy as np
import pytest

from crossagent.sim.raycast import cast, cast_from, cone_clear
from crossagent.sim.world import generate


@pytest.fixture(scope="module")
def world():
    return generate(3)


def random_unit(rng, rising=None):
    d = rng.normal(size=3)
    if rising is not None:
        d[1] = abs(d[1]) * (1 if rising else -1)
    return d / np.linalg.norm(d)


def cone_rays(rng, direction, spread, n):
    """Unit vectors u with |u - direction| <= spread, the cone's edge included."""
    rays = []
    while len(rays) < n:
        u = direction + rng.normal(size=3) * spread
        u /= np.linalg.norm(u)
        gap = np.linalg.norm(u - direction)
        if gap > spread:  # pull it onto the edge of the cone
            u = direction + (u - direction) * (spread / gap) * 0.999999
            u /= np.linalg.norm(u)
        rays.append(u)
    return rays


def test_a_clear_cone_means_every_ray_in_it_misses_and_a_blocked_one_resumes_exactly(world):
    sx, sy, sz = world.cells.shape
    flat = world.cells.reshape(-1)
    rng = np.random.default_rng(0)
    clear_count = blocked_count = 0
    for _ in range(400):
        eye = np.array([rng.uniform(20, 44), world.surface.max() + rng.uniform(1.6, 6), rng.uniform(20, 44)])
        direction = random_unit(rng, rising=bool(rng.random() < 0.7))
        spread = rng.uniform(0.005, 0.08)
        clear, t_air = cone_clear(flat, sx, sy, sz, world.ceiling, *eye, *direction, spread, 32.0)
        if clear:
            clear_count += 1
            for u in cone_rays(rng, direction, spread, 20):
                t, x, *_rest, t_water = cast(flat, sx, sy, sz, world.ceiling, *eye, *u, 32.0)
                assert x == -1 and math.isinf(t) and math.isinf(t_water)
        else:
            blocked_count += 1
            full = cast(flat, sx, sy, sz, world.ceiling, *eye, *direction, 32.0)
            resumed = cast_from(flat, sx, sy, sz, world.ceiling, *eye, *direction, t_air, 32.0)
            assert full[1:5] == resumed[1:5]  # the same cell through the same face
            assert full[0] == pytest.approx(resumed[0], rel=1e-12) or full[0] == resumed[0]
    assert clear_count > 50 and blocked_count > 50


def test_a_cone_into_the_ground_is_not_clear(world):
    sx, sy, sz = world.cells.shape
    eye = np.array([32.5, world.surface[32, 32] + 1.62, 32.5])
    clear, t_air = cone_clear(
        world.cells.reshape(-1), sx, sy, sz, world.ceiling, *eye, 0.0, -1.0, 0.0, 0.01, 32.0
    )
    assert not clear and t_air < 1.62
