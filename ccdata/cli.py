"""The ``ccdata`` command line. Argument parsing only: the work is in the modules."""
from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

from ccdata import config
from ccdata._version import __version__
from ccdata.errors import BuildError, CcdataError, OutputError
from ccdata.run import commands
from ccdata.run.batch import run_batch
from ccdata.run.batchparams import BatchParameters, load_parameters
from ccdata.run.footprints import accept_place
from ccdata.run.report import report
from ccdata.sources import registry_table

DESCRIPTION = ("ccdata: a picture of a place for children's initiatives in England,\n"
               "from the official published data, as web pages partners can open.")
EPILOG = """\
typical order:
  ccdata demo                 try it on the fictional place Demoton
  ccdata fetch --mirror DIR   get the official files (online without --mirror)
  ccdata build                check them and build the cache
  ccdata report PLACE         write the pages for a place

exit codes:
  0  everything asked for was done
  1  the run finished, but some views, datasets or tables failed
     (each listed on stderr), or stopped at an official file that
     failed its checks
  2  bad input or usage: an unknown place or option, an invalid places.yaml,
     a folder that cannot be written (one line on stderr says which)

environment:
  CCDATA_DATA_DIR     data folder (raw files and cache)
  CCDATA_REPORTS_DIR  where pages are written
  CCDATA_PLACES       place definitions (default: ccdata's own places.yaml)
  CCDATA_MIRROR       folder or URL laid out like the official-file mirror

Results go to stdout; problems go to stderr.
"""
#: Output fits a terminal of this many columns.
WIDTH = 80


def _print_table(rows: list[dict], columns: list[str], file=None, width: int = WIDTH) -> None:
    """A plain table that fits ``width`` columns.

    The last column (details, URLs) wraps under itself; when the other columns leave it
    too little room, it goes on the lines below each row instead.
    """
    file = file or sys.stdout

    def full(c):
        return max([len(c)] + [len(str(r.get(c, ""))) for r in rows])

    widths = {c: min(32, full(c)) for c in columns[:-1]}
    while sum(w + 2 for w in widths.values()) > width and max(widths.values(), default=0) > 8:
        widest = max(widths, key=widths.get)
        widths[widest] -= 1
    indent = sum(w + 2 for w in widths.values())
    last = columns[-1]
    stacked = width - indent < 30
    room = width - 4 if stacked else width - indent
    widths[last] = min(room, full(last))

    def cell(value, c):
        text = str(value)
        return text if len(text) <= widths[c] else text[:widths[c] - 1] + "…"

    def lines(value):
        return textwrap.wrap(str(value), room, break_long_words=True, break_on_hyphens=False) or [""]

    shown = columns[:-1] if stacked else columns
    print("  ".join(c.ljust(widths[c]) for c in shown).rstrip() + (f"\n    ({last})" if stacked else ""), file=file)
    print("  ".join("-" * widths[c] for c in shown), file=file)
    for r in rows:
        head = "  ".join(cell(r.get(c, ""), c).ljust(widths[c]) for c in columns[:-1])
        tail = lines(r.get(last, ""))
        if stacked:
            print(head.rstrip(), file=file)
            for more in tail:
                if more:
                    print("    " + more, file=file)
            continue
        print(f"{head}  {tail[0]}".rstrip() if head else tail[0], file=file)
        for more in tail[1:]:
            print(" " * indent + more, file=file)


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=WIDTH, subsequent_indent=indent, break_long_words=True,
                         break_on_hyphens=False)


def _print_report(result) -> None:
    """A report's per-view summary: results on stdout, failed views on stderr."""
    head = f"{result.place}: {'ok' if result.ok else 'FAILED'} -> {result.index_path}"
    print(_wrap(head), file=sys.stdout if result.ok else sys.stderr)
    for v in result.views:
        size = f"{v.bytes / 1024:,.0f} KiB" if v.bytes else ""
        where = str(v.path) if v.status == "ok" else v.message
        line = f"  {v.view:<10} {v.status:<8} {v.seconds:6.1f}s {size:>9}  {where}"
        print(_wrap(line, " " * 6), file=sys.stderr if v.status == "failed" else sys.stdout)
        for why in getattr(v, "refused", None) or []:  # published without the sections of this file
            print(_wrap(f"  {'':<10} refused: {why}", " " * 6), file=sys.stderr)


def _writable_folder(path: Path | None) -> Path | None:
    """``--out``: create the folder and prove a file can be written there, or say which
    folder cannot be written (before any work is done)."""
    if path is None:
        return None
    path = Path(path).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise OutputError(f"--out {path}: cannot write there ({exc.strerror or exc})") from None
    return path


def cmd_fetch(args: argparse.Namespace) -> int:

    if args.check:
        checked = commands.check_routes(args.datasets or None)
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
        result = commands.add_file(args.datasets[0], args.file)
        print(f"{result.dataset_id}: {result.status} ({', '.join(str(p) for p in result.files)})")
        return 0
    results = commands.fetch(args.datasets or None, mirror=args.mirror, force=args.force,
                             progress=not args.quiet)
    _print_table([{"dataset": r.dataset_id, "status": r.status,
                   "detail": r.message or ", ".join(p.name for p in r.files)} for r in results],
                 ["dataset", "status", "detail"])
    failed = [r for r in results if r.status == "failed"]
    unavailable = [r for r in results if r.status == "unavailable"]
    for r in failed:
        print(_wrap(f"fetch failed: {r.dataset_id}: {r.message}"), file=sys.stderr)
    print(f"\n{len(results) - len(failed) - len(unavailable)} ready, {len(unavailable)} unavailable, "
          f"{len(failed)} failed; raw files in {config.raw_dir()}")
    return 1 if failed or (args.datasets and unavailable) else 0


def cmd_build(args: argparse.Namespace) -> int:

    results = commands.build(args.collection, force=args.force, progress=not args.quiet)
    _print_table([{"table": r.name, "status": r.status, "detail": r.message} for r in results],
                 ["table", "status", "detail"])
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        print(_wrap(f"build failed: {r.name}: {r.message}"), file=sys.stderr)
    return 1 if failed else 0


def cmd_places(args: argparse.Namespace) -> int:

    if getattr(args, "places_action", None) == "add":
        return cmd_places_add(args)
    if getattr(args, "places_action", None) == "accept":
        result = accept_place(args.place, _writable_folder(args.out))
        if result.recorded is None:
            print(f"{args.place}: footprint recorded ({len(result.now['lsoa21']):,} LSOAs)")
        elif result.status == "same":
            print(f"{args.place}: footprint unchanged ({len(result.now['lsoa21']):,} LSOAs); recorded again")
        else:
            print(_wrap(f"{args.place}: new footprint accepted: {result.describe()}"))
        return 0
    table = commands.list_places()
    _print_table(table.to_dict("records"), ["id", "name", "collection", "local_authority", "footprint"])
    return 0


def cmd_places_add(args: argparse.Namespace) -> int:
    """Choose a footprint (codes or postcodes), print what was chosen, append it to CCDATA_PLACES."""
    fp = commands.choose_footprint(lsoas=args.lsoas, wards=args.wards, postcodes=args.postcodes,
                                   share=args.share, collection=args.collection)
    print(fp.summary())
    path = commands.add_place(args.id, args.name, fp, args.collection)
    print(_wrap(f"Added place {args.id!r} to {path}; `ccdata report {args.id}` writes its pages."))
    return 0


def cmd_registry(args: argparse.Namespace) -> int:

    table = registry_table()
    _print_table(table.to_dict("records"), ["id", "vintage", "in_mirror", "official_source"])
    return 0


def cmd_demo(args: argparse.Namespace) -> int:

    out = _writable_folder(args.out)
    started = time.perf_counter()
    files = commands.generate_demo()
    print(f"generated {len(files)} fictional demo files in {config.raw_dir(config.DEMO)}")
    results = commands.build(config.DEMO, progress=not args.quiet)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        print(f"build failed: {r.name}: {r.message}", file=sys.stderr)
    if failed:
        return 1
    if args.no_report:
        print(f"demo data ready in {time.perf_counter() - started:.1f}s")
        return 0

    result = report("demo", out=out, progress=not args.quiet)
    _print_report(result)
    print(f"demo report written in {time.perf_counter() - started:.1f}s; open {result.index_path}")
    return 0 if result.ok else 1


def cmd_report(args: argparse.Namespace) -> int:

    views = [v.strip() for v in args.views.split(",") if v.strip()] if args.views else None
    result = report(commands.place_id_for(args.place), out=_writable_folder(args.out), keep_notebook=args.keep_notebook,
                    views=views, progress=not args.quiet)
    _print_report(result)
    return 0 if result.ok else 1


def cmd_batch(args: argparse.Namespace) -> int:

    params = load_parameters(args.file) if args.file else BatchParameters()
    places = [commands.place_id_for(p) for p in args.places] or None
    all_places = args.all or (not places and params.places == ["all"])
    if not places and not all_places:
        places = params.places
    if args.refresh_data:
        for line in commands.refresh_data(None if all_places else places, mirror=args.mirror,
                                 progress=not args.quiet):
            print(line)
    result = run_batch(places, all_places=all_places,
                       views=args.views.split(",") if args.views else params.views,
                       out=_writable_folder(args.out or params.out), jobs=args.jobs or params.jobs,
                       parameters=params.parameters, place_parameters=params.place_parameters,
                       scheduler=args.scheduler,
                       skip_unavailable=args.skip_unavailable or params.skip_unavailable,
                       progress=not args.quiet)
    _print_table(result.table().to_dict("records"), list(result.table().columns))
    for r in result.failures:
        print(_wrap(f"{r.place} {r.view} {r.status}: {r.message}"), file=sys.stderr)
    print(_wrap(f"\nrun {result.run_id}: {'ok' if result.ok else 'FAILED'} -> {result.run_dir}"),
          file=sys.stdout if result.ok else sys.stderr)
    print(f"latest -> {result.run_id}" if result.latest_updated else
          "latest not updated: it still points to the last successful run")
    return 0 if result.ok else 1


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, width=min(WIDTH, shutil.get_terminal_size().columns))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ccdata", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=_formatter)
    parser.add_argument("--version", action="version", version=f"ccdata {__version__}",
                        help="print the version and stop")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or progress lines")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=f"{summary}.\n\n{description}",
                              epilog="exit codes: 0 ok, 1 something failed (listed on stderr), "
                                     "2 bad input or usage",
                              formatter_class=_formatter)

    _data_commands(command)
    _places_command(command)
    _page_commands(command)
    return parser


def _data_commands(command) -> None:
    """``fetch`` and ``build``: the official files and the processed cache."""
    p = command("fetch", "download the official files (or copy them from a mirror)",
                "Each dataset goes to data/raw/official/<dataset>/ with its checksum; files that\n"
                "are already current are skipped.")
    p.add_argument("datasets", nargs="*", metavar="DATASET",
                   help="dataset ids from `ccdata registry` (default: all)")
    p.add_argument("--mirror", metavar="DIR_OR_URL",
                   help="folder or URL laid out like the official mirror (default: $CCDATA_MIRROR)")
    p.add_argument("--force", action="store_true", help="fetch again even if current")
    p.add_argument("--check", action="store_true",
                   help="download nothing: resolve and probe every route, one line each "
                        "(OK, moved, failed, manual); exit 1 if any failed")
    p.add_argument("--file", type=Path, metavar="PATH",
                   help="register a file saved by hand as the raw file of DATASET")
    p.set_defaults(func=cmd_fetch)

    p = command("build", "check the raw files and write the processed cache",
                "Every available dataset is validated and saved as Parquet in data/processed/,\n"
                "with where it came from.")
    p.add_argument("--collection", default=config.OFFICIAL, choices=config.COLLECTIONS,
                   help="official files or the fictional demo place (default: official)")
    p.add_argument("--force", action="store_true", help="rebuild even if inputs are unchanged")
    p.set_defaults(func=cmd_build)


def _places_command(command) -> None:
    """``places`` (list), ``places add`` and ``places accept``."""
    p = command("places", "list the places defined in places.yaml (or add one: places add)",
                "CCDATA_PLACES names another place file.")
    p.set_defaults(func=cmd_places)
    actions = p.add_subparsers(dest="places_action", metavar="ACTION",
                               help="add: add a place; accept: record a place's new footprint (without ACTION: list the places)")
    a = actions.add_parser("add", help="add a place to the file CCDATA_PLACES names, from codes or postcodes",
                           description="Choose a footprint from LSOA 2021 codes, May 2024 ward codes, or a CSV of "
                                       "postcodes (column 'postcode', optional 'count'): the neighbourhoods holding "
                                       "--share of the located postcodes. The entry is appended to the file "
                                       "CCDATA_PLACES names, keeping its comments and order.")
    a.add_argument("id", metavar="ID", help="the new place id (lower-case letters, digits and hyphens)")
    a.add_argument("--name", help="the place's name as pages show it (default: the id)")
    a.add_argument("--lsoas", nargs="+", metavar="CODE", help="LSOA 2021 codes (E01...)")
    a.add_argument("--wards", nargs="+", metavar="CODE", help="May 2024 ward codes (E05...)")
    a.add_argument("--postcodes", type=Path, metavar="CSV", help="CSV with a postcode column (and count)")
    a.add_argument("--share", type=float, default=0.8,
                   help="share of the located postcodes the chosen neighbourhoods hold (default 0.8)")
    a.add_argument("--collection", default=config.OFFICIAL, choices=config.COLLECTIONS,
                   help="official data or the fictional demo country (default: official)")
    a.set_defaults(func=cmd_places)
    q = actions.add_parser("accept", help="record a place's new footprint so its pages are published again",
                              description="When a place's definition is unchanged but it now resolves to other\n"
                                          "neighbourhoods (new or damaged lookups or boundaries), report and batch\n"
                                          "publish nothing for it. After checking the change, this records the\n"
                                          "footprint as it resolves now.",
                              formatter_class=_formatter)
    q.add_argument("place", metavar="PLACE", help="a place id from `ccdata places`")
    q.add_argument("--out", type=Path, metavar="DIR",
                   help="the output folder of the refused report or batch (default: $CCDATA_REPORTS_DIR or reports/)")
    q.set_defaults(func=cmd_places)


def _page_commands(command) -> None:
    """``registry``, ``demo``, ``report`` and ``batch``."""
    p = command("registry", "list the datasets ccdata knows",
                "Each dataset's vintage, whether the mirror has it, and its official source.")
    p.set_defaults(func=cmd_registry)

    p = command("demo", "generate the fictional demo place, build it and report on it",
                "Demoton is invented by ccdata, in the same formats as the official files.")
    p.add_argument("--no-report", action="store_true", help="stop after generating and building")
    p.add_argument("--out", type=Path, metavar="DIR", help="report folder (default: $CCDATA_REPORTS_DIR or reports/)")
    p.set_defaults(func=cmd_demo)

    p = command("report", "run the notebooks for one place and write its pages",
                "Writes <out>/<place>/index.html and one page per view.")
    p.add_argument("place", metavar="PLACE", help="a place id from `ccdata places` (e.g. demo), a local authority (la:E06000001) or a May 2024 "
                        "ward (ward24:E05...)")
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: $CCDATA_REPORTS_DIR or reports/)")
    p.add_argument("--keep-notebook", action="store_true", help="keep each executed notebook, for the adviser, in <out>/.notebooks/<place>/")
    p.add_argument("--views", metavar="VIEW,...", help="comma-separated views (default: every view that "
                                                       "applies), e.g. dashboard,assets")
    p.set_defaults(func=cmd_report)

    p = command("batch", "run every view for many places into a dated run folder",
                "Adds a site index and 'what changed' pages; see docs/scheduling.md.")
    p.add_argument("places", nargs="*", metavar="PLACE", help="place ids (or --all, or -f)")
    p.add_argument("--all", action="store_true", help="every place in places.yaml")
    p.add_argument("--views", metavar="VIEW,...", help="comma-separated views (default: all)")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="parallel worker processes (default: CPUs)")
    p.add_argument("--out", type=Path, metavar="DIR", help="site folder (default: $CCDATA_REPORTS_DIR or reports/)")
    p.add_argument("-f", "--file", type=Path, metavar="PARAMS.yaml",
                   help="YAML parameter file: places, views, parameters")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask distributed scheduler address, e.g. tcp://host:8786")
    p.add_argument("--skip-unavailable", action="store_true",
                   help="list places without data as skipped instead of failing the run")
    p.add_argument("--refresh-data", action="store_true",
                   help="first fetch new releases (or generate the demo place) and rebuild the cache")
    p.add_argument("--mirror", metavar="DIR_OR_URL",
                   help="with --refresh-data: folder or URL to fetch from (default: $CCDATA_MIRROR)")
    p.set_defaults(func=cmd_batch)


def _terminated(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 some part failed, 2 bad input)."""
    args = _parser().parse_args(argv)
    previous = None
    if threading.current_thread() is threading.main_thread():
        # a stopped run (SIGTERM from a timer or `kill`) unwinds like an interrupted one, so its
        # temporary work folder and half-written files are removed on the way out
        previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        return _run(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(args) -> int:
    try:
        return args.func(args)
    except BuildError as exc:  # a damaged official file: the run stopped there (not a usage error)
        print(f"ccdata: error: {exc}", file=sys.stderr)
        return 1
    except CcdataError as exc:
        print(f"ccdata: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file or folder the user named or set cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"ccdata: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ccdata: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
