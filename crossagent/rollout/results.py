"""One finished episode (`EpisodeResult`) and the checks every consumer relies on.

The rollout turns each episode's outcome into this record; it is appended to the resumable results
file, fed to the success-rate metric and written into `eval_info.json`, so it is validated in one
place: `validate_records` turns mappings (a JSON line, a row of the `evaluate` module) or
`EpisodeResult`s into checked `EpisodeResult`s and names the field and the record index of anything
wrong.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crossagent.tasks.splits import IN_DOMAIN, OOD_SEEN, OOD_UNSEEN, PAPER_OOD, SPLITS
from modeling_crossagent.action_spaces import ACTION_SPACES

OUT_OF_DOMAIN = "out_of_domain"
GROUPS: dict[str, tuple[str, ...]] = {
    IN_DOMAIN: (IN_DOMAIN,),
    OUT_OF_DOMAIN: PAPER_OOD,
    OOD_SEEN: (OOD_SEEN,),
    OOD_UNSEEN: (OOD_UNSEEN,),
}
"""Reported group -> the task splits it pools: each split on its own, and the paper's out-of-domain
number (`ood_seen` and `ood_unseen` together) so that tables line up with the paper's."""
GROUP_LABELS: dict[str, str] = {
    IN_DOMAIN: "ID",
    OUT_OF_DOMAIN: "OOD",
    OOD_SEEN: "OOD seen",
    OOD_UNSEEN: "OOD unseen",
}
"""Short label of each reported group (table columns, model-index names)."""


@dataclass(frozen=True)
class EpisodeResult:
    """The outcome of one episode of one task."""

    task_id: str
    """Task identifier, e.g. `mine_block:oak_log`."""
    category: str
    """Task category, e.g. `mine_block`, `craft_item`."""
    split: str
    """The task's suite split: `in_domain`, `ood_seen` or `ood_unseen`."""
    episode: int
    """Index of this episode among the task's K episodes (0..K-1)."""
    seed: int
    """World seed the episode ran with (reproduces it)."""
    success: bool
    """Whether the task's success event happened within the step budget."""
    steps: int
    """Environment ticks used (up to the first success or the budget)."""
    generated_tokens: int
    """Tokens the agent generated over the episode (the token cost)."""
    calls_per_space: dict[str, int] = field(default_factory=dict)
    """Agent calls per action space (`raw`, `motion`, `grounding`, `skill`, `latent`); absent = 0."""
    invalid_actions: int = 0
    """Agent outputs that failed to parse (executed as no-op ticks)."""
    retries: int = 0
    """Times the episode was restarted after an environment crash."""
    error: str | None = None
    """Last environment error message if the episode had to be retried, else None."""

    def to_dict(self) -> dict[str, Any]:
        # Shallow on purpose (asdict deep-copies, 4x slower at 6000+ episodes); the dict is copied.
        return {name: getattr(self, name) for name in FIELD_NAMES} | {
            "calls_per_space": dict(self.calls_per_space)
        }


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(EpisodeResult))
REQUIRED_FIELDS: tuple[str, ...] = tuple(
    f.name
    for f in dataclasses.fields(EpisodeResult)
    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
)
_COUNT_FIELDS = ("episode", "steps", "generated_tokens", "invalid_actions", "retries")


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _fail(index: int, name: str, problem: str) -> ValueError:
    return ValueError(f"episode record {index}: field '{name}' {problem}")


def validate_record(record: EpisodeResult | Mapping[str, Any], index: int = 0) -> EpisodeResult:
    """Check one record and return it as a normalised `EpisodeResult` (plain ints, bool, full dict).

    Raises ValueError naming the record index and the field (missing, unknown, wrong type,
    negative count, unknown split or action space).
    """
    if isinstance(record, EpisodeResult):
        values = record.to_dict()
    elif isinstance(record, Mapping):
        values = dict(record)
        missing = [name for name in REQUIRED_FIELDS if name not in values]
        if missing:
            raise _fail(index, missing[0], f"is missing (required fields: {', '.join(REQUIRED_FIELDS)})")
        unknown = sorted(set(values) - set(FIELD_NAMES))
        if unknown:
            raise _fail(
                index, unknown[0], f"is not a field of EpisodeResult (fields: {', '.join(FIELD_NAMES)})"
            )
    else:
        raise ValueError(
            f"episode record {index}: expected an EpisodeResult or a mapping, got {type(record)}"
        )

    for name in ("task_id", "category"):
        if not isinstance(values[name], str) or not values[name]:
            raise _fail(index, name, f"must be a non-empty string, got {values[name]!r}")
    if values["split"] not in SPLITS:
        raise _fail(
            index,
            "split",
            f"must be one of {list(SPLITS)}, got {values['split']!r} (results written before the three "
            "splits used train/test: evaluate again)",
        )
    success = values["success"]
    if not isinstance(success, bool) and not (_is_int(success) and success in (0, 1)):
        raise _fail(index, "success", f"must be a bool, got {success!r}")
    if not _is_int(values["seed"]):
        raise _fail(index, "seed", f"must be an integer, got {values['seed']!r}")
    for name in _COUNT_FIELDS:
        value = values.get(name, 0)
        if not _is_int(value) or value < 0:
            raise _fail(index, name, f"must be a non-negative integer, got {value!r}")
    calls = values.get("calls_per_space") or {}
    if not isinstance(calls, Mapping):
        raise _fail(index, "calls_per_space", f"must be a mapping space -> count, got {calls!r}")
    for space, count in calls.items():
        if space not in ACTION_SPACES:
            raise _fail(
                index, "calls_per_space", f"has unknown action space {space!r} (known: {ACTION_SPACES})"
            )
        if not _is_int(count) or count < 0:
            raise _fail(index, "calls_per_space", f"count for {space!r} must be a non-negative integer")
    error = values.get("error") or None  # "" (a string column's null) means no error
    if error is not None and not isinstance(error, str):
        raise _fail(index, "error", f"must be a string or None, got {error!r}")

    return EpisodeResult(
        task_id=values["task_id"],
        category=values["category"],
        split=values["split"],
        episode=int(values["episode"]),
        seed=int(values["seed"]),
        success=bool(success),
        steps=int(values["steps"]),
        generated_tokens=int(values["generated_tokens"]),
        calls_per_space={space: int(calls.get(space, 0)) for space in ACTION_SPACES},
        invalid_actions=int(values.get("invalid_actions", 0)),
        retries=int(values.get("retries", 0)),
        error=error,
    )


def validate_records(records: Iterable[EpisodeResult | Mapping[str, Any]]) -> list[EpisodeResult]:
    """Validate every record, and the set: one record per (task, episode), one category/split per task."""
    checked: list[EpisodeResult] = []
    first_seen: dict[tuple[str, int], int] = {}
    task_labels: dict[str, tuple[str, str, int]] = {}
    for index, record in enumerate(records):
        result = validate_record(record, index)
        key = (result.task_id, result.episode)
        if key in first_seen:
            raise ValueError(
                f"episode record {index}: fields 'task_id'/'episode' repeat record {first_seen[key]} "
                f"({result.task_id!r} episode {result.episode}); each episode must be counted once"
            )
        first_seen[key] = index
        category, split, where = task_labels.setdefault(
            result.task_id, (result.category, result.split, index)
        )
        for name, expected in (("category", category), ("split", split)):
            if getattr(result, name) != expected:
                raise _fail(
                    index,
                    name,
                    f"is {getattr(result, name)!r} but record {where} of task {result.task_id!r} says {expected!r}",
                )
        checked.append(result)
    return checked
