"""Paths and settings, in one place.

Every path the library reads or writes is derived here, so an adviser can point
ccdata at another data folder with one environment variable and never edit code.

Environment variables
---------------------
CCDATA_DATA_DIR
    Folder holding ``raw/`` and ``processed/`` (default: ``<project>/data``).
CCDATA_MIRROR
    A folder or ``http(s)://`` URL laid out like the official-file mirror
    (``../shared/data`` in CI); ``ccdata fetch`` copies from it instead of the
    publishers' sites.
CCDATA_REPORTS_DIR
    Where ``ccdata report`` writes HTML (default: ``<project>/reports``).
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent

#: Data collections. ``official`` holds the published files; ``demo`` holds the
#: fictional demo place that ccdata generates in the same formats.
OFFICIAL = "official"
DEMO = "demo"
COLLECTIONS = (OFFICIAL, DEMO)


def data_dir() -> Path:
    """Root data folder (``CCDATA_DATA_DIR`` or ``<project>/data``)."""
    return Path(os.environ.get("CCDATA_DATA_DIR") or PROJECT_ROOT / "data").resolve()


def _check_collection(collection: str) -> str:
    if collection not in COLLECTIONS:
        raise ValueError(f"unknown data collection {collection!r}; expected one of {COLLECTIONS}")
    return collection


def raw_dir(collection: str = OFFICIAL) -> Path:
    """Read-only raw files, one folder per dataset id: ``data/raw/<collection>/<id>/``."""
    return data_dir() / "raw" / _check_collection(collection)


def processed_dir(collection: str = OFFICIAL) -> Path:
    """Disposable processed Parquet cache: ``data/processed/<collection>/``."""
    return data_dir() / "processed" / _check_collection(collection)


def mirror() -> str | None:
    """The mirror folder or URL from ``CCDATA_MIRROR``, if set."""
    value = os.environ.get("CCDATA_MIRROR", "").strip()
    return value or None


def reports_dir() -> Path:
    """Default output folder for ``ccdata report`` (``CCDATA_REPORTS_DIR``)."""
    return Path(os.environ.get("CCDATA_REPORTS_DIR") or PROJECT_ROOT / "reports").resolve()


def places_file() -> Path:
    """The place definitions (``CCDATA_PLACES`` or ``ccdata/places.yaml``)."""
    return Path(os.environ.get("CCDATA_PLACES") or PACKAGE_DIR / "places.yaml")
