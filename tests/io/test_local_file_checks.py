"""Local files: clear answers, fast. What ``places.yaml`` names is checked before it is opened.

A named pipe, a folder, ``/dev/zero`` behind a ``.csv`` name and a workbook that unpacks
to millions of rows each get a one-line error naming the ``places.yaml`` key, within
seconds; text that Excel saves as "Unicode text" (UTF-16 with a byte-order mark) and
UTF-8 with or without a mark are read alike; and a report whose survey file is refused
publishes the page without the survey sections, says why in words, and exits 1.
"""
from __future__ import annotations

import os
import signal
import zipfile
from pathlib import Path

import pytest
import yaml

from ccdata import cli
from ccdata.io.local import checks, read_table


@pytest.fixture
def within_seconds():
    """Fail (instead of hanging) if the test's step takes more than 10 seconds."""
    def _alarm(signum, frame):
        raise TimeoutError("took more than 10 seconds: the file was opened")
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


#: The demo's conversation files, left out of the place by the tests that run the listening notebook
#: to see a refused survey file: the conversations' sections (and the disclosure audit of their theme
#: tables, about half of the notebook's work) do not touch the survey's.
CONVERSATIONS = ("conversations", "codebook", "quotes")


@pytest.fixture
def place_with(demo_data, tmp_path, monkeypatch):
    """``place_with(kind, path, without=())``: the demo place with one local file replaced and the
    local files of the kinds ``without`` not named."""
    from ccdata.geo.placecache import resolve
    from ccdata.geo.places import definitions

    def _make(kind: str, path, without=()) -> object:
        demo = dict(definitions()["demo"])
        demo["local"] = {**{k: v for k, v in demo["local"].items() if k not in without}, kind: str(path)}
        places = tmp_path / "places.yaml"
        places.write_text(yaml.safe_dump({"demo": demo}), encoding="utf-8")
        monkeypatch.setenv("CCDATA_PLACES", str(places))
        return resolve("demo")
    return _make


def _one_line_naming_the_key(exc, kind: str) -> str:
    text = str(exc)
    assert "\n" not in text and f"local: {kind}" in text and "places.yaml" in text, text
    return text


def test_a_fifo_is_refused_at_once(place_with, tmp_path, within_seconds):
    fifo = tmp_path / "answers.csv"
    os.mkfifo(fifo)
    place = place_with("survey_responses", fifo)
    with pytest.raises(checks.LocalFileError) as info:
        place.local_path("survey_responses")
    assert "named pipe" in _one_line_naming_the_key(info.value, "survey_responses")


def test_a_folder_where_a_file_is_expected_and_a_file_where_a_folder_is(place_with, tmp_path, within_seconds):
    folder = tmp_path / "assets.csv"
    folder.mkdir()
    with pytest.raises(checks.LocalFileError) as info:
        place_with("assets", folder).local_path("assets")
    assert "a folder" in _one_line_naming_the_key(info.value, "assets")
    single = tmp_path / "pupils.csv"
    single.write_text("a,b\n1,2\n")
    with pytest.raises(checks.LocalFileError) as info:
        place_with("pupils", single).local_path("pupils")
    assert "not a folder" in _one_line_naming_the_key(info.value, "pupils")


def test_dev_zero_behind_a_csv_name_is_refused(place_with, tmp_path, within_seconds):
    link = tmp_path / "answers.csv"
    os.symlink("/dev/zero", link)
    with pytest.raises(checks.LocalFileError) as info:
        place_with("survey_responses", link).local_path("survey_responses")
    assert "a device" in _one_line_naming_the_key(info.value, "survey_responses")


def test_a_file_over_the_declared_size_is_refused(tmp_path, within_seconds):
    big = tmp_path / "assets.csv"
    with open(big, "wb") as fh:
        fh.truncate(2_000)   # sparse: the size the file system reports
    with pytest.raises(checks.LocalFileError, match="2,000 bytes, more than the 1,000"):
        checks.check_local_file(big, key="places.yaml local: assets", max_bytes=1_000)
    assert checks.check_local_file(big, key="places.yaml local: assets") == big


def _workbook(path: Path, sheet_xml: bytes) -> Path:
    """A minimal .xlsx: only the parts the check reads (a real reader never gets that far)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def test_a_workbook_declaring_a_million_rows_is_refused_before_parsing(place_with, tmp_path, within_seconds):
    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<dimension ref="A1:C1500000"/><sheetData>')
    book = _workbook(tmp_path / "assets.xlsx", head + b'<row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>')
    with pytest.raises(checks.LocalFileError) as info:
        place_with("assets", book).local_path("assets")
    assert "1,500,000 rows" in _one_line_naming_the_key(info.value, "assets")


def test_a_workbook_unpacking_past_the_declared_size_is_refused(tmp_path, within_seconds):
    bomb = _workbook(tmp_path / "answers.xlsx", b"<worksheet>" + b" " * 5_000_000 + b"</worksheet>")
    assert bomb.stat().st_size < 100_000   # small on disk
    with pytest.raises(checks.LocalFileError, match="unpacks to 5,000,0"):
        checks.check_workbook(bomb, key="places.yaml local: survey_responses", max_bytes=1_000_000)


@pytest.mark.parametrize("encoding, sep", [("utf-16", ","), ("utf-16", "\t"), ("utf-16-be", "\t"),
                                           ("utf-8", ","), ("utf-8-sig", ","), ("utf-8-sig", "\t")])
def test_unicode_text_with_or_without_a_byte_order_mark_is_read(tmp_path, encoding, sep):
    text = sep.join(["Name", "Postcode"]) + "\r\n" + sep.join(["Café Ωmega", "DM1 8TB"]) + "\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data   # big-endian with its mark
    path = tmp_path / "assets.csv"
    path.write_bytes(data)
    frame, problems, _ = read_table(path, what="asset list", required=("name",))
    assert list(frame.columns) == ["Name", "Postcode"]
    assert frame.iloc[0].tolist() == ["Café Ωmega", "DM1 8TB"]


@pytest.mark.slow(reason="runs the listening notebook")
def test_a_refused_survey_file_publishes_the_page_without_it_and_exits_1(place_with, tmp_path, capsys):
    folder = tmp_path / "answers.csv"
    folder.mkdir()   # a folder where the answers file should be
    place_with("survey_responses", folder, without=CONVERSATIONS)
    out = tmp_path / "out"
    code = cli.main(["-q", "report", "demo", "--views", "listening", "--out", str(out)])
    assert code == 1
    page = (out / "demo" / "listening.html").read_text(encoding="utf-8")
    assert "could not be used: a folder was named where a file was expected" in page   # said in words
    assert "LocalFileError" not in page and str(folder) not in page   # no error names or paths
    notes = (out / "demo" / "adviser-notes.html").read_text(encoding="utf-8")
    assert "local: survey_responses" in notes and "refused" in notes
    err = " ".join(capsys.readouterr().err.split())   # the terminal wraps long lines
    assert "refused: " in err and "local: survey_responses" in err


@pytest.mark.slow(reason="runs the listening notebook")
def test_an_unreadable_survey_file_publishes_the_page_without_it_and_exits_1(place_with, tmp_path, capsys):
    fake = tmp_path / "answers.csv"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)  # an old .xls saved under a .csv name
    place_with("survey_responses", fake, without=CONVERSATIONS)
    out = tmp_path / "out"
    code = cli.main(["-q", "report", "demo", "--views", "listening", "--out", str(out)])
    assert code == 1
    page = (out / "demo" / "listening.html").read_text(encoding="utf-8")
    assert "could not be read: it is not a spreadsheet file that can be read" in page
    assert "answers.csv" not in page and "ValidationError" not in page
    index = (out / "demo" / "index.html").read_text(encoding="utf-8")
    assert "some sections are missing this time" in index
    notes = (out / "demo" / "adviser-notes.html").read_text(encoding="utf-8")
    assert "answers.csv" in notes and "old-style Excel" in notes
    assert "refused: the listening survey: 1 problem(s)" in " ".join(capsys.readouterr().err.split())


@pytest.mark.slow(reason="runs the listening notebook")
def test_a_batch_publishes_the_page_and_fails_the_run_when_a_local_file_is_refused(place_with, tmp_path):
    from ccdata.run import batch

    fifo = tmp_path / "answers.csv"
    os.mkfifo(fifo)
    place_with("survey_responses", fifo, without=CONVERSATIONS)
    result = batch.run_batch(["demo"], views=["listening"], out=tmp_path / "site", jobs=1, progress=False)
    assert not result.ok and not result.latest_updated
    row = next(r for r in result.results if r.view == "listening")
    assert row.status == batch.REFUSED and "local: survey_responses" in row.message and "named pipe" in row.message
    place_dir = result.run_dir / "demo"
    assert "could not be used: what was named is not an ordinary file" in \
        (place_dir / "listening.html").read_text(encoding="utf-8")
    assert "some sections are missing this time" in (place_dir / "index.html").read_text(encoding="utf-8")


def test_a_refused_asset_list_leaves_the_official_lists_on_the_map(place_with, tmp_path):
    from ccdata.analysis.assets import place_assets

    fifo = tmp_path / "assets.csv"
    os.mkfifo(fifo)
    place = place_with("assets", fifo)
    with pytest.warns(UserWarning, match="local: assets"):
        located, _ = place_assets(place)
    used = located.attrs["sources"].set_index("list")
    assert not used.loc["local list", "used"]
    assert "could not be used: what was named is not an ordinary file" in used.loc["local list", "note"]
    assert used["used"].any() and len(located) > 0   # the official lists are still placed
