"""Exception and warning types.

Every message names the file, row and column where it can, and says how to fix it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the 1-based line number in the file as a person would count it in a
    text editor or spreadsheet (header lines included), or ``None`` for whole-file
    problems such as a missing column.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    value: object = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.message}{value}"


class CcdataError(Exception):
    """Base class for every error ccdata raises on purpose."""


class UnknownDatasetError(CcdataError, KeyError):
    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class MissingDataError(CcdataError, FileNotFoundError):
    """A raw or processed file the caller needs is not there."""


class FetchError(CcdataError):
    """A download or mirror copy failed."""


class OfflineError(FetchError):
    """The network could not be reached."""


class ValidationError(CcdataError, ValueError):
    """An input file broke its declared schema. ``problems`` lists every finding."""

    def __init__(self, file: str, problems: list[Problem], limit: int = 25):
        self.file = file
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:limit])
        more = len(self.problems) - limit
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{file}: {len(self.problems)} problem(s) found\n{shown}{tail}")


class DisclosureError(CcdataError):
    """Personal data that has not passed disclosure control (or was changed after it), or a page the
    disclosure audit could not make safe. Raised by the analysis and presentation layers alike."""


class InputError(CcdataError, ValueError):
    """An argument, setting or parameter given by the user is not valid (the message names it)."""


class OutputError(CcdataError, OSError):
    """An output folder or file cannot be written (the message names it)."""


class OutsideOutputError(OutputError, ValueError):
    """A write that would land outside the output folder, or pass through a symbolic link
    below it; nothing is written there."""


class PlaceError(CcdataError, ValueError):
    """A place definition is invalid (unknown wards, LSOAs, local authority ...)."""


class DataQualityWarning(UserWarning):
    """Data were loaded, but some cells or rows were excluded or need attention."""
