"""Benchmark ``ccdata report``: where a view's time goes, and a cold view next to a warm one.

Usage::

    .venv/bin/python benchmarks/bench_report.py                      # demo: every view
    .venv/bin/python benchmarks/bench_report.py --profile wallsend   # profile one place
    .venv/bin/python benchmarks/bench_report.py --profile demo --views dashboard
    .venv/bin/python benchmarks/bench_report.py --la E08000022      # every LSOA of an authority

``--profile PLACE`` reads the data folder ccdata is configured with (``CCDATA_DATA_DIR``
or ``data/``; fetch and build it first, e.g. ``ccdata fetch --mirror ...`` and
``ccdata build``; the demo place is generated when missing) and prints, for each view
(dashboard and asset map by default), in one run:

1. the profile: kernel start, imports in a kernel, place resolution (uncached and from
   the processed cache), each cell's time from the executed notebook's papermill
   metadata, the same cells run in this process under cProfile split into data
   loading (``build.table``), chart and map rendering (``charts``,
   ``present.png_data_uri``, ``maps.map_assets``, ``maps.embed``) and the rest
   (section computation), and HTML export (first call, building the exporter, and
   a reused exporter);
2. a cold view (fresh kernel), the same view twice on one warm kernel, and the ratio
   of the second warm run to the cold one.

Without ``--profile`` the demo place is generated in a temporary folder and every view
is timed cold and on a warm kernel. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import ast
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_batch import papermill_floor  # noqa: E402  (one definition of the floor)

#: (label, file ending, function) whose cumulative time is one profile category
CATEGORIES = {
    "data loading": [("geo/build.py", "table"), ("io/postcodes.py", "_read_member"),
                     ("io/postcodes.py", "_read_area_bounds")],
    "charts and maps": [("present/charts.py", f) for f in ("decile_chart", "composition_chart",
                                                         "age_chart", "indicator_chart")]
    + [("present/blocks.py", "png_data_uri"), ("present/blocks.py", "figure"),
       ("present/maps.py", "map_assets"), ("present/maps.py", "embed")],
    "place resolution": [("geo/placecache.py", "resolve")],
    "comparator areas": [("geo/places.py", "_comparator_areas")],
    "imports": [("<frozen importlib._bootstrap>", "_find_and_load")],
}


def _ensure_demo() -> None:
    from ccdata import config, demo
    from ccdata.geo.build import build
    from ccdata.io.fetch import read_manifest

    if not read_manifest("iod2025_file1", config.DEMO).get("files"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            demo.generate()
            build(collection=config.DEMO, progress=False)


# --------------------------------------------------------------------------- in-process profile
def _category_times(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds per category; a function inside another of the same category
    (``figure`` calls ``png_data_uri``) is counted once, through the outer one."""
    out = {}
    for label, wanted in CATEGORIES.items():
        total = 0.0
        for (filename, _line, func), (_cc, _nc, _tt, ct, callers) in stats.stats.items():
            if not any(filename.replace(os.sep, "/").endswith(end) and func == name for end, name in wanted):
                continue
            inner = sum(c[3] for (f, _l, fn), c in callers.items()
                        if any(f.replace(os.sep, "/").endswith(end) and fn == name for end, name in wanted))
            total += ct - min(inner, ct)
        out[label] = total
    return out


def _draws(stats: pstats.Stats) -> dict[str, int]:
    """How many figures were saved and how many times matplotlib drew a whole figure."""
    out = {"saves": 0, "draws": 0}
    for (filename, _line, func), (_cc, nc, _tt, _ct, _callers) in stats.stats.items():
        if filename.replace(os.sep, "/").endswith("matplotlib/figure.py"):
            if func == "savefig":
                out["saves"] += nc
            elif func == "draw":
                out["draws"] += nc
    return out


def _top(stats: pstats.Stats, n: int = 4) -> list[str]:
    rows = [(tt, f"{Path(f).name}:{func}") for (f, _l, func), (_cc, _nc, tt, _ct, _c) in stats.stats.items()]
    return [f"{name} {tt:.2f}s" for tt, name in sorted(rows, reverse=True)[:n]]


def inprocess_profile(place_id: str, view_name: str) -> dict:
    """Run a view's cells in this process (a fresh one) under cProfile, cell by cell."""
    import IPython.core.display_functions as display_functions
    import IPython.display
    from IPython.core.formatters import DisplayFormatter

    from ccdata import cache
    from ccdata.geo import placecache, places
    from ccdata.run import report

    formatter = DisplayFormatter()
    shown: list = []

    def display(*objs, **_kw):  # what the kernel does with a displayed block: render it
        for obj in objs:
            shown.append(formatter.format(obj))

    IPython.display.display = display
    display_functions.display = display
    view = report.VIEWS[view_name]
    nb = json.loads((report.NOTEBOOKS_DIR / view.notebook).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    out: dict = {}
    started = time.perf_counter()
    import importlib

    from ccdata.run.runner import default_preload

    for name in default_preload():  # as a warm kernel does first; the cells then time their own work
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    out["imports"] = time.perf_counter() - started
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        resolved = places.place(place_id)
        out["place uncached"] = time.perf_counter() - t
        placecache.resolve(place_id)  # written to the processed cache if it was not there
        cache.clear("places", "figures")
        t = time.perf_counter()
        placecache.resolve(place_id)
        out["place from cache"] = time.perf_counter() - t
        cache.clear("places", "figures")
        out["lsoas"] = len(resolved.lsoa21)
        cache.clear("tables", "derived")  # the cells read their tables as a fresh kernel would
    old_showwarning = warnings.showwarning
    for run in ("cold", "warm"):  # a fresh process, then the same process again (a warm kernel)
        ns: dict = {"__name__": "__main__"}
        out[run] = []
        cache.clear("places", "figures")
        for index, cell in enumerate(cells):
            source = "".join(cell["source"])
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                exec(compile(source, f"cell{index}", "exec"), ns)
                ns["place_id"] = place_id
                continue
            tree = ast.parse(source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            exec(compile(tree, f"cell{index}", "exec"), ns)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), f"cell{index}", "eval"), ns)
                if value is not None:
                    display(value)
            profiler.disable()
            wall = time.perf_counter() - started
            stats = pstats.Stats(profiler)
            first = source.strip().splitlines()[-1][:60]
            out[run].append({"cell": index, "source": first, "wall": wall, **_category_times(stats),
                             "top": _top(stats), **_draws(stats)})
        warnings.showwarning = old_showwarning
    return out


def _inprocess_in_subprocess(place_id: str, view: str) -> dict:
    cmd = [sys.executable, __file__, "--_inprocess", place_id, view]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    if done.returncode:
        raise RuntimeError(f"in-process profile of {view} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- kernel figures
def kernel_start_and_imports() -> tuple[float, float]:
    """Seconds to start a bare kernel, and to import ccdata and its dependencies in it."""
    from ccdata.run.runner import _BASELINE, WarmKernel, default_preload

    kernel = WarmKernel()
    from jupyter_client.manager import KernelManager

    started = time.perf_counter()
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(REPO), extra_arguments=["--IPKernelApp.log_level=ERROR"])
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    start = time.perf_counter() - started
    kernel.km, kernel.kc = km, kc
    try:
        started = time.perf_counter()
        kernel._run_code(_BASELINE.format(modules=default_preload()), "imports")
        imports = time.perf_counter() - started
    finally:
        kernel.shutdown()
    return start, imports


def _papermill_cells(executed: Path) -> list[tuple[int, str, float]]:
    nb = json.loads(executed.read_text(encoding="utf-8"))
    rows = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        pm = cell.get("metadata", {}).get("papermill", {})
        src = "".join(cell["source"]).strip().splitlines()
        rows.append((i, src[-1][:60] if src else "", float(pm.get("duration") or 0.0)))
    return rows


def cold_and_warm(place_id: str, view: str, tmp: Path) -> dict:
    """A cold view, the same view twice on one warm kernel, and the export times."""
    from ccdata.geo import placecache
    from ccdata.run import report
    from ccdata.run.runner import WarmKernel

    place = placecache.resolve(place_id)
    v = report.VIEWS[view]
    meta = report._page_meta(place, v, [], "2000-01-01")
    out = {}
    started = time.perf_counter()
    cold = report.report(place_id, out=tmp / "cold", views=[view], warm=False, keep_notebook=True)
    out["cold"] = time.perf_counter() - started
    out["status"] = cold.views[0].status
    executed = report.notebook_path(cold.place_dir, v.notebook)  # kept away from the pages
    if executed.exists():
        out["cells"] = _papermill_cells(executed)
        report._exporter.cache_clear()
        started = time.perf_counter()
        report.export_html(executed, meta)
        out["export first"] = time.perf_counter() - started
        started = time.perf_counter()
        report.export_html(executed, meta)
        out["export reused"] = time.perf_counter() - started
    kernel = WarmKernel()
    try:
        for key in ("warm first", "warm"):
            started = time.perf_counter()
            res = report.report(place_id, out=tmp / key.replace(" ", "-"), views=[view], kernel=kernel)
            out[key] = time.perf_counter() - started
            out[key + " status"] = res.views[0].status
    finally:
        kernel.shutdown()
    return out


def comparators_before_after(place_id: str, calls: int = 26) -> tuple[float, float]:
    """Seconds for ``calls`` look-ups of a place's comparator areas: recomputed each time
    (as before they were kept on the place) and kept on the place (now)."""
    from ccdata.geo import placecache

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        place = placecache.resolve(place_id)
        place.comparators
        started = time.perf_counter()
        for _ in range(calls):
            place._comparator_areas()
        before = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(calls):
            place.comparators
        after = time.perf_counter() - started
    return before, after


def profile(place_id: str, views: list[str]) -> None:
    """Print the profile, cold and warm figures for each view of one place."""
    from ccdata import config
    from ccdata.geo import places

    if places.definitions().get(place_id, {}).get("collection") == config.DEMO:
        _ensure_demo()
    print(f"== profile of {place_id} (data folder {config.data_dir()}) ==")
    start, imports = kernel_start_and_imports()
    print(f"kernel start (bare kernel ready):           {start:6.2f} s")
    print(f"imports in the kernel (ccdata + pandas, geopandas, matplotlib, folium...): {imports:6.2f} s")
    before, after = comparators_before_after(place_id)
    print(f"comparator areas (local authority, England), 26 look-ups (as many as the deprivation section makes): "
          f"recomputed each time {before:.2f} s, kept on the place {after:.3f} s")
    with tempfile.TemporaryDirectory(prefix="ccdata-bench-profile-") as t:
        tmp = Path(t)
        for view in views:
            prof = _inprocess_in_subprocess(place_id, view)
            runs = cold_and_warm(place_id, view, tmp / view)
            print(f"\n-- {view}: {place_id}, {prof['lsoas']} LSOAs --")
            print(f"place resolution: uncached {prof['place uncached']:.2f} s, "
                  f"from the processed cache {prof['place from cache']:.3f} s")
            print("cells as executed by papermill on a fresh kernel (metadata.papermill.duration):")
            for i, src, secs in runs.get("cells", []):
                print(f"  cell {i:2d} {secs:6.2f} s  {src}")
            print(f"imports in a fresh process (ccdata and its dependencies): {prof['imports']:.2f} s")
            for run, what in (("cold", "first time in a fresh process"),
                              ("warm", "again in the same process, as on a warm kernel")):
                print(f"the same cells under cProfile, {what} "
                      "(wall = data loading + charts and maps + place + comparator areas + imports + rest "
                      "(section computation)):")
                for c in prof[run]:
                    rest = c["wall"] - sum(c[k] for k in CATEGORIES)
                    print(f"  cell {c['cell']:2d} {c['wall']:6.2f} s = load {c['data loading']:5.2f} + charts "
                          f"{c['charts and maps']:5.2f} + place {c['place resolution']:5.2f} + comparator areas "
                          f"{c['comparator areas']:5.2f} + imports {c['imports']:5.2f} + rest {rest:5.2f}   "
                          f"{c['source']}")
                    print(f"           most own time: {', '.join(c['top'])}")
                totals = {k: sum(c[k] for c in prof[run]) for k in CATEGORIES}
                wall = sum(c["wall"] for c in prof[run])
                print(f"  cells total {wall:.2f} s: data loading {totals['data loading']:.2f}, charts and maps "
                      f"{totals['charts and maps']:.2f}, place {totals['place resolution']:.2f}, "
                      f"comparator areas {totals['comparator areas']:.2f}, imports {totals['imports']:.2f}, "
                      f"rest {wall - sum(totals.values()):.2f}")
                saves, draws = sum(c.get("saves", 0) for c in prof[run]), sum(c.get("draws", 0) for c in prof[run])
                if saves:
                    print(f"  figures saved {saves}, whole-figure draws {draws} ({draws / saves:.1f} per figure: "
                          "one to save; a chart with a constrained layout, such as the ward map, draws once "
                          "more to place its parts)")
            if "export first" in runs:
                print(f"HTML export: {runs['export first']:.2f} s with a new exporter, "
                      f"{runs['export reused']:.2f} s with the reused one")
            print(f"cold view (fresh kernel):                    {runs['cold']:6.2f} s  ({runs['status']})")
            print(f"warm view, first on a new warm kernel:       {runs['warm first']:6.2f} s  "
                  f"({runs['warm first status']})")
            print(f"warm view (kernel already warm):             {runs['warm']:6.2f} s  ({runs['warm status']})")
            print(f"warm / cold:                                 {runs['warm'] / runs['cold']:6.0%}  "
                  f"(target at most 40%)")


def demo_all_views() -> None:
    """Every view of the demo place: cold, then on one warm kernel (the multi-view default)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["CCDATA_DATA_DIR"] = str(tmp / "data")
        from ccdata.run import report

        started = time.perf_counter()
        _ensure_demo()
        print(f"demo generate + build:                 {time.perf_counter() - started:6.1f} s")
        floor = papermill_floor(tmp)
        print(f"papermill floor (empty notebook):      {floor:6.1f} s")
        totals = {}
        for mode, warm in (("cold", False), ("warm", True)):
            started = time.perf_counter()
            result = report.report("demo", out=tmp / f"reports-{mode}", warm=warm)
            totals[mode] = time.perf_counter() - started
            for v in result.views:
                size = f"{v.bytes / 1024:8,.0f} KiB" if v.bytes else " " * 12
                print(f"  {mode} view {v.view:<10} {v.status:<8} {v.seconds:6.1f} s  {size}")
            print(f"ccdata report demo, {mode} (all views):   {totals[mode]:6.1f} s")
        print(f"warm / cold (all views of one report):  {totals['warm'] / totals['cold']:6.0%}")


def la_place(code: str, folder: Path) -> str:
    """A places file with one place made of every LSOA 2021 of local authority ``code``
    (IoD 2025 file 1), set as ``CCDATA_PLACES``; returns the place id (``la-<code>``)."""
    import yaml

    from ccdata.geo import build

    iod = build.table("iod2025_file1", "official")
    grp = iod[iod["lad24_code"].astype(str) == code]
    if grp.empty:
        raise SystemExit(f"no local authority {code!r} in IoD 2025 file 1")
    pid = f"la-{code.lower()}"
    name = str(grp["lad24_name"].iloc[0])
    places = {pid: {"name": f"{name} (all LSOAs)", "collection": "official",
                    "local_authority": {"code": code, "name": name, "vintage": 2024},
                    "footprint": {"lsoas": {"vintage": 2021, "codes": sorted(grp["lsoa21_code"].astype(str))}}}}
    path = folder / "la-place.yaml"
    path.write_text(yaml.safe_dump(places), encoding="utf-8")
    os.environ["CCDATA_PLACES"] = str(path)
    return pid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", metavar="PLACE", help="profile the views of this place")
    parser.add_argument("--la", metavar="CODE",
                        help="profile a place made of every LSOA of this local authority (e.g. E08000022)")
    parser.add_argument("--views", nargs="+", default=["dashboard", "assets"])
    parser.add_argument("--_inprocess", nargs=2, metavar=("PLACE", "VIEW"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._inprocess:
        result = inprocess_profile(*args._inprocess)
        print(json.dumps(result))
    elif args.la:
        with tempfile.TemporaryDirectory(prefix="ccdata-bench-la-") as folder:
            profile(la_place(args.la, Path(folder)), args.views)
    elif args.profile:
        profile(args.profile, args.views)
    else:
        demo_all_views()


if __name__ == "__main__":
    main()
