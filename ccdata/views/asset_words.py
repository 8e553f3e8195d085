"""What the asset page says about the lists behind it: the kinds it has, and "no list yet".

Official lists cover schools, GP practices and libraries; family hubs, youth clubs, food
banks, faith and community groups are in no national list and come only from the
partnership's own list. A place without that list must not be promised them, nor be
shown "0 per 1,000 children" for a kind nobody has listed: zero would read as none there.
"""
from __future__ import annotations

import pandas as pd

from ccdata import present
from ccdata.schemas import check_frame
from ccdata.vocabulary import CATEGORIES

#: Each kind in words, singular and plural, as a sentence uses it.
KIND_WORDS = {
    "school": ("school", "schools"), "early_years": ("early years setting", "early years settings"),
    "gp_practice": ("GP practice", "GP practices"), "library": ("library", "libraries"),
    "youth": ("youth club or centre", "youth clubs or centres"),
    "family_hub": ("family hub or children's centre", "family hubs or children's centres"),
    "food_bank": ("food bank", "food banks"), "faith": ("faith group", "faith groups"),
    "community": ("community centre or group", "community centres or groups"),
    "leisure": ("place for sport, leisure or play", "places for sport, leisure or play"),
    "health_other": ("other health service", "other health services"), "other": ("other asset", "other assets"),
}
#: The kinds only a partnership's own list can hold (no national list covers them).
LOCAL_ONLY = ("family_hub", "youth", "food_bank", "faith", "community")
NO_LIST = "no list yet"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plural(label: str) -> str:
    """A kind's table label in the plural words of a sentence ("GP practice" -> "GP practices")."""
    key = next((k for k, v in CATEGORIES.items() if v == label), None)
    return KIND_WORDS[key][1] if key else str(label).lower()


def has_own_list(assets) -> bool:
    """True when the partnership's own asset list was read for this page."""
    sources = assets.attrs.get("sources") if isinstance(assets, pd.DataFrame) else None
    if sources is None or len(sources) == 0:
        return False
    own = sources[sources["list"].astype(str).str.startswith("local list")]
    return bool(own["used"].astype(bool).any())


def listed_kinds(assets) -> set[str]:
    """The asset kinds some list used for this page covers (official lists and the place's own)."""
    if not isinstance(assets, pd.DataFrame):
        return set()
    from ccdata.analysis.coverage import OFFICIAL_LIST_CATEGORY

    sources = assets.attrs.get("sources")
    kinds = set()
    if sources is not None and len(sources):
        for rec in sources.to_dict("records"):
            if rec["used"] and rec["list"] in OFFICIAL_LIST_CATEGORY:
                kinds.add(OFFICIAL_LIST_CATEGORY[rec["list"]])
    if has_own_list(assets):
        kinds |= set(CATEGORIES)  # the place's own list may hold any kind
    return kinds


def kinds_sentence(assets) -> str:
    """One or two sentences: what the map shows, by kind, and what no list covers yet.

    Raises
    ------
    TypeError, ValueError
        ``assets`` is not the table of located assets.
    """
    check_frame(assets, "assets", ["category"], made_by="ccdata.views.assets.locate()")
    counts = assets["category"].value_counts()
    shown = [f"{int(counts[k]):,} {KIND_WORDS[k][0 if counts[k] == 1 else 1]}" for k in CATEGORIES
             if k in counts.index and counts[k] > 0]
    text = (f"This map shows {_and(shown)}." if shown else "No asset could be put on this map.")
    if not has_own_list(assets):
        missing = [KIND_WORDS[k][1] for k in LOCAL_ONLY]
        text += (f" There is no list yet of {_and(missing)}: no national list covers them, and the "
                 "partnership has not yet made its own.")
    return text


def kinds_section(assets) -> list:
    """:func:`kinds_sentence` as a block (a note when the assets could not be read at all)."""
    if not isinstance(assets, pd.DataFrame) or "category" not in assets.columns:
        return [present.missing("the kinds of asset on the map", "the asset lists could not be read")]
    return [present.notice(kinds_sentence(assets))]


def without_lists(table: pd.DataFrame, assets, label_column: str | None = None) -> pd.DataFrame:
    """A coverage table without the kinds no list covers (their zeros would read as "none here").

    ``table`` is wide (a column per kind label, :meth:`ccdata.analysis.coverage.Coverage.table`):
    those columns go; or long, with the kind's label in ``label_column`` (the reach table):
    those rows go. :func:`kinds_sentence` says in words that there is no list yet.
    """
    check_frame(table, "table")
    unlisted = {CATEGORIES[k] for k in CATEGORIES if k not in listed_kinds(assets)}
    if label_column is not None:
        if label_column not in table.columns:
            raise KeyError(f"table has no column {label_column!r}")
        return table[~table[label_column].isin(unlisted)].reset_index(drop=True)
    return table.drop(columns=[c for c in table.columns if c in unlisted])
