"""Presentation blocks: escaping, accessibility, and the personal-data guard."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ccdata import present  # noqa: E402

EVIL = '<script>alert("x")</script>'


def test_table_escapes_cells_headers_and_caption():
    df = pd.DataFrame({EVIL: [EVIL, "ok"], "n": [1200, 3]})
    html = present.table(df, caption=EVIL).html
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 3
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
    df.attrs["disclosure"] = "cells under 10 suppressed"
    assert "survey" in present.table(df, caption="survey").html


def test_figure_embeds_png_with_alt_and_data():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    html = present.figure(fig, alt='Line "up"', caption="cap", data=pd.DataFrame({"x": [1]})).html
    assert 'src="data:image/png;base64,' in html
    assert 'alt="Line &quot;up&quot;"' in html
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
