"""`ccdata report`: the dashboard notebook runs under papermill on the demo place and
exports code-free HTML whose figures equal values computed by hand from the raw files;
failures keep the previous HTML; the page opens in headless Chromium without errors."""
from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from helpers.folders import data_dir_env

import ccdata
from ccdata import config
from ccdata.present import pages
from ccdata.errors import ViewError
from ccdata.run import report

from helpers.census import census_raw_rows

REPO = Path(__file__).resolve().parents[2]
SECTIONS = ["Key findings", "Who lives here", "Deprivation", "Children in low income families",
            "Indicators by workstream", "Data and methods"]


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.headings = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3"):
            self.stack.append([tag, ""])

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][1] += data

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1][0] == tag:
            t, text = self.stack.pop()
            self.headings.append((t, " ".join(text.replace("¶", "").split())))


def _headings(page: str) -> list[tuple[str, str]]:
    parser = _Headings()
    parser.feed(page)
    return parser.headings


@pytest.fixture(scope="module")
def demo_report(demo_site):
    """The session's demo site (every view, notebooks kept): these tests only read it."""
    return demo_site


@pytest.fixture(scope="module")
def dashboard_html(demo_report) -> str:
    return (demo_report.place_dir / "dashboard.html").read_text(encoding="utf-8")


def _census_rows(table: str) -> list[dict]:
    return census_raw_rows(f"census21_{table}", config.DEMO)


def _col(rows: list[dict], startswith: str) -> str:
    return next(c for c in rows[0] if c.startswith(startswith))


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_dashboard_has_no_code_and_every_section(dashboard_html):
    heads = _headings(dashboard_html)
    assert heads and heads[0][0] == "h1"
    assert [t for t, _ in heads].count("h1") == 1
    h2 = [text for tag, text in heads if tag == "h2"]
    assert h2 == SECTIONS
    # no code reaches the page
    body = dashboard_html[dashboard_html.index("</head>"):]  # the styles name code classes too
    assert "jp-CodeMirrorEditor" not in body and "jp-InputPrompt" not in body
    assert "from ccdata import" not in body and "dashboard.who_lives_here" not in body
    assert "Traceback" not in dashboard_html
    # stands alone: no script or stylesheet from the network
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', dashboard_html)
    assert '<main id="content">' in dashboard_html and 'role="banner"' in dashboard_html


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_dashboard_is_labelled_fictional(dashboard_html):
    assert "ccdata-fictional-banner" in dashboard_html
    assert "Fictional data" in dashboard_html
    assert "Demoton" in dashboard_html


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_headline_figures_equal_hand_sums(demo_data, dashboard_html):
    p = ccdata.place("demo")
    rows = [r for r in _census_rows("ts007a") if r["geography code"] in set(p.lsoa21)]
    assert len(rows) == len(p.lsoa21)
    total_col = _col(rows, "Age: Total")
    bands = ["Age: Aged 4 years and under", "Age: Aged 5 to 9 years", "Age: Aged 10 to 14 years",
             "Age: Aged 15 to 19 years"]
    residents = sum(int(r[total_col].replace(",", "")) for r in rows)
    children = sum(int(r[_col(rows, b)].replace(",", "")) for r in rows for b in bands)
    # the figures carry their ids (data-figure) as the indicator table's do
    assert re.search(rf"<dt>Residents \(Census 2021\)</dt><dd[^>]*>{residents:,}</dd>", dashboard_html)
    assert re.search(rf"<dt>Children and young people 0-19</dt><dd[^>]*>{children:,}</dd>", dashboard_html)
    assert f"<dt>LSOAs (2021)</dt><dd>{len(p.lsoa21)}</dd>" in dashboard_html


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_indicator_value_equals_hand_computation(demo_data, dashboard_html):
    p = ccdata.place("demo")
    rows = [r for r in _census_rows("ts037") if r["geography code"] in set(p.lsoa21)]
    total = sum(int(r[_col(rows, "General health: Total")]) for r in rows)
    bad = sum(int(r[_col(rows, "General health: Bad health")]) + int(r[_col(rows, "General health: Very bad health")])
              for r in rows)
    expected = f"{100 * bad / total:,.1f}"
    # the indicator table's row (the same name also heads a row of "What stands out")
    rows_found = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in
                  re.findall(r"<td>Residents in bad or very bad health</td>(.*?)</tr>", dashboard_html, re.S)]
    rows_found = [r for r in rows_found if r and r[0].replace(",", "").isdigit()]
    assert rows_found, "bad-health indicator row missing"
    cells = rows_found[0]
    assert cells[0] == f"{bad:,}" and cells[1] == f"{total:,}"
    assert cells[2] == expected


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_place_index_links_existing_views(demo_report):
    index = demo_report.index_path.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert {"dashboard.html", "assets.html", "listening.html", "network.html"} <= set(links)
    for link in links:
        if link.startswith("#"):  # the skip link: its target is on the page itself
            assert f'id="{link[1:]}"' in index, link
            continue
        assert (demo_report.index_path.parent / link).exists(), link


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_kept_notebook_records_parameters(demo_report):
    nb = nbformat.read(str(demo_report.place_dir.parent / ".notebooks" / "demo" / "place_dashboard.ipynb"), as_version=4)
    assert nb.metadata["papermill"]["parameters"]["place_id"] == "demo"


def test_committed_notebooks_have_parameters_and_no_outputs():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
        assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# "), path.name
        tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: exactly one cell tagged parameters"
        source = "".join(tagged[0]["source"])
        assert re.search(r'^place_id: str = "demo"', source, re.M), path.name
        for line in source.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                assert "# help" in line or "#help" in line, f"{path.name}: parameter without help: {line}"
        for c in cells:
            if c["cell_type"] == "code":
                assert not c.get("outputs") and not c.get("execution_count"), path.name


def _failing_notebook(folder: Path) -> None:
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("# Broken"),
                             new_code_cell('place_id: str = "demo"  # help', metadata={"tags": ["parameters"]}),
                             new_code_cell('raise RuntimeError("boom in the dashboard")')],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / "place_dashboard.ipynb"))


@pytest.mark.slow(reason="runs the dashboard notebook with a planted failure")
def test_failed_run_keeps_previous_html_and_names_the_cell(demo_data, tmp_path, monkeypatch):
    from ccdata import cli

    out = tmp_path / "out"
    previous = out / "demo" / "dashboard.html"
    previous.parent.mkdir(parents=True)
    previous.write_text("<html>last good run</html>", encoding="utf-8")
    _failing_notebook(tmp_path / "nb")
    monkeypatch.setattr(report, "NOTEBOOKS_DIR", tmp_path / "nb")
    # one run, through the command line (its exit code), with report()'s result kept for the
    # checks below: a second run only for the exit code started two more kernels
    results = []

    def kept(*args, **kwargs):
        results.append(report.report(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(cli, "report", kept)
    assert cli.main(["-q", "report", "demo", "--out", str(out), "--views", "dashboard"]) == 1
    (result,) = results
    assert not result.ok
    failure = result.failures[0]
    assert "cell 2" in failure.message and "RuntimeError: boom in the dashboard" in failure.message
    assert previous.read_text(encoding="utf-8") == "<html>last good run</html>"
    kept = out / ".notebooks" / "demo" / "dashboard.failed.ipynb"  # the adviser-only folder
    assert not (out / "demo" / "dashboard.failed.ipynb").exists()
    assert kept.exists() and "boom in the dashboard" in kept.read_text(encoding="utf-8")
    index = (out / "demo" / "index.html").read_text(encoding="utf-8")
    # the partner reads a plain line with the date of the last good version; the detail is the adviser's
    mtime = dt.date.fromtimestamp(previous.stat().st_mtime)
    assert f"not available this time; the last good version is from {mtime.day} {mtime:%B %Y}" in index
    assert "RuntimeError" not in index and "failed.ipynb" not in index
    notes = (out / "demo" / "adviser-notes.html").read_text(encoding="utf-8")
    assert "RuntimeError: boom in the dashboard" in notes


def test_unknown_view_and_place_are_errors(demo_data, tmp_path):
    with pytest.raises(ViewError, match="unknown view"):
        report.report("demo", out=tmp_path, views=["nope"])
    with pytest.raises(ccdata.PlaceError, match="unknown place"):
        report.report("atlantis", out=tmp_path)


# ----------------------------------------------------------------------- browser


@contextlib.contextmanager
def _clean_page(browser, path: Path, screenshot: str | None = None, full_page: bool = False):
    """Open a page; after the block, save a screenshot (test-artifacts/) and check that the
    page logged no console error and sent no request that leaves the machine."""
    errors: list[str] = []
    remote: list[str] = []
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: remote.append(r.url)
            if not r.url.startswith(("file:", "data:", "about:")) else None)
    try:
        page.goto(path.as_uri())  # returns on "load": the page and its map frames have loaded
        # ... and each map has drawn (instead of a fixed half second after every page)
        for frame in page.query_selector_all("iframe.ccdata-map"):
            frame.content_frame().wait_for_selector(".leaflet-marker-icon, path.leaflet-interactive",
                                                    state="attached")
        yield page
        if screenshot:
            page.screenshot(path=str(_artifacts() / screenshot), full_page=full_page)
    finally:
        page.close()
    assert errors == [], errors
    assert remote == [], remote


def _artifacts() -> Path:
    folder = REPO / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run); Chromium")
@pytest.mark.browser
@pytest.mark.parametrize("view,layers,min_shapes", [("assets", 5, 40), ("network", 3, 40)])
def test_maps_draw_offline_in_chromium(demo_report, browser, view, layers, min_shapes):
    with _clean_page(browser, demo_report.place_dir / f"{view}.html", f"{view}-demo.png") as page:
        frames = [f for f in page.frames if f.locator(".leaflet-container").count()]
        assert len(frames) == 1, "one Leaflet map expected"
        frame = frames[0]
        assert frame.locator(".leaflet-control-layers-overlays label").count() >= layers
        # areas and lines are SVG paths; asset markers are shaped icons
        assert frame.locator("path.leaflet-interactive, .leaflet-marker-icon").count() >= min_shapes


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run); Chromium")
@pytest.mark.browser
def test_asset_map_lists_the_script_named_asset_as_text(demo_report, browser):
    with _clean_page(browser, demo_report.place_dir / "assets.html") as page:
        text = page.locator("#asset-list").text_content()  # the list of assets is on the page itself
        assert "<script>alert(1)</script>" in text  # shown as text, never run
        assert page.evaluate("() => typeof window.alert") == "function"


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run); Chromium")
@pytest.mark.browser
@pytest.mark.parametrize("view", ["listening", "network", "index"])
def test_other_pages_open_cleanly(demo_report, browser, view):
    with _clean_page(browser, demo_report.place_dir / f"{view}.html", f"{view}-demo.png") as page:
        assert page.locator("h1").count() == 1
        assert page.locator(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor").count() == 0


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run); Chromium")
@pytest.mark.browser
def test_dashboard_in_headless_chromium(demo_report, browser):
    with _clean_page(browser, demo_report.place_dir / "dashboard.html", "dashboard-demo.png",
                     full_page=True) as page:
        assert page.locator("h1").count() == 1
        h2 = [t.strip().rstrip("¶").strip() for t in page.locator("h2").all_inner_texts()]
        assert h2 == SECTIONS
        assert page.locator(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor").count() == 0
        assert page.locator("svg.ccdata-chart[role=img][aria-label]").count() >= 3  # charts are inline SVG
        # the LSOA table sorts by rank when its heading is clicked (twice: descending)
        table = page.locator("table.sortable", has=page.locator("th", has_text="IMD rank")).first
        script = ("cells => cells.filter(c => c.cellIndex === [...c.closest('table').tHead.rows[0].cells]"
                  ".findIndex(h => h.textContent.startsWith('IMD rank'))).map(c => Number(c.dataset.sort))")
        before = table.locator("tbody tr td.num[data-sort]").evaluate_all(script)
        assert len(before) > 3
        table.locator("th", has_text="IMD rank").click()
        assert table.locator("tbody tr td.num[data-sort]").evaluate_all(script) == sorted(before)
        table.locator("th", has_text="IMD rank").click()
        assert table.locator("tbody tr td.num[data-sort]").evaluate_all(script) == sorted(before, reverse=True)


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_partner_pages_carry_no_developer_text_and_adviser_notes_do(demo_report):
    from ccdata.present import devtext

    pages = sorted(p for p in demo_report.place_dir.glob("*.html") if p.name != "adviser-notes.html")
    assert {p.name for p in pages} >= {"index.html", "dashboard.html", "assets.html"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert devtext.check(text) == [], page.name
        assert 'data-audience="adviser"' not in text, page.name
        assert 'href="adviser-notes.html"' in text, page.name
    notes = (demo_report.place_dir / "adviser-notes.html").read_text(encoding="utf-8")
    assert "place_id='demo'" in html.unescape(notes)  # the dashboard's parameters moved here


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_key_findings_open_the_dashboard_and_the_index(demo_report, dashboard_html):
    index = demo_report.index_path.read_text(encoding="utf-8")
    for page in (dashboard_html, index):
        assert "Key findings" in page
    assert dashboard_html.index("Key findings") < dashboard_html.index("Who lives here")


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_notebook_blocks_carry_their_styles_and_the_page_carries_them_once(demo_report):
    """In JupyterLab a block styles itself; on the exported page the stylesheet is in the head once."""
    from ccdata.present import labstyle

    nb = nbformat.read(str(demo_report.place_dir.parent / ".notebooks" / "demo" / "place_dashboard.ipynb"), as_version=4)
    html_outputs = [o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", [])
                    if "text/html" in o.get("data", {})]
    tiles = [h for h in html_outputs if 'class="ccdata-metrics"' in h]
    tables = [h for h in html_outputs if 'class="ccdata-table' in h]
    assert tiles and tables
    for h in tiles + tables:
        assert h.startswith("<style data-ccdata-style>"), h[:80]
    assert "dl.ccdata-metrics dd{" in tiles[0] and "table.ccdata-table th{" in tables[0]
    for path in (demo_report.place_dir.parent / ".notebooks" / "demo").glob("*.ipynb"):
        assert "TqdmWarning" not in path.read_text(encoding="utf-8"), path.name
    for view in ("dashboard", "assets", "listening", "network"):
        page = (demo_report.place_dir / f"{view}.html").read_text(encoding="utf-8")
        assert labstyle.MARKER not in page, view
        # the metrics rule of ccdata.css, as the page's head carries it, appears exactly once
        assert page.count("dl.ccdata-metrics dd {") == 1, view


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_demo_pages_credit_no_publisher(demo_report):
    from ccdata.present.pages import FICTIONAL_LICENCE

    for page in sorted(demo_report.place_dir.glob("*.html")):
        text = html.unescape(page.read_text(encoding="utf-8"))
        assert "Crown copyright" not in text and "Open Government Licence" not in text, page.name
        assert FICTIONAL_LICENCE in text, page.name


# --------------------------------------------------------------------------- export
def _stock_exporter():
    """nbconvert's own HTML exporter, configured as ccdata's (its BeautifulSoup pass included)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name=pages.TEMPLATE, extra_template_basedirs=[str(pages.TEMPLATES_DIR)])
    exporter.exclude_input = exporter.exclude_input_prompt = exporter.exclude_output_prompt = True
    exporter.embed_images = True
    return exporter


_WRAPPERS = (".jp-Notebook div.jp-Cell-inputWrapper", ".jp-Notebook div.jp-OutputArea-output")


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_export_is_nbconverts_page_without_its_empty_tab_stops(demo_data_dir, demo_report):
    """ccdata's exporter skips nbconvert's reparse of the page: the same page, element for
    element and word for word, less the ``tabindex="0"`` the reparse put on every output."""
    from bs4 import BeautifulSoup

    from ccdata.geo.placecache import resolve

    with data_dir_env(demo_data_dir):
        meta = report._page_meta(resolve("demo"), report.VIEWS["dashboard"], [], "2001-02-03")
    nb = nbformat.read(str(demo_report.place_dir.parent / ".notebooks" / "demo" / "place_dashboard.ipynb"), as_version=4)
    old, _ = _stock_exporter().from_notebook_node(nb, resources={"ccdata": meta})
    new, _ = report._exporter().from_notebook_node(nb, resources={"ccdata": meta})
    assert report._exporter() is report._exporter()  # one exporter per process
    # both through the same parser and writer, so quoting and whitespace are written alike
    old_soup, new_soup = BeautifulSoup(old, "html.parser"), BeautifulSoup(new, "html.parser")
    stops = [e for sel in _WRAPPERS for e in old_soup.select(sel) if e.attrs.pop("tabindex", None) == "0"]
    assert len(stops) > 10  # the dashboard shows many outputs: each one was a tab stop
    assert not [e for sel in _WRAPPERS for e in new_soup.select(sel) if "tabindex" in e.attrs]
    assert str(new_soup) == str(old_soup)
    assert new_soup.get_text() and "Key findings" in new_soup.get_text()


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def _images(page: str) -> list[dict]:
    parser = _Images()
    parser.feed(page)
    return parser.images


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_no_image_on_the_demo_pages_lacks_alt_text(demo_report):
    for page in sorted(demo_report.place_dir.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert [i for i in _images(text) if not i.get("alt")] == [], page.name
        assert [i for i in _images(text) if "tabindex" in i] == [], page.name


def test_an_image_output_without_a_description_gets_the_stock_alt_text():
    """A PNG, JPEG or SVG output (none of the views shows one) is still described, by the template."""
    import base64

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>'
    outputs = [nbformat.v4.new_output("display_data", data={"image/png": png}, metadata={"image/png": {"width": 4}}),
               nbformat.v4.new_output("display_data", data={"image/jpeg": png}),
               nbformat.v4.new_output("display_data", data={"image/svg+xml": svg})]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=outputs)])
    meta = {"version": "0", "place_id": "p", "view": "v", "run_date": "2001-02-03",
            "page": report.page_context("A page", footer="f")}
    page, _ = report._exporter().from_notebook_node(nb, resources={"ccdata": meta})
    images = _images(page)
    assert [i["src"].split(";")[0] for i in images] == ["data:image/png", "data:image/jpeg", "data:image/svg+xml"]
    assert {i.get("alt") for i in images} == {"No description has been provided for this image"}
    assert images[0].get("width") == "4"
