"""Resolved places kept in the processed cache, so a run resolves each place once.

Resolving a place (:func:`ccdata.geo.places.place`) reads the LSOA geography table and,
for wards without an ONS lookup (May 2023) or a polygon, fits every LSOA to the
footprint from the boundaries, which takes seconds. A batch used to do that three
or four times per view (the batch, the report, the notebook). :func:`resolve`
does it once and keeps the result in
``data/processed/<collection>/places/<place>-<key>.pickle``.

The key covers everything the result depends on: the place's definition in
places.yaml, its id, the ccdata version, the source of the modules that resolve
places, and the state of every processed table resolution reads (file size and
time, and whether the table is current with its inputs). Any change gives a new
key, so a stale place is never read. The file is read only from the processed
cache that ccdata itself writes (the same trust as its Parquet tables).

Warnings raised while the place was resolved (an LSOA outside the local
authority, for instance) are stored with it and raised again each time the
cached place is handed out, so a report's data-quality notes are the same
whether the place came from the cache or not.

In a process, the last few places are also kept in memory (the ``places`` store of
:mod:`ccdata.cache`, as many as ``cache.LIMITS["places"]``), under the same key and the
processed folder. The figures computed for a place
(:meth:`ccdata.geo.places.Place.remembered`) are kept there too, by the place's
definition and content, so every copy handed out for the same key shares them and the
views of one place in a batch job (dashboard, asset map, the summaries) compute the
indicators, the deprivation summaries and the asset placement once. A figure is
recomputed when the place a caller holds was changed or the processed folder changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import warnings
from pathlib import Path

from ccdata import cache, config
from ccdata._version import __version__
from ccdata.errors import PlaceError
from ccdata.geo import build, footprint, geography, places
from ccdata.geo.places import check_defined
from ccdata.geo.places import place as resolve_now
from ccdata.geo.placeschema import check_definition

#: Processed tables that place resolution may read.
TABLES = ("lsoa21_geography", "lookup_lsoa21_ward24", "lookup_lsoa21_ward22",
          "boundaries_ward23", "boundaries_ward24", "boundaries_lsoa21")
FOLDER = "places"
_FORMAT = 1


def _code_hash() -> str:
    digest = hashlib.sha256()
    for module in (places, geography, footprint):  # the modules whose code makes a resolved place
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def _table_state(name: str, collection: str) -> list | None:
    path = config.processed_dir(collection) / f"{name}.parquet"
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, build.is_current(name, collection)]


def cache_key(place_id: str) -> tuple[str, str]:
    """``(collection, key)`` of a place's definition and the processed tables it is resolved from.

    Raises
    ------
    PlaceError
        Unknown place id, or a definition that is not a mapping or breaks the schema
        (:func:`ccdata.geo.placeschema.check_definition`).
    """
    d = check_defined(place_id)[place_id] or {}
    if not isinstance(d, dict):
        raise PlaceError(f"place {place_id!r} in {config.places_file()}: the definition must be a mapping")
    check_definition(place_id, d)  # before it is hashed: a misspelt or non-text key is named, not a traceback
    collection = d.get("collection", config.OFFICIAL)
    if collection not in config.COLLECTIONS:
        raise PlaceError(f"place {place_id!r}: collection must be one of {config.COLLECTIONS}")
    state = {"format": _FORMAT, "id": place_id, "definition": d, "collection": collection,
             "version": __version__, "code": _code_hash(),
             "tables": {t: _table_state(t, collection) for t in TABLES}}
    text = json.dumps(state, sort_keys=True, default=str)
    return collection, hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _path(place_id: str, collection: str, key: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in place_id)
    return config.processed_dir(collection) / FOLDER / f"{safe}-{key}.pickle"


def _replay(recorded: list[tuple[type, str]]) -> None:
    for category, message in recorded:
        warnings.warn(message, category, stacklevel=3)


def _write(path: Path, payload: tuple) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(path: Path, place_id: str):
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return None  # unreadable (an older layout, a half-written file): resolved again
    if not (isinstance(payload, tuple) and len(payload) == 3 and payload[0] == place_id):
        return None
    return payload[1], payload[2]


def resolve(place_id: str):
    """The resolved :class:`~ccdata.geo.places.Place`, from the processed cache when it is current.

    Parameters
    ----------
    place_id : str
        A place in places.yaml.

    Returns
    -------
    Place
        A fresh copy each call (callers may change it without affecting others).

    Raises
    ------
    PlaceError, MissingDataError
        As :func:`ccdata.geo.places.place` (nothing is cached for a place that fails).
    """
    collection, key = cache_key(place_id)
    # the key covers the definition and the tables' state; the folder tells two data folders apart
    memory = (key, str(config.processed_dir(collection)))
    found = cache.get("places", memory, None)
    if found is cache.MISSING:
        found = _read(_path(place_id, collection, key), place_id)
    if found is None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            place = resolve_now(place_id)
        recorded = [(w.category, str(w.message)) for w in caught]
        # the tables read may have been built just now: store under the key of what was read
        collection, key = cache_key(place_id)
        memory = (key, str(config.processed_dir(collection)))
        found = (place, recorded)
        try:
            _write(_path(place_id, collection, key), (place_id, place, recorded))
        except OSError as exc:  # a read-only data folder: the place is still returned
            warnings.warn(f"the resolved place {place_id!r} could not be cached: {exc}", RuntimeWarning,
                          stacklevel=2)
    cache.put("places", memory, None, found)  # the most recently used place last
    _replay(found[1])
    return pickle.loads(pickle.dumps(found[0], protocol=pickle.HIGHEST_PROTOCOL))
