"""The listening page's sections (``ccdata.listening``) on the demo place, and the
exported page: no respondent or pupil identifier, postcode or free-text answer in
the HTML, and every count in the ward table at or above the disclosure threshold
or hidden. Expected figures are computed here from the raw demo CSV files with the
csv module, independently of ccdata's loaders."""
from __future__ import annotations

import csv
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

import ccdata
from ccdata.analysis import disclosure, pupils
from ccdata.views import listening, common as notebook
from ccdata.views import conversations
from ccdata.demo.official import demo_postcodes
from ccdata.errors import DataQualityWarning
from ccdata.present.labels import column_label

REPO = Path(__file__).resolve().parents[2]
RULES = disclosure.Rules()


# --------------------------------------------------------------------------- raw files, read by hand

def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def place(demo_data):
    return ccdata.place("demo")


@pytest.fixture
def data(place):
    # the demo file writes some wave dates in other formats on purpose; the warning is
    # checked in test_survey.py and the exclusions table in test_privacy_section_...
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return listening.load(place)


@pytest.fixture
def raw(place) -> dict:
    responses = _rows(place.local_path("survey_responses"))
    questions = _rows(place.local_path("survey_questions"))
    pupil_rows = [r for f in sorted(place.local_path("pupils").glob("*.csv")) for r in _rows(f)]
    return {"responses": responses, "questions": questions, "pupils": pupil_rows}


def _round5(x: int) -> int:
    return int((x + 2.5) // 5 * 5)


class _Tables(HTMLParser):
    """Every <table> as (caption, header, rows of cell text)."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._where = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "header": [], "rows": []})
        elif tag == "caption":
            self._where = "caption"
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell = ""

    def handle_data(self, text):
        if self._where == "caption":
            self.tables[-1]["caption"] += text
        elif self._cell is not None:
            self._cell += text

    def handle_endtag(self, tag):
        if tag == "caption":
            self._where = None
        elif tag in ("th", "td") and self._cell is not None:
            t = self.tables[-1]
            (t["header"] if tag == "th" else t["rows"][-1]).append(self._cell.strip())
            self._cell = None
        elif tag == "table":
            t = self.tables[-1]
            t["rows"] = [r for r in t["rows"] if r]


def _tables(html: str) -> list[dict]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _table(html: str, caption: str) -> dict:
    found = [t for t in _tables(html) if t["caption"] == caption]
    assert len(found) == 1, [t["caption"] for t in _tables(html)]
    return found[0]


def _html(blocks) -> str:
    return "\n".join(b.html for b in blocks)


class _NoLocal:
    """A place that names no local files."""

    id, name, collection = "nowhere", "Nowhere", "demo"

    def local_path(self, kind):
        return None


# --------------------------------------------------------------------------- loading

def test_load_reads_survey_and_deidentified_pupils(data, raw):
    assert data.missing == {}
    assert data.has_survey
    assert len(data.responses) == len(raw["responses"])
    assert "postcode" not in data.responses.columns and "respondent_id" not in data.responses.columns
    assert "comments" not in data.responses.columns  # the free-text question
    ids = {r["pupil_id"] for r in raw["pupils"]}
    assert len(data.pupil_records) == len(raw["pupils"]) and len(ids) == len(raw["pupils"])
    assert not {"pupil_id", "home_postcode"} & set(data.pupil_records.columns)


def test_place_without_local_files_gives_missing_notes_in_every_section(demo_data):
    place = _NoLocal()
    data = listening.load(place)
    assert set(data.missing) == {listening.SURVEY, listening.PUPILS}
    assert "nowhere" in data.missing[listening.SURVEY] and "survey_responses" in data.missing[listening.SURVEY]
    assert "pupils" in data.missing[listening.PUPILS]
    for blocks in (listening.headlines_section(data), listening.questions_section(data),
                   listening.change_section(data), listening.wards_section(place, data),
                   listening.pupils_section(place, data)):
        assert len(blocks) == 1 and 'class="ccdata-missing"' in blocks[0].html
        assert "nowhere" in blocks[0].html  # the reason, not just "no data"
    overview = _html(listening.overview(data))
    assert "Sections without data" in overview and "the listening survey" in overview


def test_unreadable_file_is_a_missing_note_that_quotes_no_value(demo_data, tmp_path, place):
    bad = tmp_path / "questions.csv"
    bad.write_text("question_id,question_text,type,options,positive\n"
                   "q1,Where do you live?,DM1 8LS,A|B,A\n", encoding="utf-8")

    class Broken(_NoLocal):
        def local_path(self, kind):
            return {"survey_questions": bad, "survey_responses": place.local_path("survey_responses")}.get(kind)

    data = listening.load(Broken())
    reason = data.missing[listening.SURVEY]
    # in words, with the column; the file name and every row go to the adviser, not the page
    assert "1 problem was found" in reason and "column type" in reason and "questions.csv" not in reason
    assert disclosure.scan_for_leaks(reason, ["DM1 8LS"]) == []


def test_bad_arguments_are_specific_errors(place, data):
    with pytest.raises(TypeError, match="ListeningData"):
        listening.headlines_section({"questions": None})
    with pytest.raises(TypeError, match="Rules"):
        listening.overview(data, rules={"min_cases": 5})
    with pytest.raises(ValueError, match="measure must be one of"):
        listening.pupils_section(place, data, measure="truancy")
    with pytest.raises(TypeError, match="question_id"):
        listening.wards_section(place, data, question_id=3)
    with pytest.raises(TypeError, match="Place"):
        listening.load("demo")


# --------------------------------------------------------------------------- survey sections

def _closed_with_positive(raw) -> list[dict]:
    return [q for q in raw["questions"] if q["type"] != "free_text" and q["positive"].strip()]


def test_headlines_equal_hand_computed_shares(data, raw):
    text = _html(listening.headlines_section(data, RULES))
    items = re.findall(r"<li>(.*?)</li>", text)
    closed = _closed_with_positive(raw)
    assert len(items) == len(closed)
    for q in closed:
        options, positive = q["options"].split("|"), set(q["positive"].split("|"))
        answers = [r[q["question_id"]] for r in raw["responses"] if r[q["question_id"]].strip()]
        line = next(i for i in items if i.startswith(ccdata.present.esc(q["question_text"])))
        if q["type"] == "multiple":
            answered = [a.split(";") for a in answers if all(x in options for x in a.split(";"))]
            # options do not add up (people tick several): each is its own share, never one
            # "positive" figure for the question
            assert "positive" not in line and "tick more than one" in line, line
            for option in options:
                ticked = sum(1 for a in answered if option in a)
                share = 100 * _round5(ticked) / _round5(len(answered))
                assert f"{ccdata.present.esc(option)} {share:.0f}%" in line, (option, line)
        else:
            answered = [a for a in answers if a in options]
            hits = sum(1 for a in answered if a in positive)
            # shares are worked out from the published (rounded) counts, never the raw ones
            assert f"{100 * _round5(hits) / _round5(len(answered)):.0f}% gave a positive answer" in line, line
        assert f"about {_round5(len(answered))} people answered" in line
        assert "compared with the benchmark" not in line  # "similar to the benchmark of 67%"
        assert "?:" not in line and ".:" not in line


def test_one_chart_per_closed_question_with_alt_text_and_data(data, raw):
    blocks = listening.questions_section(data, RULES)
    closed = _closed_with_positive(raw)
    charts = [b for b in blocks if b.html.startswith("<figure")]
    assert len(charts) == len(closed)
    # a multiple-choice question also gets the share who ticked each answer, wave by wave
    multiple = [q for q in closed if q["type"] == "multiple"]
    options = [b for b in blocks if not b.html.startswith("<figure")]
    assert len(options) == len(multiple) == 1
    table = _tables(options[0].html)[0]
    assert table["caption"].startswith(multiple[0]["question_text"])
    # one row per answer, one column per wave
    assert [r[0] for r in table["rows"]] == multiple[0]["options"].split("|")
    assert table["header"][1].startswith("Wave 1, spring 2024: share who ticked it, % (of ")
    assert table["header"][2].startswith("Wave 2, spring 2025: share who ticked it, % (of ")
    for block, q in zip(charts, closed):
        assert block.html.startswith('<figure class="ccdata-figure"><div class="ccdata-chart-box"><svg ')
        assert re.search(r'role="img" aria-label="Bar chart of the share[^"]+"', block.html)
        assert ccdata.present.esc(q["question_text"]) in block.html
        if q["type"] == "multiple":  # its share "positive" says what it counts
            assert "ticked at least one of: " in block.html
        # one data row per wave, named as partners read them (4 March 2024 and 3 March 2025: spring)
        assert block.html.count("<tr><td>") == 2
        assert "<td>Wave 1, spring 2024</td>" in block.html and "<td>Wave 2, spring 2025</td>" in block.html
        assert "2024-03-04" not in block.html and "2025-03-03" not in block.html


def test_change_needs_two_waves(data, raw):
    two = _html(listening.change_section(data, RULES))
    assert "<caption>Change from Wave 1, spring 2024 to Wave 2, spring 2025</caption>" in two
    # one pair of waves: named in the caption, not in every row; no yes/no "hidden" column
    assert "<td>Wave 1, spring 2024</td>" not in two and column_label("suppressed") not in two
    table = _table(two, "Change from Wave 1, spring 2024 to Wave 2, spring 2025")
    col = {name: table["header"].index(column_label(name)) for name in ("pct_1", "pct_2", "change_pts")}
    assert len(table["rows"]) == len(_closed_with_positive(raw))
    for row in table["rows"]:
        first, latest, change = (float(row[col[c]]) for c in ("pct_1", "pct_2", "change_pts"))
        # a reader who subtracts the two shares shown gets the change shown
        assert f"{latest - first:.1f}" == f"{change:.1f}", row
    # the one change rule decides: the interval and the verdict are shown, no p-value beside them
    assert column_label("p_value") not in two and "p-value" not in two
    interval, verdict = (table["header"].index(column_label(c)) for c in ("change_interval", "significant"))
    for row in table["rows"]:
        if not row[interval]:
            continue
        lo, hi = (float(x.replace("\u2212", "-")) for x in row[interval].split(" to "))
        assert row[verdict] == ("yes" if lo > 0 or hi < 0 else "no"), row
    one = listening.ListeningData(data.questions, data.responses[data.responses["wave"] == "2024-03-04"].copy(),
                                  None, {})
    one.responses.attrs["waves"] = ["2024-03-04"]
    blocks = listening.change_section(one, RULES)
    assert len(blocks) == 1 and "only one wave" in blocks[0].html


def _columns(table) -> dict[str, int]:
    """Column positions by the frame's column name (the page shows each header as a phrase)."""
    from ccdata.present.labels import column_label

    shown = {c: i for i, c in enumerate(table["header"])}
    names = ("question_text", "ward24_code", "ward_name", "suppressed", "n", "positive", "pct_positive")
    return {name: shown[column_label(name)] for name in names if column_label(name) in shown}


def test_ward_table_counts_equal_hand_counts_and_small_wards_are_hidden(place, data, raw):
    ward_of = dict(zip(demo_postcodes()["postcode"], demo_postcodes()["ward24_code"]))
    q = next(q for q in raw["questions"] if q["question_id"] == "happy_area")
    n_by_ward: dict[str, int] = {}
    for r in raw["responses"]:
        if r["happy_area"] in q["options"].split("|"):
            ward = ward_of.get(" ".join(r["postcode"].upper().split()), "Not known")
            n_by_ward[ward] = n_by_ward.get(ward, 0) + 1
    strict = disclosure.Rules(min_respondents=min(n_by_ward.values()) + 1)
    blocks = listening.wards_section(place, data, strict, "happy_area")
    closed = _closed_with_positive(raw)
    assert len(blocks) == 1 + len(closed) and blocks[0].html.startswith('<figure class="ccdata-figure')
    # one table per question, its words in the caption and never in the rows
    table = _table(_html(blocks[1:]), f"Share positive by ward: {q['question_text']}")
    col = _columns(table)
    assert "Question number" not in table["header"] and "question_text" not in col
    assert "ward24_code" not in col and "suppressed" not in col  # names, not codes; no yes/no column
    rows = table["rows"]
    names = dict(zip(place.wards["ward_code"], place.wards["ward_name"]))
    code_of = {names.get(c, c): c for c in n_by_ward}
    assert {r[col["ward_name"]] for r in rows} == set(code_of)
    hidden = []
    for r in rows:
        code = code_of[r[col["ward_name"]]]
        if r[col["n"]] == "":
            hidden.append(code)
            assert r[col["positive"]] == r[col["pct_positive"]] == ""
            assert r[table["header"].index(column_label("suppression"))]  # the reason is in its row
        else:
            assert int(r[col["n"]].replace(",", "")) == _round5(n_by_ward[code])
    smallest = min(n_by_ward, key=n_by_ward.get)
    # the smallest ward is below the threshold; one more is hidden so it cannot be subtracted
    assert smallest in hidden and len(hidden) == 2


def test_unknown_map_question_names_the_choices_and_keeps_the_table(place, data, raw):
    blocks = listening.wards_section(place, data, RULES, "comments")
    closed = _closed_with_positive(raw)
    assert len(blocks) == 1 + len(closed) and 'class="ccdata-missing"' in blocks[0].html
    for q in closed:
        assert q["question_id"] in blocks[0].html
    assert "<caption>Share positive by ward: " in blocks[1].html
    first = listening.wards_section(place, data, RULES, "")
    assert ccdata.present.esc(_closed_with_positive(raw)[0]["question_text"]) in first[0].html


# --------------------------------------------------------------------------- pupils and privacy

def test_pupil_tables_equal_hand_computed_rates(place, data, raw):
    blocks = listening.pupils_section(place, data, RULES, "persistent_absence")
    assert len(blocks) == 4      # summary, by ward, by decile, and the audit for the adviser
    assert 'data-audience="adviser"' in blocks[3].html and "audit" in blocks[3].html
    summary = _table(blocks[0].html, "All pupils in the extracts")
    col = {name: summary["header"].index(column_label(name)) for name in ("measure", "pupils", "cases", "rate")}
    absent = [int(r["sessions_missed"]) / int(r["sessions_possible"]) >= 0.10 for r in raw["pupils"]]
    fsm = [r["fsm"] == "Y" for r in raw["pupils"]]
    expected = {pupils.MEASURES["persistent_absence"]: absent, pupils.MEASURES["fsm"]: fsm}
    checked = 0
    for row in summary["rows"]:
        if row[col["measure"]] in expected:
            checked += 1
            flags = expected[row[col["measure"]]]
            assert row[col["pupils"]] == str(_round5(len(flags)))
            assert row[col["cases"]] == str(_round5(sum(flags)))
            # the rate is worked out from the published (rounded) counts, never the true ones
            assert row[col["rate"]] == f"{100 * _round5(sum(flags)) / _round5(len(flags)):.1f}"
    assert checked == 2
    assert "Where is it concentrated: pupils persistently absent" in blocks[1].html
    assert "by deprivation decile of home" in blocks[2].html
    # every ward is named beside its code (names from the place's definition)
    where = _table(blocks[1].html, "Where is it concentrated: pupils persistently absent (missing 10% or more "
                   "of sessions)")
    col = _columns(where)
    assert "ward24_code" not in col and "suppressed" not in col  # the ward by its name; no yes/no column
    names = set(place.wards["ward_name"])
    assert where["rows"] and all(r[col["ward_name"]] in names for r in where["rows"])


def test_privacy_section_lists_exclusions_without_values_and_the_notes(data, raw):
    notes = notebook.Notes()
    notes.add("a data note")
    text = _html(listening.privacy_section(data, RULES, notes))
    assert ccdata.present.esc(disclosure.note(RULES)) in text
    wave = _table(text, "Survey answers excluded or adjusted on loading")
    col = {"rows": wave["header"].index(column_label("rows"))}
    # the counts are about people too: rounded to 5, or hidden below 5
    cells = [r[col["rows"]].strip() for r in wave["rows"]]
    shown = [int(c) for c in cells if c]
    hidden = len(cells) - len(shown)
    assert all(v % 5 == 0 for v in shown)
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    expected = sum(1 for r in raw["responses"] if not iso.match(r["wave"]))
    assert abs(sum(shown) - expected) <= 2 * len(shown) + 4 * hidden
    assert "3 March 2025" not in text and "04/03/2024" not in text  # the values themselves are not shown
    assert "Free-text answers are never shown" in text and "a data note" in text


# --------------------------------------------------------------------------- notebook and exported page

def test_notebook_cells_are_single_section_calls():
    nb = nbformat.read(REPO / "notebooks" / "listening.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    modules = {"listening": listening, "conversations": conversations}
    for c in code[1:]:
        loops = re.findall(r"^for block in (listening|conversations)\.(\w+)\(", c.source, flags=re.M)
        assert len(loops) == 1, c.source
        assert hasattr(modules[loops[0][0]], loops[0][1])
        assert "try:" not in c.source and "except" not in c.source and "merge" not in c.source
    assert code[-1].source.startswith("for block in listening.privacy_section(")


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_exported_page_leaks_nothing_and_ward_counts_pass_the_threshold(demo_data, demo_site):
    place = ccdata.place("demo")
    page = (demo_site.place_dir / "listening.html").read_text(encoding="utf-8")

    responses = _rows(place.local_path("survey_responses"))
    pupil_rows = [r for f in sorted(place.local_path("pupils").glob("*.csv")) for r in _rows(f)]
    forbidden = sorted({r["postcode"] for r in responses if r["postcode"].strip()}
                       | {r["respondent_id"] for r in responses}
                       | {r["comments"] for r in responses if r["comments"].strip()}
                       | {r["pupil_id"] for r in pupil_rows}
                       | {r["home_postcode"] for r in pupil_rows if r["home_postcode"].strip()})
    assert len(forbidden) > 500
    assert disclosure.scan_for_leaks(page, forbidden) == []

    tables = [t for t in _tables(page) if t["caption"].startswith("Share positive by ward: ")]
    assert tables
    rows = [(t, r) for t in tables for r in t["rows"]]
    for table, r in rows:
        col = _columns(table)
        if r[col["n"]] == "":
            assert r[col["positive"]] == ""
            continue
        n, positive = (int(r[col[c]].replace(",", "")) for c in ("n", "positive"))
        assert n >= RULES.min_respondents and positive >= RULES.min_cases, r
        assert n - positive >= RULES.min_cases, r  # the complement is protected too
