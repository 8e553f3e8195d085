"""The conversation sections of the listening page, on small files: what partners and the adviser read."""
from __future__ import annotations

import warnings

import pytest

from ccdata.analysis import disclosure
from ccdata.views import conversations as view

MARK = "QZXVIEW"
CODEBOOK = "themes:\n  - {code: play, title: Places to play, match: [park*]}\n  - {code: bus, title: Buses, match: [bus*]}\n"


class _Place:
    """Just enough of a Place for the conversation sections (local files, no geography)."""

    id, name, collection = "stub", "Stubton", "demo"

    def __init__(self, files):
        self.files = files

    def local_path(self, kind):
        return self.files.get(kind)


def _files(tmp_path, rows, quotes=None):
    conv = tmp_path / "conversations.csv"
    conv.write_text("conversation_id,wave,who,note\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    book = tmp_path / "codebook.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    files = {"conversations": conv, "codebook": book}
    if quotes is not None:
        files["quotes"] = tmp_path / "quotes.csv"
        files["quotes"].write_text("quote,theme,consent\n" + "".join(f"{q}\n" for q in quotes), encoding="utf-8")
        files["names"] = tmp_path / "names.csv"
        files["names"].write_text("name\nAgatha Nonesuch\n", encoding="utf-8")
    return files


def _html(blocks, adviser=False) -> str:
    """The partner blocks' HTML (or, with ``adviser``, the adviser notes' HTML)."""
    return "\n".join(b.html for b in blocks if ('data-audience="adviser"' in b.html) == adviser)


def _load(files):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return view.load(_Place(files))


def test_a_campaign_page_ranks_themes_and_keeps_ids_for_the_adviser(tmp_path):
    rows = [f"C-{i},W1,{'Parent' if i % 2 else 'Young person'},the park {MARK}{i}" for i in range(40)]
    rows += [f"B-{i},W1,Parent,the buses {MARK}b{i}" for i in range(15)]
    rows += [f"U-1,W1,Parent,nothing {MARK}u"]
    data = _load(_files(tmp_path, rows, quotes=["The park is our favourite place.,play,yes",
                                                 "We need a <b>bigger</b> park.,play,yes",
                                                 "Agatha Nonesuch runs the park club.,play,yes",
                                                 "Buses are fine.,bus,no"]))
    rules = disclosure.Rules()
    blocks = (view.conversations_section(data, rules) + view.themes_section(data, rules)
              + view.quotes_section(data) + view.coding_note(data, rules))
    page, notes = _html(blocks), _html(blocks, adviser=True)
    assert MARK not in page and MARK not in notes
    assert page.index("Places to play") < page.index("Buses")  # most often first
    assert view.INTERVALS in page and "about 55 conversations" in page
    assert "The park is our favourite place." in page
    assert "Agatha" not in page and "Buses are fine" not in page
    assert "U-1" not in page and "row 57 (U-1)" in notes
    assert "Row 4: not shown (names a person)" in notes and "Row 5: not shown (no consent)" in notes
    assert "&lt;b&gt;bigger&lt;/b&gt;" in page and "<b>bigger" not in page  # the adviser's text is escaped
    assert "Agatha" not in notes  # the refused words are not repeated, only the row and the rule


def test_an_unreadable_file_is_explained_plainly_and_listed_for_the_adviser(tmp_path):
    rows = [f"bad id with spaces,W1,Parent,{MARK} one", f"C-2,W1,Parent,{MARK} two"]
    data = _load(_files(tmp_path, rows))
    blocks = view.conversations_section(data) + view.themes_section(data) + view.coding_note(data)
    page, notes = _html(blocks), _html(blocks, adviser=True)
    assert "could not be read: it has 1 problem(s)" in page and "conversations.csv" not in page
    assert "row 2" in notes and "letters, digits and hyphens" in notes
    assert MARK not in page and MARK not in notes


def test_a_header_only_file_and_no_file_say_so(tmp_path):
    data = _load(_files(tmp_path, []))
    assert "no conversations yet" in _html(view.themes_section(data))
    empty = view.load(_Place({}))
    assert "has not added notes of listening conversations" in _html(view.conversations_section(empty))
    assert "quotes" in _html(view.quotes_section(empty))


def test_sections_refuse_other_input():
    with pytest.raises(TypeError):
        view.themes_section(object())
    with pytest.raises(TypeError):
        view.load(object())


def test_a_place_with_conversations_only_gets_a_listening_page(tmp_path):
    from ccdata.run import report

    reasons = {v.name: r for v, r in report.views_for(_Place(_files(tmp_path, [])))}
    assert reasons["listening"] == ""
    none = {v.name: r for v, r in report.views_for(_Place({}))}
    assert "survey responses or conversations" in none["listening"]


def test_a_note_typed_into_the_who_column_withholds_the_figures(tmp_path):
    rows = [f"C-{i},W1,she told us about the flats and the {MARK}{i} next door,the park" for i in range(30)]
    data = _load(_files(tmp_path, rows))
    blocks = view.conversations_section(data) + view.themes_section(data) + view.coding_note(data)
    page, notes = _html(blocks), _html(blocks, adviser=True)
    assert "withheld to protect privacy" in page
    assert "who column cannot be shown" in notes
    assert MARK not in page and MARK not in notes


def test_breakdowns_the_file_does_not_give_are_left_out_with_a_reason(tmp_path):
    rows = [f"C-{i},W{i % 2},,the park" for i in range(40)]
    data = _load(_files(tmp_path, rows))
    page = _html(view.theme_groups_section(_Place({}), data))
    assert "does not say who took part" in page and "gives no ward or postcode" in page
    assert "Themes in each wave of listening" in page and "Change in the share" in page
