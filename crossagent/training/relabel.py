"""Self-training relabelling: a model's own verified-equivalent answers become a dataset (D_strl).

    summary = relabel(model_dir="out/strl", dataset="data/mixed", output_dir="data/strl", k=4)

For every decision state of the source data (one per decision, `strl_data.load_decision_rows`), the model
samples `k` answers; each is scored by the equivalence reward on the restored world state; the
equivalent ones are kept and ONE is picked per state by the stated rule (`pick`):

1. fewest generated tokens (the cheapest way to the same raw tick);
2. ties: the space most frequent among all the kept answers of the run (the model's own preferred space,
   so that the relabelled data is consistent rather than split evenly between equally short forms);
3. then the text, alphabetically (deterministic).

States where no answer is equivalent are left out (the data holds only verified answers; the card says how
many). The folder has the mixed-action schema and layout (`mixed` plus one config per space, the source's
latent codebook) and a card that reports the space distribution per category. The rejection-sampling
warm-up of STRL uses the same code with `keep="all"` (every distinct equivalent answer).

The logic lives in `crossagent.training` (not `crossagent.datasets`) because it samples a model and scores
with the RL reward, and `training` already imports `datasets` (the writer): the other way round would be
an import cycle.
"""

from __future__ import annotations

import collections
import json
import logging
import pathlib
import time
from collections.abc import Sequence

from crossagent.datasets.build import write_folder
from crossagent.datasets.rows import TRAIN, VALIDATION
from crossagent.executors.latent import CODEBOOK_FILE, LatentCodebook
from crossagent.training.rewards import EquivalenceReward
from crossagent.training.sampling import Candidate, sample_candidates
from crossagent.training.strl_data import load_decision_rows
from modeling_crossagent.action_spaces import ACTION_SPACES

logger = logging.getLogger(__name__)

KEEP_RULES = ("one", "all")


def pick(candidates: Sequence[Candidate], space_counts: collections.Counter) -> Candidate | None:
    """The relabelling rule (module docstring) over one state's candidates; None when none is equivalent."""
    kept = [c for c in candidates if c.reward >= 1.0]
    if not kept:
        return None
    return min(kept, key=lambda c: (c.tokens, -space_counts[c.space], c.text))


def relabelled_rows(
    rows: Sequence[dict], candidates: Sequence[Sequence[Candidate]], keep: str = "one"
) -> tuple[dict[str, list[dict]], collections.Counter]:
    """Rows of the schema per space (`keep`: `one` answer per state by `pick`, or `all` distinct
    equivalent ones), and the count of kept answers per space."""
    if keep not in KEEP_RULES:
        raise ValueError(f"keep={keep!r}: choose one of {KEEP_RULES}")
    space_counts = collections.Counter(c.space for cs in candidates for c in cs if c.reward >= 1.0)
    out: dict[str, list[dict]] = {space: [] for space in ACTION_SPACES}
    for row, cs in zip(rows, candidates):
        if keep == "one":
            chosen = [pick(cs, space_counts)] if pick(cs, space_counts) is not None else []
        else:
            chosen = list({c.text: c for c in cs if c.reward >= 1.0}.values())
        base = row["id"].rsplit("/", 1)[0]
        for n, candidate in enumerate(chosen):
            suffix = candidate.space if keep == "one" else f"{candidate.space}-{n}"
            out[candidate.space].append(
                {**row, "id": f"{base}/{suffix}", "action_space": candidate.space, "action": candidate.text}
            )
    return out, collections.Counter({s: len(r) for s, r in out.items() if r})


def write_relabelled(
    output_dir: str | pathlib.Path,
    rows: dict[str, dict[str, list[dict]]],
    codebook: LatentCodebook | None,
    settings: dict,
    description: str,
    overwrite: bool = False,
) -> pathlib.Path:
    """Write `rows[space][split]` as a mixed-schema Hub folder (shards, codebook, settings, card)."""
    # Every space lists both splits (empty ones too): the card's table reads a count for each.
    rows = {
        space: {split: list(by_split.get(split, [])) for split in (TRAIN, VALIDATION)}
        for space, by_split in rows.items()
        if any(by_split.values())
    }
    episodes = {
        split: len({r["episode"] for rs in rows.values() for r in rs.get(split, [])})
        for split in (TRAIN, VALIDATION)
    }
    tasks = len({r["task_id"] for by_split in rows.values() for rs in by_split.values() for r in rs})
    card = dict(
        episodes=episodes,
        tasks=tasks,
        pretty_name="CrossAgent relabelled STRL data (D_strl)",
        description=description,
        how_made=(
            "For each expert decision state of the source mixed-action data, the model sampled answers in any "
            "action space; each was replayed from the decision's exact world state and kept when its first raw "
            "tick is equivalent to the expert's (crossagent/executors/equivalence.py). One answer per state: the "
            "fewest tokens, ties to the space most frequent among the kept answers."
        ),
        command=settings.get("command", "python datasets_scripts/relabel.py"),
        history_rule="the source decision's raw-row history (previous raw ticks)",
        codebook="the source dataset's latent codebook" if codebook is not None else "none",
    )
    return write_folder(output_dir, rows, settings, card, rows_per_shard=50_000, codebook=codebook,
                        overwrite=overwrite)  # fmt: skip


def source_codebook(dataset: str) -> LatentCodebook | None:
    path = pathlib.Path(dataset) / CODEBOOK_FILE
    return LatentCodebook.load(path) if path.is_file() else None


def image_size_of(dataset: str, default: int = 64) -> int:
    settings = pathlib.Path(dataset) / "generation.json"
    if settings.is_file():
        return int(json.loads(settings.read_text()).get("image_size", default))
    return default


def relabel(
    model_dir: str,
    dataset: str,
    output_dir: str,
    k: int = 4,
    keep: str = "one",
    splits: Sequence[str] = (TRAIN, VALIDATION),
    max_rows: int | None = None,
    temperature: float = 1.0,
    max_new_tokens: int = 24,
    batch_size: int = 16,
    overwrite: bool = False,
    model=None,
    processor=None,
    progress: bool = True,
    seed: int = 0,
) -> dict:
    """Sample, verify, pick and write (see the module docstring); returns the summary also in the folder's
    `generation.json`."""
    if k < 1:
        raise ValueError(f"k={k}: sample at least one answer per state")
    if keep not in KEEP_RULES:
        raise ValueError(f"keep={keep!r}: choose one of {KEEP_RULES}")
    if pathlib.Path(output_dir).exists() and not overwrite:
        raise FileExistsError(f"{output_dir} already exists; pass --overwrite to replace it")
    start = time.perf_counter()
    sources = {split: load_decision_rows(dataset, split, max_rows) for split in splits}
    if model is None:
        from crossagent.agents.model import check_model_folder
        from modeling_crossagent.modeling_crossagent import CrossAgentForActions
        from modeling_crossagent.processing_crossagent import CrossAgentProcessor

        check_model_folder(model_dir)
        model = CrossAgentForActions.from_pretrained(model_dir, trust_remote_code=True)
        processor = CrossAgentProcessor.from_pretrained(model_dir, trust_remote_code=True)
    codebook = source_codebook(dataset)
    reward = EquivalenceReward(processor, codebook, image_size_of(dataset))
    rows: dict[str, dict[str, list[dict]]] = {space: {} for space in ACTION_SPACES}
    stats = {}
    for split, source in sources.items():
        source_rows = [source[i] for i in range(len(source))]
        candidates = sample_candidates(model, processor, source_rows, reward, k=k, temperature=temperature,
                                       max_new_tokens=max_new_tokens, batch_size=batch_size, progress=progress,
                                       seed=seed)  # fmt: skip
        by_space, counts = relabelled_rows(source_rows, candidates, keep)
        for space, split_rows in by_space.items():
            if split_rows:
                rows[space][split] = split_rows
        stats[split] = {
            "states": len(source_rows),
            "states_with_an_equivalent_answer": sum(any(c.reward >= 1 for c in cs) for cs in candidates),
            "sampled_equivalent_rate": round(
                sum(c.reward for cs in candidates for c in cs) / max(1, sum(len(cs) for cs in candidates)), 4
            ),
            "rows_per_space": dict(counts),
        }
    settings = {
        "source_dataset": str(dataset),
        "model": str(model_dir),
        "k": k,
        "keep": keep,
        "temperature": temperature,
        "seed": seed,
        "max_new_tokens": max_new_tokens,
        "rule": "fewest tokens; ties: the space most frequent among the kept answers; then the text",
        "splits": stats,
        "seconds": round(time.perf_counter() - start, 1),
        "command": f"python datasets_scripts/relabel.py --model {model_dir} --dataset {dataset} --output-dir "
        f"{output_dir} --k {k}",
    }
    if not any(rows[space] for space in rows):
        raise ValueError(
            f"no sampled answer of {model_dir} is equivalent on any of the {sum(s['states'] for s in stats.values())} "
            "states: nothing to relabel (train the model first, or sample more answers with --k)"
        )
    write_relabelled(
        output_dir, rows, codebook, settings,
        description=f"Answers of {pathlib.Path(model_dir).name} verified equivalent to the expert's raw tick.",
        overwrite=overwrite,
    )  # fmt: skip
    logger.info("relabelled %s -> %s: %s", dataset, output_dir, stats)
    return settings
