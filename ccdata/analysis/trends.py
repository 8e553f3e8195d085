"""Progress over time: every measure with two or more periods, its baseline, latest and the one rule's verdict.

The progress page asks "is it getting better, and where?". This module gathers, for a
place, every series that has at least two periods:

- the partnership's outcomes file (:mod:`ccdata.analysis.outcomes`, protected as one
  linked set), for the place, its wards, the authority and England;
- children in low income families for every DWP year the data folder holds, after housing
  costs and (when held) before housing costs as two series, each year from the latest
  release holding it and never across DWP's series break (:mod:`ccdata.io.dwp_releases`;
  a place drawn across ward boundaries gets an *estimate*, and its change is marked so);
- pupil extracts with an academic year (:mod:`ccdata.analysis.pupil_years`: every year,
  ward and pooled table protected as one linked set);
- the Indices of Deprivation 2019 and 2025 on the same neighbourhoods: decile movement
  only, never a verdict (the editions rank different neighbourhoods against each other).

Each change runs from the baseline (``baseline:`` of the place in ``places.yaml``, one
period per form, else the series' earliest) to the latest period, and gets the verdict
of the one change rule in :mod:`ccdata.analysis.stats`. Pure functions on tables, except
:func:`for_place`, which reads through the place's accessors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ccdata.analysis import (
    child_poverty,
    deprivation,
    disclosure,
    linked,
    pupil_years,
    stats,
    survey,
    survey_options,
)
from ccdata.analysis import outcomes as outcome_figures
from ccdata.analysis.survey import NOT_KNOWN
from ccdata.errors import BaselineError, MissingDataError
from ccdata.io import dwp_releases
from ccdata.io.local import outcomes as reader

#: Order of stages on the page: children's measures first.
STAGES = {"children": ("Children", 0), "early_years": ("Early years", 1), "primary": ("Primary school", 2),
          "school": ("School pupils", 3), "secondary": ("Secondary school", 4), "young_people": ("Young people", 5),
          "voices": ("What residents and pupils said", 6), "place": ("The place", 7)}
#: Pupil extract measures over years: id, title, polarity.
PUPIL_MEASURES = {
    "persistent_absence": ("pupils_persistent_absence", "Pupils of partner schools missing 10% or more of sessions",
                           stats.LOWER_IS_BETTER),
    "fsm": ("pupils_fsm", "Pupils of partner schools eligible for free school meals", stats.NO_JUDGEMENT),
    "excluded": ("pupils_excluded", "Pupils of partner schools with at least one suspension or exclusion",
                 stats.LOWER_IS_BETTER),
}
#: The first financial year of DWP's children in low income families series.
DWP_FIRST_YEAR = 2015
CHILD_POVERTY = "children_low_income"
CHILD_POVERTY_TITLE = "Children under 16 in relative low income families (after housing costs)"
#: The same before housing costs: its own series (another measure), never joined to the one above.
CHILD_POVERTY_BHC = "children_low_income_bhc"
CHILD_POVERTY_MEASURES = {
    dwp_releases.RELATIVE_AHC: (CHILD_POVERTY, CHILD_POVERTY_TITLE),
    dwp_releases.RELATIVE_BHC: (CHILD_POVERTY_BHC,
                                "Children under 16 in relative low income families (before housing costs)"),
}
SERIES_COLUMNS = ["measure", "title", "stage", "kind", "polarity", "unit", "area_type", "area", "area_name",
                  "period", "period_end", "value", "lower", "upper", "numerator", "denominator", "sd", "count",
                  "estimate", "suppressed", "suppression"]
CHANGE_COLUMNS = ["measure", "title", "stage", "kind", "polarity", "unit", "area_type", "area", "area_name",
                  "baseline", "latest", "baseline_value", "latest_value", "change", "change_lower",
                  "change_upper", "verdict", "estimate", "reason"]


@dataclass
class Progress:
    """What the progress page shows about a place.

    Attributes
    ----------
    series : DataFrame
        :data:`SERIES_COLUMNS`, one row per measure, area and period (protected figures
        only: hidden ones are missing, with the reason).
    changes : DataFrame
        :data:`CHANGE_COLUMNS`, one row per measure and area with at least two periods.
    iod : DataFrame
        Each neighbourhood's IMD decile in 2019 and 2025 (empty when either is missing).
    targets : DataFrame
        ``measure, title, target, period, latest, latest_value`` for declared targets.
    lacking : list of str
        Plain sentences: series the place does not have, and DWP years not in the data folder.
    notes : list of str
        For the adviser: the disclosure audit, baselines not found, data problems.
    """

    series: pd.DataFrame
    changes: pd.DataFrame
    iod: pd.DataFrame
    targets: pd.DataFrame
    lacking: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- baselines and targets
def baselines(definition: dict | None) -> dict[str, str]:
    """``{period form: baseline period}`` from a place definition's ``baseline:``.

    ``baseline: 2021/22`` (one period: its form is recognised) or a mapping
    ``{academic: 2021/22, financial: FYE 2022, calendar: "2022"}``.

    Raises
    ------
    BaselineError
        A form that is not declared or a period not written in its form.
    """
    value = (definition or {}).get("baseline")
    if value in (None, "", {}):
        return {}
    items = value.items() if isinstance(value, dict) else [(None, value)]
    out = {}
    for form, period in items:
        forms = [form] if form is not None else list(reader.PERIOD_FORMS)
        if form is not None and form not in reader.PERIOD_FORMS:
            raise BaselineError(f"baseline: {form!r} is not a period form ({', '.join(reader.PERIOD_FORMS)})")
        parsed = [(f, reader.parse_period(str(period), f)) for f in forms]
        parsed = [(f, p) for f, p in parsed if p is not None]
        if not parsed:
            raise BaselineError(f"baseline: {period!r} is not a period (write 2021/22, FYE 2022 or 2022)")
        f, p = parsed[0]
        out[f] = p[0]
    return out


def targets(definition: dict | None, vocabulary: dict) -> pd.DataFrame:
    """Declared targets: ``measure, target, period`` (``targets:`` of the place definition).

    Raises
    ------
    BaselineError
        An unknown outcome, a value that is not a number, or a period not in the outcome's form.
    """
    value = (definition or {}).get("targets") or {}
    if not isinstance(value, dict):
        raise BaselineError("targets: must map outcome ids to {value: ..., period: ...}")
    rows = []
    for oid, spec in value.items():
        if oid not in vocabulary:
            raise BaselineError(f"targets: {oid!r} is not a declared outcome")
        if not isinstance(spec, dict) or "value" not in spec or "period" not in spec:
            raise BaselineError(f"targets: {oid} needs a value and a period")
        try:
            target = float(spec["value"])
        except (TypeError, ValueError):
            raise BaselineError(f"targets: {oid} value {spec['value']!r} is not a number") from None
        period = reader.parse_period(str(spec["period"]), vocabulary[oid].period)
        if period is None:
            raise BaselineError(f"targets: {oid} period {spec['period']!r} is not a {vocabulary[oid].period} year")
        rows.append({"measure": oid, "target": target, "period": period[0]})
    return pd.DataFrame(rows, columns=["measure", "target", "period"])


# --------------------------------------------------------------------------- series
def outcome_series(figures: outcome_figures.OutcomeFigures, raw: pd.DataFrame,
                   ward_names: dict[str, str] | None = None) -> pd.DataFrame:
    """The outcomes as :data:`SERIES_COLUMNS` rows (protected figures for the place's own areas).

    ``raw`` (the file as read) supplies each mean's standard deviation for Welch's interval;
    no standard deviation is shown.
    """
    names = dict(ward_names or {})
    frames = []
    for table in (figures.local, figures.published):
        t = pd.DataFrame({c: table[c] for c in table.columns if c in SERIES_COLUMNS or c in ("outcome", "measure")})
        t = t.rename(columns={"outcome": "measure_id"})
        frames.append(t)
    s = pd.concat(frames, ignore_index=True)
    s["kind"] = s["measure"].map({reader.PROPORTION: stats.PROPORTION, reader.MEAN: stats.MEAN})
    s["measure"] = s["measure_id"]
    sd = raw.set_index(["outcome", "period", "area"])["sd"]
    s["sd"] = [sd.get((m, p, a), np.nan) for m, p, a in zip(s["measure"], s["period"], s["area"])]
    s["unit"] = np.where(s["kind"] == stats.MEAN, "points", "%")
    s["estimate"] = False
    s["area_name"] = [names.get(a, a) for a in s["area"]]
    s.loc[s["area_type"] == reader.PLACE, "area_name"] = names.get("place", "The place")
    s.loc[s["area_type"] == reader.LA, "area_name"] = names.get("la", "Local authority")
    s.loc[s["area_type"] == reader.ENGLAND, "area_name"] = "England"
    return s.reindex(columns=SERIES_COLUMNS)


def pupil_series(pupils: pd.DataFrame, rules: disclosure.Rules | None = None,
                 ward_names: dict[str, str] | None = None) -> tuple[pd.DataFrame, list, list[str]]:
    """Pupil measures by year for the place and its wards, from tables protected as one linked set.

    Returns ``(series, sealed tables, notes)``; a measure whose set fails its audit is left out
    (with a note).
    """
    names, rows, sealed, notes = dict(ward_names or {}), [], [], []
    for m, (mid, title, polarity) in PUPIL_MEASURES.items():
        if m not in pupils.columns or pupils[m].notna().sum() == 0:
            continue
        result = pupil_years.protect_years(pupils, m, rules)
        notes.append(f"{title}: {result.note}")
        if not result.ok:
            continue
        sealed.extend(result.tables.values())
        for key, area_type in (((pupil_years.YEAR,), "place"), ((pupil_years.YEAR, pupil_years.WARD), "ward")):
            for r in result.tables[key].to_dict("records"):
                area = "place" if area_type == "place" else str(r[pupil_years.WARD])
                if area == NOT_KNOWN:
                    continue
                label, end = reader.parse_period(r[pupil_years.YEAR], reader.ACADEMIC)
                rows.append({"measure": mid, "title": title, "stage": "school", "kind": stats.PROPORTION,
                             "polarity": polarity, "unit": "%", "area_type": area_type, "area": area,
                             "area_name": names.get(area, area) if area_type == "ward" else names.get("place", area),
                             "period": label, "period_end": end, "value": r["rate"], "lower": r["ci_lower"],
                             "upper": r["ci_upper"], "numerator": r["cases"], "denominator": r["pupils"],
                             "sd": np.nan, "count": np.nan, "estimate": False, "suppressed": bool(r["suppressed"]),
                             "suppression": r["suppression"]})
    return pd.DataFrame(rows, columns=SERIES_COLUMNS), sealed, notes


def survey_series(by_wave: pd.DataFrame, waves: list, wave_names=None, skip=()) -> pd.DataFrame:
    """Each closed question's share of positive answers by wave, from the listening page's protected
    by-wave table (:func:`ccdata.analysis.linked.survey_page`), so the change and its verdict are
    those of the listening page. No better or worse is judged: a question's positive answers
    are the questions file's, not a policy aim.

    ``wave_names`` (``{wave: name}``, e.g. :func:`ccdata.present.labels.wave_names`) names the waves.
    ``skip`` names questions left out: a multiple-choice question has no "positive answer" (the
    listening page tells it answer by answer).
    """
    names = dict(wave_names or {})
    order = {w: i for i, w in enumerate(waves)}
    rows = []
    for r in by_wave.to_dict("records"):
        if r["wave"] not in order or r["question_id"] in set(skip):
            continue
        rows.append({"measure": f"survey:{r['question_id']}", "title": f"Positive answers to \u201c{r['question_text']}\u201d",
                     "stage": "voices", "kind": stats.PROPORTION, "polarity": stats.NO_JUDGEMENT, "unit": "%",
                     "area_type": "place", "area": "place", "area_name": names.get("place", "The place"),
                     "period": str(names.get(r["wave"], r["wave"])), "period_end": order[r["wave"]],
                     "value": r["pct_positive"], "lower": r["ci_lower"], "upper": r["ci_upper"],
                     "numerator": r["positive"], "denominator": r["n"], "sd": np.nan, "count": np.nan,
                     "estimate": False, "suppressed": bool(r["suppressed"]), "suppression": r.get("suppression", "")})
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


def _fye(year: str) -> tuple[str, int]:
    m = re.fullmatch(r"fye(\d{4})", str(year))
    if not m:
        raise ValueError(f"not a DWP financial year column: {year!r}")
    return f"FYE {m.group(1)}", int(m.group(1))


def child_poverty_series(figures: dict, place_name: str, la_name: str,
                         measure: str = dwp_releases.RELATIVE_AHC) -> pd.DataFrame:
    """DWP children in low income families per year for the place, its authority and England.

    ``figures`` is :func:`ccdata.analysis.child_poverty.for_place` output for ``measure``
    (after or before housing costs: two measures, two series). A year without a figure keeps
    its row with the reason. The place's figure is marked ``estimate`` when it was shared out
    from wards.
    """
    if measure not in CHILD_POVERTY_MEASURES:
        raise ValueError(f"measure must be one of {sorted(CHILD_POVERTY_MEASURES)}, not {measure!r}")
    measure_id, title = CHILD_POVERTY_MEASURES[measure]
    rows = []
    for area_type, key, name in (("place", "place", place_name), ("local_authority", "la", la_name),
                                 ("england", "england", "England")):
        frame = figures.get(key)
        if frame is None:
            continue
        for rec in frame.to_dict("records"):
            label, end = _fye(rec["year"])
            ok = rec.get("status", "ok") == "ok" and not pd.isna(rec["children"])
            n = float(rec["children"]) if ok else np.nan
            d = float(rec["population_under16"]) if ok else np.nan
            lo = hi = np.nan
            if ok and d > 0:
                low, high = stats.wilson_ci(n, d)
                lo, hi = 100 * float(low[0]), 100 * float(high[0])
            rows.append({"measure": measure_id, "title": title, "stage": "children",
                         "kind": stats.PROPORTION, "polarity": stats.LOWER_IS_BETTER, "unit": "%",
                         "area_type": area_type, "area": key, "area_name": name, "period": label,
                         "period_end": end, "value": 100 * n / d if ok and d else np.nan, "lower": lo,
                         "upper": hi, "numerator": n, "denominator": d, "sd": np.nan, "count": np.nan,
                         "estimate": rec.get("method") == child_poverty.ESTIMATE, "suppressed": not ok,
                         "suppression": "" if ok else str(rec.get("status", ""))})
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


def missing_dwp_years(series: pd.DataFrame) -> list[str]:
    """The financial years of DWP's series (from FYE 2015) not in ``series``, up to the latest held."""
    held = sorted(set(series.loc[series["measure"] == CHILD_POVERTY, "period_end"].astype(int)))
    if not held:
        return []
    return [f"FYE {y}" for y in range(DWP_FIRST_YEAR, held[-1]) if y not in held]


def _span(years: list[str]) -> str:
    """``FYE 2015 to FYE 2019 and FYE 2022``: runs of consecutive years, never a range over a hole."""
    runs: list[list[str]] = []
    for y in sorted(years, key=lambda p: int(p[4:])):
        if runs and int(y[4:]) == int(runs[-1][-1][4:]) + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    words = [r[0] if len(r) == 1 else f"{r[0]} to {r[-1]}" for r in runs]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _held(series: pd.DataFrame, measure_id: str) -> list[str]:
    return sorted(set(series.loc[series["measure"] == measure_id, "period"]), key=lambda p: int(p[4:]))


def dwp_gaps(series: pd.DataFrame) -> list[str]:
    """Plain sentences on the child poverty years the page lacks, for each measure.

    After housing costs (the page's main figure): the years DWP publishes that the data folder
    does not hold, and the earlier years published only before housing costs (another measure)
    or only before the March 2025 series break, never joined to these figures. Before housing
    costs: its years not in the data folder (:mod:`ccdata.io.dwp_releases` plans both)."""
    out = []
    for measure, (measure_id, _) in CHILD_POVERTY_MEASURES.items():
        words = dwp_releases.MEASURE_WORDS[measure]
        if not any(measure in r.measures for r in dwp_releases.RELEASES):
            continue  # no release publishes it: nothing is missing
        held = _held(series, measure_id)
        schedule = dwp_releases.plan(dwp_releases.RELEASES, measure).set_index("year")
        usable = [y for y in schedule.index if schedule.loc[y, "release"]]
        missing = [y for y in usable if y not in held]
        if measure != dwp_releases.RELATIVE_AHC and not held:
            out.append(f"Child poverty {words}, which DWP publishes for {_span(usable)}, is not in the data "
                       "folder, so it is not followed here.")
            continue
        if not held:
            continue
        earlier = [y for y in schedule.index if y not in usable and int(y[4:]) < int(held[0][4:])]
        if missing or earlier:
            last = int(held[-1][4:])
            out.append(f"Child poverty {words}: the data folder holds {' and '.join(held) if len(held) < 3 else _span(held)}"
                       f" only ({held[-1]} is the financial year April {last - 1} to March {last}).")
        if missing:
            out.append(f"Child poverty {words}: DWP also publishes {_span(missing)}, which "
                       f"{'is' if len(missing) == 1 else 'are'} not in the data folder yet.")
        other = [y for y in earlier if "before the series break" not in schedule.loc[y, "reason"]]
        broken = [y for y in earlier if y not in other]
        if other:
            out.append(f"Child poverty {words}: DWP's figures for {_span(other)} count income "
                       f"{'before' if measure == dwp_releases.RELATIVE_AHC else 'after'} housing costs, a different "
                       "measure, so they are not joined to these.")
        if broken:  # the latest declared break: the newest series starts after it
            when = pd.Timestamp(dwp_releases.BREAKS[-1][0]).strftime("%B %Y")
            out.append(f"Child poverty {words}: {_span(broken)} were published only before DWP revised its "
                       f"method in {when}, so they cannot be joined to these figures.")
    return out


# --------------------------------------------------------------------------- changes
def _pick(group: pd.DataFrame, baseline: str | None) -> tuple[pd.Series | None, pd.Series | None, str]:
    g = group.sort_values("period_end")
    reason = ""
    first = g[g["period"] == baseline] if baseline else g.iloc[:0]
    if baseline and first.empty:
        reason = f"the baseline {baseline} is not in this series, so its earliest period is used"
    first = first.iloc[0] if len(first) else g.iloc[0]
    return first, g.iloc[-1], reason


def _rule(kind: str, a: pd.Series, b: pd.Series, polarity: str, estimate: bool) -> stats.Change | None:
    try:
        if kind == stats.PROPORTION:
            return stats.change_in_shares(a["numerator"], a["denominator"], b["numerator"], b["denominator"],
                                          polarity, estimate=estimate)
        if kind == stats.MEAN:
            return stats.change_in_means(a["value"], a["sd"], a["count"], b["value"], b["sd"], b["count"], polarity)
    except (ValueError, TypeError):
        return None
    return None


def changes(series: pd.DataFrame, baseline: dict[str, str] | None = None,
            forms: dict[str, str] | None = None) -> pd.DataFrame:
    """Baseline to latest for every measure and area with two or more shown periods.

    Parameters
    ----------
    series : DataFrame
        :data:`SERIES_COLUMNS`.
    baseline : dict, optional
        ``{period form: period}`` from :func:`baselines`.
    forms : dict, optional
        ``{measure: period form}`` (DWP years are financial).

    Returns
    -------
    DataFrame
        :data:`CHANGE_COLUMNS`. ``change`` in percentage points for shares, in the
        measure's unit for means; ``verdict`` from :mod:`ccdata.analysis.stats`; a row
        whose baseline or latest figure is hidden gets ``no verdict`` and the reason.
    """
    missing = [c for c in SERIES_COLUMNS if c not in series.columns]
    if missing:
        raise KeyError(f"series lacks the column(s) {missing}")
    baseline, forms = baseline or {}, forms or {}
    rows = []
    for (measure, area_type, area), g in series.groupby(["measure", "area_type", "area"], sort=False):
        periods = g.drop_duplicates("period")
        if len(periods) < 2:
            continue
        a, b, reason = _pick(periods, baseline.get(forms.get(measure, "")))
        head = g.iloc[0]
        row = {c: head[c] for c in ("measure", "title", "stage", "kind", "polarity", "unit", "area_type", "area",
                                    "area_name")}
        row.update(baseline=a["period"], latest=b["period"], baseline_value=a["value"], latest_value=b["value"],
                   change=np.nan, change_lower=np.nan, change_upper=np.nan, verdict=stats.NO_VERDICT,
                   estimate=bool(a["estimate"] or b["estimate"]), reason=reason)
        if bool(a["suppressed"]) or bool(b["suppressed"]) or pd.isna(a["value"]) or pd.isna(b["value"]):
            row["reason"] = "a figure at the baseline or the latest period is hidden or not available"
        else:
            ch = _rule(head["kind"], a, b, head["polarity"], row["estimate"])
            scale = 100 if head["kind"] == stats.PROPORTION else 1
            row["change"] = float(b["value"]) - float(a["value"])
            if ch is not None:
                row.update(change_lower=scale * ch.lower, change_upper=scale * ch.upper, verdict=ch.verdict)
            elif head["kind"] in (stats.PROPORTION, stats.MEAN):
                row["reason"] = "the counts behind the figures are not available, so the change is not tested"
        rows.append(row)
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def diverging(changes_table: pd.DataFrame) -> pd.DataFrame:
    """Wards whose clear change differs from the place's verdict on the same measure.

    Returns ``measure, title, area, area_name, verdict, place_verdict``.
    """
    place = changes_table[changes_table["area_type"] == reader.PLACE].set_index("measure")["verdict"]
    wards = changes_table[(changes_table["area_type"] == reader.WARD)
                          & changes_table["verdict"].isin([stats.IMPROVED, stats.WORSENED])]
    rows = [{"measure": r.measure, "title": r.title, "area": r.area, "area_name": r.area_name,
             "verdict": r.verdict, "place_verdict": place[r.measure]}
            for r in wards.itertuples() if r.measure in place.index and place[r.measure] != r.verdict
            and place[r.measure] != stats.NO_VERDICT]
    return pd.DataFrame(rows, columns=["measure", "title", "area", "area_name", "verdict", "place_verdict"])


# --------------------------------------------------------------------------- a place
def _ward_names(place) -> dict[str, str]:
    wards = getattr(place, "wards", None)
    if isinstance(wards, pd.DataFrame) and {"ward_code", "ward_name"} <= set(wards.columns):
        return dict(zip(wards["ward_code"].astype(str), wards["ward_name"].astype(str)))
    return {}


def for_place(place, rules: disclosure.Rules | None = None, *, wave_names=None) -> Progress:
    """Every series of ``place`` with two or more periods, its changes and what it lacks.

    ``wave_names``: a function from a list of survey waves to ``{wave: name}`` (the pages'
    :func:`ccdata.present.labels.wave_names`), so waves read as on the listening page.

    A malformed ``baseline:`` or ``targets:`` does not stop the page: each series then
    starts at its earliest period (or shows no target), and the adviser's notes say why.
    """
    rules = disclosure._check_rules(rules)
    definition = getattr(place, "definition", {}) or {}
    config_notes = []
    try:
        base = baselines(definition)
    except BaselineError as exc:  # the page still shows every series, from its earliest period
        base = {}
        config_notes.append(f"places.yaml: {exc}; each series starts at its earliest period.")
    vocab = reader.load_vocabulary()
    names = {**_ward_names(place), "place": place.name, "la": place.lad_name}
    parts, lacking, notes, forms = [], [], [], {k: v.period for k, v in vocab.items()}
    forms[CHILD_POVERTY] = forms[CHILD_POVERTY_BHC] = reader.FINANCIAL
    forms.update({mid: reader.ACADEMIC for mid, _, _ in PUPIL_MEASURES.values()})
    sealed = []
    path = place.local_path("outcomes")
    if path is None:
        lacking.append("The partnership's own outcome figures (school readiness, phonics, attainment, attendance) "
                       "are not here yet: no outcomes file has been named for this place.")
    else:
        raw, exclusions = reader.read_outcomes(path, vocab)
        figures = outcome_figures.protect(raw, rules)
        notes.append(figures.note)
        notes += [str(p) for p in exclusions]
        if figures.withheld:
            lacking.append("Some outcome figures are not shown because they could not be protected well enough.")
        parts.append(outcome_series(figures, raw, names))
        sealed.append(figures.local)
    try:
        folder = place.local_path("pupils")
    except MissingDataError as exc:
        folder = None
        notes.append(str(exc))
    if folder is not None:
        try:
            pupils = pupil_years.load_years(folder, collection=place.collection)
        except MissingDataError as exc:
            lacking.append("Pupil extracts (attendance, free school meals, exclusions) describe one year only, so "
                           "they are not compared over time here.")
            notes.append(str(exc))
        else:
            if len(pupils.attrs.get("years", [])) < 2:
                lacking.append("Pupil extracts hold one year only, so they are not compared over time yet.")
            else:
                part, more, msgs = pupil_series(pupils, rules, names)
                parts.append(part)
                sealed.extend(more)
                notes += msgs
    try:
        cp = child_poverty.for_place(place)
        parts.append(child_poverty_series(cp, place.name, place.lad_name))
    except MissingDataError as exc:
        lacking.append("Child poverty over time is not available: the DWP figures are not in the data folder.")
        notes.append(str(exc))
    try:  # before housing costs: a series of its own, shown when the data folder holds it
        cp = child_poverty.for_place(place, dwp_releases.RELATIVE_BHC)
        parts.append(child_poverty_series(cp, place.name, place.lad_name, dwp_releases.RELATIVE_BHC))
    except MissingDataError as exc:
        notes.append(str(exc))
    try:
        questions, responses = survey.load_place_survey(place)
    except MissingDataError as exc:
        lacking.append("No listening survey has been named for this place, so residents' and pupils' answers "
                       "are not followed over time here.")
        notes.append(str(exc))
    else:
        waves = responses.attrs.get("waves") or list(dict.fromkeys(responses["wave"]))
        if len(waves) < 2:
            lacking.append("The listening survey has one wave so far, so its answers are not compared over time.")
        else:
            page = linked.survey_page(responses, questions, rules)
            notes.append(f"Listening survey: {page.note}")
            if page.ok:
                named = {**(wave_names(waves) if wave_names else {}), "place": place.name}
                multiple = survey_options.multiple_choice(questions)
                parts.append(survey_series(page.by_wave, waves, named, skip=multiple))
                if multiple:
                    lacking.append("Questions where people could tick several answers are told answer by "
                                   "answer on the listening page, not followed here.")
                sealed.append(page.by_wave)
            else:
                lacking.append("The listening survey's answers are not shown: they could not be protected well enough.")
    series = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=SERIES_COLUMNS)
    lacking += dwp_gaps(series)
    try:
        iod = deprivation.compare_editions(place)
    except MissingDataError as exc:
        iod = pd.DataFrame()
        lacking.append("The Indices of Deprivation cannot be compared over time: an edition is missing.")
        notes.append(str(exc))
    try:
        has_network = place.local_path("relationships") is not None
    except MissingDataError:
        has_network = False
    if not has_network:
        lacking.append("No relationship survey has been named for this place, so how organisations work together "
                       "is not followed over time here.")
    table = changes(series, base, forms)
    for r in table[table["reason"].str.startswith("the baseline")].itertuples():
        notes.append(f"{r.title} ({r.area_name}): {r.reason}.")
    try:
        tg = targets(definition, vocab)
    except BaselineError as exc:
        tg = pd.DataFrame(columns=["measure", "target", "period"])
        config_notes.append(f"places.yaml: {exc}; no target is shown.")
    notes = config_notes + notes
    if len(tg):
        latest = table[table["area_type"] == reader.PLACE].set_index("measure")
        tg = tg.assign(title=[vocab[m].title for m in tg["measure"]],
                       latest=[latest["latest"].get(m, "") for m in tg["measure"]],
                       latest_value=[latest["latest_value"].get(m, np.nan) for m in tg["measure"]])
    if sealed:  # figures from pupil records: the tables stay sealed as worked out from the protected ones
        series = disclosure.mark(series, rules, sources=sealed)
        table = disclosure.mark(table, rules, sources=sealed)
    return Progress(series, table, iod, tg, lacking, [n for n in notes if n])
