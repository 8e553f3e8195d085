"""Block styles for JupyterLab: each display block carries the page stylesheet's rules for its classes.

An exported page has the whole stylesheet (``templates/ccdata/ccdata.css``) in its head.
A notebook open in JupyterLab has no such head, so tiles, notices and tables would lose
their look. :meth:`ccdata.present.blocks.Block._repr_html_` therefore puts a compact
``<style data-ccdata-style>`` in front of a block, holding only the rules of that same
stylesheet which apply to the classes the block uses (:func:`style_for`), as specific as
on the page. The rules are read from ``ccdata.css`` itself, so the notebook and the page
cannot drift apart; print rules and page-only rules (header, footer, skip link) are left out.

When a report is exported, :func:`strip` takes these tags out again: the page shell
already carries the stylesheet once.

JupyterLab shows ``<style>`` only in trusted outputs: cells run in the session, or a
notebook marked trusted.
"""
from __future__ import annotations

import re

from ccdata import cache, config

#: The page stylesheet the rules are read from.
STYLESHEET = config.resource("templates") / "ccdata" / "ccdata.css"
#: The attribute that marks a block's own style tag (found and removed by :func:`strip`).
MARKER = "data-ccdata-style"
#: The page's scope: a rule under it applies in a notebook too when the scope becomes
#: :data:`LAB_SCOPE`, which matches any ancestor but keeps the rule's specificity (so it
#: still wins over JupyterLab's own table rules, as it does on the page).
PAGE_SCOPE = "body.ccdata-page "
LAB_SCOPE = ":is(body.ccdata-page,*) "

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CLASS_ATTR = re.compile(r"""\bclass=(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_STRIP = re.compile(r"<style\s+" + MARKER + r"\b[^>]*>.*?</style>", re.S | re.IGNORECASE)


def _matching_brace(text: str, start: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``start``."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"{STYLESHEET.name}: a '{{' at character {start} is never closed")


def parse(css: str, media: str = "") -> list[tuple[str, str, str]]:
    """The style rules of a stylesheet as ``(media, selector, declarations)``.

    ``@media`` blocks are opened (their rules carry the media query); print media and
    other at-rules (``@page``) are left out, being of no use in a notebook.

    Parameters
    ----------
    css : str
        Stylesheet text (plain CSS; comments are ignored).
    media : str
        The media query the text sits in (used when recursing).

    Raises
    ------
    ValueError
        Unbalanced braces.
    """
    if not isinstance(css, str):
        raise TypeError(f"parse expects stylesheet text, not {type(css).__name__}")
    css = _COMMENT.sub("", css)
    rules, pos = [], 0
    while True:
        start = css.find("{", pos)
        if start < 0:
            if css[pos:].strip():
                raise ValueError(f"{STYLESHEET.name}: text after the last rule: {css[pos:].strip()[:40]!r}")
            return rules
        prelude = " ".join(css[pos:start].split())
        end = _matching_brace(css, start)
        inner = css[start + 1:end]
        if prelude.startswith("@media"):
            if "print" not in prelude:
                rules += parse(inner, prelude)
        elif not prelude.startswith("@"):
            body = re.sub(r":\s+", ":", re.sub(r"\s*;\s*", ";", " ".join(inner.split())))
            rules.append((media, prelude, body))
        pos = end + 1


@cache.pure("single")
def _stylesheet_rules() -> tuple[tuple[str, str, str], ...]:
    return tuple(parse(STYLESHEET.read_text(encoding="utf-8")))


def block_classes(html: str) -> frozenset[str]:
    """Every class name used in a block's markup (quoted or bare ``class`` attributes)."""
    if not isinstance(html, str):
        raise TypeError(f"block_classes expects HTML text, not {type(html).__name__}")
    names: set[str] = set()
    for m in _CLASS_ATTR.finditer(html):
        names.update((m.group(1) or m.group(2) or m.group(3) or "").split())
    return frozenset(names)


def _selector_applies(selector: str, classes: frozenset[str]) -> bool:
    """A selector applies to a block when it names classes and the block uses all of them."""
    needed = set(_SELECTOR_CLASS.findall(selector)) - {"ccdata-page"}
    return bool(needed) and needed <= classes


def rules_for(classes, rules=None) -> str:
    """The CSS (compact) of the rules that apply to markup using ``classes``.

    Custom properties (``:root``) are always kept, so ``var(--ccdata-...)`` resolves.

    Parameters
    ----------
    classes : iterable of str
        Class names used by the block.
    rules : list of (media, selector, declarations), optional
        Parsed rules (default: those of :data:`STYLESHEET`).
    """
    classes = frozenset(classes)
    rules = _stylesheet_rules() if rules is None else rules
    plain, by_media, any_block_rule = [], {}, False
    for media, selector, body in rules:
        if selector == ":root":
            kept = [selector]
        else:
            kept = [s.strip().replace(PAGE_SCOPE, LAB_SCOPE) for s in selector.split(",")
                    if _selector_applies(s, classes)]
        if not kept:
            continue
        any_block_rule = any_block_rule or selector != ":root"
        rule = f"{','.join(kept)}{{{body}}}"
        (by_media.setdefault(media, []) if media else plain).append(rule)
    if not any_block_rule:
        return ""
    return "".join(plain) + "".join(f"{media}{{{''.join(rs)}}}" for media, rs in by_media.items())


@cache.pure("block styles")
def _style_tag(classes: frozenset[str]) -> str:
    css = rules_for(classes)
    return f"<style {MARKER}>{css}</style>" if css else ""


def style_for(html: str) -> str:
    """The ``<style data-ccdata-style>`` tag a block carries in a notebook (empty when no rule applies)."""
    return _style_tag(block_classes(html))


def strip(page_html: str) -> str:
    """A page without the blocks' own style tags (the page shell carries the stylesheet once)."""
    if not isinstance(page_html, str):
        raise TypeError(f"strip expects HTML text, not {type(page_html).__name__}")
    return _STRIP.sub("", page_html)
