"""Shared statistics: Wilson intervals by hand, comparison bands, two-wave test."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ccdata.analysis import stats


def _wilson_by_hand(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize("x,n", [(5, 20), (0, 12), (12, 12), (670, 1000), (1, 3)])
def test_wilson_matches_the_formula(x, n):
    lo, hi = stats.wilson_ci(x, n)
    exp_lo, exp_hi = _wilson_by_hand(x, n)
    assert lo[0] == pytest.approx(exp_lo, abs=1e-9)
    assert hi[0] == pytest.approx(exp_hi, abs=1e-9)


def test_wilson_vectorised_and_missing():
    lo, hi = stats.wilson_ci([5, np.nan, 0], [20, 10, 0])
    assert not math.isnan(lo[0]) and math.isnan(lo[1]) and math.isnan(hi[2])


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError, match="numerator <= denominator"):
        stats.wilson_ci(11, 10)
    with pytest.raises(ValueError):
        stats.wilson_ci(-1, 10)


@pytest.mark.parametrize("value,lo,hi,bench,polarity,expected", [
    (30, 25, 35, 20, stats.LOWER_IS_BETTER, stats.WORSE),
    (30, 25, 35, 20, stats.HIGHER_IS_BETTER, stats.BETTER),
    (30, 25, 35, 40, stats.HIGHER_IS_BETTER, stats.WORSE),
    (30, 25, 35, 30, stats.HIGHER_IS_BETTER, stats.SIMILAR),
    (30, 25, 35, 25, stats.LOWER_IS_BETTER, stats.SIMILAR),  # on the limit counts as similar
    (30, 25, 35, 20, stats.NO_JUDGEMENT, stats.HIGHER),
    (30, 25, 35, 40, stats.NO_JUDGEMENT, stats.LOWER),
    (30, float("nan"), 35, 40, stats.NO_JUDGEMENT, stats.NOT_COMPARED),
])
def test_compare_bands(value, lo, hi, bench, polarity, expected):
    assert stats.compare(value, lo, hi, bench, polarity) == expected


def test_compare_rejects_unknown_polarity():
    with pytest.raises(ValueError, match="polarity"):
        stats.compare(1, 0, 2, 1, "up")


def test_difference_between_waves():
    res = stats.difference_test(50, 100, 70, 100)
    assert res["difference"] == pytest.approx(0.2)
    # Wald z for a difference of proportions, by hand
    se = math.sqrt(0.5 * 0.5 / 100 + 0.7 * 0.3 / 100)
    z = 0.2 / se
    p = math.erfc(z / math.sqrt(2))
    assert res["p_value"] == pytest.approx(p, rel=1e-6)
    assert res["significant"] and res["lower"] < 0.2 < res["upper"]
    with pytest.raises(ValueError):
        stats.difference_test(5, 0, 1, 10)


def test_published_rates_use_the_published_counts_and_skip_hidden_rows():
    safe = pd.DataFrame({"positive": [5, 10, 0, 3], "n": [20, 40, 0, 10],
                         "suppressed": [False, False, False, True]})
    pct, lo, hi = stats.published_rates(safe, "positive", "n")
    assert pct[0] == 25.0 and pct[1] == 25.0          # 5/20 and 10/40, as printed
    assert hi[1] - lo[1] < hi[0] - lo[0]              # the larger base gives the narrower interval
    assert round(lo[0], 2) == 11.19 and round(hi[0], 2) == 46.87   # Wilson 5/20 (see the doctest)
    assert np.isnan(pct[2]) and np.isnan(lo[2])       # a zero base: no rate
    assert np.isnan(pct[3]) and np.isnan(hi[3])       # a hidden row: nothing shown


def test_published_rates_need_a_protected_table():
    with pytest.raises(ValueError, match="suppressed"):
        stats.published_rates(pd.DataFrame({"positive": [1], "n": [2]}), "positive", "n")
