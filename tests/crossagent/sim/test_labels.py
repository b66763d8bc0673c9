"""The per-pixel ground truth agrees with what `MineSim.point_hit` reports is drawn at each pixel."""

import numpy as np
import pytest

from crossagent.sim.labels import NAMES, hud_mask, object_map
from crossagent.sim.scene import SceneSpec
from crossagent.sim.sim import MineSim


@pytest.fixture(scope="module")
def sim():
    sim = MineSim(48, 48)
    sim.reset(SceneSpec(seed=5, blocks_in_view=[("oak_log", 2)], mobs=[("cow", 2)]))
    sim.render()
    return sim


def test_object_map_names_what_point_hit_sees(sim):
    labels = object_map(sim)
    names = {NAMES[c] for c in np.unique(labels.codes)}
    assert {"oak_log", "cow", "sky"} <= names
    for row in range(0, 48, 2):
        for col in range(0, 48, 2):
            hit = sim.point_hit((col + 0.5) * 1000 / 48, (row + 0.5) * 1000 / 48)
            assert labels.name_at(row, col) == ("sky" if hit is None else hit["name"]), (row, col)


def test_instances_are_block_cells_and_mobs(sim):
    labels = object_map(sim)
    drawn = sim.renderer.mob_ids
    mob_instances = set(np.unique(labels.instances[drawn >= 0]).tolist())
    assert len(mob_instances) == len(np.unique(drawn[drawn >= 0]))  # one instance per cow drawn
    for instance in np.unique(labels.instances[labels.instances >= 0]):
        assert len(np.unique(labels.codes[labels.instances == instance])) == 1  # one name per instance
    logs = labels.instances[labels.codes == NAMES.index("oak_log")]
    assert len(np.unique(logs)) >= 2  # the two placed logs (and maybe a tree's) are told apart


def test_hud_mask_covers_the_hotbar_and_crosshair_only():
    mask = hud_mask(64, 64)
    assert mask[32, 32] and mask[62, 32]  # crosshair centre, hotbar
    assert not mask[5, 5] and not mask[40, 2]


def test_gui_frames_have_no_object_map():
    sim = MineSim(32, 32)
    sim.reset(SceneSpec(seed=1, open_gui="inventory"))
    sim.render()
    with pytest.raises(ValueError, match="GUI is open"):
        object_map(sim)
