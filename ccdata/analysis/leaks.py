"""Leak checks: do postcodes, identifiers or free-text answers occur in text produced for export?"""
from __future__ import annotations

import re

import numpy as np


def scan_for_leaks(text: str, forbidden) -> list[str]:
    """The forbidden strings that occur in ``text`` (for tests and export checks).

    Matching ignores case and runs of white space, and a forbidden item only matches
    as a whole token (``"P12"`` is not found in ``"P123"``). Postcode-like items are
    also looked for without their space (``"DE1 2AB"`` and ``"DE12AB"``).

    Parameters
    ----------
    text : str
        HTML, CSV or any text produced for export.
    forbidden : iterable of str
        Postcodes, identifiers, free-text answers ...

    Returns
    -------
    list of str
        The forbidden items found, in the order given (empty when none leaked).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if isinstance(forbidden, str):
        forbidden = [forbidden]
    haystack = " ".join(text.split()).lower()
    found = []
    for item in forbidden:
        if item is None or (isinstance(item, float) and np.isnan(item)):
            continue
        needle = " ".join(str(item).split()).lower()
        if not needle:
            continue
        variants = {needle, needle.replace(" ", "")} if re.fullmatch(r"[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}", needle) else {needle}
        for v in variants:
            # the plain substring test first: a whole-token match is one, and most items are in no page
            # (the regex alone took 11 s for the 1,500 items of the demo's listening page)
            if v in haystack and re.search(rf"(?<![a-z0-9]){re.escape(v)}(?![a-z0-9])", haystack):
                found.append(str(item))
                break
    return found
