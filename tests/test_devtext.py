"""The developer-text check: exact patterns, planted examples and clean English."""
import pytest

from ccdata.present import devtext

PLANTED = [
    ("<p>Run <code>ccdata fetch census21_ts003</code> then build.</p>", "a ccdata command"),
    ("<p>Then ccdata build.</p>", "a ccdata command"),
    ("<p>Add it to places.yaml first.</p>", "a configuration or notebook file name"),
    ("<p>kept at assets.failed.ipynb</p>", "a configuration or notebook file name"),
    ("<p>see the table's attrs['exclusions']</p>", "a table's attributes (attrs[)"),
    ("<pre>Traceback (most recent call last):</pre>", "Python exception text (Traceback)"),
    ("<p>kept at /tmp/ccdata-demo/assets</p>", "an absolute file path"),
    ("<p>file C:\\Users\\me\\data.csv</p>", "an absolute file path"),
    ("<table><tr><th>ward24_code</th></tr><tr><td>x</td></tr></table>", "a snake_case column header"),
    ("<table><tr><th>Ward</th></tr><tr><td>nan</td></tr></table>",
     "an empty value printed as a word in a table cell"),
    ("<table><tr><th>Ward</th></tr><tr><td> None </td></tr></table>",
     "an empty value printed as a word in a table cell"),
    ("<p>623.0 children</p>", "a count printed with a spurious .0"),
    ("<p>a total of 13,574.0</p>", "a count printed with a spurious .0"),
]


@pytest.mark.parametrize("html,kind", PLANTED)
def test_planted_examples_are_found(html, kind):
    kinds = [p.kind for p in devtext.check(html)]
    assert kind in kinds, (html, kinds)


CLEAN = [
    "<footer><p>Produced 2026-11-27 by ccdata 0.1.0 (git abc1234).</p></footer>",
    "<p>Most households rent: the tenant share is 41.0% (England 37.3%).</p>",
    "<table><tr><th>Answer</th></tr><tr><td>None of these</td></tr></table>",
    "<p>About 1 in 3 neighbourhoods are among the most deprived 10% in England; 99.0 is not a count.</p>",
    "<p>See https://www.nomisweb.co.uk/sources/census_2021_bulk and and/or 1/2.</p>",
    "<p>ccdata reports for Demoton; 100.0% of residents; 2.0 points.</p>",
    "<table><tr><th>Children in low income families</th><th>% FYE 2025</th></tr>"
    "<tr><td>1,234</td><td>12.0</td></tr></table>",
    # adviser sections and scripts are not partner text
    '<section data-audience="adviser"><p>Run ccdata fetch x; see /tmp/y and places.yaml</p></section>',
    "<script>var a = '/tmp/x'; // places.yaml</script><style>a{}</style>",
]


@pytest.mark.parametrize("html", CLEAN)
def test_clean_english_passes(html):
    assert devtext.check(html) == []


def test_text_after_adviser_section_is_still_checked():
    html = ('<section data-audience="adviser"><p>a <br> b</p></section>'
            "<p>then ccdata report demo</p>")
    assert [p.kind for p in devtext.check(html)] == ["a ccdata command"]


def test_bad_input():
    with pytest.raises(TypeError):
        devtext.check(None)


def test_tables_show_headers_as_phrases_and_p_values_plainly():
    import pandas as pd

    from ccdata.present import labels, table_html

    frame = pd.DataFrame({"pct_positive": [41.5], "p_value": [0.00002], "children": [623.0], "other_thing": [1]})
    html = table_html(frame, caption="t")
    assert "Share positive, %" in html and "<0.001" in html.replace("&lt;", "<")
    assert ">623<" in html and ">623.0<" not in html
    assert "Other thing" in html and devtext.check(html) == []
    assert labels.p_value(0.0234) == "0.023" and labels.p_value(0.5) == "0.50"
    with pytest.raises(ValueError):
        labels.p_value(1.5)
