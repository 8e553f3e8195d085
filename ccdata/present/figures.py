"""Figure markup: every figure printed from a computed table says which figure it is.

A printed figure carries ``data-figure="<figure>/<area>/<measure>"`` (for example
``children_low_income/place/value``) and ``data-kind`` (:data:`KINDS`). The page's
consistency check (:func:`ccdata.present.devtext.check`) reads them: one id must show
one value wherever it is printed, a count never shows a decimal point, and an item of
"What stands out" carries the verdict the indicator table shows.

This module only writes markup; it reads nothing.
"""
from __future__ import annotations

import re

from ccdata.present.escape import html_text

#: Kinds of figure: a whole count, a percentage, a verdict against England ("worse"),
#: a difference in percentage points, decile words.
KINDS = ("count", "percent", "verdict", "difference", "decile")
_ID = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def check_id(figure_id: str, kind: str) -> None:
    """Raise ``ValueError`` for an id not shaped ``figure/area/measure`` or an unknown kind."""
    if not isinstance(figure_id, str) or not _ID.match(figure_id):
        raise ValueError(f"a figure id is '<figure>/<area>/<measure>' (letters, digits, _ . -), "
                         f"not {figure_id!r}")
    if kind not in KINDS:
        raise ValueError(f"a figure's kind is one of {KINDS}, not {kind!r}")


def attributes(figure_id: str, kind: str) -> str:
    """`` data-figure="..." data-kind="..."`` (with a leading space), checked and escaped."""
    check_id(figure_id, kind)
    return f' data-figure="{html_text(figure_id)}" data-kind="{html_text(kind)}"'


def mark(text: str, figure_id: str, kind: str) -> str:
    """``text`` (escaped) in a ``<span>`` carrying its figure id and kind."""
    return f"<span{attributes(figure_id, kind)}>{html_text(text)}</span>"


def sentence_html(sentence) -> str:
    """A finding as HTML: its computed figures marked, the rest escaped.

    ``sentence`` is a plain ``str`` or a :class:`ccdata.analysis.findings.Sentence`
    (whose ``parts`` are text and figures with ``id``, ``kind`` and ``text``).
    """
    parts = getattr(sentence, "parts", None)
    if parts is None:
        return html_text(sentence)
    return "".join(mark(p.text, p.id, p.kind) if hasattr(p, "id") else html_text(p) for p in parts)


def column_ids(keys, measure: str, kind: str, area: str = "place") -> list[tuple[str, str] | None]:
    """Figure ids for one column of a table whose rows are figures (``keys``, e.g. indicator ids).

    A missing key (``None``) gives an unmarked cell.
    """
    out = []
    for key in keys:
        if key is None:
            out.append(None)
            continue
        fid = f"{key}/{area}/{measure}"
        check_id(fid, kind)
        out.append((fid, kind))
    return out
