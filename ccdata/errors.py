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


class BuildError(CcdataError):
    """A processed table could not be built from its raw files (a damaged or changed official file);
    the message names the table and every problem found. The command line exits 1 on it."""


class DisclosureError(CcdataError):
    """Personal data that has not passed disclosure control (or was changed after it), or a page the
    disclosure audit could not make safe. Raised by the analysis and presentation layers alike."""


class InputError(CcdataError, ValueError):
    """An argument, setting or parameter given by the user is not valid (the message names it)."""


class OutputError(CcdataError, OSError):
    """An output folder or file cannot be written (the message names it)."""


class PlaceError(CcdataError, ValueError):
    """A place definition is invalid (unknown wards, LSOAs, local authority ...)."""


class ViewError(CcdataError, ValueError):
    """An unknown view, or a view declaration that cannot be used (the message names the views there are)."""


class LocalFileError(MissingDataError):
    """A local file named in ``places.yaml`` that is refused before it is opened: for the
    views, data that are not available (the page says why), for the command a failure.

    ``reason`` says in plain words what is wrong with it (for a page); the message
    names the ``places.yaml`` key and the path (for the adviser).
    """

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class DataQualityWarning(UserWarning):
    """Data were loaded, but some cells or rows were excluded or need attention."""


class YamlError(CcdataError, ValueError):
    """A YAML file that cannot be read safely: too big, too deep, aliases, or malformed."""


class HTTPStatusError(FetchError):
    """A server answered with an HTTP error status (after any retries)."""

    def __init__(self, url: str, status: int, reason: str, message: str | None = None):
        self.url, self.status, self.reason = url, status, reason
        self.short = f"HTTP {status} {reason}".strip()
        super().__init__(message or f"{url}: {self.short}")


class BlockedError(HTTPStatusError):
    """HTTP 403: a firewall or the publisher's server refuses this client."""


class ArcGISError(FetchError):
    """An ArcGIS REST endpoint answered with an ``error`` object."""

    def __init__(self, url: str, code: object, message: str):
        self.url, self.code = url, code
        self.short = f"ArcGIS error {code} {message}".strip()
        hint = ""
        if "invalid url" in message.lower() or "not found" in message.lower():
            hint = ("; the service may have been renamed or withdrawn: record the layer's ArcGIS "
                    "item id (Dataset.arcgis_item) so fetch can find its current name")
        super().__init__(f"{url}: {self.short}{hint}")


class LabelError(CcdataError, ValueError):
    """A label column that must not be published (the problem is named, the values are not)."""


class OutputPathError(CcdataError, ValueError):
    """An output path that would lie outside the output folder, or a folder that cannot be made."""


class UndeclaredOutputError(OutputError, ValueError):
    """A file that is not in the registry of outputs (:data:`ccdata.publish.OUTPUTS` or its view's
    declaration); it is not written."""


class OutsideOutputError(OutputPathError):
    """A write that would land outside the output folder, or pass through a symbolic link
    below it; nothing is written there."""


class BatchError(CcdataError, ValueError):
    """A batch request or parameter file is invalid (the message names the key)."""


class WarmKernelError(CcdataError):
    """A warm kernel could not be started or put back to its clean state."""


class ChangesError(CcdataError, ValueError):
    """Two runs' summaries cannot be compared (wrong columns, duplicated keys ...)."""


class BaselineError(CcdataError, ValueError):
    """A ``baseline:`` or ``targets:`` entry of places.yaml that cannot be read."""
