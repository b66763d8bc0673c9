"""The multi-turn RL reward: episode success, less a token-length penalty on successful episodes only.

    reward = episode_reward(success=True, tokens=240, token_penalty=0.2, token_scale=1000)   # 0.952

    r = success * (1 - token_penalty * min(1, tokens / token_scale))

`tokens` is every token the model generated in the episode (all turns, end tokens included: the token
cost the rollout books). The penalty scales a success down by at most `token_penalty` (< 1), so:

- any success scores above any failure (a success is worth at least `1 - token_penalty` > 0, a failure 0);
- failures all score 0, whatever they cost: a penalty on failures would make a short failure better than
  a long one, and the cheapest way to fail (stop talking, or one long skill call that times out) would be
  rewarded over trying;
- among successes, fewer tokens score more, linearly up to `token_scale` tokens, where the penalty is
  complete (a longer success still scores `1 - token_penalty`).

The episode's reward is shared by every turn of the episode; GRPO normalises it within the group of
episodes of one (task, world).
"""

from __future__ import annotations

import math


def check_token_penalty(token_penalty: float, token_scale: float) -> None:
    """ValueError naming the field when the penalty could reward failing or the scale is not positive."""
    if not (
        isinstance(token_penalty, int | float) and math.isfinite(token_penalty) and 0 <= token_penalty < 1
    ):
        raise ValueError(
            f"token_penalty={token_penalty!r} must be in [0, 1): at 1 or more a long success would score no "
            "more than a failure (0 turns the penalty off)."
        )
    if not (isinstance(token_scale, int | float) and math.isfinite(token_scale) and token_scale > 0):
        raise ValueError(f"token_scale={token_scale!r} must be a positive number of tokens.")


def episode_reward(success: bool, tokens: int, token_penalty: float, token_scale: float) -> float:
    """The reward of one episode (module docstring)."""
    if not success:
        return 0.0
    return 1.0 - token_penalty * min(1.0, max(tokens, 0) / token_scale)
