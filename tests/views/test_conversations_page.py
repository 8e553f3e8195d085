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


def _report(env: dict, out: Path, parameters: dict) -> subprocess.CompletedProcess:
    code = ("import sys; from ccdata.run import report; "
            f"r = report.report('demo', out={str(out)!r}, views=['listening'], keep_notebook=True, "
            f"parameters={parameters!r}); print(r.summary(), file=sys.stderr); sys.exit(0 if r.ok else 1)")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=900,
                          check=False)


def _leaks(out: Path, proc: subprocess.CompletedProcess) -> list[str]:
    found = [str(p) for p in out.rglob("*") if p.is_file() and MARK in p.read_bytes().decode("utf-8", "replace")]
    if MARK in proc.stderr or MARK in proc.stdout:
        found.append("stderr/stdout")
    return found


@pytest.mark.slow(reason="runs the listening notebook on planted notes")
def test_no_note_reaches_any_output_and_the_page_shows_the_themes(demo_data_dir, tmp_path):
    env = _marked_place(tmp_path, demo_data_dir)
    out = tmp_path / "out"
    proc = _report(env, out, {})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _leaks(out, proc) == []
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
def test_no_note_reaches_any_output_when_the_view_fails(demo_data_dir, tmp_path):
    env = _marked_place(tmp_path, demo_data_dir)
    out = tmp_path / "out"
    # an unknown pupil measure fails a cell after the conversations were read and shown
    proc = _report(env, out, {"pupil_measure": "no such measure"})
    assert proc.returncode == 1
    assert re.search(r"measure must be one of", proc.stderr), proc.stderr[-3000:]
    assert "read conversation notes, so it is not kept" in proc.stderr
    assert not list(out.rglob("*.ipynb"))
    assert _leaks(out, proc) == []


@pytest.mark.slow(reason="runs the listening notebook on planted notes")
def test_a_failed_notebook_that_read_notes_holds_none(demo_data_dir, tmp_path):
    """Where the notebook is executed (a temporary folder), it still holds no note."""
    import nbformat

    env = _marked_place(tmp_path, demo_data_dir)
    target = tmp_path / "executed.ipynb"
    code = ("import papermill as pm, sys; from ccdata import config; "
            f"pm.execute_notebook(str(config.resource('notebooks') / 'listening.ipynb'), {str(target)!r}, "
            "parameters={'pupil_measure': 'no such measure'}, cwd=str(config.resource('notebooks')), "
            "progress_bar=False)")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=900,
                          check=False)
    assert proc.returncode != 0 and target.exists()
    text = target.read_text(encoding="utf-8")
    assert "Themes raised in conversations, most often first" in text  # the notes were read and coded
    assert "measure must be one of" in text
    assert MARK not in text and MARK not in proc.stderr
    assert nbformat.reads(text, as_version=4).cells
