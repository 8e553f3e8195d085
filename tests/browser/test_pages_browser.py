"""Every page of the demo place in headless Chromium: accessibility (axe-core; the asset and
network pages with their map frames in test_map_browser.py), width at 1280 px and 390 px, and
print at A4. Screenshots and PDFs go to ``test-artifacts/`` so a
reviewer can look at them. The pages are the session's demo site (made once for the run).
"""
from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest

from helpers.browser import axe_entry

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pages"
WIDTHS = (1280, 390)
#: Elements wider than the viewport that are not inside a scrolling region.
OVERFLOW_JS = """() => { const out = [];
  for (const e of document.querySelectorAll('main *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= window.innerWidth + 1) continue;
    let p = e.parentElement, clipped = false;
    while (p && p.tagName !== 'MAIN') { const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) { clipped = true; break; } p = p.parentElement; }
    if (!clipped) out.push(e.tagName + ' ' + Math.round(r.right));
  } return out; }"""
#: Scrolling regions a keyboard cannot reach.
UNREACHABLE_JS = """() => [...document.querySelectorAll('main *')].filter(e => {
  const s = getComputedStyle(e); return ['auto', 'scroll'].includes(s.overflowX)
    && e.scrollWidth > e.clientWidth + 1 && e.tabIndex < 0 && !e.querySelector('a, button, input, [tabindex]');
}).map(e => e.className)"""


@pytest.fixture(scope="module")
def pages(demo_site) -> dict[str, Path]:
    return {p.stem: p for p in sorted(demo_site.place_dir.glob("*.html"))}




#: Pages scanned with their map frames by tests/browser/test_map_browser.py::test_axe_page_and_map_frames
#: (the same axe-core, at the same width, with the same rule for what fails): not scanned twice.
SCANNED_WITH_MAPS = ("assets", "network")


@pytest.mark.slow(reason="axe-core, two widths and print in Chromium on every demo page")
def test_no_serious_accessibility_violations(pages, axe_scan):
    assert set(SCANNED_WITH_MAPS) < set(pages)
    serious, others = [], []
    for name, v in axe_scan({n: p for n, p in pages.items() if n not in SCANNED_WITH_MAPS}):
        (serious if v["impact"] in ("serious", "critical") else others).append(axe_entry(name, v))
    print("\n".join(["other axe findings:"] + others))
    assert not serious, serious


@pytest.mark.slow(reason="axe-core, two widths and print in Chromium on every demo page")
@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_wider_than_the_screen_and_scroll_regions_reachable(pages, browser, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    for name, path in pages.items():
        page.goto(path.as_uri())
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))
        assert page.evaluate(OVERFLOW_JS) == [], (name, width)
        assert page.evaluate(UNREACHABLE_JS) == [], (name, width)


@pytest.mark.slow(reason="axe-core, two widths and print in Chromium on every demo page")
def test_dashboard_prints_on_a4_with_the_data_behind_each_chart(pages, browser):
    from pypdf import PdfReader

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(pages["dashboard"].as_uri())
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what printing does
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "dashboard.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    # NFKC folds the PDF's typographic ligatures ("ﬁ") back into letters
    text = unicodedata.normalize("NFKC", " ".join(" ".join((p.extract_text() or "").split())
                                                  for p in reader.pages))
    print(f"dashboard: {len(reader.pages)} A4 pages")
    # the data behind each chart is printed: every caption of a chart's data table is in the PDF text
    captions = page.evaluate("[...document.querySelectorAll('figure details table caption')]"
                             ".map(c => c.textContent.trim())")
    assert captions
    for caption in captions:
        assert " ".join(caption.split())[:40] in text, caption


#: A4 (210 mm) less the 12 mm side margins of the @page rule, in CSS pixels (96 per inch).
A4_PRINTABLE_PX = int((210 - 2 * 12) / 25.4 * 96)


@pytest.mark.slow(reason="axe-core, two widths and print in Chromium on every demo page")
def test_no_table_wider_than_the_printable_area(pages, browser):
    page = browser.new_page(viewport={"width": A4_PRINTABLE_PX, "height": 1000})
    page.emulate_media(media="print")
    for name, path in pages.items():
        page.goto(path.as_uri())
        wide = page.evaluate("[...document.querySelectorAll('table')].filter(t => "
                             "t.getBoundingClientRect().right > window.innerWidth + 1).length")
        assert wide == 0, name
