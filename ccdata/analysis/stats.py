"""Confidence intervals and comparisons, shared by indicators, surveys and pupil data.

Proportions use the Wilson score interval (statsmodels), which behaves well for
small counts and for proportions near 0 or 1, where the normal approximation gives
impossible limits. Comparisons follow the Public Health England "Fingertips"
convention: an area is *better* or *worse* than a benchmark when the benchmark value
lies outside the area's 95% interval, otherwise *similar*.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep

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
    missing = [c for c in (count, base, "suppressed") if c not in safe.columns]
    if missing:
        raise ValueError(f"published_rates needs the column(s) {missing}; pass a protected table")
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
    """Compare two proportions (e.g. two survey waves): difference, 95% CI and p-value.

    Uses statsmodels' ``test_proportions_2indep`` (Wald test with the
    Newcombe-Wilson interval for the difference ``p2 - p1``).
    """
    for label, c, n in (("first", count1, n1), ("second", count2, n2)):
        if n <= 0 or c < 0 or c > n:
            raise ValueError(f"{label} group: need 0 <= count <= n and n > 0, got {c} of {n}")
    # statsmodels takes about a second to import and only this comparison needs it
    from statsmodels.stats.proportion import confint_proportions_2indep

    p1, p2 = count1 / n1, count2 / n2
    res = test_proportions_2indep(count2, n2, count1, n1, method="wald", compare="diff")
    lo, hi = confint_proportions_2indep(count2, n2, count1, n1, method="newcomb", compare="diff")
    return {"p1": p1, "p2": p2, "difference": p2 - p1, "lower": float(lo), "upper": float(hi),
            "p_value": float(res.pvalue), "significant": bool(res.pvalue < 0.05)}
