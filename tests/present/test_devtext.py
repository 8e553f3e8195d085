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
    # a name from the official lists: the method's name alone is not adviser text
    "<li>Wilson Street Surgery (GP practice)</li>",
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


# --------------------------------------------------------------------------- tricky markup
_CMD, _FILE, _PATH, _EMPTY, _COUNT = ("a ccdata command", "a configuration or notebook file name",
                                      "an absolute file path",
                                      "an empty value printed as a word in a table cell",
                                      "a count printed with a spurious .0")
#: (markup, what the check finds in it, sorted)
TRICKY = [
    # chart text inside inline SVG is partner text; shapes are not
    ('<svg viewBox="0 0 10 10"><path d="M0 0L1 1"/><text x="1">ccdata build</text><title>623.0</title></svg>',
     [_CMD, _COUNT]),
    # adviser sections, in any spelling, and what follows them
    ('<section data-audience="adviser"><p>Run ccdata fetch x</p></section><p>places.yaml</p>', [_FILE]),
    ("<DIV DATA-AUDIENCE='adviser'><p>/tmp/x/y</p></DIV><td>nan</td>", [_EMPTY]),
    ("<div data-audience=adviser><div>inner</div> still /tmp/hidden/x</div>ccdata report", [_CMD]),
    ('<div data-audience="&#97;dviser">/tmp/a/b</div>', []),
    ('<div data-audience="reader" title="data-audience">/tmp/a/b</div>', [_PATH]),
    # script and style text is not read, whatever it holds
    ("<script>if (a < b) { x = '/tmp/x'; }</script><p>then Traceback</p>", ["Python exception text (Traceback)"]),
    ("<style>td::after{content:'None'}</style><script src=x.js></script><table><tr><td>None</td></tr></table>",
     [_EMPTY]),
    ("<script>var unclosed = '/tmp/x/y';", []),
    ("<script>a &amp;&amp; b('/tmp/x/y')</script><TD>None</td><td>NaN</TD>", [_EMPTY] * 2),
    # unclosed and misnested tags
    ("<table><tr><th>ward24_code</th><th>Ward<tr><td>None</td><td>1</table>",
     ["a snake_case column header", _EMPTY]),
    ("<table><tr><th>ward24_code<th>Ward<tr><td>None<td>1</table>", []),  # a cell counts once closed
    ("<div><section data-audience=adviser><p>hidden /tmp/a/b</div><p>shown /tmp/c/d</p>", [_PATH]),
    ("<p>a<b>ccdata</b> fetch<i>x</i>y</p><li>one<li>two", [_CMD]),
    ("<td>No<b></b> ne</td><td>N<!-- -->one</td><td>&lt;NA&gt;</td><td>n&#97;n</td>", [_EMPTY] * 3),
    # entities, comments, a doctype, self-closing tags, attributes holding > or quotes
    ("<!DOCTYPE html><!-- ccdata fetch --><p>13,574&#46;0 &amp; attrs&#91;</p><td/><br/><img src=x>",
     [_COUNT, "a table's attributes (attrs[)"]),
    ('<a href="x>y" title=\'a"b\'>C:\\Users\\me\\x.ipynb</a><iframe srcdoc="&lt;p&gt;ccdata fetch"></iframe>',
     [_FILE, _PATH]),
    ("<title>A &amp; B: places.yml</title><textarea>623.0</textarea>", [_FILE, _COUNT]),
    ("text only, with ccdata demo and /home/me/data", [_CMD, _PATH]),
]


@pytest.mark.parametrize("html,kinds", TRICKY)
def test_tricky_markup_is_still_checked(html, kinds):
    """Hidden text passes, visible text does not, however the markup is written."""
    assert sorted(p.kind for p in devtext.check(html)) == kinds
