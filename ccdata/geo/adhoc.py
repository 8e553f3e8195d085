"""Places named on the command line: a whole local authority or a May 2024 ward, without places.yaml.

``ccdata report la:E08000008`` reports on Tameside and ``ccdata report ward24:E05013914``
on one ward. The command-line form becomes a place id that is safe as a folder name
and a link (``la-e08000008``, ``ward24-e05013914``), and that id resolves anywhere a
place id is accepted (the notebooks, the batch) to a definition made from the ONS
lookups: an authority is every LSOA 2021 of the authority (LAD 2024), a ward is the
ward's LSOAs by the ONS best-fit lookup. A place of the same id in places.yaml wins.
"""
from __future__ import annotations

import re

from ccdata import config
from ccdata.errors import MissingDataError, PlaceError

#: Command-line forms: ``la:<LAD 2024 code>`` and ``ward24:<ward May 2024 code>``.
SPEC = re.compile(r"^(la|ward24):((?:E0[6-9]|W06)\d{6}|E05\d{6}|W05\d{6})$", re.IGNORECASE)
#: The place ids they become.
ADHOC_ID = re.compile(r"^(la|ward24)-((?:e0[6-9]|w06)\d{6}|e05\d{6}|w05\d{6})$")


def place_id_for(spec: str) -> str:
    """The place id of a command-line place (``la:E08000008`` -> ``la-e08000008``); other ids unchanged.

    Raises
    ------
    PlaceError
        A value with ``la:`` or ``ward24:`` whose code is not an authority (E06-E09,
        W06) or ward (E05, W05) code.
    """
    if not isinstance(spec, str):
        raise TypeError(f"a place must be given as text, not {type(spec).__name__}")
    text = spec.strip()
    m = SPEC.fullmatch(text)
    if m:
        kind, code = m.groups()
        if kind.lower() == "la" and code.upper().startswith(("E05", "W05")) or \
                kind.lower() == "ward24" and not code.upper().startswith(("E05", "W05")):
            raise PlaceError(f"{spec!r}: la: takes a local authority code (E06, E07, E08, E09, W06 ...) and "
                             "ward24: a May 2024 ward code (E05 ...)")
        return f"{kind.lower()}-{code.lower()}"
    if re.match(r"^(la|ward24):", text, re.IGNORECASE):
        raise PlaceError(f"{spec!r} is not a local authority or ward: write la:E08000008 (a 2024 local "
                         "authority code) or ward24:E05000000 (a May 2024 ward code)")
    return spec


def is_adhoc(place_id) -> bool:
    """Whether ``place_id`` names an authority or ward place made from the lookups."""
    return isinstance(place_id, str) and bool(ADHOC_ID.fullmatch(place_id))


def adhoc_definition(place_id: str, geo) -> dict:
    """The place definition of ``la-...`` / ``ward24-...`` from the LSOA-ward-LAD lookup.

    Parameters
    ----------
    place_id : str
        An id matching :data:`ADHOC_ID`.
    geo : DataFrame
        The ``lsoa21_geography`` table (``lsoa21_code, ward24_code, ward24_name,
        lad24_code, lad24_name``).

    Returns
    -------
    dict
        A definition as places.yaml would hold it (name, local_authority, footprint,
        description, ``adhoc: true``).

    Raises
    ------
    PlaceError
        Not such an id, or the code is not in the lookup.
    """
    m = ADHOC_ID.fullmatch(place_id) if isinstance(place_id, str) else None
    if not m:
        raise PlaceError(f"{place_id!r} is not an authority (la-...) or ward (ward24-...) place id")
    kind, code = m.group(1), m.group(2).upper()
    need = {"lsoa21_code", "ward24_code", "ward24_name", "lad24_code", "lad24_name"}
    if not need <= set(geo.columns):
        raise MissingDataError(f"the LSOA-ward-authority lookup lacks {sorted(need - set(geo.columns))}")
    column = "lad24_code" if kind == "la" else "ward24_code"
    rows = geo[geo[column] == code]
    if rows.empty:
        what = "local authority (2024)" if kind == "la" else "ward (May 2024)"
        raise PlaceError(f"{code} is not a {what} in the ONS LSOA 2021 lookup; check the code "
                         f"(place {place_id!r})")
    lads = rows[["lad24_code", "lad24_name"]].drop_duplicates()
    lad_code, lad_name = str(lads.iloc[0, 0]), str(lads.iloc[0, 1])
    if kind == "la":
        name = f"All of {lad_name}"  # beside its authority's own published rows, the two read apart
        footprint = {"lsoas": {"vintage": 2021, "codes": sorted(rows["lsoa21_code"].astype(str))}}
        description = (f"The whole of {lad_name}: all {len(rows):,} of its neighbourhoods (LSOA 2021), from the "
                       "ONS lookup.")
    else:
        ward_name = str(rows["ward24_name"].iloc[0])
        name = f"{ward_name} ({lad_name})" if len(lads) == 1 else ward_name
        footprint = {"wards": {"vintage": 2024, "codes": [code]}}
        description = (f"The {ward_name} ward (May 2024): the {len(rows):,} neighbourhoods (LSOA 2021) the ONS "
                       "best-fit lookup gives it.")
    return {"name": name, "local_authority": {"code": lad_code, "name": lad_name}, "footprint": footprint,
            "description": description, "collection": config.OFFICIAL, "adhoc": True}
