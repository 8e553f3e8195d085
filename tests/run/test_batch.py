"""Batch runs, site index, "what changed" and the scheduling examples.

Notebook runs are slow, so the batch tests use a stand-in runner that writes a tiny
page per view (and hand-built summary files); it fails on purpose for one place.
The real runner is exercised once, on a two-cell notebook through papermill.
"""
from __future__ import annotations

import html
import json
import os
import re
import shlex
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ccdata import cli, sources
from ccdata.errors import BatchError, MissingDataError, PlaceError, ValidationError, ViewError
from ccdata.present import devtext
from ccdata.run import batch, changes, changes_page
from ccdata.run import batchparams
from ccdata.run import runner as runner_mod
from ccdata.run import site as site_mod
from ccdata.run.registry import VIEWS
from ccdata.views.declared import ViewSpec
from ccdata.run.site import _long
from markupsafe import escape

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
BROKEN = "broken"
GHOST = "ghost"


# --------------------------------------------------------------------------- stand-in runner
def _indicator_rows(value: float) -> pd.DataFrame:
    rows = []
    for area, v in (("place", value), ("la", 10.0), ("england", 12.0)):
        rows.append({"indicator": "ind_a", "title": "Indicator <A>", "workstream": "early_years",
                     "area": area, "area_name": area, "numerator": 10 * v, "denominator": 1000.0,
                     "value": v, "lower": v - 1, "upper": v + 1, "band": "higher",
                     "polarity": "no_judgement", "source": "census21_ts007a", "status": "ok"})
    return pd.DataFrame(rows)


def fake_runner(task: batch.Task) -> batch.TaskResult:
    """Writes ``<view>.html`` (or the summaries); raises for the broken place's dashboard."""
    folder = Path(task.out_dir) / task.place_id
    folder.mkdir(parents=True, exist_ok=True)
    if task.view == batch.SUMMARIES:
        value = float(os.environ.get("FAKE_INDICATOR_VALUE", "20"))
        _indicator_rows(value).to_csv(folder / changes.INDICATORS_FILE, index=False)
        return batch.TaskResult(task.place_id, task.view, batch.OK, 0.0, 1)
    if task.place_id == BROKEN and task.view == "dashboard":
        raise RuntimeError("the dashboard notebook raised on purpose")
    page = folder / f"{task.view}.html"
    page.write_text(f"<!DOCTYPE html><title>{task.view}</title><p>{task.place_id}</p>", encoding="utf-8")
    return batch.TaskResult(task.place_id, task.view, batch.OK, 0.0, page.stat().st_size)


@pytest.fixture(scope="module")
def places_file(demo_data_dir, tmp_path_factory):
    """demo, a copy of demo that fails, and an official place with no data fetched."""
    from ccdata import cache
    from ccdata.geo.places import definitions

    demo = dict(definitions()["demo"])
    broken = {**demo, "name": "Broken <b>place</b>"}
    ghost = {"name": "Ghost", "collection": "official",
             "local_authority": {"code": "E09000012", "name": "Hackney", "vintage": 2024},
             "footprint": {"lsoas": {"vintage": 2021, "codes": ["E01001758"]}}}
    path = tmp_path_factory.mktemp("places") / "places.yaml"
    path.write_text(yaml.safe_dump({"demo": demo, BROKEN: broken, GHOST: ghost}), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCDATA_DATA_DIR", str(demo_data_dir))
        mp.setenv("CCDATA_PLACES", str(path))
        cache.clear()
        yield path
    cache.clear()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.srcs = [], []

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        if tag == "a" and d.get("href"):
            self.hrefs.append(d["href"])
        if d.get("src"):
            self.srcs.append(d["src"])
        if tag == "link" and d.get("href"):
            self.srcs.append(d["href"])


def _links(page: Path) -> _Links:
    p = _Links()
    p.feed(page.read_text(encoding="utf-8"))
    return p


# --------------------------------------------------------------------------- batch runs
def pid_runner(task: batch.Task) -> batch.TaskResult:
    """The stand-in runner, noting the process and the moment each task ran."""
    import time

    result = fake_runner(task)
    result.message = f"{os.getpid()} {time.perf_counter_ns()}"
    return result


@pytest.fixture(scope="module")
def two_runs(places_file, tmp_path_factory):
    """A good run of demo, then a run where one place fails and one has no data.

    The second run is the module's one run on the real process pool (two spawned workers,
    each importing ccdata: seconds of start-up), so it also notes which worker ran each task
    and when (:func:`pid_runner`) for the test that a place runs whole on one worker.
    """
    out = tmp_path_factory.mktemp("batch") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAKE_INDICATOR_VALUE", "20")
        good = batch.run_batch(["demo"], views=["dashboard", "network"], out=out, jobs=1,
                               runner=fake_runner, progress=False)
        mp.setenv("FAKE_INDICATOR_VALUE", "30")
        # the real process pool, two workers, so failure isolation is tested across processes
        bad = batch.run_batch(["demo", BROKEN, GHOST], views=["dashboard", "network"], out=out, jobs=2,
                              runner=pid_runner, progress=False)
    return out, good, bad


def test_one_failing_place_does_not_stop_the_others(two_runs):
    out, good, bad = two_runs
    assert good.ok and good.latest_updated
    assert not bad.ok and not bad.latest_updated
    table = bad.table().set_index(["place", "view"])
    assert table.loc[("demo", "dashboard"), "status"] == "ok"
    assert table.loc[("demo", "network"), "status"] == "ok"
    assert table.loc[(BROKEN, "dashboard"), "status"] == "failed"
    assert "raised on purpose" in table.loc[(BROKEN, "dashboard"), "message"]
    # the broken place's other view still ran
    assert table.loc[(BROKEN, "network"), "status"] == "ok"
    assert (bad.run_dir / BROKEN / "network.html").exists()
    assert not (bad.run_dir / BROKEN / "dashboard.html").exists()
    # the place without data is listed with the reason, not hidden
    assert table.loc[(GHOST, "*"), "status"] == "unavailable"
    assert "not available" in table.loc[(GHOST, "*"), "message"]
    assert {r.place for r in bad.failures} == {BROKEN, GHOST}
    # latest still points to the last good run
    assert (out / site_mod.LATEST_TXT).read_text().strip() == good.run_id
    assert (out / site_mod.LATEST).resolve() == good.run_dir.resolve()
    assert batch.latest_run(out) == good.run_dir
    # both runs are kept; the failed one is recorded as such
    meta = json.loads((bad.run_dir / batch.RUN_JSON).read_text())
    assert meta["ok"] is False and meta["previous_run"] == good.run_id
    summary = pd.read_csv(bad.run_dir / batch.SUMMARY_CSV)
    assert list(summary.columns) == batch.SUMMARY_COLUMNS
    assert len(summary) == len(bad.results)
    assert not [p for p in (out / batch.RUNS).iterdir() if p.name.startswith(".")]


def test_index_links_resolve_and_text_is_escaped(two_runs):
    out, good, bad = two_runs
    pages = [out / "index.html", good.run_dir / "index.html", bad.run_dir / "index.html"]
    pages += sorted(good.run_dir.glob("*/index.html")) + sorted(bad.run_dir.glob("*/index.html"))
    pages += sorted(bad.run_dir.glob("*/changes.html"))
    checked = 0
    for page in pages:
        links = _links(page)
        assert not links.srcs, f"{page} loads external resources: {links.srcs}"
        # partner pages carry no developer text (the adviser notes carry it)
        assert devtext.check(page.read_text()) == [], page
        for href in links.hrefs:
            if href.startswith("#"):
                continue
            assert not re.match(r"^[a-z]+:", href), f"{page}: external link {href}"
            target = (page.parent / href).resolve()
            assert target.exists(), f"{page}: link {href} does not resolve"
            checked += 1
    assert checked >= 10
    site = (out / "index.html").read_text()
    # the site index shows the latest good run and lists the failed one too
    assert f"runs/{good.run_id}/demo/dashboard.html" in site
    assert _long(bad.run_id) in site and "some pages could not be produced" in site
    run_page = (bad.run_dir / "index.html").read_text()
    assert "Broken &lt;b&gt;place&lt;/b&gt;" in run_page and "<b>place</b>" not in run_page
    assert html.escape(sources.get("census21_ts007a").title) in run_page  # datasets used, by name
    notes = (bad.run_dir / "adviser-notes.html").read_text()  # the task messages are for the adviser
    assert "census21_ts007a" in notes or "ccdata" in notes
    place_index = (bad.run_dir / "demo" / "index.html").read_text()
    assert 'href="changes.html"' in place_index


def test_site_index_leads_with_each_places_findings_and_folds_the_data_away(two_runs):
    out, good, bad = two_runs
    site = (out / "index.html").read_text()
    assert "<title>ccdata reports</title>" not in site and f"<title>{html.escape(site_mod.SITE_TITLE)}" in site
    meta = json.loads((good.run_dir / batch.RUN_JSON).read_text())
    findings = meta["findings"]["demo"]
    assert len(findings) > site_mod.HEADLINES
    # the latest good run's first findings, in order, before any list of datasets
    at = [site.index(f"<li>{escape(s)}</li>") for s in findings[:site_mod.HEADLINES]]
    assert at == sorted(at)
    assert f"<li>{escape(findings[site_mod.HEADLINES])}</li>" not in site  # the rest are on the place's index
    data = site.index('<details class="ccdata-data-list"><summary>Data used (')
    assert at[-1] < data and site.index("<table", data) > data  # the data list is folded away, after
    assert site.count("<table") == 1


def test_changes_between_runs_in_the_batch(two_runs):
    out, good, bad = two_runs
    page = (bad.run_dir / "demo" / "changes.html").read_text()
    # 200 of 1000 -> 300 of 1000: Newcombe's interval for the change is 6.2 to 13.7 points
    assert "20.0% then, 30.0% now (up 10.0 percentage points; a clear change" in page
    assert "Indicator &lt;A&gt;" in page and "Indicator <A>" not in page
    # the previous run by its date in words, never its folder name
    assert f"Compared with the reports of {_long(good.run_id)}." in page and good.run_id not in page
    assert bad.run_id not in page and changes_page._when(bad.run_id) in page
    # the stand-in saved no asset or network summaries: the page says so
    assert "Asset data are not available" in page
    assert "Relationship data are not available" in page
    first = (good.run_dir / "demo" / "changes.html").read_text()
    assert "first successful run" in first


def test_idempotent_rerun(places_file, tmp_path):
    out = tmp_path / "site"
    kwargs = dict(views=["dashboard", "network"], out=out, jobs=1, runner=fake_runner, progress=False)
    a = batch.run_batch(["demo"], **kwargs)
    b = batch.run_batch(["demo"], **kwargs)
    assert a.ok and b.ok and a.run_id != b.run_id
    files = lambda d: sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file())  # noqa: E731
    assert files(a.run_dir) == files(b.run_dir)
    assert ((a.run_dir / "demo" / changes.INDICATORS_FILE).read_bytes()
            == (b.run_dir / "demo" / changes.INDICATORS_FILE).read_bytes())
    assert a.run_dir.exists()  # earlier runs are kept untouched
    assert batch.latest_run(out) == b.run_dir
    assert "No indicator for the place changed." in (b.run_dir / "demo" / "changes.html").read_text()
    assert len([p for p in (out / batch.RUNS).iterdir()]) == 2


def test_cli_exit_code_and_summary(places_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(batch, "run_task", fake_runner)
    out = tmp_path / "site"
    code = cli.main(["-q", "batch", "demo", BROKEN, "--views", "dashboard", "--jobs", "1", "--out", str(out)])
    captured = capsys.readouterr()
    printed = captured.out
    assert code == 1
    assert re.search(r"broken\s+dashboard\s+failed", printed)
    assert re.search(r"broken dashboard failed: ", captured.err)  # problems also on stderr
    assert re.search(r"demo\s+dashboard\s+ok", printed)
    assert "latest not updated" in printed
    assert not (out / site_mod.LATEST_TXT).exists()
    assert cli.main(["-q", "batch", "demo", "--views", "dashboard", "--jobs", "1", "--out", str(out)]) == 0
    assert (out / site_mod.LATEST_TXT).exists()
    assert cli.main(["-q", "batch", "--out", str(out)]) == 2  # no places named


def test_a_place_runs_whole_on_one_worker_views_before_summaries(two_runs):
    # the second run of two_runs: two workers, demo and broken (the place without data has no tasks)
    out, good, bad = two_runs
    table = bad.table()
    for place in ("demo", BROKEN):
        rows = table[table["place"] == place].set_index("view")
        ran = rows[rows["message"].str.match(r"^\d+ \d+$")]["message"].str.split()
        assert set(ran.index) == ({"dashboard", "network", batch.SUMMARIES} if place == "demo"
                                  else {"network", batch.SUMMARIES})  # broken's dashboard raised
        assert len({pid for pid, _ in ran}) == 1  # one worker ran the whole place
        order = sorted(ran.index, key=lambda v: int(ran[v][1]))
        assert order[-1] == batch.SUMMARIES  # after the views whose figures it reuses
    broken = table[(table["place"] == BROKEN) & (table["view"] == "dashboard")]
    assert broken["status"].tolist() == ["failed"] and "on purpose" in broken["message"].iloc[0]


def test_bad_requests_are_refused(places_file, tmp_path):
    out = tmp_path / "site"
    with pytest.raises(PlaceError, match="nowhere"):
        batch.run_batch(["nowhere"], out=out, runner=fake_runner)
    with pytest.raises(ViewError, match="unknown view"):
        batch.run_batch(["demo"], views=["dashbord"], out=out, runner=fake_runner)
    with pytest.raises(batch.BatchError, match="jobs"):
        batch.run_batch(["demo"], jobs=0, out=out, runner=fake_runner)
    with pytest.raises(batch.BatchError, match="name one or more places"):
        batch.run_batch([], out=out, runner=fake_runner)
    assert not (out / batch.RUNS).exists() or not list((out / batch.RUNS).iterdir())


def test_skip_unavailable_lets_the_run_succeed(places_file, tmp_path):
    res = batch.run_batch(["demo", GHOST], views=["dashboard"], out=tmp_path / "s", jobs=1,
                          runner=fake_runner, progress=False, skip_unavailable=True)
    assert res.ok and res.latest_updated
    row = res.table().set_index("place").loc[GHOST]
    assert row["status"] == "skipped" and "not available" in row["message"]


def test_dask_scheduler(places_file, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        res = batch.run_batch(["demo", BROKEN], views=["dashboard"], out=tmp_path / "s",
                              runner=fake_runner, progress=False, scheduler=cluster.scheduler_address)
    status = res.table().set_index(["place", "view"])["status"]
    assert status[("demo", "dashboard")] == "ok" and status[(BROKEN, "dashboard")] == "failed"


# --------------------------------------------------------------------------- real runner, tiny notebook
TINY_NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Tiny view"]},
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "execution_count": None,
         "outputs": [], "source": ['place_id: str = "demo"  # help: place id']},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ['if place_id == "broken":\n', '    raise ValueError("broken on purpose")\n',
                    'print("hello", place_id)']},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def tiny_notebook_runner(task: batch.Task) -> batch.TaskResult:
    """The real runner, with the dashboard view pointed at a two-cell notebook."""
    from ccdata.run import report

    if task.view == batch.SUMMARIES and task.place_id == BROKEN:
        return fake_runner(task)  # the real summaries run once, for demo
    if task.view == "dashboard":
        report.NOTEBOOKS_DIR = Path(os.environ["TINY_NOTEBOOKS"])
        VIEWS["dashboard"] = ViewSpec("dashboard", "Tiny", "tiny.ipynb")
    return batch.run_task(task)


def _use_tiny_notebook(tmp_path, monkeypatch) -> None:
    """The dashboard view runs TINY_NOTEBOOK (here and in the worker processes)."""
    from ccdata.run import report

    nb_dir = tmp_path / "nb"
    nb_dir.mkdir()
    (nb_dir / "tiny.ipynb").write_text(json.dumps(TINY_NOTEBOOK), encoding="utf-8")
    monkeypatch.setenv("TINY_NOTEBOOKS", str(nb_dir))
    monkeypatch.setattr(report, "NOTEBOOKS_DIR", nb_dir)
    monkeypatch.setitem(VIEWS, "dashboard", ViewSpec("dashboard", "Tiny", "tiny.ipynb"))


@pytest.mark.slow(reason="runs notebooks through the batch's real runner")
def test_real_runner_with_a_tiny_notebook(places_file, tmp_path, monkeypatch):
    _use_tiny_notebook(tmp_path, monkeypatch)
    res = batch.run_batch(["demo", BROKEN], views=["dashboard"], out=tmp_path / "s", jobs=2,
                          runner=tiny_notebook_runner, progress=False)
    status = res.table().set_index(["place", "view"])
    assert status.loc[("demo", "dashboard"), "status"] == "ok"
    assert status.loc[(BROKEN, "dashboard"), "status"] == "failed"
    assert "broken on purpose" in status.loc[(BROKEN, "dashboard"), "message"]
    assert (res.run_dir / "demo" / "dashboard.html").exists()
    # kept for the adviser in the registry's notebook folder, never beside the pages
    assert (res.run_dir / ".notebooks" / BROKEN / "dashboard.failed.ipynb").exists()
    assert not (res.run_dir / BROKEN / "dashboard.failed.ipynb").exists()
    # the real summaries task ran on the demo place: indicators were saved
    saved_path = res.run_dir / "demo" / changes.INDICATORS_FILE
    saved = changes.read_summary(saved_path)
    assert set(saved["area"]) == {"place", "la", "england"}
    # the demo's summary files say they are fictional on their first line
    assert saved_path.read_text(encoding="utf-8").startswith("# Fictional demo data")
    assert not res.ok and not res.latest_updated


# --------------------------------------------------------------------------- changes on hand-built files
def _ind(rows):
    cols = ["indicator", "title", "area", "area_name", "numerator", "denominator", "value", "lower",
            "upper", "band", "status"]
    return pd.DataFrame(rows, columns=cols)


NAN = float("nan")
OLD = _ind([
    ("a", "Alpha", "place", "P", 200, 1000, 20.0, 18.0, 22.0, "similar", "ok"),
    ("b", "Beta", "place", "P", 50, 100, 50.0, 40.0, 60.0, "similar", "ok"),
    ("c", "Gamma", "place", "P", 5, 100, 5.0, 4.0, 6.0, "lower", "ok"),
    ("e", "Epsilon", "place", "P", 7, 100, 7.0, 6.0, 8.0, "similar", "ok"),
    ("a", "Alpha", "england", "E", 210, 1000, 21.0, 20.5, 21.5, "not compared", "ok"),
])
NEW = _ind([
    ("a", "Alpha", "place", "P", 300, 1000, 30.0, 28.0, 32.0, "worse", "ok"),
    ("b", "Beta", "place", "P", 47, 100, 47.0, 37.0, 57.0, "similar", "ok"),
    ("c", "Gamma", "place", "P", NAN, NAN, NAN, NAN, NAN, "not compared",
     "census21_ts003 is not available"),
    ("d", "Delta", "place", "P", 1, 100, 1.0, 0.5, 1.5, "lower", "ok"),
    ("a", "Alpha", "england", "E", 220, 1000, 22.0, 21.5, 22.5, "not compared", "ok"),
])


def test_compare_indicators_by_hand():
    ch = changes.compare_indicators(OLD, NEW)
    m = ch.movements.set_index(["indicator", "area"])
    # a/place 200/1000 -> 300/1000: Wilson limits 0.1764-0.2259 and 0.2724-0.3291, so Newcombe's
    # lower limit is 0.1 - sqrt((0.3 - 0.2724)^2 + (0.2259 - 0.2)^2) = 0.1 - 0.0379 = 0.0621 > 0: clear
    assert m.loc[("a", "place"), "change"] == pytest.approx(10.0)
    assert m.loc[("a", "place"), "change_lower"] == pytest.approx(6.21, abs=0.01)
    assert bool(m.loc[("a", "place"), "clear"]) is True
    assert m.loc[("a", "place"), "verdict"] == "increased"  # no polarity saved: no judgement
    # b/place 50/100 -> 47/100: a 3-point fall on 100 answers is well inside the interval
    assert m.loc[("b", "place"), "change"] == pytest.approx(-3.0)
    assert bool(m.loc[("b", "place"), "clear"]) is False
    assert m.loc[("b", "place"), "verdict"] == "no clear change"
    # 210/1000 -> 220/1000: one point on a thousand is not clear
    assert m.loc[("a", "england"), "change"] == pytest.approx(1.0)
    assert bool(m.loc[("a", "england"), "clear"]) is False
    # order: biggest absolute change first
    assert list(zip(ch.movements["indicator"], ch.movements["area"]))[:2] == [("a", "place"), ("b", "place")]
    assert list(ch.band_changes["indicator"]) == ["a"]  # similar -> worse; England never banded
    assert list(ch.not_compared["indicator"]) == ["c"]
    assert "this run: census21_ts003 is not available" in ch.not_compared["reason"].iloc[0]
    assert list(ch.added["indicator"]) == ["d"] and list(ch.removed["indicator"]) == ["e"]
    # every row of both inputs is accounted for exactly once
    assert len(ch.movements) + len(ch.not_compared) + len(ch.added) + len(ch.removed) == 6


def test_compare_indicators_rule_ignores_touching_intervals_and_reads_polarity_and_estimate():
    # the saved intervals of the two runs overlap, yet the change is clear by Newcombe's rule:
    # the verdict comes from the counts, not from the overlap of two separate intervals
    old = OLD.head(1).assign(lower=15.0, upper=25.0, polarity="lower_is_better", method="estimate")
    new = NEW.head(1).assign(lower=25.0, upper=35.0, polarity="lower_is_better", method="published")
    row = changes.compare_indicators(old, new).movements.iloc[0]
    assert bool(row["clear"]) and row["verdict"] == "worsened" and bool(row["estimate"])
    assert "an estimate shared out from ward figures" in changes.describe_movement(row)
    # a run that saved no counts: no verdict rather than a guess from the intervals
    row = changes.compare_indicators(old.drop(columns=["numerator", "denominator"]),
                                     new).movements.iloc[0]
    assert not bool(row["clear"]) and row["verdict"] == "no verdict"
    assert "not tested" in changes.describe_movement(row)


def test_compare_indicators_refuses_bad_input():
    with pytest.raises(changes.ChangesError, match="lacks column"):
        changes.compare_indicators(OLD.drop(columns="band"), NEW)
    with pytest.raises(changes.ChangesError, match="repeats"):
        changes.compare_indicators(pd.concat([OLD, OLD.head(1)]), NEW)
    with pytest.raises(TypeError):
        changes.compare_indicators("old.csv", NEW)


def test_describe_movement_plain_language():
    ch = changes.compare_indicators(OLD, NEW)
    row = ch.movements.iloc[0]
    assert changes.describe_movement(row) == (
        "Alpha: 20.0% then, 30.0% now (up 10.0 percentage points; a clear change: the range of likely "
        "values for the change does not include zero). Compared with England it was similar and is now worse.")
    b = ch.movements.set_index("indicator").loc["b"].copy()
    b["indicator"] = "b"
    assert "down 3.0 percentage points; within the margin of uncertainty" in changes.describe_movement(b)


def test_assets_and_connections_compare_by_hand():
    old = pd.DataFrame({"asset_id": ["1", "2", "3"], "name": ["Library", "Youth club", "Food bank"],
                        "category_label": ["Library", "Youth", "Food"]})
    new = pd.DataFrame({"asset_id": ["2", "3", "4"], "name": ["Youth club", "Food bank", "Family hub"],
                        "category_label": ["Youth", "Food", "Family hub"]})
    a = changes.compare_assets(old, new)
    assert list(a["new"]["name"]) == ["Family hub"] and list(a["closed"]["name"]) == ["Library"]
    c_old = pd.DataFrame({"organisation_a": ["School", "GP"], "sector_a": ["education", "health"],
                          "organisation_b": ["GP", "Church"], "sector_b": ["health", "faith"]})
    # same tie written the other way round is not new
    c_new = pd.DataFrame({"organisation_a": ["GP", "School"], "sector_a": ["health", "education"],
                          "organisation_b": ["School", "School"], "sector_b": ["education", "education"]})
    c_new.loc[1, ["organisation_b", "sector_b"]] = ["Library", "council"]
    c = changes.compare_connections(c_old, c_new)
    assert c["gained"][["organisation_a", "organisation_b"]].values.tolist() == [["Library", "School"]]
    assert bool(c["gained"]["cross_sector"].iloc[0]) is True
    assert c["lost"][["organisation_a", "organisation_b"]].values.tolist() == [["Church", "GP"]]
    with pytest.raises(changes.ChangesError, match="asset_id"):
        changes.compare_assets(old.drop(columns="asset_id"), new)


def test_write_changes_from_files(tmp_path):
    prev, cur = tmp_path / "r1" / "p", tmp_path / "r2" / "p"
    prev.mkdir(parents=True)
    cur.mkdir(parents=True)
    OLD.to_csv(prev / changes.INDICATORS_FILE, index=False)
    NEW.to_csv(cur / changes.INDICATORS_FILE, index=False)
    assets = pd.DataFrame({"asset_id": ["1"], "name": ["<i>Hub</i>"], "category_label": ["Family hub"]})
    assets.iloc[:0].to_csv(prev / changes.ASSETS_FILE, index=False)
    assets.to_csv(cur / changes.ASSETS_FILE, index=False)
    (cur / changes.REASONS_FILE).write_text(json.dumps({changes.NETWORK_FILE: "no relationships file"}))
    page = changes_page.write_changes(cur, prev, place_name="P & Q", run_id="r2", previous_run_id="r1").read_text()
    assert "P &amp; Q" in page
    assert "1 new and 0 closed" in page and "&lt;i&gt;Hub&lt;/i&gt;" in page and "<i>Hub" not in page
    assert "Relationship data are not available this time." in page and "no relationships file" not in page
    assert "no relationships file" in (cur / ".adviser" / "changes.html").read_text()  # for the adviser
    assert "Deprivation data are not available" in page
    assert "Alpha: 20.0% then, 30.0% now" in page
    assert "was similar, now worse" in page
    # indicators by title and areas by name, each reason once; the recorded status is the adviser's
    assert "<p>No figure this time:</p><ul><li>Gamma (P)</li></ul>" in page
    assert "<h3>New this time</h3><p>Indicators:</p><ul><li>Delta (P)</li></ul>" in page
    assert "<h3>No longer reported</h3><p>Indicators:</p><ul><li>Epsilon (P)</li></ul>" in page
    assert "census21_ts003" not in page and "census21_ts003" in (cur / ".adviser" / "changes.html").read_text()
    assert ">place<" not in page and "(place)" not in page
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", page)
    assert len(headers) == len(set(headers)), headers  # no two columns headed alike


def test_read_summary_names_file_row_and_column(tmp_path):
    path = tmp_path / changes.INDICATORS_FILE
    NEW.assign(value=["1", "x", "", "2", "3"]).to_csv(path, index=False)
    with pytest.raises(ValidationError) as info:
        changes.read_summary(path)
    p = info.value.problems[0]
    assert (p.row, p.column, p.value) == (3, "value", "x")  # header is line 1, second row line 3
    # with the fictional-data notice line first, the row numbers still match the file
    path.write_text("# Fictional demo data: invented\n" + NEW.assign(value=["1", "x", "", "2", "3"])
                    .to_csv(index=False), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        changes.read_summary(path)
    assert info.value.problems[0].row == 4
    NEW.drop(columns="status").to_csv(path, index=False)
    with pytest.raises(ValidationError, match="status"):
        changes.read_summary(path)
    with pytest.raises(MissingDataError):
        changes.read_summary(tmp_path / "nope" / changes.INDICATORS_FILE)


# --------------------------------------------------------------------------- parameters and scheduling
def test_parameter_file_example_and_errors(tmp_path):
    params = batchparams.load_parameters(EXAMPLES / "batch-params.yaml")
    assert params.places == ["all"] and params.jobs == 2 and "dashboard" in params.views
    bad = tmp_path / "p.yaml"
    for text, match in (("placez: all", "unknown key"), ("jobs: 0", "jobs"), ("views: dashboard", "views"),
                        ("- a\n- b", "mapping"), ("place_parameters: {demo: 3}", "place_parameters")):
        bad.write_text(text)
        with pytest.raises(BatchError, match=match):
            batchparams.load_parameters(bad)


@pytest.fixture
def recorded(monkeypatch):
    """Run the real CLI parser, recording which command it would run with which options."""
    calls = []
    for name in ("cmd_batch", "cmd_fetch", "cmd_build"):
        monkeypatch.setattr(cli, name, lambda args, name=name: calls.append((name, args)) or 0)
    return calls


def _ccdata_argv(command: str) -> list[str]:
    """The arguments after the ``ccdata`` executable in a shell command line."""
    for part in command.split("&&"):
        words = shlex.split(part)
        for i, w in enumerate(words):
            if w == "ccdata" or w.endswith("/bin/ccdata"):
                args = words[i + 1:]
                return args[:args.index(">>")] if ">>" in args else args
    raise AssertionError(f"no ccdata command in {command!r}")


def test_systemd_units_are_valid(recorded):
    service = (EXAMPLES / "ccdata-batch.service").read_text()
    execs = re.findall(r"^(ExecStart(?:Pre)?)=(.+)$", service, flags=re.M)
    assert [k for k, _ in execs].count("ExecStart") == 1
    for _, command in execs:
        assert command.split()[0].endswith("/ccdata")
        assert cli.main(_ccdata_argv(command)) == 0
    names = [n for n, _ in recorded]
    assert names == ["cmd_fetch", "cmd_build", "cmd_batch"]
    args = recorded[-1][1]
    assert args.all and args.jobs == 2 and args.file.name == "batch-params.yaml"
    assert "Type=oneshot" in service
    timer = (EXAMPLES / "ccdata-batch.timer").read_text()
    assert re.search(r"^OnCalendar=\*-10-01 03:00:00$", timer, flags=re.M)
    assert "Persistent=true" in timer and "WantedBy=timers.target" in timer


def test_crontab_line_and_docs_examples_are_valid(recorded):
    lines = [ln for ln in (EXAMPLES / "crontab").read_text().splitlines() if ln and not ln.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert fields[:5] == ["0", "3", "1", "10", "*"]  # 03:00 on 1 October
    assert cli.main(_ccdata_argv(fields[5])) == 0
    docs = (REPO / "docs" / "scheduling.md").read_text()
    assert lines[0] in docs  # the documented line is the tested one
    commands = re.findall(r"^\$ (ccdata .+)$", docs, flags=re.M)
    assert commands
    for c in commands:
        assert cli.main(shlex.split(c)[1:]) == 0, c
    assert len([n for n, _ in recorded if n == "cmd_batch"]) == 1 + len(commands)


def test_refresh_data_generates_demo_and_reports_missing_official(tmp_path, use_data_dir, monkeypatch):
    import ccdata
    from ccdata.run.commands import refresh_data

    monkeypatch.setenv("CCDATA_PLACES", str(REPO / "ccdata" / "places.yaml"))
    use_data_dir(tmp_path / "data")
    empty_mirror = tmp_path / "mirror"
    empty_mirror.mkdir()
    lines = refresh_data(["demo", "pembury"], mirror=str(empty_mirror), progress=False)
    assert any(line.startswith("demo: ") and "generated" in line for line in lines)
    official = next(line for line in lines if line.startswith("official: ") and "datasets ready" in line)
    assert official.startswith("official: 0 datasets ready")
    assert not any("build failed" in line for line in lines)
    assert ccdata.place("demo").lsoa21  # the demo place resolves from the fresh cache
    with pytest.raises(PlaceError, match="unknown place 'atlantis'"):
        refresh_data(["atlantis"])


_SEEN: list = []


def recording_runner(task: batch.Task) -> batch.TaskResult:
    """The real runner in this process (``jobs=1``), noting the worker kernel after each task."""
    from ccdata.run import runner

    result = tiny_notebook_runner(task)
    kernel = runner._WORKER
    _SEEN.append((task.place_id, task.view, result.status, kernel.starts if kernel else 0,
                  kernel.km.provisioner.process.pid if kernel and kernel.alive else None))
    return result


@pytest.mark.slow(reason="runs every notebook of the demo on one warm kernel")
def test_one_job_runs_every_notebook_on_one_warm_kernel_and_stops_it(places_file, tmp_path, monkeypatch):
    from ccdata.run import runner

    _use_tiny_notebook(tmp_path, monkeypatch)
    _SEEN.clear()
    res = batch.run_batch(["demo", BROKEN], views=["dashboard"],
                          out=tmp_path / "s", jobs=1, runner=recording_runner, progress=False)
    views = [s for s in _SEEN if s[1] == "dashboard"]
    assert [(p, st) for p, _, st, _, _ in views] == [("demo", "ok"), (BROKEN, "failed")]
    demo_pid = views[0][4]
    assert views[0][3] == 1 and demo_pid is not None  # the demo page came from the warm kernel
    assert views[1][4] is None  # after a failed notebook the kernel is not reused
    # kept for the adviser in the registry's notebook folder, never beside the pages
    assert (res.run_dir / ".notebooks" / BROKEN / "dashboard.failed.ipynb").exists()
    assert not (res.run_dir / BROKEN / "dashboard.failed.ipynb").exists()
    assert runner._WORKER is None  # the batch stopped its kernel
    with pytest.raises(ProcessLookupError):  # and its process is gone
        os.kill(demo_pid, 0)


SLOW_RUNNER = '''
import os, time
from pathlib import Path

def run(task):
    Path(os.environ["PIDS_DIR"], f"{os.getpid()}.pid").write_text(task.place_id)
    time.sleep(120)
'''


@pytest.mark.slow(reason="starts batch worker processes and kills them")
def test_workers_stop_when_the_batch_process_is_killed(places_file, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    (tmp_path / "slowrunner.py").write_text(SLOW_RUNNER, encoding="utf-8")
    pids_dir = tmp_path / "pids"
    pids_dir.mkdir()
    env = {**os.environ, "PIDS_DIR": str(pids_dir),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    code = ("import slowrunner\nfrom ccdata.run import batch\n"
            f"batch.run_batch(['demo', {BROKEN!r}], views=['dashboard'], out={str(tmp_path / 's')!r}, jobs=2, "
            "runner=slowrunner.run, progress=False)\n")
    main = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        deadline = time.monotonic() + 90
        while len(list(pids_dir.glob("*.pid"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = [int(p.stem) for p in pids_dir.glob("*.pid")]
        assert len(workers) == 2, "both workers should have started a place"
        main.send_signal(signal.SIGKILL)  # killed, not interrupted: nothing in it can clean up
        main.wait(timeout=10)
        deadline = time.monotonic() + 5 * runner_mod.PARENT_CHECK_SECONDS + 5
        alive = set(workers)
        while alive and time.monotonic() < deadline:
            for pid in list(alive):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    alive.discard(pid)
            time.sleep(0.2)
        assert not alive, f"workers {sorted(alive)} still running after the batch process was killed"
    finally:
        if main.poll() is None:
            main.kill()
        for p in pids_dir.glob("*.pid"):
            try:
                os.kill(int(p.stem), signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_watch_parent_refuses_a_bad_process_id():
    with pytest.raises(ValueError, match="process id"):
        runner_mod.watch_parent(0)


def test_changes_page_words_for_runs_and_network_measures():
    assert changes_page._when("2026-12-07T084933") == "7 December 2026, 08:49"
    assert changes_page._when("2026-12-07T084933-2") == "7 December 2026, 08:49"
    assert changes_page._when("not a run") == "not a run"
    # shares and density as percentages; counts whole; anything else to three significant figures
    assert changes_page._figure(0.0508474, "Density (share of possible connections that exist)") == "5.1%"
    assert changes_page._figure(0.9333, "Share in the largest connected group") == "93.3%"
    assert changes_page._figure(60.0, "Organisations") == "60"
    assert changes_page._figure(1234.0, "Connections between organisations") == "1,234"
    assert changes_page._figure(3.14159, "Mean weighted connections") == "3.14"
    assert changes_page._figure(float("nan"), "Share of ties reported by both sides") == "not recorded"
    assert changes_page._figure(pd.NA, "Organisations") == changes_page._figure("", "Organisations") == "not recorded"
    assert changes_page._plural(1, "neighbourhood") == "1 neighbourhood"
    assert changes_page._plural(2, "neighbourhood") == "2 neighbourhoods"
