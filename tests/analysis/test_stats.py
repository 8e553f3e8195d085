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


# --------------------------------------------------------------------------- the one change rule
@pytest.mark.parametrize("c1,n1,c2,n2,diff,lo,hi", [
    # Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10 (p2 - p1 here)
    (48, 80, 56, 70, 0.2, 0.0524, 0.3339),
    (3, 10, 9, 10, 0.6, 0.1705, 0.8090),
    (0, 29, 5, 56, 0.0893, -0.0381, 0.1926),
])
def test_newcombe_interval_matches_the_published_worked_examples(c1, n1, c2, n2, diff, lo, hi):
    d, low, high = stats.newcombe_difference(c1, n1, c2, n2)
    assert (round(d, 4), round(low, 4), round(high, 4)) == (diff, lo, hi)


def test_newcombe_is_antisymmetric_and_takes_shared_out_counts():
    d, lo, hi = stats.newcombe_difference(56, 70, 48, 80)
    assert (d, lo, hi) == pytest.approx((-0.2, -0.3339, -0.0524), abs=1e-4)
    # a count shared out from wards need not be whole
    d, lo, hi = stats.newcombe_difference(10.5, 50, 20.25, 50)
    assert d == pytest.approx(0.195) and lo < d < hi


def test_welch_interval_by_hand():
    # se = sqrt(4/4 + 4/4) = 1.41421; df = (1 + 1)^2 / (1/3 + 1/3) = 6; t(0.975, 6) = 2.446912
    d, lo, hi = stats.welch_difference(10, 2, 4, 12, 2, 4)
    assert d == 2.0
    assert lo == pytest.approx(2 - 2.446912 * math.sqrt(2), abs=1e-5)
    assert hi == pytest.approx(2 + 2.446912 * math.sqrt(2), abs=1e-5)
    # unequal spread: se^2 = 9/10 + 1/5 = 1.1; df = 1.21 / (0.81/9 + 0.04/4) = 12.1; t(0.975, 12.1) ~ 2.1771
    d, lo, hi = stats.welch_difference(50, 3, 10, 47, 1, 5)
    assert d == -3.0
    assert hi == pytest.approx(-3 + 2.1771 * math.sqrt(1.1), abs=2e-3)


@pytest.mark.parametrize("args", [(1, 2, 1, 3, 1, 4), (1, -1, 4, 3, 1, 4), (1, float("nan"), 4, 3, 1, 4)])
def test_welch_rejects_bad_input(args):
    with pytest.raises(ValueError):
        stats.welch_difference(*args)


@pytest.mark.parametrize("lo,hi,polarity,expected", [
    (0.01, 0.2, stats.HIGHER_IS_BETTER, stats.IMPROVED),
    (0.01, 0.2, stats.LOWER_IS_BETTER, stats.WORSENED),
    (-0.2, -0.01, stats.LOWER_IS_BETTER, stats.IMPROVED),
    (-0.2, -0.01, stats.NO_JUDGEMENT, stats.DECREASED),
    (0.01, 0.2, stats.NO_JUDGEMENT, stats.INCREASED),
    (-0.01, 0.2, stats.HIGHER_IS_BETTER, stats.NO_CLEAR_CHANGE),
    (0.0, 0.2, stats.HIGHER_IS_BETTER, stats.NO_CLEAR_CHANGE),   # touching zero is not clear
])
def test_verdict_is_clear_only_when_the_interval_excludes_zero(lo, hi, polarity, expected):
    assert stats.verdict(lo, hi, polarity) == expected


def test_change_in_shares_carries_verdict_and_estimate_mark():
    ch = stats.change_in_shares(48, 80, 56, 70, stats.HIGHER_IS_BETTER, estimate=True)
    assert ch.kind == stats.PROPORTION and ch.clear and ch.verdict == stats.IMPROVED and ch.estimate
    assert (ch.before, ch.after) == pytest.approx((0.6, 0.8))
    ch = stats.change_in_shares(0, 29, 5, 56, stats.LOWER_IS_BETTER)
    assert not ch.clear and ch.verdict == stats.NO_CLEAR_CHANGE and not ch.estimate
    with pytest.raises(ValueError, match="0 <= count <= base"):
        stats.change_in_shares(5, 4, 1, 10)


def test_change_in_means_uses_welch():
    ch = stats.change_in_means(10, 2, 4, 12, 2, 4, stats.HIGHER_IS_BETTER)
    assert ch.kind == stats.MEAN and not ch.clear and ch.verdict == stats.NO_CLEAR_CHANGE
    ch = stats.change_in_means(10, 1, 100, 12, 1, 100, stats.LOWER_IS_BETTER)
    assert ch.clear and ch.verdict == stats.WORSENED


def test_ranks_deciles_and_scores_get_no_verdict():
    for kind in (stats.RANK, stats.DECILE, stats.SCORE):
        ch = stats.change_without_verdict(2, 4, kind)
        assert ch.verdict == stats.NO_VERDICT and ch.clear is None and ch.difference == 2
    with pytest.raises(ValueError, match="kind"):
        stats.change_without_verdict(2, 4, stats.PROPORTION)


def test_difference_test_verdict_follows_the_interval_not_the_p_value():
    # Wald p for 0/29 vs 5/56 is about 0.019 (< 0.05) while Newcombe's interval includes zero:
    # the rule reads the interval, so the two can no longer disagree on the page
    res = stats.difference_test(0, 29, 5, 56)
    assert res["p_value"] < 0.05
    assert res["lower"] < 0 < res["upper"] and res["significant"] is False
