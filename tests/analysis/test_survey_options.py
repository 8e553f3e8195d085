"""Multiple-choice questions reported option by option, and the listening page's table
helpers. The fixtures are the survey tests' (``tests/analysis/conftest.py``); the expected figures
are counted by hand from ``build_rows`` in ``tests/helpers/survey.py``:

question "help" (multiple): wave 1 has 10 "Family;School", 20 "Nobody", 12 "Youth club";
wave 2 has 40 "Family". Whole place: 82 answered (published 80), Family 50, School 10,
Youth club 12 (published 10), Nobody 20.
"""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata.analysis import disclosure, survey_options
from ccdata.errors import DisclosureError
from ccdata.views import listening_tables


def test_each_option_is_its_own_share_of_the_people_who_answered(responses, questions):
    shares = survey_options.option_shares(responses, questions, "help")
    assert disclosure.is_protected(shares)
    assert list(shares["option"]) == ["Family", "School", "Youth club", "Nobody"]  # the question's order
    assert set(shares["n"]) == {80}
    got = dict(zip(shares["option"], shares["pct_ticked"]))
    # from the published (rounded) counts: 50/80, 10/80, 10/80, 20/80
    assert got == pytest.approx({"Family": 62.5, "School": 12.5, "Youth club": 12.5, "Nobody": 25.0})
    assert shares["pct_ticked"].sum() > 100  # they do not add up: people ticked two


def test_option_sentence_names_each_option_and_never_a_positive_share(responses, questions):
    text = survey_options.option_sentence(survey_options.option_shares(responses, questions, "help"))
    assert text.startswith("Where do you go for help? People could tick more than one answer: ")
    assert "Family 62%" in text or "Family 63%" in text
    assert "Nobody 25%" in text and "about 80 people answered" in text
    assert "positive" not in text


def test_options_by_wave_hide_small_counts(responses, questions):
    shares = survey_options.option_shares(responses, questions, "help", by="wave")
    wave2 = shares[shares["group"] == "2025-03-01"].set_index("option")
    # nobody in wave 2 ticked School: a count under the threshold is hidden, not shown as 0
    assert bool(wave2.loc["School", "suppressed"]) and pd.isna(wave2.loc["School", "pct_ticked"])


def test_a_hidden_wave_cannot_be_worked_out_from_the_whole_place_figure(responses, questions):
    """The page shows each option for the whole place and per wave. School: 10 ticked it in
    the whole place and 10 in wave 1, so showing both would give wave 2's hidden 0 by
    subtraction; protected as one linked set, wave 1 is hidden too."""
    whole = survey_options.option_shares(responses, questions, "help").set_index("option")
    waves = survey_options.option_shares(responses, questions, "help", by="wave")
    assert whole.loc["School", "ticked"] == 10 and not whole.loc["School", "suppressed"]
    for option, rows in waves.groupby("option"):
        hidden = rows["suppressed"].astype(bool)
        # with two waves, one hidden and the whole place shown, the other must be hidden too
        if not whole.loc[option, "suppressed"]:
            assert hidden.sum() != 1, (option, rows)
    assert waves.loc[waves["option"] == "School", "suppressed"].astype(bool).all()


def test_option_shares_refuse_other_questions_and_unsealed_tables(responses, questions):
    with pytest.raises(ValueError, match="multiple-choice"):
        survey_options.option_shares(responses, questions, "happy")
    with pytest.raises(KeyError):
        survey_options.option_shares(responses, questions, "nope")
    with pytest.raises(TypeError, match="question_id"):
        survey_options.option_shares(responses, questions, 3)
    raw = pd.DataFrame({"question_id": ["help"], "question_text": ["x"], "group": ["All"], "option": ["a"],
                        "n": [80], "ticked": [50], "pct_ticked": [62.5], "suppressed": [False],
                        "suppression": [""]})
    with pytest.raises(ValueError, match="disclosure"):
        survey_options.option_sentence(raw)
    assert survey_options.multiple_choice(questions) == ["help"]


def _sealed(frame: pd.DataFrame) -> pd.DataFrame:
    return disclosure.mark(disclosure.apply(frame, count="positive", denominator="n", derived=[]),
                           sources=[])


def test_change_shown_is_the_difference_of_the_shares_shown():
    # 59.459... and 69.047... print as 59.5 and 69.0; their unrounded difference 9.588 would
    # print as 9.6, which a reader cannot get by subtracting
    change = pd.DataFrame({"question_id": ["q"], "question_text": ["Q?"], "n": [200], "positive": [100],
                           "pct_1": [100 * 110 / 185], "pct_2": [100 * 145 / 210],
                           "change_pts": [100 * 145 / 210 - 100 * 110 / 185]})
    sealed = _sealed(change)
    shown = listening_tables.change_shown(sealed)
    assert disclosure.is_protected(shown)
    assert shown["pct_1"].iloc[0] == pytest.approx(59.5) and shown["pct_2"].iloc[0] == pytest.approx(69.0)
    assert shown["change_pts"].iloc[0] == pytest.approx(9.5)
    with pytest.raises(DisclosureError):
        listening_tables.change_shown(change)  # never from an unprotected table


def test_readable_drops_the_yes_no_column_and_codes_beside_names():
    table = _sealed(pd.DataFrame({"ward24_code": ["E05000001", "E05000002"], "n": [40, 3],
                                  "positive": [20, 1]}))
    table["ward_name"] = ["Harbour", "Mill Lane"]  # a text column added to a sealed table
    shown = listening_tables.readable(table)
    assert list(shown.columns) == ["n", "positive", "suppression", "ward_name"]  # one row is hidden: why
    assert shown["suppression"].iloc[1]
    shown_all = listening_tables.readable(table.iloc[[0]])
    assert "suppression" not in shown_all.columns  # nothing hidden: no reason column
    assert pd.isna(shown["n"].iloc[1])


def test_options_by_wave_is_one_row_per_answer_and_one_column_per_wave(responses, questions):
    shares = survey_options.option_shares(responses, questions, "help", by="wave")
    shares = shares.assign(wave_name=shares["group"].map({"2024-03-01": "Wave 1", "2025-03-01": "Wave 2"}))
    wide = listening_tables.options_by_wave(shares)
    assert disclosure.is_protected(wide)
    assert list(wide["option"]) == ["Family", "School", "Youth club", "Nobody"]
    # in wave 2 every figure is hidden (40 of 40 ticked Family; nobody ticked the rest), and so
    # wave 1 is too (see above): no count is shown, so no "(of N answering)" either
    assert list(wide.columns) == ["option", "Wave 1: share who ticked it, %", "Wave 2: share who ticked it, %"]
    assert wide.iloc[:, 1:].isna().all().all()


def test_change_interval_is_one_column():
    change = _sealed(pd.DataFrame({"question_id": ["q"], "n": [200], "positive": [100], "n_1": [185],
                                   "n_2": [210], "change_pts": [9.5], "change_lower": [0.1234],
                                   "change_upper": [18.94]}))
    shown = listening_tables.change_interval(change)
    assert list(shown.columns) == ["question_id", "n", "positive", "change_pts", "change_interval",
                                   "suppressed", "suppression"]
    assert shown["change_interval"].iloc[0] == "0.1 to 18.9"
