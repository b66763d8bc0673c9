"""The README dataset card of a mixed-action folder: a huggingface_hub DatasetCard whose DatasetCardData holds
the `configs:` (the fingerprinted shards, as written) and `dataset_info:` (features, rows per split), text
from crossagent/cards/templates/mixed_dataset_card.md.jinja."""

from __future__ import annotations

import collections
import pathlib
from collections.abc import Mapping, Sequence

from huggingface_hub import DatasetCard, DatasetCardData

from crossagent import cards
from crossagent.datasets.hub_folder import configs_metadata, dataset_info_metadata
from crossagent.datasets.schema import FEATURES
from crossagent.datasets.writer import Shards
from modeling_crossagent.action_spaces import ACTION_SPACES

CARD_TEMPLATE = "mixed_dataset_card.md.jinja"
TAGS = ["minecraft", "minesim", "embodied-ai", "vision-language-action", "crossagent"]
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


def target_counts(rows: Mapping[str, Mapping[str, Sequence[dict]]]) -> dict[str, dict[str, int]]:
    """Category -> {target: rows in `mixed`}, targets by descending count (the card's composition)."""
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for by_split in rows.values():
        for split_rows in by_split.values():
            for row in split_rows:
                counts[row["category"]][row["task_id"].split(":", 1)[-1]] += 1
    return {category: dict(counter.most_common()) for category, counter in sorted(counts.items())}


def mixed_card_data(folder: pathlib.Path, shards: Shards, rows: int, pretty_name: str) -> DatasetCardData:
    """The card's metadata: `configs` (`mixed` the default), `dataset_info` (of the shards in `folder`),
    license, categories, tags; `rows`: the rows of `mixed`."""
    return DatasetCardData(
        license="apache-2.0",
        pretty_name=pretty_name,
        language=["en"],
        task_categories=["image-text-to-text", "reinforcement-learning"],
        size_categories=[size_category(rows)],
        tags=TAGS,
        configs=configs_metadata(shards, default="mixed"),
        dataset_info=dataset_info_metadata(FEATURES, folder, shards),
    )


def mixed_dataset_card(
    *,
    folder: pathlib.Path,
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
    draw: Mapping[str, Mapping[str, int]] | None = None,
) -> DatasetCard:
    config_counts, category_counts = count_rows(rows, dense)
    return cards.dataset_card(
        CARD_TEMPLATE,
        mixed_card_data(folder, shards, config_counts["mixed"]["total"], pretty_name),
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
        draw=draw or {},
        target_counts=target_counts(rows),
        license_text=LICENSE_TEXT,
    )
