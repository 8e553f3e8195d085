"""Listening conversations: reading, coding with a codebook (hand-counted), notes never quoted."""
from __future__ import annotations

import csv
import warnings

import pandas as pd
import pytest

from ccdata.analysis import conversations as cv
from ccdata.errors import ValidationError
from ccdata.io.local.codebook import load_codebook, rule_pattern
from ccdata.io.local.conversations import read_conversations

CODEBOOK = """\
themes:
  - code: play
    title: Safe places to play
    match: [park*, swings]
    exclude: [car park]
  - code: transport
    title: Buses and getting about
    match: [bus*, train station]
    exclude: [business]
  - code: cost
    title: Cost of living
    match: [bills, food bank]
  - code: health
    title: Health and care
    match: [gp]
  - code: mental
    title: Mental health
    parent: health
    match: [anxi*, lonely]
"""

#: Forty notes (row k+1 of the file holds note k) and the theme codes listeners gave.
NOTES = (["The park is dirty."] * 5                       # 1-5
         + ["Parks need more swings."] * 2                # 6-7
         + ["We met in the car park."] * 2                # 8-9: blanked by the exclusion
         + ["The car park by the park is busy."]          # 10: 'busy' begins with 'bus'
         + ["The bus is late."] * 4                       # 11-14
         + ["Buses stop at six."] * 2                     # 15-16
         + ["My business is doing well."]                 # 17: blanked by the exclusion
         + ["A minibus would help."]                      # 18: 'minibus' does not begin with 'bus'
         + ["The train station is far."] * 2              # 19-20
         + ["Bills are too high."] * 3                    # 21-23
         + ["We use the food bank."]                      # 24
         + ["We use the food bank and the bills are high."]  # 25
         + ["I feel anxious."] * 2                        # 26-27
         + ["Anxiety keeps me up."]                       # 28
         + ["Lonely since the move."]                     # 29
         + ["Could not get a GP appointment."] * 2        # 30-31
         + ["The GP and the park both matter."]           # 32
         + ["Nothing to add."]                            # 33
         + ["Happy here."]                                # 34
         + ["Talked about money."] * 2                    # 35-36: coded 'cost' by the listener
         + ["Hello."]                                     # 37: a code not in the codebook
         + [""]                                           # 38: no note
         + ["PARK LIFE"]                                  # 39
         + ["The parkour club."])                         # 40
GIVEN = {35: "cost", 36: "cost", 37: "housing"}

#: Counted by hand from the notes above.
RULE_COUNTS = {("play", "exclude", "car park"): 3, ("play", "match", "park*"): 11, ("play", "match", "swings"): 2,
               ("transport", "exclude", "business"): 1, ("transport", "match", "bus*"): 7,
               ("transport", "match", "train station"): 2, ("cost", "match", "bills"): 4,
               ("cost", "match", "food bank"): 2, ("health", "match", "gp"): 3, ("mental", "match", "anxi*"): 3,
               ("mental", "match", "lonely"): 1}
THEME_NOTES = {"play": [1, 2, 3, 4, 5, 6, 7, 10, 32, 39, 40], "transport": [10, 11, 12, 13, 14, 15, 16, 19, 20],
               "cost": [21, 22, 23, 24, 25, 35, 36], "mental": [26, 27, 28, 29],
               "health": [26, 27, 28, 29, 30, 31, 32]}
UNCODED = [8, 9, 17, 18, 33, 34, 37, 38]


def _write(path, rows, header=("conversation_id", "wave", "setting", "who", "ward", "note", "themes")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def fixture_files(tmp_path):
    rows = [[f"C-{k:02d}", "Spring 2025", "Door-knocking", "Parent or carer", "E05900001", note, GIVEN.get(k, "")]
            for k, note in enumerate(NOTES, start=1)]
    conv = _write(tmp_path / "conversations.csv", rows)
    book = tmp_path / "codebook.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    return conv, book


GEOGRAPHY = pd.DataFrame({"lsoa21_code": ["E01900001", "E01900003"], "ward24_code": ["E05900001", "E05900002"],
                          "ward24_name": ["Harbour", "Mill Lane"]})


def _load(conv, book):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cv.load_conversations(conv, book, collection="demo", geography=GEOGRAPHY)


def test_forty_notes_each_rule_matches_its_hand_count(fixture_files):
    assert len(NOTES) == 40
    loaded = _load(*fixture_files)
    counts = {(r.theme, r.kind, r.rule): r.conversations for r in loaded.coding.rule_counts.itertuples()}
    assert counts == RULE_COUNTS


def test_forty_notes_themes_parents_and_uncoded_rows(fixture_files):
    loaded = _load(*fixture_files)
    themes = loaded.coding.themes
    for code, notes in THEME_NOTES.items():
        assert sorted(int(r) - 1 for r in themes.index[themes[code]]) == notes, code
    # rows as the adviser sees them in the file: the header is row 1
    assert list(loaded.coding.uncoded["row"]) == [k + 1 for k in UNCODED]
    assert list(loaded.coding.uncoded["conversation_id"]) == [f"C-{k:02d}" for k in UNCODED]
    assert loaded.coding.coded_share == pytest.approx(32 / 40)
    unknown = [p for p in loaded.coding.problems if p.column == "themes"]
    assert [(p.row, p.value) for p in unknown] == [(38, "housing")]


def test_loaded_conversations_carry_no_notes_and_one_column_per_theme(fixture_files):
    loaded = _load(*fixture_files)
    frame = loaded.frame
    assert "note" not in frame.columns and "postcode" not in frame.columns
    assert [c for c in frame.columns if c.startswith("theme:")] == [f"theme:{c}" for c in
                                                                    ("play", "transport", "cost", "health", "mental")]
    assert frame["theme:play"].sum() == 11 and set(frame["ward24_code"]) == {"E05900001"}
    assert frame.attrs["personal"] is True and list(frame["people"].unique()) == [1]
    assert not loaded.people_given


def test_rules_are_whole_words_with_word_beginnings():
    assert rule_pattern("bus*").search("two buses") and not rule_pattern("bus*").search("minibus")
    assert rule_pattern("gp").search("the gp.") and not rule_pattern("gp").search("gps")
    assert rule_pattern("train station").search("train   station") and not rule_pattern("train station").search(
        "trains station")


@pytest.mark.parametrize("bad, message", [
    ("themes: [{code: Bad Code, title: x}]", "short code"),
    ("themes: [{code: a, title: x}, {code: a, title: y}]", "listed twice"),
    ("themes: [{code: a}]", "no title"),
    ("themes: [{code: a, title: x, parent: b}]", "is not a theme"),
    ("themes: [{code: a, title: x, parent: b}, {code: b, title: y, parent: a}]", "lead back"),
    ("themes: [{code: a, title: x, match: ['bu*s']}]", "'*' only at the end"),
])
def test_codebook_problems_are_refused_with_the_reason(tmp_path, bad, message):
    path = tmp_path / "book.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_codebook(path)
    assert message in str(err.value)


def test_codebook_csv_matches_the_yaml(tmp_path):
    path = _write(tmp_path / "book.csv", [["play", "Places to play", "", "", "park*|swings", "car park"]],
                  header=("code", "title", "description", "parent", "match", "exclude"))
    (theme,) = load_codebook(path)
    assert theme.match == ("park*", "swings") and theme.exclude == ("car park",)


MARK = "ZQXMARKER"


def test_a_bad_id_is_refused_without_quoting_the_cell(tmp_path):
    path = _write(tmp_path / "c.csv", [["C-1", "W1", "", "", "", f"fine {MARK}", ""],
                                       [f"note pasted {MARK} here", "W1", "", "", "", f"x {MARK}", ""],
                                       ["C-1", "W1", "", "", "", f"dup {MARK}", ""]])
    with pytest.raises(ValidationError) as err:
        read_conversations(path)
    text = str(err.value)
    assert "row 3" in text and "letters, digits and hyphens" in text and "row 4" in text and "duplicate" in text
    assert MARK not in text


def test_problems_and_warnings_never_quote_a_note(tmp_path, recwarn):
    rows = [["C-1", "", "", "", "Atlantis", f"{MARK} one", "nope"],
            ["C-2", "W1", "", "", "", f"{MARK} two", ""]]
    path = _write(tmp_path / "c.csv", rows)
    book = tmp_path / "b.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    loaded = cv.load_conversations(path, book, collection="demo", geography=GEOGRAPHY)
    excl = loaded.frame.attrs["exclusions"]
    assert {e["column"] for e in excl} >= {"wave", "ward", "themes"}
    assert MARK not in repr(excl) and MARK not in repr(loaded.frame.to_dict()) and MARK not in repr(loaded.coding)
    assert all(MARK not in str(w.message) for w in recwarn)


def test_people_default_to_one_and_dates_give_quarters(tmp_path):
    path = _write(tmp_path / "c.csv", [["C-1", "03/02/2025", "", "", "", "hello", "2"],
                                       ["C-2", "2025-05-20", "", "", "", "hello", ""],
                                       ["C-3", "2025-05-21", "", "", "", "hello", "lots"]],
                  header=("id", "date", "setting", "who", "ward", "note", "number of people"))
    frame, excl, _ = read_conversations(path)
    assert list(frame["wave"]) == ["Jan-Mar 2025", "Apr-Jun 2025", "Apr-Jun 2025"]
    assert list(frame["people"]) == [2, 1, 1] and frame.attrs["people_given"]
    assert [(p.row, p.column) for p in excl if p.column == "people"] == [(4, "people")]
    assert list(frame["who"]) == ["Not known"] * 3


def test_a_ward_given_by_name_is_used(tmp_path):
    path = _write(tmp_path / "c.csv", [["C-1", "W1", "", "", "mill lane", "the park", ""],
                                       ["C-2", "W1", "", "", "E05900001", "the bus", ""]])
    book = tmp_path / "b.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    loaded = cv.load_conversations(path, book, collection="demo", geography=GEOGRAPHY)
    assert list(loaded.frame["ward24_code"]) == ["E05900002", "E05900001"]


def test_a_workbook_is_read_like_a_csv(tmp_path):
    path = tmp_path / "conversations.xlsx"
    frame = pd.DataFrame({"Conversation ID": ["C-1", "C-2"], "Date": ["2025-02-03", "2025-07-01"],
                          "Who we spoke to": ["Parent", None], "Notes": ["the park", "the bus"]})
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"About": ["read me"]}).to_excel(writer, sheet_name="Notes", index=False)
        frame.to_excel(writer, sheet_name="Conversations", index=False)
    out, _, _ = read_conversations(path)
    assert list(out["conversation_id"]) == ["C-1", "C-2"]
    assert list(out["wave"]) == ["Jan-Mar 2025", "Jul-Sep 2025"] and list(out["who"]) == ["Parent", "Not known"]
    assert list(out["note"]) == ["the park", "the bus"]


def test_malformed_lines_are_listed_without_their_text(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(f'conversation_id,wave,note\nC-1,W1,too,many,{MARK} cells\nC-2,W1,"open {MARK}\n',
                    encoding="utf-8")
    _, excl, _ = read_conversations(path)
    assert excl and all(MARK not in str(p) for p in excl)


def test_title_lines_above_the_header_are_skipped(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Listening log,,\n,,\nConversation ID,Wave,What they said\nC-1,W1,the park\n", encoding="utf-8")
    out, _, _ = read_conversations(path)
    assert list(out["conversation_id"]) == ["C-1"] and list(out.index) == [4]
