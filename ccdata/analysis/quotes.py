"""Checking approved quotes before any is shown on a page.

A quote reaches a page only when the adviser approved it in the quotes file
(:mod:`ccdata.io.local.quotes`), the person consented, and none of the rules below
refuses it. Each refusal names its rule, so the adviser can shorten or reword the
quote. A quote is shown with its theme only, never with who said it, where or when.

Refused (rule names in :data:`RULES`): no consent; more than ``max_words`` words; a
name from the adviser's names list (a person's full name, or one of its parts as a
capitalised word); an organisation's name; a full or district postcode; an e-mail
address; a phone number; a date; a theme that is not in the codebook.

Flagged for the adviser, not refused: capitalised words (other than the first word of
a sentence) outside :data:`COMMON_WORDS`, which may be names the list lacks.
"""
from __future__ import annotations

import re

import pandas as pd

from ccdata.io.local.network import read_organisations
from ccdata.io.local.quotes import read_names, read_quotes
from ccdata.schemas import check_frame

CONSENT, LENGTH, PERSON, ORGANISATION, POSTCODE, EMAIL, PHONE, DATE, THEME = (
    "no consent", "too long", "names a person", "names an organisation", "postcode", "e-mail address",
    "phone number", "date", "theme not in the codebook")
RULES = (CONSENT, LENGTH, PERSON, ORGANISATION, POSTCODE, EMAIL, PHONE, DATE, THEME)
#: Words shown capitalised in ordinary speech, not taken for names.
COMMON_WORDS = frozenset("""i i'm i've i'd i'll mum dad nan grandad mr mrs ms miss sir monday tuesday wednesday
thursday friday saturday sunday january february march april may june july august september october november
december christmas easter eid diwali ramadan english british england covid tv ok okay uk nhs gp a&e""".split())
_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
           "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_PATTERNS = {
    POSTCODE: re.compile(r"(?<![\w])[A-Z]{1,2}\d[A-Z\d]?(?:\s*\d[A-Z]{2})?(?![\w])", re.IGNORECASE),
    EMAIL: re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"),
    PHONE: re.compile(r"(?<!\w)\+?\(?\d(?:[\s\-()]*\d){9,}"),
    DATE: re.compile(r"\b\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}\b"
                     rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b"
                     rf"|\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
                     rf"|\b(?:{_MONTHS})\s+(?:19|20)\d{{2}}\b", re.IGNORECASE),
}


def _phrase(name: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?!\w)", re.IGNORECASE)


def _capitalised(quote: str, common: frozenset) -> list[str]:
    """Capitalised words that do not start a sentence and are not common words."""
    out = []
    for m in re.finditer(r"[A-Za-z][\w'&\-]*", quote):
        word = m.group(0)
        before = quote[:m.start()].rstrip()
        starts = not before or before[-1] in ".!?\"'("
        if word[0].isupper() and not starts and word.casefold() not in common:
            out.append(word)
    return list(dict.fromkeys(out))


def check_quotes(quotes: pd.DataFrame, *, themes, names: pd.DataFrame | None = None, organisations=(),
                 max_words: int = 25, common_words=COMMON_WORDS) -> pd.DataFrame:
    """Check each approved quote against the rules; say which rule refused it.

    Parameters
    ----------
    quotes : DataFrame
        From :func:`ccdata.io.local.quotes.read_quotes` (``row, quote, theme, consent``).
    themes : iterable of str
        The codebook's theme codes.
    names : DataFrame, optional
        From :func:`ccdata.io.local.quotes.read_names` (``name, kind``).
    organisations : iterable of str
        Further organisation names (e.g. the relationship survey's organisations).
    max_words : int
        Longest quote accepted, in words.
    common_words : iterable of str
        Words not flagged when capitalised (compared in lower case).

    Returns
    -------
    DataFrame
        ``row, theme, quote, shown (bool), refused (the rules that refused it, "; "),
        flagged (capitalised words to check)``. Only rows with ``shown`` may reach a page.
    """
    check_frame(quotes, "quotes", ("row", "quote", "theme", "consent"), made_by="ccdata.io.local.quotes.read_quotes()")
    if isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1:
        raise ValueError(f"max_words must be a whole number of at least 1, not {max_words!r}")
    if names is not None:
        check_frame(names, "names", ("name", "kind"), made_by="ccdata.io.local.quotes.read_names()")
    known_themes = {str(t) for t in themes}
    common = frozenset(str(w).casefold() for w in common_words)
    people = [] if names is None else [n for n, k in zip(names["name"], names["kind"]) if k == "person"]
    orgs = [] if names is None else [n for n, k in zip(names["name"], names["kind"]) if k == "organisation"]
    orgs += [str(o) for o in organisations if str(o).strip()]
    person_patterns = []
    for name in people:
        person_patterns.append((_phrase(name), False))
        for part in name.split():
            if len(part) >= 3 and part.casefold() not in common:
                # a first name or surname alone, written as a name (capitalised)
                person_patterns.append((re.compile(r"(?<!\w)" + re.escape(part[0].upper() + part[1:]) + r"(?!\w)"),
                                        True))
    org_patterns = [_phrase(o) for o in dict.fromkeys(orgs)]
    rows = []
    for rec in quotes.itertuples(index=False):
        quote = str(rec.quote)
        refused = []
        if rec.consent is not True:
            refused.append(CONSENT)
        if len(quote.split()) > max_words:
            refused.append(f"{LENGTH} (more than {max_words} words)")
        if any(p.search(quote) for p, _ in person_patterns):
            refused.append(PERSON)
        if any(p.search(quote) for p in org_patterns):
            refused.append(ORGANISATION)
        for rule, pattern in _PATTERNS.items():
            if pattern.search(quote):
                refused.append(rule)
        if rec.theme not in known_themes:
            refused.append(THEME)
        flagged = _capitalised(quote, common)
        rows.append({"row": int(rec.row), "theme": rec.theme, "quote": quote, "shown": not refused,
                     "refused": "; ".join(refused), "flagged": ", ".join(flagged)})
    return pd.DataFrame(rows, columns=["row", "theme", "quote", "shown", "refused", "flagged"])


def load_place_quotes(place, themes, *, max_words: int = 25) -> pd.DataFrame | None:
    """The place's approved quotes (``local: quotes``), checked against its names list (``local:
    names``) and the organisations of its relationship survey (``local: organisations``).

    Returns
    -------
    DataFrame or None
        As :func:`check_quotes`; None when the place names no quotes file.

    Raises
    ------
    MissingDataError, ValidationError
        A named file is missing or cannot be read.
    """
    if not hasattr(place, "local_path"):
        raise TypeError(f"place must be a ccdata Place, not {type(place).__name__}")
    path = place.local_path("quotes")
    if path is None:
        return None
    table, _ = read_quotes(path)
    names_path = place.local_path("names")
    names = read_names(names_path) if names_path is not None else None
    org_path = place.local_path("organisations")
    orgs = list(read_organisations(org_path)["name"].dropna().astype(str)) if org_path is not None else []
    return check_quotes(table, themes=themes, names=names, organisations=orgs, max_words=max_words)
