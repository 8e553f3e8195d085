"""The progress page: what improved, what worsened, what did not move, and the series behind it.

Sections return lists of display blocks; the notebook ``progress.ipynb`` shows them in
order. Figures come from :func:`ccdata.analysis.progress.for_place` (outcome figures already
protected as one linked set); every verdict is the one change rule's
(:mod:`ccdata.analysis.stats`), read here and never recomputed. The first section speaks
of the place only; ward verdicts stay in a table, with a sentence that among many
comparisons some "clear" changes are chance.
"""
from __future__ import annotations

import pandas as pd

from ccdata import present
from ccdata.analysis import disclosure, stats, trends
from ccdata.analysis.progress import Progress, for_place
from ccdata.present import labels as words
from ccdata.present.trendchart import trend_chart

#: How a verdict reads in a sentence.
VERDICT_WORDS = {stats.IMPROVED: "improved", stats.WORSENED: "worsened", stats.NO_CLEAR_CHANGE: "no clear change",
                 stats.INCREASED: "went up", stats.DECREASED: "went down", stats.NO_VERDICT: "not tested"}
GROUPS = ((stats.IMPROVED, "Improved"), (stats.WORSENED, "Worsened"),
          (stats.INCREASED, "Went up (no better or worse judged)"),
          (stats.DECREASED, "Went down (no better or worse judged)"), (stats.NO_CLEAR_CHANGE, "No clear change"))
CHANCE = ("The ward tables compare many figures. Even when nothing has really changed, about one comparison "
          "in twenty looks like a clear change by chance, so a single ward's change is a question to ask "
          "rather than a finding.")
RULE = ("A change is called clear when the range of likely values for the change (its 95% interval: "
        "Newcombe's method for percentages, Welch's for averages) does not include zero. Otherwise it is "
        "\"no clear change\": the figures moved, but not by more than chance could explain.")


def load(place, rules: disclosure.Rules | None = None) -> Progress:
    """The place's progress figures (see :func:`ccdata.analysis.progress.for_place`), survey waves
    named as on the listening page."""
    return for_place(place, rules, wave_names=words.wave_names)


def _value(v, kind: str) -> str:
    if v is None or pd.isna(v):
        return "not shown"  # hidden to protect privacy, withheld by the supplier, or not published
    return f"{float(v):.1f}" if kind == stats.MEAN else f"{float(v):.0f}%"


_AREA_RANK = {"place": 0, "ward": 1, "school": 2, "local_authority": 3, "england": 4}


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    """Children's measures first (by stage of life), each measure's rows together, the place first."""
    first_seen = {m: i for i, m in enumerate(dict.fromkeys(frame["measure"]))}
    keys = pd.DataFrame({"stage": frame["stage"].map(lambda s: trends.STAGES.get(s, ("", 9))[1]),
                         "measure": frame["measure"].map(first_seen),
                         "area": frame["area_type"].map(lambda a: _AREA_RANK.get(a, 9))}, index=frame.index)
    return frame.loc[keys.sort_values(["stage", "measure", "area"], kind="stable").index]


def _sentence(r) -> str:
    text = (f"{r.title}: {_value(r.baseline_value, r.kind)} in {r.baseline}, "
            f"{_value(r.latest_value, r.kind)} in {r.latest}")
    if r.estimate:
        text += " (an estimate shared out from ward figures)"
    return text + "."


def summary_section(progress: Progress) -> list:
    """The first section, in plain words: place-level changes grouped by verdict, children's
    measures first; wards that moved against the place; what the page lacks."""
    place = _order(progress.changes[progress.changes["area_type"] == "place"])
    blocks: list = []
    judged = place[place["verdict"] != stats.NO_VERDICT]
    if judged.empty:
        blocks.append(present.missing("changes over time", "No measure of this place has two periods with "
                                      "figures that can be compared."))
    html = []
    for verdict, heading in GROUPS:
        rows = judged[judged["verdict"] == verdict]
        if rows.empty:
            continue
        items = "".join(f"<li>{present.esc(_sentence(r))}</li>" for r in rows.itertuples())
        html.append(f'<h3 class="ccdata-verdict-{verdict.replace(" ", "-")}">{present.esc(heading)}</h3><ul>{items}</ul>')
    if html:
        blocks.append(present.Block('<div class="ccdata-progress-summary">' + "".join(html) + "</div>"))
    apart = trends.diverging(progress.changes)
    if len(apart):
        lines = [f"In {r.area_name}, {r.title[0].lower() + r.title[1:]} {VERDICT_WORDS[r.verdict]}, while for the "
                 f"place as a whole it showed {VERDICT_WORDS[r.place_verdict]}." for r in apart.itertuples()]
        blocks.append(present.Block("<h3>Wards that moved differently from the place</h3>"
                                    + present.bullets(lines).html + f"<p>{present.esc(CHANCE)}</p>"))
    if iod_sentence(progress.iod):
        blocks.append(present.Block(f"<p>{present.esc(iod_sentence(progress.iod))}</p>"))
    untested = place[place["verdict"] == stats.NO_VERDICT]
    if len(untested):
        blocks.append(present.notice("Not tested: " + "; ".join(
            f"{r.title} ({r.reason})" for r in untested.itertuples()) + "."))
    if progress.lacking:
        blocks.append(present.Block("<h3>What this page does not have yet</h3>" + present.bullets(progress.lacking).html))
    blocks.append(present.Block(f"<p>{present.esc(RULE)}</p>"))
    return blocks


def _chart_title(row) -> str:
    verdict = VERDICT_WORDS.get(row.verdict, "")
    return f"{row.title}: {verdict} since {row.baseline}" if row.verdict != stats.NO_VERDICT else row.title


def charts_section(progress: Progress, *, exclude_stages: tuple[str, ...] = ()) -> list:
    """One small chart per measure (place, authority, England), each with its data.

    ``exclude_stages``: stages whose charts another section shows already (the annual
    report leaves the survey's to its own section).
    """
    place = _order(progress.changes[(progress.changes["area_type"] == "place")
                                    & ~progress.changes["stage"].isin(exclude_stages)])
    if place.empty:
        return [present.missing("trend charts", "No measure of this place has two or more periods.")]
    blocks = []
    for r in place.itertuples():
        rows = progress.series[(progress.series["measure"] == r.measure)
                               & progress.series["area_type"].isin(["place", "local_authority", "england"])]
        if rows.loc[rows["area_type"] == "place", "value"].notna().sum() == 0:
            continue
        unit = "%" if r.kind == stats.PROPORTION else str(r.unit or "points")
        fig = trend_chart(rows, title=_wrap(_chart_title(r)), unit=unit)
        data = _chart_data(rows, unit)
        if disclosure.is_protected(progress.series):
            data = disclosure.mark(data, sources=[progress.series])
        alt = (f"Line chart of {r.title.lower()} by period for the place, its local authority and England. "
               f"The place: {_value(r.baseline_value, r.kind)} in {r.baseline}, "
               f"{_value(r.latest_value, r.kind)} in {r.latest}.")
        caption = f"{r.title}, {r.baseline} to {r.latest}." + (" The place's figures are estimates." if r.estimate else "")
        blocks.append(present.figure(fig, alt=alt, caption=caption, data=data))
    # side by side where the page is wide enough, one above the other on a phone and in print
    style = "display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:1rem"
    return [present.Block(f'<div class="ccdata-small-multiples" style="{style}">'
                          + "".join(b.html for b in blocks) + "</div>")]


def _chart_data(rows: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The numbers behind a trend chart, one row per period: the place with its range, then the
    authority and England (a compact table that prints beside its chart)."""
    what = "%" if unit == "%" else f"({unit})"
    out = pd.DataFrame({"Period": rows.drop_duplicates("period").sort_values("period_end")["period"]})
    for area_type in ("place", "local_authority", "england"):
        part = rows[rows["area_type"] == area_type].drop_duplicates("period").set_index("period")
        if part.empty:
            continue
        name = str(part["area_name"].iloc[0])
        out[f"{name} {what}"] = [part["value"].get(p, pd.NA) for p in out["Period"]]
        if area_type == "place":
            out["Range of likely values (95%)"] = [
                "" if pd.isna(part["lower"].get(p, pd.NA)) or pd.isna(part["upper"].get(p, pd.NA))
                else f"{float(part['lower'][p]):.1f} to {float(part['upper'][p]):.1f}" for p in out["Period"]]
    for col in out.columns[1:]:
        if col != "Range of likely values (95%)":
            out[col] = pd.to_numeric(out[col], errors="coerce").round(1)
    return out.reset_index(drop=True)


def _wrap(text: str, width: int = 58) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def change_text(v, kind: str) -> str:
    """A change as the progress tables show it: signed, one decimal, in points for shares;
    a change that rounds to nothing is ``0.0`` without a sign; empty when there is none."""
    if v is None or pd.isna(v):
        return ""
    unit = "" if kind == stats.MEAN else " points"
    shown = round(float(v), 1)
    # a change that rounds to nothing is shown without a sign ("-0.0" reads as a fall)
    return f"0.0{unit}" if shown == 0 else f"{shown:+.1f}{unit}"


def _table(rows: pd.DataFrame, progress, caption: str, with_area: bool) -> present.Block:
    out = pd.DataFrame({
        "Measure": rows["title"],
        **({"Area": rows["area_name"]} if with_area else {}),
        "Baseline": [f"{_value(v, k)} ({p})" for v, k, p in zip(rows["baseline_value"], rows["kind"], rows["baseline"])],
        "Latest": [f"{_value(v, k)} ({p})" for v, k, p in zip(rows["latest_value"], rows["kind"], rows["latest"])],
        "Change": [change_text(v, k) for v, k in zip(rows["change"], rows["kind"])],
        "Verdict": [VERDICT_WORDS[v] + (" (estimate)" if e else "") for v, e in zip(rows["verdict"], rows["estimate"])],
    }).reset_index(drop=True)
    if disclosure.is_protected(progress.changes):
        out = disclosure.mark(out, sources=[progress.changes])
    return present.table(out, caption=caption)


def place_section(progress: Progress) -> list:
    """Baseline, latest and change for the place, with the same change for its authority and
    England beside it; targets after the table."""
    c = progress.changes
    place = _order(c[c["area_type"] == "place"])
    if place.empty:
        return [present.missing("changes over time", "No measure has two or more periods.")]
    other = {t: c[c["area_type"] == t].set_index("measure") for t in ("local_authority", "england")}

    def beside(kind_of_area, measure, kind):
        rows = other[kind_of_area]
        if measure not in rows.index:
            return "not available"
        r = rows.loc[measure]
        return f"{change_text(r['change'], kind)} ({VERDICT_WORDS[r['verdict']]})".strip()

    out = pd.DataFrame({
        "Measure": place["title"],
        "Baseline": [f"{_value(v, k)} ({p})" for v, k, p in zip(place["baseline_value"], place["kind"], place["baseline"])],
        "Latest": [f"{_value(v, k)} ({p})" for v, k, p in zip(place["latest_value"], place["kind"], place["latest"])],
        "Change": [change_text(v, k) for v, k in zip(place["change"], place["kind"])],
        "Verdict": [VERDICT_WORDS[v] + (" (estimate)" if e else "") for v, e in zip(place["verdict"], place["estimate"])],
        "Local authority change": [beside("local_authority", m, k) for m, k in zip(place["measure"], place["kind"])],
        "England change": [beside("england", m, k) for m, k in zip(place["measure"], place["kind"])],
    }).reset_index(drop=True)
    if disclosure.is_protected(progress.changes):
        out = disclosure.mark(out, sources=[progress.changes])
    blocks = [present.table(out, caption="Each measure for the place from its baseline to the latest period, "
                            "with the same change for the local authority and England")]
    if len(progress.targets):
        t = progress.targets
        lines = [f"{r.title}: {_value(r.latest_value, stats.PROPORTION)} in {r.latest}; the partnership's target "
                 f"is {r.target:.0f}% by {r.period}." for r in t.itertuples()]
        blocks.append(present.Block("<h3>Targets</h3>" + present.bullets(lines).html))
    return blocks


def wards_section(progress: Progress) -> list:
    """Ward changes in a table, with the sentence on chance."""
    w = _order(progress.changes[progress.changes["area_type"] == "ward"])
    if w.empty:
        return [present.missing("wards over time", "No ward figures: the outcomes file, if there is one, gives none.")]
    return [present.Block(f"<p>{present.esc(CHANCE)}</p>"),
            _table(w, progress, "Each measure by ward, from the baseline to the latest period", with_area=True)]


def iod_sentence(iod: pd.DataFrame) -> str:
    """Decile movement between IoD 2019 and 2025 in one sentence (no verdict), or "" without both."""
    if iod is None or iod.empty:
        return ""
    change = iod["Change (deciles; negative = more deprived)"].dropna()
    less, more, same = int((change > 0).sum()), int((change < 0).sum()), int((change == 0).sum())
    n = len(change)
    word = "neighbourhood" if n == 1 else "neighbourhoods"
    return (f"Deprivation: of the place's {n} {word}, {less} moved to a less deprived decile between the 2019 "
            f"and 2025 Indices of Deprivation, {more} to a more deprived one and {same} stayed in the same "
            "decile. The Indices rank every neighbourhood in England against the others at the time, so a "
            "move says how a neighbourhood compares, not that it changed: no verdict is given.")


def iod_section(progress: Progress, names: dict[str, str] | None = None) -> list:
    """Deprivation deciles of each neighbourhood in IoD 2019 and 2025: movement only, no verdict.

    ``names``: neighbourhood code -> name (:func:`ccdata.views.common.lsoa21_names`).
    """
    iod = progress.iod
    if iod is None or iod.empty:
        return [present.missing("deprivation over time", "An edition of the Indices of Deprivation is missing.")]
    text = iod_sentence(iod)
    shown = iod.copy()
    shown.insert(0, "Neighbourhood", [(names or {}).get(c, c) for c in shown["LSOA 2021"]])
    shown = shown.rename(columns={"LSOA 2021": "Code"})
    return [present.Block(f"<p>{present.esc(text)}</p>"),
            present.table(shown, caption="Each neighbourhood's deprivation decile (1 = most deprived 10% in England)")]


def network_section(place) -> list:
    """The relationship survey's waves, as the relationship map page shows them: the whole-network
    measures per wave (no verdict: a network is counted whole, not sampled) and the ties gained
    and lost in one sentence. The lists of ties stay on the relationship map page."""
    from ccdata.analysis import network as net
    from ccdata.errors import CcdataError
    from ccdata.views import network as network_view

    try:
        if place.local_path("relationships") is None:
            return [present.missing("relationships over time", "No relationship survey has been named for this place.")]
        data = net.load_network(place)
    except CcdataError as exc:
        # the reason (a file name, a row) is for the adviser
        return [present.missing("relationships over time", "The relationship survey files could not be read."),
                present.adviser_note("Why the relationship survey is missing", str(exc))]
    # the table of measures per wave, the sentence on ties gained and lost, and what they mean
    return network_view.change_section(data)[:4]


def notes_section(progress: Progress) -> list:
    """For the adviser: the disclosure audit and data notes."""
    if not progress.notes:
        return []
    return [present.adviser_note("Progress figures: method and checks", present.bullets(progress.notes))]
