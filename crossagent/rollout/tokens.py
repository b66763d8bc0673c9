"""Generated-token counts: what the agent reports, else a tokenizer-free count of the text.

Agents that generate with a tokenizer (the model agent) report exact counts in `last_token_counts`
after each `act`. Scripted and random agents have no tokenizer; for them every special token
(`<|raw|>`, `<|point_start|>`, ...) counts one, and so does every word, number and punctuation mark,
which is close to what the project's tokenizer gives for action texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_PIECE_RE = re.compile(r"<\|[^|<>]*\|>|[A-Za-z_]+|\d+|[^\sA-Za-z0-9_]")


def count_text_tokens(text: str) -> int:
    """Tokenizer-free token count of one action text (see the module docstring)."""
    return len(_PIECE_RE.findall(text))


def token_counts(agent: Any, texts: Sequence[str]) -> list[int]:
    """Per-output generated tokens: the agent's `last_token_counts` when it gives one per text."""
    reported = getattr(agent, "last_token_counts", None)
    if reported is not None and len(reported) == len(texts):
        return [int(n) for n in reported]
    return [count_text_tokens(text) for text in texts]
