"""Whole pages: one Jinja2 environment and one page shell for every page ccdata writes.

The report views are exported by nbconvert through ``templates/ccdata/index.html.j2``;
the place index, the adviser notes, the batch site and run indexes and the
what-changed pages are rendered here from ``templates/ccdata/page.html.j2``. Both
include the same header and footer (``_header.html.j2``, ``_footer.html.j2``), fed by
:func:`page_context`, so the banner, navigation and footer are written once.

Also here: taking the adviser-only sections (``data-audience="adviser"``) out of a
partner page, and the gate a page passes before it is published
(:func:`publishable`, using :mod:`ccdata.present.devtext`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import jinja2
from markupsafe import Markup

from ccdata import cache, config
from ccdata._version import __version__
from ccdata.present import devtext

TEMPLATES_DIR = config.resource("templates")
TEMPLATE = "ccdata"
ADVISER_PAGE = "adviser-notes.html"
LICENCE = ("Contains public sector information licensed under the Open Government Licence v3.0; "
           "boundaries contain OS data © Crown copyright and database right.")
#: The footer of a fictional place's pages: its data are invented, so no publisher is credited.
FICTIONAL_LICENCE = ("Every figure, boundary and name in these reports is invented: ccdata generated "
                     "them in the formats of the official releases.")


@cache.pure("single")
def environment() -> jinja2.Environment:
    """The one Jinja2 environment for ccdata pages (autoescaped, undefined names fail)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / TEMPLATE)),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True)


def page_context(title: str, *, kicker: str = "ccdata reports", place_name: str = "",
                 run_line: str = "", run_date: str = "", nav: list[dict] | tuple = (),
                 nav_label: str = "Pages of this place", fictional: bool = False,
                 fictional_notice: str = "", footer: str = "", adviser_href: str = "",
                 heading: str = "") -> dict:
    """What the shared header and footer show (every value is plain text, escaped later).

    ``nav`` items are dicts with ``href``, ``title`` and optionally ``current``.
    """
    if not isinstance(title, str) or not title.strip():
        raise ValueError("a page needs a title")
    for item in nav:
        if not {"href", "title"} <= set(item):
            raise ValueError(f"navigation items need 'href' and 'title': {item!r}")
    return {"title": title, "heading": heading, "kicker": kicker, "place_name": place_name,
            "run_line": run_line, "run_date": run_date,
            "nav": [{"current": False, **item} for item in nav], "nav_label": nav_label,
            "fictional": bool(fictional), "fictional_notice": fictional_notice,
            "footer": footer, "licence": FICTIONAL_LICENCE if fictional else LICENCE,
            "adviser_href": adviser_href,
            "version": __version__}


def render(template: str, page: dict, **context) -> str:
    """Render a page template (``page.html.j2`` or one extending it).

    Strings passed as ``body`` or wrapped in :class:`markupsafe.Markup` are trusted
    markup (blocks from :mod:`ccdata.present`, already escaped); everything else is
    escaped by the environment.
    """
    if "body" in context and isinstance(context["body"], str):
        context["body"] = Markup(context["body"])
    return environment().get_template(template).render(page=page, **context)


def shell(page: dict, body: str) -> str:
    """A whole page: the shared shell around ``body`` (trusted, already-escaped HTML)."""
    return render("page.html.j2", page, body=body)


# --------------------------------------------------------------------------- adviser notes
_SECTION = re.compile(r"<(/?)section\b[^>]*>", re.IGNORECASE)
_ADVISER_START = re.compile(r"<section\b[^>]*\bdata-audience=[\"']adviser[\"'][^>]*>", re.IGNORECASE)


def split_adviser(page_html: str) -> tuple[str, list[str]]:
    """Take the adviser-only sections out of a page.

    Returns the page without them and the list of removed sections (their HTML).
    """
    if not isinstance(page_html, str):
        raise TypeError(f"split_adviser expects HTML text, not {type(page_html).__name__}")
    notes: list[str] = []
    out: list[str] = []
    pos = 0
    while True:
        m = _ADVISER_START.search(page_html, pos)
        if not m:
            out.append(page_html[pos:])
            break
        out.append(page_html[pos:m.start()])
        depth, end = 1, len(page_html)
        for tag in _SECTION.finditer(page_html, m.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        notes.append(page_html[m.start():end])
        pos = end
    return "".join(out), notes


@dataclass
class Checked:
    """A page after the publishing gate: the partner page, its adviser notes, any problems."""

    partner: str
    notes: list[str] = field(default_factory=list)
    problems: list[devtext.Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def publishable(page_html: str) -> Checked:
    """Split off the adviser notes and check the partner page for developer text.

    A page with problems must not be published; the problems belong in the adviser notes.
    """
    partner, notes = split_adviser(page_html)
    return Checked(partner, notes, devtext.check(partner))
