"""ccdata: community data-intelligence for place-based children's initiatives.

The public API is small::

    import ccdata
    ccdata.load("iod2025_file1")          # a validated table of a published file
    p = ccdata.place("smallshaw-hurst")   # a place: LSOAs, wards, boundary, data
    ccdata.registry()                     # every dataset ccdata knows
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import (CcdataError, DataQualityWarning, FetchError, MissingDataError,  # noqa: F401
                     OfflineError, PlaceError, UnknownDatasetError, ValidationError)
from .io import load  # noqa: F401
from .sources import registry_table as registry  # noqa: F401


def place(place_id: str):
    """Return the :class:`ccdata.places.Place` named ``place_id`` in places.yaml."""
    from .places import place as _place

    return _place(place_id)


def list_places():
    """Table of the places defined in places.yaml (``ccdata places`` prints it)."""
    from .places import list_places

    return list_places()
