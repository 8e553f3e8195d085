"""Writes that cannot escape ``--out``, leftovers of killed runs, and the spreadsheet text rules.

Hand-made cases: a symbolic link where the adviser's notes go, a ``..`` path, part files
and temporary folders of a process that is gone, formulas in every form the OWASP rule
names, direction controls beside the joiners that names need.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from ccdata import cli, files, publish
from ccdata.errors import DisclosureError, OutsideOutputError, PlaceError, UndeclaredOutputError
from ccdata.geo.places import check_place_id
from ccdata.present import escape
from ccdata.run import changes, registry, report


def _dead_pid() -> int:
    """The id of a process that has ended (a child started and waited for)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --------------------------------------------------------------------------- one write function
def test_write_inside_refuses_a_symlinked_folder_and_writes_nothing_there(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / "demo").mkdir(parents=True)
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "demo" / ".adviser")
    with pytest.raises(OutsideOutputError, match="symbolic link"):
        files.write_inside(out, out / "demo" / ".adviser" / "assets.html", "notes")
    with pytest.raises(OutsideOutputError, match="outside the output folder"):
        files.write_inside(out, out / "demo" / ".." / ".." / "escaped.html", "page")
    with pytest.raises(OutsideOutputError, match="outside the output folder"):
        files.write_inside(out, tmp_path / "beside.html", "page")
    assert list(elsewhere.iterdir()) == [] and not (tmp_path / "escaped.html").exists()
    assert not (tmp_path / "beside.html").exists()
    # a file that is a link to elsewhere is not written through either
    os.symlink(elsewhere / "target.html", out / "demo" / "assets.html")
    with pytest.raises(OutsideOutputError, match="not an ordinary file"):
        files.write_inside(out, out / "demo" / "assets.html", "page")
    assert not (elsewhere / "target.html").exists()
    # and an ordinary write lands whole, with no part file left beside it
    assert files.write_inside(out, out / "demo" / "dashboard.html", "ok").read_text() == "ok"
    assert [p.name for p in (out / "demo").iterdir() if p.name.endswith(".part")] == []


def test_the_gate_refuses_an_undeclared_file_and_an_unsealed_personal_table(tmp_path):
    with pytest.raises(UndeclaredOutputError, match="not a declared output"):
        publish.write(tmp_path, tmp_path / "demo" / "notes.txt", "x")
    with pytest.raises(UndeclaredOutputError, match="declared CSV"):
        publish.write(tmp_path, tmp_path / "demo" / "index.html", pd.DataFrame({"a": [1]}))
    personal = pd.DataFrame({"partner_sector": ["school"], "ties": [3]})
    personal.attrs["personal"] = True
    with pytest.raises(DisclosureError):
        publish.write(tmp_path, tmp_path / "demo" / "resident_connections.csv", personal)
    with pytest.raises(DisclosureError):
        changes.export(personal, tmp_path, tmp_path / "demo" / "resident_connections.csv")
    assert not (tmp_path / "demo").exists()   # refused before anything was made, even a folder
    assert not (tmp_path / "demo" / "resident_connections.csv").exists()


@pytest.mark.parametrize("rel, declared", [
    ("index.html", True), ("latest", True), ("runs/2026-01-01T000000/summary.csv", True),
    ("runs/2026-01-01T000000/demo/connections.csv", True), ("demo/assets-on-the-map.csv", True),
    ("demo/.adviser/network.html", True), (".notebooks/demo/assets.failed.ipynb", True),
    ("runs/x/.notebooks/demo/place_dashboard.ipynb", True), ("demo/dashboard.html", True),
    ("runs/x/demo/network.html", True), ("demo/nosuchview.html", False),
    ("demo/assets.failed.ipynb", False), ("demo/place_dashboard.ipynb", False),
    ("demo/answers.csv", False), ("demo/sub/assets.html", False), ("../demo/index.html", False),
])
def test_registry_declares_where_each_file_goes(rel, declared):
    assert (registry.declared(rel) is not None) is declared
    if rel.endswith(".ipynb") and declared:
        assert registry.declared(rel).audience == "adviser-only"


# --------------------------------------------------------------------------- leftovers of killed runs
def test_part_files_of_a_killed_run_are_removed_and_a_live_runs_are_kept(tmp_path):
    dead, alive = _dead_pid(), os.getpid()
    (tmp_path / "demo").mkdir()
    left = tmp_path / "demo" / f".listening.html.{dead}.k2j3h4.part"
    mine = tmp_path / "demo" / f".network.html.{alive}.a1b2c3.part"
    page = tmp_path / "demo" / "listening.html"
    for p in (left, mine, page):
        p.write_text("x")
    old_style = tmp_path / "demo" / ".assets.html.k2j3h4.part"   # no process id (earlier versions)
    fresh_old_style = tmp_path / "demo" / ".dashboard.html.a9b8c7.part"
    for p in (old_style, fresh_old_style):
        p.write_text("x")
    two_hours_ago = os.path.getmtime(page) - 7200
    os.utime(old_style, (two_hours_ago, two_hours_ago))
    removed = files.clean_parts(tmp_path)
    assert sorted(removed) == sorted([left, old_style])
    assert not left.exists() and not old_style.exists()
    assert mine.exists() and page.exists() and fresh_old_style.exists()


def test_temporary_folders_of_a_killed_run_are_removed(tmp_path):
    dead = _dead_pid()
    stale = tmp_path / f"ccdata-{dead}-abc123"
    live = tmp_path / f"ccdata-{os.getpid()}-def456"
    other = tmp_path / "ccdata-demo-network-j7g9y7gu"  # not a work folder: left alone
    for folder in (stale, live, other):
        (folder / "sub").mkdir(parents=True)
    assert files.clean_work_folders(tmp_path) == [stale]
    assert not stale.exists() and live.exists() and other.exists()


def test_a_killed_process_leaves_its_work_folder_for_the_next_run_to_remove(tmp_path, monkeypatch):
    code = ("import os, sys; sys.path.insert(0, %r); from ccdata import files; "
            "print(files.work_folder(), flush=True); os._exit(9)") % str(Path(files.__file__).parents[1])
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    killed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    folder = Path(killed.stdout.strip())
    assert folder.parent == tmp_path and folder.is_dir()   # os._exit: no clean-up ran
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(files, "_WORK_DIR", None)
    mine = files.work_folder()
    assert not folder.exists() and mine.is_dir() and mine.parent == tmp_path
    # a process that ends normally removes its own
    ended = subprocess.run([sys.executable, "-c", code.replace("os._exit(9)", "pass")], env=env,
                           capture_output=True, text=True)
    assert not Path(ended.stdout.strip()).exists()


# --------------------------------------------------------------------------- spreadsheet text
@pytest.mark.parametrize("given, written", [
    ('=HYPERLINK("http://x/?"&A1,"y")', '\'=HYPERLINK("http://x/?"&A1,"y")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"), ("\0x", "'\0x"),
    ("  =1+1", "'  =1+1"),                   # a spreadsheet that trims spaces would run it
    ("'=1+1", "''=1+1"),                     # a quote already there: one more, so reading back is exact
    ("-3", "-3"), ("+44", "+44"), ("1.5e3", "1.5e3"),   # numbers stay numbers
    ("Kids & Co", "Kids & Co"), ("O'Neill's", "O'Neill's"), ("", ""),
    ("Kids\u202eClub", "KidsClub"), ("a\u2066b\u2069c\u200bd", "abcd"),
    ("\u0dc1\u0dca\u200d\u0dbb\u0dd3", "\u0dc1\u0dca\u200d\u0dbb\u0dd3"),   # a joiner (ZWJ) is kept
    ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),  # ZWNJ
])
def test_csv_text_by_the_owasp_rule(given, written):
    assert publish.csv_text(given) == written
    assert publish.csv_text_back(written) == publish.strip_controls(given)


def test_numbers_stay_numeric_in_a_written_csv(tmp_path):
    frame = pd.DataFrame({"name": ["=1+1", "Hall"], "count": [-3, 4], "share": [-0.5, 0.25]})
    path = publish.write(tmp_path, tmp_path / "demo" / "assets.csv", frame)
    assert path.read_text(encoding="utf-8").splitlines() == ["name,count,share", "'=1+1,-3,-0.5", "Hall,4,0.25"]


def test_escaped_text_loses_direction_controls_and_names_are_isolated():
    assert escape.html_text("Kids\u202eClub\u200d") == "KidsClub\u200d"
    assert escape.js_string("a\u202eb") == '"ab"'
    assert escape.name_html("<b>\u202eX</b>") == "<bdi>&lt;b&gt;X&lt;/b&gt;</bdi>"
    assert escape.name_attr('"X"') == "\u2068&quot;X&quot;\u2069"
    assert escape.name_js("\u202eX", " (School)") == '"\u2068X\u2069 (School)"'
    assert escape.name_attr(None) == ""


# --------------------------------------------------------------------------- long ids, big counts
def test_a_long_place_id_is_named_truncated_and_not_blamed_on_out(capsys, tmp_path):
    long_id = "a" * 5000
    with pytest.raises(PlaceError) as info:
        check_place_id(long_id)
    message = str(info.value)
    assert len(message) < 200 and "5,000 characters" in message
    assert cli.main(["report", long_id, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert len(err) < 300 and "--out" not in err and "5,000 characters" in err


def test_counts_in_exclusion_messages_carry_thousands_separators():
    from ccdata.errors import Problem
    from ccdata.io.tables import warn_exclusions

    # one problem listed 972,840 times: the messages count the list (making that many
    # distinct problems took seconds and changes no count)
    with pytest.warns(UserWarning) as seen:
        warn_exclusions([Problem("s.csv", 2, None, "blank row")] * 972_840, "s.csv")
    text = str(seen[0].message)
    assert "972,840 cell(s)/row(s)" in text and "972,840 x blank row" in text
    from ccdata.io.local.survey import warn_summary

    with pytest.warns(UserWarning) as seen:
        warn_summary([Problem("s.csv", 2, "wave", "not a wave")] * 972_840, "s.csv")
    text = str(seen[0].message)
    assert "972,840 cell(s)/row(s)" in text and "972,840 x wave: not a wave" in text


# --------------------------------------------------------------------------- a real report
@pytest.mark.slow(reason="runs a notebook of the demo")
def test_report_refuses_a_symlinked_notes_folder_and_keeps_notebooks_away_from_pages(demo_data, tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / "demo").mkdir(parents=True)
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "demo" / ".adviser")
    dead = _dead_pid()
    left = out / "demo" / f".assets.html.{dead}.x1y2z3.part"   # a publish killed half-way
    left.write_text("half a page")
    code = cli.main(["-q", "report", "demo", "--views", "assets", "--out", str(out), "--keep-notebook"])
    assert code in (1, 2)   # refused: the view fails (1), or the run stops at its first write there (2)
    assert list(elsewhere.iterdir()) == []             # nothing written through the link
    assert not (out / "demo" / "assets.html").exists()  # the view failed before its page changed
    assert not left.exists()                            # the next run cleaned the part file
    os.unlink(out / "demo" / ".adviser")
    result = report.report("demo", out=out, views=["assets"], keep_notebook=True)
    assert result.ok, result.summary()
    assert not list((out / "demo").glob("*.ipynb"))     # no notebook beside the partner pages
    assert (out / report.publish.NOTEBOOKS_DIR / "demo" / "asset_map.ipynb").exists()
    undeclared = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
                  and registry.declared(p.relative_to(out).as_posix()) is None]
    assert not undeclared


def test_the_full_asset_list_goes_through_the_gate(tmp_path):
    from ccdata.views import assets as view

    place_dir = tmp_path / "out" / "demo"
    place_dir.mkdir(parents=True)
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\",\"y\")", "\t=1+1", "Hall\u202e"], "children": [3, -1, 12]})
    path = view.full_list(frame, place_dir, "assets-on-the-map.csv")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "name,children", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",3", "'\t=1+1,-1", "Hall,12"]
    with pytest.raises(UndeclaredOutputError):   # a name the registry does not know
        view.full_list(frame, place_dir, "everything.csv")
    assert not (place_dir / "everything.csv").exists()


@pytest.mark.slow(reason="stops a report of the demo mid-run")
def test_a_stopped_report_removes_its_work_folder_and_leaves_no_part_file(demo_data, tmp_path):
    import signal
    import time

    temp, out = tmp_path / "tmp", tmp_path / "out"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(Path(files.__file__).parents[1])}
    proc = subprocess.Popen([sys.executable, "-m", "ccdata.cli", "-q", "report", "demo", "--out", str(out)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    work = []
    while time.monotonic() < deadline and proc.poll() is None:
        work = [p for p in temp.glob(f"ccdata-{proc.pid}-*")]
        if work and any(work[0].rglob("*.ipynb")):   # a notebook is running
            break
        time.sleep(0.2)
    assert work and proc.poll() is None, "the report never started a notebook"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) == 130
    assert not work[0].exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]


def tempdir_runner(task):
    """A stand-in task that reports the temporary folder its worker works in.

    Its summaries task returns the place's key findings (an empty list), as the real task
    returns them, so the batch does not compute them itself for an index no test here reads.
    """
    from ccdata.run import batch

    findings = [] if task.view == batch.SUMMARIES else None
    return batch.TaskResult(task.place_id, task.view, batch.OK, message=tempfile.gettempdir(), findings=findings)


def test_batch_workers_work_under_the_batch_work_folder(demo_data, tmp_path):
    from ccdata.run import batch

    res = batch.run_batch(["demo"], views=["dashboard"], out=tmp_path / "site", jobs=2,
                          runner=tempdir_runner, progress=False)
    folders = {r.message for r in res.results if r.view in ("dashboard", batch.SUMMARIES)}
    assert folders == {str(files.work_folder())}   # one folder, the batch's own, removed at its exit


def test_a_killed_batch_leaves_nothing_for_the_next_one(demo_data, tmp_path):
    from ccdata.run import batch

    out = tmp_path / "site"
    dead = _dead_pid()
    runs = out / "runs"
    (runs / f".tmp-2026-01-01T000000-{dead}" / "demo").mkdir(parents=True)   # a run killed while building
    (runs / f".tmp-2026-01-01T000000-{dead}" / "demo" / "dashboard.html").write_text("half")
    os.symlink("runs/x", out / f".latest.{dead}")                              # killed while moving latest
    (out / f".latest.copy.{dead}").mkdir()
    (out / f".index.html.{dead}.q1w2e3.part").write_text("half a page")
    res = batch.run_batch(["demo"], views=["dashboard"], out=out, jobs=1, runner=tempdir_runner, progress=False)
    assert res.ok
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink())
    assert not [f for f in left if ".tmp-" in f or f.startswith(".latest.") or f.endswith(".part")], left
    assert not (out / f".latest.copy.{dead}").exists()
