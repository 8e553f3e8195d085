"""Charts and print in headless Chromium.

On screen (1280 px and a 390 px phone): every piece of chart text (SVG ``<text>``) is
drawn at least 10 px high, and nothing in the main column is wider than the screen.
On paper: with print media at A4 width no table or chart is wider than the printable
area, and a real place's dashboard (from the official-file mirror) prints on at most
12 A4 pages whose text carries the data behind every chart, with no script run to
open it. Screenshots (of the whole page when a check failed) and PDFs go to
``test-artifacts/print-and-charts/``.
"""
from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from helpers.paths import REPO


pytestmark = [pytest.mark.slow(reason="the real places' dashboards (official tables, a notebook each) in Chromium"), pytest.mark.browser]

ARTIFACTS = REPO / "test-artifacts" / "print-and-charts"
WIDTHS = (1280, 390)
#: Real places whose dashboards must print on at most MAX_PAGES A4 pages.
REAL_PLACES = ("smallshaw-hurst", "pembury")
MAX_PAGES = 12
#: A4 (210 mm) less the 12 mm side margins of the @page rule, in CSS pixels (96 per inch).
A4_PRINTABLE_PX = int((210 - 2 * 12) / 25.4 * 96)
MIN_TEXT_PX = 10

#: Height of every non-empty text of every chart, as drawn.
CHART_TEXT_JS = """() => [...document.querySelectorAll('main svg.ccdata-chart text')]
  .filter(t => t.textContent.trim()).map(t => [t.textContent, t.getBoundingClientRect().height])"""
#: Elements of the main column wider than the screen that are not inside a scrolling region.
OVERFLOW_JS = """() => { const out = [];
  for (const e of document.querySelectorAll('main *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= window.innerWidth + 1) continue;
    let p = e.parentElement, scrolls = false;
    while (p && p.tagName !== 'MAIN') { const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) { scrolls = true; break; } p = p.parentElement; }
    if (!scrolls) out.push(e.tagName + '.' + e.getAttribute('class') + ' right=' + Math.round(r.right));
  } return out; }"""
#: The data table of each chart: its caption and its rows of cells.
CHART_DATA_JS = """() => [...document.querySelectorAll('main figure.ccdata-figure')].map(f => {
  const t = f.querySelector('details table');
  return t && {caption: t.caption ? t.caption.textContent : '',
               rows: [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()))}; })"""


def _shoot(page, path: Path, name: str, width: int, whole: bool = False) -> None:
    """The first screen of the page; ``whole``: the whole page, a JPEG (a dashboard is some
    20,000 px long: about a second of CPU even so, so it is shot only when a check failed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if whole:
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}-whole.jpg"), full_page=True, type="jpeg", quality=80)
    else:
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))


def _check_screen(browser, path: Path, name: str) -> None:
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(path.as_uri())
            _shoot(page, path, name, width)
            texts = page.evaluate(CHART_TEXT_JS)
            assert texts, f"{name}: no chart text found (charts are SVG with <text>)"
            small = [(t, round(h, 1)) for t, h in texts if h < MIN_TEXT_PX]
            assert not small, f"{name} at {width} px: chart text under {MIN_TEXT_PX} px: {small[:10]}"
            assert page.evaluate(OVERFLOW_JS) == [], (name, width)
        except AssertionError:
            _shoot(page, path, name, width, whole=True)  # to see where on the page it failed
            raise
        finally:
            page.close()


def _pdf_text(pdf: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    # NFKC folds the PDF's typographic ligatures back into letters
    text = unicodedata.normalize("NFKC", " ".join((p.extract_text() or "") for p in reader.pages))
    return len(reader.pages), " ".join(text.split())


def _print(browser, path: Path, name: str) -> tuple[int, str, list]:
    """The page printed to an A4 PDF (no script opens anything first), and the chart data."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(path.as_uri())
        page.emulate_media(media="print")
        charts = page.evaluate(CHART_DATA_JS)
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    pages, text = _pdf_text(pdf)
    return pages, text, charts


def _assert_chart_data_printed(text: str, charts: list, name: str) -> None:
    tokens = set(text.split())
    assert charts and all(charts), f"{name}: a chart without the data behind it"
    for chart in charts:
        assert " ".join(chart["caption"].split())[:30] in text, (name, chart["caption"])
        for row in chart["rows"]:
            numbers = [c for c in row if re.fullmatch(r"[+-]?[\d,]+(\.\d+)?", c)]
            missing = [n for n in numbers if n not in tokens]
            assert not missing, f"{name}: {chart['caption'][:50]!r} row {row[0]!r}: {missing} not printed"
            word = next((w for w in re.findall(r"[A-Za-z]{4,}", row[0])), None)
            assert word is None or word in text, (name, chart["caption"][:50], row[0])


def _check_print_width(browser, path: Path, name: str) -> None:
    page = browser.new_page(viewport={"width": A4_PRINTABLE_PX, "height": 1000})
    try:
        page.goto(path.as_uri())
        page.emulate_media(media="print")
        wide = page.evaluate("[...document.querySelectorAll('main table, main svg.ccdata-chart')].filter(t => "
                             "t.getBoundingClientRect().right > window.innerWidth + 1).map(t => t.tagName + ' ' + "
                             "(t.caption ? t.caption.textContent.slice(0, 50) : ''))")
        assert wide == [], (name, wide)
        # screen-only aids are not printed: sort arrows, the summary's disclosure triangle
        arrows = page.evaluate("[...document.querySelectorAll('table.sortable th')].map(th => "
                               "getComputedStyle(th, '::after').content).filter(c => c !== 'none' && c !== 'normal')")
        assert arrows == [], name
    finally:
        page.close()


@pytest.fixture(scope="module")
def demo_pages(demo_site) -> dict[str, Path]:
    return {v: demo_site.place_dir / f"{v}.html" for v in ("dashboard", "listening")}


@pytest.fixture(scope="module", params=REAL_PLACES)
def real_dashboard(request, real_site) -> tuple[str, Path]:
    """A real place's dashboard made from the official files (skipped without the mirror)."""
    return request.param, real_site(request.param).place_dir / "dashboard.html"


def test_demo_chart_text_is_legible_and_nothing_is_wider_than_the_screen(demo_pages, browser):
    for view, path in demo_pages.items():
        _check_screen(browser, path, f"demo-{view}")


def test_demo_prints_within_a4_with_the_data_behind_each_chart(demo_pages, browser):
    for view, path in demo_pages.items():
        _check_print_width(browser, path, f"demo-{view}")
    pages, text, charts = _print(browser, demo_pages["dashboard"], "demo-dashboard")
    print(f"demo dashboard: {pages} A4 pages")
    _assert_chart_data_printed(text, charts, "demo dashboard")


def test_real_dashboard_chart_text_and_width(real_dashboard, browser):
    name, path = real_dashboard
    _check_screen(browser, path, f"{name}-dashboard")


def test_real_dashboard_prints_on_at_most_12_a4_pages_with_the_data_behind_each_chart(real_dashboard, browser):
    name, path = real_dashboard
    _check_print_width(browser, path, f"{name}-dashboard")
    pages, text, charts = _print(browser, path, f"{name}-dashboard")
    print(f"{name} dashboard: {pages} A4 pages")
    assert pages <= MAX_PAGES, f"{name}: the dashboard prints on {pages} A4 pages (at most {MAX_PAGES})"
    _assert_chart_data_printed(text, charts, name)
