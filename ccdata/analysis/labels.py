"""Labels checked before they are published: waves, schools, year groups, wards.

A label column of personal data becomes row and column headings on a page. If the
wrong column was chosen (respondent ids in the wave column) or someone typed a
postcode or an e-mail address into it, the labels themselves identify people, even
when every count beside them is protected. :func:`check` refuses such labels with a
named problem before any table is built.
"""
from __future__ import annotations

import re

import pandas as pd

from ccdata.errors import LabelError

#: A breakdown with more distinct labels than this is probably the wrong column.
MAX_DISTINCT = 60
#: Longer labels are free text, not categories.
MAX_LENGTH = 60

_POSTCODE = re.compile(r"^\s*[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\s*$", re.IGNORECASE)
_PARTIAL_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")




def problems(values, what: str, *, max_distinct: int = MAX_DISTINCT) -> list[str]:
    """The reasons ``values`` (one label per person) must not be published; empty when fine.

    Parameters
    ----------
    values : array-like of str
        The label of each respondent or pupil (missing values are ignored).
    what : str
        The column, for messages ("wave", "school").
    max_distinct : int
        More distinct labels than this is refused.
    """
    s = pd.Series(values, dtype="object").dropna().astype(str).str.strip()
    s = s[s != ""]
    if s.empty:
        return []
    distinct = s.unique()
    found = []
    if any(_POSTCODE.match(v) or _PARTIAL_POSTCODE.search(v) for v in distinct):
        found.append(f"some {what} labels look like postcodes")
    if any(_EMAIL.search(v) for v in distinct):
        found.append(f"some {what} labels look like e-mail addresses")
    if any(len(v) > MAX_LENGTH or len(v.split()) > 8 for v in distinct):
        found.append(f"some {what} labels are long free text (over {MAX_LENGTH} characters or 8 words)")
    if len(s) >= 20 and len(distinct) > 0.5 * len(s):
        found.append(f"the {what} labels are mostly different for each row ({len(distinct):,} different "
                     f"in {len(s):,} rows), so they look like identifiers")
    elif len(distinct) > max_distinct:
        found.append(f"the {what} column has {len(distinct):,} different labels (more than {max_distinct}); "
                     "it is probably the wrong column")
    return found


def check(values, what: str, *, file: str | None = None, max_distinct: int = MAX_DISTINCT) -> None:
    """Raise :class:`LabelError` when ``values`` must not be published as labels (see :func:`problems`)."""
    found = problems(values, what, max_distinct=max_distinct)
    if found:
        where = f"{file}: " if file else ""
        raise LabelError(f"{where}the {what} column cannot be shown on a page: " + "; ".join(found)
                         + ". Check that the right column was chosen; the labels are not shown here.")
