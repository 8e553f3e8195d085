"""Relationship mapping: who works with whom across the partnership, wave by wave.

"Asset rich but system poor": a place can have many services that do not work
together. The partnership surveys its organisations about their relationships
(information sharing, referrals, joint delivery, shared funding) in waves, and
progress is partly measured as new connections, more ties across sectors, and
brokers other than the core team. This module reads the two adviser-kept files,
reports every row it cannot use, and computes the measures with networkx.

Inputs (``places.yaml`` -> ``local: {organisations: ..., relationships: ...}``)

organisations (CSV or XLSX)
    ``id``, ``name``, ``sector`` (one of :data:`SECTORS`); optional ``postcode``,
    ``easting``/``northing`` (British National Grid) or ``latitude``/``longitude``,
    ``core_team`` (yes/no), ``first_wave`` (the wave the organisation joined).
relationships (survey export, CSV or XLSX)
    ``respondent`` (organisation id or name), ``partner`` (id or name),
    ``relationship`` (one or more of :data:`RELATIONSHIP_TYPES`, separated by ``;``),
    ``strength`` (1-5, or a frequency word from :data:`FREQUENCY_STRENGTH`), ``wave``.

Unknown organisations, self-ties, duplicates and conflicting answers from the two
ends of a tie are listed in :attr:`NetworkData.issues` (file, row, column, what was
done), never dropped silently.

Residents are people: organisations of sector ``residents`` are shown everywhere by
a sector label (``Residents (1)``), never by name, and never placed on a map.
"""
from __future__ import annotations

import difflib
import re
import warnings
from collections import deque
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from .errors import CcdataError, DataQualityWarning, MissingDataError, Problem, ValidationError

#: Sectors an organisation may belong to, in display order.
SCHOOL, EARLY_YEARS, HEALTH, LOCAL_AUTHORITY = "school", "early years", "health", "local authority"
HOUSING, VOLUNTARY, FAITH, BUSINESS, RESIDENTS = ("housing", "voluntary & community", "faith",
                                                  "business", "residents")
SECTORS = (SCHOOL, EARLY_YEARS, HEALTH, LOCAL_AUTHORITY, HOUSING, VOLUNTARY, FAITH, BUSINESS, RESIDENTS)
_SECTOR_ALIASES = {
    "schools": SCHOOL, "education": SCHOOL, "early years": EARLY_YEARS, "early-years": EARLY_YEARS,
    "nhs": HEALTH, "la": LOCAL_AUTHORITY, "council": LOCAL_AUTHORITY,
    "voluntary and community": VOLUNTARY, "voluntary & community": VOLUNTARY,
    "voluntary": VOLUNTARY, "vcs": VOLUNTARY, "vcse": VOLUNTARY, "community": VOLUNTARY,
    "resident": RESIDENTS, "businesses": BUSINESS,
}

#: Relationship types asked about in the survey.
INFORMATION_SHARING, REFERRALS, JOINT_DELIVERY, SHARED_FUNDING = (
    "information sharing", "referrals", "joint delivery", "shared funding")
RELATIONSHIP_TYPES = (INFORMATION_SHARING, REFERRALS, JOINT_DELIVERY, SHARED_FUNDING)
NOT_STATED = "not stated"

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
}
_ORG_REQUIRED = ("org_id", "name", "sector")
_REL_REQUIRED = ("respondent", "partner", "relationship", "wave")
_TRUE = {"yes", "y", "true", "1", "x", "core", "core team"}
_FALSE = {"no", "n", "false", "0", ""}

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
        strength (1-5, missing when not understood), wave, row`` (file line).
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


# ---------------------------------------------------------------------------- reading
def _norm_header(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", str(text)).replace("\ufeff", "").lower().split())


def _norm_key(text) -> str:
    return " ".join(str(text).casefold().split())


def _read_table(path: Path, columns: dict, required: tuple[str, ...], what: str):
    """Read a CSV/XLSX as strings indexed by file row and rename known columns."""
    from .io._read import read_csv_lines, read_excel_sheet

    path = Path(path)
    if not path.exists():
        raise MissingDataError(f"{what} file {path} does not exist")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame, skipped, display = read_excel_sheet(path)
    elif path.suffix.lower() in (".csv", ".txt", ".gz"):
        frame, skipped, display = read_csv_lines(path)
    else:
        raise ValidationError(path.name, [Problem(path.name, None, None,
                                                  f"{what} must be a .csv or .xlsx file, not {path.suffix!r}")])
    rename, seen = {}, {}
    for col in frame.columns:
        key = _norm_header(col)
        for target, aliases in columns.items():
            if key == target.replace("_", " ") or key in aliases:
                if target in seen:
                    raise ValidationError(display, [Problem(display, None, str(col),
                        f"two columns mean {target!r} ({seen[target]!r} and {col!r}); keep one")])
                rename[col] = target
                seen[target] = col
                break
    frame = frame.rename(columns=rename)
    # headers that match nothing are not read: list each (a misspelt "postocde" would
    # otherwise lose every postcode unnoticed), with the closest known header as a hint
    known = sorted({a for target, aliases in columns.items() for a in (target.replace("_", " "), *aliases)})
    for col in frame.columns:
        if col in columns or not str(col).strip():
            continue
        close = difflib.get_close_matches(_norm_header(col), known, n=1, cutoff=0.6)
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
    from .schemas import POSTCODE

    frame, skipped, file = _read_table(path, _ORG_COLUMNS, _ORG_REQUIRED, "organisations")
    problems: list[Problem] = []
    issues = [_issue(p, "unknown column", "column ignored") if p.row is None else _issue(p, "blank row", EXCLUDED)
              for p in skipped]
    for col in ("org_id", "name", "sector"):
        for line in frame.index[frame[col].isna() | (frame[col] == "")]:
            problems.append(Problem(file, int(line), col, "missing value"))
    sectors = []
    for line, value in frame["sector"].items():
        key = _norm_key(value) if not pd.isna(value) else ""
        key = key.replace(" and ", " & ") if key not in _SECTOR_ALIASES else key
        sector = key if key in SECTORS else _SECTOR_ALIASES.get(key)
        if sector is None and key:
            problems.append(Problem(file, int(line), "sector", f"unknown sector; use one of {list(SECTORS)}",
                                    value))
        sectors.append(sector)
    frame["sector"] = sectors
    ids = frame["org_id"].fillna("").map(_norm_key)
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
        key = "" if pd.isna(value) else _norm_key(value)
        if key in _TRUE:
            core.append(True)
        elif key in _FALSE:
            core.append(False)
        else:
            problems.append(Problem(file, int(line), "core_team", "core team flag must be yes or no", value))
            core.append(False)
    frame["core_team"] = core
    if problems:
        raise ValidationError(file, problems)

    names = frame["name"].map(_norm_key)
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
    key = _norm_key(value)
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
    _check_organisations(organisations)
    frame, skipped, file = _read_table(path, _REL_COLUMNS, _REL_REQUIRED, "relationships")
    issues = [_issue(p, "unknown column", "column ignored") if p.row is None else _issue(p, "blank row", EXCLUDED)
              for p in skipped]
    by_id = {_norm_key(i): i for i in organisations["org_id"]}
    names = organisations["name"].map(_norm_key)
    by_name = {n: i for n, i in zip(names, organisations["org_id"]) if (names == n).sum() == 1}
    shared = set(names[names.duplicated()])

    def resolve(value, line, col):
        key = "" if pd.isna(value) else _norm_key(value)
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
        types = []
        raw = "" if pd.isna(row["relationship"]) else str(row["relationship"])
        for part in [p for p in re.split(r"[;|/]", raw) if p.strip()]:
            key = _norm_key(part)
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
        if not types:
            continue
        strength = _strength(row["strength"])
        if strength is not None and np.isnan(strength):
            issues.append(_issue(Problem(file, line, "strength",
                                         f"not understood (use {STRENGTH_MIN}-{STRENGTH_MAX} or one of "
                                         f"{list(FREQUENCY_STRENGTH)}); tie kept, counted with weight 1",
                                         row["strength"]), "bad strength", KEPT))
        for t in dict.fromkeys(types):
            records.append({"respondent_id": a, "partner_id": b, "relationship": t,
                            "strength": strength if strength is not None and not np.isnan(strength) else np.nan,
                            "wave": str(wave), "row": line})
    ties = pd.DataFrame(records, columns=["respondent_id", "partner_id", "relationship", "strength",
                                          "wave", "row"])
    ties, dup_issues = _drop_duplicates(ties, file)
    issues.extend(dup_issues)
    issues.extend(_conflicts(ties, file, dict(zip(organisations["org_id"], organisations["label"]))))
    ties["strength"] = ties["strength"].astype("Float64")
    ties["wave"] = ties["wave"].astype("string")
    return ties.reset_index(drop=True), issues


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
        warnings.warn(f"relationship mapping: {len(all_issues)} issue(s) ("
                      + "; ".join(f"{n} x {k}" for k, n in counts.items())
                      + "); see NetworkData.issues for file, row and column of each.",
                      DataQualityWarning, stacklevel=2)
    orgs.attrs.pop("issues", None)
    return NetworkData(orgs, ties, all_issues)


def load_network(place) -> NetworkData:
    """The network of a place, from the files named under ``local:`` in places.yaml.

    Parameters
    ----------
    place : str or Place
        A place id or :class:`ccdata.places.Place`.

    Raises
    ------
    MissingDataError
        When the place has no ``organisations`` / ``relationships`` files configured,
        or they do not exist.
    """
    from .places import Place
    from .places import place as get_place

    if isinstance(place, str):
        place = get_place(place)
    if not isinstance(place, Place):
        raise TypeError(f"place must be a place id or Place, not {type(place).__name__}")
    paths = {k: place.local_path(k) for k in ("organisations", "relationships")}
    for kind, path in paths.items():
        if path is None:
            raise MissingDataError(f"place {place.id!r} has no local {kind} file; name it under "
                                   f"`local: {{{kind}: ...}}` in places.yaml")
    return read_network(paths["organisations"], paths["relationships"])


def sort_waves(waves) -> list[str]:
    """Wave labels in order: by the first number in each label, then alphabetically."""
    def key(w):
        m = re.search(r"\d+(\.\d+)?", str(w))
        return (0, float(m.group()), str(w)) if m else (1, 0.0, str(w))
    return sorted({str(w) for w in waves}, key=key)


def _check_organisations(orgs) -> None:
    if not isinstance(orgs, pd.DataFrame):
        raise TypeError(f"organisations must be a DataFrame from read_organisations, not {type(orgs).__name__}")
    missing = {"org_id", "name", "label", "sector", "core_team"} - set(orgs.columns)
    if missing:
        raise ValueError(f"organisations frame lacks columns {sorted(missing)}; read it with read_organisations")


def _check_data(data) -> NetworkData:
    if not isinstance(data, NetworkData):
        raise TypeError(f"expected NetworkData (from read_network or load_network), not {type(data).__name__}")
    return data


# ---------------------------------------------------------------------------- graphs
def graph(data: NetworkData, wave: str | None = None, *, directed: bool = False,
          relationships: tuple[str, ...] | None = None) -> nx.Graph:
    """The network of one wave.

    Nodes are the organisations taking part in that wave: those whose
    ``first_wave`` is empty or not later than ``wave``, plus any named in a tie of
    the wave. Listed organisations with no tie are isolates.

    Parameters
    ----------
    data : NetworkData
    wave : str, optional
        A wave label; the latest wave when omitted.
    directed : bool
        ``False``: one tie per pair, if either end reported it. ``True``: respondent ->
        partner as answered (for reciprocity).
    relationships : tuple of str, optional
        Only these relationship types (default: all).

    Returns
    -------
    networkx.Graph or DiGraph
        Node attributes ``label, sector, core_team, responded``; edge attributes
        ``weight`` (strongest relationship type; a type's strength is the mean of
        the ends that rated it, 1 when not rated), ``types``, ``reported_by``
        (1 or 2 ends).

    Raises
    ------
    ValueError
        For an unknown wave or relationship type.
    """
    _check_data(data)
    waves = data.waves
    if wave is None:
        if not waves:
            raise ValueError("the relationships file has no usable answers, so there is no wave to show")
        wave = waves[-1]
    wave = str(wave)
    if waves and wave not in waves:
        raise ValueError(f"unknown wave {wave!r}; the survey has waves {waves}")
    if relationships is not None:
        unknown = set(relationships) - set(RELATIONSHIP_TYPES) - {NOT_STATED}
        if unknown:
            raise ValueError(f"unknown relationship type(s) {sorted(unknown)}; use {list(RELATIONSHIP_TYPES)}")
    ties = data.ties[data.ties["wave"] == wave]
    if relationships is not None:
        ties = ties[ties["relationship"].isin(relationships)]
    orgs = data.organisations
    order = {w: i for i, w in enumerate(waves)}
    joined = orgs["first_wave"].map(lambda w: pd.isna(w) or order.get(str(w), -1) <= order.get(wave, 0))
    responded = set(data.ties.loc[data.ties["wave"] == wave, "respondent_id"])
    named = set(ties["respondent_id"]) | set(ties["partner_id"])
    members = orgs[joined | orgs["org_id"].isin(named)]
    g = nx.DiGraph() if directed else nx.Graph()
    g.graph.update(wave=wave, respondents=responded)
    for r in members.itertuples(index=False):
        g.add_node(r.org_id, label=r.label, sector=r.sector, core_team=bool(r.core_team),
                   responded=r.org_id in responded)
    if ties.empty:
        return g
    per_type = (ties.assign(strength=ties["strength"].astype(float))
                .groupby(["respondent_id", "partner_id", "relationship"], as_index=False)["strength"].mean())
    if not directed:
        a, b = per_type["respondent_id"], per_type["partner_id"]
        per_type["u"], per_type["v"] = np.where(a < b, a, b), np.where(a < b, b, a)
    else:
        per_type["u"], per_type["v"] = per_type["respondent_id"], per_type["partner_id"]
    for (u, v), grp in per_type.groupby(["u", "v"]):
        type_strength = grp.groupby("relationship")["strength"].mean().fillna(1.0)
        g.add_edge(u, v, weight=float(type_strength.max()), types=tuple(sorted(type_strength.index)),
                   reported_by=int(grp["respondent_id"].nunique()))
    return g


def _check_graph(g) -> nx.Graph:
    if not isinstance(g, nx.Graph):
        raise TypeError(f"expected a networkx graph from ccdata.network.graph, not {type(g).__name__}")
    return g


def _undirected(g: nx.Graph) -> nx.Graph:
    return g.to_undirected(as_view=False) if g.is_directed() else g


def cross_sector_share(g: nx.Graph) -> float:
    """Share of ties that join organisations of different sectors (NaN without ties)."""
    g = _undirected(_check_graph(g))
    if g.number_of_edges() == 0:
        return float("nan")
    cross = sum(g.nodes[u]["sector"] != g.nodes[v]["sector"] for u, v in g.edges)
    return cross / g.number_of_edges()


def reciprocity(g: nx.DiGraph) -> float:
    """Share of answered ties that the partner also reported.

    Only ties between two organisations that both answered the survey in the wave
    count: a partner who did not answer could not have reciprocated. NaN when
    there are no such ties.
    """
    _check_graph(g)
    if not g.is_directed():
        raise ValueError("reciprocity needs the directed graph: graph(data, wave, directed=True)")
    respondents = g.graph.get("respondents", set(g.nodes))
    sub = g.subgraph(n for n in g.nodes if n in respondents)
    if sub.number_of_edges() == 0:
        return float("nan")
    return sum(sub.has_edge(v, u) for u, v in sub.edges) / sub.number_of_edges()


def summarise(g: nx.Graph) -> dict:
    """Headline measures of one network.

    Returns
    -------
    dict
        ``organisations, ties, density, components, isolates,
        largest_component_share, cross_sector_share, reciprocity`` (reciprocity only
        for a directed graph; NaN otherwise).
    """
    _check_graph(g)
    u = _undirected(g)
    n = u.number_of_nodes()
    comps = list(nx.connected_components(u)) if n else []
    return {"organisations": n, "ties": u.number_of_edges(),
            "density": nx.density(u) if n > 1 else float("nan"),
            "components": len(comps), "isolates": nx.number_of_isolates(u),
            "largest_component_share": max(map(len, comps)) / n if n else float("nan"),
            "cross_sector_share": cross_sector_share(u),
            "reciprocity": reciprocity(g) if g.is_directed() else float("nan")}


def centrality(g: nx.Graph) -> pd.DataFrame:
    """Degree, weighted degree, betweenness and Burt's constraint of every organisation.

    Betweenness is normalised (share of the other pairs' shortest paths through an
    organisation) and ignores strength. Brokers sit on many shortest paths and
    have low constraint (their partners are not tied to each other): ``broker`` is
    true when betweenness is positive and in the top quarter and constraint is at
    or below the median of connected organisations.

    Returns
    -------
    DataFrame
        ``org_id, label, sector, core_team, degree, weighted_degree, betweenness,
        constraint, broker`` sorted by betweenness (highest first).
    """
    g = _undirected(_check_graph(g))
    cols = ["org_id", "label", "sector", "core_team", "degree", "weighted_degree", "betweenness",
            "constraint", "broker"]
    if g.number_of_nodes() == 0:
        return pd.DataFrame(columns=cols)
    between = nx.betweenness_centrality(g, normalized=True)
    connected = [n for n in g.nodes if g.degree(n) > 0]
    constraint = nx.constraint(g, nodes=connected) if connected else {}
    frame = pd.DataFrame({
        "org_id": list(g.nodes),
        "label": [g.nodes[n]["label"] for n in g.nodes],
        "sector": [g.nodes[n]["sector"] for n in g.nodes],
        "core_team": [bool(g.nodes[n]["core_team"]) for n in g.nodes],
        "degree": [g.degree(n) for n in g.nodes],
        "weighted_degree": [float(g.degree(n, weight="weight")) for n in g.nodes],
        "betweenness": [between[n] for n in g.nodes],
        "constraint": [constraint.get(n, np.nan) for n in g.nodes],
    })
    top = frame["betweenness"].quantile(0.75)
    frame["broker"] = ((frame["betweenness"] > 0) & (frame["betweenness"] >= top)
                       & (frame["constraint"] <= frame["constraint"].median()))
    return frame.sort_values(["betweenness", "degree", "label"], ascending=[False, False, True],
                             ignore_index=True)[cols]


def sector_matrix(g: nx.Graph) -> pd.DataFrame:
    """Ties between sectors: a symmetric sector x sector count table.

    The diagonal counts ties within a sector; off-diagonal cells count each
    cross-sector tie once in each of its two cells. Only sectors present appear.
    """
    g = _undirected(_check_graph(g))
    present = [s for s in SECTORS if any(g.nodes[n]["sector"] == s for n in g.nodes)]
    matrix = pd.DataFrame(0, index=pd.Index(present, name="sector"), columns=present, dtype=int)
    for u, v in g.edges:
        a, b = g.nodes[u]["sector"], g.nodes[v]["sector"]
        matrix.loc[a, b] += 1
        if a != b:
            matrix.loc[b, a] += 1
    return matrix


def _path_counts(g: nx.Graph, source) -> tuple[dict, dict]:
    """BFS distances and numbers of shortest paths from ``source``."""
    dist, sigma = {source: 0}, {source: 1}
    queue = deque([source])
    while queue:
        v = queue.popleft()
        for w in g[v]:
            if w not in dist:
                dist[w] = dist[v] + 1
                sigma[w] = 0
                queue.append(w)
            if dist[w] == dist[v] + 1:
                sigma[w] += sigma[v]
    return dist, sigma


def core_team_role(g: nx.Graph) -> dict:
    """How much of the network runs through the core team.

    A network where everything runs through the core team is fragile. For pairs
    of organisations outside the core team that are connected, ``path_share`` is
    the mean share of their shortest paths that pass through a core-team member;
    ``pairs_only_via_core`` counts pairs that would be disconnected without it.

    Returns
    -------
    dict
        ``core_team`` (labels), ``ties``, ``ties_with_core``, ``tie_share``,
        ``pairs``, ``path_share``, ``pairs_only_via_core``, ``with`` and ``without``
        (:func:`summarise` of the network with and without the core team).
        Shares are NaN when undefined (no ties, no pairs, no core team).
    """
    g = _undirected(_check_graph(g))
    core = [n for n in g.nodes if g.nodes[n].get("core_team")]
    rest = [n for n in g.nodes if n not in set(core)]
    without = g.subgraph(rest).copy()
    ties_core = sum(1 for u, v in g.edges if u in core or v in core)
    shares, only_via = [], 0
    for s, t_nodes in ((s, rest[i + 1:]) for i, s in enumerate(rest)):
        dist_g, sig_g = _path_counts(g, s)
        dist_h, sig_h = _path_counts(without, s)
        for t in t_nodes:
            if t not in dist_g:
                continue
            avoid = sig_h[t] if dist_h.get(t) == dist_g[t] else 0
            shares.append(1 - avoid / sig_g[t])
            only_via += t not in dist_h
    return {"core_team": [g.nodes[n]["label"] for n in core], "ties": g.number_of_edges(),
            "ties_with_core": ties_core,
            "tie_share": ties_core / g.number_of_edges() if g.number_of_edges() else float("nan"),
            "pairs": len(shares), "path_share": float(np.mean(shares)) if shares and core else float("nan"),
            "pairs_only_via_core": only_via if core else 0,
            "with": summarise(g), "without": summarise(without)}


def core_team_table(role: dict) -> pd.DataFrame:
    """:func:`core_team_role` as a table: the network with and without the core team."""
    if not isinstance(role, dict) or "with" not in role:
        raise TypeError("expected the dict returned by core_team_role")
    rows = {"organisations": "Organisations", "ties": "Ties", "density": "Density",
            "components": "Separate groups (components)", "isolates": "Organisations with no ties",
            "largest_component_share": "Share in the largest group"}
    return pd.DataFrame({"measure": list(rows.values()),
                         "with core team": [role["with"][k] for k in rows],
                         "without core team": [role["without"][k] for k in rows]})


# ---------------------------------------------------------------------------- change
def _pairs(g: nx.Graph) -> set[tuple[str, str]]:
    return {tuple(sorted(e)) for e in _undirected(g).edges}


def compare_waves(data: NetworkData, before: str, after: str) -> dict:
    """What changed between two waves.

    Returns
    -------
    dict
        ``gained`` and ``lost``: DataFrames of ties (``organisation_a, sector_a,
        organisation_b, sector_b, cross_sector``); ``new_organisations``:
        DataFrame (``label, sector, how``: *joined* when in the network only from
        ``after``, *newly connected* when present before without ties);
        ``before`` / ``after``: :func:`summarise` of each wave.

    Raises
    ------
    ValueError
        For an unknown wave or ``before`` not earlier than ``after``.
    """
    _check_data(data)
    waves = data.waves
    for w in (before, after):
        if str(w) not in waves:
            raise ValueError(f"unknown wave {w!r}; the survey has waves {waves}")
    if waves.index(str(before)) >= waves.index(str(after)):
        raise ValueError(f"wave {before!r} must come before wave {after!r}")
    g0, g1 = graph(data, str(before)), graph(data, str(after))
    labels, sectors = data.labels(), dict(zip(data.organisations["org_id"], data.organisations["sector"]))

    def table(pairs):
        rows = [{"organisation_a": labels[a], "sector_a": sectors[a], "organisation_b": labels[b],
                 "sector_b": sectors[b], "cross_sector": sectors[a] != sectors[b]} for a, b in pairs]
        return pd.DataFrame(rows, columns=["organisation_a", "sector_a", "organisation_b", "sector_b",
                                           "cross_sector"]).sort_values(
            ["organisation_a", "organisation_b"], ignore_index=True)

    new = []
    for n in g1.nodes:
        if n not in g0:
            new.append({"label": labels[n], "sector": sectors[n], "how": "joined"})
        elif g0.degree(n) == 0 and g1.degree(n) > 0:
            new.append({"label": labels[n], "sector": sectors[n], "how": "newly connected"})
    return {"gained": table(sorted(_pairs(g1) - _pairs(g0))), "lost": table(sorted(_pairs(g0) - _pairs(g1))),
            "new_organisations": pd.DataFrame(new, columns=["label", "sector", "how"]),
            "before": summarise(g0), "after": summarise(g1)}


def over_time(data: NetworkData) -> pd.DataFrame:
    """Headline measures per wave, in wave order.

    Returns
    -------
    DataFrame
        ``wave, organisations, ties, density, components, isolates,
        largest_component_share, cross_sector_share, reciprocity,
        core_tie_share, core_path_share, respondents``.
    """
    _check_data(data)
    rows = []
    for w in data.waves:
        d = graph(data, w, directed=True)
        row = {"wave": w, **summarise(d)}
        role = core_team_role(d)
        row.update(core_tie_share=role["tie_share"], core_path_share=role["path_share"],
                   respondents=len(d.graph["respondents"]))
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- places
def organisation_points(data: NetworkData, collection: str | None = None) -> pd.DataFrame:
    """Where each organisation is, in British National Grid (EPSG:27700).

    Coordinates given in the list are used first (easting/northing, else
    latitude/longitude); otherwise the postcode is looked up in OS Code-Point Open
    (``collection``; skipped when ``None``). Residents are never placed: their
    location may be a home.

    Returns
    -------
    DataFrame
        ``org_id, label, sector, core_team, easting, northing, located`` where
        ``located`` says how (``coordinates``, ``postcode``) or why not.
    """
    _check_data(data)
    orgs = data.organisations.copy()
    out = orgs[["org_id", "label", "sector", "core_team"]].copy()
    out["easting"] = orgs["easting"].astype(float)
    out["northing"] = orgs["northing"].astype(float)
    out["located"] = np.where(out["easting"].notna(), "coordinates", "no location given")
    latlon = out["easting"].isna() & orgs["latitude"].notna() & orgs["longitude"].notna()
    if latlon.any():
        from pyproj import Transformer

        tr = Transformer.from_crs(4326, 27700, always_xy=True)
        x, y = tr.transform(orgs.loc[latlon, "longitude"].astype(float).to_numpy(),
                            orgs.loc[latlon, "latitude"].astype(float).to_numpy())
        out.loc[latlon, "easting"], out.loc[latlon, "northing"] = x, y
        out.loc[latlon, "located"] = "coordinates"
    need = out["easting"].isna() & orgs["postcode"].notna()
    if need.any() and collection is not None:
        try:
            from .geocode import postcode_points
        except ImportError:
            out.loc[need, "located"] = "postcode lookup not available"
        else:
            try:
                pts = postcode_points(orgs.loc[need, "postcode"], collection)
            except CcdataError as exc:
                # a broken postcode file should cost the map its points, not the whole report
                first = str(exc).splitlines()[0]
                warnings.warn(f"organisations not placed by postcode: {first}", DataQualityWarning, stacklevel=2)
                out.loc[need, "located"] = "postcode lookup failed"
            else:
                pts = pts.drop_duplicates("postcode").set_index("postcode")
                for i in out.index[need]:
                    pc = orgs.at[i, "postcode"]
                    if pc in pts.index and pts.at[pc, "status"] == "ok":
                        out.loc[i, ["easting", "northing"]] = pts.loc[pc, ["easting", "northing"]].astype(float).values
                        out.loc[i, "located"] = "postcode"
                    else:
                        status = pts.at[pc, "status"] if pc in pts.index else "not found"
                        out.loc[i, "located"] = f"postcode {status}"
    elif need.any():
        out.loc[need, "located"] = "postcode not looked up"
    residents = out["sector"] == RESIDENTS
    out.loc[residents, ["easting", "northing"]] = np.nan
    out.loc[residents, "located"] = "not shown (residents)"
    return out


def issues_table(data: NetworkData, values: bool = False) -> pd.DataFrame:
    """The issues found, for display.

    ``values=False`` (the default for reports) leaves out the cell values: an
    unknown "organisation" typed into a survey may be a person's name. The file,
    row and column are enough to find and fix it.
    """
    _check_data(data)
    cols = ["file", "row", "column", "kind", "message", "action"] + (["value"] if values else [])
    # messages are fixed text or quote labels (never a resident's name); values are raw input
    return data.issues[cols].reset_index(drop=True)


def map_layers(place, data: NetworkData) -> tuple[pd.DataFrame, object]:
    """What :func:`ccdata.netviz.map_network` draws for a place.

    Returns
    -------
    points, lsoas
        :func:`organisation_points` (geocoded in the place's collection) and the
        place's LSOA 2021 polygons with ``imd_decile`` (IoD 2025), or ``None``
        when boundaries or deprivation are not available (the reason is warned).
    """
    _check_data(data)
    points = organisation_points(data, place.collection)
    try:
        lsoas = place.lsoa_boundaries()
        iod = place.deprivation("iod2025")[["lsoa21_code", "imd_decile"]]
        lsoas = lsoas.merge(iod, on="lsoa21_code", how="left")
    except MissingDataError as exc:
        warnings.warn(f"relationship map: no deprivation layer ({exc})", DataQualityWarning, stacklevel=2)
        lsoas = None
    return points, lsoas
