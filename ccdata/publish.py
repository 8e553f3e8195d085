"""The publish gate's rules: every file a run writes, and the text rules for spreadsheet files.

One registry (:data:`OUTPUTS`) declares every file ``report`` and ``batch`` write under
``--out`` themselves: where it goes, who it is for and what it is made from; each view
declares its own page and the files it writes beside it (:mod:`ccdata.views.declared`).
A file declared by neither is not ours (a test runs a batch of the demo and fails on
any undeclared file).

The registry also decides where executed notebooks go. A failed view's notebook (its
cell outputs and error text) and a notebook kept with ``--keep-notebook`` are for the
adviser only, so they go to the folder :data:`NOTEBOOKS_DIR` (``.notebooks/<place>/``)
at the top of the output folder (of the run folder, in a batch), never beside the
partner pages; when the output folder is served as a web site, leave the dot-folders
out (``.notebooks``, ``.adviser``).

Spreadsheet (CSV) text follows two rules, applied to each cell's final text as
written (:func:`csv_text`):

- **Formulas are neutralised** (the OWASP rule): a cell whose text starts with ``=``,
  ``+``, ``-``, ``@``, TAB, CR or NUL, or starts with one of ``=+-@`` once leading spaces
  and line breaks are trimmed (as a spreadsheet may trim them), gets a leading ``'``.
  Numbers (and text that is a plain number, such as ``-3``) stay as they are. The rule is
  undone exactly by :func:`csv_text_back`, so "What changed" reads back the names
  that were written.
- **Explicit direction controls** (U+202A-U+202E, U+2066-U+2069) and invisible
  zero-width characters other than the joiners are removed: they can make a name
  display reversed. The joiners (ZWJ U+200D, ZWNJ U+200C) are kept: they are part of
  names in several scripts.

On pages, names from input are isolated instead (:func:`isolate`: FSI ... PDI around
the name, for titles and tooltips), so a right-to-left name cannot reorder the text
around it.
"""
from __future__ import annotations

import fnmatch
import math
import numbers
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from ccdata.errors import DisclosureError, UndeclaredOutputError
from ccdata.files import relative_inside, write_inside

#: Where each view's adviser-only sections are kept between runs (read by the adviser notes).
NOTES_DIR = ".adviser"
#: Where executed notebooks (failed views, ``--keep-notebook``) go: the top of the output
#: folder (or of a batch's run folder), one sub-folder per place; never beside the pages.
NOTEBOOKS_DIR = ".notebooks"

#: Explicit direction controls (embeddings, overrides, isolates) and zero-width characters
#: that are not joiners: removed from spreadsheet text.
DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
INVISIBLE = "\u200b\u200e\u200f\u2060\ufeff"
_STRIP = re.compile(f"[{DIRECTION_CONTROLS}{INVISIBLE}]")
#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
FSI, PDI = "\u2068", "\u2069"
#: The output metadata key by which a view tells the report which local files it refused
#: (one line each, for the adviser): the page is published without their sections and
#: the command fails. Read from the executed notebook, never shown on a page.
REFUSED_METADATA = "ccdata-refused"


# --------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class Output:
    """One kind of file written under ``--out``.

    Attributes
    ----------
    where : str
        The path below ``--out`` as a pattern: ``{run}`` is a batch's run folder
        (``runs/<id>``, absent for ``report``), ``{place}`` a place id, ``*`` any name.
    audience : str
        ``"partner"`` (a published page or file), ``"adviser"`` (notes, run records) or
        ``"adviser-only"`` (never to publish: executed notebooks, kept out of the pages' folders).
    made_from : str
        What the file is computed from.
    """

    where: str
    audience: str
    made_from: str
    csv: bool = False

    def pattern(self) -> list[str]:
        """Glob patterns of the paths below ``--out`` this entry covers (``*``: one name)."""
        where = self.where.replace("{place}", "*")
        if where.startswith("{run}/"):  # a batch run's own file
            return ["runs/*/" + where[len("{run}/"):]]
        if self.where.startswith(("{place}/", f"{NOTEBOOKS_DIR}/")):
            # a place's file: written by `report` under --out, by `batch` under its run folder
            return [where, "runs/*/" + where]
        return [where]  # the site's own file (batch)


#: Every file ``report`` and ``batch`` write, with who it is for and what it is made from.
OUTPUTS: tuple[Output, ...] = (
    # the site (batch)
    Output("index.html", "partner", "the latest good run and every run (run/site.py)"),
    Output("latest", "partner", "a link to the latest good run folder"),
    Output("latest.txt", "adviser", "the latest good run id"),
    # a batch run
    Output("{run}/index.html", "partner", "the run's places, views and their status (run/site.py)"),
    Output("{run}/adviser-notes.html", "adviser", "every task's status and message (run/site.py)"),
    Output("{run}/run.json", "adviser", "what ran, with status, seconds and bytes per task"),
    Output("{run}/summary.csv", "adviser", "the run's status table (place, view, status, message)", csv=True),
    # a place's pages (report, and batch per place)
    Output("{place}/index.html", "partner", "the key findings and the list of the place's pages"),
    Output("{place}/adviser-notes.html", "adviser", "the views' adviser-only sections and every problem"),
    # each view's page (``<view>.html``) and the files it writes beside it are declared by the
    # view (ccdata.views.declared.ViewSpec.declarations)
    Output("{place}/changes.html", "partner", "this run's summaries against the previous good run's"),
    # the summaries "What changed" compares (run/changes.py)
    Output("{place}/indicators.csv", "partner", "indicators of the place, its LA and England (aggregates)",
           csv=True),
    Output("{place}/deprivation.csv", "partner", "IoD headline measures per edition and area", csv=True),
    Output("{place}/iod_editions.csv", "partner", "each LSOA's IMD decile in IoD 2019 and 2025", csv=True),
    Output("{place}/assets.csv", "partner", "the place's assets (id, name, category)", csv=True),
    Output("{place}/network_summary.csv", "partner", "headline network measures (residents as one group)",
           csv=True),
    Output("{place}/connections.csv", "partner", "ties between organisations (never a resident's)", csv=True),
    Output("{place}/resident_connections.csv", "partner",
           "residents' ties by partner sector, sealed by disclosure control", csv=True),
    Output("{place}/summaries.json", "adviser", "which summary files were written, or why not"),
    # a place's footprint (run/footprints.py): of record at the top, as resolved beside the pages
    Output(".footprints/*.json", "adviser-only", "each place's footprint of record (LSOAs, population, "
           "the hash of its definition)"),
    Output("{run}/.footprints/*.json", "adviser-only", "each place's footprint of record"),
    Output(f"{{place}}/{NOTES_DIR}/footprint.json", "adviser", "the footprint this run resolved for the place"),
    # adviser-only fragments and pages that were not published
    Output(f"{{place}}/{NOTES_DIR}/*.html", "adviser", "a view's adviser-only sections (disclosure audit notes)"),
    Output(f"{{place}}/{NOTES_DIR}/*.unpublished.html", "adviser",
           "a page held back because it carried text meant for the adviser"),
    Output(f"{NOTEBOOKS_DIR}/{{place}}/*.failed.ipynb", "adviser-only",
           "the executed notebook of a failed view (cell outputs, error text)"),
    Output(f"{NOTEBOOKS_DIR}/{{place}}/*.ipynb", "adviser-only", "an executed notebook kept with --keep-notebook"),
)


def declared(relpath, extra: tuple[Output, ...] = ()) -> Output | None:
    """The registry entry for a path below ``--out`` (``runs/<id>/demo/assets.csv``), or ``None``.

    ``extra``: declarations made by the caller's own registry (each view declares its page
    and files, see :attr:`ccdata.views.declared.ViewSpec.declarations`).
    """
    rel = str(PurePosixPath(str(relpath).replace("\\", "/")))
    if rel.startswith("/") or ".." in PurePosixPath(rel).parts:
        return None
    for entry in (*OUTPUTS, *extra):
        for pat in entry.pattern():
            if fnmatch.fnmatchcase(rel, pat) and rel.count("/") == pat.count("/"):
                return entry
    return None


def is_csv_output(name: str) -> bool:
    """Whether a file name is one of the registry's spreadsheet files (the summaries "What changed" reads)."""
    return any(e.csv and PurePosixPath(e.where).name == name for e in OUTPUTS)


def write(root, path, content, *, note: str | None = None, protected: bool = False,
          declare: Output | tuple[Output, ...] | None = None) -> Path:
    """The publish gate: write one declared file under the output folder ``root``.

    Parameters
    ----------
    root : path
        The ``--out`` folder (a batch's run folder while the run is built).
    path : path
        The file, below ``root``; its place there must be declared in :data:`OUTPUTS`.
    content : str, bytes or DataFrame
        A DataFrame is written as CSV through :func:`csv_frame` (formulas neutralised,
        direction controls removed); only a file the registry marks as CSV takes one.
    note : str, optional
        For a CSV: a first line ``# note`` (the demo's fictional-data notice).
    protected : bool
        The caller checked that a personal table is sealed by disclosure control
        (:func:`ccdata.run.changes.check_export` does); without it a table marked
        personal or carrying a seal is refused.
    declare : Output or tuple of Output, optional
        The declarations of files another registry owns (a view's page and files, declared
        by the view); the path must match one of them.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UndeclaredOutputError
        The file is not declared, or a DataFrame goes to a file that is not a CSV.
    DisclosureError
        A personal table without ``protected``.
    ccdata.errors.OutsideOutputError
        The path leaves ``root`` or passes through a symbolic link (:func:`ccdata.files.write_inside`).
    """
    # declared first, from the names alone: an undeclared file creates nothing, not even a folder
    rel = relative_inside(root, path).as_posix()
    target = Path(os.path.abspath(path))
    if declare is None:
        declare = ()
    elif isinstance(declare, Output):
        declare = (declare,)
    elif not (isinstance(declare, tuple) and all(isinstance(d, Output) for d in declare)):
        raise TypeError(f"declare must be an Output or a tuple of them, not {type(declare).__name__}")
    entry = declared(rel, declare)
    if entry is None:
        raise UndeclaredOutputError(f"{target}: {rel!r} is not a declared output of ccdata "
                                    "(ccdata.publish.OUTPUTS); it was not written")
    if isinstance(content, pd.DataFrame):
        if not entry.csv:
            raise UndeclaredOutputError(f"{target}: a table can only be written to a declared CSV file")
        personal = content.attrs.get("personal") or "disclosure_seal" in content.attrs
        if personal and not protected:
            raise DisclosureError(f"{target.name}: this table holds personal data; it is written only "
                                  "after its disclosure seal is checked, and was not written")
        head = f"# {' '.join(strip_controls(note).split())}\n" if note else ""
        content = to_csv(content, head)
    elif not isinstance(content, (str, bytes, bytearray)):
        raise TypeError(f"{target.name}: expected text, bytes or a DataFrame, not {type(content).__name__}")
    return write_inside(root, path, content)


# --------------------------------------------------------------------------- text rules
def strip_controls(text: str) -> str:
    """``text`` without explicit direction controls and zero-width non-joiners (joiners kept)."""
    if not isinstance(text, str):
        raise TypeError(f"strip_controls expects text, not {type(text).__name__}")
    return _STRIP.sub("", text)


def _formula(text: str) -> bool:
    if not text or _NUMBER.match(text):
        return False
    if text[0] in FORMULA_START or text.lstrip(" \n")[:1] in ("=", "+", "-", "@"):
        return True
    # a name that already starts with quotes before a formula character gets one more, so
    # that csv_text_back can take exactly one off
    return text[0] == "'" and _formula(text[1:])


def csv_text(value):
    """A cell as written to a spreadsheet file: controls removed, formulas neutralised.

    Numbers (and missing values) are returned unchanged.

    Examples
    --------
    >>> csv_text('=HYPERLINK("http://x")'), csv_text("\\t=1+1"), csv_text("-3"), csv_text(7)
    ('\\'=HYPERLINK("http://x")', "'\\t=1+1", '-3', 7)
    """
    if value is None or isinstance(value, (bool, numbers.Number)) or value is pd.NA or value is pd.NaT:
        return value
    if isinstance(value, float) and math.isnan(value):
        return value
    text = strip_controls(str(value))
    return "'" + text if _formula(text) else text


def csv_text_back(value):
    """Undo :func:`csv_text`'s quote: the text that was meant (controls stay removed)."""
    if not isinstance(value, str):
        return value
    return value[1:] if value[:1] == "'" and _formula(value[1:]) else value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and header) passed through :func:`csv_text`."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"csv_frame expects a DataFrame, not {type(frame).__name__}")
    out = frame.copy()
    out.columns = [csv_text(c) if isinstance(c, str) else c for c in out.columns]
    for i, col in enumerate(out.columns):
        series = out.iloc[:, i]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        out.isetitem(i, series.map(csv_text, na_action="ignore").astype(object))
    out.attrs = dict(frame.attrs)
    return out


def to_csv(frame: pd.DataFrame, head: str = "") -> str:
    """The CSV text of ``frame`` after :func:`csv_frame` (``head``: lines written before it)."""
    return head + csv_frame(frame).to_csv(index=False)


def isolate(value) -> str:
    """A name for a title, tooltip or other plain-text spot: controls removed, wrapped in FSI ... PDI.

    The isolates keep a right-to-left name from reordering the text around it; escape
    the result for its context as usual.
    """
    text = "" if value is None else strip_controls(str(value))
    return f"{FSI}{text}{PDI}" if text else ""
