import numpy as np
import pytest

from crossagent.sim.sim import MineSim
from crossagent.tasks import get_task
from crossagent.tasks.privileged import block_candidates, pick_target, project, visible_point


@pytest.fixture(scope="module")
def sim():
    sim = MineSim(width=64, height=48)  # not square: the projection must use the aspect ratio
    sim.reset(get_task("mine_block:grass_block").scene)
    return sim


@pytest.mark.parametrize("u, v", [(0.5, 0.5), (0.2, 0.8), (0.9, 0.1)])
def test_projection_inverts_the_renderers_rays(sim, u, v):
    point = sim.player.eye + 3.0 * sim.renderer.ray(sim.player, u, v)
    assert project(sim, point) == (round(u * 1000), round(v * 1000))
    behind = sim.player.eye - 3.0 * sim.renderer.ray(sim.player, 0.5, 0.5)
    assert project(sim, behind) is None


def test_the_nearest_block_in_view_wins_over_the_one_underfoot(sim):
    candidates = block_candidates(sim, "grass_block")
    assert visible_point(sim, candidates[0]) is None  # the grass under the player's feet
    target, point = pick_target(sim, candidates)
    assert point is not None and sim.point_hit(*point)["pos"] == target.key
    distances = [np.linalg.norm(np.array(c.key) + 0.5 - sim.player.eye) for c in candidates[:5]]
    assert distances == sorted(distances)
