"""Census 2021 topic summaries in the Nomis bulk format (ONS via Nomis).

Nomis publishes each table as a zip (``census2021-ts007a.zip``) holding one CSV per
geography level (``census2021-ts007a-lsoa.csv``, ``-ltla.csv`` ...). The CSV has
``date, geography, geography code`` then one column per category labelled
``<Table>: <Category>`` (the LTLA files add ``; measures: Value``).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ccdata import sources
from ccdata.errors import Problem
from ccdata.io import attach_exclusions, loader
from ccdata.io._read import parse_numbers, read_csv_lines
from ccdata.io.codes import LSOA21
from ccdata.io.lookups import (
    check_lsoa,
    check_paths,
    collection_for,
    combine,
    norm,
    pick_columns,
    raise_if,
)
from ccdata.schemas import LAD_CODE, LSOA_CODE, Col, slug, validate

_MEASURE_SUFFIX = "; measures: value"
_AREA_COLUMNS = {"lsoa21": ("lsoa21_code", "lsoa21_name"), "ltla21": ("ltla21_code", "ltla21_name")}
_LEVEL = {"lsoa21": "lsoa", "ltla21": "ltla"}


def category_label(header: str) -> str:
    """``'Age: Aged 4 years and under; measures: Value'`` -> ``'Aged 4 years and under'``."""
    text = " ".join(str(header).split())
    if text.lower().endswith(_MEASURE_SUFFIX):
        text = text[: -len(_MEASURE_SUFFIX)].rstrip()
    return text.split(": ", 1)[1] if ": " in text else text


def member_name(dataset: sources.Dataset) -> str:
    """The CSV inside the Nomis zip for this dataset (``census2021-ts007a-lsoa.csv``)."""
    table = dataset.id.split("_")[1]
    return f"census2021-{table}-{_LEVEL[dataset.geography]}.csv"


@loader("census_bulk")
def read_census(dataset: sources.Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read a Census 2021 table from the Nomis bulk download.

    Parameters
    ----------
    dataset : Dataset
        A ``census21_*`` registry row.
    paths : list of Path
        The Nomis zip (the member for this geography level is read), or the member
        CSV itself, plain or gzipped.

    Returns
    -------
    DataFrame
        ``lsoa21_code, lsoa21_name`` (``ltla21_*`` for local authority tables),
        ``total``, then one whole-number column per category, named by slugging the
        category label (table prefix and ``; measures: Value`` removed).
        ``attrs["labels"]`` maps each column to its category label, e.g.
        ``{"aged_4_years_and_under": "Aged 4 years and under"}``.
        Suppression markers (``c``, ``x``, ``:``, ``[c]`` ...) become missing values and
        are listed in ``attrs["exclusions"]``.

    Raises
    ------
    ValidationError
        Missing ``geography code``/``geography``/total columns, no or several total
        columns, labels that slug to the same name, codes that are malformed, unknown
        or of the 2011 vintage, duplicate areas, text where a count is expected.

    Notes
    -----
    Source: ONS Census 2021 (21 March 2021), Nomis bulk tables; LSOA 2021. Figures
    are perturbed for disclosure control, so small cells are noisy.
    """
    if dataset.geography not in _AREA_COLUMNS:
        raise ValueError(f"{dataset.id!r}: census tables are read for {sorted(_AREA_COLUMNS)}, "
                         f"not {dataset.geography!r}")
    code_col, name_col = _AREA_COLUMNS[dataset.geography]
    paths = check_paths(paths)
    collection = collection_for(paths)
    parts, exclusions = [], []
    labels: dict[str, str] | None = None
    for path in paths:
        raw, excl, display = read_csv_lines(path, required=("geography code",),
                                            member_suffix=member_name(dataset))
        area, problems = pick_columns(raw, {code_col: "geography code", name_col: "geography"}, display)
        skip = {"date", "geography", "geography code"}
        categories = [c for c in raw.columns if norm(c) not in skip and c != ""
                      and (":" in str(c) or norm(c).endswith(_MEASURE_SUFFIX))]
        # Nomis also offers percentage measures; only counts ("Value") are read
        categories = [c for c in categories if "; measures:" not in norm(c) or norm(c).endswith(_MEASURE_SUFFIX)]
        if not categories:
            problems.append(Problem(display, None, None, "no category columns ('<Table>: <Category>') found"))
        totals = [c for c in categories if norm(category_label(c)).startswith("total")]
        if len(totals) != 1:
            problems.append(Problem(display, None, None,
                                    f"expected one total column ('<Table>: Total ...'), found {totals or 'none'}"))
        names: dict[str, str] = {}
        for col in categories:
            out = "total" if col in totals else slug(category_label(col))
            if out in names:
                problems.append(Problem(display, None, col, f"category label gives the same column name "
                                        f"{out!r} as {names[out]!r}"))
            names[out] = col
        raise_if(problems, display)
        order = ["total"] + [n for n in names if n != "total"]
        frame = pd.concat([area, raw[[names[n] for n in order]].set_axis(order, axis=1)], axis=1)
        frame[code_col] = frame[code_col].str.strip().str.upper()
        frame, bad, suppressed = parse_numbers(frame, order, display, integer=True, suppression=True)
        extra = list(bad)
        pattern = LSOA_CODE if dataset.geography == "lsoa21" else LAD_CODE
        if dataset.geography == "lsoa21":
            extra += check_lsoa(frame[code_col], LSOA21, display, "geography code", collection)
        spec = {code_col: Col("str", pattern=pattern), name_col: Col("str")}
        spec.update({n: Col("int", ge=0, nullable=True) for n in order})
        frame = validate(frame, spec, display, key=[code_col], extra_problems=extra)
        part_labels = {n: category_label(names[n]) for n in order}
        if labels is not None and part_labels != labels:
            raise_if([Problem(display, None, None, "categories differ from the first file of this dataset")],
                     display)
        labels = part_labels
        parts.append((display, frame))
        exclusions += excl + suppressed
    out = combine(parts, [code_col])
    out.attrs["labels"] = labels
    return attach_exclusions(out, exclusions)
