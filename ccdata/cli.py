"""The ``ccdata`` command line. Argument parsing only: the work is in the modules."""
from __future__ import annotations

import argparse
import sys
import textwrap
import time
from pathlib import Path

from ccdata import config, demo
from ccdata.errors import CcdataError
from ccdata.geo.build import build
from ccdata.geo.places import list_places
from ccdata.io.fetch import add_file, check, fetch
from ccdata.run.batch import BatchParameters, load_parameters, refresh_data, run_batch
from ccdata.run.report import report
from ccdata.sources import registry_table


def _print_table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max([len(c)] + [len(str(r.get(c, ""))) for r in rows]) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        print("  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns))


def cmd_fetch(args: argparse.Namespace) -> int:

    if args.check:
        checked = check(args.datasets or None)
        for c in checked:
            print(c.line())
        counts = {s: sum(c.status == s for c in checked) for s in ("OK", "moved", "failed", "manual")}
        print(", ".join(f"{n} {s}" for s, n in counts.items()))
        manual = [c for c in checked if c.status == "manual"]
        if manual:
            print("\nTo fetch by hand:")
            for c in manual:
                print(textwrap.fill(f"{c.dataset_id}: {c.reason}", width=80, subsequent_indent="    ",
                                    break_on_hyphens=False, break_long_words=False))
        return 1 if counts["failed"] else 0
    if args.file:
        if len(args.datasets) != 1:
            print("ccdata: error: --file needs exactly one dataset id", file=sys.stderr)
            return 2
        result = add_file(args.datasets[0], args.file)
        print(f"{result.dataset_id}: {result.status} ({', '.join(str(p) for p in result.files)})")
        return 0
    results = fetch(args.datasets or None, mirror=args.mirror, force=args.force,
                    progress=not args.quiet)
    _print_table([{"dataset": r.dataset_id, "status": r.status,
                   "detail": r.message or ", ".join(p.name for p in r.files)} for r in results],
                 ["dataset", "status", "detail"])
    failed = [r for r in results if r.status == "failed"]
    unavailable = [r for r in results if r.status == "unavailable"]
    print(f"\n{len(results) - len(failed) - len(unavailable)} ready, {len(unavailable)} unavailable, "
          f"{len(failed)} failed; raw files in {config.raw_dir()}")
    return 1 if failed or (args.datasets and unavailable) else 0


def cmd_build(args: argparse.Namespace) -> int:

    results = build(collection=args.collection, force=args.force, progress=not args.quiet)
    _print_table([{"table": r.name, "status": r.status, "detail": r.message} for r in results],
                 ["table", "status", "detail"])
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_places(args: argparse.Namespace) -> int:

    table = list_places()
    _print_table(table.to_dict("records"), list(table.columns))
    return 0


def cmd_registry(args: argparse.Namespace) -> int:

    table = registry_table()
    _print_table(table.to_dict("records"), ["id", "vintage", "in_mirror", "official_source"])
    return 0


def cmd_demo(args: argparse.Namespace) -> int:

    started = time.perf_counter()
    files = demo.generate()
    print(f"generated {len(files)} fictional demo files in {config.raw_dir(config.DEMO)}")
    results = build(collection=config.DEMO, progress=not args.quiet)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        print(f"build failed: {r.name}: {r.message}", file=sys.stderr)
    if failed:
        return 1
    if args.no_report:
        print(f"demo data ready in {time.perf_counter() - started:.1f}s")
        return 0

    result = report("demo", out=args.out)
    print(f"demo report written in {time.perf_counter() - started:.1f}s:")
    print(result.index_path if hasattr(result, "index_path") else result)
    return 0 if getattr(result, "ok", True) else 1


def cmd_report(args: argparse.Namespace) -> int:

    views = [v.strip() for v in args.views.split(",") if v.strip()] if args.views else None
    result = report(args.place, out=args.out, keep_notebook=args.keep_notebook, views=views,
                    progress=not args.quiet)
    print(result.summary())
    return 0 if result.ok else 1


def cmd_batch(args: argparse.Namespace) -> int:

    params = load_parameters(args.file) if args.file else BatchParameters()
    places = args.places or None
    all_places = args.all or (not places and params.places == ["all"])
    if not places and not all_places:
        places = params.places
    if args.refresh_data:
        for line in refresh_data(None if all_places else places, mirror=args.mirror,
                                 progress=not args.quiet):
            print(line)
    result = run_batch(places, all_places=all_places,
                       views=args.views.split(",") if args.views else params.views,
                       out=args.out or params.out, jobs=args.jobs or params.jobs,
                       parameters=params.parameters, place_parameters=params.place_parameters,
                       scheduler=args.scheduler,
                       skip_unavailable=args.skip_unavailable or params.skip_unavailable,
                       progress=not args.quiet)
    _print_table(result.table().to_dict("records"), list(result.table().columns))
    print(f"\nrun {result.run_id}: {'ok' if result.ok else 'FAILED'} -> {result.run_dir}")
    print(f"latest -> {result.run_id}" if result.latest_updated else
          "latest not updated: it still points to the last successful run")
    return 0 if result.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ccdata", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fetch", help="download or mirror-copy raw files into data/raw/")
    p.add_argument("datasets", nargs="*", help="registry ids (default: all)")
    p.add_argument("--mirror", help="folder or URL laid out like the official mirror (default: $CCDATA_MIRROR)")
    p.add_argument("--force", action="store_true", help="fetch again even if current")
    p.add_argument("--check", action="store_true",
                   help="download nothing: resolve and probe every route, one line each "
                        "(OK, moved, failed, manual); exit 1 if any failed")
    p.add_argument("--file", type=Path, help="register a file saved by hand as the raw file of DATASET")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("build", help="write the processed Parquet cache")
    p.add_argument("--collection", default=config.OFFICIAL, choices=config.COLLECTIONS)
    p.add_argument("--force", action="store_true", help="rebuild even if inputs are unchanged")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("places", help="list the places defined in places.yaml")
    p.set_defaults(func=cmd_places)

    p = sub.add_parser("registry", help="list the datasets ccdata knows")
    p.set_defaults(func=cmd_registry)

    p = sub.add_parser("demo", help="generate the fictional demo place, build it and report on it")
    p.add_argument("--no-report", action="store_true", help="stop after generating and building")
    p.add_argument("--out", type=Path, help="report folder (default: reports/)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("report", help="run the notebooks for one place and export HTML")
    p.add_argument("place")
    p.add_argument("--out", type=Path, help="output folder (default: reports/)")
    p.add_argument("--keep-notebook", action="store_true", help="keep the executed notebook")
    p.add_argument("--views", help="comma-separated views (default: every view that applies), "
                                   "e.g. dashboard,assets")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("batch", help="run every view for many places into a dated run folder")
    p.add_argument("places", nargs="*", metavar="PLACE", help="place ids (or --all, or -f)")
    p.add_argument("--all", action="store_true", help="every place in places.yaml")
    p.add_argument("--views", help="comma-separated views (default: all)")
    p.add_argument("--jobs", "-j", type=int, help="parallel worker processes (default: CPUs)")
    p.add_argument("--out", type=Path, help="site folder (default: reports/)")
    p.add_argument("-f", "--file", type=Path, help="YAML parameter file: places, views, parameters")
    p.add_argument("--scheduler", help="Dask distributed scheduler address, e.g. tcp://host:8786")
    p.add_argument("--skip-unavailable", action="store_true",
                   help="list places without data as skipped instead of failing the run")
    p.add_argument("--refresh-data", action="store_true",
                   help="first fetch new releases (or generate the demo place) and rebuild the cache")
    p.add_argument("--mirror", help="with --refresh-data: folder or URL to fetch from (default: $CCDATA_MIRROR)")
    p.set_defaults(func=cmd_batch)

    args = parser.parse_args(argv)

    try:
        return args.func(args)
    except CcdataError as exc:
        print(f"ccdata: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
