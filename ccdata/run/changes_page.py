"""The "what changed" page of a place: the comparisons of :mod:`ccdata.run.changes` in words.

Plain language for partners; why a part is missing goes to the adviser notes. The
page is drawn in the shared page shell (:mod:`ccdata.present.pages`) and passes the
developer-text check before it is written.
"""
from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ccdata.errors import CcdataError, MissingDataError
from ccdata import publish
from ccdata.present import adviser_note, table_html
from ccdata.present.pages import ADVISER_PAGE, page_context, publishable, shell
from ccdata.provenance import FICTIONAL_NOTICE
from ccdata.run.changes import (
    ASSETS_FILE,
    CHANGES_PAGE,
    CONNECTIONS_FILE,
    DEPRIVATION_FILE,
    INDICATORS_FILE,
    IOD_EDITIONS_FILE,
    NETWORK_FILE,
    NETWORK_LABELS,
    TOP_MOVEMENTS,
    compare_assets,
    compare_connections,
    compare_indicators,
    compare_network,
    describe_movement,
    read_place_summaries,
)

#: How a run folder is named (as ``ccdata.run.site.RUN_ID_FORMAT``, which imports the batch
#: code that imports this module).
RUN_ID_FORMAT = "%Y-%m-%dT%H%M%S"


def _ul(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _plural(n: int, one: str, many: str | None = None) -> str:
    """``"1 neighbourhood"``, ``"2 neighbourhoods"``: a count with its noun in the right number."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _when(run_id: str | None) -> str:
    """A run id as partners read it: ``2026-12-07T084933`` -> ``7 December 2026, 08:49``."""
    try:
        t = dt.datetime.strptime(str(run_id)[:17], RUN_ID_FORMAT)
    except ValueError:
        return str(run_id)
    return f"{t.day} {t:%B %Y, %H:%M}"


def _figure(value, label: str = "") -> str:
    """A network measure: a share (0-1, its label saying "share" or "density") as a percentage,
    whole numbers with separators, other numbers to three significant figures."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    if pd.isna(number):
        missing = value is None or value is pd.NA or (isinstance(value, str) and not value.strip()) \
            or (isinstance(value, float) and math.isnan(value))
        return "not recorded" if missing else str(value)
    number = float(number)
    if re.match(r"(share|density)\b", str(label), re.IGNORECASE) and 0 <= number <= 1:
        return f"{100 * number:.1f}%"
    return f"{number:,.0f}" if number.is_integer() else f"{number:.3g}"


#: Why an indicator could not be compared, in words (the recorded status goes to the adviser).
NOT_COMPARED_WORDS = {
    (True, False): "No figure in the previous reports",
    (False, True): "No figure this time",
    (True, True): "No figure in either set of reports",
}


def _area_names(*frames: pd.DataFrame) -> dict[str, str]:
    """``area`` key -> the area's name, from the indicator tables that carry ``area_name``."""
    names: dict[str, str] = {}
    for frame in frames:
        if frame is not None and {"area", "area_name"} <= set(frame.columns):
            for key, name in zip(frame["area"], frame["area_name"]):
                if isinstance(name, str) and name.strip():
                    names.setdefault(str(key), name)
    return names


def _grouped(frame: pd.DataFrame, names: dict[str, str], reason_of) -> str:
    """Indicators listed once each, under each reason once: ``Reason: Title (Area, Area)``."""
    groups: dict[str, dict[str, list[str]]] = {}
    for rec in frame.to_dict("records"):
        by_title = groups.setdefault(reason_of(rec), {})
        by_title.setdefault(str(rec["title"]), []).append(names.get(str(rec["area"]), str(rec["area"])))
    out = []
    for reason, titles in groups.items():
        items = [f"{title} ({', '.join(dict.fromkeys(areas))})" for title, areas in titles.items()]
        out.append(f"<p>{html.escape(reason)}:</p>" + _ul(items))
    return "".join(out)


def _not_compared_reason(rec: dict) -> str:
    text = str(rec.get("reason", ""))
    return NOT_COMPARED_WORDS.get(("previous run:" in text, "this run:" in text), "Not comparable")


def _na(what: str, reason: str | None) -> str:
    """A plain note for partners; the reason, if any, in an adviser-only section."""
    note = adviser_note(f"Why {what.lower()} data are not available", reason).html if reason else ""
    return f'<p class="ccdata-missing">{html.escape(what)} data are not available this time.</p>{note}'


@dataclass
class ChangeInputs:
    """Everything a changes page shows, already read (``None`` where not available).

    ``current``/``previous`` map a summary file name to its DataFrame; ``reasons``
    maps a file name to why this run could not make it.
    """

    place_name: str
    run_id: str
    previous_run_id: str | None
    current: dict[str, pd.DataFrame] = field(default_factory=dict)
    previous: dict[str, pd.DataFrame] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    fictional: bool = False


def render_changes(inp: ChangeInputs, fictional_notice: str = "") -> str:
    """The ``changes.html`` page: short, plain language, every text escaped.

    Parameters
    ----------
    inp : ChangeInputs
    fictional_notice : str
        Banner text shown when ``inp.fictional``.
    """

    if not isinstance(inp, ChangeInputs):
        raise TypeError(f"render_changes expects ChangeInputs, not {type(inp).__name__}")
    parts = []
    since = (f"Compared with the reports of {_when(inp.previous_run_id)}."
             if inp.previous_run_id else
             "This is the first successful run for this place, so there is nothing to compare with yet.")
    parts.append(_p(since))
    for section in (_indicators, _deprivation, _assets, _connections):
        parts += section(inp)

    page = page_context(f"What changed: {inp.place_name}", kicker="What changed", place_name=inp.place_name,
                        run_line=f"Reports of {_when(inp.run_id)}",
                        nav=[{"href": "index.html", "title": "All pages of this place"}],
                        fictional=inp.fictional and bool(fictional_notice), fictional_notice=fictional_notice,
                        adviser_href=ADVISER_PAGE)
    return shell(page, "".join(parts))


def _indicators(inp: ChangeInputs) -> list[str]:
    """The indicators section: what moved for the place, changed comparisons with England, the full table."""
    cur, prev = inp.current, inp.previous
    parts = []
    parts.append("<h2>Indicators</h2>")
    if INDICATORS_FILE not in cur:
        parts.append(_na("Indicator", inp.reasons.get(INDICATORS_FILE)))
    elif inp.previous_run_id is None:
        saved = cur[INDICATORS_FILE]["indicator"].nunique()
        parts.append(_p(f"{_plural(saved, 'indicator')} {'is' if saved == 1 else 'are'} saved for "
                        "comparison next time."))
    elif INDICATORS_FILE not in prev:
        parts.append(_p("The previous run saved no indicator figures; this run's are kept for next time."))
    else:
        ch = compare_indicators(prev[INDICATORS_FILE], cur[INDICATORS_FILE])
        place_rows = ch.movements[ch.movements["area"] == "place"]
        moved = place_rows[place_rows["change"] != 0]
        if moved.empty:
            parts.append(_p("No indicator for the place changed."))
        else:
            n_clear = int(moved["clear"].sum())
            parts.append(_p(f"{_plural(len(moved), 'indicator')} for the place changed; {n_clear} of "
                            f"{'it' if len(moved) == 1 else 'them'} by more than the margin of uncertainty. "
                            f"The biggest {'movement' if len(moved) == 1 else 'movements'}:"))
            parts.append(_ul([describe_movement(r) for _, r in moved.head(TOP_MOVEMENTS).iterrows()]))
        bands = ch.band_changes
        if not bands.empty:
            parts.append("<h3>Changed comparison with England</h3>")
            parts.append(_ul([f"{r['area_name']}: {r['title']}: was {r['old_band']}, now {r['new_band']}."
                              for _, r in bands.iterrows()]))
        if not ch.movements.empty:
            shown = ch.movements.rename(columns={
                "title": "Indicator", "area_name": "Area", "old_value": "Previous %", "new_value": "Now %",
                "change": "Change (points)", "clear": "Clear change", "old_band": "Against England before",
                "new_band": "Against England now"})[["Indicator", "Area", "Previous %", "Now %", "Change (points)",
                                                     "Clear change", "Against England before",
                                                     "Against England now"]]
            shown["Clear change"] = shown["Clear change"].map({True: "yes", False: "no"})
            parts.append("<details><summary>Every indicator, before and now</summary>"
                         + table_html(shown, caption="Indicators in the previous reports and now",
                                      formats={"Previous %": ".1f", "Now %": ".1f",
                                               "Change (points)": "+.1f"}) + "</details>")
        # indicator titles and area names, each reason said once (the recorded statuses are
        # for the adviser)
        names = _area_names(prev[INDICATORS_FILE], cur[INDICATORS_FILE])
        if not ch.not_compared.empty:
            parts.append("<h3>Could not be compared</h3>"
                         + _grouped(ch.not_compared, names, _not_compared_reason)
                         + adviser_note("Why indicators could not be compared",
                                        "\n".join(f"{r.title} ({names.get(str(r.area), r.area)}): {r.reason}"
                                                   for r in ch.not_compared.itertuples(index=False))).html)
        for frame, label in ((ch.added, "New this time"), (ch.removed, "No longer reported")):
            if not frame.empty:
                parts.append(f"<h3>{label}</h3>" + _grouped(frame, names, lambda rec: "Indicators"))
    return parts


def _deprivation(inp: ChangeInputs) -> list[str]:
    """The deprivation section: the share of neighbourhoods most deprived in each edition, and decile moves."""
    cur = inp.current
    parts = []
    parts.append("<h2>Deprivation: IoD 2019 and IoD 2025</h2>")
    if DEPRIVATION_FILE not in cur:
        parts.append(_na("Deprivation", inp.reasons.get(DEPRIVATION_FILE)))
    else:
        dep = cur[DEPRIVATION_FILE]
        place_dep = dep[dep["area"] == "place"]
        sentences = []
        for _, r in place_dep.iterrows():
            share = pd.to_numeric(r["pct_lsoas_most_deprived_10"], errors="coerce")
            if not math.isnan(share):
                lsoas = int(pd.to_numeric(r["lsoas"], errors="coerce") or 0)
                sentences.append(f"{r['edition']}: {share:.0f}% of the place's {_plural(lsoas, 'neighbourhood')} "
                                 f"{'is' if lsoas == 1 else 'are'} among the 10% most deprived in England.")
        parts.append(_ul(sentences) if sentences else _p("No deprivation figures for the place."))
        if IOD_EDITIONS_FILE in cur:
            ed = cur[IOD_EDITIONS_FILE]
            d19 = pd.to_numeric(ed["IMD decile 2019"], errors="coerce")
            d25 = pd.to_numeric(ed["IMD decile 2025"], errors="coerce")
            both = d19.notna() & d25.notna()
            more, less = int((d25 < d19)[both].sum()), int((d25 > d19)[both].sum())
            same = int((d25 == d19)[both].sum())
            parts.append(_p(f"Between the two editions, {_plural(more, 'neighbourhood')} moved into a more "
                            f"deprived decile, {less} into a less deprived one and {same} stayed in the same decile"
                            + (f"; {int((~both).sum())} could not be compared (in one edition only)."
                               if (~both).any() else ".")
                            + " Deciles are national rankings: a move can reflect changes elsewhere."))
        else:
            parts.append(_na("A comparison of the two IoD editions",
                             inp.reasons.get(IOD_EDITIONS_FILE, "only one edition is available")))
    return parts


def _assets(inp: ChangeInputs) -> list[str]:
    """The assets section: new and closed assets."""
    cur, prev = inp.current, inp.previous
    parts = []
    parts.append("<h2>Assets</h2>")
    if ASSETS_FILE not in cur:
        parts.append(_na("Asset", inp.reasons.get(ASSETS_FILE)))
    elif inp.previous_run_id is None or ASSETS_FILE not in prev:
        parts.append(_p(f"{_plural(len(cur[ASSETS_FILE]), 'asset')} "
                        f"{'is' if len(cur[ASSETS_FILE]) == 1 else 'are'} listed now"
                        + ("; the previous run saved no asset list to compare with."
                           if inp.previous_run_id else "; the list is saved for comparison next time.")))
    else:
        a = compare_assets(prev[ASSETS_FILE], cur[ASSETS_FILE])
        parts.append(_p(f"{len(a['new'])} new and {len(a['closed'])} closed or no longer listed "
                        f"({_plural(len(cur[ASSETS_FILE]), 'asset')} now)."))
        for key, label in (("new", "New assets"), ("closed", "Closed or no longer listed")):
            if not a[key].empty:
                parts.append(table_html(a[key][["name", "category_label"]].rename(
                    columns={"name": "Name", "category_label": "Kind"}), caption=label))
    return parts


def _connections(inp: ChangeInputs) -> list[str]:
    """The connections section: new and lost ties between organisations, and the network measures."""
    cur, prev = inp.current, inp.previous
    parts = []
    parts.append("<h2>Connections between organisations</h2>")
    if NETWORK_FILE not in cur and CONNECTIONS_FILE not in cur:
        parts.append(_na("Relationship", inp.reasons.get(NETWORK_FILE)))
    elif inp.previous_run_id is None:
        parts.append(_p("The relationship summary is saved for comparison next time."))
    elif not ({NETWORK_FILE, CONNECTIONS_FILE} & set(prev)):
        parts.append(_p("The previous run saved no relationship summary to compare with."))
    else:
        if CONNECTIONS_FILE in cur and CONNECTIONS_FILE in prev:
            c = compare_connections(prev[CONNECTIONS_FILE], cur[CONNECTIONS_FILE])
            cross = int(c["gained"]["cross_sector"].sum()) if not c["gained"].empty else 0
            parts.append(_p(f"{_plural(len(c['gained']), 'new connection')}, {cross} of "
                            f"{'it' if len(c['gained']) == 1 else 'them'} across sectors; "
                            f"{_plural(len(c['lost']), 'connection')} no longer reported."))
            if not c["gained"].empty:
                parts.append(table_html(c["gained"][["organisation_a", "organisation_b"]].rename(
                    columns={"organisation_a": "Organisation", "organisation_b": "Now connected with"}),
                    caption="New connections"))
        if NETWORK_FILE in cur and NETWORK_FILE in prev:
            measures = compare_network(prev[NETWORK_FILE], cur[NETWORK_FILE])
            # only the measures that have a name (the summary also records e.g. which wave it is)
            measures = measures[measures["metric"].isin(NETWORK_LABELS)][["label", "previous", "now"]]
            measures = measures.assign(previous=[_figure(v, k) for v, k in zip(measures["previous"], measures["label"])],
                                       now=[_figure(v, k) for v, k in zip(measures["now"], measures["label"])])
            parts.append(table_html(measures.rename(
                columns={"label": "Measure", "previous": "Previous reports", "now": "This time"}),
                caption="Network measures"))
    return parts


def write_changes(place_dir: Path | str, previous_dir: Path | str | None, *, place_name: str,
                  run_id: str, previous_run_id: str | None, fictional: bool = False) -> Path:
    """Compare a place's summaries with the previous successful run and write ``changes.html``.

    Parameters
    ----------
    place_dir : path
        ``<run>/<place>/`` of this run.
    previous_dir : path or None
        The same place's folder in the previous successful run (``None``: first run,
        or the place was not in it).

    Returns
    -------
    Path
        ``<place_dir>/changes.html``.
    """

    place_dir = Path(place_dir)
    if not place_dir.is_dir():
        raise MissingDataError(f"run folder {place_dir} does not exist")
    current, reasons = read_place_summaries(place_dir)
    previous, _ = read_place_summaries(previous_dir if previous_dir and Path(previous_dir).is_dir() else None)
    had_previous = previous_dir is not None and Path(previous_dir).is_dir()
    inp = ChangeInputs(place_name=place_name, run_id=run_id,
                       previous_run_id=previous_run_id if had_previous else None,
                       current=current, previous=previous, reasons=reasons, fictional=fictional)
    checked = publishable(render_changes(inp, fictional_notice=FICTIONAL_NOTICE))
    path = place_dir / CHANGES_PAGE
    if not checked.ok:
        raise CcdataError("the what-changed page carried text meant for the adviser, so it was not "
                          "published: " + "; ".join(map(str, checked.problems[:10])))
    publish.write(place_dir.parent, place_dir / publish.NOTES_DIR / CHANGES_PAGE, "\n".join(checked.notes))
    return publish.write(place_dir.parent, path, checked.partner)
