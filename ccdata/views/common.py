"""What every report notebook does first: resolve the place and collect data notes.

Data-quality warnings (excluded rows, cp1252 files, LSOAs without data) are
collected instead of being printed as stderr noise, and shown to readers in a
"Data quality notes" list at the end of the report.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from ccdata import present
from ccdata.errors import DataQualityWarning
from ccdata.geo.placecache import resolve


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
            return present.notice("No data-quality problems were reported while this page was produced.")
        return present.bullets(self.items)


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
