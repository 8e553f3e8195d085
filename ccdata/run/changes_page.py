"""The "what changed" page of a place: the comparisons of :mod:`ccdata.run.changes` in words.

Plain language for partners; why a part is missing goes to the adviser notes. The
page is drawn in the shared page shell (:mod:`ccdata.present.pages`) and passes the
developer-text check before it is written.
"""
from __future__ import annotations

import html
import math
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
    TOP_MOVEMENTS,
    compare_assets,
    compare_connections,
    compare_indicators,
    compare_network,
    describe_movement,
    read_place_summaries,
)
from ccdata.run.report import NOTES_DIR


def _ul(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


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
    cur, prev = inp.current, inp.previous
    parts = []
    since = (f"Compared with the previous successful run ({inp.previous_run_id})."
             if inp.previous_run_id else
             "This is the first successful run for this place, so there is nothing to compare with yet.")
    parts.append(_p(since))

    # Indicators
    parts.append("<h2>Indicators</h2>")
    if INDICATORS_FILE not in cur:
        parts.append(_na("Indicator", inp.reasons.get(INDICATORS_FILE)))
    elif inp.previous_run_id is None:
        parts.append(_p(f"{cur[INDICATORS_FILE]['indicator'].nunique()} indicators are saved for "
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
            parts.append(_p(f"{len(moved)} indicator(s) for the place changed; {n_clear} of them by more "
                            "than the margin of uncertainty. The biggest movements:"))
            parts.append(_ul([describe_movement(r) for _, r in moved.head(TOP_MOVEMENTS).iterrows()]))
        bands = ch.band_changes
        if not bands.empty:
            parts.append("<h3>Changed comparison with England</h3>")
            parts.append(_ul([f"{r['area_name']}: {r['title']}: was {r['old_band']}, now {r['new_band']}."
                              for _, r in bands.iterrows()]))
        if not ch.movements.empty:
            shown = ch.movements.rename(columns={
                "title": "Indicator", "area_name": "Area", "old_value": "Previous %", "new_value": "Now %",
                "change": "Change (points)", "clear": "Clear change", "old_band": "Previous band",
                "new_band": "Band now"})[["Indicator", "Area", "Previous %", "Now %", "Change (points)",
                                          "Clear change", "Previous band", "Band now"]]
            shown["Clear change"] = shown["Clear change"].map({True: "yes", False: "no"})
            parts.append("<details><summary>Every indicator, both runs</summary>"
                         + table_html(shown, caption="Indicators in the previous run and now",
                                      formats={"Previous %": ".1f", "Now %": ".1f",
                                               "Change (points)": "+.1f"}) + "</details>")
        for frame, label in ((ch.not_compared, "Could not be compared"), (ch.added, "New indicators"),
                             (ch.removed, "Indicators no longer reported")):
            if not frame.empty:
                parts.append(table_html(frame, caption=label))

    # Deprivation
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
                sentences.append(f"{r['edition']}: {share:.0f}% of the place's {r['lsoas']} neighbourhoods "
                                 "(LSOAs) are among the 10% most deprived nationally.")
        parts.append(_ul(sentences) if sentences else _p("No deprivation figures for the place."))
        if IOD_EDITIONS_FILE in cur:
            ed = cur[IOD_EDITIONS_FILE]
            d19 = pd.to_numeric(ed["IMD decile 2019"], errors="coerce")
            d25 = pd.to_numeric(ed["IMD decile 2025"], errors="coerce")
            both = d19.notna() & d25.notna()
            more, less = int((d25 < d19)[both].sum()), int((d25 > d19)[both].sum())
            same = int((d25 == d19)[both].sum())
            parts.append(_p(f"Between the two editions, {more} neighbourhood(s) moved into a more deprived "
                            f"decile, {less} into a less deprived one and {same} stayed in the same decile"
                            + (f"; {int((~both).sum())} could not be compared (in one edition only)."
                               if (~both).any() else ".")
                            + " Deciles are national rankings: a move can reflect changes elsewhere."))
        else:
            parts.append(_na("A comparison of the two IoD editions",
                             inp.reasons.get(IOD_EDITIONS_FILE, "only one edition is available")))

    # Assets
    parts.append("<h2>Assets</h2>")
    if ASSETS_FILE not in cur:
        parts.append(_na("Asset", inp.reasons.get(ASSETS_FILE)))
    elif inp.previous_run_id is None or ASSETS_FILE not in prev:
        parts.append(_p(f"{len(cur[ASSETS_FILE])} assets are listed now"
                        + ("; the previous run saved no asset list to compare with."
                           if inp.previous_run_id else "; the list is saved for comparison next time.")))
    else:
        a = compare_assets(prev[ASSETS_FILE], cur[ASSETS_FILE])
        parts.append(_p(f"{len(a['new'])} new and {len(a['closed'])} closed or no longer listed "
                        f"({len(cur[ASSETS_FILE])} assets now)."))
        for key, label in (("new", "New assets"), ("closed", "Closed or no longer listed")):
            if not a[key].empty:
                parts.append(table_html(a[key][["name", "category_label"]].rename(
                    columns={"name": "Name", "category_label": "Kind"}), caption=label))

    # Connections
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
            parts.append(_p(f"{len(c['gained'])} new connection(s), {cross} of them across sectors; "
                            f"{len(c['lost'])} connection(s) no longer reported."))
            if not c["gained"].empty:
                parts.append(table_html(c["gained"][["organisation_a", "organisation_b"]].rename(
                    columns={"organisation_a": "Organisation", "organisation_b": "Now connected with"}),
                    caption="New connections"))
        if NETWORK_FILE in cur and NETWORK_FILE in prev:
            parts.append(table_html(compare_network(prev[NETWORK_FILE], cur[NETWORK_FILE])
                                    [["label", "previous", "now"]].rename(
                columns={"label": "Measure", "previous": "Previous run", "now": "This run"}),
                caption="Network measures"))

    page = page_context(f"What changed: {inp.place_name}", run_line=f"Run {inp.run_id}",
                        nav=[{"href": "index.html", "title": "All pages of this place"}],
                        fictional=inp.fictional and bool(fictional_notice), fictional_notice=fictional_notice,
                        adviser_href=ADVISER_PAGE)
    return shell(page, "".join(parts))


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
    publish.write(place_dir.parent, place_dir / NOTES_DIR / CHANGES_PAGE, "\n".join(checked.notes))
    return publish.write(place_dir.parent, path, checked.partner)
