"""Write rows of the mixed-action schema as fingerprinted parquet shards: data/<space>/<split>-*.parquet.

The `mixed` config lists every space's shards, so no row is stored twice; shards of one space and split
hold at most `rows_per_shard` rows, in (episode, step) order. A space config with rows of its own (the dense
`raw` config: one row per tick, not per decision) lists data/<space>-dense/ instead, which `mixed` does not.
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
    """One space's rows of one split as shards of at most `rows_per_shard` rows (none when no rows)."""
    count = -(-len(rows) // rows_per_shard)
    paths = []
    for index in range(count):
        part = rows[index * rows_per_shard : (index + 1) * rows_per_shard]
        dataset = datasets.Dataset.from_list(list(part), features=FEATURES)
        stem = f"{split}-{index:05d}-of-{count:05d}"
        paths.append(f"data/{space}/" + write_fingerprinted_shard(dataset, folder / "data" / space, stem))
    return paths


def _write_config(
    folder: pathlib.Path, directory: str, by_split: Mapping[str, Sequence[dict]], rows_per_shard: int
) -> dict[str, list[str]]:
    """split -> shard paths under data/<directory>/ (splits without rows left out)."""
    written = {
        split: write_space_shards(folder, directory, split, r, rows_per_shard)
        for split, r in by_split.items()
    }
    return {split: paths for split, paths in written.items() if paths}


def write_shards(
    folder: pathlib.Path,
    rows: Mapping[str, Mapping[str, Sequence[dict]]],
    rows_per_shard: int,
    dense: Mapping[str, Mapping[str, Sequence[dict]]] | None = None,
) -> Shards:
    """`rows[space][split]` -> shards; returns the `configs:` layout (`mixed` first, then each space).

    `dense[space][split]`, when given, are the rows of that space's config (written to data/<space>-dense/)
    in place of its `mixed` rows. A split without rows is left out of its config, and a space without rows
    has no config: `datasets` cannot load a split whose files hold no rows.
    """
    shards: Shards = {"mixed": {}}
    for space, by_split in rows.items():
        written = _write_config(folder, space, by_split, rows_per_shard)
        if written:
            shards[space] = written
            for split, paths in written.items():
                shards["mixed"].setdefault(split, []).extend(paths)
    for space, by_split in (dense or {}).items():
        shards[space] = _write_config(folder, f"{space}-dense", by_split, rows_per_shard)
        if not shards[space]:
            del shards[space]
    if not shards["mixed"]:
        raise ValueError("no rows to write")
    order = [split for by_split in rows.values() for split in by_split]
    shards["mixed"] = dict(sorted(shards["mixed"].items(), key=lambda item: order.index(item[0])))
    return shards
