"""The partnership's relationship survey: the organisations list and the survey export.

organisations (CSV or XLSX)
    ``id``, ``name``, ``sector`` (one of :data:`SECTORS`); optional ``postcode``,
    ``easting``/``northing`` (British National Grid) or ``latitude``/``longitude``,
    ``core_team`` (yes/no), ``first_wave`` (the wave the organisation joined).
relationships (survey export, CSV or XLSX)
    ``respondent`` (organisation id or name), ``partner`` (id or name),
    ``relationship`` (one or more of :data:`RELATIONSHIP_TYPES`, separated by ``;``),
    ``strength`` (1-5, or a frequency word from :data:`FREQUENCY_STRENGTH`), ``wave``;
    optional ``direction`` (:data:`DIRECTIONS`: which way things flow, as the respondent
    says; without it a tie's direction is only who answered about whom).

Unknown organisations, self-ties, duplicates and conflicting answers from the two
ends of a tie are listed in :attr:`NetworkData.issues` (file, row, column, what was
done), never dropped silently. Residents are people: organisations of sector
``residents`` get a sector label (``Residents (1)``) here, and outputs never name them.
The measures are in :mod:`ccdata.analysis.network`.
"""
from __future__ import annotations

import difflib
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ccdata.errors import DataQualityWarning, Problem, ValidationError
from ccdata.io.local import match_columns, norm_header, norm_key, read_table, yes_no
from ccdata.schemas import POSTCODE, check_frame
from ccdata.vocabulary import (
    BUSINESS,
    EARLY_YEARS,
    HEALTH,
    LOCAL_AUTHORITY,
    RELATIONSHIP_TYPES,
    RESIDENTS,
    SCHOOL,
    SECTORS,
    VOLUNTARY,
)

_SECTOR_ALIASES = {
    "schools": SCHOOL, "education": SCHOOL, "early years": EARLY_YEARS, "early-years": EARLY_YEARS,
    "nhs": HEALTH, "la": LOCAL_AUTHORITY, "council": LOCAL_AUTHORITY,
    "voluntary and community": VOLUNTARY, "voluntary & community": VOLUNTARY,
    "voluntary": VOLUNTARY, "vcs": VOLUNTARY, "vcse": VOLUNTARY, "community": VOLUNTARY,
    "resident": RESIDENTS, "businesses": BUSINESS,
}
NOT_STATED = "not stated"
#: The optional ``direction`` column: which way the relationship flows (information, referrals,
#: money), as the respondent says. Without it a tie's direction is only who answered about whom.
TO_PARTNER, FROM_PARTNER, BOTH_WAYS = "to partner", "from partner", "both"
DIRECTIONS = (TO_PARTNER, FROM_PARTNER, BOTH_WAYS)
_DIRECTION_ALIASES = {"to partner": TO_PARTNER, "to": TO_PARTNER, "outgoing": TO_PARTNER, "we give": TO_PARTNER,
                      "from partner": FROM_PARTNER, "from": FROM_PARTNER, "incoming": FROM_PARTNER,
                      "we receive": FROM_PARTNER, "both": BOTH_WAYS, "both ways": BOTH_WAYS,
                      "two way": BOTH_WAYS, "two-way": BOTH_WAYS, "mutual": BOTH_WAYS}
#: Frequency answers and the 1-5 strength they stand for (5 = strongest).
FREQUENCY_STRENGTH = {"less than yearly": 1, "rarely": 1, "yearly": 1, "annually": 1,
                      "termly": 2, "quarterly": 2, "a few times a year": 2,
                      "monthly": 3, "weekly": 4, "daily": 5}
STRENGTH_MIN, STRENGTH_MAX = 1, 5
#: Two ends' strengths for the same relationship that differ by this much are a conflict.
CONFLICT_GAP = 2
_ORG_COLUMNS = {
    "org_id": ("id", "org id", "organisation id", "organization id", "code"),
    "name": ("name", "organisation", "organisation name", "organization name"),
    "sector": ("sector",),
    "postcode": ("postcode", "post code"),
    "easting": ("easting",), "northing": ("northing",),
    "latitude": ("latitude", "lat"), "longitude": ("longitude", "lon", "lng"),
    "core_team": ("core team", "core"),
    "first_wave": ("first wave", "joined wave", "joined"),
}
_REL_COLUMNS = {
    "respondent": ("respondent", "respondent organisation", "respondent org", "your organisation",
                   "organisation", "from"),
    "partner": ("partner", "partner organisation", "partner org", "to"),
    "relationship": ("relationship", "relationship type", "type"),
    "strength": ("strength", "frequency", "how often"),
    "wave": ("wave", "survey wave"),
    "direction": ("direction", "flow", "flow direction", "direction of flow"),
}
_ORG_REQUIRED = ("org_id", "name", "sector")
_REL_REQUIRED = ("respondent", "partner", "relationship", "wave")
#: Words for "yes" and "no" in the core-team column besides the common ones (blank is no).
_CORE_YES, _CORE_NO = ("core", "core team"), ("",)
ISSUE_COLUMNS = ["file", "row", "column", "kind", "message", "value", "action"]
EXCLUDED, KEPT = "row excluded", "kept"


@dataclass
class NetworkData:
    """Organisations, the ties reported between them, and every issue found.

    Attributes
    ----------
    organisations : DataFrame
        ``org_id, name, label, sector, core_team, first_wave, postcode, easting,
        northing, latitude, longitude``. ``label`` is what outputs show (``name``,
        except residents, who appear as ``Residents (n)``).
    ties : DataFrame
        One row per usable answer: ``respondent_id, partner_id, relationship,
        strength (1-5, missing when not understood), wave, row`` (file line), ``direction``
        (:data:`DIRECTIONS`, or missing when the file has no such column or the cell is empty).
    issues : DataFrame
        ``file, row, column, kind, message, value, action`` for every row or cell
        that was excluded or needs attention.
    """

    organisations: pd.DataFrame
    ties: pd.DataFrame
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))

    @property
    def waves(self) -> list[str]:
        """Survey waves, in order (numbers in the labels sort numerically)."""
        return sort_waves(self.ties["wave"].dropna().unique())

    def labels(self) -> dict[str, str]:
        return dict(zip(self.organisations["org_id"], self.organisations["label"]))


def _read_table(path: Path, columns: dict, required: tuple[str, ...], what: str):
    """Read a CSV/XLSX as strings indexed by file row and rename known columns."""
    frame, skipped, display = read_table(path, what=what)
    matched = match_columns(list(frame.columns), columns, file=display)
    frame = frame.rename(columns={header: target for target, header in matched.items()})
    # headers that match nothing are not read: list each (a misspelt "postocde" would
    # otherwise lose every postcode unnoticed), with the closest known header as a hint
    known = sorted({a for target, aliases in columns.items() for a in (target.replace("_", " "), *aliases)})
    for col in frame.columns:
        if col in columns or not str(col).strip():
            continue
        close = difflib.get_close_matches(norm_header(col), known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known columns: {', '.join(columns)}"
        skipped.append(Problem(display, None, str(col), f"column not recognised, not read{hint}"))
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValidationError(display, [Problem(display, None, c,
            f"required column is missing (accepted headers: {', '.join(columns[c])}); "
            f"found {list(map(str, frame.columns))}") for c in missing])
    for col in columns:
        if col not in frame.columns:
            frame[col] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame = frame[list(columns)].apply(lambda s: s.str.strip())
    return frame, skipped, display


def _issue(p: Problem, kind: str, action: str) -> dict:
    return {"file": p.file, "row": p.row, "column": p.column, "kind": kind, "message": p.message,
            "value": None if p.value is None else str(p.value), "action": action}


def read_organisations(path: str | Path) -> pd.DataFrame:
    """Read the partnership's organisations list.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8, or Windows-1252 with a warning) or XLSX with columns ``id``,
        ``name``, ``sector`` and optionally ``postcode``, ``easting``/``northing``,
        ``latitude``/``longitude``, ``core_team`` (yes/no), ``first_wave``.

    Returns
    -------
    DataFrame
        ``org_id, name, label, sector, core_team, first_wave, postcode, easting,
        northing, latitude, longitude, row``. ``attrs["issues"]`` lists cells that
        were set to missing (bad coordinates, postcodes).

    Raises
    ------
    MissingDataError
        When the file does not exist.
    ValidationError
        Listing every missing id/name, unknown sector, repeated id or
        unreadable core-team flag, with file, row and column.

    Examples
    --------
    >>> orgs = read_organisations("organisations.csv")  # doctest: +SKIP
    """

    frame, skipped, file = _read_table(path, _ORG_COLUMNS, _ORG_REQUIRED, "organisations")
    problems: list[Problem] = []
    issues = [_issue(p, "unknown column", "column ignored") if p.row is None else _issue(p, "blank row", EXCLUDED)
              for p in skipped]
    for col in ("org_id", "name", "sector"):
        for line in frame.index[frame[col].isna() | (frame[col] == "")]:
            problems.append(Problem(file, int(line), col, "missing value"))
    sectors = []
    for line, value in frame["sector"].items():
        key = norm_key(value) if not pd.isna(value) else ""
        key = key.replace(" and ", " & ") if key not in _SECTOR_ALIASES else key
        sector = key if key in SECTORS else _SECTOR_ALIASES.get(key)
        if sector is None and key:
            problems.append(Problem(file, int(line), "sector", f"unknown sector; use one of {list(SECTORS)}",
                                    value))
        sectors.append(sector)
    frame["sector"] = sectors
    ids = frame["org_id"].fillna("").map(norm_key)
    first_row: dict[str, int] = {}
    for line, key in ids.items():
        if not key:
            continue
        if key in first_row:
            problems.append(Problem(file, int(line), "org_id",
                                    f"organisation id repeats row {first_row[key]}; ids must be unique",
                                    frame.at[line, "org_id"]))
        else:
            first_row[key] = int(line)
    core = []
    for line, value in frame["core_team"].items():
        flag = yes_no(value, yes=_CORE_YES, no=_CORE_NO)
        if flag is not None:
            core.append(flag)
        else:
            problems.append(Problem(file, int(line), "core_team", "core team flag must be yes or no", value))
            core.append(False)
    frame["core_team"] = core
    if problems:
        raise ValidationError(file, problems)

    names = frame["name"].map(norm_key)
    for line in frame.index[names.duplicated(keep="first")]:
        first = int(frame.index[names == names[line]][0])
        issues.append(_issue(Problem(file, int(line), "name",
                                     f"name also used at row {first}; the survey must use the id for these",
                                     frame.at[line, "name"]), "shared name", KEPT))
    for a, b in (("easting", "northing"), ("latitude", "longitude")):
        for col in (a, b):
            values = pd.to_numeric(frame[col], errors="coerce")
            bad = values.isna() & frame[col].notna() & (frame[col] != "")
            for line in frame.index[bad]:
                issues.append(_issue(Problem(file, int(line), col, "not a number; location ignored",
                                             frame.at[line, col]), "bad location", KEPT))
            frame[col] = values.astype("Float64")
        half = frame[a].isna() ^ frame[b].isna()
        for line in frame.index[half]:
            issues.append(_issue(Problem(file, int(line), f"{a}, {b}", f"only one of {a} and {b} given; "
                                         "location ignored"), "bad location", KEPT))
        frame.loc[half, [a, b]] = pd.NA
    postcode = frame["postcode"].str.upper().str.replace(r"\s+", "", regex=True)
    postcode = postcode.where(postcode.isna() | (postcode.str.len() < 5),
                              postcode.str[:-3] + " " + postcode.str[-3:])
    bad_pc = postcode.notna() & (postcode != "") & ~postcode.fillna("").str.match(POSTCODE)
    for line in frame.index[bad_pc]:
        issues.append(_issue(Problem(file, int(line), "postcode", "not a UK postcode; location ignored",
                                     frame.at[line, "postcode"]), "bad location", KEPT))
    frame["postcode"] = postcode.mask(bad_pc | (postcode == ""), pd.NA)
    frame["first_wave"] = frame["first_wave"].mask(frame["first_wave"] == "", pd.NA)
    frame["label"] = _labels(frame)
    frame["row"] = frame.index.astype(int)
    out = frame[["org_id", "name", "label", "sector", "core_team", "first_wave", "postcode",
                 "easting", "northing", "latitude", "longitude", "row"]].reset_index(drop=True)
    out["core_team"] = out["core_team"].astype(bool)
    out.attrs["file"] = file
    out.attrs["issues"] = issues
    return out


def _labels(frame: pd.DataFrame) -> list[str]:
    # Residents are people: a number keeps nodes apart without naming anyone.
    labels, n = [], 0
    for name, sector in zip(frame["name"], frame["sector"]):
        if sector == RESIDENTS:
            n += 1
            labels.append(f"Residents ({n})")
        else:
            labels.append(str(name))
    return labels


def _strength(value) -> float | None:
    if value is None or pd.isna(value) or str(value).strip() == "":
        return None
    key = norm_key(value)
    if key in FREQUENCY_STRENGTH:
        return float(FREQUENCY_STRENGTH[key])
    try:
        number = float(key)
    except ValueError:
        return np.nan
    return number if STRENGTH_MIN <= number <= STRENGTH_MAX else np.nan


def read_relationships(path: str | Path, organisations: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Read a relationships survey export and resolve it against the organisations.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX: ``respondent``, ``partner``, ``relationship``, ``strength``
        (optional), ``wave``. Organisations may be named by id or by name.
    organisations : DataFrame
        From :func:`read_organisations`.

    Returns
    -------
    ties, issues
        ``ties``: ``respondent_id, partner_id, relationship, strength, wave, row``
        (one row per relationship type answered). ``issues``: dicts with
        ``file, row, column, kind, message, value, action`` for unknown or
        ambiguous organisations, self-ties, duplicates, conflicting answers from the
        two ends, unknown types and strengths.

    Raises
    ------
    MissingDataError, ValidationError
        File absent, not CSV/XLSX, or a required column missing.
    """
    check_organisations(organisations)
    if _empty_file(path):  # a survey with no answers yet: no ties, and the issue says why
        ties = pd.DataFrame({"respondent_id": pd.Series(dtype="object"), "partner_id": pd.Series(dtype="object"),
                             "relationship": pd.Series(dtype="object"), "strength": pd.Series(dtype="Float64"),
                             "wave": pd.Series(dtype="string"), "row": pd.Series(dtype="int64"),
                             "direction": pd.Series(dtype="object")})
        name = Path(path).name
        return ties, [_issue(Problem(name, None, None, "the file is empty: the survey has no answers yet"),
                             "empty file", EXCLUDED)]
    frame, skipped, file = _read_table(path, _REL_COLUMNS, _REL_REQUIRED, "relationships")
    issues = [_issue(p, "unknown column", "column ignored") if p.row is None else _issue(p, "blank row", EXCLUDED)
              for p in skipped]
    resolve = _organisation_resolver(organisations, file, issues)
    records = []
    for line, row in frame.iterrows():
        line = int(line)
        a = resolve(row["respondent"], line, "respondent")
        b = resolve(row["partner"], line, "partner")
        wave = row["wave"]
        if pd.isna(wave) or wave == "":
            issues.append(_issue(Problem(file, line, "wave", "no wave given"), "missing wave", EXCLUDED))
            continue
        if a is None or b is None:
            continue
        if a == b:
            issues.append(_issue(Problem(file, line, "partner", "an organisation cannot be its own partner",
                                         row["partner"]), "self-tie", EXCLUDED))
            continue
        types = _relationship_types(row["relationship"], line, file, issues)
        if not types:
            continue
        strength = _strength(row["strength"])
        if strength is not None and np.isnan(strength):
            issues.append(_issue(Problem(file, line, "strength",
                                         f"not understood (use {STRENGTH_MIN}-{STRENGTH_MAX} or one of "
                                         f"{list(FREQUENCY_STRENGTH)}); tie kept, counted with weight 1",
                                         row["strength"]), "bad strength", KEPT))
        given = row.get("direction") if "direction" in frame.columns else None
        direction = _direction(given, line, file, issues)
        for t in dict.fromkeys(types):
            records.append({"respondent_id": a, "partner_id": b, "relationship": t,
                            "strength": strength if strength is not None and not np.isnan(strength) else np.nan,
                            "wave": str(wave), "row": line, "direction": direction})
    ties = pd.DataFrame(records, columns=["respondent_id", "partner_id", "relationship", "strength",
                                          "wave", "row", "direction"])
    ties, dup_issues = _drop_duplicates(ties, file)
    issues.extend(dup_issues)
    issues.extend(_conflicts(ties, file, dict(zip(organisations["org_id"], organisations["label"]))))
    ties["strength"] = ties["strength"].astype("Float64")
    ties["wave"] = ties["wave"].astype("string")
    return ties.reset_index(drop=True), issues


def _organisation_resolver(organisations: pd.DataFrame, file: str, issues: list[dict]):
    """A function naming the organisation a cell means (by id, or by a name no other organisation
    has), or None with the issue recorded."""
    by_id = {norm_key(i): i for i in organisations["org_id"]}
    names = organisations["name"].map(norm_key)
    by_name = {n: i for n, i in zip(names, organisations["org_id"]) if (names == n).sum() == 1}
    shared = set(names[names.duplicated()])

    def resolve(value, line, col):
        key = "" if pd.isna(value) else norm_key(value)
        if not key:
            issues.append(_issue(Problem(file, line, col, "no organisation given"), "missing organisation",
                                 EXCLUDED))
        elif key in by_id:
            return by_id[key]
        elif key in by_name:
            return by_name[key]
        elif key in shared:
            issues.append(_issue(Problem(file, line, col, "name is shared by several organisations; "
                                         "use the id", value), "ambiguous organisation", EXCLUDED))
        else:
            issues.append(_issue(Problem(file, line, col, "not in the organisations list (add it there, or "
                                         "correct the spelling)", value), "unknown organisation", EXCLUDED))
        return None
    return resolve


def _relationship_types(value, line: int, file: str, issues: list[dict]) -> list[str]:
    """The relationship types of one answer (several separated by ``;``, ``|`` or ``/``); an unknown
    type is recorded and left out, a blank answer is kept as 'not stated'."""
    types = []
    raw = "" if pd.isna(value) else str(value)
    for part in [p for p in re.split(r"[;|/]", raw) if p.strip()]:
        key = norm_key(part)
        if key in RELATIONSHIP_TYPES:
            types.append(key)
        else:
            issues.append(_issue(Problem(file, line, "relationship",
                                         f"unknown relationship type; use {list(RELATIONSHIP_TYPES)}",
                                         part.strip()), "unknown relationship type", EXCLUDED))
    if not raw.strip():
        issues.append(_issue(Problem(file, line, "relationship", "no relationship type; tie kept as "
                                     f"{NOT_STATED!r}"), "missing relationship type", KEPT))
        types = [NOT_STATED]
    return types


def _direction(given, line: int, file: str, issues: list[dict]):
    """The tie's direction when the answer gives one it understands (else None, recorded)."""
    if given is None or pd.isna(given) or not str(given).strip():
        return None
    direction = _DIRECTION_ALIASES.get(norm_key(given))
    if direction is None:
        issues.append(_issue(Problem(file, line, "direction", f"not understood (use one of {list(DIRECTIONS)}); "
                                     "tie kept without a direction", given), "bad direction", KEPT))
    return direction


def _empty_file(path) -> bool:
    """True for an existing CSV file holding nothing but white space (not even a header row)."""
    path = Path(path) if isinstance(path, (str, Path)) else None
    if path is None or not path.is_file() or path.suffix.lower() != ".csv" or path.stat().st_size > 4096:
        return False
    return not path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff").strip()


def _drop_duplicates(ties: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[dict]]:
    issues = []
    key = ["respondent_id", "partner_id", "relationship", "wave"]
    dup = ties.duplicated(subset=key, keep="first")
    firsts = ties[~dup].set_index(key)
    for i in ties.index[dup]:
        row = ties.loc[i]
        first = firsts.loc[tuple(row[k] for k in key)]
        same = (pd.isna(first["strength"]) and pd.isna(row["strength"])) or first["strength"] == row["strength"]
        detail = "" if same else f" with a different strength ({row['strength']:g} vs {first['strength']:g})"
        issues.append(_issue(Problem(file, int(row["row"]), "respondent, partner, relationship, wave",
                                     f"repeats the answer at row {int(first['row'])}{detail}; first answer kept",
                                     f"{row['respondent_id']} -> {row['partner_id']}: {row['relationship']}"),
                             "duplicate", EXCLUDED))
    return ties[~dup], issues


def _conflicts(ties: pd.DataFrame, file: str, labels: dict) -> list[dict]:
    """Answers where both ends describe their tie and disagree (both answers are kept)."""
    issues = []
    if ties.empty:
        return issues
    groups = {k: grp for k, grp in ties.groupby(["wave", "respondent_id", "partner_id"])}
    for w, a, b in sorted(groups):
        if a > b or (w, b, a) not in groups:
            continue  # each mutual pair once; one-sided answers are measured by reciprocity
        mine, theirs = groups[(w, a, b)], groups[(w, b, a)]
        m_types, t_types = set(mine["relationship"]), set(theirs["relationship"])
        row_a, row_b = int(mine["row"].min()), int(theirs["row"].min())
        who = f"{labels.get(a, a)} (row {row_a}) and {labels.get(b, b)} (row {row_b})"
        if not (m_types & t_types):
            issues.append(_issue(Problem(file, row_b, "relationship",
                f"wave {w}: {who} describe their tie with no type in common "
                f"({', '.join(sorted(m_types))} vs {', '.join(sorted(t_types))}); both answers kept"),
                "conflicting answers", KEPT))
        for t in sorted(m_types & t_types):
            s_a = mine.loc[mine["relationship"] == t, "strength"].iloc[0]
            s_b = theirs.loc[theirs["relationship"] == t, "strength"].iloc[0]
            if pd.notna(s_a) and pd.notna(s_b) and abs(s_a - s_b) >= CONFLICT_GAP:
                r_b = int(theirs.loc[theirs["relationship"] == t, "row"].iloc[0])
                issues.append(_issue(Problem(file, r_b, "strength",
                    f"wave {w}: {who} rate their {t} {s_a:g} and {s_b:g}; both answers kept, the tie "
                    "uses their mean"), "conflicting answers", KEPT))
    return issues


def read_network(organisations: str | Path, relationships: str | Path) -> NetworkData:
    """Read both files into a :class:`NetworkData` (warns once if anything was excluded).

    Parameters
    ----------
    organisations, relationships : str or Path
        The organisations list and the relationships survey export.

    Returns
    -------
    NetworkData

    Raises
    ------
    MissingDataError, ValidationError

    Examples
    --------
    >>> net = read_network("organisations.csv", "relationships.csv")  # doctest: +SKIP
    >>> summarise(graph(net))  # doctest: +SKIP
    """
    orgs = read_organisations(organisations)
    ties, issues = read_relationships(relationships, orgs)
    all_issues = pd.DataFrame(orgs.attrs.get("issues", []) + issues, columns=ISSUE_COLUMNS)
    all_issues["row"] = all_issues["row"].astype("Int64")
    if len(all_issues):
        counts = all_issues["kind"].value_counts()
        warnings.warn(f"relationship mapping: {len(all_issues):,} issue(s) ("
                      + "; ".join(f"{n:,} x {k}" for k, n in counts.items())
                      + "); see NetworkData.issues for file, row and column of each.",
                      DataQualityWarning, stacklevel=2)
    orgs.attrs.pop("issues", None)
    return NetworkData(orgs, ties, all_issues)


def sort_waves(waves) -> list[str]:
    """Wave labels in order: by the first number in each label, then alphabetically."""
    def key(w):
        m = re.search(r"\d+(\.\d+)?", str(w))
        return (0, float(m.group()), str(w)) if m else (1, 0.0, str(w))
    return sorted({str(w) for w in waves}, key=key)


def check_organisations(orgs) -> pd.DataFrame:
    """The organisations table, checked to be one :func:`read_organisations` returned.

    Parameters
    ----------
    orgs : DataFrame
        From :func:`read_organisations`.

    Returns
    -------
    DataFrame
        ``orgs`` itself.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, or without ``org_id``, ``name``, ``label``, ``sector`` or ``core_team``.
    """
    return check_frame(orgs, "organisations", ("org_id", "name", "label", "sector", "core_team"),
                       made_by="read_organisations()")
