"""The conversation tables of a page as one linked set: nothing hidden can be worked out by differencing."""
from __future__ import annotations

import csv
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from ccdata.analysis import conversations as cv
from ccdata.analysis import disclosure, theme_tables

CODEBOOK = """\
themes:
  - {code: play, title: Places to play, match: [park]}
  - {code: bus, title: Buses, match: [bus]}
  - {code: cost, title: Cost of living, match: [bills]}
"""
GEOGRAPHY = pd.DataFrame({"lsoa21_code": ["E01900001", "E01900002", "E01900003"],
                          "ward24_code": ["E05900001", "E05900002", "E05900003"],
                          "ward24_name": ["Harbour", "Mill Lane", "Northgate"]})


def _conversations(tmp_path, seed=3, n=160):
    """A campaign with a small ward (Northgate), a small group (Professional) and two waves."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        ward = ("E05900001", "E05900002", "E05900003")[int(rng.choice(3, p=[0.5, 0.44, 0.06]))]
        who = ("Parent", "Young person", "Professional")[int(rng.choice(3, p=[0.5, 0.42, 0.08]))]
        words = [w for w, p in (("park", 0.45), ("bus", 0.3), ("bills", 0.9 if ward == "E05900003" else 0.2))
                 if rng.random() < p]
        rows.append([f"C-{i}", ("W1", "W2")[i % 2], ("Door", "School gate")[int(rng.random() < 0.4)], who, ward,
                     " and ".join(words) or "nothing in particular"])
    path = tmp_path / "conversations.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["conversation_id", "wave", "setting", "who", "ward", "note"])
        writer.writerows(rows)
    book = tmp_path / "codebook.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cv.load_conversations(path, book, collection="demo", geography=GEOGRAPHY)


def _attack(page, rules) -> list[str]:
    """Work out each hidden figure from the published tables by differencing, as an intruder would.

    For each table of a theme (by who, ward or wave), the hidden rows add up to the theme's
    total minus the rows shown; each hidden count also lies between 0 and its group's number
    of conversations where the base table shows it. The number of conversations of a group
    hidden in a base table is the total minus the groups shown. Returns the figures pinned
    closer than their threshold.
    """
    half = (rules.round_to - 1) / 2  # a count rounded to 5 is within 2 of the truth (halves up: 2.5 -> 3)
    pinned = []
    overall = page.themes[()].set_index("theme")
    n_total = page.conversations[()]["n"].iloc[0]
    for keys in theme_tables.BREAKDOWNS[1:]:
        key = keys[0]
        base = page.conversations[keys].set_index(key)
        hidden_base = base.index[base["suppressed"].to_numpy(dtype=bool)]
        if len(hidden_base):
            gap = float(n_total) - base.loc[~base["suppressed"], "n"].astype(float).sum()
            widths = 2 * half * (1 + (~base["suppressed"]).sum())
            if len(hidden_base) == 1 and widths < rules.min_respondents:
                pinned.append(f"conversations {key} {hidden_base[0]} = {gap:g}")
        table = page.themes[keys]
        for theme, rows in table.groupby("theme"):
            if bool(overall.loc[theme, "suppressed"]):
                continue
            total = float(overall.loc[theme, "count"])
            hid = rows[rows["suppressed"].to_numpy(dtype=bool)]
            shown = rows[~rows["suppressed"].to_numpy(dtype=bool)]
            if hid.empty:
                continue
            rest = total - shown["count"].astype(float).sum()
            slack = 2 * half * (1 + len(shown))
            for _, row in hid.iterrows():
                group = row[key]
                others = hid[hid[key] != group]
                caps = [float(base.loc[g, "n"]) + half if not bool(base.loc[g, "suppressed"]) else math.inf
                        for g in others[key]]
                upper = rest + slack / 2
                own = base.loc[group]
                if not bool(own["suppressed"]):
                    upper = min(upper, float(own["n"]) + half)
                lower = max(0.0, rest - slack / 2 - sum(caps))
                if upper - lower < rules.min_cases:
                    pinned.append(f"theme {theme} {key} {group}: {lower:g} to {upper:g}")
    return pinned


@pytest.mark.parametrize("round_to", [1, 5])
def test_differencing_recovers_no_hidden_theme_count(tmp_path, round_to):
    rules = disclosure.Rules(round_to=round_to)
    page = theme_tables.theme_page(_conversations(tmp_path), rules)
    assert page.ok, page.note
    hidden = sum(int(t["suppressed"].sum()) for t in page.themes.values())
    assert hidden > 0  # the small ward and group make the protection do something
    assert _attack(page, rules) == []
    assert page.audit["protected"].all()


def test_the_attack_finds_what_suppression_without_secondary_leaves(tmp_path):
    """The check above can fail: without secondary suppression a lone hidden row is the total minus the rest."""
    rules = disclosure.Rules(round_to=1, secondary=False)
    page = theme_tables.theme_page(_conversations(tmp_path), rules, link=False)
    assert _attack(page, rules)
    assert not page.ok and not page.audit["protected"].all()


def test_a_theme_row_is_hidden_wherever_its_group_size_is(tmp_path):
    page = theme_tables.theme_page(_conversations(tmp_path))
    for keys in theme_tables.BREAKDOWNS[1:]:
        base = page.conversations[keys]
        hidden = set(base.loc[base["suppressed"].to_numpy(dtype=bool), keys[0]])
        if keys == (theme_tables.WARD,):
            assert hidden  # the small ward
        rows = page.themes[keys]
        assert rows.loc[rows[keys[0]].isin(hidden), "suppressed"].all()
        # a shown theme row repeats its group's published size, never a hidden one
        shown = rows[~rows["suppressed"].to_numpy(dtype=bool)]
        assert set(shown[keys[0]]).isdisjoint(hidden)


def test_a_group_hidden_in_one_table_is_not_left_to_the_setting_table(tmp_path):
    """Young people are hidden in the "who" table (beside a small group of professionals); their
    rows of the setting x who table would add up to them, so linking hides one of those too."""
    rules = disclosure.Rules()
    alone = theme_tables.theme_page(_conversations(tmp_path), rules, link=False)
    assert not alone.ok
    assert any("who Young person" in f for f in alone.audit.loc[~alone.audit["protected"], "figure"])
    linked = theme_tables.theme_page(_conversations(tmp_path), rules)
    assert linked.ok and linked.rounds > 1
    sw = linked.setting_who
    assert sw.loc[sw["who"] == "Young person", "suppressed"].any()


def test_every_table_is_sealed_and_counts_are_rounded(tmp_path):
    page = theme_tables.theme_page(_conversations(tmp_path))
    tables = [*page.conversations.values(), *page.themes.values(), page.setting_who]
    for t in tables:
        assert disclosure.is_protected(t)
        for col in ("n", "count", "conversations"):
            if col in t.columns:
                values = t[col].dropna().astype(int)
                assert (values % 5 == 0).all()


def test_shares_come_from_the_published_counts(tmp_path):
    page = theme_tables.theme_page(_conversations(tmp_path))
    t = page.themes[("who",)]
    shown = t[~t["suppressed"].to_numpy(dtype=bool)]
    expected = 100 * shown["count"].astype(float) / shown["n"].astype(float)
    assert np.allclose(shown["pct"].astype(float), expected)
    assert (shown["ci_lower"].astype(float) <= shown["pct"].astype(float)).all()


def test_change_between_waves_is_the_difference_of_the_shown_shares(tmp_path):
    convs = _conversations(tmp_path, n=300)
    page = theme_tables.theme_page(convs)
    change = theme_tables.theme_change(page, ["W1", "W2"])
    assert disclosure.is_protected(change) and list(change["theme"]) == ["play", "bus", "cost"]
    by_wave = page.themes[("wave",)].set_index(["theme", "wave"])
    for row in change.itertuples():
        w1, w2 = by_wave.loc[(row.theme, "W1")], by_wave.loc[(row.theme, "W2")]
        if bool(w1["suppressed"]) or bool(w2["suppressed"]):
            assert row.suppressed and math.isnan(row.change_pts)
            continue
        shares = [100 * float(w["count"]) / float(w["n"]) for w in (w1, w2)]
        assert row.change_pts == pytest.approx(round(shares[1], 1) - round(shares[0], 1))
        assert row.change_lower <= row.change_pts <= row.change_upper
    assert theme_tables.theme_change(page, ["W1"]).empty
