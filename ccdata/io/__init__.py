"""Loaders: one reader per published format, returning tidy validated frames.

``load(dataset_id)`` finds the fetched raw files of a registry dataset and hands
them to the reader named in the registry row (``Dataset.loader``). Readers
register themselves with :func:`loader`. Every frame returned carries, in
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
from typing import Callable

import pandas as pd

from ccdata import config, sources
from ccdata.errors import CcdataError, Problem
from ccdata.io.tables import warn_exclusions
from ccdata.io.fetch import raw_files, read_manifest

Reader = Callable[[sources.Dataset, list[Path]], pd.DataFrame]
_READERS: dict[str, Reader] = {}
_MODULES = ("iod", "iodpublic", "census", "lookups", "boundaries", "dwp", "services", "postcodes")


def loader(name: str) -> Callable[[Reader], Reader]:
    """Register ``func`` as the reader for registry rows whose ``loader`` is ``name``."""
    def register(func: Reader) -> Reader:
        _READERS[name] = func
        return func
    return register


def _reader(name: str) -> Reader:
    if name not in _READERS:
        for module in _MODULES:
            try:
                importlib.import_module(f"{__name__}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{__name__}.{module}":
                    raise
    if name not in _READERS:
        raise CcdataError(f"no reader registered for format {name!r}")
    return _READERS[name]


def read(dataset_id: str, paths: list[Path] | Path) -> pd.DataFrame:
    """Parse given files as dataset ``dataset_id`` (used by tests and by ``load``)."""
    dataset = sources.get(dataset_id)
    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    return _reader(dataset.loader)(dataset, paths)


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
