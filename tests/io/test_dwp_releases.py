"""Earlier DWP children in low income families releases: found through the gov.uk content API (a
recorded answer), read from small ODS workbooks made here, each year from the latest release that
holds it, never joined across the March 2025 series break or across measures."""
from __future__ import annotations

import dataclasses
import zipfile
from xml.sax.saxutils import escape

import pytest

from ccdata import sources
from ccdata.io import dwp
from ccdata.io import dwp_releases as rel

#: The content API's answer for the 2014-to-2023 page, cut to the fields read (recorded shape).
RECORDED = {
    "base_path": "/government/statistics/children-in-low-income-families-local-area-statistics-2014-to-2023",
    "public_updated_at": "2024-03-21T09:30:00.000+00:00",
    "details": {"attachments": [
        {"title": "Background information and methodology", "filename": "cilif-background-information.html",
         "url": "/government/statistics/children-in-low-income-families-local-area-statistics-2014-to-2023/background"},
        {"title": "Tables", "filename": "children-in-low-income-families-local-area-statistics-2014-to-2023.ods",
         "url": "https://assets.publishing.service.gov.uk/media/65f1/children-in-low-income-families-local-area-statistics-2014-to-2023.ods"},
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


def test_an_earlier_release_is_found_through_the_content_api():
    release = next(r for r in rel.RELEASES if r.id == "cilif_2014_2023")
    session = _RecordedSession()
    found = rel.find(release, session)
    assert found["filename"] == "children-in-low-income-families-local-area-statistics-2014-to-2023.ods"
    assert found["url"].startswith("https://assets.publishing.service.gov.uk/")
    assert found["published"] == "2024-03-21T09:30:00.000+00:00"
    assert len(session.asked) == 1


def test_the_plan_never_joins_across_the_series_break_or_measures():
    ahc = rel.plan(rel.RELEASES, rel.RELATIVE_AHC).set_index("year")
    assert list(ahc.loc[["FYE 2022", "FYE 2025"], "release"]) == ["cilif_2022_2025"] * 2
    # earlier years exist only before housing costs: listed, not used
    assert ahc.loc["FYE 2015", "release"] == "" and "relative bhc" in ahc.loc["FYE 2015", "reason"]
    bhc = rel.plan(rel.RELEASES, rel.RELATIVE_BHC).set_index("year")
    assert bhc.loc["FYE 2023", "release"] == "cilif_2022_2025"
    assert bhc.loc["FYE 2019", "release"] == "" and "series break" in bhc.loc["FYE 2019", "reason"]
    # within one series, each year comes from the latest release that holds it
    old = [r for r in rel.RELEASES if r.series == rel.SERIES_PRE_2025]
    pre = rel.plan(old, rel.RELATIVE_BHC)
    assert set(pre["release"]) == {"cilif_2014_2023"} and len(pre) == 9


def _ods(path, sheet, rows):
    cells = "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'
        for v in row) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f'<table:table table:name="{sheet}">{cells}</table:table></office:spreadsheet></office:body>'
               "</office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return path


def test_years_come_from_the_latest_release_read_from_ods(tmp_path):
    head = ["Local Authority [note 2]", "Area Code", "Number of children FYE 2021", "Number of children FYE 2022",
            "Percentage of children FYE 2021", "Percentage of children FYE 2022"]
    older = _ods(tmp_path / "2022.ods", "LA", [["Table 1: title line"], head,
                                              ["Demoton", "E06900001", "1,000", "1,100", "20.0%", "22.0%"]])
    # the next release revised FYE 2022 (1,100 -> 1,150) and added FYE 2023
    head2 = head[:4] + ["Number of children FYE 2023"] + head[4:] + ["Percentage of children FYE 2023"]
    newer = _ods(tmp_path / "2023.ods", "LA", [head2, ["Demoton", "E06900001", "1,000", "1,150", "1,200",
                                                        "20.0%", "23.0%", "24.0%"]])
    dataset = dataclasses.replace(sources.get("dwp_cilif_la"), sheet="LA")
    tables = {"cilif_2014_2022": dwp.read_cilif(dataset, [older]), "cilif_2014_2023": dwp.read_cilif(dataset, [newer])}
    old = [r for r in rel.RELEASES if r.series == rel.SERIES_PRE_2025]
    out = rel.combine_years(tables, rel.plan(old, rel.RELATIVE_BHC), "lad24_code").set_index("lad24_code")
    assert out.loc["E06900001", "children_fye2022"] == 1150  # the revised figure, from the later release
    assert out.loc["E06900001", "children_fye2023"] == 1200
    assert out.attrs["sources"]["FYE 2022"] == "cilif_2014_2023"


def test_bad_input_is_refused():
    with pytest.raises(TypeError):
        rel.find("cilif_2014_2023")
    with pytest.raises(ValueError, match="no release publishes"):
        rel.plan([r for r in rel.RELEASES if r.series == rel.SERIES_PRE_2025], rel.RELATIVE_AHC)
