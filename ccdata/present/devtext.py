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
