"""Blocks bring their own styles into JupyterLab, read from the page stylesheet (one source),
and the export takes them out again."""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata import present
from ccdata.present import labstyle

CSS = """
/* a comment { with braces } */
:root { --ink: #111; }
body.ccdata-page { max-width: 900px; }
.ccdata-header { border: 0; }
.tile { padding: 1rem; }
.tile.warn { color:   red ; }
body.ccdata-page table.grid td, .other td { padding: 2px; }
@media (max-width: 600px) { .tile { padding: 0; } .ccdata-header { margin: 0; } }
@media print { .tile { display: none; } }
@page { size: A4; }
"""


def test_parse_opens_screen_media_and_drops_print_and_page_rules():
    rules = labstyle.parse(CSS)
    selectors = [(m, s) for m, s, _ in rules]
    assert ("", ".tile") in selectors
    assert ("@media (max-width: 600px)", ".tile") in selectors
    assert not any("print" in m for m, _ in selectors)
    assert len(rules) == 8  # 6 top-level rules + 2 in the screen media query; print and @page gone
    assert dict(((m, s), b) for m, s, b in rules)[("", ".tile.warn")] == "color:red;"


def test_parse_names_an_unclosed_brace():
    with pytest.raises(ValueError, match="never closed"):
        labstyle.parse(".a { color: red; ")
    with pytest.raises(TypeError):
        labstyle.parse(None)


def test_only_rules_for_the_blocks_classes_with_the_page_scope_dropped():
    rules = labstyle.parse(CSS)
    css = labstyle.rules_for({"tile"}, rules)
    assert css == ":root{--ink:#111;}.tile{padding:1rem;}@media (max-width: 600px){.tile{padding:0;}}"
    both = labstyle.rules_for({"tile", "warn", "grid"}, rules)
    assert ".tile.warn{color:red;}" in both
    # the page scope matches any ancestor, as specific as on the page; the other selector is not taken
    assert ":is(body.ccdata-page,*) table.grid td{padding:2px;}" in both
    assert "900px" not in both and ".other" not in both and "ccdata-header" not in both
    assert labstyle.rules_for({"nothing"}, rules) == ""  # no :root alone


def test_block_classes_reads_quoted_and_bare_attributes():
    assert labstyle.block_classes('<th class=num><div class="a b"><p class=\'c\'>') == {"num", "a", "b", "c"}


def test_blocks_carry_the_stylesheets_own_rules():
    stylesheet = labstyle.parse(labstyle.STYLESHEET.read_text(encoding="utf-8"))
    page_rules = {(m, b): s for m, s, b in stylesheet}
    blocks = {
        "table": present.table(pd.DataFrame({"n": [1, 2], "name": ["a", "b"]}), caption="x", sortable=True),
        "metrics": present.metrics({"Children": 1200}),
        "notice": present.notice("careful", "warning"),
        "missing": present.missing("a section", "no file"),
        "findings": present.key_findings(["One finding."]),
    }
    expected = {"table": "table.ccdata-table th", "metrics": "dl.ccdata-metrics dd",
                "notice": ".ccdata-notice.ccdata-warning", "missing": ".ccdata-missing",
                "findings": ".ccdata-findings li"}
    for kind, block in blocks.items():
        shown = block._repr_html_()
        assert shown.startswith("<style data-ccdata-style>") and shown.endswith(block.html), kind
        style = shown[len("<style data-ccdata-style>"):shown.index("</style>")]
        assert expected[kind] in style, kind
        assert "@page" not in style and "ccdata-header" not in style, kind
        # every rule it carries is a rule of the page stylesheet (one source, no drift)
        for media, selector, body in labstyle.parse(style):
            assert (media, body) in page_rules, (kind, selector, body)
            page_selector = page_rules[(media, body)]
            assert all(part in page_selector for part in
                       selector.replace(labstyle.LAB_SCOPE, labstyle.PAGE_SCOPE).split(",")), (kind, selector)
        assert str(block) == block.html and "<style" not in block.html
    # a table of words only gets no right-aligned number rule; a plain list gets no style at all
    words = present.table(pd.DataFrame({"name": ["a"]}), caption="x")._repr_html_()
    assert "th.num" not in words
    assert present.bullets(["a"])._repr_html_() == present.bullets(["a"]).html


def test_strip_takes_out_only_the_blocks_styles():
    page = ("<head><style>.page{}</style></head><body><style data-ccdata-style>.a{b:c}</style><p>x</p>"
            "<STYLE data-ccdata-style>.d{}</STYLE></body>")
    assert labstyle.strip(page) == "<head><style>.page{}</style></head><body><p>x</p></body>"
    with pytest.raises(TypeError):
        labstyle.strip(b"bytes")


def test_the_text_form_stays_one_line_without_styles():
    block = present.table(pd.DataFrame({"n": [1, 2]}), caption="Counts")
    assert block._repr_html_().startswith("<style")
    text = repr(block)
    assert "\n" not in text and "<style" not in text and "{" not in text and "Counts" in text
