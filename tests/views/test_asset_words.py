"""What the asset page says about its lists: the kinds it has, "no list yet" for the kinds
nobody has listed, and no zero in a coverage table for a kind no list covers. Hand-made
tables; the counts are written out below."""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata.views import asset_words


def _assets(own: bool, categories: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({"name": [f"A{i}" for i in range(len(categories))], "category": categories})
    sources = [{"list": "schools (GIAS)", "used": True, "note": ""},
               {"list": "GP practices (epraccur)", "used": True, "note": ""},
               {"list": "libraries", "used": False, "note": "the official list was not available for this run"},
               {"list": "local list (assets.csv)" if own else "local list", "used": own, "note": ""}]
    frame.attrs["sources"] = pd.DataFrame(sources)
    return frame


def test_without_a_list_of_its_own_the_page_names_what_it_has_and_what_no_list_covers():
    assets = _assets(False, ["school"] * 3 + ["gp_practice"])
    text = asset_words.kinds_sentence(assets)
    assert text.startswith("This map shows 3 schools and 1 GP practice.")
    assert "no list yet of family hubs or children's centres, youth clubs or centres, food banks" in text
    assert "libraries" not in text.split(".")[0]  # no library on the map, none claimed
    assert not asset_words.has_own_list(assets)
    assert asset_words.listed_kinds(assets) == {"school", "gp_practice"}


def test_with_its_own_list_it_names_only_the_kinds_it_has():
    assets = _assets(True, ["school", "food_bank", "food_bank", "youth"])
    text = asset_words.kinds_sentence(assets)
    assert text == "This map shows 1 school, 1 youth club or centre and 2 food banks."
    assert "no list yet" not in text and "family hub" not in text


def test_coverage_tables_leave_out_kinds_no_list_covers():
    assets = _assets(False, ["school", "gp_practice"])
    wide = pd.DataFrame({"Area": ["Ward A"], "Children 0-19": [400], "School": [1], "GP practice": [1],
                         "Library": [0], "Food bank or food pantry": [0], "Assets per 1,000 children": [5.0]})
    shown = asset_words.without_lists(wide, assets)
    # libraries (official list missing, no own list) and food banks (only an own list has them) go
    assert list(shown.columns) == ["Area", "Children 0-19", "School", "GP practice", "Assets per 1,000 children"]
    reach = pd.DataFrame({"Category": ["School", "Library", "Youth club or centre"], "Assets": [1, 0, 0]})
    assert list(asset_words.without_lists(reach, assets, "Category")["Category"]) == ["School"]
    with_own = _assets(True, ["school"])
    assert list(asset_words.without_lists(wide, with_own).columns) == list(wide.columns)  # its list may hold any kind
    with pytest.raises(KeyError):
        asset_words.without_lists(reach, assets, "Kind")
    with pytest.raises(TypeError):
        asset_words.kinds_sentence("assets.csv")


def test_plural_words_of_a_kind():
    assert asset_words.plural("GP practice") == "GP practices"
    assert asset_words.plural("Library") == "libraries"
