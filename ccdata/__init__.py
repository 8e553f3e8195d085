"""ccdata: community data-intelligence for place-based children's initiatives.

The public API is small::

    import ccdata
    ccdata.load("iod2025_file1")          # a validated table of a published file
    p = ccdata.place("smallshaw-hurst")   # a place: LSOAs, wards, boundary, data
    ccdata.registry()                     # every dataset ccdata knows
"""
from __future__ import annotations

from ccdata._version import __version__  # noqa: F401
from ccdata.errors import (  # noqa: F401
                           CcdataError,
                           DataQualityWarning,
                           FetchError,
                           MissingDataError,
                           OfflineError,
                           PlaceError,
                           UnknownDatasetError,
                           ValidationError,
)
from ccdata.geo.places import list_places, place  # noqa: F401
from ccdata.io import load  # noqa: F401
from ccdata.sources import registry_table as registry  # noqa: F401
