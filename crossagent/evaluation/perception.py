"""Score perception answers against the renderer's ground truth, beside trivial baselines.

    report = perception_report(model, processor, test_rows, train_rows)   # accuracy per config and kind

A point (`point`, `gui` slot pointing) is right when the pixel under it belongs to the named object (what
the grounding executor needs); its distance to the nearest visible centroid of that object is reported
beside, with the share within 50/1000. Other answers are right when they equal the reference text.
Baselines: the centre guess (the point (500, 500), the cell `middle centre`) and the majority answer
(the most frequent answer of that kind in the train split).
"""

from __future__ import annotations

import collections
import math
import re

import numpy as np
import torch
from tqdm import tqdm

from crossagent.datasets.perception import (
    CONFIGS,
    point_to_pixel,
    unpack_mask,
)
from modeling_crossagent.action_spaces import ACTION_SPACES

POINT_RE = re.compile(
    r"<\|object_ref_start\|>(.*?)<\|object_ref_end\|><\|point_start\|>\((\d+),(\d+)\)<\|point_end\|>"
)
POINT_KINDS = ("point", "gui_point")
"""Kinds whose answer is a point, scored by what is under it."""
CENTRE = (500, 500)
NEAR = 50
"""A point within this distance (of 1000) of a visible centroid counts as `within_50`."""


def frame_array(image) -> np.ndarray:
    """A dataset image (PIL, from the Image column) or array -> (H, W, 3) uint8."""
    return np.asarray(image.convert("RGB") if hasattr(image, "convert") else image, dtype=np.uint8)


def answer_point(text: str) -> tuple[str, tuple[int, int]] | None:
    """(object, point) of a pointing answer, or None when the text holds none."""
    match = POINT_RE.search(text)
    if match is None:
        return None
    return match.group(1), (min(1000, int(match.group(2))), min(1000, int(match.group(3))))


def score_point(row: dict, point: tuple[int, int] | None, height: int, width: int) -> tuple[bool, float]:
    """(hit, distance to the nearest visible centroid) of a point for a pointing row; a missing point misses."""
    if point is None:
        return False, math.inf
    mask = unpack_mask(row["mask"], height, width)
    r, c = point_to_pixel(point, height, width)
    distance = min((math.dist(point, centroid) for centroid in row["centroids"]), default=math.inf)
    return bool(mask[r, c]), distance


def score(row: dict, prediction: str, height: int, width: int) -> dict:
    """`{"correct", and for pointing rows "distance", "within_50"}` of one prediction."""
    if row["kind"] in POINT_KINDS:
        parsed = answer_point(prediction)
        named = parsed is not None and parsed[0] == row["object"]
        hit, distance = score_point(row, parsed[1] if parsed else None, height, width)
        return {"correct": hit and named, "distance": distance, "within_50": named and distance <= NEAR}
    return {"correct": prediction.strip() == row["action"].strip()}


def generate_answers(model, processor, rows, batch_size: int = 32, max_new_tokens: int = 64) -> list[str]:
    """Greedy answers of the model to the rows' questions (the prompt SFT trains on, every space named)."""
    answers: list[str] = []
    model.eval()
    for start in tqdm(range(0, len(rows), batch_size), desc="perception answers", leave=False):
        part = rows[start : start + batch_size]
        frames = [frame_array(row["image"]) for row in part]
        inputs = processor.prepare_act_inputs(frames, [r["instruction"] for r in part], spaces=ACTION_SPACES)
        with torch.no_grad():
            out = model.generate(**inputs.to(model.device), max_new_tokens=max_new_tokens, do_sample=False)
        answers.extend(processor.decode_actions(out[:, inputs["input_ids"].shape[1] :]))
    return answers


def _rate(values) -> float | None:
    values = list(values)
    return round(float(np.mean(values)), 4) if values else None


def axis_correlations(pairs: list[tuple[tuple[int, int], tuple[int, int]]]) -> dict:
    """Pearson correlation of the written points' x (and y) with the answers' x (y), over (written, answer)
    pairs: a model that reads where the object is correlates on both axes; one that guesses from the whole
    frame (the horizon gives y away) may correlate on y alone. None with fewer than 3 pairs or a constant."""
    result = {"x_correlation": None, "y_correlation": None}
    if len(pairs) < 3:
        return result
    written, answers = np.array([p[0] for p in pairs], float), np.array([p[1] for p in pairs], float)
    for axis, key in enumerate(result):
        if written[:, axis].std() > 0 and answers[:, axis].std() > 0:
            result[key] = round(float(np.corrcoef(written[:, axis], answers[:, axis])[0, 1]), 3)
    return result


def summarize(rows, predictions: list[str], majority: dict[str, str]) -> dict:
    """Accuracy per config and per kind, with pointing distances and the two baselines."""
    by_kind: dict[tuple[str, str], list] = collections.defaultdict(list)
    for row, prediction in zip(rows, predictions):
        height, width = frame_array(row["image"]).shape[:2]
        model = score(row, prediction, height, width)
        parsed = answer_point(prediction) if row["kind"] in POINT_KINDS else None
        if parsed and row.get("answer_point"):
            model["axes"] = (parsed[1], tuple(row["answer_point"]))  # the written point beside the answer's
        baseline = {}
        if row["kind"] in POINT_KINDS:
            hit, distance = score_point(row, CENTRE, height, width)
            baseline = {"centre_correct": hit, "centre_within_50": distance <= NEAR}
        elif row["kind"] == "locate":
            baseline = {"centre_correct": row["action"].endswith(" middle centre")}
        baseline["majority_correct"] = row["action"] == majority.get(row["kind"])
        by_kind[(row["config"], row["kind"])].append({**model, **baseline})
    report: dict[str, dict] = {}
    for (config, kind), results in sorted(by_kind.items()):
        entry = {"rows": len(results)}
        for key in ("correct", "within_50", "centre_correct", "centre_within_50", "majority_correct"):
            if key in results[0]:
                entry[key] = _rate(r[key] for r in results)
        distances = [r["distance"] for r in results if "distance" in r and math.isfinite(r["distance"])]
        if "distance" in results[0]:
            entry["median_distance"] = round(float(np.median(distances)), 1) if distances else None
            entry.update(axis_correlations([r["axes"] for r in results if r.get("axes")]))
        report.setdefault(config, {"kinds": {}})["kinds"][kind] = entry
    for entry in report.values():
        kinds = entry["kinds"].values()
        entry["rows"] = sum(k["rows"] for k in kinds)
        entry["accuracy"] = round(sum(k["correct"] * k["rows"] for k in kinds) / entry["rows"], 4)
    return {c: report[c] for c in CONFIGS if c in report}


def majority_answers(train_rows) -> dict[str, str]:
    """kind -> its most frequent answer in the train rows."""
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for kind, action in zip(train_rows["kind"], train_rows["action"]):
        counts[kind][action] += 1
    return {kind: counter.most_common(1)[0][0] for kind, counter in counts.items()}


def perception_report(model, processor, test_rows, majority: dict[str, str], batch_size: int = 32) -> dict:
    """Generate answers for `test_rows` (a datasets.Dataset or list of rows) and score them."""
    rows = list(test_rows)
    return summarize(rows, generate_answers(model, processor, rows, batch_size), majority)
