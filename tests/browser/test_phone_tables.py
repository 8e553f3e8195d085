"""Every table of the four page kinds reads on a phone (390 px) in Chromium: the page never
scrolls sideways, and a table wider than the screen scrolls inside its own box with its
first column (what each row is about) staying put and leaving room for the figures.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ccdata.run import report

pytestmark = [pytest.mark.slow(reason="every table of four pages in Chromium at phone width"), pytest.mark.browser]
PHONE = 390
KINDS = ("dashboard", "assets", "listening", "network")

#: For each table: its caption, whether it is wider than its box, and where its first cell
#: and the box are before and after scrolling the box to its far right.
TABLES_JS = """() => [...document.querySelectorAll('main table')].filter(t => t.offsetParent).map(t => {
  const wrap = t.closest('.ccdata-table-wrap') || t.parentElement;
  const cells = [...t.querySelectorAll('tr')].map(r => r.firstElementChild).filter(Boolean);
  const before = cells.map(c => c.getBoundingClientRect().left);
  const box = wrap.getBoundingClientRect();
  const wide = wrap.scrollWidth > wrap.clientWidth + 1;
  wrap.scrollLeft = wrap.scrollWidth;
  const after = cells.map(c => c.getBoundingClientRect());
  wrap.scrollLeft = 0;
  const cap = t.caption ? t.caption.getBoundingClientRect() : null;
  return {caption: (t.caption ? t.caption.textContent : t.className).slice(0, 80), wide,
          caption_right: cap ? cap.right : 0,
          box_left: box.left, box_width: box.width, before,
          after_left: after.map(r => r.left), first_width: Math.max(...after.map(r => r.width))};
})"""


@pytest.fixture(scope="module")
def pages(demo_site) -> dict[str, Path]:
    return {kind: demo_site.place_dir / report.VIEWS[kind].output for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_every_table_reads_at_phone_width(pages, browser, kind):
    page = browser.new_page(viewport={"width": PHONE, "height": 800})
    page.goto(pages[kind].as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # tables folded away too
    # the page itself never scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    tables = page.evaluate(TABLES_JS)
    assert tables, f"{kind}: no table found"
    wide = 0
    for t in tables:
        if not t["wide"]:
            continue
        wide += 1
        # its caption wraps on the screen rather than running off with the table
        assert t["caption_right"] <= PHONE, (kind, t["caption"])
        # the first column stays where it was while the rest of the table scrolls under it
        assert all(abs(a - b) <= 1 for a, b in zip(t["before"], t["after_left"])), (kind, t["caption"])
        # ... and leaves at least half the box for the figures
        assert t["first_width"] <= 0.5 * t["box_width"] + 1, (kind, t["caption"], t["first_width"])
    print(f"{kind}: {len(tables)} tables, {wide} scroll in their own box")
    page.close()
