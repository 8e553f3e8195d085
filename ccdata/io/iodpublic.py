"""IoD 2025 domains from the public copy of File 7 (humaniverse/IMD), until the official File 7 is fetched.

The public copy holds every LSOA 2021's scores, ranks and deciles of the IMD, the seven
domains and the six sub-domains, in snake_case columns (``IMD_decile``,
``Housing_and_Services_rank``, ``children_and_young_people_score`` ...). It was built
from the official File 7 by the R package ``humaniverse/IMD`` and lacks IDACI/IDAOPI,
the population denominators and the local authority columns. This reader gives it the
column names :func:`ccdata.io.iod.read_iod` gives File 7, so the two are interchangeable;
where the official File 7 is fetched, it is used instead (``ccdata.geo.iod2025``).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ccdata.dataset import Dataset
from ccdata.io import attach_exclusions, loader
from ccdata.io.tables import parse_numbers, read_csv_lines
from ccdata.io.codes import LSOA21
from ccdata.io.iod import DOMAINS, SUBDOMAINS, measure_schema
from ccdata.io.lookups import check_lsoa, check_paths, collection_for, combine, pick_columns, raise_if
from ccdata.schemas import validate

#: The public copy's column stem of each domain and sub-domain (before ``_score``/``_rank``/``_decile``).
PUBLIC_STEMS = {
    "imd": "IMD", "income": "Income", "employment": "Employment", "education": "Education",
    "health": "Health", "crime": "Crime", "barriers": "Housing_and_Services", "living_env": "Environment",
    "cyp": "children_and_young_people", "adult_skills": "adult_skills",
    "geo_barriers": "geographical_barriers", "wider_barriers": "wider_barriers",
    "indoors": "indoors", "outdoors": "outdoors",
}
MEASURES = [f"{d}_{m}" for d in DOMAINS + SUBDOMAINS for m in ("score", "rank", "decile")]


@loader("iod2025_public")
def read_iod2025_public(dataset: Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read the public copy of IoD 2025 File 7 (LSOA 2021, every domain and sub-domain).

    Parameters
    ----------
    dataset : Dataset
        The ``iod2025_public_domains`` registry row.
    paths : list of Path
        The CSV (optionally gzipped).

    Returns
    -------
    DataFrame
        ``lsoa21_code, lsoa21_name`` then ``<domain>_score/_rank/_decile`` for the IMD,
        the seven domains (``income`` ... ``living_env``) and the six sub-domains
        (``cyp``, ``adult_skills``, ``geo_barriers``, ``wider_barriers``, ``indoors``,
        ``outdoors``): the names the File 7 reader gives. Ranks: 1 = most deprived.

    Raises
    ------
    ValidationError
        Missing columns (with the closest header), LSOA codes unknown or not of 2021,
        duplicate LSOAs, ranks below 1, deciles outside 1-10, cells that are not numbers.
    """
    paths = check_paths(paths)
    collection = collection_for(paths)
    parts, exclusions = [], []
    for path in paths:
        raw, excl, display = read_csv_lines(path, required=("lsoa21_code",))
        wanted = {"lsoa21_code": "lsoa21_code", "lsoa21_name": "lsoa21_name"}
        wanted.update({f"{d}_{m}": f"{stem}_{m}" for d, stem in PUBLIC_STEMS.items()
                       for m in ("score", "rank", "decile")})
        frame, problems = pick_columns(raw, wanted, display)
        raise_if(problems, display)
        frame = frame[["lsoa21_code", "lsoa21_name", *MEASURES]]
        frame["lsoa21_code"] = frame["lsoa21_code"].str.strip().str.upper()
        frame["lsoa21_name"] = frame["lsoa21_name"].str.strip()
        scores = [m for m in MEASURES if m.endswith("_score")]
        whole = [m for m in MEASURES if m not in scores]
        frame, bad_int, ex_int = parse_numbers(frame, whole, display, integer=True)
        frame, bad_float, ex_float = parse_numbers(frame, scores, display, integer=False)
        extra = bad_int + bad_float + check_lsoa(frame["lsoa21_code"], LSOA21, display, "lsoa21_code", collection)
        area = {"lsoa21_code": "lsoa21_code", "lsoa21_name": "lsoa21_name"}
        frame = validate(frame, measure_schema(area, MEASURES), display, key=["lsoa21_code"], extra_problems=extra)
        parts.append((display, frame))
        exclusions += excl + ex_int + ex_float
    return attach_exclusions(combine(parts, ["lsoa21_code"]), exclusions)
