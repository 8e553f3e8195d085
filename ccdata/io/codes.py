"""Which area codes exist in which vintage.

LSOA 2011 and LSOA 2021 codes look alike (``E01......``) but are different sets:
1,900 2011 LSOAs were split, merged or changed in 2021. Mixing them is the classic
silent-loss bug, so loaders check their code columns here. The reference sets
come from the ONS LSOA11 -> LSOA21 exact-fit lookup of the same collection; when
it has not been fetched, only the code pattern can be checked and
:func:`check_codes` says so once.
"""
from __future__ import annotations

import warnings

import pandas as pd

from ccdata import cache, config
from ccdata.errors import DataQualityWarning, MissingDataError, Problem
from ccdata.io import load
from ccdata.io.fetch import dataset_dir, read_manifest

LSOA11 = "lsoa11"
LSOA21 = "lsoa21"
_OTHER = {LSOA11: LSOA21, LSOA21: LSOA11}
_LABEL = {LSOA11: "LSOA 2011", LSOA21: "LSOA 2021"}


def _reference(collection: str) -> dict[str, frozenset[str]]:

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        lookup = load("lookup_lsoa11_lsoa21", collection)
    return {LSOA11: frozenset(lookup["lsoa11_code"].dropna()),
            LSOA21: frozenset(lookup["lsoa21_code"].dropna())}


def known_codes(kind: str, collection: str = config.OFFICIAL) -> frozenset[str] | None:
    """The set of codes of ``kind`` (``lsoa11`` or ``lsoa21``), or ``None`` if unknown."""

    if kind not in _OTHER:
        raise ValueError(f"kind must be one of {sorted(_OTHER)}, not {kind!r}")
    manifest = read_manifest("lookup_lsoa11_lsoa21", collection)
    if not manifest:
        return None
    stamp = ",".join(sorted(m.get("sha256", "") for m in manifest.get("files", {}).values()))
    folder = dataset_dir("lookup_lsoa11_lsoa21", collection)
    # read once per state of the lookup: its manifest's checksums and the files themselves
    state = (stamp, cache.fingerprint(*(folder / name for name in manifest.get("files", {}))))
    try:
        return cache.held("files", ("LSOA code lists", str(folder)), state, lambda: _reference(collection))[kind]
    except MissingDataError:
        return None


def check_codes(codes: pd.Series, kind: str, file: str, column: str,
                collection: str = config.OFFICIAL) -> list[Problem]:
    """Problems for codes that do not exist in vintage ``kind``.

    ``codes`` is indexed by file line number. A code that belongs to the other
    LSOA vintage gets a message that says so and how to fix it.
    """
    known = known_codes(kind, collection)
    if known is None:
        warnings.warn(f"{file}: {_LABEL[kind]} codes in {column!r} checked for pattern only; "
                      "fetch lookup_lsoa11_lsoa21 to check that they exist", DataQualityWarning, stacklevel=2)
        return []
    other = known_codes(_OTHER[kind], collection) or frozenset()
    problems = []
    values = codes.dropna()
    # a set lookup per code: pandas' isin on Arrow-backed text turns every one of the ~35,000
    # known codes into an Arrow scalar on each call (0.2 s a column)
    unknown = values[[code not in known for code in values.tolist()]]
    for line, code in unknown.items():
        if code in other:
            msg = (f"is an {_LABEL[_OTHER[kind]]} code where {_LABEL[kind]} is expected; "
                   "convert it with the crosswalk in ccdata.geo.geography")
        else:
            msg = f"does not exist in {_LABEL[kind]}"
        problems.append(Problem(file, int(line), column, msg, code))
    return problems


def check_complete(codes: pd.Series, kind: str, file: str, collection: str = config.OFFICIAL,
                   country: str = "E") -> list[Problem]:
    """Problems when a national file lacks areas of its vintage (a file cut short).

    The English Indices of Deprivation cover every English LSOA of their vintage; a
    file that lacks some was truncated or damaged, and a place's figures would change
    without a word. The reference is the collection's LSOA lookup (see
    :func:`known_codes`); without it nothing can be checked and ``[]`` is returned.

    Parameters
    ----------
    codes : Series
        The LSOA codes the file holds.
    kind : {"lsoa11", "lsoa21"}
        Their vintage.
    file : str
        The file(s), as messages name them.
    collection : str
        Whose lookup is the reference (``official`` or ``demo``).
    country : str
        First letter of the codes the file must cover (``"E"``: England).

    Returns
    -------
    list of Problem
        One problem naming how many areas are missing and the first few, or none.
    """
    if not isinstance(codes, pd.Series):
        raise TypeError(f"codes must be a Series, not {type(codes).__name__}")
    known = known_codes(kind, collection)
    if known is None:
        return []
    expected = {c for c in known if c.startswith(country)}
    missing = sorted(expected - set(codes.dropna().astype(str)))
    if not missing:
        return []
    shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
    return [Problem(file, None, None, f"holds {len(expected) - len(missing):,} of the {len(expected):,} "
                    f"{_LABEL[kind]} areas it should cover; {len(missing):,} are missing ({shown}): "
                    "the file may be cut short or damaged; fetch it again")]
