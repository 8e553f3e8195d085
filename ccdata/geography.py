"""Moving figures between geographies: LSOA 2011 -> 2021, LSOA -> ward -> place.

Pure functions on DataFrames; nothing here reads a file.

Three rules run through the module, because breaking any of them silently
changes what a place looks like:

* **Counts are conserved.** A count moved from LSOA 2011 to LSOA 2021 (or summed
  to a ward) adds up to exactly what went in; whole-number counts stay whole
  (largest-remainder rounding), and anything that could not be placed is listed,
  never dropped.
* **Scores are averaged with population weights; ranks and deciles never are.**
  A rank is a position in a national ordering, and the average of two positions
  is not a position of anything.
* **The boundary year is in every name** (``lsoa11_code``, ``lsoa21_code``).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import DataQualityWarning

#: ONS change indicators in the LSOA 2011 -> 2021 exact-fit lookup.
UNCHANGED, SPLIT, MERGED, COMPLEX = "U", "S", "M", "X"
CHANGE_TYPES = (UNCHANGED, SPLIT, MERGED, COMPLEX)
CHANGE_LABELS = {UNCHANGED: "unchanged", SPLIT: "split", MERGED: "merged", COMPLEX: "complex"}

#: Projected CRS used for areas (British National Grid, metres).
BNG = 27700

#: How IoD2019 (published on LSOA 2011) is expressed on LSOA 2021. Reports print this.
IOD2019_ON_LSOA21_METHOD = (
    "The Indices of Deprivation 2019 were published for 2011 LSOAs. To show them on 2021 LSOAs "
    "we use the ONS exact-fit lookup between the two. Where a 2021 LSOA is the same as, or part "
    "of, one 2011 LSOA (unchanged or split), it takes that LSOA's scores, ranks and deciles as "
    "they are. Where a 2021 LSOA is made from several 2011 LSOAs (merged, or a complex change), "
    "its scores are the average of theirs weighted by population (mid-2015 population of each "
    "2011 LSOA, shared between its 2021 parts in proportion to Census 2021 population when it "
    "was split). Ranks and deciles cannot be averaged, so such a 2021 LSOA takes the rank and "
    "decile of the 2011 LSOA that contributed most of its population; the `method` column names "
    "that LSOA. Population counts are moved with the same lookup, sharing a split LSOA's count "
    "in proportion to Census 2021 population (or equally when that is not available), so that "
    "totals are kept to the person."
)

#: IoD technical report (Appendix N) extent weights: population in the most deprived
#: 10% of LSOAs counts fully; the 11th to 30th percentiles get a sliding weight from
#: 0.95 down to 0.05 in 19 equal steps; everything less deprived counts zero.
EXTENT_FULL_PERCENTILE = 10
EXTENT_LAST_PERCENTILE = 30


# --------------------------------------------------------------------------- helpers
def _require_frame(df, name: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, not {type(df).__name__}")
    return df


def _require_columns(df: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} has no column(s) {missing}; it has {list(df.columns)}")


def _as_series(values, name: str, index_name: str) -> pd.Series | None:
    """Weights given as a Series (indexed by code), a mapping, or ``None``."""
    if values is None:
        return None
    if isinstance(values, Mapping) and not isinstance(values, pd.Series):
        values = pd.Series(values, dtype="float64")
    if isinstance(values, pd.DataFrame):
        if index_name in values.columns and values.shape[1] == 2:
            values = values.set_index(index_name).iloc[:, 0]
        else:
            raise TypeError(f"{name}: give a Series indexed by {index_name}, not a DataFrame")
    if not isinstance(values, pd.Series):
        raise TypeError(f"{name} must be a Series indexed by {index_name}, not {type(values).__name__}")
    if values.index.has_duplicates:
        dup = sorted(map(str, values.index[values.index.duplicated()].unique()))[:10]
        raise ValueError(f"{name} repeats {index_name} value(s) {dup}")
    out = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = out.isna() & values.notna()
    if bad.any():
        raise ValueError(f"{name}: not a number for {list(values.index[bad][:10])}")
    if (out < 0).any():
        raise ValueError(f"{name}: negative weight for {list(out.index[out < 0][:10])}")
    return out


def _is_whole(values: np.ndarray) -> bool:
    finite = values[~np.isnan(values)]
    return bool(np.all(finite == np.round(finite)))


def largest_remainder(total: float, weights: np.ndarray, tiebreak: Iterable | None = None) -> np.ndarray:
    """Share a whole-number ``total`` among parts in proportion to ``weights``, exactly.

    Each part gets the floor of its exact share; the units left over go, one each,
    to the parts with the largest remainders (ties to the earlier part in
    ``tiebreak`` order, default position), so the parts always sum to ``total``.

    Parameters
    ----------
    total : int or float
        A whole number, not negative.
    weights : array-like
        Non-negative weights, not all zero.
    tiebreak : iterable, optional
        Sort keys (e.g. codes) deciding who gets a unit when remainders are equal.

    Returns
    -------
    ndarray of float
        Whole numbers summing to ``total``.

    Examples
    --------
    >>> largest_remainder(10, [1, 1, 1]).tolist()
    [4.0, 3.0, 3.0]
    """
    w = np.asarray(weights, dtype="float64")
    if total != round(total) or total < 0:
        raise ValueError(f"largest_remainder needs a whole, non-negative total, not {total!r}")
    if w.size == 0 or np.any(w < 0) or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError(f"weights must be finite, non-negative and not all zero: {w.tolist()}")
    exact = total * w / w.sum()
    base = np.floor(exact + 1e-9)
    left = int(round(total - base.sum()))
    remainder = exact - base
    keys = list(tiebreak) if tiebreak is not None else list(range(w.size))
    order = sorted(range(w.size), key=lambda i: (-round(remainder[i], 9), keys[i]))
    for i in order[:left]:
        base[i] += 1
    return base


def _components(pairs: pd.DataFrame) -> pd.Series:
    """Connected groups of the 2011-2021 lookup graph, as a group id per 2011 code."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression keeps later finds short
            parent[x], x = root, parent[x]
        return root

    for a, b in zip("11:" + pairs["lsoa11_code"], "21:" + pairs["lsoa21_code"]):
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    codes11 = pairs["lsoa11_code"].unique()
    return pd.Series([find("11:" + c) for c in codes11], index=codes11, name="group")


def _check_lookup(lookup: pd.DataFrame, name: str = "lookup") -> pd.DataFrame:
    _require_frame(lookup, name)
    _require_columns(lookup, ["lsoa11_code", "lsoa21_code"], name)
    out = lookup.copy()
    missing = out["lsoa11_code"].isna() | out["lsoa21_code"].isna()
    if missing.any():
        raise ValueError(f"{name}: rows {list(out.index[missing][:10])} have no lsoa11_code or lsoa21_code")
    # plain object strings: hashing them is much faster than Arrow strings for isin/map on 35k codes
    out["lsoa11_code"] = out["lsoa11_code"].astype(str).astype(object)
    out["lsoa21_code"] = out["lsoa21_code"].astype(str).astype(object)
    if "change" in out.columns:
        bad = ~out["change"].isin(CHANGE_TYPES)
        if bad.any():
            raise ValueError(f"{name}: column 'change' must be one of {CHANGE_TYPES}; rows "
                             f"{list(out.index[bad][:10])} have {sorted(map(str, out.loc[bad, 'change'].unique()))}")
    dup = out.duplicated(["lsoa11_code", "lsoa21_code"])
    if dup.any():
        raise ValueError(f"{name}: pairs repeated at rows {list(out.index[dup][:10])} "
                         "(each LSOA 2011 - LSOA 2021 pair must appear once)")
    return out


def _group_kind(pairs: pd.DataFrame) -> pd.Series:
    """Change type of each lookup group (U/S/M/X), worked out from its shape.

    ``pairs`` carries a ``group`` column. One 2011 and one 2021 LSOA: unchanged;
    several 2011 into one 2021: merged; one 2011 into several 2021: split; several
    into several: complex.
    """
    g = pairs.groupby("group")
    n11 = g["lsoa11_code"].nunique()
    n21 = g["lsoa21_code"].nunique()
    kind = pd.Series(UNCHANGED, index=n11.index, dtype=object)
    kind[(n11 > 1) & (n21 == 1)] = MERGED
    kind[(n11 == 1) & (n21 > 1)] = SPLIT
    kind[(n11 > 1) & (n21 > 1)] = COMPLEX
    return kind


# --------------------------------------------------------------------------- crosswalk
@dataclass
class Reconciliation:
    """What happened to every person (or other count) moved from LSOA 2011 to 2021.

    Attributes
    ----------
    count_cols : list of str
        The columns moved.
    total_in, total_out, total_unmatched : dict
        Column -> sum of the input, of the output, and of input rows whose
        ``lsoa11_code`` is not in the lookup (so could not be placed).
        ``total_in == total_out + total_unmatched`` for every column.
    by_change : DataFrame
        One row per change type (U, S, M, X): 2011 LSOAs and their totals.
    weighting : str
        How split LSOAs were shared (``"weights21"`` or ``"equal"``).
    unmatched_lsoa11 : list of str
        2011 codes in the data but not in the lookup.
    missing_lsoa11 : list of str
        2011 codes in the lookup with no row in the data.
    incomplete_lsoa21 : list of str
        2021 codes fed partly by 2011 LSOAs missing from the data (their totals
        are too low).
    equal_share_groups : list of str
        2021 codes shared equally because their weights were missing or zero.
    change_flag_mismatch : list of str
        2011 codes whose published change flag disagrees with the lookup's shape.
    """

    count_cols: list[str]
    total_in: dict[str, float]
    total_out: dict[str, float]
    total_unmatched: dict[str, float]
    by_change: pd.DataFrame
    weighting: str
    unmatched_lsoa11: list[str] = field(default_factory=list)
    missing_lsoa11: list[str] = field(default_factory=list)
    incomplete_lsoa21: list[str] = field(default_factory=list)
    equal_share_groups: list[str] = field(default_factory=list)
    change_flag_mismatch: list[str] = field(default_factory=list)

    @property
    def conserved(self) -> bool:
        """True when every column's input equals output plus unmatched."""
        return all(math.isclose(self.total_in[c], self.total_out[c] + self.total_unmatched[c],
                                rel_tol=1e-9, abs_tol=1e-6) for c in self.count_cols)

    def to_frame(self) -> pd.DataFrame:
        """A tidy table (item, change, column, value, codes) for reports and the cache."""
        rows = []
        for c in self.count_cols:
            rows.append({"item": "total in (LSOA 2011)", "change": "", "column": c,
                         "value": float(self.total_in[c]), "codes": ""})
            rows.append({"item": "total out (LSOA 2021)", "change": "", "column": c,
                         "value": float(self.total_out[c]), "codes": ""})
            rows.append({"item": "not in lookup (not placed)", "change": "", "column": c,
                         "value": float(self.total_unmatched[c]), "codes": "; ".join(self.unmatched_lsoa11)})
        for row in self.by_change.to_dict("records"):
            rows.append({"item": "LSOA 2011 by change type", "change": row["change"], "column": "lsoa11",
                         "value": float(row["lsoa11"]), "codes": ""})
            for c in self.count_cols:
                rows.append({"item": "total by change type", "change": row["change"], "column": c,
                             "value": float(row["total_" + c]), "codes": ""})
        lists = [("lookup codes with no data", self.missing_lsoa11),
                 ("LSOA 2021 fed partly by missing LSOA 2011", self.incomplete_lsoa21),
                 ("LSOA 2021 shared equally (no weight)", self.equal_share_groups),
                 ("change flag disagrees with lookup", self.change_flag_mismatch)]
        for item, codes in lists:
            rows.append({"item": item, "change": "", "column": "lsoa", "value": float(len(codes)),
                         "codes": "; ".join(codes)})
        rows.append({"item": "weighting of split LSOAs", "change": "", "column": "",
                     "value": float("nan"), "codes": self.weighting})
        return pd.DataFrame(rows, columns=["item", "change", "column", "value", "codes"])

    def summary(self) -> str:
        """One plain-language paragraph."""
        parts = []
        for c in self.count_cols:
            parts.append(f"{c}: {self.total_in[c]:,.0f} in, {self.total_out[c]:,.0f} out"
                         + (f", {self.total_unmatched[c]:,.0f} not placed ({len(self.unmatched_lsoa11)} "
                            "codes not in the lookup)" if self.unmatched_lsoa11 else ""))
        return "; ".join(parts) + (" (conserved)" if self.conserved else " (NOT conserved)")


def crosswalk_counts(df11: pd.DataFrame, count_cols, lookup: pd.DataFrame,
                     weights21=None) -> tuple[pd.DataFrame, Reconciliation]:
    """Move counts on LSOA 2011 onto LSOA 2021 with the ONS exact-fit lookup.

    The lookup is read as groups of 2011 and 2021 LSOAs linked by its rows.
    *Unchanged* (one 2011 to one 2021): the count moves as it is. *Merged*
    (several 2011 to one 2021): counts are summed. *Split* (one 2011 to several
    2021): the count is shared among the parts in proportion to ``weights21``
    (e.g. Census 2021 population), or equally without weights. *Complex*
    (many to many): the group's total is shared among its 2021 LSOAs by the same
    rule. Whole-number columns are shared by largest-remainder rounding, so every
    total is kept to the person.

    Parameters
    ----------
    df11 : DataFrame
        ``lsoa11_code`` plus the count columns, one row per 2011 LSOA.
    count_cols : str or list of str
        Columns to move. Counts must be non-negative.
    lookup : DataFrame
        ``lsoa11_code``, ``lsoa21_code`` and optionally ``change`` (U/S/M/X), one
        row per pair (registry ``lookup_lsoa11_lsoa21``).
    weights21 : Series or mapping, optional
        Weight of each 2021 LSOA (index ``lsoa21_code``). A group whose weights
        are missing or all zero is shared equally and listed.

    Returns
    -------
    df21 : DataFrame
        ``lsoa21_code``, the count columns, ``change`` (U/S/M/X from the lookup's
        shape) and ``method`` (plain language). Only 2021 LSOAs fed by at least
        one row of ``df11`` appear.
    reconciliation : Reconciliation
        Totals in and out, per change type, and every code that could not be
        used.

    Raises
    ------
    TypeError, ValueError
        Bad input: a missing column, repeated codes, negative counts, an unknown
        change flag.

    Examples
    --------
    >>> lk = pd.DataFrame({"lsoa11_code": ["A", "A"], "lsoa21_code": ["B1", "B2"]})
    >>> out, rec = crosswalk_counts(pd.DataFrame({"lsoa11_code": ["A"], "n": [5]}), "n", lk)
    >>> out["n"].tolist()
    [3.0, 2.0]
    """
    _require_frame(df11, "df11")
    count_cols = [count_cols] if isinstance(count_cols, str) else list(count_cols)
    if not count_cols:
        raise ValueError("count_cols is empty: name at least one count column")
    _require_columns(df11, ["lsoa11_code", *count_cols], "df11")
    pairs = _check_lookup(lookup)
    weights = _as_series(weights21, "weights21", "lsoa21_code")

    data = df11[["lsoa11_code", *count_cols]].copy()
    if data["lsoa11_code"].isna().any():
        raise ValueError(f"df11: rows {list(data.index[data['lsoa11_code'].isna()][:10])} have no lsoa11_code")
    data["lsoa11_code"] = data["lsoa11_code"].astype(str).astype(object)
    dup = data["lsoa11_code"].duplicated()
    if dup.any():
        raise ValueError(f"df11: lsoa11_code repeated at rows {list(data.index[dup][:10])} "
                         f"({sorted(data.loc[dup, 'lsoa11_code'].unique())[:10]}); aggregate first")
    for c in count_cols:
        values = pd.to_numeric(data[c], errors="coerce")
        bad = values.isna() & data[c].notna()
        if bad.any():
            raise ValueError(f"df11: column {c!r} is not a number at rows {list(data.index[bad][:10])}")
        if (values < 0).any():
            raise ValueError(f"df11: column {c!r} is negative at rows {list(data.index[values < 0][:10])}")
        data[c] = values.astype("float64")
    if data[count_cols].isna().any().any():
        rows = list(data.index[data[count_cols].isna().any(axis=1)][:10])
        raise ValueError(f"df11: missing counts at rows {rows}; a missing count cannot be shared "
                         "(fill or drop those rows and say so)")

    whole = {c: _is_whole(data[c].to_numpy()) for c in count_cols}
    total_in = {c: float(data[c].sum()) for c in count_cols}
    in_lookup = data["lsoa11_code"].isin(pairs["lsoa11_code"])
    unmatched = data[~in_lookup]
    data = data[in_lookup]
    total_unmatched = {c: float(unmatched[c].sum()) for c in count_cols}

    pairs["group"] = pairs["lsoa11_code"].map(_components(pairs))
    kind_of_group = _group_kind(pairs)
    group_of = pairs.drop_duplicates("lsoa11_code").set_index("lsoa11_code")["group"]
    have = set(data["lsoa11_code"])
    missing11 = sorted(set(pairs["lsoa11_code"]) - have)
    used = pairs[pairs["group"].isin(group_of.reindex(list(have)).unique())]
    incomplete = sorted(used.loc[~used["lsoa11_code"].isin(list(have)), "lsoa21_code"].unique())

    values = data.set_index("lsoa11_code")[count_cols]
    group_totals = values.groupby(values.index.map(group_of)).sum()
    targets = used[["group", "lsoa21_code"]].drop_duplicates().sort_values(["group", "lsoa21_code"])
    n_targets = targets.groupby("group").size()
    n_sources = used.groupby("group")["lsoa11_code"].nunique()

    # one 2021 LSOA in the group (unchanged or merged): the group's total moves whole
    one = targets[targets["group"].map(n_targets) == 1].set_index("group")
    out_single = group_totals.loc[one.index].copy()
    out_single.insert(0, "lsoa21_code", one["lsoa21_code"].to_numpy())
    out_single["change"] = kind_of_group.loc[one.index].to_numpy()
    sources_of = one.index.map(n_sources)
    out_single["method"] = np.where(sources_of == 1, "unchanged",
                                    "merged: sum of " + sources_of.astype(str) + " LSOA 2011")

    # several 2021 LSOAs (split or complex): the group's total is shared by weight
    records = []
    equal_groups: list[str] = []
    for g, part in targets[targets["group"].map(n_targets) > 1].groupby("group", sort=True):
        codes21 = part["lsoa21_code"].to_list()
        w = weights.reindex(codes21).to_numpy() if weights is not None else None
        if w is not None and (np.isnan(w).any() or w.sum() <= 0):
            equal_groups.extend(codes21)
            w = None
        how = "shared by 2021 weights" if w is not None else "shared equally"
        if w is None:
            w = np.ones(len(codes21))
        shares = {}
        for c in count_cols:
            total = float(group_totals.at[g, c])
            shares[c] = largest_remainder(round(total), w, codes21) if whole[c] else total * w / w.sum()
        label = CHANGE_LABELS[kind_of_group[g]]
        origin = f" from {n_sources[g]} LSOA 2011" if n_sources[g] > 1 else ""
        for i, code in enumerate(codes21):
            records.append({"lsoa21_code": code, **{c: shares[c][i] for c in count_cols},
                            "change": kind_of_group[g],
                            "method": f"{label}: {how} among {len(codes21)} LSOA 2021{origin}"})
    parts = [out_single.reset_index(drop=True)] + ([pd.DataFrame(records)] if records else [])
    df21 = pd.concat(parts, ignore_index=True)[["lsoa21_code", *count_cols, "change", "method"]]
    for c in count_cols:
        df21[c] = df21[c].astype("float64")
        if whole[c]:
            df21[c] = df21[c].round().astype("Int64")
    df21 = df21.sort_values("lsoa21_code").reset_index(drop=True)

    # the published flag is what advisers see; the shape is what the arithmetic used
    shape11 = group_of.map(kind_of_group)
    if "change" in pairs.columns:
        grouped = pairs.groupby("lsoa11_code")["change"]
        flag11 = grouped.first().where(~(pairs["change"] == COMPLEX).groupby(pairs["lsoa11_code"]).any(),
                                       COMPLEX)
        differs = flag11.reindex(shape11.index) != shape11
        mismatch = sorted(set(shape11.index[differs]) & have)
    else:
        flag11, mismatch = shape11, []
    vals = data.set_index("lsoa11_code")
    change = vals.index.map(flag11)
    by_rows = []
    for ch in CHANGE_TYPES:
        mask = np.asarray(change == ch)
        row = {"change": ch, "lsoa11": int(mask.sum())}
        row.update({"total_" + c: float(vals.loc[mask, c].sum()) for c in count_cols})
        by_rows.append(row)
    rec = Reconciliation(
        count_cols=count_cols, total_in=total_in,
        total_out={c: float(df21[c].astype("float64").sum()) for c in count_cols},
        total_unmatched=total_unmatched, by_change=pd.DataFrame(by_rows),
        weighting="weights21" if weights is not None else "equal",
        unmatched_lsoa11=sorted(unmatched["lsoa11_code"]), missing_lsoa11=missing11,
        incomplete_lsoa21=incomplete, equal_share_groups=sorted(equal_groups),
        change_flag_mismatch=mismatch)
    if len(unmatched):
        warnings.warn(f"crosswalk_counts: {len(unmatched)} LSOA 2011 code(s) not in the lookup were not "
                      f"placed (first {rec.unmatched_lsoa11[:5]}); their totals {total_unmatched} are in "
                      "the reconciliation", DataQualityWarning, stacklevel=2)
    df21.attrs["reconciliation"] = rec.summary()
    return df21, rec


# --------------------------------------------------------------------------- IoD2019 on LSOA 2021
def _iod_columns(iod11: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    scores = [c for c in iod11.columns if c.endswith("_score")]
    positional = [c for c in iod11.columns if c.endswith(("_rank", "_decile"))]
    pops = [c for c in iod11.columns if c.startswith("pop_")]
    return scores, positional, pops


def iod2019_on_lsoa21(iod11: pd.DataFrame, lookup: pd.DataFrame, pop11=None, pop21=None) -> pd.DataFrame:
    """Express IoD2019 (LSOA 2011) on LSOA 2021; the method is ``IOD2019_ON_LSOA21_METHOD``.

    Parameters
    ----------
    iod11 : DataFrame
        ``lsoa11_code`` and any of ``*_score``, ``*_rank``, ``*_decile``, ``pop_*``,
        ``lad19_code``, ``lad19_name`` (registry ``iod2019_file*``).
    lookup : DataFrame
        ``lsoa11_code``, ``lsoa21_code`` (optionally ``lsoa21_name``, ``change``).
    pop11 : Series, optional
        Population of each 2011 LSOA (index ``lsoa11_code``), the weight for
        scores. Without it 2011 LSOAs weigh equally (stated in ``method``).
    pop21 : Series, optional
        Population of each 2021 LSOA (index ``lsoa21_code``), used to share a
        split 2011 LSOA's population among its parts.

    Returns
    -------
    DataFrame
        ``lsoa21_code``, ``lsoa21_name`` (when the lookup has it), ``lad19_code``,
        ``lad19_name`` (when given), the IoD columns in input order, ``method``.
        One row per 2021 LSOA fed by at least one 2011 LSOA of ``iod11``; 2011
        codes not in the lookup are listed in ``attrs['exclusions']`` with a
        :class:`DataQualityWarning`.

    Raises
    ------
    TypeError, ValueError
        Missing ``lsoa11_code``, repeated codes, a lookup without its columns.
    """
    _require_frame(iod11, "iod11")
    _require_columns(iod11, ["lsoa11_code"], "iod11")
    pairs = _check_lookup(lookup)
    if iod11["lsoa11_code"].duplicated().any():
        dup = iod11.loc[iod11["lsoa11_code"].duplicated(), "lsoa11_code"].tolist()[:10]
        raise ValueError(f"iod11: lsoa11_code repeated ({dup})")
    w11 = _as_series(pop11, "pop11", "lsoa11_code")
    w21 = _as_series(pop21, "pop21", "lsoa21_code")
    scores, positional, pops = _iod_columns(iod11)
    lad = [c for c in ("lad19_code", "lad19_name") if c in iod11.columns]
    data = iod11.copy()
    data["lsoa11_code"] = data["lsoa11_code"].astype(str).astype(object)
    known = data["lsoa11_code"].isin(pairs["lsoa11_code"])
    excluded = data.loc[~known, "lsoa11_code"].tolist()
    data = data[known].set_index("lsoa11_code")
    pairs = pairs[pairs["lsoa11_code"].isin(data.index)].copy()

    # how much of each 2011 LSOA's population lies in each of its 2021 parts
    if w21 is not None:
        pw = pairs["lsoa21_code"].map(w21)
        ok = pw.notna().groupby(pairs["lsoa11_code"]).transform("all") & \
            pw.fillna(0).groupby(pairs["lsoa11_code"]).transform("sum").gt(0)
        pairs["share"] = np.where(ok, pw.fillna(0) / pw.fillna(0).groupby(pairs["lsoa11_code"]).transform("sum"),
                                  1.0 / pairs.groupby("lsoa11_code")["lsoa21_code"].transform("size"))
    else:
        pairs["share"] = 1.0 / pairs.groupby("lsoa11_code")["lsoa21_code"].transform("size")
    if w11 is not None:
        base = pairs["lsoa11_code"].map(w11)
        if base.isna().any():
            miss = sorted(pairs.loc[base.isna(), "lsoa11_code"].unique())[:10]
            raise ValueError(f"pop11 has no population for LSOA 2011 {miss}")
    else:
        base = pd.Series(1.0, index=pairs.index)
    pairs["contribution"] = base * pairs["share"]
    n11 = pairs.groupby("lsoa21_code")["lsoa11_code"].transform("size")

    single = pairs[n11 == 1]
    out_single = data.loc[single["lsoa11_code"], lad + scores + positional].reset_index(drop=True)
    out_single.insert(0, "lsoa21_code", single["lsoa21_code"].to_numpy())
    parts_of = pairs.groupby("lsoa11_code")["lsoa21_code"].size()
    splits = single["lsoa11_code"].map(parts_of).to_numpy()
    out_single["method"] = [
        "inherited from LSOA 2011 " + c11 + (" (unchanged)" if k == 1 else f" (split into {k})")
        for c11, k in zip(single["lsoa11_code"], splits)]

    records = []
    multi = pairs[n11 > 1].sort_values(["lsoa21_code", "contribution", "lsoa11_code"],
                                        ascending=[True, False, True])
    for code21, part in multi.groupby("lsoa21_code", sort=True):
        rows = data.loc[part["lsoa11_code"]]
        w = part["contribution"].to_numpy(dtype="float64")
        rec = {"lsoa21_code": code21}
        lead = part["lsoa11_code"].iloc[0]  # sorted: largest contribution, then lowest code
        for c in lad:
            rec[c] = data.at[lead, c]
        for c in scores:
            v = pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype="float64")
            ok = ~np.isnan(v)
            rec[c] = float(np.dot(v[ok], w[ok]) / w[ok].sum()) if ok.any() and w[ok].sum() > 0 else np.nan
        for c in positional:
            rec[c] = data.at[lead, c]
        share = w[0] / w.sum() if w.sum() > 0 else float("nan")
        weight_word = "population-weighted" if w11 is not None else "equally weighted (no population given)"
        how = "merged" if (part["lsoa11_code"].map(parts_of) == 1).all() else "complex change"
        rec["method"] = (f"{how}: from {len(part)} LSOA 2011 ({', '.join(part['lsoa11_code'])}): scores "
                         f"{weight_word}; ranks and deciles of {lead}, the largest contributor "
                         f"({share:.0%} of population)")
        records.append(rec)
    out = pd.concat([out_single, pd.DataFrame(records)], ignore_index=True) if records else out_single

    if pops:
        moved, _ = crosswalk_counts(data.reset_index()[["lsoa11_code", *pops]], pops,
                                    pairs[["lsoa11_code", "lsoa21_code"]], w21)
        out = out.merge(moved[["lsoa21_code", *pops]], on="lsoa21_code", how="left", validate="one_to_one")
    if "lsoa21_name" in lookup.columns:
        names = lookup.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["lsoa21_name"]
        out.insert(1, "lsoa21_name", out["lsoa21_code"].map(names))
    iod_cols = [c for c in iod11.columns if c in set(scores + positional + pops)]
    front = ["lsoa21_code"] + (["lsoa21_name"] if "lsoa21_name" in out.columns else []) + lad
    out = out[front + iod_cols + ["method"]].sort_values("lsoa21_code").reset_index(drop=True)
    for c in positional:
        if pd.api.types.is_integer_dtype(iod11[c].dtype):
            out[c] = out[c].astype(iod11[c].dtype)
    out.attrs["method"] = IOD2019_ON_LSOA21_METHOD
    out.attrs["exclusions"] = [{"file": "iod11", "row": None, "column": "lsoa11_code",
                                "message": "LSOA 2011 code not in the LSOA 2011 -> 2021 lookup; not placed",
                                "value": code} for code in excluded]
    if excluded:
        warnings.warn(f"iod2019_on_lsoa21: {len(excluded)} LSOA 2011 code(s) not in the lookup were not "
                      f"placed (first {excluded[:5]}); listed in attrs['exclusions']",
                      DataQualityWarning, stacklevel=2)
    return out


# --------------------------------------------------------------------------- aggregation
def _is_positional(col: str) -> bool:
    low = col.lower()
    return low.endswith(("_rank", "_decile", "rank", "decile")) or "rank" in low.split("_") \
        or "decile" in low.split("_")


def aggregate(df: pd.DataFrame, by, counts=(), rates: Mapping | None = None,
              scores: Mapping | None = None) -> pd.DataFrame:
    """Aggregate small-area rows to larger areas (LSOA -> ward -> place).

    Parameters
    ----------
    df : DataFrame
        One row per small area.
    by : str or list of str
        Grouping column(s), e.g. ``"ward24_code"``. Rows with a missing key form
        their own group (so totals are kept) and a :class:`DataQualityWarning`
        names them.
    counts : iterable of str
        Columns summed. A group with a missing value gets a missing total
        (never a partial sum that looks complete) and is named in a warning.
    rates : dict, optional
        ``{name: (numerator_col, denominator_col)}``: the rate is recomputed from
        the summed counts, as a percentage (0-100). A zero denominator gives NaN.
    scores : dict, optional
        ``{name: (score_col, weight_col)}``: population-weighted mean score.

    Returns
    -------
    DataFrame
        ``by`` columns, then counts, rates and scores, one row per group.

    Raises
    ------
    ValueError
        Unknown columns, or a rank or decile asked for as a count, rate or score:
        ranks and deciles are positions in a national ordering and cannot be
        summed or averaged (aggregate scores, or use :func:`imd_extent` /
        :func:`share_most_deprived`).

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a"], "kids": [1, 3], "pop": [10, 10]})
    >>> aggregate(df, "ward", counts=["kids"], rates={"pct": ("kids", "pop")})["pct"].tolist()
    [20.0]
    """
    _require_frame(df, "df")
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise ValueError("by is empty: name the column(s) to group by")
    counts = [counts] if isinstance(counts, str) else list(counts)
    rates = dict(rates or {})
    scores = dict(scores or {})
    for kind, spec in (("rates", rates), ("scores", scores)):
        for name, pair in spec.items():
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                raise ValueError(f"{kind}[{name!r}] must be a pair of column names, not {pair!r}")
    asked = counts + [c for p in rates.values() for c in p] + [scores[n][0] for n in scores]
    positional = [c for c in asked if _is_positional(c)]
    if positional:
        raise ValueError(f"cannot aggregate rank/decile column(s) {positional}: ranks and deciles are "
                         "positions in a national ordering and are never summed or averaged; "
                         "aggregate the scores (population-weighted) or use imd_extent / share_most_deprived")
    needed = by + counts + [c for p in rates.values() for c in p] + [c for p in scores.values() for c in p]
    _require_columns(df, list(dict.fromkeys(needed)), "df")
    clash = set(rates) | set(scores)
    clash = sorted(clash & (set(by) | set(counts)))
    if clash:
        raise ValueError(f"output name(s) {clash} clash with grouping or count columns")

    numeric_cols = list(dict.fromkeys(c for c in needed if c not in by))
    work = df[by].copy()
    for c in numeric_cols:
        values = pd.to_numeric(df[c], errors="coerce")
        bad = values.isna() & df[c].notna()
        if bad.any():
            raise ValueError(f"df: column {c!r} is not a number at rows {list(df.index[bad][:10])}")
        work[c] = values.astype("float64")
    nokey = df[by].isna().any(axis=1)
    if nokey.any():
        warnings.warn(f"aggregate: {int(nokey.sum())} row(s) have no {', '.join(by)} (rows "
                      f"{list(df.index[nokey][:10])}); kept as a group with a missing key",
                      DataQualityWarning, stacklevel=2)
    gaps = work[numeric_cols].isna()
    if gaps.any().any():
        where = [(idx, c) for c in numeric_cols for idx in work.index[gaps[c]]][:10]
        warnings.warn(f"aggregate: missing values at (row, column) {where}; groups containing them get a "
                      "missing result", DataQualityWarning, stacklevel=2)
    for name, (s, w) in scores.items():
        if (work[w] < 0).any():
            raise ValueError(f"df: weight column {w!r} is negative at rows {list(work.index[work[w] < 0][:10])}")
        work[f"__sw_{name}"] = work[s] * work[w]
    sums_cols = list(dict.fromkeys(numeric_cols + [f"__sw_{n}" for n in scores]))
    grouped = work.groupby(by, dropna=False, sort=True)[sums_cols]
    # skipna=False: one missing value makes the group's total missing, never quietly smaller
    totals = grouped.sum(min_count=1).where(~grouped.apply(lambda g: g.isna().any()), np.nan) \
        if gaps.any().any() else grouped.sum()
    out = totals[[]].copy()
    for c in counts:
        out[c] = totals[c]
    for name, (num, den) in rates.items():
        d = totals[den]
        out[name] = (100.0 * totals[num] / d).where(d > 0)
    for name, (s, w) in scores.items():
        d = totals[w]
        out[name] = (totals[f"__sw_{name}"] / d).where(d > 0)
    out = out.reset_index()
    for c in counts:
        if pd.api.types.is_integer_dtype(df[c].dtype) and out[c].notna().all():
            out[c] = out[c].round().astype(df[c].dtype)
    return out


# --------------------------------------------------------------------------- deprivation summaries
def _extent_weight(percentile: np.ndarray) -> np.ndarray:
    p = np.asarray(percentile, dtype="float64")
    step = (0.95 - 0.05) / (EXTENT_LAST_PERCENTILE - EXTENT_FULL_PERCENTILE - 1)
    sliding = 0.95 - step * (p - (EXTENT_FULL_PERCENTILE + 1))
    return np.where(p <= EXTENT_FULL_PERCENTILE, 1.0,
                    np.where(p <= EXTENT_LAST_PERCENTILE, sliding, 0.0))


def imd_extent(rank, population, n_national: int) -> float:
    """The IMD "extent" of an area: the share of its people in the most deprived LSOAs.

    Defined in the English Indices of Deprivation technical report (Appendix N,
    summary measures for larger areas). Each LSOA's national percentile is
    ``ceil(100 * rank / n_national)`` (1 = most deprived). People in the most
    deprived 10% count fully; those in the 11th to 30th percentiles get a
    sliding weight from 0.95 (11th) down by 0.9/19 per percentile to 0.05
    (30th); everyone else counts zero. The extent is the weighted population
    divided by the whole population of the area.

    Parameters
    ----------
    rank : array-like of int
        National ranks of the area's LSOAs (1 = most deprived).
    population : array-like
        Population of each LSOA (same order).
    n_national : int
        Number of LSOAs ranked nationally (32,844 for IoD2019; 33,755 for IoD2025).

    Returns
    -------
    float
        A proportion, 0-1.

    Raises
    ------
    ValueError
        Ranks outside 1..n_national, negative or zero total population, lengths
        that differ, or missing values.

    Examples
    --------
    >>> imd_extent([1, 32844], [100, 100], 32844)
    0.5
    """
    if isinstance(n_national, bool) or not isinstance(n_national, (int, np.integer)) or n_national < 1:
        raise ValueError(f"n_national must be a positive whole number of LSOAs, not {n_national!r}")
    r = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(rank)), errors="coerce"), dtype="float64")
    p = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(population)), errors="coerce"), dtype="float64")
    if r.shape != p.shape:
        raise ValueError(f"rank and population differ in length ({r.size} vs {p.size})")
    if r.size == 0:
        raise ValueError("no LSOAs given")
    if np.isnan(r).any() or np.isnan(p).any():
        raise ValueError("rank or population has missing or non-numeric values at positions "
                         f"{np.flatnonzero(np.isnan(r) | np.isnan(p))[:10].tolist()}")
    if np.any(r < 1) or np.any(r > n_national) or np.any(r != np.round(r)):
        raise ValueError(f"ranks must be whole numbers from 1 to {n_national}; got "
                         f"{r[(r < 1) | (r > n_national) | (r != np.round(r))][:10].tolist()}")
    if np.any(p < 0) or p.sum() <= 0:
        raise ValueError("population must be non-negative with a positive total")
    percentile = np.ceil(100.0 * r / n_national)
    return float(np.dot(_extent_weight(percentile), p) / p.sum())


def share_most_deprived(decile, n: int = 1) -> float:
    """Share of LSOAs in the ``n`` most deprived national deciles (decile <= n).

    Parameters
    ----------
    decile : array-like of int
        IMD deciles (1 = most deprived 10% nationally).
    n : int
        1 for the most deprived 10%, 2 for 20%, ... up to 10.

    Returns
    -------
    float
        A proportion, 0-1, of LSOAs (not people: use :func:`imd_extent` for people).

    Raises
    ------
    ValueError
        Deciles outside 1-10, missing values, ``n`` outside 1-10.

    Examples
    --------
    >>> share_most_deprived([1, 1, 2, 9])
    0.5
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 10:
        raise ValueError(f"n must be a whole number of deciles from 1 to 10, not {n!r}")
    d = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(decile)), errors="coerce"), dtype="float64")
    if d.size == 0:
        raise ValueError("no deciles given")
    bad = np.isnan(d) | (d < 1) | (d > 10) | (d != np.round(d))
    if bad.any():
        raise ValueError(f"deciles must be whole numbers 1-10; bad values at positions "
                         f"{np.flatnonzero(bad)[:10].tolist()}")
    return float(np.mean(d <= n))


# --------------------------------------------------------------------------- best fit
def best_fit_lsoas(lsoas_gdf, areas_gdf, area_col: str) -> pd.DataFrame:
    """Assign each LSOA 2021 to the area holding the largest share of its area.

    Areas are measured in British National Grid (EPSG:27700, square metres);
    both inputs are reprojected. When two areas hold the same share (to one part
    in a billion) the lower ``area_col`` code wins, so the answer never depends
    on row order.

    Parameters
    ----------
    lsoas_gdf : GeoDataFrame
        ``lsoa21_code`` and polygons, with a CRS.
    areas_gdf : GeoDataFrame
        ``area_col`` and polygons, with a CRS.
    area_col : str
        The code column of ``areas_gdf`` (e.g. ``"ward23_code"``).

    Returns
    -------
    DataFrame
        ``lsoa21_code``, ``area_code``, ``overlap_share`` (0-1, share of the LSOA's
        area in that area), ``method``. Every input LSOA appears once; one that
        overlaps no area has a missing ``area_code``, share 0 and method
        ``"no overlap"``.

    Raises
    ------
    TypeError, ValueError
        Not GeoDataFrames, missing columns, no CRS, repeated codes, empty or
        invalid geometry that cannot be repaired.
    """
    import geopandas as gpd
    import shapely

    for obj, name in ((lsoas_gdf, "lsoas_gdf"), (areas_gdf, "areas_gdf")):
        if not isinstance(obj, gpd.GeoDataFrame):
            raise TypeError(f"{name} must be a GeoDataFrame, not {type(obj).__name__}")
        if obj.crs is None:
            raise ValueError(f"{name} has no CRS; set it (e.g. .set_crs(27700)) before matching areas")
    _require_columns(lsoas_gdf, ["lsoa21_code"], "lsoas_gdf")
    _require_columns(areas_gdf, [area_col], "areas_gdf")
    for obj, col, name in ((lsoas_gdf, "lsoa21_code", "lsoas_gdf"), (areas_gdf, area_col, "areas_gdf")):
        if obj[col].isna().any():
            raise ValueError(f"{name}: rows {list(obj.index[obj[col].isna()][:10])} have no {col}")
        if obj[col].duplicated().any():
            raise ValueError(f"{name}: {col} repeated ({sorted(obj.loc[obj[col].duplicated(), col])[:10]}); "
                             "dissolve to one polygon per code first")
    lsoa_geom = shapely.make_valid(np.asarray(lsoas_gdf.to_crs(BNG).geometry.values, dtype=object))
    area_geom = shapely.make_valid(np.asarray(areas_gdf.to_crs(BNG).geometry.values, dtype=object))
    lsoa_codes = lsoas_gdf["lsoa21_code"].astype(str).to_numpy()
    area_codes = areas_gdf[area_col].astype(str).to_numpy()
    lsoa_area = shapely.area(lsoa_geom)
    empty = np.flatnonzero(~(lsoa_area > 0))
    if empty.size:
        raise ValueError(f"lsoas_gdf: empty or zero-area geometry for {lsoa_codes[empty][:10].tolist()}")

    tree = shapely.STRtree(area_geom)
    li, ai = tree.query(lsoa_geom, predicate="intersects")
    overlap = shapely.area(shapely.intersection(lsoa_geom[li], area_geom[ai])) if li.size else np.array([])
    cand = pd.DataFrame({"i": li, "area_code": area_codes[ai] if li.size else [],
                         "share": overlap / lsoa_area[li] if li.size else []})
    cand = cand[cand["share"] > 0]
    cand["key"] = cand["share"].round(9)
    best = cand.sort_values(["i", "key", "area_code"], ascending=[True, False, True]).drop_duplicates("i")
    out = pd.DataFrame({"lsoa21_code": lsoa_codes})
    out["area_code"] = pd.Series(best.set_index("i")["area_code"]).reindex(range(len(out))).to_numpy()
    out["overlap_share"] = pd.Series(best.set_index("i")["share"]).reindex(range(len(out))).fillna(0.0).to_numpy()
    n_cands = cand.groupby("i").size().reindex(range(len(out))).fillna(0).astype(int).to_numpy()
    tied = cand.assign(top=cand.groupby("i")["key"].transform("max")).query("key == top").groupby("i").size()
    tied = tied.reindex(range(len(out))).fillna(0).astype(int).to_numpy()
    out["method"] = np.where(
        out["area_code"].isna(), "no overlap",
        np.where(tied > 1, "largest share of area (EPSG:27700); tie broken by lowest code",
                 np.where(n_cands > 1, "largest share of area (EPSG:27700)", "wholly or only in one area")))
    return out
