"""How the listening page's protected tables are shown to partners.

The tables of :mod:`ccdata.analysis.linked` keep every column an adviser needs (codes,
the ``suppressed`` flag, both waves' labels); a partner reads a question once, an area by
its name and a hidden figure as a note in its row. These helpers only select columns,
add words or re-express figures already published, so each result is sealed again from
the protected table it came from (:func:`ccdata.analysis.disclosure.mark`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ccdata.analysis import disclosure

#: Code columns left out when the same rows carry the area's name.
CODES = {"ward24_code": "ward_name", "ward_code": "ward_name", "lsoa21_code": "lsoa21_name"}
#: Share and change columns of a change table, shown to one decimal place.
SHARES = ("pct_1", "pct_2")
DECIMALS = 1


def _protected(frame, what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame, not {type(frame).__name__}")
    return disclosure.require(frame, what)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the columns a partner does not need.

    The yes/no "hidden" column goes (a hidden figure shows as an empty cell and its
    reason); the reason column stays only when some row is hidden; a code column goes
    when its name column is there.

    Raises
    ------
    DisclosureError
        ``frame`` is not a protected table.
    """
    frame = _protected(frame, "table")
    drop = [c for c in ("suppressed",) if c in frame.columns]
    if "suppression" in frame.columns:
        hidden = frame["suppressed"].fillna(False).astype(bool).any() if "suppressed" in frame.columns else \
            frame["suppression"].fillna("").astype(str).str.strip().ne("").any()
        if not hidden:
            drop.append("suppression")
    drop += [code for code, name in CODES.items() if code in frame.columns and name in frame.columns]
    return frame.drop(columns=drop)


def change_shown(change: pd.DataFrame, rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """The change table with each change equal to the difference of the two shares shown.

    The shares are shown to one decimal place; a change worked out from the unrounded
    shares can differ from the difference of the printed ones by 0.1 (59.5 and 69.0
    printed with a change of 9.6). Here both shares are rounded first and the change is
    their difference, so a reader who subtracts gets the printed change. The interval
    and the test are those of the unrounded figures (they say how sure the change is).

    Parameters
    ----------
    change : DataFrame
        A protected change table (``pct_1, pct_2, change_pts``).
    rules : disclosure.Rules, optional

    Raises
    ------
    DisclosureError
        ``change`` is not a protected table.
    ValueError
        A column is missing.
    """
    change = _protected(change, "change table")
    missing = [c for c in (*SHARES, "change_pts") if c not in change.columns]
    if missing:
        raise ValueError(f"the change table lacks column(s) {missing}")
    out = change.copy()
    shares = {c: np.round(pd.to_numeric(out[c], errors="coerce").astype(float), DECIMALS) for c in SHARES}
    for c, values in shares.items():
        out[c] = values
    out["change_pts"] = np.round(shares["pct_2"] - shares["pct_1"], DECIMALS)
    return disclosure.mark(out, rules, sources=[change])


def one_question_per_row(frame: pd.DataFrame, words: dict[str, str], rules: disclosure.Rules | None = None
                         ) -> pd.DataFrame:
    """``frame`` with the question's words replaced by ``words[question_id]`` where given
    (for a multiple-choice question: what its "positive" share counts)."""
    frame = _protected(frame, "table")
    if not words or "question_id" not in frame.columns:
        return frame
    out = frame.copy()
    out["question_text"] = [words.get(q, t) for q, t in zip(out["question_id"], out["question_text"])]
    return disclosure.mark(out, rules, sources=[frame])
