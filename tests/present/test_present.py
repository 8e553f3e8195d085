"""Presentation blocks: escaping, accessibility, and the personal-data guard."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ccdata import present  # noqa: E402
from ccdata.analysis import disclosure  # noqa: E402

EVIL = '<script>alert("x")</script>'


def test_table_escapes_cells_headers_and_caption():
    df = pd.DataFrame({EVIL: [EVIL, "ok"], "n": [1200, 3]})
    html = present.table(df, caption=EVIL).html
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 4  # cell, header, caption and the scroll region's label
    assert '<caption>' in html and 'scope="col"' in html
    assert "1,200" in html


def test_table_sortable_numbers_carry_sort_keys_and_max_rows_says_so():
    df = pd.DataFrame({"rank": [30, 4, 100]})
    html = present.table(df, caption="c", sortable=True, max_rows=2).html
    assert 'class="ccdata-table sortable"' in html
    assert 'data-sort="30"' in html and 'data-sort="100"' not in html
    assert "Showing 2 of 3 rows" in html


def test_personal_data_is_refused_without_disclosure():
    df = pd.DataFrame({"answer": ["yes"], "n": [3]})
    df.attrs["personal"] = True
    with pytest.raises(present.DisclosureError):
        present.table(df, caption="survey")
    fig = plt.figure()
    with pytest.raises(present.DisclosureError):
        present.figure(fig, alt="a", caption="c", data=df)
    # a note written by hand is not disclosure control: only a table sealed by it passes
    df.attrs["disclosure"] = "cells under 10 suppressed"
    with pytest.raises(present.DisclosureError):
        present.table(df, caption="survey")
    safe = disclosure.apply(pd.DataFrame({"answer": ["yes", "no"], "count": [30, 40], "n": [70, 70]}))
    assert "survey" in present.table(safe, caption="survey").html


def test_figure_embeds_svg_with_alt_and_data():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    html = present.figure(fig, alt='Line "up"', caption="cap", data=pd.DataFrame({"x": [1]})).html
    assert "<svg " in html and "data:image/png" not in html
    assert 'role="img" aria-label="Line &quot;up&quot;"' in html
    assert "<figcaption>cap</figcaption>" in html and "<details>" in html


def test_figure_requires_alt_text():
    with pytest.raises(ValueError, match="alt"):
        present.figure(plt.figure(), alt=" ", caption="c")


def test_missing_and_notice():
    assert "No data for Tenure" in present.missing("Tenure", "not fetched").html
    assert 'role="note"' in present.notice("x").html
    with pytest.raises(ValueError):
        present.notice("x", kind="loud")
    html = present.section_missing_list({"Tenure": EVIL}).html
    assert "<script>" not in html


def test_escape_for_each_context():
    from ccdata.present import escape

    hostile = '</script><img src=x onerror="alert(1)">`${document.title=1}`'
    text = escape.html_text(hostile)
    assert "<" not in text and '"' not in text and "`" not in text and "${" not in text
    js = escape.js_string(hostile)
    # a JSON string literal that cannot close the script element or open a template substitution
    assert js.startswith('"') and js.endswith('"')
    assert "</" not in js and "`" not in js and "<" not in js
    import json
    assert json.loads(js.replace("\\u0060", "`")) == hostile
    assert escape.safe_url("javascript:alert(1)") is None
    assert escape.safe_url("https://example.org/a b") is None
    assert escape.safe_url('https://example.org/?q="x"') is None
    assert escape.safe_url("https://example.org/page?a=1&b=2") == "https://example.org/page?a=1&amp;b=2"
    assert escape.html_text(None) == "" and escape.html_text(float("nan")) == ""


def test_adviser_note_is_marked_for_the_adviser_and_escaped():
    import pandas as pd

    note = present.adviser_note("Rows not read", "row 6 of <assets.csv>\n\nsecond paragraph")
    assert 'data-audience="adviser"' in note.html and "<h3>Rows not read</h3>" in note.html
    assert "&lt;assets.csv&gt;" in note.html and note.html.count("<p>") == 2
    table = present.adviser_note("Problems", pd.DataFrame({"Row": [6], "Problem": ["<b>bad</b>"]}))
    assert "<table" in table.html and "&lt;b&gt;bad" in table.html
    with pytest.raises(TypeError):
        present.adviser_note("x", 3)


def test_block_repr_is_one_short_line():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    block = present.figure(fig, alt="a line", caption="Rising & falling")
    text = repr(block)
    assert "\n" not in text and len(text) < 140 and "base64" not in text
    assert "Rising & falling" in text and str(block) == block.html


def test_a_formatted_figure_of_100_or_more_whole_at_its_precision_prints_without_dot_zero():
    # "101.0" beside percentages reads as a count with a spurious ".0" (a gap of 101.04
    # standard errors in one authority's "What stands out" table stopped its dashboard)
    from ccdata.present import devtext
    frame = pd.DataFrame({"Place %": [50.1, 100.0], "Gap (percentage points)": [101.04, 3.25]})
    html = present.table(frame, caption="Gaps", formats={"Place %": ".1f", "Gap (percentage points)": ".1f"}).html
    assert ">101<" in html and ">100<" in html and ">50.1<" in html and ">3.2<" in html
    assert devtext.check(html) == []
    raw = html.replace(">101<", ">101.0<")
    assert devtext.check(raw)  # the check would have refused the page
