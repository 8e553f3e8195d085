"""The disclosure audit: bounds by integer programming, checked against brute force."""
from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccdata.analysis import audit, disclosure


def test_total_minus_the_others_pins_a_lone_hidden_wave():
    # waves old, 2024, 2025; the old wave (4) hidden, the others and the total exact
    a = audit.Audit()
    for w in ("old", "2024", "2025"):
        a.variable(w)
    a.exact(["2024"], 120)
    a.exact(["2025"], 130)
    a.exact(["old", "2024", "2025"], 254)
    a.hidden("old wave", ["old"], 10)
    result = a.run()
    assert (result.loc[0, "lower"], result.loc[0, "upper"]) == (4, 4)
    assert not audit.passed(result) and "4 to 4" in audit.summary(result)


def test_rounding_to_five_and_a_second_hidden_wave_protect():
    a = audit.Audit()
    for w in ("old", "2024", "2025"):
        a.variable(w)
    a.rounded(["2025"], 130, 5)            # 128..132
    a.rounded(["old", "2024", "2025"], 255, 5)  # 253..257
    a.hidden("old", ["old"], 10)
    a.hidden("2024", ["2024"], 10)
    result = a.run()
    # old + 2024 = total - 2025 lies in 121..129, each of them 0..129
    assert result["lower"].tolist() == [0, 0] and result["upper"].tolist() == [129, 129]
    assert audit.passed(result)


def test_a_percentage_beside_a_rounded_count_gives_it_away():
    # "n 20, positive 5, 33.3%": rounded n in 18..22, positive in 3..7; of those pairs only
    # 6/18 and 7/21 print as 33.3% (5/15 is out of range, 8/24 too), so the range collapses
    a = audit.Audit()
    a.variable("pos")
    a.variable("n")
    a.rounded("n", 20, 5)
    a.rounded("pos", 5, 5)
    a.between({"n": 1, "pos": -1}, 0, float("inf"))
    a.percent("pos", "n", 33.3)
    assert a.bounds("pos") == (6, 7) and a.bounds("n") == (18, 21)


def test_contradiction_is_reported():
    a = audit.Audit()
    a.variable("x")
    a.exact("x", 3)
    a.exact("x", 4)
    with pytest.raises(ValueError, match="contradict"):
        a.bounds("x")


# ------------------------------------------------------------------ property: audit == brute force
@st.composite
def tiny_survey(draw):
    """A 2 x 2 table of respondents (waves x wards), each cell 0..6."""
    cells = [draw(st.integers(0, 6)) for _ in range(4)]
    base = draw(st.sampled_from([1, 2, 3]))
    return cells, base


def _published(cells, base, rules):
    """What a page would publish: row totals, column totals, grand total (rounded), suppressed where small."""
    a, b, c, d = cells
    lines = {"r0": (a + b, [0, 1]), "r1": (c + d, [2, 3]), "c0": (a + c, [0, 2]),
             "c1": (b + d, [1, 3]), "t": (a + b + c + d, [0, 1, 2, 3])}
    hidden = {k for k, (v, _) in lines.items() if v < rules.min_respondents}
    for pair in (("r0", "r1"), ("c0", "c1")):
        if len(hidden & set(pair)) == 1:
            hidden |= set(pair)
    return lines, hidden


@settings(max_examples=30, deadline=None)
@given(tiny_survey(), st.integers(1, 6))
def test_audit_bounds_equal_brute_force_enumeration(case, threshold):
    cells, base = case
    rules = disclosure.Rules(min_respondents=threshold, min_cases=0, round_to=base)
    lines, hidden = _published(cells, base, rules)
    a = audit.Audit()
    for i in range(4):
        a.variable(f"x{i}", upper=6)
    shown = {}
    for k, (value, members) in lines.items():
        if k not in hidden:
            shown[k] = int(disclosure.round_counts([value], base)[0])
            a.rounded([f"x{i}" for i in members], shown[k], base, k)
    # brute force: every 2 x 2 table with cells 0..6 that publishes the same rounded figures
    def rnd(x):  # the same rounding as disclosure.round_counts (halves up), checked on its range
        return (2 * x + base) // (2 * base) * base

    assert [rnd(x) for x in range(25)] == disclosure.round_counts(list(range(25)), base).tolist()
    consistent = []
    for t in itertools.product(range(7), repeat=4):
        if all(rnd(sum(t[i] for i in lines[k][1])) == v for k, v in shown.items()):
            consistent.append(t)
    assert tuple(cells) in consistent
    for k in sorted(hidden) + sorted(lines):
        members = lines[k][1]
        values = [sum(t[i] for i in members) for t in consistent]
        assert a.bounds([f"x{i}" for i in members]) == (min(values), max(values)), k


def test_note_says_when_the_check_was_repeated_and_what_was_withheld():
    result = pd.DataFrame({"figure": ["a"], "lower": [0.0], "upper": [3.0], "width": [3.0],
                           "threshold": [10.0], "protected": [False]})
    text = audit.note(result, rounds=3, ok=False, withheld="The pupil figures")
    assert "repeated (2 more times)" in text and text.endswith("The pupil figures were therefore not published.")
    passed = audit.note(result.assign(protected=True), rounds=1, ok=True, withheld="x")
    assert "repeated" not in passed and "not published" not in passed
    with pytest.raises(ValueError):
        audit.note(result, rounds=0, ok=True, withheld="x")
