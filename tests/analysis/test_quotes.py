"""Approved quotes: each refusal names its rule; capitalised words are flagged, not refused."""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata.analysis import quotes as q
from ccdata.io.local.quotes import read_names, read_quotes

NAMES = pd.DataFrame({"name": ["Dolores Fictitia", "Harbour Family Hub"], "kind": ["person", "organisation"]})
THEMES = ["play", "cost"]


def _check(text, consent=True, theme="play", **kw):
    frame = pd.DataFrame({"row": [2], "quote": [text], "theme": [theme], "consent": [consent]})
    return q.check_quotes(frame, themes=THEMES, names=NAMES, **kw).iloc[0]


def test_a_plain_quote_with_consent_is_shown():
    row = _check("The swings have been broken since the summer.")
    assert row["shown"] and row["refused"] == "" and row["flagged"] == ""


@pytest.mark.parametrize("text, consent, theme, rule", [
    ("The park is great.", False, "play", q.CONSENT),
    ("The park is great.", None, "play", q.CONSENT),
    ("Dolores Fictitia at the hub helped us.", True, "play", q.PERSON),
    ("Ask Dolores, she knows.", True, "play", q.PERSON),
    ("We go to harbour family hub on Mondays.", True, "play", q.ORGANISATION),
    ("We live near DM1 4AB and it is noisy.", True, "play", q.POSTCODE),
    ("Everyone in OL6 says the same.", True, "play", q.POSTCODE),
    ("Email me at someone@example.org please.", True, "play", q.EMAIL),
    ("Call 0161 496 0000 any time.", True, "play", q.PHONE),
    ("It happened on 03/02/2025 at the park.", True, "play", q.DATE),
    ("It happened on 3rd March at the park.", True, "play", q.DATE),
    ("Since March 2024 the park is shut.", True, "play", q.DATE),
    ("The park is great.", True, "housing", q.THEME),
])
def test_each_rule_refuses_and_says_so(text, consent, theme, rule):
    row = _check(text, consent=consent, theme=theme)
    assert not row["shown"]
    assert rule in row["refused"].split("; ")


def test_a_long_quote_is_refused_naming_the_limit():
    row = _check(" ".join(["word"] * 12), max_words=10)
    assert not row["shown"] and "more than 10 words" in row["refused"]
    assert _check(" ".join(["word"] * 10), max_words=10)["shown"]


def test_capitalised_words_are_flagged_not_refused():
    row = _check("We asked Kenrick about the park on Monday. Nobody came.")
    assert row["shown"] and row["flagged"] == "Kenrick"


def test_ordinary_words_are_not_refused():
    for text in ("I was so worried about my son.", "We waited months for help.", "The bus at six is late."):
        assert _check(text)["shown"], text


def test_files_are_read(tmp_path):
    (tmp_path / "q.csv").write_text("Quote,Theme,Consent given\nThe park is good.,PLAY,Y\n,play,yes\n"
                                    "Bills are high.,cost,no\n", encoding="utf-8")
    (tmp_path / "n.csv").write_text("name,kind\nDolores Fictitia,\nHarbour Family Hub,organisation\n",
                                    encoding="utf-8")
    table, _ = read_quotes(tmp_path / "q.csv")
    assert list(table["row"]) == [2, 4] and list(table["theme"]) == ["play", "cost"]
    assert list(table["consent"]) == [True, False]
    names = read_names(tmp_path / "n.csv")
    assert list(names["kind"]) == ["person", "organisation"]
    checked = q.check_quotes(table, themes=THEMES, names=names)
    assert list(checked["shown"]) == [True, False]


def test_bad_input_is_refused():
    with pytest.raises(TypeError):
        q.check_quotes(pd.DataFrame({"quote": ["x"]}), themes=THEMES)
    with pytest.raises(ValueError):
        _check("x", max_words=0)
