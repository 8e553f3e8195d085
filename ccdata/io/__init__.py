"""Loaders: one reader per published format, returning tidy validated frames.

``load(dataset_id)`` finds the fetched raw files of a registry dataset and hands
them to the reader named in the registry row (``Dataset.loader``). Each reader module
declares the formats it reads beside its readers (``READERS = {format: reader}``), and
:func:`readers` assembles them from the modules listed in :data:`READER_MODULES` (nothing
registers itself on import). Every frame returned carries, in
``DataFrame.attrs``:

``dataset``      the registry id
``vintage``      the registry vintage
``collection``   ``official`` or ``demo``
``files``        ``{file name: sha256}`` of the raw files read
``exclusions``   list of dicts (file, row, column, message, value) for every
                 cell or row that was skipped or set to missing
"""
from __future__ import annotations

import functools
import importlib
from dataclasses import asdict
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

import pandas as pd

from ccdata import config, sources
from ccdata.errors import CcdataError, Problem
from ccdata.io._read import warn_exclusions
from ccdata.io.fetch import raw_files, read_manifest

Reader = Callable[[sources.Dataset, list[Path]], pd.DataFrame]
#: The modules of this package that read official formats; each declares ``READERS``.
READER_MODULES = ("iod", "iodpublic", "census", "lookups", "boundaries", "dwp", "services", "postcodes")


@functools.cache
def readers() -> Mapping[str, Reader]:
    """Every reader, by the format name a registry row gives as its ``loader``.

    Assembled on first use from the ``READERS`` of each module in :data:`READER_MODULES`
    (they import this package, so it cannot import them first).

    Raises
    ------
    CcdataError
        A format declared by two modules (both are named), or a module without ``READERS``.
    """
    table: dict[str, Reader] = {}
    for name in READER_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        declared = getattr(module, "READERS", None)
        if not isinstance(declared, dict):
            raise CcdataError(f"{module.__name__} declares no READERS table of its formats")
        for fmt, func in declared.items():
            if fmt in table:
                raise CcdataError(f"the reader of format {fmt!r} is declared twice: in "
                                  f"{table[fmt].__module__} and {module.__name__}")
            table[fmt] = func
    return MappingProxyType(table)


def reader(name: str) -> Reader:
    """The reader of a registry format (``Dataset.loader``).

    Raises
    ------
    CcdataError
        No reader module declares the format.
    """
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
