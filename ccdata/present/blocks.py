"""Presentation blocks for the notebooks: figures, tables, notes, headline figures.

Every function takes data and returns an object that Jupyter (and so the exported
HTML) displays through ``_repr_html_``; nothing here reads a file. All text is
escaped, so a name typed into a spreadsheet as ``<script>`` shows as text.

Personal data guard: a table of personal data (survey answers, pupil records,
relationship answers) is shown only while it carries the seal of
``ccdata.analysis.disclosure`` and still shows the figures it was sealed with. A frame
marked ``attrs["personal"]``, or carrying a seal its figures no longer match, is
refused; inside :func:`personal` (a view's sections of personal data) every table is
refused unless sealed, so a table that lost its ``attrs`` on the way cannot slip through.
"""
from __future__ import annotations

import base64
import contextlib
import contextvars
import hashlib
import html as html_lib
import io
import math
import numbers
import re
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ccdata.analysis import disclosure
from ccdata.errors import DisclosureError
from ccdata.present import figures as figure_marks
from ccdata.present import labstyle
from ccdata.present.escape import html_text
from ccdata.present.labels import column_label, p_value
from ccdata.present.labels import glossary as glossary_lines
from ccdata.schemas import check_frame

NOTICE_KINDS = ("info", "warning", "fictional")


@dataclass(frozen=True)
class Block:
    """A piece of HTML that Jupyter displays as is.

    In a notebook the block brings its own styles (the page stylesheet's rules for the
    classes it uses, see :mod:`ccdata.present.labstyle`), so it looks in JupyterLab as
    on the exported page; ``str(block)`` and ``block.html`` are the markup alone.
    """

    html: str

    def _repr_html_(self) -> str:
        return labstyle.style_for(self.html) + self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        """A one-line summary (a notebook keeps this as the text form, not the whole HTML)."""
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script|svg)\b.*?</\1>|src=\"data:[^\"]*\"", " ",
                                                self.html, flags=re.S))
        words = " ".join(html_lib.unescape(text).split())
        return f"<ccdata block, {len(self.html):,} characters: {words[:60]}{'…' if len(words) > 60 else ''}>"


def esc(value) -> str:
    """Escape any value for HTML text or attributes (see :mod:`ccdata.present.escape`)."""
    return html_text(value)


def adviser_note(title: str, body, *, caption: str | None = None) -> Block:
    """Detail for the adviser, not for partners: file and row problems, commands, paths, audits.

    The block renders as ``<section class="ccdata-adviser" data-audience="adviser">``.
    When a report is exported, these sections are taken out of the partner page and
    written to the adviser notes beside it; in JupyterLab they show in place.

    Parameters
    ----------
    title : str
        A heading for the note.
    body : str, DataFrame or Block
        Plain text (escaped), a table (rendered with :func:`table_html`), or a block.
    """
    if isinstance(body, Block):
        inner = body.html
    elif isinstance(body, pd.DataFrame):
        inner = table_html(body, caption=caption or title)
    elif isinstance(body, str):
        inner = "".join(f"<p>{esc(part)}</p>" for part in body.split("\n\n") if part.strip())
    else:
        raise TypeError(f"body must be text, a DataFrame or a Block, not {type(body).__name__}")
    # no accessible name: the adviser notes page holds several notes of one title (a named section
    # is a landmark, and landmarks must be unique: axe "landmark-unique"); the heading names it
    return Block(f'<section class="ccdata-adviser" data-audience="adviser">'
                 f"<h3>{esc(title)}</h3>{inner}</section>")


#: Set inside :func:`personal`: what the personal section is (for the error message).
_PERSONAL: contextvars.ContextVar[str | None] = contextvars.ContextVar("ccdata_personal", default=None)


@contextlib.contextmanager
def personal(what: str):
    """Within this block every table is personal data: only a sealed, unchanged table is shown.

    Views wrap their sections of survey, pupil and relationship data in it, so that a
    table rebuilt from the records (which loses ``attrs`` and so any mark) is refused
    rather than published.
    """
    token = _PERSONAL.set(str(what))
    try:
        yield
    finally:
        _PERSONAL.reset(token)


def _guard(df: pd.DataFrame, what: str) -> None:
    personal_data = df.attrs.get("personal") or "disclosure_seal" in df.attrs or _PERSONAL.get() is not None
    if personal_data and not disclosure.is_protected(df):
        raise DisclosureError(
            f"{what}: this table holds personal data and has not been through disclosure "
            "control (or was changed after it); pass it through ccdata.analysis.disclosure first")


def _format(value, fmt: str | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA \
            or value is pd.NaT:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if fmt:
        text = format(value, fmt)
        # a figure of 100 or more that is whole at the shown precision reads as a count with a
        # spurious ".0" ("101.0 standard errors"): print it whole, as unformatted figures are
        if re.fullmatch(r"-?[\d,]{3,}\.0+", text) and abs(float(value)) >= 100:
            return format(value, fmt.replace(fmt.rsplit(".", 1)[-1], "0f") if "." in fmt else fmt)
        return text
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        # a whole number of 100 or more is a count: no spurious ".0"
        return f"{v:,.0f}" if v.is_integer() and abs(v) >= 100 else f"{v:,.1f}"
    return str(value)


def table_html(df: pd.DataFrame, *, caption: str, sortable: bool = False,
               max_rows: int | None = None, formats: dict[str, str] | None = None,
               index: bool = False, figures: dict[str, list] | None = None) -> str:
    """HTML of an accessible table (``<caption>``, ``<th scope>``), every cell escaped.

    ``figures`` maps a column to one ``(figure id, kind)`` (or ``None``) per row: those
    cells carry ``data-figure``/``data-kind`` (:mod:`ccdata.present.figures`).
    """
    check_frame(df, "df")
    _guard(df, caption)
    frame = df.reset_index() if index else df
    figures = figures or {}
    for col, ids in figures.items():
        if col not in frame.columns or len(ids) != len(frame):
            raise ValueError(f"figure ids for column {col!r} must be one per row of the table "
                             f"({len(frame)}), not {len(ids)}" if col in frame.columns
                             else f"figure ids given for {col!r}, which is not a column of the table")
    marks = [[figure_marks.attributes(*ids[i]) if ids[i] else "" for i in range(len(frame))]
             if (ids := figures.get(c)) else None for c in frame.columns]
    formats = formats or {}
    shown = frame if max_rows is None else frame.head(max_rows)
    cls = "ccdata-table sortable" if sortable else "ccdata-table"
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])}
    head = "".join(
        f'<th scope="col"{" class=num" if c in numeric else ""}'
        f'{" aria-sort=none" if sortable else ""}>{esc(column_label(c))}</th>' for c in frame.columns)
    # how each column is shown, decided once per column rather than once per cell
    columns = [(c in numeric, str(c) in ("p_value", "p-value") and c not in formats, formats.get(c))
               for c in frame.columns]
    rows = []
    for r, rec in enumerate(shown.itertuples(index=False, name=None)):
        cells = []
        for (is_num, is_p, fmt), v, mk in zip(columns, rec, marks):
            plain = None if is_p or fmt else _format(v)
            text = esc(p_value(v) if is_p else plain if plain is not None else _format(v, fmt))
            fig = mk[r] if mk is not None and text else ""
            if is_num:
                sort = "" if (plain if plain is not None else _format(v)) == "" else f' data-sort="{esc(sort_key(v))}"'
                cells.append(f'<td class="num"{sort}{fig}>{text}</td>')
            else:
                cells.append(f"<td{fig}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if max_rows is not None and len(frame) > max_rows:
        more = (f'<p class="ccdata-more">Showing {max_rows:,} of {len(frame):,} rows.</p>')
    # a wide table scrolls sideways: the keyboard can reach and scroll it too
    return (f'<div class="ccdata-table-wrap" tabindex="0" role="region" aria-label="{esc(caption)}">'
            f'<table class="{cls}"><caption>{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}</div>")


def sort_key(value) -> str:
    """A number as a sortable table cell carries it: ten significant figures for a float.

    Sums over a network's ties can differ in the last binary digit from one run to the next
    (the order of a set); ten figures sort every shown value the same way and keep the page
    the same from run to run.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    return f"{float(value):.10g}"


def table(df: pd.DataFrame, *, caption: str, sortable: bool = False, max_rows: int | None = None,
          formats: dict[str, str] | None = None, index: bool = False,
          figures: dict[str, list] | None = None) -> Block:
    """An accessible HTML table.

    Parameters
    ----------
    df : DataFrame
        The data; column names are shown as headers.
    caption : str
        Said first by screen readers and printed above the table.
    sortable : bool
        Let readers sort by clicking a header (the export template carries the script).
    max_rows : int, optional
        Show only the first rows and say how many there are.
    formats : dict, optional
        Python format specs per column (``{"value": ".1f"}``).
    figures : dict, optional
        Column -> one ``(figure id, kind)`` or ``None`` per row: the cells printed from a
        computed table say which figure they show (:mod:`ccdata.present.figures`).

    Raises
    ------
    DisclosureError
        For personal data that has not been through disclosure control.
    """
    return Block(table_html(df, caption=caption, sortable=sortable, max_rows=max_rows,
                            formats=formats, index=index, figures=figures))


def png_data_uri(fig) -> str:
    """A matplotlib figure as an embedded PNG ``data:`` URI (the page stands alone)."""

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


#: How figures are written as SVG: text stays text (``<text>`` elements a browser lays
#: out, a reader can select and search), and the ids matplotlib derives from a hash of
#: each clip path do not change between runs.
SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "ccdata",
          "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"]}
#: What a chart's SVG may never contain (matplotlib writes none of these; a label is
#: escaped text): scripts, foreign HTML, event-handler attributes, outside links.
_SVG_FORBIDDEN = re.compile(r"<\s*(script|foreignObject|iframe|a)\b|<[^>]*\son[a-z]+\s*=|"
                            r"href\s*=\s*\"(?!#|data:image/png;base64,)", re.I)
_PT_TO_PX = 96 / 72


def svg_markup(fig, *, label: str) -> str:
    """A matplotlib figure as inline SVG markup for an HTML page.

    The SVG has no XML declaration or DOCTYPE, carries ``role="img"`` with ``label``
    as its accessible name (``aria-label`` and ``<title>``), scales through its
    ``viewBox`` (its ``width`` and ``height`` are its natural size in CSS pixels, so a
    style sheet can cap it there and let it shrink), and its ids start with a prefix
    derived from its content, so several charts on one page never share an id and the
    same chart gives the same markup on every run. The figure is closed.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    label : str
        What the chart shows, for readers who cannot see it.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        When ``fig`` is not a matplotlib figure.
    ValueError
        When ``label`` is empty, or the SVG would carry a script, an event handler or
        a link out of the page.
    """
    if not hasattr(fig, "savefig"):
        raise TypeError(f"svg_markup expects a matplotlib figure, not {type(fig).__name__}")
    if not label or not str(label).strip():
        raise ValueError("a chart needs a label describing what it shows")
    buffer = io.StringIO()
    try:
        with plt.rc_context(SVG_RC):
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # no XML declaration or DOCTYPE inside HTML
    text = re.sub(r"<metadata>.*?</metadata>|<!--.*?-->", "", text, flags=re.S)
    # matplotlib's "*{...}" rule would apply to the whole page from an inline SVG: the
    # same declarations go on the chart's root element, where they are inherited
    rule = re.search(r"<style[^>]*>\*\{([^}]*)\}</style>", text)
    root_style = " ".join(rule.group(1).split()) if rule else ""
    text = re.sub(r"<style[^>]*>.*?</style>", "", text, flags=re.S)
    text = re.sub(r">\s+<", "><", text)
    text = re.sub(r"\s*\n\s*", " ", text).replace("<defs></defs>", "")
    text = re.sub(r' transform="rotate\(-0 [^"]*"', "", text)
    # every text names the same fonts: say it once, on the root, where it is inherited
    families = set(re.findall(r"font-family: ([^;\"]+)", text))
    if len(families) == 1:
        family = families.pop()
        text = text.replace(f"; font-family: {family}", "").replace(f"font-family: {family}; ", "")
        root_style = f"{root_style}; font-family: {family}".strip("; ")
    if _SVG_FORBIDDEN.search(text):
        raise ValueError("the chart's SVG carries a script, an event handler or a link; not embedded")
    prefix = "c" + hashlib.sha1((str(label) + text).encode("utf-8")).hexdigest()[:10]
    used = set(re.findall(r"url\(#([^)]+)\)|href=\"#([^\"]+)\"", text))
    used = {a or b for a, b in used}
    # keep (prefixed) only the ids something points at: "figure_1", "axes_1" ... repeat in every chart
    text = re.sub(r' id="([^"]+)"', lambda m: f' id="{prefix}-{m.group(1)}"' if m.group(1) in used else "", text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', text)
    text = _unwrap_plain_groups(text)
    root = re.match(r"<svg\b[^>]*>", text)
    size = {k: float(v) for k, v in re.findall(r'\b(width|height)="([\d.]+)pt"', root.group(0))}
    view_box = re.search(r'viewBox="([^"]+)"', root.group(0)).group(1)
    name = esc(" ".join(str(label).split()))
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'class="ccdata-chart" viewBox="{view_box}" width="{round(size["width"] * _PT_TO_PX)}" '
            f'height="{round(size["height"] * _PT_TO_PX)}" role="img" aria-label="{name}"'
            + (f' style="{esc(root_style)}"' if root_style else "") + f"><title>{name}</title>")
    return head + text[root.end():]


def _unwrap_plain_groups(text: str) -> str:
    """Drop the ``<g>`` elements without attributes (matplotlib's, once their ids are
    gone) and keep their content: they group nothing a browser needs."""
    out, stack, pos = [], [], 0
    for m in re.finditer(r"<g>|<g\s[^>]*>|</g>", text):
        out.append(text[pos:m.start()])
        pos = m.end()
        tag = m.group(0)
        if tag == "</g>":
            if stack.pop():
                out.append(tag)
        else:
            stack.append(tag != "<g>")
            if tag != "<g>":
                out.append(tag)
    out.append(text[pos:])
    return "".join(out)


def figure(fig, *, alt: str, caption: str, data: pd.DataFrame | None = None,
           figures: dict[str, list] | None = None) -> Block:
    """A chart (inline SVG) with alt text, a caption and the data behind it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Closed after rendering.
    alt : str
        What the chart shows, for readers who cannot see it (required): the SVG's
        accessible name.
    caption : str
        Printed under the chart.
    data : DataFrame, optional
        The numbers behind the chart, in a collapsible table (open when printed).
    figures : dict, optional
        Figure ids of the data table's cells, as for :func:`table`.
    """
    if not alt or not str(alt).strip():
        raise ValueError("a figure needs alt text describing what it shows")
    if data is not None:
        _guard(data, caption)
    svg = svg_markup(fig, label=alt)
    details = ""
    wide = ""
    if data is not None:
        details = ("<details><summary>Data behind this chart</summary>"
                   + table_html(data, caption=caption, figures=figures) + "</details>")
        # a table of more than five columns takes the page's width in print, not half of it
        wide = " ccdata-figure-wide" if data.shape[1] > 5 else ""
    return Block(f'<figure class="ccdata-figure{wide}"><div class="ccdata-chart-box">{svg}</div>'
                 f"<figcaption>{esc(caption)}</figcaption>{details}</figure>")


def missing(section: str, reason: str) -> Block:
    """A visible note that a section has no data, and why (never an empty chart)."""
    return Block(f'<div class="ccdata-missing" role="note"><strong>No data for {esc(section)}.</strong> '
                 f"{esc(reason)}</div>")


def notice(text: str, kind: str = "info") -> Block:
    """A highlighted note: ``info``, ``warning`` or ``fictional`` (the demo banner)."""
    if kind not in NOTICE_KINDS:
        raise ValueError(f"kind must be one of {NOTICE_KINDS}, not {kind!r}")
    role = "alert" if kind == "warning" else "note"
    # a Sentence (analysis.findings) has its computed figures marked; any other text is escaped
    return Block(f'<div class="ccdata-notice ccdata-{kind}" role="{role}">{figure_marks.sentence_html(text)}</div>')


def metrics(values: dict[str, object], *, caption: str | None = None,
            figures: dict[str, tuple[str, str]] | None = None) -> Block:
    """Headline figures as a definition list (label -> value).

    ``figures`` maps a label to the ``(figure id, kind)`` its value shows
    (:mod:`ccdata.present.figures`).
    """
    if not isinstance(values, dict) or not values:
        raise ValueError("metrics needs a non-empty dict of label -> value")
    figures = figures or {}
    items = "".join(f"<div><dt>{esc(k)}</dt><dd{figure_marks.attributes(*figures[k]) if k in figures else ''}>"
                    f"{esc(_format(v))}</dd></div>" for k, v in values.items())
    cap = f"<p class='ccdata-metrics-caption'>{esc(caption)}</p>" if caption else ""
    return Block(f'<dl class="ccdata-metrics">{items}</dl>{cap}')


def bullets(items: list[str]) -> Block:
    """A plain list of sentences (escaped)."""
    return Block("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>")


def section_missing_list(missing_sections: dict[str, str], whole: list[str] | None = None) -> Block:
    """A summary of every section (or part of one) without data, for the top of a report.

    The items named in ``whole`` (default: all) are whole sections; they carry
    ``data-missing-section`` so the page check can tell when such a section has content.
    """
    if not missing_sections:
        return Block('<p class="ccdata-complete">Every section of this report has data.</p>')
    whole = list(missing_sections) if whole is None else whole
    items = "".join("<li" + (f' data-missing-section="{esc(k)}"' if k in whole else "") + ">"
                    f"<strong>{esc(k)}</strong>: {esc(v)}</li>" for k, v in missing_sections.items())
    return Block(f'<div class="ccdata-missing" role="note"><strong>Sections without data:</strong>'
                 f"<ul>{items}</ul></div>")


def key_findings(sentences: list[str], stands_out: pd.DataFrame | None = None, *,
                 limits: str = "") -> Block:
    """The key findings at the top of a page, and the "what stands out" table.

    Parameters
    ----------
    sentences : list of str
        Plain-English findings (escaped); a :class:`ccdata.analysis.findings.Sentence`
        has its figures marked with their ids. None gives a plain note instead.
    stands_out : DataFrame, optional
        Ranked indicators (:func:`ccdata.analysis.findings.stands_out`): ``indicator``
        (ids, not shown), ``Indicator``, ``About children``, ``Place %``, ``England %``,
        ``Gap (percentage points)``, ``Compared with England``.
    limits : str
        One line on the limits of the ranking, printed under the table.
    """
    if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences):
        raise TypeError("key_findings expects a list of sentences")
    body = ("<ul>" + "".join(f"<li>{figure_marks.sentence_html(s)}</li>" for s in sentences) + "</ul>") \
        if sentences else \
        "<p>No clear differences from England were found in the figures available for this place.</p>"
    if stands_out is not None and len(stands_out):
        ids = list(stands_out["indicator"]) if "indicator" in stands_out.columns else [None] * len(stands_out)
        shown = stands_out.drop(columns=[c for c in ("indicator",) if c in stands_out.columns])
        marks = {"Place %": figure_marks.column_ids(ids, "value", "percent"),
                 "England %": figure_marks.column_ids(ids, "value", "percent", area="england"),
                 "Gap (percentage points)": figure_marks.column_ids(ids, "gap_england", "difference"),
                 "Compared with England": figure_marks.column_ids(ids, "verdict", "verdict")}
        body += ("<h3>What stands out</h3><p>Where this place is clearly worse than England, largest gap "
                 "first: candidates for a focal issue. Indicators about children are marked.</p>"
                 '<div data-stands-out="">'
                 + table_html(shown, caption="Indicators where the place is clearly worse than England, "
                              "largest gap first",
                              formats={"Place %": ".1f", "England %": ".1f", "Gap (percentage points)": ".1f"},
                              figures={k: v for k, v in marks.items() if k in shown.columns})
                 + "</div>"
                 + (f'<p class="ccdata-limits">{esc(limits)}</p>' if limits else ""))
    return Block('<section class="ccdata-findings" aria-labelledby="ccdata-key-findings">'
                 f'<h2 id="ccdata-key-findings">Key findings</h2>{body}</section>')


def glossary(terms: list[str]) -> Block:
    """The terms a page uses, explained in plain words where they first appear.

    Parameters
    ----------
    terms : list of str
        Keys of :data:`ccdata.present.labels.GLOSSARY` ("LSOA", "decile", "betweenness" ...).

    Raises
    ------
    KeyError
        A term the glossary does not explain.
    """
    items = []
    for line in glossary_lines(terms):
        term, _, meaning = line.partition(": ")
        items.append(f"<li><strong>{esc(term)}</strong>: {esc(meaning)}</li>")
    return Block('<div class="ccdata-glossary" role="note"><p class="ccdata-glossary-title">Words used here</p>'
                 f"<ul>{''.join(items)}</ul></div>")
