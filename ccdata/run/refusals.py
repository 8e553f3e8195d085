"""Local files a view could not use: refused before opening, or reported by the view itself.

A report publishes a page without the sections of a refused file and fails; these two
functions find the refusals (:func:`refused_files` from the place's ``local:`` paths,
:func:`refused_in` from the executed notebook's output metadata).
"""
from __future__ import annotations

import json
from pathlib import Path

from ccdata import publish
from ccdata.errors import LocalFileError, MissingDataError


def refused_files(place, view) -> list[str]:
    """The local files ``view`` reads that the place names but that are refused before opening
    (:func:`ccdata.io.local.checks.check_local_file`), one line each naming the places.yaml key."""
    out = []
    for kind in view.reads:
        try:
            place.local_path(kind)
        except LocalFileError as exc:
            out.append(str(exc))
        except MissingDataError:
            continue  # a file that does not exist: the view says so, as before
    return out


def refused_in(nb_path: Path) -> list[str]:
    """The files a view reported as refused in its executed notebook's output metadata
    (:data:`ccdata.publish.REFUSED_METADATA`), one line each."""
    try:
        nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    lines = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            found = (output.get("metadata") or {}).get(publish.REFUSED_METADATA)
            if isinstance(found, list):
                lines += [str(x) for x in found]
    return lines
