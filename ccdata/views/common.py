"""What every report notebook does first: resolve the place and collect data notes; names for codes.

Data-quality warnings (excluded rows, cp1252 files, LSOAs without data) are
collected instead of being printed as stderr noise, and shown to readers in a
"Data quality notes" list at the end of the report.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from ccdata import present
from ccdata.errors import DataQualityWarning, MissingDataError
from ccdata.geo import build
from ccdata.geo.placecache import resolve
from ccdata.geo.places import Place


@dataclass
class Notes:
    """Data-quality notes raised while a report runs."""

    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        text = " ".join(str(text).split())
        if text not in self.items:
            self.items.append(text)

    def block(self) -> present.Block:
        if not self.items:
            # "other": a section above may have said what it could not use (the asset list's problems)
            return present.notice("No other data-quality problems were reported while this page was produced.")
        return present.Block(
            present.notice("Some input files had problems while this page was produced; the adviser's "
                           "notes list them.").html
            + present.adviser_note("Data quality notes", present.bullets(self.items)).html)


def open_place(place_id: str):
    """Resolve ``place_id`` and start collecting data-quality notes.

    The place comes from the processed cache when it was resolved before from the
    same definition and tables (:mod:`ccdata.geo.placecache`); warnings raised while it
    was resolved are raised again, so they reach the notes either way.

    Returns
    -------
    (Place, Notes)
    """

    if not isinstance(place_id, str) or not place_id:
        raise ValueError("place_id must be a place id from places.yaml, e.g. 'demo'")
    notes = Notes()

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, DataQualityWarning):
            notes.add(str(message))
        elif not issubclass(category, (DeprecationWarning, FutureWarning, PendingDeprecationWarning)):
            notes.add(f"{category.__name__}: {message}")

    warnings.simplefilter("always", DataQualityWarning)
    warnings.showwarning = show
    return resolve(place_id), notes


def _geography_names(place, code_col: str, name_col: str) -> dict[str, str]:
    if place is None:
        raise TypeError("place must be a ccdata Place, not None")
    if not hasattr(place, "table"):  # a place without a collection's tables: no names to add
        return {}
    try:
        if isinstance(place, Place):  # every name in England: made once per process and data state
            return dict(build.derived(f"names {code_col} {name_col}", ("lsoa21_geography",), place.collection,
                                      lambda geo: _names(geo, code_col, name_col)))
        return _names(place.table("lsoa21_geography"), code_col, name_col)
    except MissingDataError:  # not built: tables keep their codes and say nothing more
        return {}


def _names(geo: pd.DataFrame, code_col: str, name_col: str) -> dict[str, str]:
    """Code -> name from a lookup table (empty when it lacks either column); the first name of a code wins."""
    if not {code_col, name_col} <= set(geo.columns):
        return {}
    pairs = geo[[code_col, name_col]].dropna().drop_duplicates(code_col)
    return dict(zip(pairs[code_col].astype(str), pairs[name_col].astype(str)))


def ward24_names(place) -> dict[str, str]:
    """Ward (May 2024) code -> name, from the ONS lookup of the place's collection (empty when not built).

    The place's own wards (``place.wards``) come first, so a ward keeps the name it has
    in the place's definition.
    """
    names = _geography_names(place, "ward24_code", "ward24_name")
    wards = getattr(place, "wards", None)
    if isinstance(wards, pd.DataFrame) and len(wards) and set(wards["vintage"].astype(str)) == {"2024"}:
        names.update(dict(zip(wards["ward_code"].astype(str), wards["ward_name"].astype(str))))
    return names


def lsoa21_names(place) -> dict[str, str]:
    """Neighbourhood (LSOA 2021) code -> name, from the ONS lookup (empty when not built)."""
    return _geography_names(place, "lsoa21_code", "lsoa21_name")
