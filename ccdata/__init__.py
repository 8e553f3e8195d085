"""ccdata: community data-intelligence for place-based children's initiatives.

The public API is small::

    import ccdata
    ccdata.load("iod2025_file1")          # a validated table of a published file
    p = ccdata.place("smallshaw-hurst")   # a place: LSOAs, wards, boundary, data
    ccdata.registry()                     # every dataset ccdata knows
"""
from __future__ import annotations

from ccdata._version import __version__
from ccdata.errors import (
                           CcdataError,
                           DataQualityWarning,
                           FetchError,
                           MissingDataError,
                           OfflineError,
                           PlaceError,
                           UnknownDatasetError,
                           ValidationError,
)
from ccdata.geo.places import list_places, place
from ccdata.io import load
from ccdata.sources import registry_table as registry

#: The package's public interface (the lab API); everything else is imported from its own module.
__all__ = ["__version__", "load", "place", "list_places", "registry", "CcdataError", "DataQualityWarning",
           "FetchError", "MissingDataError", "OfflineError", "PlaceError", "UnknownDatasetError",
           "ValidationError"]
