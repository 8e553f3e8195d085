"""Statistical disclosure control: the one gate every personal-data table passes.

Survey answers and pupil records are personal data. Before any count, rate or
interval built from them reaches a table, chart, CSV or HTML page it goes through
this module, which

1. **suppresses** small cells (primary suppression): a figure based on fewer than
   ``Rules.min_respondents`` people (the denominator), or counting fewer than
   ``Rules.min_cases`` people (the numerator, and by default its complement:
   "48 of 50" tells you about the other 2), is hidden;
2. **protects the suppressed cells from subtraction** (secondary suppression):
   wherever figures add up to a published total, a lone hidden figure could be
   worked out as "total minus the others", so further (the smallest) figures are
   hidden until every such line holds at least two hidden figures, and, for
   row x column tables, until no hidden cell is determined by the published totals
   at all (checked by linear algebra, not just by counting);
3. **rounds** the remaining counts (to the nearest 5 by default); percentages and
   intervals are hidden wherever their counts are (the survey tables then recompute them
   from the rounded counts, :func:`ccdata.analysis.survey.summarise`);
4. **seals** the result (:func:`mark`): ``attrs["disclosure"]`` holds the plain-language
   :func:`note`, and a seal only this module makes records the figures as protected;
   the presentation layer shows personal data only while :func:`is_protected` holds.

The default rules follow common practice for school and local authority survey
releases (DfE and ONS guidance: suppress counts under 5 and bases under 10,
round to 5). They are configurable per place.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccdata.errors import DisclosureError
from ccdata.schemas import check_frame

#: Shown in place of a hidden figure (the convention of DfE and ONS tables).
SUPPRESSED_MARK = "c"
PRIMARY = "fewer than {n} respondents"
PRIMARY_CASES = "fewer than {n} people counted"
SECONDARY = "hidden so another hidden figure cannot be worked out"
LINKED = "hidden because another table on the page would let a hidden figure be worked out"


@dataclass(frozen=True)
class Rules:
    """Disclosure rules.

    Parameters
    ----------
    min_respondents : int
        Hide any figure whose denominator (respondents, pupils) is below this.
    min_cases : int
        Hide any figure whose numerator is below this.
    check_complement : bool
        Also hide a figure when ``denominator - numerator`` is below ``min_cases``
        (a near-100% figure reveals the few who answered otherwise).
    suppress_zeros : bool
        Treat a zero numerator as small (``0 < min_cases``). A zero says "nobody in this
        group", which is itself a disclosure about the whole group.
    round_to : int
        Round published counts to the nearest multiple of this (1 = no rounding).
    secondary : bool
        Apply secondary suppression (switch off only for diagnostics).
    """

    min_respondents: int = 10
    min_cases: int = 5
    check_complement: bool = True
    suppress_zeros: bool = True
    round_to: int = 5
    secondary: bool = True

    def __post_init__(self):
        for name in ("min_respondents", "min_cases", "round_to"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"Rules.{name} must be a whole number >= 0, not {value!r}")
        if self.round_to < 1:
            raise ValueError("Rules.round_to must be at least 1 (1 means no rounding)")


DEFAULT = Rules()


def note(rules: Rules | None = None) -> str:
    """Plain-language description of the rules applied, for the HTML page.

    Examples
    --------
    >>> note(Rules()).startswith("To protect privacy")
    True
    """
    rules = check_rules(rules)
    parts = [f"To protect privacy, figures based on fewer than {rules.min_respondents} people, "
             f"or counting fewer than {rules.min_cases} people"]
    if rules.check_complement:
        parts.append(f" (or all but fewer than {rules.min_cases})")
    parts.append(f", are not shown (marked \"{SUPPRESSED_MARK}\").")
    if rules.secondary:
        parts.append(" Some further figures are hidden so that a hidden figure cannot be worked "
                     "out by subtracting the others from a total.")
    if rules.round_to > 1:
        parts.append(f" Counts are rounded to the nearest {rules.round_to}, so totals may not add up.")
    return "".join(parts)


def check_rules(rules) -> Rules:
    """The rules to apply: ``rules``, or :data:`DEFAULT` when None (every function taking rules asks here).

    Raises
    ------
    TypeError
        ``rules`` is neither None nor a :class:`Rules`.
    """
    if rules is None:
        return DEFAULT
    if not isinstance(rules, Rules):
        raise TypeError(f"rules must be a ccdata.analysis.disclosure.Rules, not {type(rules).__name__}")
    return rules


def round_counts(values, base: int = 5):
    """Round counts to the nearest ``base`` (halves away from zero); missing stays missing."""
    if base < 1:
        raise ValueError("base must be at least 1")
    s = pd.to_numeric(pd.Series(values), errors="raise").astype("Float64")
    rounded = (np.floor(s / base + 0.5) * base).astype("Int64")
    return rounded


class _Seal:
    """Proof that a table came out of this module, with a copy of what it held then: a table derived
    from a sealed one (pandas copies ``attrs``) passes only while every figure it shows is the sealed
    one at the same row (rows or columns selected, text columns added), never a recomputed number."""

    __slots__ = ("_table",)

    def __init__(self, table: pd.DataFrame):
        snapshot = table.copy(deep=True)
        snapshot.attrs = {}
        self._table = snapshot

    def __repr__(self) -> str:
        return "<passed disclosure control>"

    def __deepcopy__(self, memo):  # pandas deep-copies attrs: the seal stays the same object
        return self

    def __copy__(self):
        return self

    def covers(self, frame: pd.DataFrame) -> bool:
        """True when every figure of ``frame`` is the sealed table's figure at that row."""
        sealed = self._table
        if not (frame.index.is_unique and sealed.columns.is_unique and frame.columns.is_unique) \
                or not frame.index.isin(sealed.index).all():
            return False
        rows = sealed if frame.index.equals(sealed.index) else sealed.loc[frame.index]  # taken once
        for col in frame.columns:
            if col not in sealed.columns:
                if _is_figure(frame[col]):
                    return False
                continue
            if frame[col].dtype == rows[col].dtype and frame[col].equals(rows[col]):
                continue  # the same values, missing where the sealed ones are
            mine = frame[col].astype("object")
            theirs = rows[col].astype("object")
            same = (mine == theirs).fillna(False).to_numpy(dtype=bool) | (mine.isna() & theirs.isna()).to_numpy()
            if not same.all():
                return False
        return True


def _is_figure(column: pd.Series) -> bool:
    """A column that could carry a number (anything but text with no numbers in it, or all missing)."""
    if column.isna().all():
        return False
    if column.dtype != object and not pd.api.types.is_string_dtype(column.dtype):
        return not isinstance(column.dtype, pd.CategoricalDtype)
    return bool(column.map(lambda v: isinstance(v, (int, float, np.number)) and not pd.isna(v)).any())


def mark(frame: pd.DataFrame, rules: Rules | None = None, *, sources=()) -> pd.DataFrame:
    """Seal ``frame`` as it is now: for a table worked out from protected tables only (e.g. a change
    from two published waves). It must carry a seal already, or every table in ``sources`` must be
    protected, or it must be empty; anything else raises :class:`DisclosureError`."""
    check_frame(frame, "frame")
    sources = list(sources)
    derived = isinstance(frame.attrs.get("disclosure_seal"), _Seal) or frame.empty \
        or (sources and all(is_protected(t) for t in sources))
    if not derived:
        raise DisclosureError("this table has not been through disclosure control: only a table worked out "
                              "from protected tables can be sealed")
    return _seal(frame, rules)


def _seal(frame: pd.DataFrame, rules: Rules | None) -> pd.DataFrame:
    frame.attrs.pop("disclosure_seal", None)
    frame.attrs["personal"] = True
    frame.attrs["disclosure"] = note(rules)
    frame.attrs["disclosure_seal"] = _Seal(frame)
    return frame


def is_protected(frame) -> bool:
    """True for a DataFrame sealed by this module whose figures are still the sealed ones."""
    seal = frame.attrs.get("disclosure_seal") if isinstance(frame, pd.DataFrame) else None
    return isinstance(seal, _Seal) and seal.covers(frame)


def require(frame, what: str = "table"):
    """``frame`` itself if :func:`is_protected`, else :class:`DisclosureError` (a table from personal data
    that has not been through disclosure control must never reach a page or a CSV)."""
    if not is_protected(frame):
        raise DisclosureError(f"{what}: this table is built from personal data but has not been through "
                              "disclosure control (ccdata.analysis.disclosure), or was changed after it; "
                              "it is not published")
    return frame


def _small_mask(count: pd.Series, denom: pd.Series | None, rules: Rules) -> tuple[pd.Series, pd.Series]:
    """Primary suppression: (mask, reason) for each row."""
    reason = pd.Series("", index=count.index, dtype="object")
    c = count.astype("Float64")
    small_c = c < rules.min_cases
    if not rules.suppress_zeros:
        small_c &= c > 0
    if denom is not None:
        d = denom.astype("Float64")
        small_d = d < rules.min_respondents
        if rules.check_complement:
            comp = d - c
            small_comp = comp < rules.min_cases
            if not rules.suppress_zeros:
                small_comp &= comp > 0
            small_c = small_c | small_comp
        reason[small_c.fillna(False).to_numpy()] = PRIMARY_CASES.format(n=rules.min_cases)
        reason[small_d.fillna(False).to_numpy()] = PRIMARY.format(n=rules.min_respondents)
        mask = (small_c | small_d).fillna(False)
    else:
        reason[small_c.fillna(False).to_numpy()] = PRIMARY_CASES.format(n=rules.min_cases)
        mask = small_c.fillna(False)
    return mask.astype(bool), reason


def _check_count_column(table: pd.DataFrame, col: str) -> pd.Series:
    if col not in table.columns:
        raise KeyError(f"column {col!r} not in table (columns: {list(table.columns)})")
    values = pd.to_numeric(table[col], errors="coerce")
    bad = values.isna() & table[col].notna()
    if bad.any():
        i = table.index[bad][0]
        raise ValueError(f"column {col!r}, row {i!r}: not a number ({table.at[i, col]!r})")
    neg = values < 0
    frac = values.notna() & (values % 1 != 0)
    if neg.any() or frac.any():
        i = table.index[neg | frac][0]
        raise ValueError(f"column {col!r}, row {i!r}: counts must be whole numbers >= 0, "
                         f"not {table.at[i, col]!r}")
    return values.astype("Float64")


def apply(table: pd.DataFrame, rules: Rules | None = None, *, count: str = "count",
          denominator: str | None = "n", within=None, derived=None, hide=None,
          hide_reason: str = LINKED) -> pd.DataFrame:
    """Disclosure control for a tidy table of counts (one row per cell).

    Parameters
    ----------
    table : DataFrame
        One row per published figure, with a ``count`` column (numerator: people with
        the answer or outcome) and optionally a ``denominator`` column (people asked or
        on roll). Other numeric columns (percentages, interval limits, shares) are
        treated as *derived* from the counts and hidden where the counts are.
    rules : Rules, optional
        Defaults to :data:`DEFAULT` (10 respondents, 5 cases, round to 5).
    count, denominator : str
        Column names. ``denominator=None`` for a table of counts only.
    within : list of str, or list of lists of str, optional
        Key columns of the groups of rows that add up to a total published elsewhere
        (e.g. ``["question_id"]`` for wards of one question, whose sum is the place
        figure). In every such group, a lone hidden row would be recoverable by
        subtraction, so the row with the next smallest denominator is hidden too.
        Several groupings may be given (rows of a two-way breakdown); they are applied
        repeatedly until nothing changes. ``None``: every row is a separate total.
    derived : list of str, optional
        Columns to hide with the counts. Default: every other numeric column.
    hide : array-like of bool, optional
        Rows to hide whatever their size (one per row of ``table``): figures another
        table of the same page makes recoverable (:mod:`ccdata.analysis.linked`).
        Secondary suppression then protects them like any other hidden row.
    hide_reason : str
        The ``suppression`` text of those rows.

    Returns
    -------
    DataFrame
        A copy with hidden figures set to missing, counts rounded to
        ``rules.round_to``, and two added columns: ``suppressed`` (bool) and
        ``suppression`` (the reason, or ""). ``attrs["personal"]`` and
        ``attrs["disclosure"]`` are set.

    Raises
    ------
    TypeError, KeyError, ValueError
        Not a DataFrame, a named column missing, counts that are not whole numbers
        >= 0, or a numerator above its denominator.

    Examples
    --------
    >>> t = pd.DataFrame({"ward": ["A", "B", "C"], "count": [3, 40, 52], "n": [20, 60, 80]})
    >>> apply(t)["count"].tolist()
    [<NA>, 40, 50]
    """
    rules = check_rules(rules)
    check_frame(table, "table")
    out = table.copy()
    c = _check_count_column(out, count)
    d = _check_count_column(out, denominator) if denominator is not None else None
    if d is not None:
        over = (c > d).fillna(False)
        if over.any():
            i = out.index[over.to_numpy()][0]
            raise ValueError(f"row {i!r}: {count!r} ({c[i]:g}) is larger than {denominator!r} ({d[i]:g})")
    groupings = _groupings(within, out)
    count_cols = [count] + ([denominator] if denominator is not None else [])
    if derived is None:
        derived = [col for col in out.columns if col not in count_cols
                   and pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col])]
    else:
        missing = [col for col in derived if col not in out.columns]
        if missing:
            raise KeyError(f"derived columns not in table: {missing}")

    mask, reason = _small_mask(c, d, rules)
    if hide is not None:
        forced = np.asarray(hide, dtype=bool)
        if forced.shape != (len(out),):
            raise ValueError(f"hide must hold one True/False per row ({len(out)}), not {forced.shape}")
        extra = forced & ~mask.to_numpy()
        mask = mask | pd.Series(forced, index=mask.index)
        reason[extra] = hide_reason
    if rules.secondary and groupings:
        size = d if d is not None else c
        changed = True
        while changed:
            changed = False
            for keys in groupings:
                groups = out.groupby(keys, dropna=False, sort=False).indices.values() if keys else [np.arange(len(out))]
                for positions in groups:
                    positions = np.asarray(positions)
                    hidden = mask.to_numpy()[positions]
                    if hidden.sum() != 1 or len(positions) < 2:
                        continue
                    # hide the smallest other figure: it costs the least information
                    shown = positions[~hidden]
                    order = np.argsort(size.to_numpy(dtype=float, na_value=np.inf)[shown], kind="stable")
                    pick = out.index[shown[order[0]]]
                    mask.loc[pick] = True
                    reason.loc[pick] = SECONDARY
                    changed = True

    m = mask.to_numpy()
    for col in count_cols:
        rounded = round_counts(out[col].to_numpy(dtype=float, na_value=np.nan), rules.round_to)
        out[col] = pd.Series(rounded.mask(m).array, index=out.index)
    for col in derived:
        values = pd.to_numeric(out[col], errors="coerce").astype("Float64")
        out[col] = pd.Series(values.mask(pd.Series(m, index=out.index)).array, index=out.index)
    out["suppressed"] = m
    out["suppression"] = reason.to_numpy()
    return _seal(out, rules)


def _groupings(within, table: pd.DataFrame) -> list[list[str]]:
    if within is None:
        return []
    if isinstance(within, str):
        within = [[within]]
    within = list(within)
    if within and all(isinstance(w, str) for w in within):
        within = [within]
    result = []
    for keys in within:
        keys = list(keys)
        missing = [k for k in keys if k not in table.columns]
        if missing:
            raise KeyError(f"within columns not in table: {missing}")
        result.append(keys)
    return result


# --------------------------------------------------------------------------- crosstabs

def protect_crosstab(table: pd.DataFrame, rules: Rules | None = None, *, percent: str | None = None,
                     total_label: str = "Total") -> pd.DataFrame:
    """Disclosure control for a row x column table of counts, with totals.

    Parameters
    ----------
    table : DataFrame
        Counts only (no total row or column): rows are groups (wards, schools), columns
        are categories (answers). Whole numbers >= 0.
    rules : Rules, optional
    percent : {None, "row", "column"}
        ``None`` returns counts; ``"row"`` / ``"column"`` returns percentages of the row /
        column total (computed from unrounded counts) in the body, with the rounded
        totals kept in the total column / row.
    total_label : str
        Label of the added total row and column.

    Returns
    -------
    DataFrame
        The table with a total row and column. Hidden cells are missing; counts are
        rounded. ``attrs["suppressed"]`` is a boolean frame of the same shape;
        ``attrs["personal"]`` and ``attrs["disclosure"]`` are set.

    Notes
    -----
    Primary suppression hides cells below ``rules.min_cases``, totals below
    ``rules.min_respondents``, and every cell of a row or column whose total is hidden.
    Secondary suppression then treats every row and column, with its total, as an
    equation ``cells = total``: while any equation has exactly one hidden entry, the
    smallest shown cell in it (preferring non-zero cells, whose value an intruder
    cannot guess) is hidden too. Counting is not enough in general (hidden cells can be
    pinned down by combining several rows and columns), so the result is audited: a
    hidden cell is recoverable exactly when its unit vector lies in the row space of
    the equations restricted to hidden cells; any such cell gets another complement and
    the process repeats until no hidden cell is recoverable.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame; empty; counts that are not whole numbers >= 0; unknown
        ``percent``; ``total_label`` already used as a row or column label.
    """
    rules = check_rules(rules)
    check_frame(table, "table")
    if table.empty:
        raise ValueError("table is empty")
    if percent not in (None, "row", "column"):
        raise ValueError(f"percent must be None, 'row' or 'column', not {percent!r}")
    if total_label in table.index or total_label in table.columns:
        raise ValueError(f"{total_label!r} is already a row or column label: pass the counts without "
                         "totals (they are added here) or choose another total_label")
    values = np.empty(table.shape, dtype=float)
    for j, col in enumerate(table.columns):
        values[:, j] = _check_count_column(table, col).to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(values).any():
        i, j = np.argwhere(np.isnan(values))[0]
        raise ValueError(f"row {table.index[i]!r}, column {table.columns[j]!r}: missing count "
                         "(use 0 for none)")
    n_rows, n_cols = values.shape
    full = np.zeros((n_rows + 1, n_cols + 1))
    full[:n_rows, :n_cols] = values
    full[:n_rows, n_cols] = values.sum(axis=1)
    full[n_rows, :n_cols] = values.sum(axis=0)
    full[n_rows, n_cols] = values.sum()

    hidden = np.zeros(full.shape, dtype=bool)
    inner = hidden[:n_rows, :n_cols]  # a view
    small = values < rules.min_cases
    if not rules.suppress_zeros:
        small &= values > 0
    inner |= small
    small_row = full[:n_rows, n_cols] < rules.min_respondents
    small_col = full[n_rows, :n_cols] < rules.min_respondents
    hidden[:n_rows, n_cols] |= small_row
    hidden[n_rows, :n_cols] |= small_col
    hidden[n_rows, n_cols] |= full[n_rows, n_cols] < rules.min_respondents
    inner[small_row, :] = True
    inner[:, small_col] = True
    primary = hidden.copy()

    if rules.secondary:
        hidden = _secondary(full, hidden, n_rows, n_cols)

    body = full.copy()
    if percent is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            if percent == "row":
                body[:, :n_cols] = 100 * full[:, :n_cols] / full[:, [n_cols]]
                body[:, n_cols] = _round_array(full[:, n_cols], rules.round_to)
            else:
                body[:n_rows, :] = 100 * full[:n_rows, :] / full[[n_rows], :]
                body[n_rows, :] = _round_array(full[n_rows, :], rules.round_to)
    else:
        body = _round_array(full, rules.round_to)
    body[hidden] = np.nan
    index = list(table.index) + [total_label]
    columns = list(table.columns) + [total_label]
    out = pd.DataFrame(body, index=index, columns=columns)
    if percent is None:
        out = out.astype("Int64")
    out.index.name = table.index.name
    out.columns.name = table.columns.name
    out.attrs["suppressed"] = pd.DataFrame(hidden, index=index, columns=columns)
    out.attrs["primary"] = pd.DataFrame(primary, index=index, columns=columns)
    return _seal(out, rules)


def _round_array(a: np.ndarray, base: int) -> np.ndarray:
    return np.floor(np.asarray(a, dtype=float) / base + 0.5) * base


def _lines(n_rows: int, n_cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Every additive equation of the full table: (cells, total position)."""
    lines = []
    for i in range(n_rows + 1):
        lines.append(([(i, j) for j in range(n_cols)], (i, n_cols)))
    for j in range(n_cols + 1):
        lines.append(([(i, j) for i in range(n_rows)], (n_rows, j)))
    return lines


def _complement(full, hidden, cells, exclude=()) -> tuple[int, int] | None:
    """Smallest shown cell among ``cells``, preferring non-zero ones."""
    candidates = [c for c in cells if not hidden[c] and c not in exclude]
    if not candidates:
        return None
    return min(candidates, key=lambda c: (full[c] == 0, full[c], c))


def _secondary(full: np.ndarray, hidden: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    hidden = hidden.copy()
    lines = _lines(n_rows, n_cols)
    for _ in range(full.size + 1):
        changed = True
        while changed:
            changed = False
            for cells, total in lines:
                members = cells + [total]
                n_hidden = sum(hidden[c] for c in members)
                if n_hidden != 1:
                    continue
                pick = _complement(full, hidden, cells)
                if pick is None:  # a single-cell line: the cell equals the total
                    pick = total if not hidden[total] else None
                if pick is None:
                    continue
                hidden[pick] = True
                changed = True
        exposed = recoverable(hidden, n_rows, n_cols)
        if not exposed:
            return hidden
        # an exposed cell: hide the smallest shown cell sharing a line with it
        target = exposed[0]
        best = None
        for cells, total in lines:
            if target in cells or target == total:
                cand = _complement(full, hidden, cells)
                if cand is not None and (best is None or (full[cand] == 0, full[cand]) < (full[best] == 0, full[best])):
                    best = cand
        if best is None:
            for cells, total in lines:
                if (target in cells or target == total) and not hidden[total]:
                    best = total
                    break
        if best is None:  # everything around it is hidden already; cannot happen for a consistent table
            break
        hidden[best] = True
    return hidden


def recoverable(hidden: np.ndarray, n_rows: int, n_cols: int) -> list[tuple[int, int]]:
    """Hidden cells whose value follows exactly from the shown cells and totals.

    ``hidden`` is the mask of the full table (``n_rows + 1`` x ``n_cols + 1``, totals
    last). Each row and column gives a linear equation; with the shown values moved to
    the right-hand side, a hidden cell is determined exactly when its unit vector lies
    in the row space of the equations' hidden-cell coefficients.
    """
    positions = [tuple(p) for p in np.argwhere(hidden)]
    if not positions:
        return []
    where = {p: k for k, p in enumerate(positions)}
    rows = []
    for cells, total in _lines(n_rows, n_cols):
        coef = np.zeros(len(positions))
        for c in cells:
            if c in where:
                coef[where[c]] += 1
        if total in where:
            coef[where[total]] -= 1
        if coef.any():
            rows.append(coef)
    if not rows:
        return positions
    a = np.vstack(rows)
    rank = np.linalg.matrix_rank(a)
    exposed = []
    for k, p in enumerate(positions):
        e = np.zeros(len(positions))
        e[k] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            exposed.append(p)
    return exposed
