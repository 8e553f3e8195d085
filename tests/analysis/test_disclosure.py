"""Disclosure control: primary and secondary suppression, rounding, marking, leak scans."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccdata.analysis import disclosure, leaks
from ccdata.analysis.disclosure import Rules

NO_ROUNDING = Rules(round_to=1)


def test_rules_validate_their_input():
    with pytest.raises(ValueError, match="min_cases"):
        Rules(min_cases=-1)
    with pytest.raises(ValueError, match="round_to"):
        Rules(round_to=0)
    with pytest.raises(TypeError, match="Rules"):
        disclosure.apply(pd.DataFrame({"count": [1], "n": [2]}), rules={"min_cases": 5})


def test_note_names_the_rules_applied():
    text = disclosure.note(Rules(min_respondents=20, min_cases=3, round_to=10))
    assert "fewer than 20 people" in text
    assert "fewer than 3 people" in text
    assert "nearest 10" in text
    assert "nearest" not in disclosure.note(NO_ROUNDING)


def test_apply_primary_suppression_rounding_and_derived_columns():
    t = pd.DataFrame({"ward": ["A", "B", "C", "D", "E"],
                      "count": [3, 40, 52, 8, 6],
                      "n": [20, 60, 80, 9, 8],
                      "pct": [15.0, 66.7, 65.0, 88.9, 75.0]})
    out = disclosure.apply(t)
    # A: 3 cases < 5; D: 9 respondents < 10; E: 8 respondents < 10 (also 8-6=2 < 5)
    assert out["suppressed"].tolist() == [True, False, False, True, True]
    # 40 -> 40, 52 -> 50, 60 -> 60, 80 -> 80 (nearest 5)
    assert out["count"].tolist()[1:3] == [40, 50]
    assert out["n"].tolist()[1:3] == [60, 80]
    assert out["pct"].isna().tolist() == [True, False, False, True, True]
    assert out.loc[3, "suppression"] == "fewer than 10 respondents"
    assert out.attrs["personal"] is True and out.attrs["disclosure"] == disclosure.note()


def test_apply_complement_rule_hides_near_total_figures():
    t = pd.DataFrame({"count": [48, 45], "n": [50, 50]})
    out = disclosure.apply(t, NO_ROUNDING)
    assert out["suppressed"].tolist() == [True, False]  # 50-48 = 2 said otherwise
    off = disclosure.apply(t, Rules(round_to=1, check_complement=False))
    assert out["suppressed"].tolist() != off["suppressed"].tolist()


def test_apply_secondary_suppression_within_groups():
    # Three wards per question; the ward figures add up to the place figure shown elsewhere.
    t = pd.DataFrame({"question_id": ["q1"] * 3 + ["q2"] * 3,
                      "ward": ["A", "B", "C"] * 2,
                      "count": [2, 30, 25, 20, 30, 25],
                      "n": [12, 50, 40, 40, 50, 40]})
    out = disclosure.apply(t, NO_ROUNDING, within=["question_id"])
    # q1: A is primary; the complement is the smallest other denominator (C, 40)
    assert out["suppressed"].tolist() == [True, False, True, False, False, False]
    assert out.loc[2, "suppression"] == disclosure.SECONDARY


def test_apply_rejects_bad_counts():
    with pytest.raises(ValueError, match="larger than"):
        disclosure.apply(pd.DataFrame({"count": [11], "n": [10]}))
    with pytest.raises(ValueError, match="whole numbers"):
        disclosure.apply(pd.DataFrame({"count": [-1], "n": [10]}))
    with pytest.raises(KeyError, match="'n'"):
        disclosure.apply(pd.DataFrame({"count": [1]}))


# A hand-built table. Cell r1/A (3) is below 5. Working by hand:
# row r1 needs a complement: the smallest other cell is r1/B (20);
# column A then needs one: smallest other is r2/A (12);
# column B now has r1/B alone: smallest other is r2/B (15); row r2 then holds two.
HAND = pd.DataFrame({"A": [3, 12, 14], "B": [20, 15, 16], "C": [30, 25, 40]}, index=["r1", "r2", "r3"])
HAND_HIDDEN = {("r1", "A"), ("r1", "B"), ("r2", "A"), ("r2", "B")}


def test_crosstab_secondary_suppression_hand_built():
    out = disclosure.protect_crosstab(HAND, NO_ROUNDING)
    hidden = {(r, c) for r in out.index for c in out.columns if pd.isna(out.loc[r, c])}
    assert hidden == HAND_HIDDEN
    # totals computed by hand: rows 53, 52, 70; columns 29, 51, 95; grand 175
    assert out["Total"].tolist() == [53, 52, 70, 175]
    assert out.loc["Total"].tolist() == [29, 51, 95, 175]
    assert out.attrs["disclosure"]


def test_crosstab_hidden_cells_cannot_be_recovered_by_subtraction():
    out = disclosure.protect_crosstab(HAND, NO_ROUNDING)
    # An intruder knows every figure the table shows. Enumerate every non-negative integer
    # filling of the four hidden cells that agrees with the published row and column totals.
    shown = {(r, c): out.loc[r, c] for r in out.index for c in out.columns if not pd.isna(out.loc[r, c])}
    assert set(HAND_HIDDEN).isdisjoint(shown)
    row_left = {r: shown[(r, "Total")] - shown[(r, "C")] for r in ("r1", "r2")}   # what r1/r2 hide in A+B
    col_left = {c: shown[("Total", c)] - shown[("r3", c)] for c in ("A", "B")}   # what A/B hide in r1+r2
    solutions = []
    for a1, b1, a2, b2 in itertools.product(range(row_left["r1"] + 1), range(row_left["r1"] + 1),
                                            range(row_left["r2"] + 1), range(row_left["r2"] + 1)):
        if (a1 + b1 == row_left["r1"] and a2 + b2 == row_left["r2"] and a1 + a2 == col_left["A"]
                and b1 + b2 == col_left["B"]):
            solutions.append((a1, b1, a2, b2))
    assert (3, 20, 12, 15) in solutions  # the truth is consistent ...
    for k in range(4):  # ... but no hidden cell has a single possible value
        assert len({s[k] for s in solutions}) > 1
    # and the smallest cell is not even pinned to a narrow range
    assert max(s[0] for s in solutions) - min(s[0] for s in solutions) >= 10


def test_crosstab_without_secondary_would_leak():
    # Guard that the test above tests something: primary suppression alone is recoverable.
    out = disclosure.protect_crosstab(HAND, Rules(round_to=1, secondary=False))
    assert pd.isna(out.loc["r1", "A"])
    recovered = out.loc["r1", "Total"] - out.loc["r1", "B"] - out.loc["r1", "C"]
    assert recovered == 3


def test_crosstab_small_total_hides_its_row_and_percentages_follow_counts():
    t = pd.DataFrame({"Yes": [4, 30, 40], "No": [3, 25, 35]}, index=["tiny", "mid", "big"])
    out = disclosure.protect_crosstab(t, NO_ROUNDING, percent="row")
    assert out.loc["tiny"].isna().all()  # 7 respondents < 10, its total too
    # the tiny row's total is hidden, so the column totals' equation needs a second hidden total
    hidden = out.attrs["suppressed"]
    for col in ["Yes", "No", "Total"]:
        assert hidden[col].sum() != 1
    for row in hidden.index:
        assert hidden.loc[row].sum() != 1
    shown = ~hidden.loc[["mid", "big"], ["Yes", "No"]]
    for r, c in itertools.product(["mid", "big"], ["Yes", "No"]):
        if shown.loc[r, c]:
            assert out.loc[r, c] == pytest.approx(100 * t.loc[r, c] / t.loc[r].sum())


def test_crosstab_rejects_bad_input():
    with pytest.raises(ValueError, match="already"):
        disclosure.protect_crosstab(HAND.assign(Total=1))
    with pytest.raises(ValueError, match="whole numbers"):
        disclosure.protect_crosstab(HAND.assign(A=[1.5, 2, 3]))
    with pytest.raises(ValueError, match="percent"):
        disclosure.protect_crosstab(HAND, percent="cell")
    with pytest.raises(TypeError):
        disclosure.protect_crosstab(HAND.to_numpy())


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5).flatmap(lambda r: st.integers(2, 4).flatmap(
    lambda c: st.lists(st.lists(st.integers(0, 40), min_size=c, max_size=c), min_size=r, max_size=r))))
def test_crosstab_property_no_hidden_cell_is_determined(cells):
    t = pd.DataFrame(cells, columns=[f"c{j}" for j in range(len(cells[0]))])
    out = disclosure.protect_crosstab(t, NO_ROUNDING)
    hidden = out.attrs["suppressed"].to_numpy()
    n_rows, n_cols = t.shape
    # every line (row or column with its total) holds zero or at least two hidden entries
    for i in range(n_rows + 1):
        assert hidden[i].sum() != 1
    for j in range(n_cols + 1):
        assert hidden[:, j].sum() != 1
    # independently of the module: no hidden cell is fixed by the equations. Solve for
    # the null space of the equations restricted to hidden cells with numpy's SVD.
    pos = [tuple(p) for p in np.argwhere(hidden)]
    if pos:
        eqs = []
        for i in range(n_rows + 1):
            eqs.append([1.0 if (p[0] == i and p[1] < n_cols) else (-1.0 if p == (i, n_cols) else 0.0) for p in pos])
        for j in range(n_cols + 1):
            eqs.append([1.0 if (p[1] == j and p[0] < n_rows) else (-1.0 if p == (n_rows, j) else 0.0) for p in pos])
        a = np.array(eqs)
        _, s, vt = np.linalg.svd(a)
        rank = int((s > 1e-9).sum())
        null = vt[rank:]
        assert null.shape[0] > 0
        assert (np.abs(null).max(axis=0) > 1e-9).all()  # every hidden cell can move
    # nothing shown is below the thresholds
    body = out.iloc[:n_rows, :n_cols].to_numpy(dtype=float, na_value=np.nan)
    assert not ((body < 5) & ~np.isnan(body)).any()


def test_round_counts_nearest_five():
    assert disclosure.round_counts([0, 2, 3, 7, 8, 12, 13, 102]).tolist() == [0, 0, 5, 5, 10, 10, 15, 100]


def test_scan_for_leaks_finds_tokens_and_postcodes_without_spaces():
    text = "<td>DE1 2AB</td><td>P123</td><p>Anna  Smith said</p> DE99ZZ"
    assert leaks.scan_for_leaks(text, ["de1 2ab", "P12", "Anna Smith", "DE9 9ZZ", "XX1 1XX"]) == \
        ["de1 2ab", "Anna Smith", "DE9 9ZZ"]
    assert leaks.scan_for_leaks("nothing here", ["P1"]) == []
    with pytest.raises(TypeError):
        leaks.scan_for_leaks(b"bytes", ["x"])


def test_a_seal_covers_its_own_figures_in_any_order_and_nothing_changed():
    """The seal compares each figure with the sealed one: the same rows in another order, a subset,
    or the same numbers in another type are covered; a changed, added or new-row figure is not."""
    raw = pd.DataFrame({"group": ["a", "b", "c", "d"], "count": [10, 3, 25, 40]})
    table = disclosure.apply(raw, Rules(), count="count", denominator=None)
    assert disclosure.is_protected(table) and table["count"].isna().any()  # 3 is hidden
    assert disclosure.is_protected(table.iloc[[3, 0, 2]])  # another order, a subset: one take of the rows
    shown = table["count"].notna()
    assert disclosure.is_protected(table[shown].astype({"count": "float64"}))  # the same numbers as floats
    changed = table.copy()
    changed.loc[changed.index[shown][0], "count"] = 11
    assert not disclosure.is_protected(changed)
    revealed = table.copy()
    revealed.loc[revealed.index[~shown][0], "count"] = 3  # a hidden figure shown
    assert not disclosure.is_protected(revealed)
    assert not disclosure.is_protected(table.assign(extra=range(len(table))))
    assert not disclosure.is_protected(pd.concat([table, table.iloc[[0]].set_axis([99])]))
