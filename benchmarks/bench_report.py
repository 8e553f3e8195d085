"""Benchmark ``ccdata report demo``: wall time of each view next to the papermill
floor (an empty notebook: kernel start and save), the HTML size of each page, and the
time to build the asset map itself (``assets.place_assets`` + ``maps.map_assets``).

Usage::

    .venv/bin/python benchmarks/bench_report.py

The demo place is generated and built in a temporary data folder. Prints figures;
asserts nothing.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_batch import papermill_floor  # noqa: E402  (one definition of the floor)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["CCDATA_DATA_DIR"] = str(tmp / "data")
        from ccdata.analysis import assets
        from ccdata import demo
        from ccdata.present import maps
        from ccdata.run import report
        from ccdata.geo.build import build

        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            demo.generate()
            build("demo", progress=False)
        print(f"demo generate + build:                 {time.perf_counter() - started:6.1f} s")
        floor = papermill_floor(tmp)
        print(f"papermill floor (empty notebook):      {floor:6.1f} s")

        started = time.perf_counter()
        result = report.report("demo", out=tmp / "reports")
        total = time.perf_counter() - started
        for v in result.views:
            size = f"{v.bytes / 1024:8,.0f} KiB" if v.bytes else " " * 12
            print(f"  view {v.view:<10} {v.status:<8} {v.seconds:6.1f} s  {size}  "
                  f"({v.seconds - floor:+.1f} s over the floor)")
        print(f"ccdata report demo (all views):        {total:6.1f} s")

        import ccdata

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            place = ccdata.place("demo")
            started = time.perf_counter()
            located, unplaced = assets.place_assets(place)
            layers = assets.map_layers(place)
            m = maps.map_assets(*layers, located)
            page = maps.embed(m, title="asset map").html
        print(f"asset map in the library:              {time.perf_counter() - started:6.1f} s, "
              f"{len(located)} assets placed, {len(unplaced)} unplaced, "
              f"{len(page.encode('utf-8')) / 1024:,.0f} KiB self-contained")


if __name__ == "__main__":
    main()
