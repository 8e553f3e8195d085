"""Warm kernels (ccdata.run.runner) and the place cache (ccdata.geo.placecache): a page made on
a warm kernel that ran other places before equals a page made on a fresh kernel; the
kernel's state is put back between notebooks; failures keep the executed notebook and
replace the kernel; a cached place is the same place, with the same warnings."""
from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_notebook

from ccdata import DataQualityWarning, PlaceError, cache, config
from ccdata.geo import placecache, places
from ccdata.run import placework, report
from ccdata.run.runner import WarmKernel, WarmKernelError

REPO = Path(__file__).resolve().parents[2]
VIEWS = ["dashboard", "assets"]
#: folium names each map element ``<kind>_<uuid4 hex>``, new on every run
_FOLIUM_ID = re.compile(r"_[0-9a-f]{32}(?![0-9a-f])")
_RUN_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _normalise(page: str) -> str:
    return _RUN_DATE.sub("DATE", _FOLIUM_ID.sub("_ID", page))


def _two_demo_places(tmp_path: Path) -> Path:
    """places.yaml with the demo place and a second fictional place of two other wards."""
    demo = yaml.safe_load((REPO / "ccdata" / "places.yaml").read_text(encoding="utf-8"))["demo"]
    other = dict(demo, name="Second Demoton Children's Community",
                 footprint={"wards": {"vintage": 2024, "codes": ["E05900005", "E05900006"]}})
    path = tmp_path / "places.yaml"
    path.write_text(yaml.safe_dump({"demo": demo, "demo-b": other}), encoding="utf-8")
    return path


@pytest.mark.slow(reason="starts warm and cold notebook kernels")
def test_warm_pages_of_a_b_a_equal_a_cold_page(demo_data, tmp_path, monkeypatch):
    monkeypatch.setenv("CCDATA_PLACES", str(_two_demo_places(tmp_path)))
    # the pages only: the cold run's index (key findings computed in this process) is not compared
    cold = report.report("demo", out=tmp_path / "cold", views=VIEWS, warm=False, index=False)
    assert cold.ok, cold.summary()
    kernel = WarmKernel()
    try:
        runs = []
        for i, pid in enumerate(["demo", "demo-b", "demo"]):
            res = report.report(pid, out=tmp_path / f"warm{i}", views=VIEWS, kernel=kernel)
            assert res.ok, res.summary()
            runs.append(res)
        assert kernel.starts == 1 and kernel.notebooks_run == 6  # one kernel ran all six
        # the summaries made on the kernel, from the figures its views computed, equal cold ones
        warm_sums = kernel.call("ccdata.run.placework:place_summaries", place_id="demo",
                                out_dir=str(tmp_path / "warm-sums"))
        assert kernel.starts == 1
    finally:
        kernel.shutdown()
    cache.clear()
    cold_sums = placework.place_summaries("demo", str(tmp_path / "cold-sums"))
    assert warm_sums == cold_sums and warm_sums["findings"]
    written = sorted(k for k, v in cold_sums["status"].items() if v == "ok")
    assert written, cold_sums
    for name in written:
        assert ((tmp_path / "warm-sums" / "demo" / name).read_bytes()
                == (tmp_path / "cold-sums" / "demo" / name).read_bytes()), name
    for view in VIEWS:
        expected = _normalise((cold.place_dir / f"{view}.html").read_text(encoding="utf-8"))
        for res in (runs[0], runs[2]):
            got = _normalise((res.place_dir / f"{view}.html").read_text(encoding="utf-8"))
            assert got == expected, f"{view} of demo from the warm kernel differs from a cold run"
        other = _normalise((runs[1].place_dir / f"{view}.html").read_text(encoding="utf-8"))
        assert other != expected and "Second Demoton" in other  # B really was a different place


def _notebook(path: Path, *cells: str, parameters: str = 'label = "x"') -> Path:
    nb = new_notebook(cells=[new_code_cell(parameters, metadata={"tags": ["parameters"]})]
                      + [new_code_cell(c) for c in cells],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    nbformat.write(nb, str(path))
    return path


_STATE = """
import json, os, sys, warnings
import matplotlib, matplotlib.pyplot as plt
print(json.dumps({"names": sorted(k for k in globals() if not k.startswith("_")
                                  and k not in ("json", "os", "sys", "warnings", "matplotlib", "plt",
                                                "label", "In", "Out", "exit", "quit",
                                                "get_ipython", "open")),
                  "figures": len(plt.get_fignums()), "linewidth": matplotlib.rcParams["lines.linewidth"],
                  "filters": len(warnings.filters), "showwarning": warnings.showwarning.__module__,
                  "cwd": os.getcwd()}))
"""
_POLLUTE = """
import os, warnings
import matplotlib, matplotlib.pyplot as plt
leaked = 1
matplotlib.rcParams["lines.linewidth"] = 9.0
plt.figure()
warnings.simplefilter("error")
warnings.showwarning = lambda *a, **k: None
os.chdir("/")
"""


def _stdout(path: Path) -> dict:
    nb = nbformat.read(str(path), as_version=4)
    texts = [o["text"] for c in nb.cells for o in c.get("outputs", [])
             if o.get("output_type") == "stream" and o.get("name") == "stdout"]
    return json.loads(texts[-1])


@pytest.mark.slow(reason="starts warm and cold notebook kernels")
def test_kernel_state_is_put_back_between_notebooks(tmp_path):
    state = _notebook(tmp_path / "state.ipynb", _STATE)
    pollute = _notebook(tmp_path / "pollute.ipynb", _POLLUTE, _STATE)
    kernel = WarmKernel(cwd=tmp_path)
    try:
        before = _stdout(kernel.execute(state, tmp_path / "1.ipynb", {"label": "a"}))
        dirty = _stdout(kernel.execute(pollute, tmp_path / "2.ipynb", {"label": "b"}))
        after_path = kernel.execute(state, tmp_path / "3.ipynb", {"label": "c"})
        after = _stdout(after_path)
        assert kernel.starts == 1
    finally:
        kernel.shutdown()
    # the polluting notebook really changed every one of these
    assert dirty["names"] == ["leaked"] and dirty["figures"] == 1 and dirty["linewidth"] == 9.0
    assert dirty["cwd"] == "/" and dirty["showwarning"] != before["showwarning"]
    assert dirty["filters"] == before["filters"] + 1
    assert after == before and before["names"] == [] and before["figures"] == 0
    assert Path(before["cwd"]).resolve() == tmp_path.resolve()
    # papermill's parameters reached the notebook; the execution counter starts again at 1
    nb = nbformat.read(str(after_path), as_version=4)
    assert 'label = "c"' in nb.cells[1].source
    assert [c.execution_count for c in nb.cells] == [1, 2, 3]


@pytest.mark.slow(reason="starts warm and cold notebook kernels")
def test_failed_notebook_is_written_and_the_kernel_replaced(tmp_path):
    import papermill as pm

    bad = _notebook(tmp_path / "bad.ipynb", "x = 1", 'raise RuntimeError("boom on a warm kernel")')
    good = _notebook(tmp_path / "good.ipynb", "import json; print(json.dumps({'x': 'x' in globals()}))")
    # nothing preloaded: these notebooks import nothing of ccdata, and the replacement is what is
    # tested (each start with the views' preloads costs about 1.5 s of CPU more)
    kernel = WarmKernel(cwd=tmp_path, preload=())
    try:
        with pytest.raises(pm.PapermillExecutionError, match="boom on a warm kernel"):
            kernel.execute(bad, tmp_path / "bad.out.ipynb")
        written = nbformat.read(str(tmp_path / "bad.out.ipynb"), as_version=4)
        errors = [o for c in written.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert errors and errors[0]["evalue"] == "boom on a warm kernel"
        assert not kernel.alive  # not reused after a failure
        assert _stdout(kernel.execute(good, tmp_path / "good.out.ipynb")) == {"x": False}
        assert kernel.starts == 2
    finally:
        kernel.shutdown()


@pytest.mark.slow(reason="starts warm and cold notebook kernels")
def test_report_failure_on_warm_kernel_keeps_notebook_and_names_cell(demo_data, tmp_path, monkeypatch):
    folder = tmp_path / "nb"
    folder.mkdir()
    _notebook(folder / "place_dashboard.ipynb", "from ccdata.views import common",
              'raise RuntimeError("boom in the dashboard")', parameters='place_id = "demo"')
    monkeypatch.setattr(report, "NOTEBOOKS_DIR", folder)
    kernel = WarmKernel(cwd=folder)
    try:
        # no index: its key findings would start a replacement kernel after the failure (the
        # failed-run test in test_report.py checks the index after a failed view)
        result = report.report("demo", out=tmp_path / "out", views=["dashboard"], kernel=kernel, index=False)
    finally:
        kernel.shutdown()
    failure = result.failures[0]
    assert "cell 2" in failure.message and "RuntimeError: boom in the dashboard" in failure.message
    kept = tmp_path / "out" / ".notebooks" / "demo" / "dashboard.failed.ipynb"
    assert "boom in the dashboard" in kept.read_text(encoding="utf-8")


# ----------------------------------------------------------------------- place cache
def _places_file(tmp_path: Path, codes: list[str]) -> Path:
    demo = yaml.safe_load((REPO / "ccdata" / "places.yaml").read_text(encoding="utf-8"))["demo"]
    path = tmp_path / "places.yaml"
    path.write_text(yaml.safe_dump({"demo": dict(demo, footprint={"wards": {"vintage": 2024,
                                                                            "codes": codes}})}),
                    encoding="utf-8")
    return path


def test_cached_place_equals_a_fresh_one_and_is_read_from_the_file(demo_data, tmp_path, monkeypatch):
    monkeypatch.setenv("CCDATA_PLACES", str(_places_file(tmp_path, ["E05900001", "E05900002"])))
    cache.clear()
    fresh = places.place("demo")
    first = placecache.resolve("demo")
    assert first.lsoa21 == fresh.lsoa21 and first.footprint_method == fresh.footprint_method
    assert first.wards.equals(fresh.wards) and first.assignment.equals(fresh.assignment)
    collection, key = placecache.cache_key("demo")
    assert collection == config.DEMO
    assert (config.processed_dir(config.DEMO) / placecache.FOLDER / f"demo-{key}.pickle").exists()
    cache.clear()

    def refuse(place_id):
        raise AssertionError("resolved again although the cache is current")

    monkeypatch.setattr(places, "place", refuse)
    again = placecache.resolve("demo")
    assert again.lsoa21 == fresh.lsoa21 and again is not first
    again.lsoa21.append("changed")  # a copy: the next caller is not affected
    assert placecache.resolve("demo").lsoa21 == fresh.lsoa21


def test_a_changed_definition_is_resolved_again(demo_data, tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    monkeypatch.setenv("CCDATA_PLACES", str(_places_file(tmp_path / "a", ["E05900001"])))
    one = placecache.resolve("demo")
    (tmp_path / "b").mkdir()
    monkeypatch.setenv("CCDATA_PLACES", str(_places_file(tmp_path / "b", ["E05900001", "E05900002"])))
    two = placecache.resolve("demo")
    assert set(one.lsoa21) < set(two.lsoa21)
    assert two.lsoa21 == places.place("demo").lsoa21


def test_resolution_warnings_are_raised_again_from_the_cache(demo_data, tmp_path, monkeypatch):
    from ccdata.geo import build

    geo = build.table("lsoa21_geography", config.DEMO)
    outside = sorted(geo.loc[geo["lad24_code"] != "E06900001", "lsoa21_code"])[:1]
    if not outside:
        pytest.skip("the demo geography has a single local authority")
    demo = yaml.safe_load((REPO / "ccdata" / "places.yaml").read_text(encoding="utf-8"))["demo"]
    path = tmp_path / "places.yaml"
    path.write_text(yaml.safe_dump({"demo": dict(demo, footprint={"lsoas": {"vintage": 2021,
                                                                            "codes": outside}})}),
                    encoding="utf-8")
    monkeypatch.setenv("CCDATA_PLACES", str(path))
    cache.clear()
    for _ in range(2):  # resolved, then from the file
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            placecache.resolve("demo")
        texts = [str(w.message) for w in caught if issubclass(w.category, DataQualityWarning)]
        assert any(outside[0] in t and "outside" in t for t in texts), texts
        cache.clear()


def test_unknown_place_is_an_error(demo_data):
    with pytest.raises(PlaceError, match="unknown place"):
        placecache.resolve("atlantis")
    with pytest.raises(PlaceError):
        placecache.resolve("")


# --------------------------------------------------------------------------- calls into the kernel
@pytest.mark.slow(reason="starts warm and cold notebook kernels")
def test_a_call_runs_in_the_kernel_and_a_failing_call_replaces_it(demo_data, tmp_path):
    kernel = WarmKernel()
    try:
        with pytest.raises(ValueError, match="module:function"):
            kernel.call("os:system", command="true")  # only ccdata's batch functions
        got = kernel.call("ccdata.run.placework:place_summaries", place_id="demo", out_dir=str(tmp_path))
        assert got["status"] and got["bytes"] == sum(
            (tmp_path / "demo" / k).stat().st_size for k, v in got["status"].items() if v == "ok")
        assert kernel.alive and kernel.starts == 1
        with pytest.raises(WarmKernelError, match="PlaceError"):
            kernel.call("ccdata.run.placework:place_summaries", place_id="atlantis", out_dir=str(tmp_path))
        assert not kernel.alive  # replaced before the next use
        # the replacement answers (the key findings alone: the summaries above computed them too)
        assert kernel.call("ccdata.run.placework:place_findings", place_id="demo")["findings"]
        assert kernel.starts == 2
    finally:
        kernel.shutdown()


# --------------------------------------------------------------------------- figures shared by copies
def test_copies_of_a_place_share_its_figures_and_raise_their_warnings_again(demo_data, tmp_path,
                                                                             monkeypatch):
    import pandas as pd

    monkeypatch.setenv("CCDATA_PLACES", str(_two_demo_places(tmp_path)))
    cache.clear()
    calls = []

    def make():
        calls.append(1)
        warnings.warn("a note made while computing", DataQualityWarning, stacklevel=2)
        return pd.DataFrame({"x": [len(calls)]})

    def figures(place):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = place.remembered("k", make)
        return frame.loc[0, "x"], [str(w.message) for w in caught]

    note = ["a note made while computing"]
    assert figures(placecache.resolve("demo")) == (1, note)
    assert figures(placecache.resolve("demo")) == (1, note)  # a later copy: computed once, note again
    assert len(calls) == 1
    other = placecache.resolve("demo-b")
    assert figures(other) == (2, note)  # another place never gets these figures
    changed = placecache.resolve("demo")
    changed.lsoa21 = changed.lsoa21[:-1]
    assert figures(changed) == (3, note)  # a caller's changed place is computed again
    monkeypatch.setitem(cache.LIMITS, "places", 1)
    placecache.resolve("demo-b")  # holds one place now
    assert cache.info()["places"]["entries"] == 1
    assert figures(placecache.resolve("demo"))[0] == 4  # an unchanged copy after the changed one
    assert cache.info()["figures"]["entries"] == 1
    assert figures(placecache.resolve("demo-b"))[0] == 5  # demo-b's figures were dropped for room
    cache.clear()


def test_kernels_talk_over_private_unix_sockets_unless_the_path_is_too_long(tmp_path, monkeypatch):
    """Two kernels started at once (a batch's workers) cannot be handed the same local port:
    on POSIX each kernel's sockets are in a folder of its own that only this user can open."""
    import os
    import stat

    from ccdata.run import runner

    if os.name == "nt":
        pytest.skip("Unix sockets: POSIX only (Windows kernels use TCP)")
    monkeypatch.setattr(runner, "work_folder", lambda: tmp_path)
    (km_a, folder_a), (km_b, folder_b) = runner.kernel_manager(), runner.kernel_manager()
    assert km_a.transport == km_b.transport == "ipc" and folder_a != folder_b
    assert km_a.ip == os.path.join(folder_a, "k") and Path(folder_a).parent == tmp_path
    assert stat.S_IMODE(os.stat(folder_a).st_mode) == 0o700
    assert km_a.kernel_name == runner.KERNEL_NAME == "python3"
    long = tmp_path / ("x" * 120)
    long.mkdir()
    monkeypatch.setattr(runner, "work_folder", lambda: long)
    km, folder = runner.kernel_manager()
    assert km.transport == "tcp" and folder is None
    assert list(long.iterdir()) == []  # the socket folder it could not use is gone
    monkeypatch.setattr(runner, "work_folder", lambda: tmp_path)
    km, folder = runner.kernel_manager(tcp=True)
    assert km.transport == "tcp" and folder is None


class _Client:
    def __init__(self, outcome):
        self.outcome, self.stopped = outcome, False

    def start_channels(self):
        pass

    def wait_for_ready(self, timeout):
        raise self.outcome

    def stop_channels(self):
        self.stopped = True


class _Manager:
    def __init__(self, outcome, folder):
        self.outcome, self.folder, self.has_kernel, self.killed = outcome, folder, False, False
        self.client_made = None

    def start_kernel(self, **kwargs):
        self.has_kernel = True

    def client(self):
        self.client_made = _Client(self.outcome)
        return self.client_made

    def shutdown_kernel(self, now=False):
        self.killed, self.has_kernel = now, False


@pytest.mark.parametrize("outcome, raised, tries", [
    (RuntimeError("Kernel didn't respond in 60 seconds"), WarmKernelError, 2),
    (KeyboardInterrupt(), KeyboardInterrupt, 1),
])
def test_a_kernel_that_does_not_answer_is_stopped_and_tried_once_more(tmp_path, monkeypatch, outcome, raised, tries):
    """A kernel that does not answer is stopped (process, client and socket folder) and started
    once more; a stopped run (SIGTERM arrives as KeyboardInterrupt) stops it and goes no further."""
    from ccdata.run import runner

    made, over_tcp = [], []

    def manager(tcp=False):
        folder = tmp_path / f"k{len(made)}"
        folder.mkdir()
        made.append(_Manager(outcome, folder))
        over_tcp.append(tcp)
        return made[-1], str(folder)

    monkeypatch.setattr(runner, "kernel_manager", manager)
    kernel = WarmKernel(preload=())
    with pytest.raises(raised) as caught:
        kernel.start()
    assert len(made) == tries
    assert all(m.killed and m.client_made.stopped and not m.folder.exists() for m in made)
    assert kernel.km is None and kernel.starts == 0
    assert over_tcp == [False, True][:tries]  # the second try does not use a sockets' folder
    if raised is WarmKernelError:
        assert "tried twice" in str(caught.value) and "60 seconds" in str(caught.value)
