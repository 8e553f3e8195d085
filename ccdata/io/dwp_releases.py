"""Every release of DWP's children in low income families, and which year comes from which.

The releases, their tables and the series break are declared once in :mod:`ccdata.cilif`
(the registry rows of :mod:`ccdata.sources` are made from the same declarations). Here:

- :func:`find`: a release's workbook through the gov.uk content API of its landing page,
  like the current one (:mod:`ccdata.io.routes`);
- :func:`plan`: each year of a measure from the **latest** release that holds it, and
  only from releases in the same series as the newest year shown; years published only in
  another measure or before a published break are listed as not joined, never spliced on;
- :func:`align_wards`: an earlier ward table on the May 2024 wards, for wards unchanged
  since (the same ONS code) or through a declared crosswalk (``ward_crosswalks.yaml``:
  North Tyneside was re-warded in 2024); any other ward of that release is left out, so
  only its authority figures are used (and the reason is kept);
- :func:`combine_years`: one table with each year's columns from the release planned for it.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import requests
import yaml

from ccdata import config
from ccdata.cilif import (
    BREAKS,
    MEASURE_WORDS,
    RELATIVE_AHC,
    RELATIVE_BHC,
    RELEASES,
    SERIES_2025,
    SERIES_PRE_2025,
    Release,
)
from ccdata.errors import Problem, ValidationError
from ccdata.io import routes
from ccdata.schemas import check_frame

__all__ = [
    "BREAKS",
    "MEASURE_WORDS",
    "RELATIVE_AHC",
    "RELATIVE_BHC",
    "RELEASES",
    "SERIES_2025",
    "SERIES_PRE_2025",
    "Release",
    "align_wards",
    "combine_years",
    "find",
    "load_crosswalks",
    "plan",
]

CROSSWALKS_FILE = config.resource("ward_crosswalks.yaml")
WARD_CODE = re.compile(r"^(E05|W05|S13|N08)\d{6}$")
_YEAR = re.compile(r"^children_fye(\d{4})$")


def find(release: Release, session: requests.Session | None = None, *, timeout: float = 60) -> dict:
    """The release's workbook as the gov.uk content API lists it: ``url``, ``filename``, ``published``.

    Raises
    ------
    FetchError
        The page lists no attachment matching the release's file name.
    OfflineError
        No network.
    """
    if not isinstance(release, Release):
        raise TypeError(f"release must be a Release, not {type(release).__name__}")
    session = session or requests.Session()
    att, page = routes.govuk_attachment(session, release, timeout)
    return {"url": att["url"], "filename": att["filename"],
            "published": page.get("public_updated_at") or page.get("updated_at")}


def plan(releases=RELEASES, measure: str = RELATIVE_AHC, held: dict[str, list[int]] | None = None) -> pd.DataFrame:
    """Which release supplies each year of ``measure``, and which years are not joined.

    Parameters
    ----------
    releases : sequence of Release
        The releases to plan from (all declared ones by default).
    measure : str
        :data:`RELATIVE_AHC` or :data:`RELATIVE_BHC`.
    held : dict, optional
        ``{release id: years}`` of the releases whose tables the data folder holds: what a
        held table actually has replaces the declared years (a table that turns out to hold
        fewer years leaves the others to the next release of the same series).

    Returns
    -------
    DataFrame
        One row per financial year any release holds (in any measure): ``year`` (``FYE yyyy``),
        ``release`` (the latest release holding it in ``measure`` and in the series of the
        newest year, or empty), ``reason`` (why a year is not used: published only in another
        measure, or only before a published break).

    Raises
    ------
    ValueError
        No release given, or none publishes ``measure``.
    """
    releases = sorted(releases, key=lambda r: r.published, reverse=True)
    if not releases or not all(isinstance(r, Release) for r in releases):
        raise ValueError("plan needs one or more Release declarations")
    newest = next((r for r in releases if measure in r.measures), None)
    if newest is None:
        raise ValueError(f"no release publishes the measure {measure!r}")
    held = dict(held or {})
    rows: dict[int, dict] = {}
    for r in releases:  # newest first: the first release holding a year in the series wins
        for y in (sorted(held[r.id]) if r.id in held else r.years(measure)):
            if y not in rows or not rows[y]["release"]:
                if r.series == newest.series:
                    rows[y] = {"year": f"FYE {y}", "release": r.id, "reason": ""}
                elif y not in rows:
                    rows[y] = {"year": f"FYE {y}", "release": "", "reason":
                               f"published only before the series break: {r.series}, not {newest.series} ({r.id})"}
        for y in r.years():
            if y not in rows:
                others = [MEASURE_WORDS.get(m, m) for m in r.measures if m != measure]
                rows[y] = {"year": f"FYE {y}", "release": "",
                           "reason": f"published only {' and '.join(others)} ({r.id})"}
    return pd.DataFrame([rows[y] for y in sorted(rows)], columns=["year", "release", "reason"])


def combine_years(tables: dict[str, pd.DataFrame], schedule: pd.DataFrame, code_col: str) -> pd.DataFrame:
    """One table with each year's columns taken from the release :func:`plan` chose for it.

    Parameters
    ----------
    tables : dict
        ``{release id: table}`` as :func:`ccdata.io.dwp.read_cilif` reads them
        (``children_fyeYYYY``/``pct_fyeYYYY`` columns), every one keyed by ``code_col``
        (earlier ward tables first put on the same wards by :func:`align_wards`).
    schedule : DataFrame
        From :func:`plan`.
    code_col : str
        The area code column the tables share.

    Returns
    -------
    DataFrame
        ``code_col`` and each planned year's two columns; ``attrs["sources"]`` maps each
        year to its release. A year whose release is not in ``tables`` is left out.
    """
    check_frame(schedule, "schedule", ["year", "release"], made_by="ccdata.io.dwp_releases.plan")
    for rid, table in tables.items():
        check_frame(table, f"the {rid} table", [code_col], made_by="ccdata.io.dwp.read_cilif")
    out = None
    sources = {}
    for rec in schedule.itertuples(index=False):
        if not rec.release or rec.release not in tables:
            continue
        year = re.sub(r"\D", "", rec.year)
        cols = [f"children_fye{year}", f"pct_fye{year}"]
        table = tables[rec.release]
        if not set(cols) <= set(table.columns):
            continue
        part = table[[code_col, *cols]]
        out = part if out is None else out.merge(part, on=code_col, how="outer")
        sources[rec.year] = rec.release
    out = out if out is not None else pd.DataFrame(columns=[code_col])
    out.attrs["sources"] = sources
    return out


def load_crosswalks(path: str | Path | None = None) -> pd.DataFrame:
    """The declared ward-to-ward crosswalks (``ward_crosswalks.yaml``) as one table.

    Returns
    -------
    DataFrame
        ``crosswalk, authority, from_code, to_code, share``; ``attrs["declared"]`` lists each
        crosswalk's ``id``, ``authority``, ``source`` and ``filled``.

    Raises
    ------
    ValidationError
        Naming the file, the crosswalk and the pair: a code that is not a ward code, a share
        outside (0, 1], an earlier ward whose shares do not add up to 1, a pair listed twice.
    """
    path = Path(path) if path is not None else CROSSWALKS_FILE
    name = path.name
    try:
        body = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError(name, [Problem(name, None, None, f"cannot be read: {exc}")]) from exc
    entries = body.get("crosswalks") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        raise ValidationError(name, [Problem(name, None, "crosswalks", "must be a list of crosswalks")])
    rows, declared, problems = [], [], []
    for i, entry in enumerate(entries, start=1):
        where = f"crosswalk {i}"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("source"):
            problems.append(Problem(name, None, where, "needs an id and a source"))
            continue
        where = f"crosswalk {entry['id']!r}"
        declared.append({k: entry.get(k) for k in ("id", "authority", "source", "filled")})
        pairs = entry.get("pairs") or []
        if not isinstance(pairs, list):
            problems.append(Problem(name, None, where, "pairs must be a list of [earlier ward, May 2024 ward, share]"))
            continue
        for j, pair in enumerate(pairs, start=1):
            if not (isinstance(pair, (list, tuple)) and len(pair) == 3):
                problems.append(Problem(name, None, f"{where} pair {j}", "must be [earlier ward, May 2024 ward, share]",
                                        pair))
                continue
            old, new, share = str(pair[0]).strip(), str(pair[1]).strip(), pair[2]
            bad = [c for c in (old, new) if not WARD_CODE.match(c)]
            if bad:
                problems.append(Problem(name, None, f"{where} pair {j}", "not a ward code", bad[0]))
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
                problems.append(Problem(name, None, f"{where} pair {j}", "share must be a number above 0 and at most 1",
                                        share))
                continue
            rows.append({"crosswalk": entry["id"], "authority": str(entry.get("authority", "")),
                         "from_code": old, "to_code": new, "share": float(share)})
    table = pd.DataFrame(rows, columns=["crosswalk", "authority", "from_code", "to_code", "share"])
    dup = table[table.duplicated(["from_code", "to_code"], keep=False)]
    for old, new in dup[["from_code", "to_code"]].drop_duplicates().itertuples(index=False):
        problems.append(Problem(name, None, "pairs", f"the pair {old} -> {new} is listed twice"))
    for old, total in table.groupby("from_code")["share"].sum().items():
        if abs(total - 1) > 1e-6:
            problems.append(Problem(name, None, "pairs", f"the shares of {old} add up to {total:g}, not 1"))
    if problems:
        raise ValidationError(name, problems)
    table.attrs["declared"] = declared
    return table


def align_wards(table: pd.DataFrame, code_col: str, current_codes, crosswalk: pd.DataFrame | None = None,
                *, release: str = "") -> pd.DataFrame:
    """An earlier release's ward table put on the May 2024 wards.

    A ward whose code is among ``current_codes`` is unchanged (ONS gives a changed ward a
    new code) and keeps its published figures. A ward whose code is gone is used only
    through ``crosswalk`` (:func:`load_crosswalks`): each May 2024 ward gets the shares of
    the earlier wards that make it up, summed; its figure for a year is missing when any of
    those wards is suppressed that year. Every other ward is left out.

    Parameters
    ----------
    table : DataFrame
        ``code_col`` and ``children_fyeYYYY``/``pct_fyeYYYY`` columns.
    code_col : str
        The table's ward code column (``ward23_code`` ...).
    current_codes : iterable of str
        The May 2024 ward codes.
    crosswalk : DataFrame, optional
        ``from_code, to_code, share``.
    release : str
        The release's id, for the reasons given.

    Returns
    -------
    DataFrame
        ``ward24_code`` and the year columns (counts as nullable integers).
        ``attrs["left_out"]``: ``(code, reason)`` of every ward not used;
        ``attrs["estimated"]``: May 2024 wards whose figures were shared through partial shares.
    """
    check_frame(table, "table", [code_col], made_by="ccdata.io.dwp.read_cilif")
    current = set(map(str, current_codes))
    years = sorted(m.group(1) for c in table.columns if (m := _YEAR.match(str(c))) and f"pct_fye{m.group(1)}" in table)
    cols = [c for y in years for c in (f"children_fye{y}", f"pct_fye{y}")]
    codes = table[code_col].astype(str)
    kept = table.loc[codes.isin(current), [code_col, *cols]].rename(columns={code_col: "ward24_code"})
    gone = table.loc[~codes.isin(current)]
    pairs = pd.DataFrame(columns=["from_code", "to_code", "share"]) if crosswalk is None else crosswalk
    check_frame(pairs, "crosswalk", ["from_code", "to_code", "share"], made_by="ccdata.io.dwp_releases.load_crosswalks")
    pairs = pairs[pairs["from_code"].isin(set(gone[code_col].astype(str)))]
    left_out = [(c, (f"ward {c} of the {release or 'earlier'} release has changed since and no crosswalk to the "
                     "May 2024 wards is declared, so only its authority's figure is used"))
                for c in sorted(set(gone[code_col].astype(str)) - set(pairs["from_code"]))]
    by_code = gone.assign(_code=gone[code_col].astype(str)).set_index("_code")
    rows, estimated = [], []
    for new, group in pairs.groupby("to_code", sort=True):
        if new in set(kept["ward24_code"]):
            left_out += [(c, f"the crosswalk sends {c} to {new}, which the release also publishes as unchanged")
                         for c in group["from_code"]]
            continue
        row = {"ward24_code": new}
        for y in years:
            n = by_code.loc[group["from_code"], f"children_fye{y}"].astype("Float64").to_numpy()
            p = by_code.loc[group["from_code"], f"pct_fye{y}"].astype("Float64").to_numpy()
            share = group["share"].to_numpy(dtype=float)
            if pd.isna(n).any() or pd.isna(p).any() or (p <= 0).any():
                row[f"children_fye{y}"], row[f"pct_fye{y}"] = pd.NA, np.nan
                continue
            count = float((share * n).sum())
            pop = float((share * n / (p / 100)).sum())
            row[f"children_fye{y}"] = round(count)
            row[f"pct_fye{y}"] = 100 * count / pop if pop else np.nan
        if (group["share"] < 1).any():
            estimated.append(new)
        rows.append(row)
    out = pd.concat([kept, pd.DataFrame(rows, columns=["ward24_code", *cols])], ignore_index=True)
    for y in years:
        out[f"children_fye{y}"] = pd.array([None if pd.isna(v) else int(v) for v in out[f"children_fye{y}"]],
                                           dtype="Int64")
        # the reader's percentages are nullable (pd.NA where suppressed): NaN here, as in the shares
        out[f"pct_fye{y}"] = pd.array([np.nan if pd.isna(v) else float(v) for v in out[f"pct_fye{y}"]],
                                      dtype="float64")
    out.attrs["left_out"] = left_out
    out.attrs["estimated"] = sorted(estimated)
    return out
