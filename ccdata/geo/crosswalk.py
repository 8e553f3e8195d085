"""LSOA 2011 -> LSOA 2021: counts moved through the ONS exact-fit lookup, IoD 2019 re-expressed.

Counts are conserved to the person (largest-remainder rounding keeps whole numbers
whole), scores are population-weighted, ranks and deciles are taken from the 2011
LSOA that contributed most (never averaged), and a :class:`Reconciliation` lists
what could not be placed. Pure functions on DataFrames; nothing here reads a file.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ccdata.errors import DataQualityWarning
from ccdata.geo.geography import is_whole, largest_remainder, weights_series
from ccdata.schemas import check_frame

#: ONS change indicators in the LSOA 2011 -> 2021 exact-fit lookup.
UNCHANGED, SPLIT, MERGED, COMPLEX = "U", "S", "M", "X"
CHANGE_TYPES = (UNCHANGED, SPLIT, MERGED, COMPLEX)
CHANGE_LABELS = {UNCHANGED: "unchanged", SPLIT: "split", MERGED: "merged", COMPLEX: "complex"}
#: How IoD2019 (published on LSOA 2011) is expressed on LSOA 2021. Reports print this.
IOD2019_ON_LSOA21_METHOD = (
    "The Indices of Deprivation 2019 were published for 2011 LSOAs. To show them on 2021 LSOAs "
    "we use the ONS exact-fit lookup between the two. Where a 2021 LSOA is the same as, or part "
    "of, one 2011 LSOA (unchanged or split), it takes that LSOA's scores, ranks and deciles as "
    "they are. Where a 2021 LSOA is made from several 2011 LSOAs (merged, or a complex change), "
    "its scores are the average of theirs weighted by population (mid-2015 population of each "
    "2011 LSOA, shared between its 2021 parts in proportion to Census 2021 population when it "
    "was split). Ranks and deciles cannot be averaged, so such a 2021 LSOA takes the rank and "
    "decile of the 2011 LSOA that contributed most of its population; the \"How derived\" column names "
    "that LSOA. Population counts are moved with the same lookup, sharing a split LSOA's count "
    "in proportion to Census 2021 population (or equally when that is not available), so that "
    "totals are kept to the person."
)


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
    check_frame(lookup, name, ["lsoa11_code", "lsoa21_code"])
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
    check_frame(df11, "df11")
    count_cols = [count_cols] if isinstance(count_cols, str) else list(count_cols)
    if not count_cols:
        raise ValueError("count_cols is empty: name at least one count column")
    check_frame(df11, "df11", ["lsoa11_code", *count_cols])
    pairs = _check_lookup(lookup)
    weights = weights_series(weights21, "weights21", "lsoa21_code")
    data = _checked_counts(df11, count_cols)

    whole = {c: is_whole(data[c].to_numpy()) for c in count_cols}
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

    df21, equal_groups = _move_groups(data, count_cols, used, group_of, kind_of_group, weights, whole)
    by_change, mismatch = _by_change(data, count_cols, pairs, group_of, kind_of_group)
    rec = Reconciliation(
        count_cols=count_cols, total_in=total_in,
        total_out={c: float(df21[c].astype("float64").sum()) for c in count_cols},
        total_unmatched=total_unmatched, by_change=by_change,
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


def _checked_counts(df11: pd.DataFrame, count_cols: list[str]) -> pd.DataFrame:
    """``lsoa11_code`` and the counts of ``df11``: codes present and unique, counts numbers >= 0."""
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
    return data


def _move_groups(data, count_cols, used, group_of, kind_of_group, weights, whole):
    """The counts of each lookup group moved onto its 2021 LSOAs: whole, or shared by weight.

    Returns the 2021 table (``lsoa21_code``, counts, ``change``, ``method``) and the 2021
    LSOAs of groups shared equally because their weights were missing or zero.
    """
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
    return df21, equal_groups


def _by_change(data, count_cols, pairs, group_of, kind_of_group):
    """The LSOA 2011 rows and totals by the lookup's published change flag, and the codes whose
    flag differs from the shape of their group."""
    have = set(data["lsoa11_code"])
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
    return pd.DataFrame(by_rows), mismatch


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
    check_frame(iod11, "iod11", ["lsoa11_code"])
    pairs = _check_lookup(lookup)
    if iod11["lsoa11_code"].duplicated().any():
        dup = iod11.loc[iod11["lsoa11_code"].duplicated(), "lsoa11_code"].tolist()[:10]
        raise ValueError(f"iod11: lsoa11_code repeated ({dup})")
    w11 = weights_series(pop11, "pop11", "lsoa11_code")
    w21 = weights_series(pop21, "pop21", "lsoa21_code")
    scores, positional, pops = _iod_columns(iod11)
    lad = [c for c in ("lad19_code", "lad19_name") if c in iod11.columns]
    data = iod11.copy()
    data["lsoa11_code"] = data["lsoa11_code"].astype(str).astype(object)
    known = data["lsoa11_code"].isin(pairs["lsoa11_code"])
    excluded = data.loc[~known, "lsoa11_code"].tolist()
    data = data[known].set_index("lsoa11_code")
    pairs = _contributions(pairs[pairs["lsoa11_code"].isin(data.index)].copy(), w11, w21)
    n11 = pairs.groupby("lsoa21_code")["lsoa11_code"].transform("size")

    single = pairs[n11 == 1]
    out_single = data.loc[single["lsoa11_code"], lad + scores + positional].reset_index(drop=True)
    out_single.insert(0, "lsoa21_code", single["lsoa21_code"].to_numpy())
    parts_of = pairs.groupby("lsoa11_code")["lsoa21_code"].size()
    splits = single["lsoa11_code"].map(parts_of).to_numpy()
    out_single["method"] = [
        "inherited from LSOA 2011 " + c11 + (" (unchanged)" if k == 1 else f" (split into {k})")
        for c11, k in zip(single["lsoa11_code"], splits)]
    records = _merged_rows(pairs[n11 > 1], data, lad, scores, positional, parts_of,
                           "population-weighted" if w11 is not None else "equally weighted (no population given)")
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


def _contributions(pairs: pd.DataFrame, w11, w21) -> pd.DataFrame:
    """``pairs`` with ``share`` (how much of each 2011 LSOA's population lies in each of its
    2021 parts) and ``contribution`` (the 2011 weight times that share)."""
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
    return pairs


def _merged_rows(multi, data, lad, scores, positional, parts_of, weight_word) -> list[dict]:
    """One row per 2021 LSOA made from several 2011 LSOAs: scores weighted by contribution,
    ranks, deciles and the authority of the largest contributor (never averaged)."""
    records = []
    multi = multi.sort_values(["lsoa21_code", "contribution", "lsoa11_code"], ascending=[True, False, True])
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
        how = "merged" if (part["lsoa11_code"].map(parts_of) == 1).all() else "complex change"
        rec["method"] = (f"{how}: from {len(part)} LSOA 2011 ({', '.join(part['lsoa11_code'])}): scores "
                         f"{weight_word}; ranks and deciles of {lead}, the largest contributor "
                         f"({share:.0%} of population)")
        records.append(rec)
    return records
