"""The developer-text check: text a partner should never meet on a page.

One check, used when a page is written (a page that fails is not published and the
problem goes to the adviser notes) and by the tests over every partner page. It reads
the page's visible text (not scripts, styles, attributes or adviser-only sections) and
looks for exactly these patterns:

- a ``ccdata`` command (``ccdata fetch``, ``ccdata build`` ...);
- a ``.yaml``/``.yml`` or ``.ipynb`` file name;
- ``attrs[`` (a pandas table's attributes);
- ``Traceback`` (Python exception text);
- an absolute file path (``/tmp/...``, ``/home/...``, ``C:\\...``);
- a ``snake_case`` table column header;
- ``None``/``nan``/``NaN``/``NaT``/``<NA>`` as a whole table cell;
- a count of 100 or more ending in ``.0`` (``623.0``, ``13,574.0``).

The footer's "ccdata 0.1.0" and words such as "tenant" or "None of these" pass.

The page is read as :class:`html.parser.HTMLParser` reads it; well-formed markup (every
page ccdata writes) is read by a faster tokenizer that feeds the same handlers the same
events, and anything it does not accept is left to HTMLParser.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

#: The ccdata command line's sub-commands (``ccdata --help``).
COMMANDS = ("fetch", "build", "places", "registry", "demo", "report", "batch")

_TEXT_PATTERNS = (
    ("a ccdata command", re.compile(r"\bccdata\s+(?:" + "|".join(COMMANDS) + r")\b(?![-\w])")),
    ("a configuration or notebook file name", re.compile(r"\b[\w.-]+\.(?:ya?ml|ipynb)\b", re.IGNORECASE)),
    ("a table's attributes (attrs[)", re.compile(r"\battrs\[")),
    ("Python exception text (Traceback)", re.compile(r"\bTraceback\b")),
    ("an absolute file path", re.compile(r"(?:(?<![\w:/.~-])/(?:[\w.-]+/)+[\w.-]*|\b[A-Za-z]:\\[\w\\. -]+)")),
    ("a count printed with a spurious .0",
     re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|[1-9]\d{2,})\.0(?![\d%])")),
)
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_EMPTY_CELLS = {"None", "nan", "NaN", "NaT", "<NA>", "null"}


@dataclass(frozen=True)
class Problem:
    """One piece of developer text found on a page."""

    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text!r}"


class _Text(HTMLParser):
    """Collects visible text, table headers and table cells, skipping adviser sections."""

    SKIP = {"script", "style", "template", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self.text: list[str] = []
        self.headers: list[str] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None
        self._cell_tag = ""

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        hide = self.hidden or tag in self.SKIP or a.get("data-audience") == "adviser"
        self.stack.append((tag, hide))
        if tag in ("th", "td") and not hide:
            self._cell, self._cell_tag = [], tag

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if tag in ("th", "td") and self._cell is not None and not self.hidden:
            value = " ".join("".join(self._cell).split())
            (self.headers if self._cell_tag == "th" else self.cells).append(value)
            self._cell = None
        # pop to the matching tag (tolerates unclosed <p>, <li> ...)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.hidden:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


# --------------------------------------------------------------------------- the fast reading
# A page is mostly well-formed tags (thousands of table cells, chart shapes) around long
# stylesheets and scripts; HTMLParser spends most of its time taking every tag's attributes
# apart, and only ``data-audience`` matters here. The fast reading splits the page with one
# pattern that accepts only unambiguous markup: tags with plain names and well-quoted or
# plain attributes, end tags without attributes, comments without ``--`` inside, a doctype,
# text without ``<``. It feeds the same handlers (:class:`_Text`) with the same events
# HTMLParser gives, and gives up (returns ``None``) on anything else: a stray ``<``, a
# processing instruction, a comment, script or raw-text element written in a way Python
# versions read differently. Then the page is read by HTMLParser, so findings never differ.
_WS = "[ \t\n\r\f]"
_TOKEN = re.compile(
    "<(?:(?P<close>/)?(?P<name>[a-zA-Z][a-zA-Z0-9-]*)"
    f"(?P<attrs>(?:{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_WS}*={_WS}*(?:\"[^\"]*\"|'[^']*'|[^\"'=<>`\\s]+))?)*)"
    f"{_WS}*(?P<selfclose>/)?>"
    "|!--(?P<comment>(?:(?!--)[^>])(?:(?!--).)*?)?-->"
    "|![Dd][Oo][Cc][Tt][Yy][Pp][Ee][^<>]*>)", re.DOTALL)
#: Elements whose content some Python version reads as text, not markup: the fast reading
#: accepts them only when their content is text without ``<`` closed by their own end tag,
#: and, where a version would not decode character references in it, without ``&``
#: (``script`` and ``style``, always text: no look-alike end tag, no comment opener).
_RCDATA = {"title", "textarea"}
_RAW_TEXT = _RCDATA | {"xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"}
_AUDIENCE = re.compile("data-audience", re.IGNORECASE)


class _Attrs(HTMLParser):
    """The attributes of one start tag, as HTMLParser reads them."""

    def handle_starttag(self, tag, attrs):
        self.attrs = attrs

    handle_startendtag = handle_starttag


def _attrs(tag_text: str) -> list:
    parser = _Attrs()
    parser.attrs = []
    parser.feed(tag_text)
    parser.close()
    return parser.attrs


def _fast_read(page_html: str) -> _Text | None:
    """The page read by the fast reading, or ``None`` where it gives up (see above)."""
    parser = _Text()
    start_tag, end_tag, handle_data, unescape = (parser.handle_starttag, parser.handle_endtag,
                                                 parser.handle_data, html.unescape)
    audience = _AUDIENCE.search(page_html) is not None
    search, find, n, pos = _TOKEN.search, page_html.find, len(page_html), 0
    while pos < n:
        m = search(page_html, pos)
        end = m.start() if m else n
        if end > pos:
            data = page_html[pos:end]
            if "<" in data:
                return None
            handle_data(unescape(data))
        if not m:
            break
        pos = m.end()
        close, name, attrs, selfclose, _comment = m.groups()
        if name is None:  # comment or doctype
            continue
        tag = name.lower()
        if close:
            if attrs or selfclose:
                return None
            end_tag(tag)
            continue
        start_tag(tag, _attrs(m.group(0)) if audience and _AUDIENCE.search(attrs) else [])
        if selfclose:
            end_tag(tag)
        elif tag in ("script", "style"):
            closing = re.compile(f"<(?:/\\s*{tag}|!--)", re.IGNORECASE).search(page_html, pos)
            if closing is None:  # read to the end as hidden text: nothing more to find
                break
            if page_html[closing.start():closing.end() + 1].lower() != f"</{tag}>":
                return None
            pos = closing.start()
        elif tag in _RAW_TEXT:  # plain text up to its own end tag: read alike as markup or as text
            after = find("<", pos)
            if (after < 0 or (tag not in _RCDATA and "&" in page_html[pos:after])
                    or page_html[after:after + len(tag) + 3].lower() != f"</{tag}>"):
                return None
    return parser


def _read(page_html: str) -> _Text:
    parser = _fast_read(page_html)
    if parser is None:
        parser = _Text()
        parser.feed(page_html)
        parser.close()
    return parser


def check(page_html: str) -> list[Problem]:
    """Every piece of developer text on a partner page (empty list when clean).

    Parameters
    ----------
    page_html : str
        A whole page or a fragment. Sections marked ``data-audience="adviser"`` are
        not checked (they go to the adviser notes).

    Returns
    -------
    list of Problem
    """
    if not isinstance(page_html, str):
        raise TypeError(f"check expects HTML text, not {type(page_html).__name__}")
    parser = _read(page_html)
    text = " ".join(" ".join(parser.text).split())
    problems = []
    for kind, pattern in _TEXT_PATTERNS:
        for m in pattern.finditer(text):
            start = max(0, m.start() - 30)
            problems.append(Problem(kind, text[start:m.end() + 30].strip()))
    for header in parser.headers:
        if _SNAKE.match(header):
            problems.append(Problem("a snake_case column header", header))
    for cell in parser.cells:
        if cell in _EMPTY_CELLS:
            problems.append(Problem("an empty value printed as a word in a table cell", cell))
    return problems
