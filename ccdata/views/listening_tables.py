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
from ccdata.schemas import check_frame

#: Code columns left out when the same rows carry the area's name.
CODES = {"ward24_code": "ward_name", "ward_code": "ward_name", "lsoa21_code": "lsoa21_name"}
#: Share and change columns of a change table, shown to one decimal place.
SHARES = ("pct_1", "pct_2")
DECIMALS = 1


def _protected(frame, what: str) -> pd.DataFrame:
    return disclosure.require(check_frame(frame, what), what)


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


def change_interval(change: pd.DataFrame, rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """The change table with its 95% interval in one column ("0.1 to 18.9") instead of two,
    and without the numbers answering (they are in the data behind each question's chart)."""
    change = _protected(change, "change table")
    out = change.copy()
    if {"change_lower", "change_upper"} <= set(out.columns):
        out.insert(out.columns.get_loc("change_lower"), "change_interval",
                   [f"{lo:.1f} to {hi:.1f}" if pd.notna(lo) and pd.notna(hi) else ""
                    for lo, hi in zip(out["change_lower"], out["change_upper"])])
        out = out.drop(columns=["change_lower", "change_upper"])
    out = out.drop(columns=[c for c in ("n_1", "n_2") if c in out.columns])
    return disclosure.mark(out, rules, sources=[change])


def options_by_wave(shares: pd.DataFrame, rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """Per-option shares of one multiple-choice question as one row per answer and one column
    per wave (``wave_name`` rows of :func:`ccdata.analysis.survey_options.option_shares`)."""
    shares = _protected(shares, "option shares")
    check_frame(shares, "option shares", ("wave_name", "option", "n", "pct_ticked"))
    waves = list(dict.fromkeys(shares["wave_name"]))
    out = pd.DataFrame({"option": list(dict.fromkeys(shares["option"]))})
    for wave in waves:
        rows = shares[shares["wave_name"] == wave].set_index("option")
        n = rows["n"].dropna()
        head = f"{wave}: share who ticked it, %" + (f" (of {int(n.iloc[0]):,} answering)" if len(n) else "")
        out[head] = pd.array([rows["pct_ticked"].get(o, pd.NA) for o in out["option"]], dtype="Float64")
    return disclosure.mark(out, rules, sources=[shares])


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
