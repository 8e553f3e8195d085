"""Benchmark the data foundation: fetch + build on the full-England files, and
``ccdata.place(...)`` from the cache. Prints wall time and peak memory.

Usage::

    python benchmarks/bench_build.py [--mirror ../shared/data] [--collection official|demo]

Each measured step runs in a fresh Python process so that peak memory (max RSS)
belongs to that step alone. The data folder is a temporary one.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


_RSS_MARK = "__ccdata_peak_rss_kib__"


def run(label: str, code: str, env: dict) -> None:
    # the child reports its own peak RSS: RUSAGE_CHILDREN would give the largest child so far
    wrapped = (f"import atexit, resource, sys\n"
               f"atexit.register(lambda: print({_RSS_MARK!r}, "
               f"resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))\n{code}")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", wrapped], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = next((int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith(_RSS_MARK)), 0)
    status = "ok" if proc.returncode == 0 else f"FAILED ({proc.returncode})"
    print(f"{label:<52} {seconds:8.2f} s   peak RSS {peak / 1024:8.0f} MiB   {status}")
    if proc.returncode:
        print(proc.stderr[-2000:])
    elif proc.stdout.strip():
        print("    " + proc.stdout.strip().replace("\n", "\n    "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", default=os.environ.get("CCDATA_MIRROR") or str(REPO.parent / "shared" / "data"))
    parser.add_argument("--places", nargs="*", default=["smallshaw-hurst", "pembury", "wallsend"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CCDATA_DATA_DIR=tmp)
        print(f"data folder {tmp}; mirror {args.mirror}")
        run("fetch (mirror copy, all datasets)",
            f"from ccdata.io.fetch import fetch; r=fetch(mirror={args.mirror!r}, progress=False);"
            "print(sum(x.ok for x in r), 'datasets ready')", env)
        run("build official (cold)",
            "from ccdata.geo.build import build; r=build('official', progress=False);"
            "print({s: sum(x.status==s for x in r) for s in ('built','skipped','failed')})", env)
        run("build official (warm: nothing changed)",
            "from ccdata.geo.build import build; r=build('official', progress=False);"
            "print({s: sum(x.status==s for x in r) for s in ('current','built','failed')})", env)
        for pid in args.places:
            run(f"ccdata.place({pid!r}) + deprivation, from cache",
                f"import warnings; warnings.simplefilter('ignore'); import ccdata; p=ccdata.place({pid!r});"
                "p.deprivation('iod2025'); print(len(p.lsoa21), 'LSOAs')", env)
        run("demo: generate + build",
            "from ccdata import demo; from ccdata.geo.build import build; demo.generate();"
            "r=build('demo', progress=False); print(sum(x.status=='built' for x in r), 'tables')", env)
        run("ccdata.place('demo') from cache",
            "import ccdata; p=ccdata.place('demo'); print(len(p.lsoa21), 'LSOAs')", env)


if __name__ == "__main__":
    main()
