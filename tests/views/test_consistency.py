"""One consistent voice: figure ids on every partner page, and each rule of the check failing
on a planted contradiction."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from ccdata import present
from ccdata.analysis import findings
from ccdata.present import devtext
from ccdata.present import figures as marks

def KINDS(html):  # noqa: N802 - reads as a constant in the assertions
    return sorted({p.kind for p in devtext.check(html)})


def fig(fid, kind, text, tag="span"):
    return f'<{tag} data-figure="{fid}" data-kind="{kind}">{text}</{tag}>'


# --------------------------------------------------------------------------- each rule can fail
def test_one_id_with_two_values_fails_and_percent_signs_do_not_count():
    same = fig("children_low_income/place/value", "percent", "36.2%") + \
        "<table><tr><td" + ' data-figure="children_low_income/place/value" data-kind="percent"' + ">36.2</td></tr></table>"
    assert devtext.check(same) == []
    planted = same.replace(">36.2</td>", ">36.3</td>")
    problems = devtext.check(planted)
    assert [p.kind for p in problems] == ["one figure shown with two values"]
    assert "36.2 / 36.3" in problems[0].text


def test_one_figure_at_two_precisions_must_be_the_same_number_rounded():
    a = fig("idaci/place/pct", "percent", "33%")
    assert devtext.check(a + fig("idaci/place/pct", "percent", "33.3")) == []
    assert KINDS(a + fig("idaci/place/pct", "percent", "33.6")) == ["one figure shown with two values"]
    # 4.51 prints as "5" and as "4.5": both are the same number rounded
    assert devtext.check(fig("i/la/pct", "percent", "5%") + fig("i/la/pct", "percent", "4.5")) == []
    assert KINDS(fig("i/la/pct", "percent", "36.2") + fig("i/la/pct", "percent", "36.3")) == [
        "one figure shown with two values"]
    assert KINDS(fig("v/place/verdict", "verdict", "worse") + fig("v/place/verdict", "verdict", "Worse!")) == [
        "one figure shown with two values"]


def test_a_count_with_a_decimal_point_fails_at_any_size():
    for text in ("45.0", "2,615.0", "3.5", "1.0"):
        assert "a count printed with a decimal point" in KINDS(fig("ties/place/count", "count", text)), text
    assert devtext.check(fig("ties/place/count", "count", "2,615")) == []
    # without markup: a count noun after or before the number, or a column headed as a count
    assert "a count printed with a decimal point" in KINDS("<p>weighted ties 45.0 in all</p>")
    assert "a count printed with a decimal point" in KINDS("<p>with 12.5 children each</p>")
    table = "<table><tr><th>Children</th><th>% of children</th></tr><tr><td>{}</td><td>12.5</td></tr></table>"
    assert KINDS(table.format("45.0")) == ["a count printed with a decimal point"]
    assert devtext.check(table.format("45")) == []


def test_a_stands_out_item_must_carry_the_tables_verdict():
    table = "<table><tr><td" + ' data-figure="bad_health/place/verdict" data-kind="verdict"' + ">{}</td></tr></table>"
    stands = '<div data-stands-out="">' + table.format("worse") + "</div>"
    assert devtext.check(stands + table.format("worse")) == []
    # the indicator table calls it similar: two values for one verdict
    assert KINDS(stands + table.format("similar")) == ["one figure shown with two values"]
    # listed as standing out while its verdict is not "worse"
    assert KINDS('<div data-stands-out="">' + table.format("similar") + "</div>") == [
        "a 'what stands out' item the table does not call worse"]


def test_a_section_listed_as_without_data_must_have_none():
    listed = present.section_missing_list({"Who lives here": "not in this edition's data"}).html
    empty = "<h2>Who lives here</h2><div class='ccdata-missing'>No data for Who lives here.</div>"
    full = "<h2>Who lives here¶</h2><table><tr><td>1</td></tr></table>"
    assert devtext.check(listed + empty) == []
    assert KINDS(listed + full) == ["a section listed as without data has content"]
    # a part of a section is listed by name, not as the section: no contradiction
    part = present.section_missing_list({"Who lives here: economic activity": "not in this edition's data"},
                                        whole=[]).html
    assert devtext.check(part + full) == []


@pytest.mark.parametrize("text", ["1 neighbourhoods", "one neighbourhoods", "1 ties", "1 wards"])
def test_plurals_after_one_fail(text):
    assert 'a plural after one ("1 neighbourhoods")' in KINDS(f"<p>It has {text} here.</p>")


@pytest.mark.parametrize("text", ["each table is perturbed separately", "95% Wilson intervals",
                                  "the table has not been fetched", "L14.1 and L14.2 Never worked",
                                  "Edit to match the partnership's streets", "Partnerships can add LSOAs",
                                  'collection="demo"', "Gap (standard errors)"])
def test_adviser_words_fail_on_a_partner_page(text):
    assert "words for the adviser" in KINDS(f"<p>{text}</p>")
    assert devtext.check(f'<section data-audience="adviser"><p>{text}</p></section>') == []


def test_a_plural_is_read_within_one_block_of_text():
    # the headline figures: "LSOAs (2021)" then "1" then "Residents" are three blocks, not "1 Residents"
    assert devtext.check("<dl><div><dt>LSOAs (2021)</dt><dd>1</dd></div><div><dt>Residents</dt>"
                         "<dd>2,615</dd></div></dl>") == []
    assert 'a plural after one ("1 neighbourhoods")' in KINDS("<p>It has <b>1</b> neighbourhoods</p>")


def test_clean_sentences_pass():
    for text in ("Its one neighbourhood is in the most deprived 10%.", "About 1 in 3 children.",
                 "2 neighbourhoods", "36.2% of children under 16", "a gap of 1.2 percentage points"):
        assert devtext.check(f"<p>{text}</p>") == [], text


# --------------------------------------------------------------------------- markup
def test_sentences_and_tables_carry_figure_ids():
    s = findings.Sentence(findings.Figure("children_low_income/place/value", "percent", "36.2%"),
                          " of children <under 16>")
    html = present.key_findings([s, "plain & simple"]).html
    assert '<span data-figure="children_low_income/place/value" data-kind="percent">36.2%</span>' in html
    assert "&lt;under 16&gt;" in html and "plain &amp; simple" in html
    frame = pd.DataFrame({"Indicator": ["A"], "Place %": [36.2]})
    html = present.table(frame, caption="c", figures={"Place %": [("a/place/value", "percent")]}).html
    assert 'data-figure="a/place/value" data-kind="percent">36.2</td>' in html
    with pytest.raises(ValueError, match="one per row"):
        present.table(frame, caption="c", figures={"Place %": []})
    with pytest.raises(ValueError, match="not a column"):
        present.table(frame, caption="c", figures={"Other": [None]})
    with pytest.raises(ValueError, match="figure id"):
        marks.check_id("no slashes", "count")
    with pytest.raises(ValueError, match="kind"):
        marks.check_id("a/b/c", "amount")


def test_the_stands_out_table_carries_the_verdict_and_marks_childrens_indicators():
    so = pd.DataFrame({"indicator": ["children_low_income"], "Indicator": ["Child poverty"],
                       "About children": ["Yes"], "Place %": [36.2], "England %": [27.1],
                       "Gap (percentage points)": [9.1], "Compared with England": ["worse"]})
    html = present.key_findings(["x"], so).html
    assert 'data-stands-out=""' in html and ">Yes<" in html and "standard error" not in html.lower()
    assert 'data-figure="children_low_income/place/verdict" data-kind="verdict">worse<' in html
    assert devtext.check(html) == []


# --------------------------------------------------------------------------- real pages
class _Findings(HTMLParser):
    """The figure ids of each key finding (the list items of the findings section)."""

    def __init__(self):
        super().__init__()
        self.inside, self.items = False, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "ccdata-findings" in (a.get("class") or ""):
            self.inside = True
        elif tag == "h3" and self.inside:
            self.inside = False  # "What stands out" follows the sentences
        elif tag == "li" and self.inside:
            self.items.append([])
        elif self.inside and self.items and a.get("data-figure"):
            self.items[-1].append(a["data-figure"])


def check_pages(place_dir: Path) -> None:
    """Every partner page passes the check; the dashboard leads with the children's findings."""
    pages = sorted(p for p in place_dir.glob("*.html") if "adviser" not in p.name)
    assert any(p.name == "dashboard.html" for p in pages), pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert devtext.check(html) == [], (page.name, devtext.check(html)[:5])
    dashboard = (place_dir / "dashboard.html").read_text(encoding="utf-8")
    parser = _Findings()
    parser.feed(dashboard)
    first = [{i.split("/")[0] for i in ids} for ids in parser.items[:3]]
    assert len(first) == 3 and "children_low_income" in first[0] and "idaci" in first[1] \
        and "children_0_19" in first[2], parser.items[:3]
    # the check is not vacuous: the findings' child poverty figure is also in the tables
    ids = re.findall(r'data-figure="([^"]+)"', dashboard)
    assert ids.count("children_low_income/place/value") >= 3, ids.count("children_low_income/place/value")
    assert len(set(ids)) > 40
    # every indicator in one picture, named for screen readers, with the data behind it
    assert 'aria-label="Spine chart: for each of' in dashboard
    assert ids.count("children_low_income/place/verdict") >= 2


def test_demo_partner_pages_are_consistent(demo_site):
    check_pages(demo_site.place_dir)


@pytest.mark.slow(reason="reports on a real place from the official files (two notebooks)")
@pytest.mark.parametrize("place_id", ["pembury", "smallshaw-hurst", "wallsend"])
def test_real_partner_pages_are_consistent(place_id, real_site):
    check_pages(real_site(place_id).place_dir)
