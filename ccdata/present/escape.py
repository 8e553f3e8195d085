"""Escaping text from input files for the context it lands in: HTML text, attributes, JavaScript, URLs, SVG.

Every page, map and drawing takes text typed by people (asset and organisation
names, survey labels, file names in notes). Each context needs its own escaping,
and HTML escaping is not enough inside a script: a name such as
``${alert(1)}`` or ``</script>`` is harmless in HTML text but code in a JavaScript
template literal. Use the function for the context, never string concatenation.

Braces are escaped too (``{`` and ``}`` as ``&#123;``/``&#125;`` in HTML, ``\\u007b``/
``\\u007d`` in JavaScript). The maps' toolkit (branca, under folium) reads every
piece of script and header it writes as a Jinja template and renders it a second
time, so a name such as ``{{ 7*7 }}`` would otherwise be evaluated on the
adviser's machine (and ``{{ lipsum.__globals__ }}`` reach Python itself).

Explicit direction controls (U+202A-U+202E, U+2066-U+2069) and invisible zero-width
characters are removed from every escaped text: a name holding U+202E displays reversed,
and so does everything after it in a title or tooltip. The joiners (ZWJ, ZWNJ) are
kept: they are part of names in several scripts. Where a name from input lands, it is
isolated so a right-to-left name cannot reorder the text around it: :func:`name_html`
(``<bdi>``) in HTML text, :func:`name_attr` and :func:`name_js` (FSI ... PDI) in titles,
tooltips and attributes; SVG text is isolated by the page's stylesheet (``unicode-bidi: isolate``).
"""
from __future__ import annotations

import html
import json
import math
import re

import pandas as pd

_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
#: Direction controls (embeddings, overrides, isolates) and zero-width non-joiners (marks,
#: space, word joiner, byte-order mark): removed from escaped text. ZWJ/ZWNJ are kept.
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f\u2060\ufeff]")
FSI, PDI = "\u2068", "\u2069"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return _CONTROLS.sub("", str(value))


def html_text(value) -> str:
    """Text between HTML tags (also safe in a double- or single-quoted attribute).

    Backticks and ``$`` are escaped too, so the result stays inert if a caller
    later places it inside a JavaScript template literal, and braces, so it stays
    inert if it is read as a Jinja template (see the module docstring).

    Examples
    --------
    >>> html_text('<b>Kids & "Co"</b> ${x}')
    '&lt;b&gt;Kids &amp; &quot;Co&quot;&lt;/b&gt; &#36;&#123;x&#125;'
    """
    return (html.escape(_text(value), quote=True).replace("`", "&#96;").replace("$", "&#36;")
            .replace("{", "&#123;").replace("}", "&#125;"))


def name_html(value) -> str:
    """A name from input in HTML text: escaped and isolated (``<bdi>``), so a right-to-left
    name cannot reorder the words around it.

    Examples
    --------
    >>> name_html("Kids & Co\u202e")
    '<bdi>Kids &amp; Co</bdi>'
    """
    return f"<bdi>{html_text(value)}</bdi>"


def name_attr(value) -> str:
    """A name for a title, tooltip or attribute value: escaped as :func:`html_text`, controls
    removed, and isolated by FSI ... PDI (characters, so they work where no tag can).

    Examples
    --------
    >>> name_attr('abc\u202e"d') == "\u2068abc&quot;d\u2069"
    True
    """
    text = html_text(value)
    return f"{FSI}{text}{PDI}" if text else ""


def isolated(value) -> str:
    """A name as plain text (not escaped), controls removed and isolated by FSI ... PDI: for
    text a script sets as ``textContent`` or ``title``. Escape it if it goes anywhere else."""
    text = _text(value)
    return f"{FSI}{text}{PDI}" if text else ""


def name_js(value, after: str = "") -> str:
    """A name as a JavaScript string literal (see :func:`js_string`), isolated by FSI ... PDI
    (for tooltips and titles a script sets); ``after`` is text that follows it (not isolated)."""
    return _js(isolated(value) + _text(after))


#: An attribute value is escaped as HTML text (quotes included); always quote attributes.
html_attr = html_text
#: SVG text and attributes follow the XML rules, which HTML escaping covers.
svg_text = html_text


def js_string(value) -> str:
    """A JavaScript string literal (with its quotes) safe inside ``<script>`` and HTML.

    ``<``, ``>``, ``&``, backtick and the line separators U+2028/2029 are written as
    ``\\u`` escapes, so the literal can neither end the script element nor open a
    template substitution; so are braces (see the module docstring).

    Examples
    --------
    >>> js_string("</script>`${x}`")
    '"\\\\u003c/script\\\\u003e\\\\u0060$\\\\u007bx\\\\u007d\\\\u0060"'
    """
    return _js(_text(value))


def _js(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("`", "\\u0060"),
                       ("{", "\\u007b"), ("}", "\\u007d"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        out = out.replace(char, code)
    return out


def safe_url(value) -> str | None:
    """An ``http(s)`` URL fit for an ``href`` (escaped for an attribute), or ``None``.

    Anything else (``javascript:``, ``data:``, relative paths, spaces or quotes) is
    refused rather than repaired.
    """
    text = _text(value).strip()
    if not text or not _URL.match(text):
        return None
    return html_attr(text)
