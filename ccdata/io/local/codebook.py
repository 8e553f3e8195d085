"""The adviser's codebook: the themes listening conversations are coded to, and how to spot them.

**YAML** (``.yaml``/``.yml``)::

    themes:
      - code: transport
        title: Buses and getting about
        description: Getting to school, work and activities
        match: [bus*, "train station", lift to school]
        exclude: [business]
        parent: ""            # optional: the code of a broader theme

**CSV or XLSX**, one row per theme: ``code, title, description, parent, match,
exclude`` with the rules of ``match`` and ``exclude`` separated by ``|``.

Rules (compared ignoring case, on whole words):

* a phrase (``"train station"``) matches those words in that order;
* a word ending in ``*`` (``bus*``) matches any word beginning so (``bus``,
  ``buses``), and may end a phrase (``"no bus*"``);
* an exclusion is blanked out of the note before the theme's rules are tried, so
  ``exclude: [car park]`` keeps "car park" from matching ``park`` while "the car
  park by the park" still matches.

A conversation coded to a theme with a ``parent`` also counts for the parent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ccdata.errors import MissingDataError, Problem, ValidationError
from ccdata.io import yamlfile
from ccdata.io.local import match_columns, norm_key, read_table

COLUMNS = {"code": ("theme code", "theme"), "title": ("name", "theme title"), "description": ("about",),
           "parent": ("parent theme", "parent code"), "match": ("rules", "phrases", "matches"),
           "exclude": ("exclusions", "not")}
RULE_SEP = "|"
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_\-]{0,39}")
_WORD = re.compile(r"[^\W_][\w'\-]*\*?")


@dataclass(frozen=True)
class Theme:
    """One theme of the codebook: ``match`` and ``exclude`` are rules as written (lower case)."""

    code: str
    title: str
    description: str = ""
    parent: str = ""
    match: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def rule_pattern(rule: str) -> re.Pattern:
    """The regular expression of one rule: whole words, ``*`` at the end of a word for any ending.

    Examples
    --------
    >>> bool(rule_pattern("bus*").search("two buses a day"))
    True
    >>> bool(rule_pattern("bus*").search("a minibus"))
    False
    """
    if not isinstance(rule, str) or not rule.strip():
        raise ValueError(f"a rule must be a non-empty phrase, not {rule!r}")
    words = rule.casefold().split()
    parts = []
    for i, word in enumerate(words):
        stem = word.endswith("*")
        body = re.escape(word.rstrip("*"))
        if not body:
            raise ValueError(f"rule {rule!r}: '*' must follow the beginning of a word")
        parts.append(body + (r"\w*" if stem else ""))
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


def _rules(value, file: str, row, column: str, problems: list[Problem]) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value if isinstance(value, list) else str(value).split(RULE_SEP)
    out = []
    for item in items:
        text = " ".join(str(item).casefold().split())
        if not text:
            continue
        if not all(_WORD.fullmatch(w) for w in text.split()):
            problems.append(Problem(file, row, column, "a rule is words, with '*' only at the end of a word",
                                    text))
            continue
        out.append(text)
    return tuple(dict.fromkeys(out))


def _records(path: Path) -> tuple[list[tuple[int | None, dict]], str]:
    if path.suffix.lower() in (".yaml", ".yml"):
        doc = yamlfile.load(path, what="codebook")
        items = doc.get("themes") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise ValidationError(path.name, [Problem(path.name, None, None,
                                                      "a codebook lists its themes under 'themes:'")])
        records = []
        for i, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise ValidationError(path.name, [Problem(path.name, None, None,
                                                          f"theme {i} is not a mapping of code, title, match ...")])
            records.append((None, {str(k).lower(): v for k, v in item.items()}))
        return records, path.name
    frame, _, file = read_table(path, what="codebook", required=("code",), columns=COLUMNS)
    found = match_columns(frame.columns, COLUMNS, file=file)
    records = []
    for line in frame.index:
        rec = {}
        for field, header in found.items():
            value = frame.at[line, header]
            rec[field] = "" if value is None or pd.isna(value) else str(value)
        records.append((int(line), rec))
    return records, file


def load_codebook(path: str | Path) -> list[Theme]:
    """Read and check a codebook.

    Returns
    -------
    list of Theme
        In file order.

    Raises
    ------
    ValidationError
        Listing every problem: missing or malformed codes (lower-case letters, digits,
        ``_`` and ``-``), duplicate codes, missing titles, malformed rules, a parent
        that is not a theme or that leads back to the theme itself.
    MissingDataError
        The file does not exist.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file path, not {type(path).__name__}")
    path = Path(path)
    if not path.exists():
        raise MissingDataError(f"codebook file {path} does not exist")
    records, file = _records(path)
    problems: list[Problem] = []
    themes: list[Theme] = []
    seen: dict[str, int] = {}
    for i, (row, rec) in enumerate(records, start=1):
        where = row if row is not None else None
        label = "" if row is not None else f"theme {i}: "
        code = norm_key(rec.get("code") or "")
        if not CODE_PATTERN.fullmatch(code):
            problems.append(Problem(file, where, "code", f"{label}a theme code is a short code of lower-case "
                                    "letters, digits, '_' and '-'", rec.get("code")))
            continue
        if code in seen:
            problems.append(Problem(file, where, "code", f"{label}theme code {code!r} is listed twice"))
            continue
        seen[code] = i
        title = " ".join(str(rec.get("title") or "").split())
        if not title:
            problems.append(Problem(file, where, "title", f"{label}theme {code!r} has no title"))
        match = _rules(rec.get("match"), file, where, "match", problems)
        exclude = _rules(rec.get("exclude"), file, where, "exclude", problems)
        themes.append(Theme(code, title, " ".join(str(rec.get("description") or "").split()),
                            norm_key(rec.get("parent") or ""), match, exclude))
    codes = {t.code for t in themes}
    parents = {t.code: t.parent for t in themes}
    for t in themes:
        if t.parent and t.parent not in codes:
            problems.append(Problem(file, None, "parent", f"theme {t.code!r}: parent {t.parent!r} is not a theme"))
            continue
        chain, at = [t.code], t.parent
        while at:
            if at in chain:
                problems.append(Problem(file, None, "parent",
                                        f"theme {t.code!r}: its parents lead back to itself ({' -> '.join(chain)})"))
                break
            chain.append(at)
            at = parents.get(at, "")
    if not themes and not problems:
        problems.append(Problem(file, None, None, "the codebook lists no themes"))
    if problems:
        raise ValidationError(file, problems)
    return themes
