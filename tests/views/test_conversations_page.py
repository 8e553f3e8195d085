"""The demo's conversations on its listening page: coverage, quotes, and notes that never leave.

The report tests run the listening notebook (slow); they plant a unique marker in every
note and look for it in every file written under ``--out`` (pages, adviser notes, kept
and failed notebooks) and on stderr.
"""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

from ccdata import config
from ccdata.analysis import conversations as cv
from ccdata.analysis import quotes as q
from ccdata.demo import conversations as demo_conv

MARK = "QZXNOTE"


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_demo_notes_are_mostly_coded_and_the_uncoded_are_the_planted_ones(demo_data):
    import ccdata

    place = ccdata.place("demo")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = cv.load_place_conversations(place)
    rows = _rows(place.local_path("conversations"))
    assert 200 <= len(rows) <= 400
    planted = [i + 2 for i, r in enumerate(rows) if r["Note"] in demo_conv.UNCODED_NOTES]
    assert planted and list(loaded.coding.uncoded["row"]) == planted
    assert loaded.coding.coded_share >= 0.85
    titles = {t.title for t in loaded.codebook}
    assert {"Safe places to play", "Cost of living", "Mental health and wellbeing", "Buses and getting about",
            "Things to do for teenagers"} <= titles


def test_demo_quotes_refuse_the_unconsented_and_the_named(demo_data):
    import ccdata

    place = ccdata.place("demo")
    checked = q.load_place_quotes(place, ["play", "cost", "health", "mental", "transport", "teens", "safety"])
    refused = {r.quote: r.refused for r in checked.itertuples() if not r.shown}
    assert len(refused) == 2
    assert any(r == q.CONSENT for r in refused.values())
    named = [k for k in refused if demo_conv.KNOWN_PERSON in k]
    assert named and q.PERSON in refused[named[0]]
    assert checked["shown"].sum() == len(demo_conv.QUOTES) - 2


def _marked_place(tmp_path: Path, demo_dir: Path) -> dict:
    """A places file whose demo place reads a conversations file with a marker in every note."""
    source = demo_dir / "raw" / "demo" / "local" / demo_conv.CONVERSATIONS_FILE
    rows = _rows(source)
    for k, row in enumerate(rows):
        row["Note"] = f"{row['Note']} {MARK}{k:04d}"
    marked = tmp_path / "conversations.csv"
    with open(marked, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert marked.read_text(encoding="utf-8").count(MARK) == len(rows)
    places = yaml.safe_load(config.resource("places.yaml").read_text(encoding="utf-8"))
    places = {"demo": places["demo"]}
    places["demo"]["local"]["conversations"] = str(marked)
    path = tmp_path / "places.yaml"
    path.write_text(yaml.safe_dump(places), encoding="utf-8")
    env = {**os.environ, "CCDATA_DATA_DIR": str(demo_dir), "CCDATA_PLACES": str(path)}
    return env


#: The report tests' two notebook runs, in one Python process and on one warm kernel, as a batch runs
#: them: the listening view reported, then reported failing. The failing run's executed notebook (in the
#: report's temporary folder, removed when the view ends) is copied to ``target`` as the report leaves it.
#: Each part prints a line ``PART <name> <outcome>`` to stdout and stderr before and after it, so a test
#: reads its own part; every test still looks for the marker in all of the process's output.
_RUNS = """
import shutil
import sys
from pathlib import Path

from ccdata.run import report
from ccdata.run.runner import WarmKernel

out, target = sys.argv[1], sys.argv[2]
real_execute = report.execute


def execute_and_copy(view, place_id, workdir, parameters=None, kernel=None):
    try:
        return real_execute(view, place_id, workdir, parameters, kernel)
    finally:
        executed = Path(workdir) / view.notebook_name
        if (parameters or {}).get("pupil_measure") and executed.exists():
            shutil.copyfile(executed, target)


report.execute = execute_and_copy


def say(line):
    for stream in (sys.stdout, sys.stderr):
        print(line, file=stream, flush=True)


kernel = WarmKernel()
try:
    for name, parameters in (("ok", {}), ("fails", {"pupil_measure": "no such measure"})):
        say(f"PART {name} start")
        r = report.report("demo", out=f"{out}/{name}", views=["listening"], keep_notebook=True,
                          parameters=parameters, kernel=kernel)
        print(r.summary(), file=sys.stderr, flush=True)
        say(f"PART {name} {'ok' if r.ok else 'failed'}")
finally:
    kernel.shutdown()
"""


@pytest.fixture(scope="module")
def runs(demo_data_dir, tmp_path_factory) -> dict:
    """The two runs of :data:`_RUNS` on the demo with a marker in every note: ``out`` (the reports'
    folders), ``target`` (the failing run's executed notebook), ``proc`` (the finished process), and for
    each part (``ok``, ``fails``) its outcome and the stderr it wrote."""
    tmp = tmp_path_factory.mktemp("marked-notes")
    env = _marked_place(tmp, demo_data_dir)
    out, target = tmp / "out", tmp / "executed.ipynb"
    proc = subprocess.run([sys.executable, "-c", _RUNS, str(out), str(target)], env=env, capture_output=True,
                          text=True, timeout=1800, check=False)
    found = {"out": out, "target": target, "proc": proc}
    for name in ("ok", "fails"):
        part = re.search(rf"^PART {name} start$(.*?)^PART {name} ([^\n]+)$", proc.stderr,
                         re.DOTALL | re.MULTILINE)
        assert part, f"the {name} run did not finish: " + proc.stderr[-3000:]
        found[name] = {"outcome": part.group(2), "stderr": part.group(1)}
    return found


def _leaks(out: Path, proc: subprocess.CompletedProcess) -> list[str]:
    found = [str(p) for p in out.rglob("*") if p.is_file() and MARK in p.read_bytes().decode("utf-8", "replace")]
    if MARK in proc.stderr or MARK in proc.stdout:
        found.append("stderr/stdout")
    return found


@pytest.mark.slow(reason="runs the listening notebook on planted notes")
def test_no_note_reaches_any_output_and_the_page_shows_the_themes(runs):
    out = runs["out"] / "ok"
    assert runs["ok"]["outcome"] == "ok", runs["ok"]["stderr"][-3000:]
    assert _leaks(out, runs["proc"]) == []
    page = (out / "demo" / "listening.html").read_text(encoding="utf-8")
    assert "Themes raised" in page and "Things to do for teenagers" in page
    assert "chance" in page and "not allow for who was asked" in page
    assert demo_conv.KNOWN_PERSON not in page
    assert "DC-0029" not in page  # uncoded ids go to the adviser's notes only
    notes = (out / "demo" / "adviser-notes.html").read_text(encoding="utf-8")
    assert "DC-0029" in notes and "Disclosure audit of the conversation tables" in notes
    # the notebook read the notes: it is not kept under --out, even when asked to keep notebooks
    assert not list(out.rglob("*.ipynb"))


@pytest.mark.slow(reason="runs the listening notebook on planted notes")
def test_no_note_reaches_any_output_when_the_view_fails(runs):
    out = runs["out"] / "fails"
    # an unknown pupil measure fails a cell after the conversations were read and shown
    assert runs["fails"]["outcome"] == "failed"
    stderr = runs["fails"]["stderr"]
    assert re.search(r"measure must be one of", stderr), stderr[-3000:]
    assert "read conversation notes, so it is not kept" in stderr
    assert not list(out.rglob("*.ipynb"))
    assert _leaks(out, runs["proc"]) == []


@pytest.mark.slow(reason="runs the listening notebook on planted notes")
def test_a_failed_notebook_that_read_notes_holds_none(runs):
    """Where the notebook is executed (the report's temporary folder), it still holds no note."""
    import nbformat

    target = runs["target"]
    assert runs["fails"]["outcome"] == "failed" and target.exists()
    text = target.read_text(encoding="utf-8")
    assert "Themes raised in conversations, most often first" in text  # the notes were read and coded
    assert "measure must be one of" in text
    assert MARK not in text and MARK not in runs["proc"].stderr
    assert nbformat.reads(text, as_version=4).cells
