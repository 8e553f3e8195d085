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
"""
from __future__ import annotations

import html
import json
import math
import re

import pandas as pd

_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


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
    out = json.dumps(_text(value), ensure_ascii=False)
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
