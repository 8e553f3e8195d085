"""Outputs are as readable as any file the user writes: modes follow the umask
(0644 files, 0755 folders under umask 022), so a web server or a shared drive can
serve a report folder or a batch site."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from ccdata.run import batch, report
from ccdata.run.registry import VIEWS
from ccdata.views.declared import ViewSpec

TINY = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Tiny view"]},
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "execution_count": None,
         "outputs": [], "source": ['place_id: str = "demo"  # help: place id']},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ['print("hello", place_id)']},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _modes(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    files, folders = {}, {}
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        mode = oct(stat.S_IMODE(path.stat().st_mode))
        (folders if path.is_dir() else files)[str(path.relative_to(root))] = mode
    return files, folders


@pytest.fixture
def tiny_views(tmp_path, monkeypatch):
    """The dashboard view runs a two-cell notebook and the asset view one that fails
    (a real kernel, a real export, a kept failed notebook)."""
    nb_dir = tmp_path / "nb"
    nb_dir.mkdir()
    (nb_dir / "tiny.ipynb").write_text(json.dumps(TINY), encoding="utf-8")
    broken = json.loads(json.dumps(TINY))
    broken["cells"][2]["source"] = ['raise ValueError("broken on purpose")']
    (nb_dir / "broken.ipynb").write_text(json.dumps(broken), encoding="utf-8")
    monkeypatch.setattr(report, "NOTEBOOKS_DIR", nb_dir)
    monkeypatch.setitem(VIEWS, "dashboard", ViewSpec("dashboard", "Tiny", "tiny.ipynb"))
    monkeypatch.setitem(VIEWS, "assets", ViewSpec("assets", "Broken", "broken.ipynb"))
    return nb_dir


@pytest.mark.slow(reason="runs tiny notebooks through report and batch")
def test_report_files_are_0644_and_folders_0755_under_umask_022(demo_data, tiny_views, tmp_path, umask_022):
    out = tmp_path / "reports"
    # fresh kernels (warm=False): this process writes every file of a report, and a warm kernel
    # with the views' preloads, started again after the failing view for the key findings, made
    # two thirds of the test's time (the batch test below has the kernel write summary files)
    result = report.report("demo", out=out, views=["dashboard", "assets"], keep_notebook=True, warm=False)
    assert [v.status for v in result.views] == ["ok", "failed"]
    files, folders = _modes(out)
    assert {"demo/index.html", "demo/dashboard.html", ".notebooks/demo/tiny.ipynb",
            ".notebooks/demo/assets.failed.ipynb"} <= set(files)
    assert set(files.values()) == {"0o644"}, files
    assert set(folders.values()) == {"0o755"}, folders


def _tiny_runner(task):
    from ccdata.run import report as rep

    if task.view == "dashboard":
        rep.NOTEBOOKS_DIR = Path(os.environ["TINY_NOTEBOOKS"])
        VIEWS["dashboard"] = ViewSpec("dashboard", "Tiny", "tiny.ipynb")
    return batch.run_task(task)


@pytest.mark.slow(reason="runs tiny notebooks through report and batch")
def test_batch_site_is_0644_and_0755_under_umask_022(demo_data, tiny_views, tmp_path, monkeypatch, umask_022):
    monkeypatch.setenv("TINY_NOTEBOOKS", str(tiny_views))
    site = tmp_path / "site"
    res = batch.run_batch(["demo"], views=["dashboard"], out=site, jobs=1, runner=_tiny_runner, progress=False)
    assert res.ok and res.latest_updated
    files, folders = _modes(site)
    assert "index.html" in files and any(f.endswith("demo/dashboard.html") for f in files)
    assert len(folders) >= 3  # the site, runs/, the run, the place
    assert set(files.values()) == {"0o644"}, files
    assert set(folders.values()) == {"0o755"}, folders
    assert (site / "latest" / "demo" / "dashboard.html").is_file()


def test_fetched_and_built_files_follow_the_umask(tmp_path, umask_022, monkeypatch):
    from ccdata.geo import build
    from ccdata.io import fetch

    data = tmp_path / "data"
    monkeypatch.setenv("CCDATA_DATA_DIR", str(data))
    saved = tmp_path / "saved.csv"
    saved.write_text("name,address,postcode,authority,type,closed,uprn\n", encoding="utf-8")
    fetch.add_file("libraries_england", saved)
    build._write_table(pd.DataFrame({"a": [1, 2]}), data / "processed" / "official" / "t.parquet")
    files, folders = _modes(data)
    assert any(f.endswith("saved.csv") for f in files) and any(f.endswith(".parquet") for f in files)
    assert set(files.values()) == {"0o644"}, files
    assert set(folders.values()) == {"0o755"}, folders


def test_a_stricter_umask_is_honoured(tmp_path):
    from ccdata.files import atomic_write_text

    old = os.umask(0o077)
    try:
        atomic_write_text(tmp_path / "private" / "page.html", "<p>x</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "private" / "page.html").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o700
