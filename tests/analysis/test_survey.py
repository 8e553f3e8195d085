"""Listening surveys: loading, bad input, aggregation with hand-computed Wilson intervals, leaks."""
from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest

from ccdata.analysis import disclosure, survey
from ccdata.present import charts
from ccdata.analysis.disclosure import Rules
from ccdata.errors import DataQualityWarning, ValidationError

from helpers.geocoding import POSTCODES, fake_geocoder
from helpers.survey import build_rows, responses_csv, write


def wilson(x, n, z=1.959963984540054):
    """The Wilson score interval, written out from the formula."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


# --------------------------------------------------------------------------- loading

def test_questions_are_read_with_options_in_order(questions):
    happy = questions.set_index("question_id").loc["happy"]
    assert happy["options"] == ("Very happy", "Fairly happy", "Not very happy", "Not at all happy")
    assert happy["positive"] == ("Very happy", "Fairly happy")
    assert happy["benchmark"] == 67


def test_bad_question_metadata_lists_every_problem(tmp_path):
    text = ("question_id,question_text,type,options,positive,benchmark\n"
            "q1,A,single,Yes|No,Maybe,\n"
            "q1,B,scale,Yes|No,Yes,120\n")
    with pytest.raises(ValidationError) as err:
        survey.load_questions(write(tmp_path, "q.csv", text))
    msg = str(err.value)
    assert "q.csv, row 2, column 'positive'" in msg
    assert "row 3, column 'question_id': duplicate question id (first on row 2)" in msg
    assert "row 3, column 'type'" in msg
    assert "row 3, column 'benchmark'" in msg


def test_responses_are_deidentified_on_load(responses):
    assert "postcode" not in responses.columns
    assert "respondent_id" not in responses.columns
    assert "other" not in responses.columns  # free text dropped
    assert responses.attrs["free_text_dropped"] == ["other"]
    assert responses.attrs["personal"] is True and "disclosure" not in responses.attrs
    assert responses.loc[2, "lsoa21_code"] == "E01900002"  # row 2 is A0 with DE1 1AB
    assert set(responses["year_group"]) == {"Year 6", "Year 7"}
    assert responses.attrs["waves"] == ["2024-03-01", "2025-03-01"]
    assert responses.loc[2, "help"] == "Family;School"


def test_unknown_question_column_is_an_error(tmp_path, questions):
    text = responses_csv(build_rows()[:3]).replace(",safe,", ",saf,", 1)
    with pytest.raises(ValidationError, match=r"column 'saf': unknown question id; did you mean 'safe'"):
        survey.load_responses(write(tmp_path, "r.csv", text), questions, geocoder=fake_geocoder)


def test_duplicate_respondent_ids_within_a_wave_are_an_error(tmp_path, questions):
    rows = build_rows()[:3]
    rows.append(list(rows[1]))
    rows[3][1] = "01/03/2024"  # the same wave written another way is still the same wave
    with pytest.raises(ValidationError, match=r"r.csv, row 5, column 'respondent_id': duplicate respondent id "
                                              r"in wave '2024-03-01' \(first on row 3\)"):
        survey.load_responses(write(tmp_path, "r.csv", responses_csv(rows)), questions, geocoder=fake_geocoder)


def test_answers_outside_options_are_listed_exclusions(tmp_path, questions):
    rows = build_rows()[:3]
    rows[0][5] = "Ecstatic"
    rows[1][7] = "Family;Dog"
    with pytest.warns(DataQualityWarning, match="excluded"):
        got = survey.load_responses(write(tmp_path, "r.csv", responses_csv(rows)), questions,
                                    geocoder=fake_geocoder)
    assert pd.isna(got.loc[2, "happy"]) and pd.isna(got.loc[3, "help"])
    ex = pd.DataFrame(got.attrs["exclusions"])
    assert ex[["row", "column", "value"]].values.tolist() == [[2, "happy", "Ecstatic"], [3, "help", "Family;Dog"]]


def test_cp1252_file_is_read_with_a_warning(tmp_path, questions):
    rows = build_rows()[:2]
    rows[0][3] = "St Ren\u00e9e\u2019s"  # e-acute and a curly apostrophe: cp1252 bytes, not UTF-8
    path = write(tmp_path, "r.csv", responses_csv(rows), encoding="cp1252")
    with pytest.warns(DataQualityWarning, match="Windows-1252"):
        got = survey.load_responses(path, questions, geocoder=fake_geocoder)
    assert got.loc[2, "school"] == "St Ren\u00e9e\u2019s"


def test_mixed_wave_date_formats_are_normalised_and_listed(tmp_path, questions):
    rows = build_rows()[:4]
    rows[1][1] = "01/03/2024"
    rows[2][1] = "1 March 2024"
    with pytest.warns(DataQualityWarning):
        got = survey.load_responses(write(tmp_path, "r.csv", responses_csv(rows)), questions,
                                    geocoder=fake_geocoder)
    assert set(got["wave"]) == {"2024-03-01"}
    ex = pd.DataFrame(got.attrs["exclusions"])
    assert sorted(ex.loc[ex["column"] == "wave", "row"]) == [3, 4]


def test_unlocated_postcodes_are_counted_not_dropped(tmp_path, questions):
    rows = build_rows()[:3]
    rows[0][2] = "ZZ9 9ZZ"
    with pytest.warns(DataQualityWarning):
        got = survey.load_responses(write(tmp_path, "r.csv", responses_csv(rows)), questions,
                                    geocoder=fake_geocoder)
    assert len(got) == 3
    assert got.loc[2, "located"] == "not found"
    ex = pd.DataFrame(got.attrs["exclusions"])
    assert "ZZ9" not in ex.to_csv()  # the list itself carries no postcode


# --------------------------------------------------------------------------- aggregation

def test_place_summary_matches_hand_computed_wilson(responses, questions):
    out = survey.summarise(responses, questions, rules=Rules(round_to=1))
    happy = out.set_index("question_id").loc["happy"]
    # happy: 20 + 3 + 32 = 55 positive of 30 + 12 + 40 = 82
    assert (happy["positive"], happy["n"]) == (55, 82)
    lo, hi = wilson(55, 82)
    assert happy["pct_positive"] == pytest.approx(100 * 55 / 82)
    assert happy["ci_lower"] == pytest.approx(lo, abs=1e-9)
    assert happy["ci_upper"] == pytest.approx(hi, abs=1e-9)
    assert happy["compared"] == ("similar" if lo <= 67 <= hi else ("better" if lo > 67 else "worse"))
    assert "other" not in set(out["question_id"])
    assert out.attrs["personal"] and out.attrs["disclosure"]


def test_multiple_choice_positive_is_any_positive_option(responses, questions):
    out = survey.summarise(responses, questions, rules=Rules(round_to=1)).set_index("question_id")
    # help: wave 1 ward 1: 10 Family;School positive, 20 Nobody; ward 2: 12 Youth club; wave 2: 40 Family
    assert (out.loc["help", "positive"], out.loc["help", "n"]) == (62, 82)


def test_breakdown_by_wave_and_ward_with_suppression(responses, questions):
    out = survey.summarise(responses, questions, by=["wave", "ward24_code"], question_ids="happy",
                           rules=Rules(round_to=1))
    t = out.set_index(["wave", "ward24_code"])
    # ward 2 in wave 1: 3 positive of 12 -> primary suppression (3 < 5)
    assert t.loc[("2024-03-01", "E05900002"), "suppressed"]
    # its wave-1 partner (ward 1, 30 respondents) is hidden too, or the wave total would give it away
    assert t.loc[("2024-03-01", "E05900001"), "suppressed"]
    # and ward 2 has only the one wave; ward 1's two waves now hold one hidden figure, so wave 2 goes too
    assert t.loc[("2025-03-01", "E05900001"), "suppressed"]
    assert t["pct_positive"].isna().all() and t["ci_lower"].isna().all()


def test_wave_change_uses_two_proportion_test(responses, questions):
    out = survey.wave_change(responses, questions, rules=Rules(round_to=1)).set_index("question_id")
    # safe: wave 1 25 + 12 = 37 of 42; wave 2 30 of 40
    from statsmodels.stats.proportion import test_proportions_2indep
    row = out.loc["safe"]
    assert row["pct_1"] == pytest.approx(100 * 37 / 42)
    assert row["pct_2"] == pytest.approx(100 * 30 / 40)
    assert row["change_pts"] == pytest.approx(100 * (30 / 40 - 37 / 42))
    assert row["p_value"] == pytest.approx(test_proportions_2indep(30, 40, 37, 42, method="wald").pvalue)
    assert row["change_lower"] < row["change_pts"] < row["change_upper"]


def test_answer_counts_is_a_protected_crosstab(responses, questions):
    out = survey.answer_counts(responses, questions, "happy", by="ward24_code", rules=Rules(round_to=1))
    assert list(out.columns) == ["Very happy", "Fairly happy", "Not very happy", "Not at all happy", "Respondents"]
    # ward 2: Fairly happy 3 (<5) and Very happy 0 are hidden
    assert pd.isna(out.loc["E05900002", "Fairly happy"])
    assert pd.isna(out.loc["E05900002", "Very happy"])
    # respondents by hand: ward 1 30 + 40 = 70, ward 2 12, all 82
    assert out.loc["E05900001", "Respondents"] == 70
    assert out.loc["E05900002", "Respondents"] == 12
    assert out.loc["Respondents", "Respondents"] == 82
    # Very happy overall: 20 + 32 = 52 of 82 (a row percentage of the total row)
    assert out.loc["Respondents", "Very happy"] == pytest.approx(100 * 52 / 82)
    # every body cell whose count is below 5 (zeros included) is hidden: counts by hand
    counts = {("E05900001", "Very happy"): 52, ("E05900001", "Fairly happy"): 0,
              ("E05900001", "Not very happy"): 18, ("E05900001", "Not at all happy"): 0,
              ("E05900002", "Very happy"): 0, ("E05900002", "Fairly happy"): 3,
              ("E05900002", "Not very happy"): 0, ("E05900002", "Not at all happy"): 9}
    for (ward, option), n in counts.items():
        if n < 5:
            assert pd.isna(out.loc[ward, option]), (ward, option)
        elif pd.notna(out.loc[ward, option]):
            assert out.loc[ward, option] == pytest.approx(100 * n / (70 if ward == "E05900001" else 12))
    assert out.attrs["disclosure"]


def test_bad_aggregation_requests(responses, questions):
    with pytest.raises(ValueError, match="break down"):
        survey.summarise(responses, questions, by="postcode")
    with pytest.raises(ValueError, match="free-text"):
        survey.summarise(responses, questions, question_ids="other")
    with pytest.raises(KeyError):
        survey.summarise(responses, questions, question_ids="nope")
    with pytest.raises(ValueError, match="wave"):
        survey.wave_change(responses, questions, first="2020", second="2024-03-01")


def test_exported_tables_carry_no_identifiers_free_text_or_small_cells(tmp_path, responses, questions):
    rules = Rules()
    tables = [survey.summarise(responses, questions, rules=rules),
              survey.summarise(responses, questions, by="ward24_code", rules=rules),
              survey.summarise(responses, questions, by=["school", "year_group"], rules=rules),
              survey.wave_change(responses, questions, rules=rules),
              survey.answer_counts(responses, questions, "happy", by="ward24_code", rules=rules)]
    text = "\n".join(t.to_csv() + t.to_html() for t in tables) + "\n".join(survey.headlines(tables[0]))
    forbidden = list(POSTCODES) + [f"I am pupil {i}" for i in range(30)] + ["A1", "B3"]
    assert disclosure.scan_for_leaks(text, forbidden) == []
    for t in tables[:3]:
        shown = t[~t["suppressed"]]
        assert (shown["n"] >= rules.min_respondents).all()
        assert (shown["positive"] >= rules.min_cases).all()
        assert ((shown["n"] - shown["positive"]) >= 0).all()


def test_headlines_refuse_unprotected_tables(responses, questions):
    out = survey.summarise(responses, questions)
    assert any("happy" in h for h in survey.headlines(out))
    raw = out.copy()
    raw.attrs = {}
    with pytest.raises(ValueError, match="disclosure"):
        survey.headlines(raw)


def test_plots_return_figures(responses, questions):
    out = survey.summarise(responses, questions, by="ward24_code")
    fig = charts.plot_positive(out, "happy", group="ward24_code")
    assert fig.axes[0].get_xlim() == (0, 100)


# --------------------------------------------------------------------------- demo files and notebook

def test_demo_listening_files_load_and_never_leak(tmp_path):
    from ccdata.demo import listening

    postcodes = pd.DataFrame({"postcode": list(POSTCODES), "ward24_code": [v[1] for v in POSTCODES.values()]})
    files = listening.build(7, postcodes=postcodes)
    assert files == listening.build(7, postcodes=postcodes)  # deterministic
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    qs = survey.load_questions(tmp_path / listening.QUESTIONS_FILE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        rs = survey.load_responses(tmp_path / listening.RESPONSES_FILE, qs, geocoder=fake_geocoder)
    assert listening.PLANTED_NAME in files[listening.RESPONSES_FILE].decode()
    assert len(rs.attrs["waves"]) == 2 and len(rs) > 300
    tables = [survey.summarise(rs, qs, by=b) for b in (None, "school", "ward24_code", ["wave", "year_group"])]
    schools = tables[1]
    assert schools.loc[schools["school"] == "Brookside Pupil Referral Unit", "suppressed"].all()  # tiny on purpose
    text = "\n".join(t.to_csv() + t.to_html() for t in tables)
    raw = pd.read_csv(tmp_path / listening.RESPONSES_FILE, dtype=str)
    forbidden = [listening.PLANTED_NAME, *raw["comments"].dropna().unique(), *raw["respondent_id"].head(50)]
    assert disclosure.scan_for_leaks(text, forbidden + list(POSTCODES)) == []


def test_notebook_is_thin_and_has_no_outputs():
    import nbformat

    from helpers.paths import REPO

    nb = nbformat.read(REPO / "notebooks" / "listening.ipynb", as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    lines = [ln for ln in params[0].source.splitlines() if ln.strip()]
    assert lines[0].startswith('place_id: str = "demo"')
    assert all("# help" in ln for ln in lines)
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb.cells if c.cell_type == "code")


def test_questions_workbook_with_blank_cells(tmp_path):
    # a workbook's blank cell is missing, not "": a free-text question with no options
    # used to fail with AttributeError
    path = tmp_path / "q.xlsx"
    pd.DataFrame({"question_id": ["safe", "other"], "question_text": ["Safe?", "Anything else?"],
                  "type": ["single", "free_text"], "options": ["Yes|No", None],
                  "positive": ["Yes", None]}).to_excel(path, index=False)
    got = survey.load_questions(path)
    assert got["options"].tolist() == [("Yes", "No"), ()]
    assert got["positive"].tolist() == [("Yes",), ()]


def test_questions_workbook_blank_question_id_is_listed(tmp_path):
    path = tmp_path / "q.xlsx"
    pd.DataFrame({"question_id": ["safe", None], "question_text": ["Safe?", "Why?"],
                  "type": ["single", "free_text"], "options": ["Yes|No", None],
                  "positive": ["Yes", None]}).to_excel(path, index=False)
    with pytest.raises(ValidationError, match=r"q.xlsx\[Sheet1\], row 3, column 'question_id': missing question id"):
        survey.load_questions(path)


def test_repeated_question_column_is_an_error(tmp_path, questions):
    text = "respondent_id,wave,postcode,safe,safe\nR1,2024-03-01,DE1 1AA,Yes,No\n"
    with pytest.raises(ValidationError, match=r"column 'safe': column appears 2 times \(columns 4, 5\)"):
        survey.load_responses(write(tmp_path, "r.csv", text), questions, geocoder=fake_geocoder)


def test_repeated_column_in_questions_file_is_an_error(tmp_path):
    text = "question_id,question_text,type,options,positive,type\nsafe,Safe?,single,Yes|No,Yes,single\n"
    with pytest.raises(ValidationError, match=r"column 'type': column appears 2 times \(columns 3, 6\)"):
        survey.load_questions(write(tmp_path, "q.csv", text))


def test_typed_lsoa_codes_are_upper_cased_and_2011_codes_named(tmp_path, questions, monkeypatch):
    from ccdata.io import codes

    # hand-built vintages: E01000001 exists only in 2011, E01900001/2 only in 2021
    known = {codes.LSOA21: frozenset({"E01900001", "E01900002"}), codes.LSOA11: frozenset({"E01000001"})}
    monkeypatch.setattr(codes, "known_codes", lambda kind, collection="official": known[kind])
    geography = pd.DataFrame({"lsoa21_code": ["E01900001", "E01900002"], "ward24_code": ["E05900001", "E05900002"]})
    text = ("respondent_id,wave,lsoa21_code,happy\n"
            "R1,2024-03-01,e01900001,Very happy\n"
            "R2,2024-03-01, E01900002 ,Very happy\n"
            "R3,2024-03-01,E01000001,Very happy\n")
    with pytest.warns(DataQualityWarning):
        got = survey.load_responses(write(tmp_path, "r.csv", text), questions, geography=geography)
    assert got.loc[2, "lsoa21_code"] == "E01900001" and got.loc[2, "ward24_code"] == "E05900001"
    assert got.loc[2, "located"] == "ok" and got.loc[3, "ward24_code"] == "E05900002"
    assert pd.isna(got.loc[4, "lsoa21_code"]) and pd.isna(got.loc[4, "ward24_code"])
    ex = pd.DataFrame(got.attrs["exclusions"])
    assert ex[["file", "row", "column"]].values.tolist() == [["r.csv", 4, "lsoa21_code"]]
    assert ex.loc[0, "message"].startswith("is an LSOA 2011 code where LSOA 2021 is expected")
    assert "area not in the LSOA/ward lookup" not in ex.to_csv()
