"""A damaged official file never changes a place's pages silently: the build and the report
fail (non-zero exit, the file, feature or column named) and the partner pages stay as they were.

Each case replaces one raw file of a copy of the demo data, as a new download would
(``add_file`` records its checksum, so the build sees a changed input), then runs
``ccdata build`` and ``ccdata report`` through the command line.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import warnings
from pathlib import Path

import pytest
import yaml

from ccdata import cache, cli, config
from ccdata.io.fetch import add_file, raw_files

pytestmark = pytest.mark.slow(reason="builds and reports on damaged copies of the data folder")

#: A place drawn by May 2023 wards: resolved by best fit from the ward boundaries.
OLD_WARDS = "demo-old-wards"


def _pages(place_dir: Path) -> dict[str, str]:
    """SHA-256 of every partner page of a place (the adviser folder aside)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(place_dir.glob("*.html"))
            if p.name != "adviser-notes.html"}


@pytest.fixture(scope="module")
def good_site(demo_data_dir, tmp_path_factory):
    """A copy of the demo data, a place on May 2023 wards, and its dashboard reported from good files."""
    from ccdata.geo.places import definitions

    root = tmp_path_factory.mktemp("damaged")
    data = root / "data"
    shutil.copytree(demo_data_dir, data, symlinks=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCDATA_DATA_DIR", str(data))
        demo = dict(definitions()["demo"])
        place = {k: v for k, v in demo.items() if k != "local"}
        place.update(name="Old wards (fictional)",
                     footprint={"wards": {"vintage": 2023, "codes": ["E05900001", "E05900002", "E05900003"]}})
        places = root / "places.yaml"
        places.write_text(yaml.safe_dump({"demo": demo, OLD_WARDS: place}), encoding="utf-8")
        mp.setenv("CCDATA_PLACES", str(places))
        cache.clear()
        out = root / "out"
        assert cli.main(["-q", "report", OLD_WARDS, "--out", str(out), "--views", "dashboard"]) == 0
    cache.clear()
    return root, data, places, out


@pytest.fixture
def site(good_site, tmp_path, monkeypatch):
    """A fresh copy of the good data and pages for one damage case."""
    _, data, places, out = good_site
    mine = tmp_path / "data"
    shutil.copytree(data, mine, symlinks=True)
    pages = tmp_path / "out"
    shutil.copytree(out, pages, symlinks=True)
    monkeypatch.setenv("CCDATA_DATA_DIR", str(mine))
    monkeypatch.setenv("CCDATA_PLACES", str(places))
    cache.clear()
    yield tmp_path, pages
    cache.clear()


def _replace(dataset_id: str, tmp_path: Path, change) -> str:
    """Register a damaged copy of a dataset's raw file (as a new download would be); returns its name."""
    (src,) = [p for p in raw_files(dataset_id, config.DEMO)]
    damaged = tmp_path / "downloads" / src.name
    damaged.parent.mkdir(exist_ok=True)
    damaged.write_bytes(change(src.read_bytes()))
    add_file(dataset_id, damaged, collection=config.DEMO)
    return src.name


def _build_and_report(pages: Path, capsys, views: str = "dashboard"):
    before = _pages(pages / OLD_WARDS)
    assert before, "the good run wrote no pages"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_code = cli.main(["-q", "build", "--collection", "demo"])
        build_err = " ".join(capsys.readouterr().err.split())
        report_code = cli.main(["-q", "report", OLD_WARDS, "--out", str(pages), "--views", views])
        report_err = " ".join(capsys.readouterr().err.split())
    return before, _pages(pages / OLD_WARDS), build_code, build_err, report_code, report_err


def _ward_file_with(change_feature):
    def change(raw: bytes) -> bytes:
        data = json.loads(raw)
        change_feature(data["features"][1])  # Mill Lane, E05900002: inside the place
        return json.dumps(data).encode()
    return change


def _self_crossing(feature):
    ring = feature["geometry"]["coordinates"][0]
    a, b = len(ring) // 3, 2 * len(ring) // 3
    ring[a], ring[b] = ring[b], ring[a]  # two vertices swapped: the ring crosses itself


def _no_geometry(feature):
    feature["geometry"] = None


@pytest.mark.parametrize("damage, words", [(_self_crossing, "crosses itself"),
                                           (_no_geometry, "has no geometry (null or empty)")])
def test_a_damaged_ward_fails_build_and_report_and_keeps_the_pages(site, capsys, damage, words):
    tmp_path, pages = site
    name = _replace("boundaries_ward23", tmp_path, _ward_file_with(damage))
    before, after, build_code, build_err, report_code, report_err = _build_and_report(pages, capsys)
    assert build_code == 1
    assert f"{name}, row 2" in build_err and "E05900002" in build_err and words in build_err
    assert report_code == 1 and "E05900002" in report_err
    assert "does not exist" not in report_err
    assert after == before


def test_a_renamed_census_column_fails_build_and_report_and_keeps_the_pages(site, capsys):
    tmp_path, pages = site

    def rename(raw: bytes) -> bytes:
        text = gzip.decompress(raw).decode("utf-8")
        assert "No cars or vans in household" in text
        return gzip.compress(text.replace("No cars or vans in household", "No car or van", 1).encode("utf-8"))

    _replace("census21_ts045", tmp_path, rename)
    before, after, build_code, build_err, report_code, report_err = _build_and_report(pages, capsys)
    assert build_code == 1
    assert "census21_ts045" in build_err and "no_cars_or_vans_in_household" in build_err
    assert report_code == 1 and "dashboard" in report_err
    assert after["dashboard.html"] == before["dashboard.html"]
    index = (pages / OLD_WARDS / "index.html").read_text(encoding="utf-8")
    assert "not available this time" in index  # the index says so, in words, and links the last good page


def test_a_truncated_iod_file_fails_build_and_report_and_keeps_the_pages(site, capsys):
    tmp_path, pages = site

    def truncate(raw: bytes) -> bytes:
        lines = gzip.decompress(raw).split(b"\n")
        return gzip.compress(b"\n".join(lines[: len(lines) // 2]))

    _replace("iod2019_file2", tmp_path, truncate)  # the domains file: the dashboard reads it
    before, after, build_code, build_err, report_code, report_err = _build_and_report(pages, capsys)
    assert build_code == 1
    assert "iod2019_file2" in build_err and "cut short" in build_err
    assert report_code == 1 and "dashboard" in report_err
    assert after["dashboard.html"] == before["dashboard.html"]
