"""Earlier DWP children in low income families releases: registered and found through the gov.uk
content API (a recorded answer served from a loopback server), read from small ODS workbooks made
here, each year from the latest release that holds it, never joined across a declared series break
or across measures, and earlier ward tables used only for unchanged wards or through a crosswalk."""
from __future__ import annotations

import dataclasses
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import pandas as pd
import pytest

from ccdata import cilif, sources
from ccdata.errors import MissingDataError, ValidationError
from ccdata.io import dwp, fetch, routes
from ccdata.io import dwp_releases as rel

PAGE_2014_2023 = "/government/statistics/children-in-low-income-families-local-area-statistics-2014-to-2023"
#: The content API's answer for the 2014-to-2023 page, cut to the fields read (recorded shape).
RECORDED = {
    "base_path": PAGE_2014_2023,
    "public_updated_at": "2024-03-21T09:30:00.000+00:00",
    "details": {"attachments": [
        {"title": "Background information and methodology", "filename": "cilif-background-information.html",
         "url": PAGE_2014_2023 + "/background"},
        {"title": "Tables", "filename": "children-in-low-income-families-local-area-statistics-2014-to-2023.ods",
         "url": "https://assets.publishing.service.gov.uk/media/65fd4758f1d3a0001d32ad89/"
                "children-in-low-income-families-local-area-statistics-2014-to-2023.ods"},
    ]},
}


class _Answer:
    status_code, reason = 200, "OK"

    def __init__(self, body):
        self.body = body

    def json(self):
        return self.body


class _RecordedSession:
    """Answers the content API from the recorded page; any other address fails the test."""

    def __init__(self):
        self.asked = []

    def request(self, method, url, timeout=None, **kwargs):
        self.asked.append(url)
        assert url == "https://www.gov.uk/api/content" + RECORDED["base_path"], url
        return _Answer(RECORDED)


def _release(rid):
    return next(r for r in rel.RELEASES if r.id == rid)


def _ods(path, sheets):
    """An ODS workbook written by hand: ``{sheet name: rows}``."""
    body = ""
    for sheet, rows in sheets.items():
        cells = "".join("<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'
            for v in row) + "</table:table-row>" for row in rows)
        body += f'<table:table table:name="{sheet}">{cells}</table:table>'
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f"{body}</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return path


# --------------------------------------------------------------------------- registered and found
def test_every_release_table_is_registered_as_a_govuk_attachment():
    for release in rel.RELEASES:
        for table in release.tables:
            d = sources.get(table.dataset_id)
            assert d.route_kind == "govuk" and d.landing_page == release.landing_page
            assert d.loader == "dwp_cilif" and d.geography.startswith("ward" if table.level == "ward" else "lad")
    assert sources.get("dwp_cilif_2014_2024_ward").sheet == "7_Relative_Ward"
    # only the current release's after-housing-costs tables are in the shared mirror
    mirrored = {d.id for d in sources.REGISTRY.values() if "dwp" in d.tags and d.mirror_paths}
    assert mirrored == {"dwp_cilif_ward", "dwp_cilif_la"}


def test_an_earlier_release_is_found_through_the_content_api():
    session = _RecordedSession()
    found = rel.find(_release("cilif_2014_2023"), session)
    assert found["filename"] == "children-in-low-income-families-local-area-statistics-2014-to-2023.ods"
    assert found["url"].startswith("https://assets.publishing.service.gov.uk/media/65fd4758")
    assert found["published"] == "2024-03-21T09:30:00.000+00:00"
    assert len(session.asked) == 1


@pytest.fixture
def loopback(monkeypatch):
    """A loopback gov.uk: the content API answers the recorded page, pointing at a workbook served here."""
    served = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = served.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setattr(routes, "GOVUK_CONTENT_API", base + "/api/content")
    monkeypatch.setattr(routes, "ARCGIS_ITEMS", base + "/nothing")
    yield base, served
    httpd.shutdown()
    httpd.server_close()


def test_fetch_downloads_an_earlier_release_through_the_content_api_and_reads_its_sheet(
        loopback, tmp_path, monkeypatch):
    base, served = loopback
    monkeypatch.setenv("CCDATA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CCDATA_MIRROR", raising=False)
    name = "children-in-low-income-families-local-area-statistics-2014-to-2024.ods"
    page = "/government/statistics/children-in-low-income-families-local-area-statistics-2014-to-2024"
    head = ["Local Authority [note 2]", "Area Code", "Ward [note 2]", "Area Code",
            "Number of children\nFYE 2023", "Number of children\nFYE 2024",
            "Percentage of children\nFYE 2023\n(%) [note 3]", "Percentage of children\nFYE 2024\n(%)\n[p] [note 3]"]
    book = _ods(tmp_path / name, {
        "Cover": [["Children in low income families"]],
        "3_Relative_Local_Authority": [["Local Authority [note 2]", "Area Code", "Number of children FYE 2024"]],
        "7_Relative_Ward": [["Table 7: title line"], head,
                            ["Demoton", "E06900001", "Harbour", "E05900001", "120", "130", "20.0%", "21.0%"]],
    })
    served["/api/content" + page] = json.dumps({"base_path": page, "public_updated_at": "2025-03-27T09:30:00Z",
                                                "details": {"attachments": [
                                                    {"filename": name, "url": base + "/media/67dc/" + name}]}}).encode()
    served["/media/67dc/" + name] = book.read_bytes()
    [result] = fetch.fetch(["dwp_cilif_2014_2024_ward"], progress=False)
    assert result.status == "fetched", result.message
    manifest = fetch.read_manifest("dwp_cilif_2014_2024_ward")
    assert manifest["route"]["how"] == "content API" and manifest["route"]["published"] == "2025-03-27T09:30:00Z"
    table = dwp.read_cilif(sources.get("dwp_cilif_2014_2024_ward"), result.files)
    assert table.loc[table["ward24_code"] == "E05900001", "children_fye2024"].tolist() == [130]
    assert table["pct_fye2024"].tolist() == [21.0]


def test_offline_the_earlier_releases_are_unavailable_with_the_reason(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    monkeypatch.setenv("CCDATA_DATA_DIR", str(tmp_path / "data"))
    results = fetch.fetch(["dwp_cilif_2014_2024_la", "dwp_cilif_bhc_ward"], mirror=str(mirror), progress=False)
    for r in results:
        assert r.status == "unavailable"
        assert "not in the mirror" in r.message and "children-in-low-income-families-local-area-statistics" in r.message
    with pytest.raises(MissingDataError, match="ccdata fetch dwp_cilif_2014_2024_la"):
        fetch.raw_files("dwp_cilif_2014_2024_la")


def test_a_sheet_named_by_pattern_is_found_and_a_missing_one_named(tmp_path):
    head = ["Local Authority [note 2]", "Area Code", "Number of children FYE 2022", "Percentage of children FYE 2022"]
    book = _ods(tmp_path / "b.ods", {"2_AHC_Relative_LA": [head, ["Demoton", "E06900001", "9", "90.0%"]],
                                     "1_BHC_Relative_LA": [head, ["Demoton", "E06900001", "5", "50.0%"]]})
    table = dwp.read_cilif(sources.get("dwp_cilif_bhc_la"), [book])
    assert table["children_fye2022"].tolist() == [5]  # the BHC sheet, not the AHC one beside it
    other = _ods(tmp_path / "c.ods", {"Cover": [["x"]]})
    with pytest.raises(ValidationError, match="no sheet whose name matches"):
        dwp.read_cilif(sources.get("dwp_cilif_bhc_la"), [other])


# --------------------------------------------------------------------------- the plan
def test_each_year_comes_from_the_latest_release_of_the_newest_series():
    ahc = rel.plan(rel.RELEASES, rel.RELATIVE_AHC).set_index("year")
    # the current release's after-housing-costs tables hold FYE 2024 and FYE 2025
    assert set(ahc.loc[ahc["release"] != "", "release"]) == {"cilif_2022_2025"}
    assert list(ahc.index[ahc["release"] != ""]) == ["FYE 2024", "FYE 2025"]
    assert "before housing costs" in ahc.loc["FYE 2015", "reason"]
    bhc = rel.plan(rel.RELEASES, rel.RELATIVE_BHC).set_index("year")
    assert bhc.loc["FYE 2021", "release"] == "cilif_2014_2024"  # the revised back series
    assert bhc.loc["FYE 2022", "release"] == "cilif_2022_2025"  # the latest release holding it
    assert not set(bhc["release"]) & {"cilif_2014_2023", "cilif_2014_2022"}  # before the break: never
    # a held table with fewer years than declared leaves them to the next release of the series
    short = rel.plan(rel.RELEASES, rel.RELATIVE_BHC, held={"cilif_2022_2025": [2024, 2025]}).set_index("year")
    assert short.loc["FYE 2023", "release"] == "cilif_2014_2024" and short.loc["FYE 2024", "release"] == "cilif_2022_2025"
    # within the earlier series alone, the later release wins too
    old = [r for r in rel.RELEASES if r.series == rel.SERIES_PRE_2025]
    assert set(rel.plan(old, rel.RELATIVE_BHC)["release"]) == {"cilif_2014_2023"}


def _la_table(tmp_path, name, years, values):
    head = (["Local Authority [note 2]", "Area Code"] + [f"Number of children FYE {y}" for y in years]
            + [f"Percentage of children FYE {y}" for y in years])
    rows = [["Table: title line"], head, ["Demoton", "E06900001", *[f"{n:,}" for n, _ in values],
                                          *[f"{p}%" for _, p in values]]]
    book = _ods(tmp_path / f"{name}.ods", {"3_Relative_Local_Authority": rows})
    dataset = dataclasses.replace(sources.get("dwp_cilif_2014_2024_la"), id=f"test_{name}")
    return dwp.read_cilif(dataset, [book])


def test_a_revised_year_takes_the_later_release_and_a_break_is_never_crossed(tmp_path):
    from ccdata.analysis import child_poverty, trends

    older = _la_table(tmp_path, "older", [2021, 2022], [(1000, 20.0), (1100, 22.0)])
    newer = _la_table(tmp_path, "newer", [2022, 2023], [(1150, 23.0), (1200, 24.0)])  # FYE 2022 revised
    a = cilif.Release("a", cilif.BASE + "a", "2024-03-01", "series one", 2023, 2023,
                      (cilif.Table("x_la", rel.RELATIVE_BHC, "la", "3_Relative_Local_Authority", 2021, 2022),))
    b = dataclasses.replace(a, id="b", published="2025-03-01",
                            tables=(cilif.Table("y_la", rel.RELATIVE_BHC, "la", "3_Relative_Local_Authority", 2022, 2023),))
    same = rel.combine_years({"a": older, "b": newer}, rel.plan([a, b], rel.RELATIVE_BHC), "lad24_code")
    assert same.set_index("lad24_code").loc["E06900001", "children_fye2022"] == 1150  # the later value wins
    assert same.attrs["sources"] == {"FYE 2021": "a", "FYE 2022": "b", "FYE 2023": "b"}
    # the same two releases either side of a declared break: FYE 2021 is listed, not joined
    broken = dataclasses.replace(b, series="series two")
    schedule = rel.plan([a, broken], rel.RELATIVE_BHC).set_index("year")
    assert schedule.loc["FYE 2021", "release"] == "" and "series break" in schedule.loc["FYE 2021", "reason"]
    joined = rel.combine_years({"a": older, "b": newer}, schedule.reset_index(), "lad24_code")
    assert "children_fye2021" not in joined
    # so no change is computed across it: the series starts after the break
    la, england = child_poverty.area_figures(joined, "E06900001")
    series = trends.child_poverty_series({"la": la, "england": england}, "Demoton", "Demoton")
    change = trends.changes(series)
    assert set(change["baseline"]) == {"FYE 2022"} and set(change["latest"]) == {"FYE 2023"}


# --------------------------------------------------------------------------- wards
def _wards(code_col="ward23_code"):
    return pd.DataFrame({code_col: ["E05000001", "E05000002", "E05000003", "E05000004"],
                         "children_fye2023": pd.array([100, 50, 30, None], dtype="Int64"),
                         "pct_fye2023": pd.array([20.0, 25.0, 10.0, None], dtype="Float64")})  # as read


def test_an_earlier_ward_table_keeps_unchanged_wards_and_leaves_out_the_rest():
    out = rel.align_wards(_wards(), "ward23_code", ["E05000001", "E05999999"], release="r")
    assert out["ward24_code"].tolist() == ["E05000001"] and out["children_fye2023"].tolist() == [100]
    assert [c for c, _ in out.attrs["left_out"]] == ["E05000002", "E05000003", "E05000004"]
    assert "no crosswalk" in out.attrs["left_out"][0][1]


def test_a_declared_crosswalk_puts_changed_wards_on_the_new_ones(tmp_path):
    path = tmp_path / "crosswalks.yaml"
    path.write_text("crosswalks:\n  - id: made_up\n    authority: E06900001\n    source: made up for a test\n"
                    "    filled: true\n    pairs:\n"
                    "      - [E05000002, E05100001, 1]\n      - [E05000003, E05100001, 1]\n"  # two whole wards merged
                    "      - [E05000001, E05100002, 0.5]\n      - [E05000001, E05100003, 0.5]\n"  # one split in two
                    "      - [E05000004, E05100004, 1]\n", encoding="utf-8")
    crosswalk = rel.load_crosswalks(path)
    out = rel.align_wards(_wards(), "ward23_code", ["E05100001", "E05100002", "E05100003", "E05100004"],
                          crosswalk, release="r").set_index("ward24_code")
    # merged: counts added (50 + 30), percentage from the implied populations (200 + 300)
    assert out.loc["E05100001", "children_fye2023"] == 80 and out.loc["E05100001", "pct_fye2023"] == pytest.approx(16.0)
    assert out.loc["E05100002", "children_fye2023"] == 50 and out.loc["E05100002", "pct_fye2023"] == pytest.approx(20.0)
    assert pd.isna(out.loc["E05100004", "children_fye2023"])  # a suppressed source ward: no figure
    assert out.attrs["estimated"] == ["E05100002", "E05100003"] and out.attrs["left_out"] == []


def test_the_package_crosswalk_is_declared_and_says_it_is_not_filled():
    table = rel.load_crosswalks()
    [nt] = [d for d in table.attrs["declared"] if d["id"] == "north_tyneside_2024"]
    assert nt["authority"] == "E08000022" and nt["filled"] is False and "no pair is entered" in nt["source"]
    assert table.empty


@pytest.mark.parametrize("pairs, message", [
    ("[[E05000001, E05100001, 0.5]]", "add up to 0.5"),
    ("[[E05000001, X, 1]]", "not a ward code"),
    ("[[E05000001, E05100001, 1.5]]", "share must be"),
    ("[[E05000001, E05100001, 1], [E05000001, E05100001, 1]]", "listed twice"),
])
def test_a_bad_crosswalk_is_refused_naming_the_pair(tmp_path, pairs, message):
    path = tmp_path / "bad.yaml"
    path.write_text(f"crosswalks:\n  - id: bad\n    source: test\n    pairs: {pairs}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=message) as err:
        rel.load_crosswalks(path)
    assert "bad.yaml" in str(err.value)


class _Place:
    """What release_tables reads of a place: processed tables by id (missing ones raise)."""

    collection = "official"

    def __init__(self, tables):
        self.tables = tables

    def table(self, name):
        if name not in self.tables:
            raise MissingDataError(f"{name} is not fetched")
        return self.tables[name].copy()


def test_release_tables_join_earlier_years_on_current_wards_and_say_what_was_left_out(monkeypatch):
    from ccdata.analysis import child_poverty

    geo = pd.DataFrame({"lsoa21_code": ["E01000001", "E01000002"], "ward24_code": ["E05100001", "E05000009"],
                        "ward24_name": ["New ward", "Old ward"], "lad24_code": ["E06900001"] * 2})
    current = pd.DataFrame({"ward24_code": ["E05100001", "E05000009"], "ward24_name": ["New ward", "Old ward"],
                            "lad24_code": ["E06900001"] * 2, "lad24_name": ["Demoton"] * 2,
                            "children_fye2025": pd.array([10, 20], dtype="Int64"), "pct_fye2025": [10.0, 20.0]})
    earlier = pd.DataFrame({"ward24_code": ["E05000008", "E05000009"], "ward24_name": ["Gone", "Old ward"],
                            "lad24_code": ["E06900001"] * 2, "lad24_name": ["Demoton"] * 2,
                            "children_fye2021": pd.array([7, 8], dtype="Int64"), "pct_fye2021": [7.0, 8.0]})
    la = pd.DataFrame({"lad24_code": ["E06900001"], "lad24_name": ["Demoton"],
                       "children_fye2025": pd.array([30], dtype="Int64"), "pct_fye2025": [15.0]})
    la_old = la.rename(columns={"children_fye2025": "children_fye2021", "pct_fye2025": "pct_fye2021"})
    place = _Place({"lsoa21_geography": geo, "dwp_cilif_bhc_ward": current, "dwp_cilif_bhc_la": la,
                    "dwp_cilif_2014_2024_ward": earlier, "dwp_cilif_2014_2024_la": la_old})
    out = child_poverty.release_tables(place, rel.RELATIVE_BHC)
    wards = out["wards"].set_index("ward24_code")
    assert wards.loc["E05000009", "children_fye2021"] == 8 and wards.loc["E05000009", "children_fye2025"] == 20
    assert pd.isna(wards.loc["E05100001", "children_fye2021"]) and wards.loc["E05100001", "ward24_name"] == "New ward"
    assert out["sources"]["FYE 2021"] == "cilif_2014_2024" and out["sources"]["FYE 2025"] == "cilif_2022_2025"
    assert [c for c, _ in out["left_out"]["cilif_2014_2024"]] == ["E05000008"]
    assert out["la"].set_index("lad24_code").loc["E06900001", ["children_fye2021", "children_fye2025"]].tolist() == [30, 30]
    # the after-housing-costs measure is not held at all: said plainly
    with pytest.raises(MissingDataError, match="ccdata fetch dwp_cilif_ward"):
        child_poverty.release_tables(place, rel.RELATIVE_AHC)


def test_bad_input_is_refused():
    with pytest.raises(TypeError):
        rel.find("cilif_2014_2023")
    with pytest.raises(ValueError, match="no release publishes"):
        rel.plan([r for r in rel.RELEASES if r.series == rel.SERIES_PRE_2025], rel.RELATIVE_AHC)
    with pytest.raises(ValueError, match="no column 'ward23_code'"):
        rel.align_wards(pd.DataFrame({"x": [1]}), "ward23_code", [])
    with pytest.raises(KeyError):
        cilif.table_of("dwp_nothing")


def test_a_year_from_an_earlier_release_without_the_place_wards_says_why():
    from ccdata.analysis import child_poverty

    figures = pd.DataFrame({"year": ["fye2021", "fye2022", "fye2025"], "status": ["ok"] * 3,
                            "method": ["published"] * 3})
    by_ward = pd.DataFrame({"ward24_code": ["E05100001", "E05100002"]})
    tables = {"sources": {"FYE 2021": "old", "FYE 2022": "crosswalked", "FYE 2025": "new"},
              "covered": {"old": {"E05100002"}, "crosswalked": {"E05100001", "E05100002"},
                          "new": {"E05100001", "E05100002"}},
              "estimated": {"crosswalked": ["E05100001"]}}
    out = child_poverty._mark_release_gaps(figures, by_ward, tables).set_index("year")
    assert "E05100001 did not exist when DWP published this year" in out.loc["fye2021", "status"]
    assert "local authority's figure is given" in out.loc["fye2021", "status"]
    assert out.loc["fye2022", "method"] == child_poverty.ESTIMATE and out.loc["fye2022", "status"] == "ok"
    assert out.loc["fye2025", ["status", "method"]].tolist() == ["ok", "published"]


def test_an_xlsx_workbook_with_both_measures_is_read_by_the_declared_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    head = ["Local Authority [note 2]", "Area Code", "Number of children FYE 2024", "Percentage of children FYE 2024"]
    for name, n in (("1_BHC_Relative_LA", "5"), ("2_AHC_Relative_LA", "9")):
        ws = book.create_sheet(name)
        ws.append(head)
        ws.append(["Demoton", "E06900001", n, f"{n}0.0%"])
    book.save(tmp_path / "both.xlsx")
    ahc = dwp.read_cilif(sources.get("dwp_cilif_la"), [tmp_path / "both.xlsx"])
    bhc = dwp.read_cilif(sources.get("dwp_cilif_bhc_la"), [tmp_path / "both.xlsx"])
    assert ahc["children_fye2024"].tolist() == [9] and bhc["children_fye2024"].tolist() == [5]
