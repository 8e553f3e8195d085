"""Pupil extracts from partner schools: attendance, free school meals, exclusions by home area.

Each school sends one file, one row per pupil (columns in :mod:`ccdata.io.local.pupils`).

On load, postcodes become LSOA 2021 and ward and are discarded; pupil ids are
checked and discarded. Nothing this module returns holds either. Rates are
per pupil with Wilson 95% intervals, and go through :mod:`ccdata.analysis.disclosure`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ccdata.analysis import audit, disclosure, labels, linked, stats
from ccdata.analysis.survey import NOT_KNOWN, Geocoder, locate_respondents
from ccdata.errors import MissingDataError, Problem
from ccdata.io.local import TABLE_SUFFIXES
from ccdata.io.local.pupils import read_school
from ccdata.io.local.survey import warn_summary
from ccdata.schemas import check_frame

#: Pupil-level measures and what they count.
MEASURES = {"persistent_absence": "pupils persistently absent (missing 10% or more of sessions)",
            "fsm": "pupils eligible for free school meals",
            "excluded": "pupils with at least one suspension or exclusion"}
BREAKDOWNS = ("ward24_code", "lsoa21_code", "school", "imd_decile")






def load_pupils(folder: str | Path, *, collection: str = "official", geocoder: Geocoder | None = None,
                geography: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read every school's extract in ``folder`` and de-identify the pupils.

    Parameters
    ----------
    folder : str or Path
        A folder of per-school CSV files (``*.csv``).
    collection : {"official", "demo"}
        Which postcode and lookup files to geocode with.
    geocoder, geography : optional
        As in :func:`ccdata.analysis.survey.load_responses`.

    Returns
    -------
    DataFrame
        One row per pupil record: ``school, lsoa21_code, ward24_code, located,
        persistent_absence, fsm, excluded`` (nullable booleans). No pupil id, no
        postcode. ``attrs``: ``personal=True`` (not presentable), ``exclusions``,
        ``schools``, ``dual_registered`` (records whose id appears in another school).

    Raises
    ------
    MissingDataError
        The folder does not exist or holds no CSV files.
    ValidationError
        From :func:`read_school`, naming the file, row and column.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingDataError(f"pupil extracts folder {folder} does not exist")
    entries = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    # any supported ending in any case (.CSV, .xlsx ...) is an extract; anything else is listed
    files = [p for p in entries if p.suffix.lower() in TABLE_SUFFIXES]
    ignored = [p for p in entries if p not in files]
    if not files:
        raise MissingDataError(f"no per-school extracts (CSV or XLSX files) in {folder}"
                               + (f"; ignored: {', '.join(p.name for p in ignored)}" if ignored else ""))
    frames, exclusions = [], []
    for path in ignored:
        exclusions.append(Problem(path.name, None, None, "not a CSV or XLSX file; ignored"))
    for path in files:
        frame, excl = read_school(path)
        if frame.empty:
            # a header-only extract would otherwise vanish from attrs["schools"] unnoticed
            excl.append(Problem(frame.attrs["file"], None, None, "no pupil rows; the file contributes no pupils"))
        frame, located = locate_respondents(frame, frame.attrs["file"], collection=collection, geocoder=geocoder,
                                            geography=geography)
        for p in located:
            # rows placed from a typed LSOA code keep that column (and the code, which is not personal)
            exclusions.append(p if p.column == "lsoa21_code" else Problem(p.file, p.row, "home_postcode", p.message))
        exclusions.extend(excl)
        frame["file"] = frame.attrs["file"]
        frames.append(frame.reset_index())
    pupils = pd.concat(frames, ignore_index=True)
    # the same pupil on two rolls (dual registration) is counted in each school but only
    # once by home area: keep the first record for area figures and list the rest
    # (with an academic year column, once per year: the same pupil a year later is not a second roll)
    dual = pupils.duplicated(["pupil_id", "academic_year"] if "academic_year" in pupils else "pupil_id", keep="first")
    for r in pupils[dual].itertuples(index=False):
        exclusions.append(Problem(r.file, int(r.row), "pupil_id",
                                  "pupil also on another school's roll; counted once in area figures"))
    pupils["counted_in_areas"] = ~dual
    pupils = pupils.drop(columns=["pupil_id", "row", "file"])
    pupils.attrs.update({"personal": True, "exclusions": [asdict(p) for p in exclusions],
                         "schools": sorted(pupils["school"].dropna().unique().tolist()),
                         "dual_registered": int(dual.sum())})
    if exclusions:
        warn_summary(exclusions, str(folder))
    return pupils


def _check_pupils(pupils) -> None:
    check_frame(pupils, "pupils", made_by="ccdata.analysis.pupils.load_pupils()")
    if "pupil_id" in pupils.columns:
        raise ValueError("pupils still carry pupil_id: read them with ccdata.analysis.pupils.load_pupils")
    check_frame(pupils, "pupils", ("school", "lsoa21_code", "ward24_code", *MEASURES),
                made_by="ccdata.analysis.pupils.load_pupils()")


def rates(pupils: pd.DataFrame, measure: str, by: str = "ward24_code", *, deprivation: pd.DataFrame | None = None,
          rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """Rate of a pupil measure by home area (or school), with Wilson 95% intervals.

    Parameters
    ----------
    pupils : DataFrame
        From :func:`load_pupils`.
    measure : str
        One of :data:`MEASURES`.
    by : str
        ``ward24_code``, ``lsoa21_code``, ``school`` or ``imd_decile`` (the IoD decile of
        the pupil's home LSOA; needs ``deprivation``).
    deprivation : DataFrame, optional
        ``lsoa21_code, imd_decile`` (e.g. ``Place.deprivation()``). Joined to LSOA rows;
        deciles are never averaged, so ward rows get none.
    rules : disclosure.Rules, optional

    Returns
    -------
    DataFrame
        ``<by>, [imd_decile], pupils, cases, rate, ci_lower, ci_upper, share_of_cases``,
        rates and shares in percent, one row per group including "Not known" (pupils
        whose area or decile is not known). Groups add up to all pupils, so hidden
        groups are protected by secondary suppression. Marked personal with its note.
    """
    _check_pupils(pupils)
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {list(MEASURES)}, not {measure!r}")
    if by not in BREAKDOWNS:
        raise ValueError(f"cannot break down by {by!r}; choose from {BREAKDOWNS}")
    if by in pupils.columns:  # a label column must not publish postcodes or identifiers
        labels.check(pupils[by], by)
    frame = pupils if by == "school" else pupils[pupils.get("counted_in_areas", True) == True]  # noqa: E712
    frame = frame[frame[measure].notna()].copy()
    if deprivation is not None:
        if not {"lsoa21_code", "imd_decile"} <= set(deprivation.columns):
            raise ValueError("deprivation must have columns lsoa21_code and imd_decile")
        deciles = deprivation.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["imd_decile"]
        frame["imd_decile"] = frame["lsoa21_code"].map(deciles)
    elif by == "imd_decile":
        raise ValueError("by='imd_decile' needs the deprivation table (lsoa21_code, imd_decile)")
    frame[by] = frame[by].astype("object").where(frame[by].notna(), NOT_KNOWN)
    grouped = frame.groupby(by, sort=True)[measure].agg(["size", "sum"]).reset_index()
    grouped.columns = [by, "pupils", "cases"]
    grouped["pupils"] = grouped["pupils"].astype("Int64")
    grouped["cases"] = grouped["cases"].astype("Int64")
    num, den = grouped["cases"].astype(float).to_numpy(), grouped["pupils"].astype(float).to_numpy()
    lo, hi = stats.wilson_ci(num, den)
    grouped["rate"] = 100 * num / den
    grouped["ci_lower"] = 100 * lo
    grouped["ci_upper"] = 100 * hi
    total = num.sum()
    grouped["share_of_cases"] = 100 * num / total if total else np.nan
    if by == "lsoa21_code" and deprivation is not None:
        grouped.insert(1, "imd_decile", grouped["lsoa21_code"].map(deciles).astype("Int64"))
    safe = disclosure.apply(grouped, rules, count="cases", denominator="pupils", within=[[]],
                            derived=["rate", "ci_lower", "ci_upper", "share_of_cases"])
    # shares of the place's published (rounded) count of cases, as the summary table shows it
    whole = disclosure.round_counts([total], disclosure.check_rules(rules).round_to).iloc[0]
    safe = _from_published(safe, share=True, total=float(whole))
    safe.attrs["measure"] = MEASURES[measure]
    return disclosure.mark(safe, rules)


def _from_published(safe: pd.DataFrame, *, share: bool = False, total: float | None = None) -> pd.DataFrame:
    """Rates, intervals and shares recomputed from the published (rounded) counts.

    A rate printed beside a rounded count must not be more exact than the count, or the
    true count can be solved from it. ``total`` is the published count of all cases
    (default: the sum of the published counts).
    """
    shown = ~safe["suppressed"].to_numpy(dtype=bool)
    num = safe["cases"].to_numpy(dtype=float, na_value=np.nan)
    rate, lo, hi = stats.published_rates(safe, "cases", "pupils")
    for col, values in (("rate", rate), ("ci_lower", lo), ("ci_upper", hi)):
        safe[col] = pd.array(values, dtype="Float64")
    if share:
        whole = np.nansum(num[shown]) if total is None else float(total)
        values = np.full(len(safe), np.nan)
        if whole > 0:
            values[shown] = 100 * num[shown] / whole
        safe["share_of_cases"] = pd.array(values, dtype="Float64")
    return safe


def concentration(pupils: pd.DataFrame, measure: str, *, by: str = "ward24_code",
                  rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """Where is it concentrated: areas ranked by rate and by share of all cases.

    A ward can have a high rate but few pupils, or a middling rate but most of the
    cases; both rankings are given (1 = highest). Areas with hidden figures and the
    "Not known" group are not ranked.
    """
    table = rates(pupils, measure, by=by, rules=rules)
    rankable = ~table["suppressed"] & (table[by] != NOT_KNOWN)
    table["rank_by_rate"] = table["rate"].where(rankable).rank(ascending=False, method="min").astype("Int64")
    table["rank_by_share"] = table["share_of_cases"].where(rankable).rank(ascending=False, method="min").astype("Int64")
    return table.sort_values(["rank_by_rate", by], na_position="last").reset_index(drop=True)


def load_place_pupils(place) -> pd.DataFrame:
    """The pupil extracts configured for a place (``local: {pupils: <folder>}``)."""
    folder = place.local_path("pupils")
    if folder is None:
        raise MissingDataError(f"place {place.id!r} names no pupils folder under local: in places.yaml")
    return load_pupils(folder, collection=place.collection)


def summary(pupils: pd.DataFrame, *, rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """Whole-place rate for every measure (one row each), after disclosure control."""
    _check_pupils(pupils)
    rows = []
    frame = pupils[pupils.get("counted_in_areas", True) == True]  # noqa: E712
    for m, label in MEASURES.items():
        known = frame[m].dropna()
        rows.append({"measure": label, "pupils": len(known), "cases": int(known.sum())})
    table = pd.DataFrame(rows)
    lo, hi = stats.wilson_ci(table["cases"], table["pupils"])
    with np.errstate(invalid="ignore", divide="ignore"):
        table["rate"] = 100 * table["cases"] / table["pupils"].where(table["pupils"] > 0)
    table["ci_lower"], table["ci_upper"] = 100 * lo, 100 * hi
    safe = disclosure.apply(table, rules, count="cases", denominator="pupils")
    return disclosure.mark(_from_published(safe), rules)


def exclusions(pupils: pd.DataFrame) -> pd.DataFrame:
    """Counts of rows excluded or adjusted on load, by file, column and reason (no values)."""
    table = pd.DataFrame(pupils.attrs.get("exclusions", []), columns=["file", "row", "column", "message", "value"])
    if table.empty:
        return disclosure.mark(pd.DataFrame(columns=["file", "column", "reason", "rows"]))
    table["reason"] = table["message"].str.split(";").str[0].str.replace(r"\(.*?\)", "", regex=True).str.strip()
    counts = table.groupby(["file", "column", "reason"], dropna=False).size().rename("rows").reset_index()
    # counts of excluded pupil records are about a few pupils: small counts hidden, others rounded
    return disclosure.apply(counts, count="rows", denominator=None).drop(columns=["suppressed", "suppression"])


@dataclass
class PupilPage:
    """The pupil tables of a listening page, protected as one linked set per measure, and the audit.

    ``summary`` has one row per measure (the whole place); ``by_ward`` and ``by_decile``
    break down ``measure`` (``by_decile`` is None without deprivation deciles). ``ok`` is
    False when a hidden figure could still be worked out: then none may be shown.
    """

    measure: str
    summary: pd.DataFrame
    by_ward: pd.DataFrame
    by_decile: pd.DataFrame | None
    audit: pd.DataFrame
    rounds: int
    ok: bool

    @property
    def note(self) -> str:
        """The audit's result in plain words (for the adviser's notes)."""
        return audit.note(self.audit, rounds=self.rounds, ok=self.ok, withheld="The pupil figures")


def page(pupils: pd.DataFrame, measure: str, *, deprivation: pd.DataFrame | None = None,
         rules: disclosure.Rules | None = None) -> PupilPage:
    """Every pupil table of the listening page, protected together and audited.

    The place figure of each measure, and ``measure`` by ward of home and by deprivation
    decile of home, count the same pupils, so a ward hidden in one table could be
    worked out from the decile table and the total. They are protected as one linked
    set (:func:`ccdata.analysis.linked.protect_breakdowns`; the possible (ward, decile)
    pairs are those of the pupils' home LSOAs) and the audit bounds every hidden figure.
    Rates, intervals and shares are computed from the published, rounded counts.

    Parameters
    ----------
    pupils : DataFrame
        From :func:`load_pupils`.
    measure : str
        One of :data:`MEASURES`: the one broken down.
    deprivation : DataFrame, optional
        ``lsoa21_code, imd_decile``; without it there is no decile table.
    rules : disclosure.Rules, optional

    Returns
    -------
    PupilPage
    """
    _check_pupils(pupils)
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {list(MEASURES)}, not {measure!r}")
    rules = disclosure.check_rules(rules)
    labels.check(pupils["ward24_code"], "ward24_code")
    frame = pupils[pupils.get("counted_in_areas", True) == True].copy()  # noqa: E712
    keys = ["ward24_code"]
    if deprivation is not None:
        if not {"lsoa21_code", "imd_decile"} <= set(deprivation.columns):
            raise ValueError("deprivation must have columns lsoa21_code and imd_decile")
        deciles = deprivation.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["imd_decile"]
        frame["imd_decile"] = frame["lsoa21_code"].map(deciles).astype("Int64").astype("object")
        keys.append("imd_decile")
    cells = frame[keys].astype("object").where(frame[keys].notna(), NOT_KNOWN)
    names = ("pupils", "cases", "rate")
    results, rows, audits = {}, [], []
    for m, label in MEASURES.items():
        breakdowns = [(), *[(k,) for k in keys]] if m == measure else [()]
        result = linked.protect_breakdowns(frame, m, breakdowns, rules, cells=cells, names=names,
                                           label=f"{label}: ")
        results[m] = result
        audits.append(result.audit)
        total = result.tables[()].iloc[0]
        rows.append({"measure": label, **{c: total[c] for c in ("pupils", "cases", "rate", "ci_lower", "ci_upper",
                                                                "suppressed", "suppression")}})
    summary_table = pd.DataFrame(rows).astype({"pupils": "Int64", "cases": "Int64", "rate": "Float64",
                                               "ci_lower": "Float64", "ci_upper": "Float64", "suppressed": bool})
    summary_table = disclosure.mark(summary_table, rules, sources=[r.tables[()] for r in results.values()])
    main = results[measure]
    published_total = main.tables[()]["cases"].iloc[0]
    total = None if pd.isna(published_total) else float(published_total)
    by_ward = _ranked(main.tables[("ward24_code",)], "ward24_code", total, rules)
    by_decile = None
    if ("imd_decile",) in main.tables:
        by_decile = _from_published(main.tables[("imd_decile",)].copy(), share=True, total=total)
        by_decile = disclosure.mark(by_decile, rules)
    result = pd.concat([a for a in audits if len(a)], ignore_index=True) if any(len(a) for a in audits) \
        else audits[0]
    rounds = max(r.rounds for r in results.values())
    return PupilPage(measure, summary_table, by_ward, by_decile, result, rounds,
                     all(r.ok for r in results.values()))


def _ranked(table: pd.DataFrame, by: str, total: float | None, rules) -> pd.DataFrame:
    """Areas ranked by rate and by share of all cases, from the published figures."""
    table = _from_published(table.copy(), share=True, total=total if total else np.nan)
    rankable = ~table["suppressed"].to_numpy(dtype=bool) & (table[by] != NOT_KNOWN).to_numpy()
    for col, source in (("rank_by_rate", "rate"), ("rank_by_share", "share_of_cases")):
        values = table[source].astype("float").where(rankable)
        table[col] = values.rank(ascending=False, method="min").astype("Int64")
    table = table.sort_values(["rank_by_rate", by], na_position="last", key=lambda s: s if s.name != by
                              else s.astype(str)).reset_index(drop=True)
    return disclosure.mark(table, rules)
