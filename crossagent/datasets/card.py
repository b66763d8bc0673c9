"""The README dataset card of a mixed-action folder (crossagent/cards/templates/mixed_dataset_card.md.jinja)."""

from __future__ import annotations

import collections
from collections.abc import Mapping, Sequence

from crossagent import cards
from crossagent.datasets.writer import Shards
from modeling_crossagent.action_spaces import ACTION_SPACES

CARD_TEMPLATE = "mixed_dataset_card.md.jinja"
LICENSE_TEXT = (
    "Apache-2.0 for this dataset. Block, item and mob names and recipes come from minecraft-data (MIT); "
    "Minecraft is a trademark of Mojang Studios, which is not affiliated with this project."
)

HISTORY_RULES = {
    "space": "the previous actions in the row's own action space (raw rows: the previous raw ticks, as a "
    "raw agent acting every tick sees them), at most {k}",
    "raw": "the previous raw ticks only, at most {k} (OpenHA's rule)",
}


def size_category(rows: int) -> str:
    for limit, name in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
    ):
        if rows < limit:
            return name
    return "1M<n<10M"


def count_rows(
    rows: Mapping[str, Mapping[str, Sequence[dict]]],
    dense: Mapping[str, Mapping[str, Sequence[dict]]] | None = None,
) -> tuple[dict, dict]:
    """(rows per config and split, rows per category and space) of `rows[space][split]`, the `mixed` rows;
    a space in `dense` (its config's own rows, see `write_shards`) counts those for its config."""
    configs: dict[str, dict[str, int]] = {"mixed": collections.Counter()}
    categories: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for space, by_split in rows.items():
        configs[space] = {split: len(r) for split, r in by_split.items()}
        for split, split_rows in by_split.items():
            configs["mixed"][split] += len(split_rows)
            for row in split_rows:
                categories[row["category"]][space] += 1
    for space, by_split in (dense or {}).items():
        configs[space] = {split: len(r) for split, r in by_split.items()}
    for row in configs.values():
        row["total"] = sum(v for k, v in row.items() if k != "total")
    category_counts = {
        category: {**{s: counter[s] for s in ACTION_SPACES}, "total": sum(counter.values())}
        for category, counter in sorted(categories.items())
    }
    return {k: dict(v) for k, v in configs.items()}, category_counts


def render_card(
    *,
    shards: Shards,
    rows: Mapping[str, Mapping[str, Sequence[dict]]],
    episodes: Mapping[str, int],
    tasks: int,
    pretty_name: str,
    description: str,
    how_made: str,
    command: str,
    history_rule: str,
    codebook: str,
    dense: Mapping[str, Mapping[str, Sequence[dict]]] | None = None,
) -> str:
    config_counts, category_counts = count_rows(rows, dense)
    return cards.render_card(
        CARD_TEMPLATE,
        shards=shards,
        config_counts=config_counts,
        category_counts=category_counts,
        spaces=ACTION_SPACES,
        episodes=episodes,
        tasks=tasks,
        pretty_name=pretty_name,
        description=description,
        how_made=how_made,
        command=command,
        history_rule=history_rule,
        codebook=codebook,
        dense_spaces=sorted(dense or {}),
        size_category=size_category(config_counts["mixed"]["total"]),
        license_text=LICENSE_TEXT,
    )
