"""Scoring of perception answers: a reference answer is right, a point off the object or naming another is
wrong, and the baselines are computed from the same ground truth."""

import numpy as np

from crossagent.datasets.perception import pack_mask
from crossagent.evaluation.perception import axis_correlations, majority_answers, score, summarize

FRAME = np.zeros((10, 10, 3), np.uint8)


def point_row(action="<|object_ref_start|>cow<|object_ref_end|><|point_start|>(150,150)<|point_end|>"):
    mask = np.zeros((10, 10), bool)
    mask[1, 1] = True  # the pixel under (150, 150)
    return {"config": "point", "kind": "point", "image": FRAME, "action": action, "object": "cow",
            "mask": pack_mask(mask), "centroids": [[150, 150]]}  # fmt: skip


def test_point_is_right_on_the_object_and_wrong_elsewhere():
    row = point_row()
    assert score(row, row["action"], 10, 10) == {"correct": True, "distance": 0.0, "within_50": True}
    off = "<|object_ref_start|>cow<|object_ref_end|><|point_start|>(450,150)<|point_end|>"
    assert score(row, off, 10, 10)["correct"] is False
    other = "<|object_ref_start|>pig<|object_ref_end|><|point_start|>(150,150)<|point_end|>"
    assert score(row, other, 10, 10)["correct"] is False
    assert score(row, "garbage", 10, 10)["correct"] is False


def test_summary_reports_model_and_baselines_per_kind():
    rows = [point_row(), {"config": "count", "kind": "count", "image": FRAME, "action": "2"}]
    train = {"kind": ["count", "count", "count"], "action": ["0", "0", "2"]}
    report = summarize(rows, [rows[0]["action"], "0"], majority_answers(train))
    assert report["point"]["kinds"]["point"]["correct"] == 1.0
    assert report["point"]["kinds"]["point"]["centre_correct"] == 0.0
    assert report["count"]["accuracy"] == 0.0
    assert report["count"]["kinds"]["count"]["majority_correct"] == 0.0


def test_axis_correlations_tell_a_model_that_reads_y_only():
    answers = [(100, 900), (500, 100), (900, 500), (300, 700)]
    reads_y = [((500, y + 20), (x, y)) for x, y in answers]  # x constant: no correlation to report
    assert axis_correlations(reads_y) == {"x_correlation": None, "y_correlation": 1.0}
    swapped = [((y, x), (x, y)) for x, y in answers]  # writes the answer's y as x
    result = axis_correlations(swapped)
    assert result["x_correlation"] < 0.5 and result["y_correlation"] < 0.5
    assert axis_correlations(reads_y[:2]) == {"x_correlation": None, "y_correlation": None}
