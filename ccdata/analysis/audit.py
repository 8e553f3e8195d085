"""Disclosure audit: how closely can an intruder pin down each hidden figure from what a page publishes?

Suppressing small cells table by table is not enough: a hidden figure can often be
worked out from other tables on the same page (a total minus the other waves, a
school recovered through the year-group table). The audit writes down everything a
page publishes as linear constraints on the unpublished true counts,

* an exact count as an equality (``sum of cells == value``),
* a rounded count as an interval (a count published as 25 after rounding to 5 lies
  in 23..27),
* a percentage printed to one decimal as the pair of inequalities it implies
  (``(p - 0.05) * n <= 100 * count <= (p + 0.05) * n``),

and, with integer linear programming (:func:`scipy.optimize.milp`), finds the
smallest and largest value every hidden figure can take. A hidden figure is
protected when that range is at least the suppression threshold wide; otherwise it
is *pinned* and the page must not be published as it is.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass
class Audit:
    """The unknown true counts (``variables``) and what a page says about them.

    Each variable is a whole number >= 0 (optionally with an upper bound). Build
    with :meth:`variable`, then add what is published with :meth:`exact`,
    :meth:`rounded`, :meth:`percent` or :meth:`between`, name the hidden figures with
    :meth:`hidden`, and call :meth:`run`.
    """

    names: list[str] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float, str]] = field(default_factory=list)
    targets: list[tuple[str, dict[int, float], float]] = field(default_factory=list)

    # ------------------------------------------------------------------ building
    def variable(self, name: str, upper: float = math.inf) -> int:
        """Add an unknown count (an unpublished cell); returns its index."""
        if name in self.names:
            raise ValueError(f"variable {name!r} defined twice")
        self.names.append(name)
        self.upper.append(upper)
        return len(self.names) - 1

    def _cells(self, cells) -> dict[int, float]:
        if isinstance(cells, (int, str)):
            cells = [cells]
        if isinstance(cells, dict):
            items = cells.items()
        else:
            items = ((c, 1.0) for c in cells)
        out: dict[int, float] = {}
        for c, coef in items:
            i = self.names.index(c) if isinstance(c, str) else int(c)
            if not 0 <= i < len(self.names):
                raise IndexError(f"no variable {c!r}")
            out[i] = out.get(i, 0.0) + float(coef)
        return out

    def between(self, cells, lower: float, upper: float, label: str = "") -> None:
        """``lower <= sum(coef * cell) <= upper`` (``cells``: names, indices or ``{cell: coef}``)."""
        if lower > upper:
            raise ValueError(f"{label or 'constraint'}: lower {lower} above upper {upper}")
        self.rows.append((self._cells(cells), float(lower), float(upper), label))

    def exact(self, cells, value: float, label: str = "") -> None:
        """A count published exactly."""
        self.between(cells, value, value, label)

    def rounded(self, cells, value: float, base: int, label: str = "") -> None:
        """A count published rounded to the nearest ``base`` (halves up): it lies in ``[value - base/2, value + base/2)``."""
        if base <= 1:
            self.exact(cells, value, label)
            return
        lower = math.ceil(value - base / 2)
        upper = math.ceil(value + base / 2) - 1
        self.between(cells, max(lower, 0), upper, label)

    def percent(self, count_cells, denominator_cells, pct: float, decimals: int = 1, label: str = "") -> None:
        """A percentage ``100 * count / denominator`` published rounded to ``decimals`` places."""
        half = 0.5 * 10 ** -decimals
        count = self._cells(count_cells)
        denom = self._cells(denominator_cells)
        keys = set(count) | set(denom)
        low = {i: 100.0 * count.get(i, 0.0) - (pct - half) * denom.get(i, 0.0) for i in keys}
        high = {i: 100.0 * count.get(i, 0.0) - (pct + half) * denom.get(i, 0.0) for i in keys}
        self.between(low, 0, math.inf, label)
        self.between(high, -math.inf, 0, label)

    def hidden(self, label: str, cells, threshold: float) -> None:
        """A hidden figure (a sum of cells) that must not be pinned closer than ``threshold``."""
        self.targets.append((label, self._cells(cells), float(threshold)))

    # ------------------------------------------------------------------ solving
    def bounds(self, cells) -> tuple[float, float]:
        """Smallest and largest whole-number value of ``sum(cells)`` consistent with every constraint.

        Raises
        ------
        ValueError
            When the constraints contradict each other (nothing is consistent).
        """
        coefs = self._cells(cells)
        c = np.zeros(len(self.names))
        for i, v in coefs.items():
            c[i] = v
        constraints = self._constraints()
        bounds = Bounds(np.zeros(len(self.names)), np.array(self.upper, dtype=float))
        integrality = np.ones(len(self.names))
        out = []
        for sign in (1, -1):
            res = milp(sign * c, constraints=constraints, bounds=bounds, integrality=integrality)
            if res.status == 2:
                raise ValueError("the published figures contradict each other: no table is consistent with them")
            if res.status == 3 or res.x is None:  # unbounded above
                out.append(math.inf if sign == -1 else -math.inf)
                continue
            out.append(round(float(c @ np.round(res.x)), 6))
        return out[0], out[1]

    def _constraints(self):
        if not self.rows:
            return []
        a = np.zeros((len(self.rows), len(self.names)))
        lo = np.empty(len(self.rows))
        hi = np.empty(len(self.rows))
        for r, (cells, lower, upper, _) in enumerate(self.rows):
            for i, v in cells.items():
                a[r, i] = v
            lo[r], hi[r] = lower, upper
        return [LinearConstraint(a, lo, hi)]

    def run(self) -> pd.DataFrame:
        """Bounds on every hidden figure.

        Returns
        -------
        DataFrame
            ``figure, lower, upper, width, threshold, protected`` (one row per
            :meth:`hidden` figure); ``protected`` is ``width >= threshold``.
        """
        records = []
        for label, cells, threshold in self.targets:
            lower, upper = self.bounds(cells)
            width = upper - lower
            records.append({"figure": label, "lower": lower, "upper": upper, "width": width,
                            "threshold": threshold, "protected": bool(width >= threshold)})
        return pd.DataFrame(records, columns=["figure", "lower", "upper", "width", "threshold", "protected"])


def passed(result: pd.DataFrame) -> bool:
    """True when every hidden figure in an :meth:`Audit.run` result is protected."""
    return bool(result["protected"].all()) if len(result) else True


def summary(result: pd.DataFrame) -> str:
    """The audit result in two sentences, for the adviser's notes."""
    if result.empty:
        return "No figure on this page is hidden, so there was nothing for the audit to check."
    pinned = result[~result["protected"]]
    head = (f"The disclosure audit worked out, from every figure published on this page, the smallest and "
            f"largest value each of the {len(result):,} hidden figure(s) could take.")
    if pinned.empty:
        return head + (" None can be narrowed below its threshold (narrowest range: "
                       f"{_fmt(result['width'].min())}).")
    names = "; ".join(f"{r.figure}: {_fmt(r.lower)} to {_fmt(r.upper)}" for r in pinned.itertuples())
    return head + f" {len(pinned):,} could be narrowed too far: {names}."


def note(result: pd.DataFrame, *, rounds: int, ok: bool, withheld: str) -> str:
    """The audit result of a protected set of tables, for the adviser's notes.

    Parameters
    ----------
    result : DataFrame
        From :func:`bounds`.
    rounds : int
        How many times the set was protected and audited (more than one: figures were
        hidden in further tables after a failed check).
    ok : bool
        Whether the last audit passed.
    withheld : str
        What was not published when it failed ("The pupil figures").
    """
    if not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"rounds must be a whole number of at least 1, not {rounds!r}")
    text = summary(result)
    if rounds > 1:
        text += (f" The check failed at first, so further figures were hidden in the other tables and the "
                 f"check was repeated ({rounds - 1} more time{'s' if rounds > 2 else ''}).")
    if not ok:
        text += f" {withheld} were therefore not published."
    return text


def _fmt(value: float) -> str:
    return "no limit" if math.isinf(value) else f"{value:,.0f}"
