"""Landmarks (axe-core "region" and "landmark-unique") on pages built from the templates alone:
an exported view, the page shell and the adviser notes of a fictional place. Fast: no notebook
runs; the demo pages are checked the same way by tests/browser/test_pages_browser.py."""
from __future__ import annotations

import types
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from helpers.browser import axe_entry

from ccdata import present
from ccdata.present.pages import page_context, render, shell
from ccdata.run import report

RULES = ("region", "landmark-unique")
NAV = [{"href": "index.html", "title": "All pages"}, {"href": "dashboard.html", "title": "Dashboard",
                                                     "current": True}]


def _blocks() -> list[present.Block]:
    """Blocks as a view shows them, with two adviser notes of the same title (as several views have)."""
    table = present.table(pd.DataFrame({"Area": ["A", "B"], "Children": [1200, 340]}), caption="Children")
    return [present.notice("A note."), present.metrics({"Children": 1540}), table,
            present.adviser_note("Data quality notes", "one"), present.adviser_note("Data quality notes", "two")]


def _page(**extra) -> dict:
    return page_context("Dashboard: Demoton", kicker="Dashboard", place_name="Demoton", nav=NAV,
                        fictional=True, fictional_notice="Invented data.", footer="Demoton.",
                        adviser_href="adviser-notes.html", **extra)


def _exported(tmp_path: Path) -> str:
    """A one-cell notebook whose outputs are the blocks, exported through the report template."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Dashboard"),
                                         nbformat.v4.new_code_cell("blocks")])
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": b._repr_html_(), "text/plain": repr(b)}) for b in _blocks()]
    path = tmp_path / "dashboard.ipynb"
    nbformat.write(nb, str(path))
    place = types.SimpleNamespace(id="demo", name="Demoton", fictional=True)
    view = report.VIEWS["dashboard"]
    meta = report._page_meta(place, view, [{"name": "dashboard", "href": view.output, "title": view.title}],
                             "2026-11-27")
    return report.export_html(path, meta)


def _pages(tmp_path: Path) -> dict[str, str]:
    body = "".join(b.html for b in _blocks())
    notes = [{"name": n, "title": n.title(), "notes": body} for n in ("dashboard", "assets")]
    return {"exported view": _exported(tmp_path),
            "page shell": shell(_page(), body),
            "adviser notes": render("adviser_notes.html.j2", _page(), problems=[], views=notes)}


@pytest.mark.slow(reason="axe-core in Chromium")
def test_no_content_outside_landmarks_and_landmarks_unique(tmp_path, axe_scan):
    paths = {}
    for name, text in _pages(tmp_path).items():
        paths[name] = tmp_path / f"{name.replace(' ', '-')}.html"
        paths[name].write_text(text, encoding="utf-8")
    found, others = [], []
    for name, v in axe_scan(paths):
        (found if v["id"] in RULES else others).append(axe_entry(name, v))
    print("\n".join(["other axe findings:"] + others))
    assert not found, found


def test_the_export_drops_block_styles_but_keeps_the_banner_in_the_header(tmp_path):
    page = _exported(tmp_path)
    assert "data-ccdata-style" not in page
    header = page[page.index('<header class="ccdata-header"'):page.index("</header>")]
    assert "ccdata-fictional-banner" in header
