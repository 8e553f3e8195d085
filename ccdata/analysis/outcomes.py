"""The partnership's outcomes, protected as one linked set across areas and periods, and their targets.

The outcomes file (:mod:`ccdata.io.local.outcomes`) holds figures from pupil records
for the place, its wards or schools, the local authority and England. The place's own
rows are personal-data aggregates: wards add up to the place, schools add up to the
place, and periods add up to pooled totals a later report may publish. For each
outcome, every period's place figure, ward figures and school figures are therefore
protected together by :func:`ccdata.analysis.linked.protect_breakdowns` and audited:
whatever the page shows, no hidden figure (including one the supplier withheld) can be
worked out from the others. The unknown cells are the period x ward x school counts;
any ward and school margins with the same total admit such a table, so building one
consistent with the file (:func:`_records`) gives the audit exactly what an intruder
knows. Authority and England figures are published statistics and are shown as given.

A mean (Attainment 8) is shown only when its count reaches the threshold; when one
ward's or school's mean is hidden in a period, the next smallest is hidden too, so the
place mean and the others cannot give it back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccdata.analysis import audit, disclosure, linked
from ccdata.errors import Problem, ValidationError
from ccdata.io.local import outcomes as reader
from ccdata.schemas import check_frame

#: Areas whose rows come from pupil records of the place (protected); the others are published.
LOCAL_AREAS = (reader.PLACE, reader.WARD, reader.SCHOOL)
NOT_KNOWN = "not known"
SUPPLIER = "not published by the organisation that supplied the figures"
MEAN_HIDDEN = "fewer than {n} pupils"
MEAN_SECONDARY = "hidden so another hidden figure cannot be worked out"
COLUMNS = ["outcome", "title", "stage", "measure", "polarity", "period", "period_end", "area_type", "area",
           "numerator", "denominator", "value", "lower", "upper", "count", "suppressed", "suppression"]


@dataclass
class OutcomeFigures:
    """The outcomes of a place as they may be published, and the audit behind them.

    ``local``: protected rows of the place, its wards and schools (sealed); ``published``:
    the authority and England rows as supplied; ``audit``: every hidden figure's range;
    ``ok``: False when an outcome could not be protected (its rows are then withheld).
    """

    local: pd.DataFrame
    published: pd.DataFrame
    audit: pd.DataFrame
    rounds: int
    ok: bool
    withheld: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        """The audit's result in plain words (for the adviser's notes)."""
        return audit.note(self.audit, rounds=max(self.rounds, 1), ok=self.ok, withheld="Some outcome figures")


def _northwest(rows: list[int], cols: list[int]) -> np.ndarray:
    """A table of whole numbers >= 0 with the given row and column totals (equal sums)."""
    grid = np.zeros((len(rows), len(cols)), dtype=int)
    r, c = list(rows), list(cols)
    i = j = 0
    while i < len(r) and j < len(c):
        take = min(r[i], c[j])
        grid[i, j] = take
        r[i] -= take
        c[j] -= take
        if r[i] == 0:
            i += 1
        else:
            j += 1
    return grid


def _margin(rows: pd.DataFrame, col: str, total: int, file: str, what: str) -> dict[str, int]:
    """``{area: value}`` of a margin. The rest of the total is shared among the areas the
    supplier suppressed (any split is consistent with the file: the audit reads only what is
    published), or kept under :data:`NOT_KNOWN` when no area is suppressed."""
    shown = rows[~rows["suppressed"]]
    out = {str(a): int(v) for a, v in zip(shown["area"], shown[col])}
    rest = total - sum(out.values())
    if rest < 0:
        lines = ", ".join(str(x) for x in shown["row"])
        raise ValidationError(file, [Problem(file, int(shown["row"].iloc[0]), col,
                                             f"the {what} add up to more than the place ({sum(out.values())} "
                                             f"against {total}; rows {lines})")])
    hidden = [str(a) for a in rows.loc[rows["suppressed"], "area"]]
    if hidden:
        share, extra = divmod(rest, len(hidden))
        out.update({a: share + (i < extra) for i, a in enumerate(hidden)})
    elif rest:
        out[NOT_KNOWN] = rest
    return out


def _records(rows: pd.DataFrame, file: str) -> tuple[pd.DataFrame, dict, list[str]]:
    """One row per pupil (period, ward, school, outcome) consistent with every margin of the file.

    Returns the records, the groups to hide whatever their size (supplier-suppressed
    figures and the rest of a margin), the breakdown columns, and every cell that can exist.
    """
    dims = ["period"] + [d for d, t in (("ward", reader.WARD), ("school", reader.SCHOOL))
                         if (rows["area_type"] == t).any()]
    parts, cells, hide = [], [], {("period",): set(), **{("period", d): set() for d in dims[1:]}}
    for period, group in rows.groupby("period", sort=True):
        place = group[group["area_type"] == reader.PLACE]
        margins = {}
        for d, t in (("ward", reader.WARD), ("school", reader.SCHOOL)):
            if d in dims:
                margins[d] = group[group["area_type"] == t]
        if len(place) and not place["suppressed"].iloc[0]:
            total_n, total_p = int(place["denominator"].iloc[0]), int(place["numerator"].iloc[0])
        else:  # no place figure: the known margin stands for it, and the place is never shown
            if place.empty and not margins:
                continue
            first = next(iter(margins.values()))
            known = first[~first["suppressed"]]
            total_n, total_p = int(known["denominator"].sum()), int(known["numerator"].sum())
            hide[("period",)].add((period,))
        n_m = {d: _margin(m, "denominator", total_n, file, f"{d}s' pupils") for d, m in margins.items()}
        p_m = {d: _margin(m, "numerator", total_p, file, f"{d}s' counts") for d, m in margins.items()}
        for d, m in margins.items():
            for area in m.loc[m["suppressed"], "area"]:
                hide[("period", d)].add((period, str(area)))
            if NOT_KNOWN in n_m[d]:
                p_m[d].setdefault(NOT_KNOWN, 0)
                hide[("period", d)].add((period, NOT_KNOWN))
        # positives and the others laid out separately, so each cell's count never exceeds its base
        levels = {d: sorted(n_m[d]) for d in margins}
        ds = list(margins)
        if ds:  # every area of the file is a cell, even an empty one (its row is still published)
            combos = pd.MultiIndex.from_product([levels[d] for d in ds], names=ds).to_frame(index=False)
            cells.append(combos.assign(period=period))
        for flag, get in ((1, lambda d, a, p_m=p_m: p_m[d].get(a, 0)),
                          (0, lambda d, a, p_m=p_m, n_m=n_m: n_m[d].get(a, 0) - p_m[d].get(a, 0))):
            if not ds:
                parts.append(pd.DataFrame({"period": [period] * (total_p if flag else total_n - total_p),
                                           "y": flag}))
                continue
            a = [get(ds[0], x) for x in levels[ds[0]]]
            if any(v < 0 for v in a):
                raise ValidationError(file, [Problem(file, None, "numerator",
                                                     f"{period}: a count is larger than its base")])
            if len(ds) == 1:
                keys = [(x,) for x in levels[ds[0]]]
                counts = a
            else:
                b = [get(ds[1], x) for x in levels[ds[1]]]
                grid = _northwest(a, b)
                keys = [(x, z) for x in levels[ds[0]] for z in levels[ds[1]]]
                counts = grid.ravel().tolist()
            rep = np.repeat(np.arange(len(keys)), counts)
            frame = pd.DataFrame([keys[i] for i in rep], columns=ds) if len(rep) else pd.DataFrame(columns=ds)
            frame.insert(0, "period", period)
            frame["y"] = flag
            parts.append(frame)
    records = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*dims, "y"])
    grid = pd.concat(cells, ignore_index=True)[dims] if cells else None
    return records, hide, dims, grid


def _protect_proportion(rows: pd.DataFrame, rules: disclosure.Rules, file: str) -> tuple[pd.DataFrame, linked.LinkedSet]:
    records, hide, dims, cells = _records(rows, file)
    breakdowns = [("period",)] + [("period", d) for d in dims[1:]]
    result = linked.protect_breakdowns(records, "y", breakdowns, rules, cells=cells, hide=hide,
                                       names=("denominator", "numerator", "value"),
                                       label=f"{rows['outcome'].iloc[0]} ")
    supplier = {(str(p), str(a)) for p, a in zip(rows.loc[rows["suppressed"], "period"],
                                                  rows.loc[rows["suppressed"], "area"])}
    out = []
    for b, table in result.tables.items():
        area_type = reader.PLACE if len(b) == 1 else {"ward": reader.WARD, "school": reader.SCHOOL}[b[1]]
        t = table.rename(columns={"ci_lower": "lower", "ci_upper": "upper"}).copy()
        t["area"] = reader.PLACE if len(b) == 1 else t[b[1]].astype(str)
        t = t[t["area"] != NOT_KNOWN]
        t["area_type"] = area_type
        hit = [(str(p), a) in supplier or (area_type == reader.PLACE and (p,) in hide[("period",)])
               for p, a in zip(t["period"], t["area"])]
        t.loc[hit, "suppression"] = SUPPLIER
        out.append(t)
    frame = pd.concat(out, ignore_index=True)
    return frame, result


def _protect_mean(rows: pd.DataFrame, rules: disclosure.Rules) -> pd.DataFrame:
    """Means shown only with a count at the threshold; a lone hidden ward or school gets a partner.

    The hiding is decided here and applied by :func:`ccdata.analysis.disclosure.apply`
    (which rounds the counts and seals the table).
    """
    t = rows.reset_index(drop=True).copy()
    small = (t["count"].isna() | (t["count"].fillna(0) < rules.min_respondents) | t["suppressed"]).to_numpy()
    reason = np.where(t["suppressed"], SUPPLIER, np.where(small, MEAN_HIDDEN.format(n=rules.min_respondents), ""))
    hidden = small.copy()
    for _, group in t.groupby(["period", "area_type"]):
        if group["area_type"].iloc[0] == reader.PLACE or len(group) < 2:
            continue
        pos = list(group.index)
        if sum(hidden[p] for p in pos) == 1:
            shown = [p for p in pos if not hidden[p]]
            pick = min(shown, key=lambda p: float(t.at[p, "count"]))
            hidden[pick] = True
            reason[pick] = MEAN_SECONDARY
    # a 95% interval for each mean from its own sd and count (normal approximation)
    n = t["count"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    half = 1.96 * t["sd"].to_numpy(dtype=float) / np.sqrt(np.where(n >= 2, n, np.nan))
    t["value"], t["lower"], t["upper"] = t["mean"], t["mean"] - half, t["mean"] + half
    t["count"] = t["count"].fillna(0).astype("int64")
    table = t[["period", "area_type", "area", "count", "value", "lower", "upper"]]
    safe = disclosure.apply(table, rules, count="count", denominator=None,
                            derived=["value", "lower", "upper"], hide=hidden, hide_reason=MEAN_SECONDARY)
    return safe, reason


def protect(frame: pd.DataFrame, rules: disclosure.Rules | None = None) -> OutcomeFigures:
    """Protect the place's outcome rows as one linked set per outcome, and audit them.

    Parameters
    ----------
    frame : DataFrame
        From :func:`ccdata.io.local.outcomes.read_outcomes`.
    rules : disclosure.Rules, optional

    Returns
    -------
    OutcomeFigures
    """
    rules = disclosure.check_rules(rules)
    check_frame(frame, "frame", ("outcome", "period", "area_type", "area", "numerator", "denominator", "mean", "sd",
                                 "count", "suppressed", "measure"), made_by="ccdata.io.local.outcomes.read_outcomes()")
    file = str(frame.attrs.get("file", "outcomes file"))
    published = frame[~frame["area_type"].isin(LOCAL_AREAS)].copy()
    published["value"] = np.where(published["measure"] == reader.MEAN, published["mean"],
                                  100 * published["numerator"].astype(float) / published["denominator"].astype(float))
    published["lower"], published["upper"] = np.nan, np.nan
    published["suppression"] = np.where(published["suppressed"], SUPPLIER, "")
    local = frame[frame["area_type"].isin(LOCAL_AREAS)]
    tables, sealed, audits, rounds, ok, withheld = [], [], [], 0, True, []
    for outcome, rows in local.groupby("outcome", sort=False):
        rows = rows.reset_index(drop=True)
        meta = rows.iloc[0][["title", "stage", "measure", "polarity"]].to_dict()
        if meta["measure"] == reader.MEAN:
            safe, reason = _protect_mean(rows, rules)
            sealed.append(safe)
            t = safe.copy()
            t["suppression"] = np.where(t["suppressed"], np.where(reason != "", reason, t["suppression"]), "")
            t["numerator"], t["denominator"] = pd.NA, pd.NA
        else:
            t, result = _protect_proportion(rows, rules, file)
            sealed.extend(result.tables.values())
            audits.append(result.audit)
            rounds = max(rounds, result.rounds)
            if not result.ok:
                ok = False
                withheld.append(str(outcome))
                continue
            t["count"] = pd.NA
        ends = dict(zip(rows["period"], rows["period_end"]))
        t = t.assign(outcome=outcome, **meta, period_end=t["period"].map(ends))
        tables.append(t[COLUMNS].reset_index(drop=True))
    local_out = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=COLUMNS)
    for col in ("numerator", "denominator", "value", "lower", "upper", "count"):
        local_out[col] = pd.to_numeric(local_out[col], errors="coerce").astype("Float64")
    local_out["suppressed"] = local_out["suppressed"].astype(bool)
    local_out.attrs = {}
    # every figure here was read from the protected tables above, or is hidden
    local_out = disclosure.mark(local_out, rules, sources=sealed)
    audit_all = (pd.concat(audits, ignore_index=True).astype({"protected": bool}) if audits
                 else pd.DataFrame(columns=["figure", "lower", "upper", "width", "threshold", "protected"]))
    keep = [c for c in COLUMNS if c in published.columns]
    return OutcomeFigures(local_out, published[keep].reset_index(drop=True), audit_all, rounds, ok,
                          tuple(withheld))
