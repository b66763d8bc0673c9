"""The success-rate metric against values computed by hand from the table in conftest.py."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossagent.evaluation.success_rate import compute_success_rate, episode_columns, wilson_interval
from modeling_crossagent.action_spaces import ACTION_SPACES

Z = 1.959963984540054  # standard normal 0.975 quantile
Z2 = Z * Z  # 3.841458820694124


def test_wilson_closed_form_written_out():
    # 7 successes of 8: p = 0.875
    #   denominator = 1 + z²/n            = 1 + 3.841459/8              = 1.480182
    #   center      = (p + z²/2n) / den   = (0.875 + 0.240091)/1.480182 = 0.753347
    #   half width  = z/den * sqrt(p(1-p)/n + z²/4n²)
    #               = 1.324137 * sqrt(0.013671875 + 0.015005699)      = 0.224236
    low, high = wilson_interval(7, 8)
    assert low == pytest.approx(0.753347 - 0.224236, abs=2e-6)
    assert high == pytest.approx(0.753347 + 0.224236, abs=2e-6)
    assert (low, high) == pytest.approx((0.529112, 0.977583), abs=1e-6)
    # Symmetric case 8/16 centres on 0.5: half width = 1.580501 * sqrt(0.015625 + 0.003751425) = 0.220004
    assert wilson_interval(8, 16) == pytest.approx((0.279996, 0.720004), abs=1e-6)
    # Edges have closed forms: 0/n -> [0, z²/(n+z²)], n/n -> [n/(n+z²), 1]
    assert wilson_interval(0, 4) == (0.0, pytest.approx(Z2 / (4 + Z2)))  # 0.489891
    assert wilson_interval(4, 4) == (pytest.approx(4 / (4 + Z2)), 1.0)  # 0.510109
    assert wilson_interval(0, 0) == (None, None)


def test_wilson_other_confidence_and_bad_counts():
    z90 = 1.6448536269514722
    low, high = wilson_interval(1, 2, confidence=0.90)
    denominator = 1 + z90**2 / 2
    half = z90 / denominator * math.sqrt(0.25 / 2 + z90**2 / 16)
    assert (low, high) == pytest.approx((0.5 - half, 0.5 + half))
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(3, 2)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 2, confidence=1.0)


def test_hand_computed_table(records):
    m = compute_success_rate(records, categories=["mine_block", "kill_entity", "craft_item", "smelt_item"])
    assert m["num_episodes"] == 16 and m["num_tasks"] == 4

    # ASR: overall 3+0+1+4 = 8 of 16; ID (oak_log, zombie) 7/8; OOD (stone, stick) 1/8
    assert m["asr"]["overall"] == {"n": 16, "successes": 8, "rate": 0.5, "ci_low": pytest.approx(0.279996, abs=1e-6), "ci_high": pytest.approx(0.720004, abs=1e-6)}  # fmt: skip
    in_domain, out_of_domain = m["asr"]["per_split"]["in_domain"], m["asr"]["per_split"]["out_of_domain"]
    assert (in_domain["n"], in_domain["successes"], in_domain["rate"]) == (8, 7, 0.875)
    assert (in_domain["ci_low"], in_domain["ci_high"]) == pytest.approx((0.529112, 0.977583), abs=1e-6)
    assert (out_of_domain["n"], out_of_domain["successes"], out_of_domain["rate"]) == (8, 1, 0.125)
    # 1/8 mirrors 7/8: [1 - 0.977583, 1 - 0.529112]
    assert (out_of_domain["ci_low"], out_of_domain["ci_high"]) == pytest.approx(
        (0.022417, 0.470888), abs=1e-6
    )

    # Per category, in the requested order; smelt_item has no episodes -> n=0, rate None.
    per_category = m["asr"]["per_category"]
    assert list(per_category) == ["mine_block", "kill_entity", "craft_item", "smelt_item"]
    assert [(b["n"], b["successes"], b["rate"]) for b in per_category.values()] == [
        (8, 3, 0.375),
        (4, 4, 1.0),
        (4, 1, 0.25),
        (0, 0, None),
    ]
    assert per_category["kill_entity"]["ci_low"] == pytest.approx(4 / (4 + Z2))  # 0.510109
    assert per_category["smelt_item"]["ci_low"] is None and per_category["smelt_item"]["ci_high"] is None

    # Finished tasks: oak_log, stick, zombie have a success, stone none -> 3 of 4 tasks.
    finished = m["finished_tasks"]
    assert (finished["overall"]["n"], finished["overall"]["successes"], finished["overall"]["rate"]) == (
        4,
        3,
        0.75,
    )
    assert finished["per_split"]["in_domain"]["rate"] == 1.0  # 2 of 2
    assert finished["per_split"]["out_of_domain"]["rate"] == 0.5  # 1 of 2
    assert [b["rate"] for b in finished["per_category"].values()] == [0.5, 1.0, 1.0, None]

    # Steps: 8 successes x 40 + 8 failures x 200 = 1920 / 16 = 120; successful only 40.
    assert m["steps"] == {"mean": 120.0, "mean_successful": 40.0}
    # Tokens: mine 8x30 + craft 4x50 + kill 4x10 = 480 / 16 = 30; successes 3x30 + 1x50 + 4x10 = 180 / 8.
    assert m["generated_tokens"] == {"mean": 30.0, "mean_successful": 22.5}
    assert m["invalid_actions"] == {"total": 8, "mean": 0.5}
    assert m["retries"] == {"total": 2, "episodes_with_error": 1}
    # Model calls = valid + invalid: mine 8 x 4 + craft 4 x 4 + kill 4 x 5 = 68 valid, + 8 invalid
    # (one per failure) = 76 / 16 = 4.75; successful: oak 3 x 4 + stick 1 x 4 + zombie 4 x 5 = 36 / 8 = 4.5.
    assert m["model_calls"] == {"mean": 4.75, "mean_successful": 4.5}

    # Action-space usage: mine 8 x (raw 3, skill 1) = raw 24, skill 8, + 5 invalid (5 failures) = 37 calls;
    # craft 4 x (grounding 2, raw 2) + 3 invalid = 19; kill 4 x motion 5, no failure = 20.
    # Overall raw 32, motion 20, grounding 8, skill 8, invalid 8 of 76 calls.
    usage = m["action_space_usage"]
    assert usage["per_category"]["mine_block"]["shares"] == pytest.approx({"raw": 24 / 37, "motion": 0.0, "grounding": 0.0, "skill": 8 / 37, "latent": 0.0, "invalid": 5 / 37})  # fmt: skip
    assert usage["per_category"]["craft_item"]["shares"]["grounding"] == 8 / 19
    assert usage["per_category"]["kill_entity"]["shares"]["motion"] == 1.0
    assert usage["per_category"]["smelt_item"] == {
        "total_calls": 0,
        "calls": dict.fromkeys(("raw", "motion", "grounding", "skill", "latent", "invalid"), 0),
        "shares": dict.fromkeys(("raw", "motion", "grounding", "skill", "latent", "invalid")),
    }
    overall = usage["overall"]
    assert overall["total_calls"] == 76
    assert overall["calls"] == {
        "raw": 32,
        "motion": 20,
        "grounding": 8,
        "skill": 8,
        "latent": 0,
        "invalid": 8,
    }
    assert overall["shares"]["raw"] == pytest.approx(32 / 76)  # 0.421053


def test_all_fail_and_all_success(records):
    failed = [r.__class__(**{**r.to_dict(), "success": False}) for r in records]
    m = compute_success_rate(failed)
    assert m["asr"]["overall"] == {"n": 16, "successes": 0, "rate": 0.0, "ci_low": 0.0, "ci_high": pytest.approx(Z2 / (16 + Z2))}  # fmt: skip
    assert m["finished_tasks"]["overall"]["rate"] == 0.0
    assert m["steps"]["mean_successful"] is None and m["generated_tokens"]["mean_successful"] is None

    solved = [r.__class__(**{**r.to_dict(), "success": True}) for r in records]
    m = compute_success_rate(solved)
    assert m["asr"]["overall"]["rate"] == 1.0 and m["asr"]["overall"]["ci_high"] == 1.0
    assert m["asr"]["overall"]["ci_low"] == pytest.approx(16 / (16 + Z2))  # 0.806376
    assert m["finished_tasks"]["overall"]["rate"] == 1.0


def test_no_records_gives_empty_groups_not_zero():
    m = compute_success_rate([], categories=["mine_block"])
    assert m["num_episodes"] == 0 and m["num_tasks"] == 0
    assert m["asr"]["overall"] == {"n": 0, "successes": 0, "rate": None, "ci_low": None, "ci_high": None}
    assert m["asr"]["per_split"]["in_domain"]["rate"] is None
    assert m["asr"]["per_category"]["mine_block"]["n"] == 0
    assert m["steps"]["mean"] is None and m["generated_tokens"]["mean"] is None
    assert set(m["action_space_usage"]["overall"]["shares"].values()) == {None}


def test_only_one_split_reports_the_other_empty(records):
    m = compute_success_rate([r for r in records if r.split == "in_domain"])
    assert m["asr"]["per_split"]["out_of_domain"] == {"n": 0, "successes": 0, "rate": None, "ci_low": None, "ci_high": None}  # fmt: skip
    assert m["asr"]["per_split"]["in_domain"]["rate"] == 0.875


def test_mappings_and_columns_give_the_same_result(records):
    as_dicts = [r.to_dict() for r in records]
    del as_dicts[0]["retries"], as_dicts[0]["error"]  # optional fields may be left out
    assert compute_success_rate(as_dicts) == compute_success_rate(records)
    columns = episode_columns(records)
    assert columns["success"][:4] == [True, True, False, True] and len(columns["task_id"]) == 16


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("steps"), r"record 3: field 'steps' is missing"),
        (
            lambda d: d.update(split="validation"),
            r"record 3: field 'split' must be one of \['in_domain', 'ood_seen', 'ood_unseen'\]",
        ),
        (lambda d: d.update(steps=-1), r"record 3: field 'steps' must be a non-negative integer"),
        (
            lambda d: d.update(generated_tokens=2.5),
            r"record 3: field 'generated_tokens' must be a non-negative",
        ),
        (lambda d: d.update(success="yes"), r"record 3: field 'success' must be a bool"),
        (lambda d: d.update(task_id=""), r"record 3: field 'task_id' must be a non-empty string"),
        (
            lambda d: d.update(calls_per_space={"keyboard": 1}),
            r"record 3: field 'calls_per_space' has unknown action space",
        ),
        (
            lambda d: d.update(calls_per_space={"raw": -2}),
            r"record 3: field 'calls_per_space' count for 'raw'",
        ),
        (lambda d: d.update(sucess=True), r"record 3: field 'sucess' is not a field of EpisodeResult"),
        (lambda d: d.update(episode=0), r"record 3: fields 'task_id'/'episode' repeat record 0"),
        (
            lambda d: d.update(category="craft_item"),
            r"record 3: field 'category' is 'craft_item' but record 0",
        ),
        (lambda d: d.update(split="ood_seen"), r"record 3: field 'split' is 'ood_seen' but record 0"),
    ],
)
def test_bad_records_name_the_field_and_index(records, change, message):
    rows = [r.to_dict() for r in records]
    change(rows[3])
    with pytest.raises(ValueError, match=message):
        compute_success_rate(rows)


def test_not_a_record_is_rejected():
    with pytest.raises(ValueError, match="record 0: expected an EpisodeResult or a mapping"):
        compute_success_rate([("mine_block:oak_log", True)])


@st.composite
def episode_sets(draw):
    tasks = draw(st.lists(st.tuples(st.sampled_from(["mine_block", "craft_item", "odd_category"]), st.booleans()), max_size=6))  # fmt: skip
    rows = []
    for number, (category, train) in enumerate(tasks):
        for episode in range(draw(st.integers(1, 4))):
            rows.append(
                dict(task_id=f"{category}:{number}", category=category, split="in_domain" if train else "ood_seen",
                     episode=episode, seed=episode, success=draw(st.booleans()), steps=draw(st.integers(0, 200)),
                     generated_tokens=draw(st.integers(0, 500)),
                     calls_per_space=draw(st.dictionaries(st.sampled_from(ACTION_SPACES), st.integers(0, 5))),
                     invalid_actions=draw(st.integers(0, 3)))
            )  # fmt: skip
    return draw(st.permutations(rows))


@settings(max_examples=60, deadline=None)
@given(episode_sets())
def test_groups_partition_the_episodes(rows):
    m = compute_success_rate(rows)
    overall = m["asr"]["overall"]
    splits = {name: m["asr"]["per_split"][name] for name in ("in_domain", "ood_seen", "ood_unseen")}
    for blocks in (splits.values(), m["asr"]["per_category"].values()):
        assert sum(b["n"] for b in blocks) == overall["n"] == len(rows)
        assert sum(b["successes"] for b in blocks) == overall["successes"]
    ood = m["asr"]["per_split"]["out_of_domain"]  # the paper's OOD: seen and unseen together
    assert ood["n"] == splits["ood_seen"]["n"] + splits["ood_unseen"]["n"]
    assert ood["successes"] == splits["ood_seen"]["successes"] + splits["ood_unseen"]["successes"]
    for block in [overall, *m["asr"]["per_split"].values(), *m["finished_tasks"]["per_category"].values()]:
        if block["n"]:
            assert 0 <= block["ci_low"] <= block["rate"] <= block["ci_high"] <= 1
    # a task is finished iff it has a success, so finished-task rate >= 0 and <= 1, and 0 only if ASR is 0
    assert (m["finished_tasks"]["overall"]["successes"] == 0) == (overall["successes"] == 0)
    assert compute_success_rate(list(reversed(rows))) == m  # order does not matter
    shares = [s for s in m["action_space_usage"]["overall"]["shares"].values() if s is not None]
    assert not shares or abs(sum(shares) - 1) < 1e-9
    # every call, valid or invalid, is counted once: in the usage and in the calls per episode
    total_calls = m["action_space_usage"]["overall"]["total_calls"]
    assert total_calls == sum(sum(r["calls_per_space"].values()) + r["invalid_actions"] for r in rows)
    assert m["model_calls"]["mean"] == (pytest.approx(total_calls / len(rows)) if rows else None)
