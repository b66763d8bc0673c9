"""Movement physics against Minecraft's numbers on a flat stone floor."""

import numpy as np
import pytest

from crossagent.sim.data.blocks import block_id
from crossagent.sim.player import Player


def flat_blocks(size: int = 32, floor: int = 10) -> np.ndarray:
    blocks = np.zeros((size, 32, size), np.uint16)
    blocks[:, : floor + 1, :] = block_id("stone")
    return blocks


def settle(player: Player, blocks: np.ndarray, ticks: int = 5) -> None:
    for _ in range(ticks):
        player.tick(blocks, 0.0, 0.0, False, False, False)


def speed_after(blocks, ticks=60, **inputs) -> float:
    player = Player(pos=np.array([4.5, 11.0, 4.5]))
    settle(player, blocks)
    args = dict(forward=1.0, strafe=0.0, jump=False, sneak=False, sprint=False) | inputs
    for _ in range(ticks):
        player.tick(blocks, args["forward"], args["strafe"], args["jump"], args["sneak"], args["sprint"])
    start = player.pos.copy()
    for _ in range(20):
        player.tick(blocks, args["forward"], args["strafe"], args["jump"], args["sneak"], args["sprint"])
    return float(np.linalg.norm((player.pos - start)[[0, 2]]))


@pytest.mark.parametrize(
    ("inputs", "metres_per_second"), [({}, 4.317), ({"sprint": True}, 5.612), ({"sneak": True}, 1.295)]
)
def test_ground_speeds_match_minecraft(inputs, metres_per_second):
    assert speed_after(flat_blocks(64), ticks=40, **inputs) == pytest.approx(metres_per_second, rel=0.01)


def test_jump_peaks_at_minecraft_height_and_lands():
    blocks = flat_blocks()
    player = Player(pos=np.array([4.5, 11.0, 4.5]))
    settle(player, blocks)
    assert player.on_ground
    heights = []
    for tick in range(30):
        player.tick(blocks, 0.0, 0.0, tick == 0, False, False)
        heights.append(player.pos[1] - 11.0)
    assert max(heights) == pytest.approx(1.252, abs=0.01)  # Minecraft's jump height
    assert player.on_ground and player.pos[1] == pytest.approx(11.0)


def test_wall_stops_the_player_at_its_face():
    blocks = flat_blocks()
    blocks[:, 11:13, 8] = block_id("stone")  # a 2-high wall at z = 8
    player = Player(pos=np.array([4.5, 11.0, 4.5]))
    for _ in range(60):
        player.tick(blocks, 1.0, 0.0, False, False, False)
    assert player.pos[2] == pytest.approx(8 - 0.3, abs=1e-6)
    assert player.pos[0] == pytest.approx(4.5)


def test_gravity_lands_on_the_floor_and_fall_damage():
    blocks = flat_blocks()
    player = Player(pos=np.array([4.5, 20.0, 4.5]))
    settle(player, blocks, 60)
    assert player.on_ground and player.pos[1] == pytest.approx(11.0)
    assert player.health == 20 - 6  # fell 9 blocks: 9 - 3 points of damage


def test_camera_pitch_is_clipped_and_yaw_wraps():
    player = Player()
    player.turn(120.0, 200.0)
    assert player.pitch == 90.0 and player.yaw == pytest.approx(-160.0)
    player.turn(-400.0, 0.0)
    assert player.pitch == -90.0


def test_player_state_round_trips():
    player = Player(pos=np.array([1.25, 2.5, 3.75]), yaw=12.5, health=7.5)
    assert Player.from_dict(player.to_dict()).to_dict() == player.to_dict()
