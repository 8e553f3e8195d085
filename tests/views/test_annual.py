"""The annual report: one A4 document per place built from the pages' own blocks, at most 16
printed pages, every chart's data printed, contents that link to their sections."""
from __future__ import annotations

import io
import unicodedata

import pytest

from ccdata.run import report
from ccdata.views import annual

MAX_PAGES = 16


def _print(browser, path):
    from pypdf import PdfReader

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    pdf = page.pdf(format="A4", print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    text = unicodedata.normalize("NFKC", " ".join(" ".join((p.extract_text() or "").split())
                                                  for p in reader.pages))
    return page, len(reader.pages), text


def test_the_annual_view_is_declared_and_batch_runs_it_by_default():
    assert report.VIEWS["annual"].notebook == "annual.ipynb"
    assert (report.NOTEBOOKS_DIR / "annual.ipynb").exists()
    with pytest.raises(ValueError, match="anchor"):
        annual.heading("annual-nowhere")


def _check(browser, path):
    page, n_pages, text = _print(browser, path)
    print(f"{path.parent.name} annual report: {n_pages} A4 pages")
    assert 1 < n_pages <= MAX_PAGES
    # every entry of the contents links to a section of the document
    hrefs = page.evaluate("[...document.querySelectorAll('.ccdata-annual-contents a')].map(a => a.getAttribute('href'))")
    assert hrefs == [f"#{a}" for a, _ in annual.SECTIONS]
    for href in hrefs:
        assert page.locator(href).count() == 1, href
    # each section starts a printed page
    breaks = page.evaluate("[...document.querySelectorAll('.ccdata-annual-section')]"
                           ".map(e => getComputedStyle(e).breakBefore)")
    assert breaks and set(breaks) == {"page"}
    # the data behind each chart is printed with it
    captions = page.evaluate("[...document.querySelectorAll('figure details table caption')]"
                             ".map(c => c.textContent.trim())")
    for caption in captions:
        assert " ".join(caption.split())[:40] in text, caption
    page.close()
    return text, len(captions)


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run); Chromium")
@pytest.mark.browser
def test_demo_annual_report_prints_on_at_most_16_pages(demo_site, browser, axe_scan):
    text, n_charts = _check(browser, demo_site.place_dir / "annual.html")
    serious = [v for _, v in axe_scan({"annual": demo_site.place_dir / "annual.html"})
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    # the progress charts (child poverty and 7 outcomes) from the progress page's own section; the
    # survey's changes are in their own section
    assert n_charts == 8
    for title in ("Key findings", "Progress", "What residents and pupils said", "How the organisations are connected",
                  "Sources"):
        assert title in text
    assert "Harbour" in text  # the diverging ward, from the progress page's first section


@pytest.mark.slow(reason="the official tables and the annual notebook; Chromium")
@pytest.mark.browser
def test_smallshaw_hurst_annual_report_prints_on_at_most_16_pages(official, tmp_path, browser):
    result = report.report("smallshaw-hurst", out=tmp_path, views=["annual"], warm=False)
    assert result.ok, result.summary()
    text, n_charts = _check(browser, result.place_dir / "annual.html")
    assert n_charts >= 1  # child poverty over time
    assert "No listening survey has been named" in text and "no outcomes file" in text


def test_a_scheduled_batch_produces_the_annual_report_for_every_place(demo_data, tmp_path):
    from pathlib import Path

    from ccdata.run import batch

    ran = []

    def runner(task):
        ran.append((task.place_id, task.view))
        folder = Path(task.out_dir) / task.place_id
        folder.mkdir(parents=True, exist_ok=True)
        if task.view == batch.SUMMARIES:
            return batch.TaskResult(task.place_id, task.view, batch.OK, 0.0, 0)
        page = folder / f"{task.view}.html"
        page.write_text(f"<!DOCTYPE html><title>{task.view}</title><p>x</p>", encoding="utf-8")
        return batch.TaskResult(task.place_id, task.view, batch.OK, 0.0, page.stat().st_size)

    # no views named: what a scheduled run does
    batch.run_batch(["demo"], out=tmp_path / "site", jobs=1, runner=runner, progress=False)
    assert ("demo", "annual") in ran and ("demo", "progress") in ran
