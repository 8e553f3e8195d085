"""The annual report: one document per place, laid out for A4 print, for a board or a funder.

Cover (with a contents list whose entries link to the sections), key findings, progress,
what residents and pupils said, how the organisations are connected, and sources. Every
section is made of the blocks the other pages show, by calling their section functions
(:mod:`ccdata.views.dashboard`, :mod:`ccdata.views.over_time`, :mod:`ccdata.views.listening`,
:mod:`ccdata.views.network`): no figure or chart is worked out a second time here. Each
section starts on a new printed page; the notebook ``annual.ipynb`` shows them in order.
"""
from __future__ import annotations

import datetime as dt

from ccdata import present
from ccdata.analysis import network as net
from ccdata.errors import CcdataError
from ccdata.views import dashboard, listening, over_time
from ccdata.views import network as network_view

#: The sections, in order: (anchor, title).
SECTIONS = (("annual-findings", "Key findings"), ("annual-progress", "Progress"),
            ("annual-voices", "What residents and pupils said"),
            ("annual-connections", "How the organisations are connected"), ("annual-sources", "Sources"))
#: Print layout of the report (the page shell's print style does the rest): each section on a
#: new page, the cover on its own.
PRINT_STYLE = """<style>
.ccdata-annual-cover { margin: 1rem 0 2rem; }
.ccdata-annual-cover .ccdata-annual-year { font-size: 1.4rem; margin: .2rem 0 1rem; }
.ccdata-annual-contents ol { line-height: 1.8; }
@media print {
  .ccdata-annual-section { break-before: page; }
  .ccdata-small-multiples { display: block !important; }
  .ccdata-small-multiples figure { break-inside: avoid; }
}
</style>"""


def cover(place, year: int | None = None) -> list:
    """The cover: the place, the year, what the partnership is, and the contents."""
    year = year or dt.date.today().year
    contents = "".join(f'<li><a href="#{a}">{present.esc(t)}</a></li>' for a, t in SECTIONS)
    html = (f'{PRINT_STYLE}<div class="ccdata-annual-cover"><p class="ccdata-annual-year">Report for {year}</p>'
            f"<p>{present.esc(place.description)}</p></div>"
            f'<nav class="ccdata-annual-contents" aria-label="Contents"><h2>Contents</h2><ol>{contents}</ol></nav>')
    return [present.Block(html)]


def heading(anchor: str, *, title: bool = True) -> present.Block:
    """A section's heading, starting a new printed page; ``anchor`` is one of :data:`SECTIONS`.

    ``title=False`` for a section whose first block has its own heading (the key findings):
    only the anchor and the page break are added, so the heading is not printed twice.
    """
    titles = dict(SECTIONS)
    if anchor not in titles:
        raise ValueError(f"anchor must be one of {list(titles)}, not {anchor!r}")
    if not title:
        return present.Block(f'<div id="{anchor}" class="ccdata-annual-section"></div>')
    return present.Block(f'<h2 id="{anchor}" class="ccdata-annual-section">{present.esc(titles[anchor])}</h2>')


def findings_section(place) -> list:
    """Key findings, as on the dashboard."""
    return [heading("annual-findings", title=False), *dashboard.key_findings(place)]


def progress_section(progress) -> list:
    """What changed since the baseline, the trend charts and the table, as on the progress page."""
    # the survey's changes are in "what residents and pupils said": no second chart of them here
    return [heading("annual-progress"), *over_time.summary_section(progress),
            *over_time.charts_section(progress, exclude_stages=("voices",)), *over_time.place_section(progress)]


def voices_section(place) -> list:
    """Headline answers and the change between waves, as on the listening page."""
    blocks = [heading("annual-voices")]
    try:
        path = place.local_path("survey_responses")
    except CcdataError as exc:
        return blocks + [present.missing("what residents and pupils said", "The survey files could not be read."),
                         present.adviser_note("Why the survey is missing", str(exc))]
    if path is None:
        return blocks + [present.missing("what residents and pupils said",
                                         "No listening survey has been named for this place.")]
    data = listening.load(place)
    return blocks + listening.headlines_section(data) + listening.change_section(data)


def connections_section(place) -> list:
    """Headline network figures and the core team's role, as on the relationship map page."""
    blocks = [heading("annual-connections")]
    try:
        path = place.local_path("relationships")
    except CcdataError as exc:
        return blocks + [present.missing("how the organisations are connected",
                                         "The relationship survey files could not be read."),
                         present.adviser_note("Why the relationship survey is missing", str(exc))]
    if path is None:
        return blocks + [present.missing("how the organisations are connected",
                                         "No relationship survey has been named for this place.")]
    data = net.load_network(place)
    return blocks + network_view.overview(place, data) + network_view.core_team_section(data)


def sources_section(place) -> list:
    """The data used, with releases and licences, as on the dashboard."""
    return [heading("annual-sources"), *dashboard.methods_section(place)]
