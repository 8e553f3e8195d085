"""Listening conversations: located, coded to the codebook's themes, notes dropped.

:func:`load_conversations` reads a conversations file
(:mod:`ccdata.io.local.conversations`), reduces postcodes (or typed LSOAs and wards)
to LSOA 2021 and ward and discards the postcodes, codes every note with the codebook
(:func:`code_notes`) and **drops the notes**: what leaves this module is, per
conversation, its wave, setting, who, age band, ward, number of people and one
True/False column per theme. The adviser also gets, through :class:`Coding` (Python
API and adviser notes only), the rows no theme matched and how many conversations
each rule matched -- never a note.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from ccdata.analysis import survey
from ccdata.errors import MissingDataError, Problem
from ccdata.geo.build import table
from ccdata.io.local.codebook import Theme, load_codebook, rule_pattern
from ccdata.io.local.conversations import NOT_KNOWN, read_conversations
from ccdata.io.local.survey import wave_order

#: Columns of the loaded (de-identified) conversations, before the theme columns.
META = ("conversation_id", "wave", "wave_date", "setting", "who", "age_band", "lsoa21_code", "ward24_code",
        "located", "people")
#: Prefix of the True/False theme columns.
THEME_PREFIX = "theme:"


@dataclass
class Coding:
    """How the codebook coded a set of notes (for the adviser; never a partner page).

    ``themes`` is one True/False column per theme code (rows as the notes);
    ``rule_counts`` is ``theme, kind ("match"/"exclude"), rule, conversations``: how
    many conversations each rule matched (an exclusion: how many it blanked out);
    ``uncoded`` is ``row, conversation_id`` of the conversations no theme matched and
    no code was given for; ``problems`` lists given codes not in the codebook.
    """

    themes: pd.DataFrame
    rule_counts: pd.DataFrame
    uncoded: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    @property
    def coded_share(self) -> float:
        """Share (0-1) of conversations given at least one theme."""
        n = len(self.themes)
        return 1 - len(self.uncoded) / n if n else 0.0


def _check_codebook(codebook) -> list[Theme]:
    if not isinstance(codebook, (list, tuple)) or not all(isinstance(t, Theme) for t in codebook):
        raise TypeError("codebook must be a list of Theme from ccdata.io.local.codebook.load_codebook")
    if not codebook:
        raise ValueError("the codebook has no themes")
    return list(codebook)


def _ancestors(codebook: list[Theme]) -> dict[str, list[str]]:
    parents = {t.code: t.parent for t in codebook}
    out = {}
    for t in codebook:
        chain, at = [], t.parent
        while at and at not in chain and at != t.code:
            chain.append(at)
            at = parents.get(at, "")
        out[t.code] = chain
    return out


def code_notes(notes: pd.Series, codebook, given: pd.Series | None = None, *, ids: pd.Series | None = None,
               file: str = "conversations") -> Coding:
    """Code each note to the codebook's themes: by its rules, and by any codes given.

    Parameters
    ----------
    notes : Series of str
        One note per conversation, indexed by file row.
    codebook : list of Theme
        From :func:`ccdata.io.local.codebook.load_codebook`.
    given : Series of tuple of str, optional
        Theme codes the listeners assigned (same index); codes not in the codebook are
        listed in ``problems`` and ignored.
    ids : Series of str, optional
        Conversation ids (same index), for the list of uncoded conversations.
    file : str
        The file name, for problems.

    Returns
    -------
    Coding
        A conversation coded to a theme with a parent counts for the parent too.
    """
    codebook = _check_codebook(codebook)
    if not isinstance(notes, pd.Series):
        raise TypeError(f"notes must be a pandas Series, not {type(notes).__name__}")
    for name, other in (("given", given), ("ids", ids)):
        if other is not None and (not isinstance(other, pd.Series) or not other.index.equals(notes.index)):
            raise ValueError(f"{name} must be a Series on the same index as notes")
    text = notes.fillna("").astype(str).str.casefold()
    themes = pd.DataFrame(False, index=notes.index, columns=[t.code for t in codebook])
    counts = []
    for t in codebook:
        cleaned = text
        for rule in t.exclude:
            pattern = rule_pattern(rule)
            hit = cleaned.str.contains(pattern)
            counts.append({"theme": t.code, "kind": "exclude", "rule": rule, "conversations": int(hit.sum())})
            cleaned = cleaned.str.replace(pattern, " ", regex=True)
        for rule in t.match:
            hit = cleaned.str.contains(rule_pattern(rule))
            counts.append({"theme": t.code, "kind": "match", "rule": rule, "conversations": int(hit.sum())})
            themes[t.code] |= hit.to_numpy()
    problems: list[Problem] = []
    if given is not None:
        known = set(themes.columns)
        for line, codes in given.items():
            for code in codes or ():
                if code in known:
                    themes.at[line, code] = True
                else:
                    problems.append(Problem(file, int(line), "themes", "theme code not in the codebook; ignored",
                                            code))
    for code, chain in _ancestors(codebook).items():
        for parent in chain:
            themes[parent] |= themes[code]
    none = ~themes.any(axis=1)
    uncoded = pd.DataFrame({"row": [int(i) for i in themes.index[none]],
                            "conversation_id": (list(ids[none]) if ids is not None
                                                else [""] * int(none.sum()))})
    rule_counts = pd.DataFrame(counts, columns=["theme", "kind", "rule", "conversations"])
    return Coding(themes, rule_counts, uncoded, problems)


def _wards(frame: pd.DataFrame, file: str, geography: pd.DataFrame | None, collection: str,
           exclusions: list[Problem]) -> pd.Series:
    """Ward 2024 codes from the ``ward`` column: a code as typed, or a name from the lookup."""
    typed = frame["ward"]
    out = pd.Series(pd.NA, index=frame.index, dtype="object")
    has = typed.notna()
    if not has.any():
        return out
    if geography is None:
        geography = table("lsoa21_geography", collection)
    names = {}
    if "ward24_name" in geography.columns:
        names = {" ".join(str(n).casefold().split()): c for c, n in
                 zip(geography["ward24_code"], geography["ward24_name"])}
    codes = set(geography["ward24_code"].astype(str))
    for line in frame.index[has]:
        value = str(typed[line]).strip()
        if value.upper() in codes:
            out[line] = value.upper()
        elif " ".join(value.casefold().split()) in names:
            out[line] = names[" ".join(value.casefold().split())]
        else:
            exclusions.append(Problem(file, int(line), "ward", "not a ward code or name of the May 2024 lookup; "
                                      "counted under 'Not known'", value))
    return out


@dataclass
class Conversations:
    """Loaded conversations (no notes, no postcodes) and how they were coded."""

    frame: pd.DataFrame
    codebook: list[Theme]
    coding: Coding
    file: str

    @property
    def theme_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c.startswith(THEME_PREFIX)]

    @property
    def people_given(self) -> bool:
        return bool(self.frame.attrs.get("people_given"))


def load_conversations(path: str | Path, codebook, *, collection: str = "official",
                       geocoder: survey.Geocoder | None = None,
                       geography: pd.DataFrame | None = None) -> Conversations:
    """Read a conversations file, locate and code it, and drop the notes and postcodes.

    Parameters
    ----------
    path : str or Path
        The conversations file (:mod:`ccdata.io.local.conversations`).
    codebook : list of Theme, or str or Path
        The codebook, or its file.
    collection : {"official", "demo"}
    geocoder, geography : optional
        As for :func:`ccdata.analysis.survey.load_responses`.

    Returns
    -------
    Conversations
        ``frame``: :data:`META` then ``theme:<code>`` True/False columns, indexed by
        file row; ``attrs``: ``personal=True``, ``file``, ``exclusions`` (no note is
        quoted), ``waves`` (in order), ``people_given``.

    Warns
    -----
    DataQualityWarning
        One summary of the rows adjusted on loading (counts only, no values).
    """
    if isinstance(codebook, (str, Path)):
        codebook = load_codebook(codebook)
    codebook = _check_codebook(codebook)
    raw, exclusions, file = read_conversations(path)
    coding = code_notes(raw["note"], codebook, raw["themes"], ids=raw["conversation_id"], file=file)
    exclusions = list(exclusions) + coding.problems
    located = raw.drop(columns=["note", "themes"])
    typed_ward = _wards(located, file, geography, collection, exclusions)
    located = located.drop(columns="ward")
    has_area = located["postcode"].notna() | located["lsoa21_code"].notna()
    for col in ("postcode", "lsoa21_code"):
        if located[col].isna().all():
            located = located.drop(columns=col)
    if has_area.any():
        located, more = survey.locate_respondents(located, file, collection=collection, geocoder=geocoder,
                                                  geography=geography)
        # a row with only a ward typed is not "unplaced": its ward is used below
        exclusions += [p for p in more if p.row is None or pd.isna(typed_ward.get(p.row, pd.NA))]
    else:
        located = located.drop(columns=[c for c in ("postcode", "lsoa21_code") if c in located.columns])
        located["lsoa21_code"] = pd.NA
        located["ward24_code"] = pd.NA
        located["located"] = "no area given"
    use_typed = typed_ward.notna() & located["ward24_code"].isna()
    located["ward24_code"] = located["ward24_code"].astype("object")
    located.loc[use_typed, "ward24_code"] = typed_ward[use_typed]
    located.loc[use_typed, "located"] = "ward given"
    located["ward24_code"] = located["ward24_code"].where(located["ward24_code"].notna(), NOT_KNOWN)
    out = located[list(META)].copy()
    for t in codebook:
        out[THEME_PREFIX + t.code] = coding.themes[t.code].to_numpy(dtype=bool)
    order = wave_order(out)
    out.attrs.update({"personal": True, "file": file, "exclusions": [asdict(p) for p in exclusions],
                      "waves": order, "people_given": bool(raw.attrs.get("people_given"))})
    if exclusions:
        survey.warn_summary(exclusions, file)
    return Conversations(out, codebook, coding, file)


def load_place_conversations(place) -> Conversations:
    """The conversations and codebook configured for a place (``local: conversations, codebook``).

    Raises
    ------
    MissingDataError
        When the place names no conversations file or no codebook, or they do not exist.
    """
    if not hasattr(place, "local_path"):
        raise TypeError(f"place must be a ccdata Place, not {type(place).__name__}")
    path, book = place.local_path("conversations"), place.local_path("codebook")
    if path is None:
        raise MissingDataError(f"place {place.id!r} names no conversations file under local: in places.yaml")
    if book is None:
        raise MissingDataError(f"place {place.id!r} names a conversations file but no codebook under local: "
                               "in places.yaml; the conversations cannot be coded without one")
    return load_conversations(path, book, collection=place.collection)
