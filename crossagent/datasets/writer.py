"""Write rows of the mixed-action schema as fingerprinted parquet shards: data/<space>/<split>-*.parquet.

The `mixed` config lists every space's shards, so no row is stored twice; shards of one space and split
hold at most `rows_per_shard` rows, in (episode, step) order.
"""

from __future__ import annotations

import pathlib
from collections.abc import Mapping, Sequence

import datasets

from crossagent.datasets.hub_folder import write_fingerprinted_shard
from crossagent.datasets.schema import FEATURES

Shards = dict[str, dict[str, list[str]]]
"""config -> split -> shard paths relative to the dataset folder."""


def write_space_shards(
    folder: pathlib.Path, space: str, split: str, rows: Sequence[dict], rows_per_shard: int
) -> list[str]:
    """One space's rows of one split as shards (one empty shard when there are no rows)."""
    count = max(1, -(-len(rows) // rows_per_shard))
    paths = []
    for index in range(count):
        part = rows[index * rows_per_shard : (index + 1) * rows_per_shard]
        # from_dict keeps the columns of an empty shard (from_list([]) would write none)
        columns = {name: [row[name] for row in part] for name in FEATURES}
        dataset = datasets.Dataset.from_dict(columns, features=FEATURES)
        stem = f"{split}-{index:05d}-of-{count:05d}"
        paths.append(f"data/{space}/" + write_fingerprinted_shard(dataset, folder / "data" / space, stem))
    return paths


def write_shards(
    folder: pathlib.Path, rows: Mapping[str, Mapping[str, Sequence[dict]]], rows_per_shard: int
) -> Shards:
    """`rows[space][split]` -> shards; returns the `configs:` layout (`mixed` first, then each space)."""
    shards: Shards = {"mixed": {}}
    for space, by_split in rows.items():
        shards[space] = {
            split: write_space_shards(folder, space, split, split_rows, rows_per_shard)
            for split, split_rows in by_split.items()
        }
    splits = next(iter(rows.values())).keys() if rows else []
    shards["mixed"] = {split: [p for space in rows for p in shards[space][split]] for split in splits}
    return shards
