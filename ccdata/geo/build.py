"""The processed cache: ``data/processed/<collection>/<table>.parquet``.

Raw files are read-only; processed tables are disposable and rebuilt by a named
step. Each table is written with a provenance sidecar ``<table>.json`` naming the
registry datasets, vintages and raw-file SHA-256 checksums it came from. A table
is rebuilt only when those checksums (or the ccdata version) change. Every file
is written to a temporary name and moved into place, and the sidecar is written
after the table, so an interrupted build leaves the previous table in use (a
table whose sidecar does not match is simply rebuilt next time).
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from ccdata import cache, config, sources
from ccdata._version import __version__
from ccdata.errors import BuildError, CcdataError, MissingDataError
from ccdata.files import atomic_path, atomic_write_bytes
from ccdata.geo.boundshift import make_boundary_shift
from ccdata.geo.crosswalk import crosswalk_counts, iod2019_on_lsoa21
from ccdata.geo.lsoabounds import BGC_ID, BSC_ID, make_lsoa21_boundaries
from ccdata.io import load
from ccdata.io.fetch import read_manifest
from ccdata.progress import tqdm

#: Bumped when what a processed table stores changes (2: Census labels in the sidecar),
#: so caches written by an older ccdata are rebuilt rather than read wrongly.
CACHE_FORMAT = 2


@dataclass
class BuildResult:
    name: str
    status: str  # "built", "current", "skipped" or "failed"
    message: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class Step:
    """A processed table: its inputs (registry ids) and how to make it."""

    name: str
    inputs: tuple[str, ...]
    make: Callable[[str], pd.DataFrame]
    optional: tuple[str, ...] = ()
    description: str = ""


# --------------------------------------------------------------------------- steps
def _load(dataset_id: str) -> Callable[[str], pd.DataFrame]:
    def make(collection: str) -> pd.DataFrame:

        return load(dataset_id, collection)
    return make


def is_fetched(dataset_id: str, collection: str) -> bool:
    """Whether a registry dataset's raw files are present in a collection."""
    return bool(read_manifest(dataset_id, collection).get("files"))


def make_lsoa21_geography(collection: str) -> pd.DataFrame:
    """LSOA 2021 -> ward (May 2024) -> LAD 2024, one row per LSOA (ONS best fit)."""
    lookup = table("lookup_lsoa21_ward24", collection)
    cols = ["lsoa21_code", "lsoa21_name", "ward24_code", "ward24_name", "lad24_code", "lad24_name"]
    out = lookup[cols].copy()
    out["country"] = out["lsoa21_code"].str[0].map({"E": "England", "W": "Wales"})
    return out.reset_index(drop=True)


def iod2019_lsoa11(collection: str) -> pd.DataFrame:
    """IoD2019 on LSOA 2011 from File 7 when present, else Files 1/2 (+5) + 6."""
    if is_fetched("iod2019_file7", collection):
        return table("iod2019_file7", collection)
    base = table("iod2019_file2", collection) if is_fetched("iod2019_file2", collection) \
        else table("iod2019_file1", collection)
    keys = ["lsoa11_code"]
    for extra in ("iod2019_file5", "iod2019_file6"):
        if is_fetched(extra, collection):
            other = table(extra, collection)
            new = [c for c in other.columns if c not in base.columns]
            base = base.merge(other[keys + new], on=keys, how="left", validate="one_to_one")
    return base


def make_iod2019_lsoa21(collection: str) -> pd.DataFrame:
    """IoD2019 expressed on LSOA 2021 (see ``ccdata.geo.crosswalk.IOD2019_ON_LSOA21_METHOD``)."""

    iod11 = iod2019_lsoa11(collection)
    lookup = table("lookup_lsoa11_lsoa21", collection)
    pop11 = iod11.set_index("lsoa11_code")["pop_total"] if "pop_total" in iod11 else None
    pop21 = None
    if is_fetched("census21_ts007a", collection):
        ts = table("census21_ts007a", collection)
        pop21 = ts.set_index("lsoa21_code")["total"]
    return iod2019_on_lsoa21(iod11, lookup, pop11=pop11, pop21=pop21)


def make_crosswalk_reconciliation(collection: str) -> pd.DataFrame:
    """How the IoD2019 mid-2015 population moves from LSOA 2011 to LSOA 2021."""

    iod11 = iod2019_lsoa11(collection)
    if "pop_total" not in iod11:
        raise MissingDataError("IoD2019 population denominators (File 6 or 7) are needed")
    lookup = table("lookup_lsoa11_lsoa21", collection)
    weights = None
    if is_fetched("census21_ts007a", collection):
        weights = table("census21_ts007a", collection).set_index("lsoa21_code")["total"]
    england = iod11[iod11["lsoa11_code"].str.startswith("E")]
    _, recon = crosswalk_counts(england[["lsoa11_code", "pop_total"]], ["pop_total"],
                                lookup[lookup["lsoa11_code"].str.startswith("E")], weights)
    return recon.to_frame()


def _steps() -> list[Step]:
    steps = [Step(d.id, (d.id,), _load(d.id), description=d.title) for d in sources.REGISTRY.values()
             # Code-Point (1.7M postcodes) is read on demand; the two LSOA sets make one table (below)
             if d.id not in ("os_codepoint_open", BGC_ID, BSC_ID)]
    steps += [
        # every LSOA from the most detailed set held: BGC first, BSC (all England and Wales) otherwise
        Step(BGC_ID, (), make_lsoa21_boundaries, optional=(BGC_ID, BSC_ID),
             description="LSOA 2021 boundaries: generalised (BGC) where held, super generalised (BSC) elsewhere"),
        Step("lsoa21_boundary_shift", (BGC_ID, BSC_ID, "os_codepoint_open", "lookup_lsoa21_ward24"),
             make_boundary_shift, description="share of postcodes whose LSOA differs between BGC and BSC"),
        Step("lsoa21_geography", ("lookup_lsoa21_ward24",), make_lsoa21_geography,
             description="LSOA 2021 -> ward 2024 -> LAD 2024"),
        Step("iod2019_lsoa21", ("lookup_lsoa11_lsoa21",), make_iod2019_lsoa21,
             optional=("iod2019_file1", "iod2019_file2", "iod2019_file5", "iod2019_file6",
                       "iod2019_file7", "census21_ts007a"),
             description="IoD2019 on LSOA 2021"),
        Step("crosswalk_reconciliation", ("lookup_lsoa11_lsoa21",), make_crosswalk_reconciliation,
             optional=("iod2019_file6", "iod2019_file7", "census21_ts007a"),
             description="population conservation LSOA 2011 -> 2021"),
    ]
    return steps


STEPS: dict[str, Step] = {s.name: s for s in _steps()}


def register_step(step: Step) -> Step:
    """Add a derived table computed by a higher layer (analysis registers its own on import).

    The cache layer cannot import the analysis that computes, for example, the
    published-geography deprivation comparators; ``ccdata.analysis`` registers those
    steps here when it is imported, so ``build()`` and ``table()`` know them.
    """
    if not isinstance(step, Step):
        raise TypeError(f"step must be a Step, not {type(step).__name__}")
    STEPS[step.name] = step
    return step


# --------------------------------------------------------------------------- provenance
def _inputs_state(step: Step, collection: str) -> dict:
    state = {}
    for dataset_id in step.inputs + step.optional:
        manifest = read_manifest(dataset_id, collection)
        if manifest.get("files"):
            state[dataset_id] = {
                "vintage": sources.get(dataset_id).vintage,
                "files": {n: m.get("sha256") for n, m in sorted(manifest["files"].items())},
            }
    return state


def _paths(name: str, collection: str) -> tuple[Path, Path]:
    folder = config.processed_dir(collection)
    return folder / f"{name}.parquet", folder / f"{name}.json"


def provenance(name: str, collection: str = config.OFFICIAL) -> dict:
    """The provenance sidecar of a processed table (empty if never built)."""
    _, meta = _paths(name, collection)
    return json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}


def is_current(name: str, collection: str = config.OFFICIAL) -> bool:
    step = _step(name)
    data, _ = _paths(name, collection)
    prov = provenance(name, collection)
    return (data.exists() and prov.get("ccdata_version") == __version__
            and prov.get("cache_format") == CACHE_FORMAT
            and prov.get("inputs") == _inputs_state(step, collection))


def _step(name: str) -> Step:
    if name not in STEPS:
        raise CcdataError(f"unknown processed table {name!r}; known: {', '.join(sorted(STEPS))}")
    return STEPS[name]


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.copy()
    frame.attrs = {}
    with atomic_path(path) as tmp:  # whole file or the old one; mode from the umask
        if hasattr(frame, "geometry") and "geometry" in frame.columns:
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False, engine="pyarrow")


def build_table(name: str, collection: str = config.OFFICIAL, force: bool = False) -> BuildResult:
    """Build one processed table if its inputs changed (or ``force``)."""
    step = _step(name)
    started = time.perf_counter()
    missing = [d for d in step.inputs if not is_fetched(d, collection)]
    if missing:
        return BuildResult(name, "skipped", f"input not fetched: {', '.join(missing)}")
    if not force and is_current(name, collection):
        return BuildResult(name, "current")
    state = _inputs_state(step, collection)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = step.make(collection)
    except MissingDataError as exc:
        return BuildResult(name, "skipped", str(exc), time.perf_counter() - started)
    except Exception as exc:  # reported per table; one bad input never stops the others
        return BuildResult(name, "failed", f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
    data, meta = _paths(name, collection)
    _write_table(frame, data)
    exclusions = frame.attrs.get("exclusions", [])
    prov = {
        "table": name, "collection": collection, "description": step.description,
        "ccdata_version": __version__, "cache_format": CACHE_FORMAT,
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "rows": int(len(frame)), "inputs": state,
        "warnings": sorted({str(w.message) for w in caught})[:50],
        "exclusions": exclusions[:1000], "n_exclusions": len(exclusions),
        # official polygons repaired as harmless (area change under 0.1%), each named
        "repairs": frame.attrs.get("repairs", [])[:1000],
        # published labels behind slugged column names (Census), restored by table()
        "labels": frame.attrs.get("labels", {}),
        "notes": frame.attrs.get("notes", {}),  # how a derived table was made (boundary sets used ...)
    }
    atomic_write_bytes(meta, json.dumps(prov, indent=2, default=str).encode("utf-8"))
    repairs = frame.attrs.get("repairs", [])
    said = f"{len(frame):,} rows" + (f"; {len(repairs):,} feature{'s' if len(repairs) != 1 else ''} invalid as "
                                     "published repaired (area changed by under 0.1%; listed in the provenance)"
                                     if repairs else "")
    return BuildResult(name, "built", said, time.perf_counter() - started)


def build(collection: str = config.OFFICIAL, force: bool = False, progress: bool = True,
          names: list[str] | None = None) -> list[BuildResult]:
    """Build every processed table whose inputs are available.

    Returns one :class:`BuildResult` per table; a table that fails is reported
    and the others are still built.
    """
    config.processed_dir(collection)  # validates the collection name
    todo = [_step(n) for n in names] if names else list(STEPS.values())
    results = []
    for step in tqdm(todo, desc=f"build {collection}", disable=not progress, leave=False):
        results.append(build_table(step.name, collection, force))
    return results


def table(name: str, collection: str = config.OFFICIAL) -> pd.DataFrame:
    """Read a processed table, building it first when missing or stale.

    Raises
    ------
    MissingDataError
        When the inputs are not fetched (the message says which and how).
    """
    # copy-on-write (pandas 3): a shallow copy is cheap and a caller's change never reaches
    # the kept frame; the polygons' spatial index is shared, so it is built once per process
    return _held(name, collection).copy(deep=False)


def _held(name: str, collection: str) -> pd.DataFrame:
    """The kept frame of a processed table (built first when missing or stale); never for callers to change."""
    step = _step(name)
    data, _ = _paths(name, collection)
    if not is_current(name, collection):
        started = time.perf_counter()
        announce = available(name, collection)
        if announce:  # first use before `ccdata build`: say why this call takes a while
            print(f"ccdata: building the {name!r} table ({collection}) on first use; "
                  "`ccdata build` does this ahead ...", file=sys.stderr, flush=True)
        result = build_table(name, collection)
        if announce and result.status not in ("skipped", "failed"):
            print(f"ccdata: {name!r} ready ({time.perf_counter() - started:.1f}s)", file=sys.stderr, flush=True)
        if result.status == "skipped":
            what = ", ".join(step.inputs or step.optional)
            hint = "`ccdata demo`" if collection == config.DEMO else f"`ccdata fetch {what}` then `ccdata build`"
            if collection != config.DEMO and is_current(name, config.DEMO):
                hint += ", or use the fictional demo copy that is built: collection=\"demo\""
            raise MissingDataError(f"processed table {name!r} ({collection}) cannot be built: "
                                   f"{result.message}. Run {hint}.")
        if result.status == "failed":
            raise BuildError(f"building {name!r} ({collection}) failed: {result.message}")
    # kept while the table and its sidecar (labels) are the files read; a rebuilt table
    # replaces its older copy in the cache (memory stays bounded)
    return cache.held("tables", (name, collection, str(data)), cache.fingerprint(*_paths(name, collection)),
                      lambda: _read_table(name, collection, data))


def _read_table(name: str, collection: str, data: Path) -> pd.DataFrame:
    frame = _read(data)
    frame.attrs["table"] = name
    frame.attrs["collection"] = collection
    labels = provenance(name, collection).get("labels")
    if labels:
        frame.attrs["labels"] = labels
    return frame


def derived(what: str, names, collection: str, make: Callable):
    """``make(*tables)`` on the processed tables ``names``, computed once per process and data state.

    For what depends only on whole-country tables (the name of every neighbourhood, the
    IoD 2025 files joined): every place of a batch, and every section of a page, would
    otherwise make the same thing again. Kept while the tables read are the same ones
    (:func:`table` reads a changed or rebuilt file again, and then this is made again).

    Parameters
    ----------
    what : str
        What is made (one name per function and arguments).
    names : sequence of str
        The processed tables ``make`` reads, passed to it in this order (each the
        caller's own shallow copy).
    collection : str
        The data collection of the tables.
    make : callable
        Makes the value from the tables.

    Returns
    -------
    The value, shared by every caller: never change it (copy it where a caller could).
    """
    if not isinstance(what, str) or not what:
        raise ValueError("derived needs a non-empty string naming what is made")
    names = (names,) if isinstance(names, str) else tuple(names)
    if not names or not all(isinstance(n, str) for n in names):
        raise ValueError(f"derived needs the names of the processed tables it reads, not {names!r}")
    if not callable(make):
        raise TypeError(f"make must be callable, not {type(make).__name__}")
    files = [p for n in names for p in _paths(n, collection)]
    frames = tuple(_held(n, collection) for n in names)  # built first when missing or stale
    state = cache.fingerprint(*files)  # the tables' files, as the kept frames were read from
    key = (what, collection, names, str(config.processed_dir(collection)))
    value = cache.get("derived", key, state)
    if value is cache.MISSING:
        value = make(*(f.copy(deep=False) for f in frames))
        if state == cache.fingerprint(*files):  # a table another process rebuilt meanwhile: not kept
            cache.put("derived", key, state, value)
    return value


def _read(path: Path) -> pd.DataFrame:

    metadata = pq.read_schema(path).metadata or {}
    if b"geo" in metadata:

        return gpd.read_parquet(path)
    return pd.read_parquet(path)


def available(name: str, collection: str = config.OFFICIAL) -> bool:
    """Whether a processed table can be had (built or buildable)."""
    step = _step(name)
    if not step.inputs:  # made from whichever of its optional inputs are fetched
        return any(is_fetched(d, collection) for d in step.optional)
    return all(is_fetched(d, collection) for d in step.inputs)
