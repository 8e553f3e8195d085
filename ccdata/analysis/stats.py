"""Confidence intervals and comparisons, shared by indicators, surveys and pupil data.

Proportions use the Wilson score interval (statsmodels), which behaves well for
small counts and for proportions near 0 or 1, where the normal approximation gives
impossible limits. Comparisons follow the Public Health England "Fingertips"
convention: an area is *better* or *worse* than a benchmark when the benchmark value
lies outside the area's 95% interval, otherwise *similar*.

Change over time follows **one rule**, read by the progress page, the listening page
and "What changed" (:func:`change_in_shares`, :func:`change_in_means`,
:func:`change_without_verdict`):

- a share worked out from counts: the Newcombe (1998, method 10) hybrid score interval
  for the difference of two proportions; the change is *clear* when that interval
  excludes zero;
- a mean: Welch's interval for the difference of two means from each period's mean,
  standard deviation and count;
- ranks, deciles and IoD scores across editions: no verdict (the editions rank different
  neighbourhoods against each other, so a movement says nothing certain on its own);
- counts shared out from wards (DWP child poverty for a place drawn across ward
  boundaries) are treated as counts and the result is marked as an estimate.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccdata.schemas import check_frame

#: Polarity of an indicator: which direction is good.
HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"
NO_JUDGEMENT = "no_judgement"
POLARITIES = (HIGHER_IS_BETTER, LOWER_IS_BETTER, NO_JUDGEMENT)

BETTER, SIMILAR, WORSE = "better", "similar", "worse"
HIGHER, LOWER = "higher", "lower"
NOT_COMPARED = "not compared"


def _check_counts(numerator, denominator) -> tuple[np.ndarray, np.ndarray]:
    num = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(numerator)), errors="raise"), dtype=float)
    den = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(denominator)), errors="raise"), dtype=float)
    if num.shape != den.shape:
        raise ValueError(f"numerator and denominator differ in length ({num.size} vs {den.size})")
    bad = (num < 0) | (den < 0) | (num > den)
    if np.any(bad[~np.isnan(num) & ~np.isnan(den)]):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"counts must satisfy 0 <= numerator <= denominator; item {i}: "
                         f"{num[i]:g} of {den[i]:g}")
    return num, den


def wilson_ci(numerator, denominator, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions ``numerator / denominator``.

    Parameters
    ----------
    numerator, denominator : number or array-like
        Counts (cases, respondents). Missing values give missing limits; a zero
        denominator gives missing limits.
    alpha : float
        1 - confidence level (0.05 for 95%).

    Returns
    -------
    lower, upper : ndarray
        Limits as proportions (0-1).

    Raises
    ------
    ValueError
        When a numerator is negative or larger than its denominator.

    Examples
    --------
    >>> lo, hi = wilson_ci(5, 20)
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.1119, 0.4687)
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}")
    num, den = _check_counts(numerator, denominator)
    ok = ~np.isnan(num) & ~np.isnan(den) & (den > 0)
    lower = np.full(num.shape, np.nan)
    upper = np.full(num.shape, np.nan)
    if ok.any():
        from statsmodels.stats.proportion import proportion_confint  # imported when used: 1 s to import, and
        # every `ccdata` command (help included) reaches this module through the key findings
        lo, hi = proportion_confint(num[ok], den[ok], alpha=alpha, method="wilson")
        lower[ok], upper[ok] = lo, hi
    return lower, upper


def published_rates(safe: pd.DataFrame, count: str, base: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percentages and 95% Wilson limits worked out from a protected table's published counts.

    A figure printed beside a rounded count must not be more exact than the count, or the
    true count can be solved from it ("n 20, 33.3%" leaves 6/18 or 7/21 only). Rows whose
    count is hidden (``suppressed``) or whose base is zero get missing values.

    Parameters
    ----------
    safe : DataFrame
        Output of :func:`ccdata.analysis.disclosure.apply` (has ``suppressed``).
    count, base : str
        The columns of the (rounded) numerator and denominator.

    Returns
    -------
    pct, lower, upper : ndarray
        Percentages (0-100), one per row.
    """
    check_frame(safe, "safe", (count, base, "suppressed"), made_by="ccdata.analysis.disclosure.apply()")
    num = safe[count].to_numpy(dtype=float, na_value=np.nan)
    den = safe[base].to_numpy(dtype=float, na_value=np.nan)
    ok = ~safe["suppressed"].to_numpy(dtype=bool) & (den > 0)
    pct, lo, hi = (np.full(len(safe), np.nan) for _ in range(3))
    if ok.any():
        pct[ok] = 100 * num[ok] / den[ok]
        low, high = wilson_ci(num[ok], den[ok])
        lo[ok], hi[ok] = 100 * np.asarray(low, dtype=float), 100 * np.asarray(high, dtype=float)
    return pct, lo, hi


def compare(value: float, lower: float, upper: float, benchmark: float,
            polarity: str = NO_JUDGEMENT) -> str:
    """Significance band of an area against a benchmark value.

    ``better``/``worse`` (or ``higher``/``lower`` when the polarity makes no
    judgement) when ``benchmark`` lies outside ``[lower, upper]``; ``similar``
    otherwise; ``not compared`` when anything is missing.
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, not {polarity!r}")
    if any(v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v)
           for v in (value, lower, upper, benchmark)):
        return NOT_COMPARED
    if lower <= benchmark <= upper:
        return SIMILAR
    above = lower > benchmark
    if polarity == NO_JUDGEMENT:
        return HIGHER if above else LOWER
    good = above if polarity == HIGHER_IS_BETTER else not above
    return BETTER if good else WORSE


def difference_test(count1: int, n1: int, count2: int, n2: int) -> dict:
    """Compare two proportions (e.g. two survey waves): difference, 95% interval and verdict.

    The interval is the Newcombe hybrid score interval of :func:`newcombe_difference` and
    ``significant`` follows the one change rule (the interval excludes zero). The Wald
    p-value is kept for advisers who want it; it never decides the verdict, so a page
    that shows the interval cannot contradict its own verdict.

    Parameters
    ----------
    count1, n1, count2, n2 : int
        Count and base of the first and the second period.

    Returns
    -------
    dict
        ``p1, p2, difference`` (``p2 - p1``), ``lower, upper`` (proportions),
        ``p_value``, ``significant``.

    Raises
    ------
    ValueError
        A base that is not positive or a count outside ``0..n``.
    """
    for label, c, n in (("first", count1, n1), ("second", count2, n2)):
        if n <= 0 or c < 0 or c > n:
            raise ValueError(f"{label} group: need 0 <= count <= n and n > 0, got {c} of {n}")
    p1, p2 = count1 / n1, count2 / n2
    diff, lo, hi = newcombe_difference(count1, n1, count2, n2)
    from statsmodels.stats.proportion import test_proportions_2indep  # imported when used (see wilson above)

    with warnings.catch_warnings():
        # a zero count makes statsmodels divide by zero for ratios this test never reads
        warnings.simplefilter("ignore", RuntimeWarning)
        res = test_proportions_2indep(count2, n2, count1, n1, method="wald", compare="diff")
    return {"p1": p1, "p2": p2, "difference": diff, "lower": lo, "upper": hi,
            "p_value": float(res.pvalue), "significant": bool(lo > 0 or hi < 0)}


# --------------------------------------------------------------------------- change over time
#: Kinds of figure the change rule knows.
PROPORTION, MEAN = "proportion", "mean"
RANK, DECILE, SCORE = "rank", "decile", "score"
#: Kinds that get no verdict across periods or editions.
NO_VERDICT_KINDS = (RANK, DECILE, SCORE)
KINDS = (PROPORTION, MEAN) + NO_VERDICT_KINDS
#: Verdicts of the change rule.
IMPROVED, WORSENED, NO_CLEAR_CHANGE = "improved", "worsened", "no clear change"
INCREASED, DECREASED = "increased", "decreased"
NO_VERDICT = "no verdict"
VERDICTS = (IMPROVED, WORSENED, NO_CLEAR_CHANGE, INCREASED, DECREASED, NO_VERDICT)


@dataclass(frozen=True)
class Change:
    """A change between two periods and the one rule's verdict on it.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    before, after : float
        The two values (proportions 0-1 for shares; the measure's unit otherwise).
    difference, lower, upper : float
        ``after - before`` and its 95% interval (missing when no verdict is given).
    clear : bool or None
        The interval excludes zero; ``None`` for kinds without a verdict.
    verdict : str
        One of :data:`VERDICTS`.
    estimate : bool
        The counts were shared out from larger areas, so the figures are estimates.
    method : str
        The interval used, in words, for adviser notes.
    """

    kind: str
    before: float
    after: float
    difference: float
    lower: float
    upper: float
    clear: bool | None
    verdict: str
    estimate: bool = False
    method: str = ""


def _finite(name: str, value) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return x


def _check_share(label: str, count, n) -> tuple[float, float]:
    c, b = _finite(f"{label} count", count), _finite(f"{label} base", n)
    if b <= 0 or c < 0 or c > b:
        raise ValueError(f"{label} period: need 0 <= count <= base and base > 0, got {c:g} of {b:g}")
    return c, b


def newcombe_difference(count1, n1, count2, n2, alpha: float = 0.05) -> tuple[float, float, float]:
    """Difference of two proportions ``p2 - p1`` with Newcombe's hybrid score interval.

    Newcombe (1998), "Interval estimation for the difference between independent
    proportions", Statistics in Medicine 17, method 10: each proportion's Wilson score
    limits are combined, which keeps the interval inside [-1, 1] and behaves well with
    small counts and shares near 0 or 100%.

    Parameters
    ----------
    count1, n1, count2, n2 : number
        Count and base of the first and the second period. Counts shared out from larger
        areas may be fractional.
    alpha : float
        1 - confidence level.

    Returns
    -------
    difference, lower, upper : float
        As proportions (0-1 scale).

    Raises
    ------
    ValueError
        A base that is not positive, a count outside ``0..base``, or a missing value.

    Examples
    --------
    >>> d, lo, hi = newcombe_difference(48, 80, 56, 70)   # Newcombe's example (a)
    >>> round(d, 4), round(lo, 4), round(hi, 4)
    (0.2, 0.0524, 0.3339)
    """
    c1, b1 = _check_share("first", count1, n1)
    c2, b2 = _check_share("second", count2, n2)
    (l1, l2), (u1, u2) = wilson_ci([c1, c2], [b1, b2], alpha=alpha)
    p1, p2 = c1 / b1, c2 / b2
    d = p2 - p1
    lower = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    upper = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return float(d), float(lower), float(upper)


def welch_difference(mean1, sd1, n1, mean2, sd2, n2, alpha: float = 0.05) -> tuple[float, float, float]:
    """Difference of two means ``mean2 - mean1`` with Welch's interval.

    The standard error is ``sqrt(sd1²/n1 + sd2²/n2)`` and the degrees of freedom are
    Welch-Satterthwaite's, so the two periods need not have equal spread.

    Parameters
    ----------
    mean1, sd1, n1, mean2, sd2, n2 : number
        Mean, standard deviation and count of each period (counts of at least 2).
    alpha : float
        1 - confidence level.

    Returns
    -------
    difference, lower, upper : float

    Raises
    ------
    ValueError
        A count below 2, a negative standard deviation or a missing value.

    Examples
    --------
    >>> d, lo, hi = welch_difference(10, 2, 4, 12, 2, 4)   # 6 degrees of freedom
    >>> round(d, 4), round(lo, 4), round(hi, 4)
    (2.0, -1.4605, 5.4605)
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}")
    vals = {}
    for label, m, s, n in (("first", mean1, sd1, n1), ("second", mean2, sd2, n2)):
        m, s, n = _finite(f"{label} mean", m), _finite(f"{label} standard deviation", s), _finite(f"{label} count", n)
        if n < 2 or s < 0:
            raise ValueError(f"{label} period: need a count of at least 2 and a standard deviation >= 0, "
                             f"got count {n:g}, sd {s:g}")
        vals[label] = (m, s * s / n, n)
    (m1, v1, k1), (m2, v2, k2) = vals["first"], vals["second"]
    d = m2 - m1
    se = math.sqrt(v1 + v2)
    if se == 0:
        return float(d), float(d), float(d)
    df = (v1 + v2) ** 2 / (v1 ** 2 / (k1 - 1) + v2 ** 2 / (k2 - 1))
    from scipy.stats import t  # scipy is a dependency already (disclosure audit)

    half = float(t.ppf(1 - alpha / 2, df)) * se
    return float(d), float(d - half), float(d + half)


def verdict(lower: float, upper: float, polarity: str = NO_JUDGEMENT) -> str:
    """The one rule's verdict on a change whose 95% interval is ``[lower, upper]``.

    ``improved``/``worsened`` (``increased``/``decreased`` when the polarity makes no
    judgement) when the interval excludes zero, else ``no clear change``.
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, not {polarity!r}")
    lo, hi = _finite("lower limit", lower), _finite("upper limit", upper)
    if lo > hi:
        raise ValueError(f"lower limit {lo:g} is above upper limit {hi:g}")
    if lo <= 0 <= hi:
        return NO_CLEAR_CHANGE
    up = lo > 0
    if polarity == NO_JUDGEMENT:
        return INCREASED if up else DECREASED
    return IMPROVED if up == (polarity == HIGHER_IS_BETTER) else WORSENED


def change_in_shares(count1, n1, count2, n2, polarity: str = NO_JUDGEMENT, *, estimate: bool = False) -> Change:
    """The change in a share worked out from counts, with the one rule's verdict.

    Parameters
    ----------
    count1, n1, count2, n2 : number
        Counts and bases of the earlier and later period.
    polarity : str
        One of :data:`POLARITIES`.
    estimate : bool
        The counts were shared out from larger areas (DWP wards to a place): they are
        treated as counts and the change is marked as an estimate.

    Returns
    -------
    Change
    """
    d, lo, hi = newcombe_difference(count1, n1, count2, n2)
    return Change(PROPORTION, float(count1) / float(n1), float(count2) / float(n2), d, lo, hi,
                  bool(lo > 0 or hi < 0), verdict(lo, hi, polarity), bool(estimate),
                  "Newcombe hybrid score 95% interval for a difference of proportions")


def change_in_means(mean1, sd1, n1, mean2, sd2, n2, polarity: str = NO_JUDGEMENT) -> Change:
    """The change in a mean from each period's mean, standard deviation and count.

    Returns
    -------
    Change
        With Welch's 95% interval and the one rule's verdict.
    """
    d, lo, hi = welch_difference(mean1, sd1, n1, mean2, sd2, n2)
    return Change(MEAN, float(mean1), float(mean2), d, lo, hi, bool(lo > 0 or hi < 0),
                  verdict(lo, hi, polarity), False, "Welch 95% interval for a difference of means")


def change_without_verdict(before, after, kind: str) -> Change:
    """A movement in a rank, decile or score (e.g. across IoD editions): no verdict.

    Raises
    ------
    ValueError
        ``kind`` not one of :data:`NO_VERDICT_KINDS`, or a missing value.
    """
    if kind not in NO_VERDICT_KINDS:
        raise ValueError(f"kind must be one of {NO_VERDICT_KINDS}, not {kind!r}")
    b, a = _finite("earlier value", before), _finite("later value", after)
    nan = float("nan")
    return Change(kind, b, a, a - b, nan, nan, None, NO_VERDICT, False,
                  "no interval: ranks, deciles and scores are not compared across editions")
