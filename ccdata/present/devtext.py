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
- a count of 100 or more ending in ``.0`` (``623.0``, ``13,574.0``), and a count of
  any size with a decimal point: a figure marked ``data-kind="count"``, a number
  before or after a counted noun ("45.0 ties"), or a cell of a table column headed
  as a count ("Children", "Number of ...", not "%");
- "1 neighbourhoods"-style plurals;
- the adviser's words (:data:`ADVISER_PHRASES`: "standard errors", "Wilson interval", ...);
- a section listed as "without data" (``data-missing-section``) that has a table or
  chart under its heading;
- one figure shown with two values: every figure printed from a computed table
  carries ``data-figure``/``data-kind`` (:mod:`ccdata.present.figures`); one id
  must read the same wherever it is printed (a number printed with fewer decimals
  must be the other rounded), and an item of "What stands out"
  (``data-stands-out``) must carry the verdict "worse".

The footer's "ccdata 0.1.0" and words such as "tenant" or "None of these" pass.
"""
from __future__ import annotations

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
#: Nouns that count whole things: "1 neighbourhoods" is a plural error, "45.0 ties" a count
#: with a decimal point.
COUNT_NOUNS = ("neighbourhoods", "neighborhoods", "wards", "ties", "children", "residents", "people",
               "households", "pupils", "schools", "organisations", "connections", "responses", "answers",
               "assets", "places", "members", "areas", "authorities", "LSOAs", "questions", "years")
_NOUNS = "|".join(COUNT_NOUNS)
#: Words for advisers that partners should not meet (the statistics and the machinery).
#: "Wilson" only with the words of the method: a surgery or street may be called Wilson.
ADVISER_PHRASES = ("standard error", "Wilson interval", "Wilson score", "Wilson 95", "perturbed", "has not been fetched", "not been generated",
                   "Edit to match", "Partnerships can add", "collection=", "L14.1", "z-score")
_TEXT_PATTERNS += (
    ("a plural after one (\"1 neighbourhoods\")",
     re.compile(r"(?<![\d.,])(?:1|one) (?:" + _NOUNS + r")\b", re.IGNORECASE)),
    ("a count printed with a decimal point",
     re.compile(r"(?<![\d.,])\d[\d,]*\.\d+ (?:" + _NOUNS + r")\b|\b(?:weighted )?(?:ties|count) "
                r"(?<![\d.])\d[\d,]*\.\d+(?![\d%])")),
    ("words for the adviser", re.compile("|".join(re.escape(p) for p in ADVISER_PHRASES), re.IGNORECASE)),
)
#: Marks the end of a block of text in the collected text.
BREAK = "\x00"
#: Patterns read within one block of text only.
_PHRASES = {_TEXT_PATTERNS[-3][0], _TEXT_PATTERNS[-2][0]}
#: A table column whose header reads as a count of things (and not a share, rate or average).
_COUNT_HEADER = re.compile(r"^(?:number of|children\b|residents\b|households\b|people\b|pupils\b|"
                           r"neighbourhoods\b|ties\b|responses\b|count\b|of which\b)", re.IGNORECASE)
_NOT_COUNT_HEADER = re.compile(r"%|share|rate|per |average|mean|median|rank|score|change|gap|points",
                               re.IGNORECASE)
_DECIMAL = re.compile(r"\d\.\d")
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
    #: Elements whose text never runs on into the next element's ("LSOAs (2021)" | "1" | "Residents").
    BLOCK = {"p", "div", "li", "dt", "dd", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "caption",
             "figcaption", "section", "ul", "ol", "dl", "table", "summary", "details", "title", "text"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, hidden, inside "what stands out")
        self.text: list[str] = []
        self.headers: list[str] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None
        self._cell_tag = ""
        # figures: [id, kind, text parts, in stands-out, stack depth] while open, then recorded
        self.figures: list[tuple[str, str, str, bool]] = []
        self._open_figures: list[list] = []
        self.missing_sections: list[str] = []
        self.sections: dict[str, int] = {}  # heading text -> tables and charts under it
        self._heading: list[str] | None = None
        self._section = ""
        # tables: header texts, and (column, cell text) of the body cells
        self.tables: list[tuple[list[str], list[tuple[int, str]]]] = []
        self._column = 0

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    @property
    def standing_out(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        hide = self.hidden or tag in self.SKIP or a.get("data-audience") == "adviser"
        self.stack.append((tag, hide, self.standing_out or "data-stands-out" in a))
        if hide:
            return
        if tag in self.BLOCK:
            self.text.append(BREAK)
        if tag in ("th", "td"):
            self._cell, self._cell_tag = [], tag
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "tr":
            self._column = 0
        if tag in ("h2",):
            self._heading = []
        elif tag in ("table", "figure", "svg") and self._section:
            self.sections[self._section] = self.sections.get(self._section, 0) + 1
        if a.get("data-missing-section"):
            self.missing_sections.append(a["data-missing-section"])
        if a.get("data-figure"):
            self._open_figures.append([a["data-figure"], a.get("data-kind", ""), [], self.standing_out,
                                       len(self.stack)])

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if tag in self.BLOCK and not self.hidden:
            self.text.append(BREAK)
        if tag in ("th", "td") and self._cell is not None and not self.hidden:
            value = " ".join("".join(self._cell).split())
            (self.headers if self._cell_tag == "th" else self.cells).append(value)
            if self.tables:
                head, body = self.tables[-1]
                if self._cell_tag == "th" and not body:
                    head.append(value)
                elif self._cell_tag == "td":
                    body.append((self._column, value))
            self._column += 1
            self._cell = None
        if tag == "h2" and self._heading is not None and not self.hidden:
            self._section = " ".join("".join(self._heading).replace("\u00b6", "").split())
            self.sections.setdefault(self._section, 0)
            self._heading = None
        # pop to the matching tag (tolerates unclosed <p>, <li> ...)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        while self._open_figures and self._open_figures[-1][4] > len(self.stack):
            fid, kind, parts, standing, _ = self._open_figures.pop()
            self.figures.append((fid, kind, " ".join("".join(parts).split()), standing))

    def handle_data(self, data):
        if self.hidden:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._heading is not None:
            self._heading.append(data)
        for fig in self._open_figures:
            fig[2].append(data)


def _same(text: str) -> str:
    """A printed figure as compared across the page: "36.2%" and "36.2" are one value."""
    return text.replace("%", "").replace("\u2212", "-").strip().lower()


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
    parser = _Text()
    parser.feed(page_html)
    parser.close()
    joined = " ".join(parser.text)
    text = " ".join(joined.replace(BREAK, " ").split())
    # the phrase patterns never run across the end of a block ("LSOAs (2021)" then "1" then "Residents")
    blocked = " ".join(joined.replace(BREAK, " \n ").split(" ")).replace(" \n ", "\n")
    blocked = "\n".join(" ".join(part.split()) for part in blocked.split("\n"))
    problems = []
    for kind, pattern in _TEXT_PATTERNS:
        read = blocked if kind in _PHRASES else text
        for m in pattern.finditer(read):
            start = max(0, m.start() - 30)
            problems.append(Problem(kind, " ".join(read[start:m.end() + 30].split())))
    for header in parser.headers:
        if _SNAKE.match(header):
            problems.append(Problem("a snake_case column header", header))
    for cell in parser.cells:
        if cell in _EMPTY_CELLS:
            problems.append(Problem("an empty value printed as a word in a table cell", cell))
    for head, body in parser.tables:
        counts = {i for i, h in enumerate(head) if _COUNT_HEADER.match(h) and not _NOT_COUNT_HEADER.search(h)}
        for column, cell in body:
            if column in counts and _DECIMAL.search(cell):
                problems.append(Problem("a count printed with a decimal point", f"{head[column]}: {cell}"))
    problems += _figure_problems(parser)
    for name in parser.missing_sections:
        if parser.sections.get(name):
            problems.append(Problem("a section listed as without data has content", name))
    return problems


def _figure_problems(parser: _Text) -> list[Problem]:
    """One id, one value; no decimal point in a count; "what stands out" says "worse"."""
    problems = []
    shown: dict[str, list[str]] = {}
    for fid, kind, text, standing in parser.figures:
        if text:
            shown.setdefault(fid, []).append(text)
        if kind == "count" and _DECIMAL.search(text):
            problems.append(Problem("a count printed with a decimal point", f"{fid}: {text}"))
        if standing and kind == "verdict" and text.lower() != "worse":
            problems.append(Problem("a 'what stands out' item the table does not call worse", f"{fid}: {text}"))
    for fid, texts in shown.items():
        values = list(dict.fromkeys(_same(t) for t in texts))
        if len(values) > 1 and not _agree(values):
            problems.append(Problem("one figure shown with two values", f"{fid}: {' / '.join(values)}"))
    return problems


_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.(\d+))?$")


def _agree(values: list[str]) -> bool:
    """Numbers printed at different precisions agree when both can be the same number
    rounded ("33" and "33.3" of a share, "5" and "4.5" of 4.51); at the same precision
    they must be the same ("36.2" and "36.3" never agree)."""
    parsed = []
    for v in values:
        m = _NUMBER.match(v)
        if not m:
            return False
        parsed.append((float(v.replace(",", "")), len(m.group(1) or "")))
    for i, (a, da) in enumerate(parsed):
        for b, db in parsed[i + 1:]:
            if da == db:
                return False  # two different texts at one precision (they differ, or _same would match)
            if abs(a - b) > 0.5 * 10 ** -da + 0.5 * 10 ** -db + 1e-9:
                return False
    return True
