"""Benchmark ``ccdata batch``: wall time per place, papermill floor, --jobs speed-up,
peak memory, site size, and a stress case with one place per English local authority.

Usage::

    .venv/bin/python benchmarks/bench_batch.py                 # everything
    .venv/bin/python benchmarks/bench_batch.py --limit 10      # stress: 10 LAs only
    .venv/bin/python benchmarks/bench_batch.py --skip-stress --skip-all
    .venv/bin/python benchmarks/bench_batch.py --skip-demo --skip-all --data data \
        --limit 24 --jobs 1 2 --cold                            # throughput, warm and cold

The stress case prints places per minute for each ``--jobs`` count and the estimate
for every English local authority (their number divided by that rate), with the
dashboard and asset map by default.

The demo place is generated into a temporary data folder unless ``CCDATA_DATA_DIR``
already holds it. The official cases need the official files: they are fetched
from ``CCDATA_MIRROR`` (or ``../shared/data``) into a temporary data folder and
built. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _peak_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest child (MiB, Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


class ProcessPeaks:
    """Peak resident memory of this process and of every process it starts (workers, kernels).

    A background thread reads ``VmHWM`` (the kernel's own record of a process's peak
    resident set) from ``/proc/<pid>/status`` of every descendant every ``interval``
    seconds, keeping the last value seen for each, so a process that ends between two
    readings keeps the peak read last (up to ``interval`` of growth can be missed).
    Linux only; elsewhere it records nothing.
    """

    def __init__(self, interval: float = 0.5):
        import threading

        self.interval = interval
        self.peaks: dict[int, tuple[float, str]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _parents() -> dict[int, list[int]]:
        """Children of every process, from each process's parent in ``/proc/<pid>/stat``."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold spaces and brackets
            children.setdefault(ppid, []).append(int(entry.name))
        return children

    def _read(self, pid: int) -> None:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return
        hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)
        if hwm is None or not cmd.strip():
            return  # ended (a zombie has no memory and no command line): keep what was read before
        kind = ("batch" if pid == os.getpid() else "kernel" if "ipykernel" in cmd
                else "tracker" if "resource_tracker" in cmd else "worker" if "spawn_main" in cmd
                else "other")
        self.peaks[pid] = (max(hwm / 1024, self.peaks.get(pid, (0.0, kind))[0]), kind)

    def _run(self) -> None:
        while not self._stop.is_set():
            children = self._parents()
            todo, seen = [os.getpid()], set()
            while todo:
                pid = todo.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                self._read(pid)
                todo += children.get(pid, [])
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def report(self) -> str:
        """Every process's peak (MiB), largest first, and the largest of each kind."""
        if not self.peaks:
            return "per-process peaks: not measured (no /proc)"
        rows = sorted(self.peaks.items(), key=lambda kv: -kv[1][0])
        lines = [f"peak resident memory of every process ({len(rows)} processes; VmHWM):"]
        lines += [f"  pid {pid:>7} {kind:<7} {mib:7.0f} MiB" for pid, (mib, kind) in rows]
        worst = rows[0][1][0]
        lines.append(f"largest: {worst:.0f} MiB ({'under' if worst < 1024 else 'NOT under'} 1024 MiB, "
                     f"margin {1024 - worst:.0f} MiB)")
        return "\n".join(lines)


def page_sizes(folder: Path) -> "pd.DataFrame":
    """Every partner page (``*.html`` outside the adviser notes) with its place, view and size."""
    import pandas as pd

    rows = [{"place": p.parent.name, "page": p.name, "bytes": p.stat().st_size}
            for p in folder.rglob("*.html") if ".adviser" not in p.parts and p.parent != folder]
    return pd.DataFrame(rows, columns=["place", "page", "bytes"])


def slowest_places(table, pages, places_file: Path, out: Path, n: int = 10, first=()) -> str:
    """The ``n`` slowest places with why: LSOAs, assets drawn, seconds per view, page sizes."""
    import re as _re

    import yaml

    defs = yaml.safe_load(places_file.read_text(encoding="utf-8")) if places_file else {}
    per = table.groupby("place")["seconds"].sum().sort_values(ascending=False).head(n)
    lines = [f"the {len(per)} slowest places (task seconds, all views):"]
    for place, secs in per.items():
        views = table[table["place"] == place]
        by_view = ", ".join(f"{r.view} {r.seconds:.1f}s" for r in views.itertuples())
        d = (defs or {}).get(place, {})
        lsoas = len(((d.get("footprint") or {}).get("lsoas") or {}).get("codes", []))
        mine = pages[pages["place"] == place]
        sizes = ", ".join(f"{r.page} {r.bytes / 2**10:.0f} KiB" for r in mine.itertuples())
        assets = ""
        found = next(iter(out.rglob(f"{place}/assets.html")), None)
        if found is not None:
            m = _re.search(r"List of assets on the map \((\d+)\)", found.read_text(encoding="utf-8", errors="replace"))
            assets = f", {m.group(1)} assets on the map" if m else ", no map"
        start = "; its worker's first place: it also paid the kernel's start and whole-country reads" \
            if place in first else ""
        lines.append(f"  {place:<14} {secs:6.1f}s  {lsoas:>4} LSOAs  ({by_view}; {sizes}){assets}{start}")
    return "\n".join(lines)


def papermill_floor(workdir: Path) -> float:
    """Seconds to run a notebook with only a parameters cell (kernel start + save)."""
    import papermill as pm

    nb = {"cells": [{"id": "parameters", "cell_type": "code", "metadata": {"tags": ["parameters"]}, "execution_count": None,
                     "outputs": [], "source": ['place_id: str = "demo"']}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    src = workdir / "empty.ipynb"
    src.write_text(json.dumps(nb), encoding="utf-8")
    started = time.perf_counter()
    pm.execute_notebook(str(src), str(workdir / "empty.out.ipynb"), parameters={"place_id": "x"},
                        progress_bar=False, log_output=False)
    return time.perf_counter() - started


def _per_place(result) -> None:
    table = result.table()
    for place, grp in table.groupby("place", sort=False):
        views = ", ".join(f"{r.view} {r.status} {r.seconds:.0f}s" for r in grp.itertuples())
        print(f"  {place:<18} {grp['seconds'].sum():7.1f}s of task time  ({views})")
    print(f"  run wall time {result.seconds:.1f}s; site size {_size(result.out) / 2**20:.1f} MiB")


def _with_env(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    return old


def _restore(old: dict) -> None:
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def demo_cases(tmp: Path, jobs: int) -> None:
    from ccdata import config, demo
    from ccdata.geo.build import build
    from ccdata.io.fetch import read_manifest
    from ccdata.run.batch import run_batch

    if not read_manifest("iod2025_file1", config.DEMO).get("files"):
        os.environ["CCDATA_DATA_DIR"] = str(tmp / "demo-data")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            demo.generate()
            build(collection=config.DEMO, progress=False)
    print("\n== demo place, every view ==")
    one = run_batch(["demo"], out=tmp / "site-j1", jobs=1, progress=False)
    print(f"--jobs 1: {one.seconds:.1f}s")
    _per_place(one)
    two = run_batch(["demo"], out=tmp / "site-j2", jobs=jobs, progress=False)
    print(f"--jobs {jobs}: {two.seconds:.1f}s  speed-up x{one.seconds / two.seconds:.2f}")
    own, kids = _peak_mib()
    print(f"peak memory: batch process {own:.0f} MiB, largest worker/kernel {kids:.0f} MiB")


def _official_data(tmp: Path) -> Path | None:
    from ccdata.geo.build import build
    from ccdata.io.fetch import fetch

    mirror = os.environ.get("CCDATA_MIRROR") or str(REPO.parent / "shared" / "data")
    if not (Path(mirror) / "MANIFEST.md").exists():
        print("official files not available (set CCDATA_MIRROR): official cases skipped")
        return None
    root = tmp / "official-data"
    os.environ["CCDATA_DATA_DIR"] = str(root)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fetch(mirror=mirror, progress=False)
        build(progress=False)
    print(f"official data fetched from the mirror and built in {time.perf_counter() - started:.0f}s")
    return root


def all_places_case(tmp: Path, jobs: int) -> None:
    from ccdata.run.batch import run_batch

    print(f"\n== every place in places.yaml, --jobs {jobs} ==")
    res = run_batch(all_places=True, out=tmp / "site-all", jobs=jobs, progress=False, skip_unavailable=True)
    _per_place(res)


def _stress_places(tmp: Path, limit: int | None) -> Path:
    """A places file with one place per English local authority (every LSOA 2021 of it),
    those with LSOA boundaries first (the official files may cover only some areas)."""
    import yaml

    from ccdata.geo import build

    iod = build.table("iod2025_file1", "official")
    england = iod[iod["lad24_code"].astype(str).str.startswith("E")]
    groups = list(england.groupby("lad24_code", sort=True))
    try:  # authorities whose LSOAs all have boundaries first, so their asset maps can be drawn
        mapped = set(build.table("boundaries_lsoa21", "official")["lsoa21_code"].astype(str))
    except Exception:  # no boundaries at all: the asset maps say so
        mapped = set()
    full = {lad for lad, grp in groups if set(grp["lsoa21_code"].astype(str)) <= mapped}
    groups.sort(key=lambda g: (g[0] not in full, g[0]))
    if limit:
        groups = groups[:limit]
    print(f"{len(full)} English local authorities have LSOA boundaries for every LSOA (listed first); "
          f"{sum(lad in full for lad, _ in groups)} of the {len(groups)} used have them")
    places = {}
    for lad, grp in groups:
        places[f"la-{lad.lower()}"] = {
            "name": f"{grp['lad24_name'].iloc[0]} (all LSOAs)", "collection": "official",
            "description": "Stress test: every LSOA 2021 of the local authority (IoD 2025 file 1).",
            "local_authority": {"code": lad, "name": str(grp["lad24_name"].iloc[0]), "vintage": 2024},
            "footprint": {"lsoas": {"vintage": 2021, "codes": sorted(grp["lsoa21_code"].astype(str))}}}
    path = tmp / "stress-places.yaml"
    path.write_text(yaml.safe_dump(places), encoding="utf-8")
    print(f"{england['lad24_code'].nunique()} English local authorities in IoD 2025 file 1; "
          f"using {len(places)}")
    return path


def stress_case(tmp: Path, jobs_list: list[int], limit: int | None, views: list[str],
                cold: bool = False) -> None:
    """Throughput of ``run_batch`` over N local authorities, per ``--jobs``, warm (and cold)."""
    import pandas as pd

    from ccdata.geo import build
    from ccdata.run.batch import run_batch

    iod = build.table("iod2025_file1", "official")
    n_england = iod.loc[iod["lad24_code"].astype(str).str.startswith("E"), "lad24_code"].nunique()
    path = _stress_places(tmp, limit)
    old = _with_env(CCDATA_PLACES=path)
    rows = []
    try:
        modes = [("warm", True)] + ([("cold", False)] if cold else [])
        for jobs in jobs_list:
            for mode, warm in modes:
                print(f"\n== stress: {limit or 'all'} local authorities, {' and '.join(views)}, "
                      f"--jobs {jobs}, {mode} kernels ==")
                with ProcessPeaks() as peaks:
                    res = run_batch(all_places=True, views=views, out=tmp / f"site-stress-{jobs}-{mode}",
                                    jobs=jobs, progress=False, skip_unavailable=True, warm=warm)
                table = res.table()
                pages = page_sizes(res.out)
                if len(pages):
                    print(f"pages: {len(pages)}; biggest {pages['bytes'].max() / 2**10:,.0f} KiB "
                          f"({pages.loc[pages['bytes'].idxmax(), 'place']}/{pages.loc[pages['bytes'].idxmax(), 'page']}), "
                          f"median {pages['bytes'].median() / 2**10:,.0f} KiB; by page: "
                          + "; ".join(f"{name} median {grp['bytes'].median() / 2**10:,.0f} KiB, biggest "
                                      f"{grp['bytes'].max() / 2**10:,.0f} KiB" for name, grp in pages.groupby("page")))
                if "assets" in views:
                    drawn = sum("No data for the asset map" not in p.read_text(encoding="utf-8", errors="replace")
                                for p in res.out.rglob("assets.html") if ".adviser" not in p.parts)
                    print(f"asset pages drawing their map (boundaries): {drawn} of {len(table[table['view'] == 'assets'])}")
                print(f"wall time {res.seconds:.1f}s for {table['place'].nunique()} places")
                # places go to the workers in the file's order: the first `jobs` start the workers
                import yaml

                order = list(yaml.safe_load(path.read_text(encoding="utf-8")))
                print(slowest_places(table, pages, path, res.out, first=order[:jobs]))
                print(peaks.report())
                n_places = table["place"].nunique()
                per_min = 60 * n_places / res.seconds
                line = {"jobs": jobs, "kernels": mode, "places": n_places, "seconds": round(res.seconds, 1),
                        "places_per_minute": round(per_min, 1),
                        "every_english_la_minutes": round(n_england / per_min, 1)}
                for view in [*views, "summaries"]:
                    ok = table[(table["view"] == view) & (table["status"] == "ok")]
                    line[f"{view}_ok"] = len(ok)
                    line[f"{view}_median_s"] = round(ok["seconds"].median(), 1) if len(ok) else float("nan")
                # steady state: a worker's first place also starts its kernel and reads the
                # whole-country tables; the median place (all its tasks) on each of `jobs` workers
                per_place = table.groupby("place", sort=False)["seconds"].sum()
                steady = 60 * jobs / per_place.median() if len(per_place) else float("nan")
                line["steady_places_per_minute"] = round(steady, 1)
                line["steady_every_english_la_minutes"] = round(n_england / steady, 1)
                rows.append(line)
                print(pd.Series(table["status"]).value_counts().to_string())
                bad = table[~table["status"].isin(["ok", "skipped"])]
                if len(bad):
                    print(bad.head(5).to_string(index=False, max_colwidth=120))
                own, kids = _peak_mib()
                print(f"{per_min:.1f} places per minute; site size {_size(res.out) / 2**20:.1f} MiB; "
                      f"peak memory so far: batch process {own:.0f} MiB, largest worker or kernel {kids:.0f} MiB")
    finally:
        _restore(old)
    print(f"\n== stress summary (every English local authority = {n_england}; estimate = "
          f"{n_england} / places per minute of this run) ==")
    print(pd.DataFrame(rows).to_string(index=False))
    warm = {r["jobs"]: r for r in rows if r["kernels"] == "warm"}
    if 1 in warm and len(warm) > 1:
        for jobs, r in sorted(warm.items()):
            if jobs != 1:
                print(f"--jobs {jobs} / --jobs 1 throughput in this run: x{r['places_per_minute'] / warm[1]['places_per_minute']:.2f}")
    print("method: places per minute = places run / run_batch wall time (every view of every place, "
          "the summaries, the run pages, and each worker's start: its kernel and the first read of the "
          "whole-country tables); estimate = English authorities / that rate. Steady = jobs x 60 / the "
          "median place's task seconds (all its views and summaries), leaving out the start, which "
          "a run of every authority pays once per worker. The machine's cores are shared, so compare "
          "figures within one run.")
    own, kids = _peak_mib()
    print(f"peak resident memory: batch process {own:.0f} MiB, largest worker or kernel {kids:.0f} MiB "
          "(target under 1024 MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[2],
                        help="worker counts; the stress case runs once per count (e.g. --jobs 1 2)")
    parser.add_argument("--limit", type=int, help="stress case: only the first N local authorities")
    parser.add_argument("--views", nargs="+", default=["dashboard", "assets"], help="stress case views")
    parser.add_argument("--cold", action="store_true",
                        help="stress case: also run with a fresh kernel per notebook, for comparison")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-all", action="store_true", help="skip the all-places case")
    parser.add_argument("--skip-stress", action="store_true")
    parser.add_argument("--data", help="use this built data folder instead of fetching into a temporary one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ccdata-bench-batch-") as t:
        tmp = Path(t)
        print(f"papermill floor (empty notebook): {papermill_floor(tmp):.1f}s")
        if not args.skip_demo:
            demo_cases(tmp, max(args.jobs))
        if args.skip_all and args.skip_stress:
            return
        if args.data:
            os.environ["CCDATA_DATA_DIR"] = str(Path(args.data).resolve())
        elif _official_data(tmp) is None:
            return
        if not args.skip_all:
            all_places_case(tmp, max(args.jobs))
        if not args.skip_stress:
            stress_case(tmp, args.jobs, args.limit, args.views, cold=args.cold)


if __name__ == "__main__":
    main()
