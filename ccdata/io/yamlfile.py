"""Reading the adviser's YAML files (places, batch parameters) with limits an attacker cannot exceed.

``yaml.safe_load`` builds Python objects only, but it still expands anchors and
aliases: a few hundred bytes of nested aliases (a "billion laughs" file) grow to
gigabytes, and deep nesting ends in ``RecursionError``. :func:`load` therefore
refuses aliases before anything is built, caps the file size and the nesting depth,
and turns every YAML or operating-system error into a :class:`CcdataError` that names
the file and line.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from ccdata.errors import YamlError

#: Largest YAML file read (bytes): place definitions and batch parameters are small.
MAX_BYTES = 1_000_000
#: Deepest nesting of mappings and lists accepted.
MAX_DEPTH = 40
#: Most values a document may hold once anchors and aliases are expanded.
MAX_NODES = 100_000




def _where(path, mark) -> str:
    if mark is None:
        return str(path)
    return f"{path}, line {mark.line + 1}"


def load(path, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH, what: str = "YAML file"):
    """Parse a YAML file safely.

    Parameters
    ----------
    path : path-like
        The file.
    max_bytes, max_depth : int
        Size and nesting limits.
    what : str
        What the file is, for messages ("place definitions").

    Returns
    -------
    object
        The parsed document (``None`` for an empty file).

    Raises
    ------
    YamlError
        The file is missing or unreadable, larger than ``max_bytes``, expands through
        aliases to more than :data:`MAX_NODES` values, nests deeper than ``max_depth``, or is not valid YAML (the line is named).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlError(f"{path}: the {what} is {size:,} bytes; the limit is {max_bytes:,} "
                            "(is this the right file?)")
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlError(f"{path}: the {what} cannot be read ({exc.strerror or exc})") from exc
    if len(raw) > max_bytes:
        raise YamlError(f"{path}: the {what} is larger than {max_bytes:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise YamlError(f"{path}, line {line}: the {what} is not UTF-8 text") from exc
    return loads(text, source=str(path), max_depth=max_depth, what=what)


def loads(text: str, *, source: str = "<text>", max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES,
          what: str = "YAML file"):
    """Parse YAML text with the limits of :func:`load` (aliases bounded, nesting bounded)."""
    stack: list[list] = []       # [anchor, expanded size] of each open mapping or sequence
    anchors: dict[str, int] = {}  # expanded size of each anchored node

    def grow(size: int, mark) -> None:
        if stack:
            stack[-1][1] += size
            if stack[-1][1] > max_nodes:
                raise YamlError(f"{_where(source, mark)}: the {what} would expand to more than {max_nodes:,} "
                                "values through YAML anchors and aliases (&name / *name); write the values "
                                "out in full")

    try:
        # first pass: events only, nothing is built, so a bomb is refused before expansion
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                grow(anchors.get(event.anchor, 1), event.start_mark)
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor:
                    anchors[event.anchor] = 1
                grow(1, event.start_mark)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= max_depth:
                    raise YamlError(f"{_where(source, event.start_mark)}: the {what} nests deeper than "
                                    f"{max_depth} levels")
                stack.append([event.anchor, 1])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                anchor, size = stack.pop()
                if anchor:
                    anchors[anchor] = size
                grow(size, event.start_mark)
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed"
        raise YamlError(f"{_where(source, mark)}: the {what} is not valid YAML ({problem})") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{source}: the {what} is not valid YAML ({exc})") from None
    except RecursionError:
        raise YamlError(f"{source}: the {what} nests too deeply") from None
