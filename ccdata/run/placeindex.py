"""A place's index page and adviser notes: its key findings, its pages in plain words, every problem.

Written by ``report`` and ``batch`` alike from what the run did (:class:`ccdata.run.report.ReportResult`)
and the key findings the place's kernel returned (:mod:`ccdata.run.placework`): nothing is
computed here.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from ccdata import publish
from ccdata._version import __version__
from ccdata.present.pages import ADVISER_PAGE, page_context, render
from ccdata.provenance import FICTIONAL_NOTICE, git_hash
from ccdata.run.registry import VIEWS

if TYPE_CHECKING:  # report writes the index: imported for the annotation only
    from ccdata.run.report import ReportResult

NOTES_DIR = publish.NOTES_DIR


def last_good_date(page: Path) -> str:
    """The run date written into an existing page (its ``ccdata-run-date`` meta), else its file date."""
    try:
        head = page.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return ""
    m = re.search(r'name="ccdata-run-date" content="(\d{4}-\d{2}-\d{2})"', head)
    if m:
        return m.group(1)
    return dt.date.fromtimestamp(page.stat().st_mtime).isoformat()


def _long_date(iso: str) -> str:
    try:
        d = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d:%B %Y}"


def write_place_index(place, place_dir: Path, result: ReportResult, run_date: str,
                      extra_links: list[tuple[str, str]] = (), findings: list[str] | None = None,
                      findings_error: str | None = None) -> Path:
    """``<place>/index.html`` and ``<place>/adviser-notes.html``.

    The index opens with the key findings and lists the place's pages in plain words (a
    failed view: "not available this time; the last good version is from <date>"); every
    reason and error goes to the adviser notes.

    Parameters
    ----------
    place : Place
        The place (its name, description and whether it is fictional).
    place_dir : Path
        ``<out>/<place>``.
    result : ReportResult
        What each view did.
    run_date : str
        ``YYYY-MM-DD``.
    extra_links : list of (href, text)
        Pages listed after the views (a batch run adds its "what changed" page).
    findings : list of str, optional
        The key findings as the place's kernel returned them (:func:`ccdata.run.placework.place_findings`);
        ``None`` when they could not be computed.
    findings_error : str, optional
        Why they could not be computed, for the adviser notes.
    """
    if not isinstance(place_dir, Path):
        raise TypeError(f"place_dir must be a Path, not {type(place_dir).__name__}")
    if findings is not None and (isinstance(findings, str) or not all(isinstance(f, str) for f in findings)):
        raise TypeError("findings must be a list of sentences (text)")
    items, problems, notes = [], [], []
    if findings_error:
        problems.append({"title": "Key findings", "detail": findings_error})
    for view in VIEWS.values():
        vr = next((v for v in result.views if v.view == view.name), None)
        page = place_dir / view.output
        failed = vr is not None and vr.status == "failed"
        if failed:
            problems.append({"title": view.title, "detail": vr.message})
        elif vr is not None and vr.status == "skipped":
            problems.append({"title": view.title, "detail": f"not run: {vr.message}"})
        for line in (getattr(vr, "refused", None) or []):
            problems.append({"title": view.title, "detail": f"a local file was refused, so the page was "
                             f"published without its sections: {line}"})
        if page.exists():
            note = ""
            if failed:
                note = f"not available this time; the last good version is from {_long_date(last_good_date(page))}"
            elif getattr(vr, "refused", None):
                note = "some sections are missing this time: a file set up for them could not be used"
            items.append({"href": view.output, "title": view.title, "note": note})
            fragment = place_dir / NOTES_DIR / view.output
            if fragment.exists() and fragment.read_text(encoding="utf-8").strip():
                notes.append({"name": view.name, "title": view.title,
                              "notes": Markup(fragment.read_text(encoding="utf-8"))})
        else:
            why = ("not available this time" if failed else
                   "not part of this place's reports: the files it needs have not been provided"
                   if vr is not None and vr.status == "skipped" else "not produced yet")
            items.append({"href": "", "title": view.title, "note": why})
    for href, text in extra_links:
        items.append({"href": href, "title": text, "note": ""})
        fragment = place_dir / NOTES_DIR / href
        if fragment.exists() and fragment.read_text(encoding="utf-8").strip():
            notes.append({"name": Path(href).stem, "title": text,
                          "notes": Markup(fragment.read_text(encoding="utf-8"))})
    common = dict(run_line=f"Updated {run_date}", run_date=run_date, fictional=place.fictional,
                  fictional_notice=FICTIONAL_NOTICE)
    footer = f"{place.name} · produced {run_date} by ccdata {__version__} (git {git_hash()})."
    page_html = render("place_index.html.j2", page_context(
        f"{place.name}: ccdata reports", heading=place.name, footer=footer, adviser_href=ADVISER_PAGE,
        **common), description=place.description, findings=findings or [], items=items)
    notes_html = render("adviser_notes.html.j2", page_context(
        f"Notes for the adviser: {place.name}", footer=footer,
        nav=[{"href": "index.html", "title": "All pages"}], **common), problems=problems, views=notes)
    publish.write(place_dir.parent, place_dir / ADVISER_PAGE, notes_html)
    return publish.write(place_dir.parent, place_dir / "index.html", page_html)
