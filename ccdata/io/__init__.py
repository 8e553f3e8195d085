"""Loaders: one reader per published format, returning tidy validated frames.

``load(dataset_id)`` finds the fetched raw files of a registry dataset and hands
them to the reader named in the registry row (``Dataset.loader``). Each reader is labelled
with the format it reads where it is defined (``@loader("iod")``: a label, nothing is
registered on import), and :func:`readers` assembles the labelled functions of the
modules listed in :data:`READER_MODULES` into one table. Every frame returned carries, in
``DataFrame.attrs``:

``dataset``      the registry id
``vintage``      the registry vintage
``collection``   ``official`` or ``demo``
``files``        ``{file name: sha256}`` of the raw files read
``exclusions``   list of dicts (file, row, column, message, value) for every
                 cell or row that was skipped or set to missing
"""
from __future__ import annotations

import importlib
from dataclasses import asdict
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

import pandas as pd

from ccdata import cache, config, sources
from ccdata.errors import CcdataError, Problem
from ccdata.io.tables import warn_exclusions
from ccdata.io.fetch import raw_files, read_manifest

Reader = Callable[[sources.Dataset, list[Path]], pd.DataFrame]
#: The modules of this package that read official formats, each reader labelled with :func:`loader`.
READER_MODULES = ("iod", "iodpublic", "census", "lookups", "boundaries", "dwp", "services", "postcodes")
#: The attribute :func:`loader` sets on a reader: the format it reads.
FORMAT_LABEL = "ccdata_format"


def loader(name: str) -> Callable[[Reader], Reader]:
    """Label a function as the reader of the registry rows whose ``loader`` is ``name``.

    Only a label, beside the reader (the function's ``ccdata_format``): importing the
    module registers nothing. :func:`readers` collects the labelled functions of the
    modules in :data:`READER_MODULES`.

    Raises
    ------
    ValueError
        ``name`` is not a non-empty string, or the function is labelled already.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"a reader's format is a non-empty string, not {name!r}")

    def label(func: Reader) -> Reader:
        if not callable(func):
            raise TypeError(f"@loader({name!r}) labels a function, not {type(func).__name__}")
        if getattr(func, FORMAT_LABEL, name) != name:
            raise ValueError(f"{func.__qualname__} is labelled already, as the reader of "
                             f"{getattr(func, FORMAT_LABEL)!r}")
        setattr(func, FORMAT_LABEL, name)
        return func
    return label


@cache.pure("single")
def readers() -> Mapping[str, Reader]:
    """Every reader, by the format name a registry row gives as its ``loader``.

    Assembled on first use from the functions each module of :data:`READER_MODULES`
    defines and labels with :func:`loader` (the modules import this package, so it
    cannot import them first).

    Raises
    ------
    CcdataError
        A format read by two functions (both are named), or a listed module that labels
        no reader.
    """
    table: dict[str, Reader] = {}
    for name in READER_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        found = [obj for obj in vars(module).values()
                 if callable(obj) and getattr(obj, "__module__", None) == module.__name__
                 and isinstance(getattr(obj, FORMAT_LABEL, None), str)]
        if not found:
            raise CcdataError(f"{module.__name__} labels no reader with @loader")
        for func in found:
            fmt = getattr(func, FORMAT_LABEL)
            if fmt in table:
                raise CcdataError(f"format {fmt!r} has two readers: {table[fmt].__module__}."
                                  f"{table[fmt].__qualname__} and {module.__name__}.{func.__qualname__}")
            table[fmt] = func
    return MappingProxyType(table)


def reader(name: str) -> Reader:
    """The reader of a registry format (``Dataset.loader``).

    Raises
    ------
    CcdataError
        No reader module declares the format.
    """
    if not isinstance(name, str):
        raise TypeError(f"a reader is named by its format (a string), not {type(name).__name__}")
    table = readers()
    if name not in table:
        raise CcdataError(f"no reader is declared for format {name!r}; known: {', '.join(sorted(table))}")
    return table[name]


def read(dataset_id: str, paths: list[Path] | Path) -> pd.DataFrame:
    """Parse given files as dataset ``dataset_id`` (used by tests and by ``load``)."""
    dataset = sources.get(dataset_id)
    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    return reader(dataset.loader)(dataset, paths)


def load(dataset_id: str, collection: str = config.OFFICIAL) -> pd.DataFrame:
    """Load a fetched dataset as a tidy, validated DataFrame or GeoDataFrame.

    Parameters
    ----------
    dataset_id : str
        A registry id (``ccdata.sources.REGISTRY``), e.g. ``"iod2025_file1"``.
    collection : {"official", "demo"}
        Which raw files: the published ones, or the fictional demo place.

    Returns
    -------
    DataFrame or GeoDataFrame
        Code columns carry their vintage (``lsoa21_code``, ``lad24_code`` ...).
        See ``attrs`` for provenance and exclusions.

    Raises
    ------
    UnknownDatasetError, MissingDataError, ValidationError
    """

    dataset = sources.get(dataset_id)
    files = raw_files(dataset_id, collection)
    frame = read(dataset_id, files)
    manifest = read_manifest(dataset_id, collection)
    frame.attrs["dataset"] = dataset.id
    frame.attrs["vintage"] = dataset.vintage
    frame.attrs["collection"] = collection
    frame.attrs["files"] = {name: meta.get("sha256") for name, meta in manifest.get("files", {}).items()}
    return frame


def attach_exclusions(frame: pd.DataFrame, exclusions: list[Problem]) -> pd.DataFrame:
    """Record exclusions on the frame (``attrs['exclusions']``) and warn once."""

    frame.attrs["exclusions"] = [asdict(p) for p in exclusions]
    if exclusions:
        warn_exclusions(exclusions, exclusions[0].file)
    return frame


def exclusions(frame: pd.DataFrame) -> pd.DataFrame:
    """The exclusions recorded on a loaded frame, as a table."""
    return pd.DataFrame(frame.attrs.get("exclusions", []),
                        columns=["file", "row", "column", "message", "value"])
