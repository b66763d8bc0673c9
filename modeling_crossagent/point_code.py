"""The sin-cos code of a position in the grounding frame's [0, 1000] axis, shared by image tokens and numerals.

Ships inside every saved model (see the package docstring): imports only torch and siblings.

A from-scratch decoder sees its image tokens in a 1-D sequence and writes coordinates as numeral tokens
(`(523,87)`: one token per number) that are unrelated symbols at initialisation. `point_code` gives both
the same ordinal geometry: a token at patch centre x carries `point_code(x)` and, when the numeral
embeddings are initialised with it (`crossagent.models.presets`), the tied output row of numeral n starts
as `point_code(n)`, so copying an image token's code into the answer already favours the numerals near
its position (the dot product of two codes peaks at equal positions and falls off within ~1/16 of the
frame). Qwen2-VL gets the same effect from M-RoPE and pretraining on grounding data; this is the part a
2.6M model can afford.
"""

from __future__ import annotations

import math

import torch

from .action_spaces import POINT_MAX

LONGEST_WAVELENGTH = 2.0 * POINT_MAX
"""The slowest sin-cos pair: one half period over the frame, so the code never repeats inside it."""
SHORTEST_WAVELENGTH = 60.0
"""The fastest pair: neighbours 50 units apart (the pointing tolerance) get clearly different codes."""


def point_code(values: torch.Tensor, dim: int) -> torch.Tensor:
    """(...,) positions in [0, POINT_MAX] -> (..., dim) codes: sin and cos at dim/2 geometric wavelengths."""
    if dim < 2 or dim % 2:
        raise ValueError(f"point_code: dim={dim} must be an even number >= 2.")
    pairs = dim // 2
    ratio = (SHORTEST_WAVELENGTH / LONGEST_WAVELENGTH) ** (1.0 / max(1, pairs - 1))
    wavelengths = LONGEST_WAVELENGTH * ratio ** torch.arange(pairs, dtype=torch.float32)
    angles = values.to(torch.float32).unsqueeze(-1) * (2.0 * math.pi / wavelengths)
    return torch.cat([angles.sin(), angles.cos()], dim=-1)


def patch_centres(grid: int) -> torch.Tensor:
    """(grid*grid, 2) (x, y) centres of a square grid of patches in row-major order, in [0, POINT_MAX]."""
    centre = (torch.arange(grid, dtype=torch.float32) + 0.5) * POINT_MAX / grid
    ys, xs = torch.meshgrid(centre, centre, indexing="ij")
    return torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=-1)


def image_position_codes(image_seq_length: int, width: int, code_dim: int) -> torch.Tensor:
    """(image_seq_length, width): each image token's x code in [0, code_dim), y code in [code_dim, 2*code_dim)."""
    grid = math.isqrt(image_seq_length)
    if grid * grid != image_seq_length:
        raise ValueError(
            f"image_position_embedding='sincos2d' needs a square grid of image tokens; image_seq_length="
            f"{image_seq_length} is not a square. Use image_position_embedding='none'."
        )
    if 2 * code_dim > width:
        raise ValueError(f"point_code_dim={code_dim}: 2 * point_code_dim must be <= the text width {width}.")
    centres = patch_centres(grid)
    codes = torch.zeros(image_seq_length, width)
    codes[:, :code_dim] = point_code(centres[:, 0], code_dim)
    codes[:, code_dim : 2 * code_dim] = point_code(centres[:, 1], code_dim)
    return codes
