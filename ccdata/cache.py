"""One cache for the process: what ccdata read or made from the data folder, and pure results.

A batch asks for the same things many times (every view of a place reads the same
processed tables, every place of a run the same national lists), so they are kept
in memory. Everything kept lives here, and :func:`clear` empties all of it.

**Data entries** (:func:`held`, :func:`get`, :func:`put`) are values read or made
from files: processed tables and values derived from them, resolved places and the
figures computed for them, what loaders read from a file (code lists, postcode
areas, places.yaml, indicators.yaml), and the networks built from a relationships
survey (``graphs``: their state is the content of the tables read, see
:func:`ccdata.analysis.network.content`). Each is kept in a named store under a key
saying *what* it is, together with the *state* it was made from, and is handed out
only while that state is the same. The state of a value read from files is made one way: the
:func:`fingerprint` of the files the value read (their path, inode, size and
modification time, and how many times this process has written them, so that a
table rebuilt within one tick of the file clock is still seen as changed) and, for
a place, its definition in places.yaml (a resolved place's key, made by
:func:`ccdata.geo.placecache.cache_key`, holds both). A changed state makes the value
again and replaces the older entry: a rebuilt table or an edited place is never served
stale. Every such key also names the data folder, so two folders never share an entry (a
network's key holds its content instead, whatever folder it came from).

**Pure entries** (:func:`pure`) are functions whose result depends only on their
arguments and the installed package (the page templates, block styles, the demo
generator by seed, the git hash): they stay :func:`functools.lru_cache` functions,
registered here so that :func:`clear` empties them too. No module of ccdata uses
``functools.lru_cache`` or ``functools.cache`` directly (a test scans the source).

**Memory limits** live in :data:`LIMITS` and nowhere else: entries per data store
(rows for postcode areas), and the ``maxsize`` of each kind of pure cache. When a
store is over its limit, the entries used longest ago are dropped first; the newest
entry is always kept, however large.
"""
from __future__ import annotations

import copy
import functools
import os
import threading
from collections import OrderedDict
from typing import Any, Callable

#: Memory limits, in one place (see :func:`info` for what is held against them).
LIMITS: dict[str, int] = {
    # data stores, in entries unless said otherwise
    "tables": 150,  # processed tables: every one of both collections (about 65 each), so a
                    # batch never reads one twice; only a process visiting many data folders meets it
    "derived": 64,  # values made from whole-country tables (names, sorted comparator codes,
                    # national asset lists, each authority's comparator areas)
    "files": 32,  # what a loader read from one file: code lists, places.yaml, indicators.yaml, a
                  # place's own Census file, a postcode file's member list and area boxes
    "places": 2,  # resolved places, and the figures computed for each (a batch job works on one
                  # place at a time)
    "postcode areas": 400_000,  # Code-Point Open area members, in rows (about 30 average areas)
    "graphs": 64,  # networks of a relationships survey by wave, relationship types and rules: the
                   # network, progress and annual pages of one place draw the same ones about 100 times
    # pure caches: the maxsize of their functools.lru_cache
    "single": 1,  # a function without arguments (an environment, an exporter, a class)
    "demo seeds": 4,  # the demo generator's tables, by seed
    "block styles": 256,  # the style tag of a set of class names
    "postcode text": 200_000,  # the postcode area of a typed postcode (national lists repeat them)
}
#: The data stores (each limited by :data:`LIMITS` under its own name).
STORES = ("tables", "derived", "files", "places", "figures", "postcode areas", "graphs")
#: Stores whose limit is another's: a place's figures are kept as long as places are.
_LIMIT_OF = {"figures": "places"}
#: Returned by :func:`get` when nothing current is held.
MISSING = object()

_LOCK = threading.RLock()
_DATA: dict[str, OrderedDict] = {name: OrderedDict() for name in STORES}
#: The summed weight of each store's entries (kept, so a look-up never adds them up).
_WEIGHT: dict[str, int] = dict.fromkeys(STORES, 0)
_PURE: list[Callable] = []
#: How many times this process wrote each file (``files`` calls :func:`written`).
_WRITES: dict[str, int] = {}


def _store(name: str) -> OrderedDict:
    if name not in _DATA:
        raise ValueError(f"unknown cache store {name!r}; the stores are {', '.join(STORES)}")
    return _DATA[name]


def _trim(name: str, entries: OrderedDict) -> None:
    """Drop the entries used longest ago until the store is within its limit (the newest stays)."""
    limit = LIMITS[_LIMIT_OF.get(name, name)]
    while len(entries) > 1 and _WEIGHT[name] > limit:
        _WEIGHT[name] -= entries.popitem(last=False)[1][2]


def fingerprint(*paths) -> tuple:
    """The state of files as this cache keys it: one ``(path, inode, size, mtime_ns, writes)``
    per path (``(path, None)`` for a path that does not exist).

    ``writes`` counts this process's own writes of the file (:func:`written`), so a file
    rewritten within one tick of the file clock, with the same size, still differs.

    Parameters
    ----------
    *paths : str or os.PathLike
        The files (or folders) a value was read or made from.

    Returns
    -------
    tuple
        Equal for two calls exactly when no file changed in between (as far as a
        ``stat`` can tell).

    Raises
    ------
    TypeError
        For something that is not a path.
    """
    out = []
    for path in paths:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"fingerprint takes file paths, not {type(path).__name__}")
        name = os.path.abspath(os.fspath(path))
        try:
            st = os.stat(name)
        except OSError:
            out.append((name, None))
            continue
        out.append((name, st.st_ino, st.st_size, st.st_mtime_ns, _WRITES.get(name, 0)))
    return tuple(out)


def written(path) -> None:
    """Note that this process has just written ``path`` (called by :mod:`ccdata.files` for
    every file it publishes), so values read from the older file are made again."""
    name = os.path.abspath(os.fspath(path))
    with _LOCK:
        _WRITES[name] = _WRITES.get(name, 0) + 1


def get(store: str, key, state) -> Any:
    """The value held for ``key`` in ``store`` if it was made from ``state``, else :data:`MISSING`.

    Parameters
    ----------
    store : str
        One of :data:`STORES`.
    key : hashable
        What the value is (one key per function and arguments).
    state : object
        What the value was made from (compared with ``==``): usually a :func:`fingerprint`.

    Raises
    ------
    ValueError
        For an unknown store.
    """
    with _LOCK:
        entries = _store(store)
        _trim(store, entries)  # a lowered limit takes effect at once
        found = entries.get(key)
        if found is None or found[0] != state:
            return MISSING
        entries.move_to_end(key)
        return found[1]


def put(store: str, key, state, value, weight: int = 1) -> None:
    """Keep ``value`` for ``key``, made from ``state``, replacing what was held for ``key``.

    Parameters
    ----------
    store, key, state
        As :func:`get`.
    value : object
        Shared by every caller that gets it: callers copy what they may change.
    weight : int
        What the entry counts towards the store's limit (1, or rows for ``postcode areas``).

    Raises
    ------
    ValueError
        For an unknown store or a weight below zero.
    """
    if isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
        raise ValueError(f"a cache entry's weight is a whole number of at least 0, not {weight!r}")
    with _LOCK:
        entries = _store(store)
        old = entries.pop(key, None)
        _WEIGHT[store] += weight - (old[2] if old is not None else 0)
        entries[key] = (state, value, weight)
        _trim(store, entries)


def held(store: str, key, state, make: Callable[[], Any]) -> Any:
    """The value for ``key`` made from ``state``: the one held, else ``make()`` (then held).

    Parameters
    ----------
    store, key, state
        As :func:`get`.
    make : callable
        Makes the value (no arguments); nothing is held when it raises.

    Returns
    -------
    The value, shared by every caller: never change it (copy it where a caller could).

    Raises
    ------
    TypeError
        When ``make`` is not callable.
    """
    if not callable(make):
        raise TypeError(f"make must be callable, not {type(make).__name__}")
    found = get(store, key, state)
    if found is MISSING:
        found = make()
        put(store, key, state, found)
    return found


def copied(value):
    """A copy of a held ``value`` that the caller may change without changing the original.

    Frames and series are copied shallowly: copy-on-write keeps a caller's change in
    its own copy and their ``attrs`` are copied with them, so their values need not
    be copied on every call (a deep copy of every remembered frame was a good part of
    a dashboard's time). Dicts, lists and tuples are copied around them; anything
    else deeply.
    """
    import pandas as pd  # the one use of pandas here (the cache itself holds any value)

    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, dict) and type(value) is dict:
        return {k: copied(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(copied(v) for v in value)
    return copy.deepcopy(value)


def pure(limit: str) -> Callable[[Callable], Callable]:
    """Decorator: :func:`functools.lru_cache` with ``maxsize=LIMITS[limit]``, registered so
    that :func:`clear` empties it.

    Only for functions whose result depends on nothing but their arguments and the
    installed package: anything read from the data folder belongs in a data store.

    Parameters
    ----------
    limit : str
        The :data:`LIMITS` entry giving the ``maxsize`` (``"single"``, ``"demo seeds"`` ...).

    Raises
    ------
    ValueError
        For a name that is not in :data:`LIMITS`.
    """
    if limit not in LIMITS or limit in STORES:
        names = ", ".join(n for n in LIMITS if n not in STORES)
        raise ValueError(f"pure caches are limited by one of {names}, not {limit!r}")

    def decorate(function: Callable) -> Callable:
        cached = functools.lru_cache(maxsize=LIMITS[limit])(function)
        with _LOCK:
            _PURE.append(cached)
        return cached

    return decorate


def registered() -> tuple[Callable, ...]:
    """Every pure cached function registered so far (those of the modules imported)."""
    with _LOCK:
        return tuple(_PURE)


def info() -> dict[str, dict[str, int]]:
    """What is held now: per data store its ``entries``, ``weight`` and ``limit``, and per pure
    function (``module.name``) its ``entries`` and ``limit``."""
    with _LOCK:
        out = {name: {"entries": len(e), "weight": _WEIGHT[name],
                      "limit": LIMITS[_LIMIT_OF.get(name, name)]} for name, e in _DATA.items()}
        for f in _PURE:
            stats = f.cache_info()
            out[f"{f.__module__}.{f.__qualname__}"] = {"entries": stats.currsize, "limit": stats.maxsize}
    return out


def clear(*stores: str) -> None:
    """Empty every cache of the process: each data store and every registered pure function.

    Nothing on disk changes (the processed tables and the resolved places kept in
    ``data/processed`` stay); the next call reads or makes each value again.

    Parameters
    ----------
    *stores : str
        Only these data stores (a benchmark timing one step with the others warm);
        none: everything.

    Raises
    ------
    ValueError
        For an unknown store (nothing is emptied).
    """
    for name in stores:
        _store(name)
    with _LOCK:
        for name, entries in _DATA.items():
            if not stores or name in stores:
                entries.clear()
                _WEIGHT[name] = 0
        if stores:
            return
        _WRITES.clear()
        for f in _PURE:
            f.cache_clear()


__all__ = ["LIMITS", "MISSING", "STORES", "clear", "fingerprint", "get", "held", "info", "pure", "put",
           "registered", "written"]
