"""The Wilson interval always contains the rate (all-success and all-fail groups included)."""

from crossagent.evaluation.success_rate import wilson_interval


def test_interval_contains_the_rate_at_the_extremes():
    for n in range(1, 400):
        for successes in (0, 1, n - 1, n):
            if not 0 <= successes <= n:
                continue
            low, high = wilson_interval(successes, n)
            assert 0.0 <= low <= successes / n <= high <= 1.0, (successes, n, low, high)
    assert wilson_interval(13, 13)[1] == 1.0 and wilson_interval(0, 10)[0] == 0.0
