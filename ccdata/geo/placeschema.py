"""The one declared schema of a place definition in ``places.yaml``: every key, its type, the local kinds.

:data:`PLACE_KEYS` lists every top-level key a place may have, with its type and what
it is for; ``local:`` takes the kinds of :data:`ccdata.io.local.kinds.LOCAL_KINDS`
(each with the reader of its file) and ``local_authority:`` the keys of
:data:`AUTHORITY_KEYS`. :func:`check_definition` checks a definition against it before
a place is resolved, so a misspelt key (``locl:``, ``asset:``) is named with the place
and the nearest known key instead of being ignored; :func:`markdown` writes the
schema for ``docs/contracts.md``. The footprint's parts are checked where they are
resolved (:mod:`ccdata.geo.footprint`), Census files where they are read, and
``baseline``/``targets`` by the progress page (:mod:`ccdata.analysis.trends`).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from ccdata import config
from ccdata.errors import PlaceError
from ccdata.io.local.kinds import LOCAL_KINDS

#: The Python types of each word used for a key's type.
TYPES = {"text": (str,), "whole number": (int,), "true or false": (bool,), "mapping": (dict,)}


@dataclass(frozen=True)
class Key:
    """One key of a place definition: its name, its type (words of :data:`TYPES`), what it is for."""

    name: str
    types: tuple[str, ...]
    about: str
    required: bool = False
    example: str = ""

    def __post_init__(self):
        unknown = [t for t in self.types if t not in TYPES]
        if unknown:
            raise ValueError(f"key {self.name!r}: types must be among {list(TYPES)}, not {unknown}")


#: Every key a place definition may have, in the order ``places.yaml`` writes them.
PLACE_KEYS: tuple[Key, ...] = (
    Key("name", ("text",), "the place's name, as partners read it", required=True),
    Key("collection", ("text",), "`official` (the published files; the default) or `demo` (the fictional place)"),
    Key("fictional", ("true or false",), "a made-up place: every page says its people and figures are not real"),
    Key("description", ("text",), "what partners read about the place, in plain words"),
    Key("adviser_description", ("text",), "how the footprint was chosen and how to change it (adviser notes only)"),
    Key("local_authority", ("mapping",), "the local authority (2024): `code`, and optionally `name` and `vintage`",
        required=True, example="{code: E08000008, name: Tameside, vintage: 2024}"),
    Key("footprint", ("mapping",), "the place's LSOAs: any of `lsoas`, `wards` and `polygon`; the union is the place",
        required=True, example="{wards: {vintage: 2024, codes: [E05...]}}"),
    Key("local", ("mapping",), "the partnership's own files, by kind (below): paths relative to the data folder "
        "(`CCDATA_DATA_DIR`) or absolute", example="{assets: raw/local/assets.csv}"),
    Key("census", ("mapping",), "Census tables the official files lack, by table code: a Nomis download or a "
        "folder holding it", example="{ts003: raw/local/nomis_ts003.csv}"),
    Key("baseline", ("text", "whole number", "mapping"), "the first period progress is measured from: one period "
        "(`2021/22`, `FYE 2022`, `2022`) or one per form (`academic`, `financial`, `calendar`)"),
    Key("targets", ("mapping",), "targets shown beside the latest value on the progress page: "
        "`{<outcome id>: {value, period}}`", example="{eyfs_gld: {value: 70, period: 2026/27}}"),
    Key("adhoc", ("true or false",), "set by ccdata on an authority or ward place named on the command line "
        "(`la-...`, `ward24-...`); not written by hand"),
)
#: The keys of ``local_authority:``.
AUTHORITY_KEYS: tuple[Key, ...] = (
    Key("code", ("text",), "the 2024 local authority code (E06, E07, E08 or E09...)", required=True),
    Key("name", ("text",), "its name (else the name in the ONS lookup)"),
    Key("vintage", ("whole number", "text"), "the year of the code (2024)"),
)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:45]}...{text[-10:]}"


def _is(value, types: tuple[str, ...]) -> bool:
    # True and False are ints to Python; a yes/no where a number belongs is still wrong
    if isinstance(value, bool) and "true or false" not in types:
        return False
    return any(isinstance(value, t) for words in types for t in TYPES[words])


def _unknown(where: str, what: str, key, known) -> PlaceError:
    close = difflib.get_close_matches(str(key), [str(k) for k in known], n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return PlaceError(f"{where}: unknown {what} {_shown(key)}{hint}; known: {', '.join(known)}")


def _text_keys(where: str, value, inside: str = "") -> None:
    """Every key of every mapping in ``value`` is text (YAML reads ``2024:`` or ``yes:`` as another type)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                place = f" under {inside}" if inside else ""
                raise PlaceError(f"{where}: the key {_shown(key)}{place} must be text, not "
                                 f"{type(key).__name__} (put it in quotes)")
            _text_keys(where, item, f"{inside} {key}".strip())
    elif isinstance(value, list):
        for item in value:
            _text_keys(where, item, inside)


def _check_keys(where: str, what: str, value: dict, keys: tuple[Key, ...], container: str) -> dict:
    """``value`` without its empty optional keys, after checking names, presence and types."""
    known = {k.name: k for k in keys}
    for name in value:
        if name not in known:
            raise _unknown(where, what, name, list(known))
    missing = [k.name for k in keys if k.required and value.get(k.name) is None]
    if missing:
        raise PlaceError(f"{where} lacks {', '.join(f'{container}{m}' for m in missing)}")
    for name, item in value.items():
        key = known[name]
        if item is None or _is(item, key.types):
            continue
        if key.types == ("mapping",):
            shape = f", e.g. {key.example}" if key.example else ""
            raise PlaceError(f"{where}: {container}{name} must be a mapping of keys to values{shape}, "
                             f"not {type(item).__name__} {_shown(item)}")
        raise PlaceError(f"{where}: {container}{name} must be {' or '.join(key.types)}, "
                         f"not {type(item).__name__} {_shown(item)}")
    return {name: item for name, item in value.items() if item is not None}


def check_definition(place_id: str, definition: dict) -> dict:
    """A place definition checked against the schema (:data:`PLACE_KEYS`, the local kinds).

    Parameters
    ----------
    place_id : str
        The place's id (named in every message, with the places file).
    definition : dict
        The place's definition as read from ``places.yaml``.

    Returns
    -------
    dict
        The definition without the optional keys left empty (``description:`` with
        nothing after it is no description, never the word "None").

    Raises
    ------
    PlaceError
        Not a mapping; a key that is not text (at any depth); an unknown key or local kind (the nearest known one suggested);
        a required key missing or empty; a value of the wrong type (a list where a
        mapping belongs, a number for a file path).
    """
    where = f"place {place_id!r} in {config.places_file()}"
    if not isinstance(definition, dict):
        raise PlaceError(f"{where}: the definition must be a mapping of keys to values, "
                         f"not {type(definition).__name__} {_shown(definition)}")
    _text_keys(where, definition)
    checked = _check_keys(where, "key", definition, PLACE_KEYS, "")
    checked["local_authority"] = _check_keys(where, "local_authority key", checked["local_authority"],
                                             AUTHORITY_KEYS, "local_authority ")
    local = checked.get("local", {})
    for kind, path in local.items():
        if kind not in LOCAL_KINDS:
            raise _unknown(where, "local file kind", kind, list(LOCAL_KINDS))
        if path is not None and not isinstance(path, str):
            raise PlaceError(f"{where}: local {kind} must be the path of a file"
                             f"{' or folder' if LOCAL_KINDS[kind].folder else ''}, "
                             f"not {type(path).__name__} {_shown(path)}")
    for table, path in checked.get("census", {}).items():
        if path is not None and not isinstance(path, str):
            raise PlaceError(f"{where}: census {table} must be the path of a file or folder, "
                             f"not {type(path).__name__} {_shown(path)}")
    return checked


def markdown() -> str:
    """The schema as Markdown tables: the keys of a place, then the local kinds (for ``docs/contracts.md``)."""
    lines = ["| key | type | required | what it is |", "|---|---|---|---|"]
    for key in PLACE_KEYS:
        lines.append(f"| `{key.name}` | {' or '.join(key.types)} | {'yes' if key.required else ''} | {key.about} |")
    lines += ["", "| `local:` kind | file or folder | what it is | reader |", "|---|---|---|---|"]
    for kind in LOCAL_KINDS.values():
        reader = f"{kind.reader.__module__}.{kind.reader.__qualname__}"
        lines.append(f"| `{kind.name}` | {'folder' if kind.folder else 'file'} | {kind.about} | `{reader}` |")
    return "\n".join(lines) + "\n"
