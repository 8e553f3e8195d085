"""Paths and settings, in one place.

Every path the library reads or writes is derived here, so an adviser can point
ccdata at another data folder with one environment variable and never edit code.

Environment variables
---------------------
CCDATA_DATA_DIR
    Folder holding ``raw/`` and ``processed/``. Default: ``<project>/data`` in a
    checkout of the project; once installed from a wheel, the user data folder
    (``$XDG_DATA_HOME/ccdata``, i.e. ``~/.local/share/ccdata``; on Windows
    ``%LOCALAPPDATA%\\ccdata``; on macOS ``~/Library/Application Support/ccdata``).
CCDATA_MIRROR
    A folder or ``http(s)://`` URL laid out like the official-file mirror
    (``../shared/data`` in CI); ``ccdata fetch`` copies from it instead of the
    publishers' sites.
CCDATA_REPORTS_DIR
    Where ``ccdata report`` writes HTML. Default: ``<project>/reports`` in a
    checkout; once installed, ``reports/`` in the current folder (where the user
    ran the command, so the pages are where they look for them).
CCDATA_PLACES
    The place definitions (default: the ``places.yaml`` shipped in the package).

Files shipped with the package (``places.yaml``, ``indicators.yaml``, the notebooks
and the page template) are found with :func:`resource`, which works the same in a
checkout and in an installed wheel (where ``notebooks/`` and ``templates/`` are
carried as ``ccdata/_notebooks`` and ``ccdata/_templates``).
"""
from __future__ import annotations

import importlib.resources
import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
#: True when the package runs from a checkout of the project (``pip install -e`` or
#: ``PYTHONPATH``), false once installed from a wheel into site-packages.
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "notebooks").is_dir()

#: Top-level project folders the wheel carries inside the package (pyproject.toml
#: ``[tool.setuptools.package-dir]``), and the name each has there.
_SHIPPED_FOLDERS = {"notebooks": "_notebooks", "templates": "_templates"}


def resource(name: str) -> Path:
    """A file or folder shipped with ccdata: ``places.yaml``, ``indicators.yaml``,
    ``notebooks`` or ``templates``.

    In a checkout the top-level ``notebooks/`` and ``templates/`` are used (they are
    what an adviser opens and edits); in an installed wheel the copies inside the
    package, found through :mod:`importlib.resources`.
    """
    if name in _SHIPPED_FOLDERS:
        if IN_CHECKOUT:
            return PROJECT_ROOT / name
        name = _SHIPPED_FOLDERS[name]
    return Path(str(importlib.resources.files("ccdata").joinpath(name)))


def user_data_dir() -> Path:
    """The per-user data folder used once ccdata is installed (not in a checkout)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "ccdata"

#: Data collections. ``official`` holds the published files; ``demo`` holds the
#: fictional demo place that ccdata generates in the same formats.
OFFICIAL = "official"
DEMO = "demo"
COLLECTIONS = (OFFICIAL, DEMO)


def data_dir() -> Path:
    """Root data folder (``CCDATA_DATA_DIR``, else ``<project>/data`` in a checkout,
    else :func:`user_data_dir`)."""
    default = PROJECT_ROOT / "data" if IN_CHECKOUT else user_data_dir()
    return Path(os.environ.get("CCDATA_DATA_DIR") or default).resolve()


def check_collection(collection: str) -> str:
    """The data collection named, checked against :data:`COLLECTIONS`.

    Parameters
    ----------
    collection : str
        ``"official"`` (the published data) or ``"demo"`` (the fictional place).

    Returns
    -------
    str
        ``collection`` itself, for chaining.

    Raises
    ------
    ValueError
        ``collection`` is not one of :data:`COLLECTIONS`.
    """
    if collection not in COLLECTIONS:
        raise ValueError(f"unknown data collection {collection!r}; expected one of {COLLECTIONS}")
    return collection


def raw_dir(collection: str = OFFICIAL) -> Path:
    """Read-only raw files, one folder per dataset id: ``data/raw/<collection>/<id>/``."""
    return data_dir() / "raw" / check_collection(collection)


def processed_dir(collection: str = OFFICIAL) -> Path:
    """Disposable processed Parquet cache: ``data/processed/<collection>/``."""
    return data_dir() / "processed" / check_collection(collection)


def mirror() -> str | None:
    """The mirror folder or URL from ``CCDATA_MIRROR``, if set."""
    value = os.environ.get("CCDATA_MIRROR", "").strip()
    return value or None


def reports_dir() -> Path:
    """Default output folder for ``ccdata report`` (``CCDATA_REPORTS_DIR``, else
    ``<project>/reports`` in a checkout, else ``reports/`` in the current folder)."""
    default = PROJECT_ROOT / "reports" if IN_CHECKOUT else Path.cwd() / "reports"
    return Path(os.environ.get("CCDATA_REPORTS_DIR") or default).resolve()


def places_file() -> Path:
    """The place definitions (``CCDATA_PLACES`` or the package's ``places.yaml``)."""
    return Path(os.environ.get("CCDATA_PLACES") or resource("places.yaml"))
