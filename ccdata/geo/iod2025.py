"""The IoD 2025 table of every LSOA 2021: the official File 7 when fetched, else File 1 (+ 3) and the public copy.

The official File 7 holds everything (IMD, domains, sub-domains, IDACI/IDAOPI,
denominators) and wins when present. Without it, File 1 gives the IMD and the
authority columns, File 3 adds IDACI and IDAOPI, and the public copy of File 7
(``iod2025_public_domains``) adds the seven domains and six sub-domains; the IMD
columns are File 1's (the public copy's equal them). :func:`domains_source` says
which one the domains came from, so a page can name it.
"""
from __future__ import annotations

import pandas as pd

from ccdata.geo import build
from ccdata.io.fetch import read_manifest

FILE7, PUBLIC = "iod2025_file7", "iod2025_public_domains"
#: How a page names the source of the 2025 domains.
SOURCE_TEXT = {
    FILE7: "the official File 7 of the English Indices of Deprivation 2025",
    PUBLIC: "a public copy of the official File 7 of the English Indices of Deprivation 2025 "
            "(reshaped by the humaniverse IMD project; its IMD equals the official File 1)",
}


def _fetched(dataset_id: str, collection: str) -> bool:
    return bool(read_manifest(dataset_id, collection).get("files"))


def domains_source(collection: str) -> str | None:
    """The registry id the IoD 2025 domains come from (File 7, else the public copy), or ``None``."""
    for dataset_id in (FILE7, PUBLIC):
        if _fetched(dataset_id, collection):
            return dataset_id
    return None


def iod2025_lsoa21(collection: str) -> pd.DataFrame:
    """IoD 2025 for every LSOA 2021 (shared within a process: never change it, copy it).

    Raises
    ------
    MissingDataError
        When neither File 7 nor File 1 is fetched.
    """
    if _fetched(FILE7, collection):
        return build.table(FILE7, collection)
    names = ["iod2025_file1"] + [d for d in ("iod2025_file3", PUBLIC) if _fetched(d, collection)]
    if len(names) == 1:
        return build.table(names[0], collection)
    # joined once per process and data state: a dashboard asks about eight times, a batch per place
    return build.derived(" + ".join(names), tuple(names), collection, _join).copy(deep=False)


def _join(base: pd.DataFrame, *extras: pd.DataFrame) -> pd.DataFrame:
    """File 1 with the columns of the other tables that File 1 lacks (one row per LSOA each)."""
    attrs = {**base.attrs, "table": " + ".join([base.attrs.get("table", "iod2025_file1")]
                                                + [e.attrs.get("table", "") for e in extras])}
    for extra in extras:
        new = [c for c in extra.columns if c not in base.columns]
        base = base.merge(extra[["lsoa21_code"] + new], on="lsoa21_code", how="left", validate="one_to_one")
    base.attrs = attrs
    return base
