"""English Indices of Deprivation 2019 and 2025 (MHCLG), LSOA level.

The published files name columns in long form ("Income Rank (where 1 is most
deprived)"); the same measure is spelt slightly differently between files and
editions (File 1 of 2019 drops "(where 1 is most deprived)"). Columns are therefore
recognised by their leading words (domain, then Score/Rank/Decile), not by exact
text. Files are accepted as published (XLSX for Files 1-6, CSV for File 7) and as
CSV conversions of the XLSX (the mirror's Files 1, 2 and 6).
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd

from ccdata.dataset import Dataset
from ccdata.errors import DataQualityWarning, Problem, ValidationError
from ccdata.io import attach_exclusions, loader
from ccdata.io.tables import excel_book, parse_numbers, read_csv_lines, read_excel_sheet
from ccdata.io.codes import LSOA11, LSOA21, check_complete
from ccdata.io.lookups import (
    check_lsoa,
    check_paths,
    collection_for,
    combine,
    norm,
    pick_columns,
    raise_if,
)
from ccdata.schemas import LAD_CODE, LSOA_CODE, Col, validate

DOMAINS = ("imd", "income", "employment", "education", "health", "crime", "barriers", "living_env")
SUPPLEMENTARY = ("idaci", "idaopi")
#: Sub-domains (File 4 and File 7): education's two, barriers' two, living environment's two.
SUBDOMAINS = ("cyp", "adult_skills", "geo_barriers", "wider_barriers", "indoors", "outdoors")
POPULATION = ("pop_total", "pop_0_15", "pop_16_59", "pop_60_plus", "pop_working_age")

# Leading words of each domain, most specific first (IDACI/IDAOPI start with "Income").
_DOMAIN_PREFIX = (
    ("children and young people sub-domain", "cyp"),
    ("adult skills sub-domain", "adult_skills"),
    ("geographical barriers sub-domain", "geo_barriers"),
    ("wider barriers sub-domain", "wider_barriers"),
    ("indoors sub-domain", "indoors"),
    ("outdoors sub-domain", "outdoors"),
    ("index of multiple deprivation (imd)", "imd"),
    ("income deprivation affecting children index (idaci)", "idaci"),
    ("income deprivation affecting older people (idaopi)", "idaopi"),
    ("income deprivation affecting older people index (idaopi)", "idaopi"),
    ("income", "income"),
    ("employment", "employment"),
    ("education, skills and training", "education"),
    ("health deprivation and disability", "health"),
    ("crime", "crime"),
    ("barriers to housing and services", "barriers"),
    ("living environment", "living_env"),
)
_DOMAIN_LABEL = {
    "imd": "Index of Multiple Deprivation (IMD)", "income": "Income", "employment": "Employment",
    "education": "Education, Skills and Training", "health": "Health Deprivation and Disability",
    "crime": "Crime", "barriers": "Barriers to Housing and Services", "living_env": "Living Environment",
    "idaci": "Income Deprivation Affecting Children Index (IDACI)",
    "idaopi": "Income Deprivation Affecting Older People (IDAOPI)",
    "cyp": "Children and Young People Sub-domain", "adult_skills": "Adult Skills Sub-domain",
    "geo_barriers": "Geographical Barriers Sub-domain", "wider_barriers": "Wider Barriers Sub-domain",
    "indoors": "Indoors Sub-domain", "outdoors": "Outdoors Sub-domain",
}
_MEASURE_LABEL = {"score": "Score", "rank": "Rank (where 1 is most deprived)",
                  "decile": "Decile (where 1 is most deprived 10% of LSOAs)"}
_POPULATION_PREFIX = (
    ("total population", "pop_total"),
    ("dependent children aged 0-15", "pop_0_15"),
    ("population aged 16-", "pop_16_59"),
    ("older population aged", "pop_60_plus"),
    ("working age population", "pop_working_age"),
)
_POPULATION_LABEL = {
    "pop_total": "Total population: mid 2015 (excluding prisoners)",
    "pop_0_15": "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
    "pop_16_59": "Population aged 16-59: mid 2015 (excluding prisoners)",
    "pop_60_plus": "Older population aged 60 and over: mid 2015 (excluding prisoners)",
    "pop_working_age": "Working age population 18-59/64: for use with Employment Deprivation Domain "
                       "(excluding prisoners)",
}

_AREA = {
    LSOA11: {"lsoa11_code": "LSOA code (2011)", "lsoa11_name": "LSOA name (2011)",
             "lad19_code": "Local Authority District code (2019)",
             "lad19_name": "Local Authority District name (2019)"},
    LSOA21: {"lsoa21_code": "LSOA code (2021)", "lsoa21_name": "LSOA name (2021)",
             "lad24_code": "Local Authority District code (2024)",
             "lad24_name": "Local Authority District name (2024)"},
}


def _measures(dataset_id: str) -> tuple[list[str], tuple[str, ...]]:
    """Output measure columns of a registry IoD file (contract order), and those optional."""
    file = dataset_id.rsplit("_", 1)[-1]
    if file == "file1":
        return ["imd_rank", "imd_decile"], ()
    if file == "file2":
        return [f"{d}_{m}" for d in DOMAINS for m in ("rank", "decile")], ()
    if file == "file3":
        return [f"{d}_{m}" for d in ("imd",) + SUPPLEMENTARY for m in ("rank", "decile")], ()
    if file == "file5":
        return [f"{d}_score" for d in DOMAINS], ()
    if file == "file6":
        return list(POPULATION), ()
    if file == "file7":
        cols = [f"{d}_{m}" for d in DOMAINS + SUPPLEMENTARY for m in ("score", "rank", "decile")]
        subs = [f"{d}_{m}" for d in SUBDOMAINS for m in ("score", "rank", "decile")]
        # age bands of the denominators changed between editions; only the total is required.
        # The sub-domains are read when present (File 7 carries them after IDACI/IDAOPI).
        return cols + subs + list(POPULATION), tuple(subs) + POPULATION[1:]
    raise ValueError(f"{dataset_id!r} is not an IoD file this reader knows")


def classify(header: str) -> str | None:
    """Output name of a published IoD column, or ``None`` (sub-domains, area columns).

    Examples
    --------
    >>> classify("Income Rank (where 1 is most deprived)")
    'income_rank'
    >>> classify("Index of Multiple Deprivation (IMD) Decile")
    'imd_decile'
    """
    text = norm(header)
    for prefix, out in _POPULATION_PREFIX:
        if text.startswith(prefix):
            return out
    for prefix, domain in _DOMAIN_PREFIX:
        if text.startswith(prefix + " "):
            rest = text[len(prefix) + 1:]
            match = re.match(r"(score|rank|decile)\b", rest)
            return f"{domain}_{match.group(1)}" if match else None
    return None


def published_label(out: str) -> str:
    """The published header of an output column, for messages."""
    if out in _POPULATION_LABEL:
        return _POPULATION_LABEL[out]
    domain, measure = out.rsplit("_", 1)
    return f"{_DOMAIN_LABEL[domain]} {_MEASURE_LABEL[measure]}"


def _read_table(path: Path, area: dict[str, str], measures: list[str]) -> tuple[pd.DataFrame, list[Problem], str]:
    required = tuple(area.values())[:1]
    name = path.name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return read_excel_sheet(path, sheet=_choose_sheet(path, area, measures), required=required)
    return read_csv_lines(path, required=required)


def _choose_sheet(path: Path, area: dict[str, str], measures: list[str]) -> str | None:
    """The worksheet whose header has the area columns and most of the wanted measures.

    Workbooks put a 'Notes' sheet first, and some republished workbooks carry several
    tables; only the first rows of each sheet are read to decide.
    """
    best, best_score = None, -1
    first_area = norm(next(iter(area.values())))
    with excel_book(path) as book:
        for sheet in book.sheet_names:
            head = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object, nrows=30)
            for i in range(len(head)):
                cells = [c for c in head.iloc[i].tolist() if not pd.isna(c)]
                if first_area in [norm(c) for c in cells]:
                    score = len({classify(c) for c in cells} & set(measures))
                    if score > best_score:
                        best, best_score = sheet, score
                    break
    return best


@loader("iod")
def read_iod(dataset: Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read an English Indices of Deprivation file (2019 on LSOA 2011, 2025 on LSOA 2021).

    Parameters
    ----------
    dataset : Dataset
        ``iod2019_file1/2/5/6/7`` or ``iod2025_file1/2/3/5/7``.
    paths : list of Path
        XLSX (sheet chosen by its columns), CSV or gzipped CSV; several files are
        concatenated (overlaps reported as duplicates).

    Returns
    -------
    DataFrame
        Area columns (``lsoa11_code, lsoa11_name, lad19_code, lad19_name`` for 2019;
        ``lsoa21_code, lsoa21_name, lad24_code, lad24_name`` for 2025) then the
        measures of ``docs/contracts.md``. Ranks: 1 = most deprived; deciles: 1 = most
        deprived 10%. Thousands separators ("29,199") are accepted.

    Raises
    ------
    ValidationError
        Missing columns (with the closest header as hint), LSOA codes of the wrong
        vintage or unknown, duplicate LSOAs, ranks below 1, deciles outside 1-10.

    Notes
    -----
    Source: MHCLG, English Indices of Deprivation 2019 (26 Sep 2019) and 2025
    (30 Oct 2025). Population denominators: mid-2015 (2019), mid-2022 (2025).
    """
    kind = dataset.geography
    if kind not in _AREA:
        raise ValueError(f"{dataset.id!r}: IoD files are on LSOA 2011 or 2021, not {kind!r}")
    area = _AREA[kind]
    measures, optional = _measures(dataset.id)
    paths = check_paths(paths)
    collection = collection_for(paths)
    code_col = next(iter(area))
    parts, exclusions = [], []
    for path in paths:
        raw, excl, display = _read_table(path, area, measures)
        # map each published measure header to its output name
        found: dict[str, str] = {}
        problems: list[Problem] = []
        for col in raw.columns:
            out = classify(col)
            if out in measures:
                if out in found:
                    problems.append(Problem(display, None, col, f"second column for {out} "
                                            f"(first: {found[out]!r})"))
                else:
                    found[out] = col
        wanted = {**area, **{m: found.get(m, published_label(m)) for m in measures}}
        frame, more = pick_columns(raw, wanted, display, optional=optional)
        raise_if(problems + more, display)
        absent = [m for m in optional if m not in found]
        if absent:
            warnings.warn(f"{display}: no column for {', '.join(absent)}; left empty", DataQualityWarning,
                          stacklevel=2)
        for col in area:
            frame[col] = frame[col].str.strip()
        frame[code_col] = frame[code_col].str.upper()
        scores = [m for m in measures if m.endswith("_score")]
        whole = [m for m in measures if m not in scores]
        # the indices are never suppressed: a marker such as "x" is an error, not a gap
        frame, bad_int, ex_int = parse_numbers(frame, whole, display, integer=True)
        frame, bad_float, ex_float = parse_numbers(frame, scores, display, integer=False)
        extra = bad_int + bad_float + check_lsoa(frame[code_col], kind, display, area[code_col], collection)
        frame = validate(frame, measure_schema(area, measures, optional), display, key=[code_col],
                         extra_problems=extra)
        parts.append((display, frame))
        exclusions += excl + ex_int + ex_float
    out = combine(parts, [code_col])
    # a national file that lacks neighbourhoods was cut short: never build on part of it
    raise_if(check_complete(out[code_col], kind, ", ".join(d for d, _ in parts), collection),
             ", ".join(d for d, _ in parts))
    return attach_exclusions(out, exclusions)


def measure_schema(area: dict[str, str], measures: list[str], optional=()) -> dict[str, Col]:
    """The declared columns of an IoD table at LSOA level: its area columns, then its measures.

    Parameters
    ----------
    area : dict
        The area columns (``lsoa21_code``, ``lad19_code``, names ...) keyed by output name;
        a code column gets its code pattern, a name column is text.
    measures : list of str
        Measure columns; the suffix says the kind: ``_rank`` (a whole number from 1),
        ``_decile`` (1 to 10), ``_score`` (a number), else a population count (whole,
        not negative; only ``pop_total`` is required).
    optional : iterable of str
        Ranks, deciles and scores that may be missing.

    Returns
    -------
    dict of Col
        For :func:`ccdata.schemas.validate`.

    Raises
    ------
    TypeError
        A column name is not text.
    """
    names = [*area, *measures, *optional]
    if not all(isinstance(name, str) for name in names):
        bad = [n for n in names if not isinstance(n, str)]
        raise TypeError(f"measure_schema needs column names as text, got {bad}")
    cols: dict[str, Col] = {}
    for name in area:
        if name.startswith("lsoa") and name.endswith("_code"):
            cols[name] = Col("str", pattern=LSOA_CODE)
        elif name.endswith("_code"):
            cols[name] = Col("str", pattern=LAD_CODE)
        else:
            cols[name] = Col("str")
    for m in measures:
        if m.endswith("_rank"):
            cols[m] = Col("int", ge=1, nullable=m in optional)
        elif m.endswith("_decile"):
            cols[m] = Col("int", ge=1, le=10, nullable=m in optional)
        elif m.endswith("_score"):
            cols[m] = Col("float", nullable=m in optional)
        else:  # population counts
            cols[m] = Col("int", ge=0, nullable=m != "pop_total")
    return cols


# --------------------------------------------------------------------------- local authority summaries
# IoD 2025 Files 10 (lower-tier local authority districts) and 11 (upper-tier local
# authorities): one sheet per index or domain ('IMD', 'Income', ...), headers
# "<index> - <measure>" such as "IMD - Average score" (some with a trailing space).
LA_SUMMARY_MEASURES = ("average_rank", "rank_average_rank", "average_score", "rank_average_score",
                       "prop_lsoas_10pc", "rank_prop_lsoas_10pc")
LA_SUMMARY_OPTIONAL = ("extent", "rank_extent", "local_concentration", "rank_local_concentration")
_LA_MEASURE = (
    ("rank of average rank", "rank_average_rank"),
    ("average rank", "average_rank"),
    ("rank of average score", "rank_average_score"),
    ("average score", "average_score"),
    ("rank of proportion of lsoas in most deprived 10%", "rank_prop_lsoas_10pc"),
    ("proportion of lsoas in most deprived 10%", "prop_lsoas_10pc"),
    ("rank of extent", "rank_extent"),
    ("extent", "extent"),
    ("rank of local concentration", "rank_local_concentration"),
    ("local concentration", "local_concentration"),
)
_LA_DOMAIN = (
    ("imd", "imd"), ("index of multiple deprivation", "imd"),
    ("idaci", "idaci"), ("income deprivation affecting children", "idaci"),
    ("idaopi", "idaopi"), ("income deprivation affecting older", "idaopi"),
    ("income", "income"), ("employment", "employment"), ("education", "education"),
    ("health", "health"), ("crime", "crime"), ("barriers", "barriers"), ("living", "living_env"),
)
_LA_AREA = re.compile(r"^(upper tier )?local authority (?:district )?(code|name) \((\d{4})\)$")


def classify_la_summary(header: str) -> tuple[str, str] | None:
    """``(domain, measure)`` of a File 10/11 header, or ``None``.

    Examples
    --------
    >>> classify_la_summary("IMD - Average score ")
    ('imd', 'average_score')
    >>> classify_la_summary("Income - Rank of proportion of LSOAs in most deprived 10% nationally")
    ('income', 'rank_prop_lsoas_10pc')
    """
    text = norm(header)
    if " - " not in text:
        return None
    prefix, measure = (t.strip() for t in text.split(" - ", 1))
    domain = next((d for p, d in _LA_DOMAIN if prefix.startswith(p)), None)
    out = next((m for p, m in _LA_MEASURE if measure.startswith(p)), None)
    return (domain, out) if domain and out else None


def _la_area_columns(cells: list[object]) -> dict[str, str]:
    """``{"code": header, "name": header}`` of the area columns among a row's cells."""
    found = {}
    for cell in cells:
        if isinstance(cell, str):
            match = _LA_AREA.match(norm(cell))
            if match:
                found[match.group(2)] = cell
    return found


@loader("iod_la_summary")
def read_iod_la_summary(dataset: Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read the IoD local authority summaries (IoD 2025 File 10 or File 11).

    Parameters
    ----------
    dataset : Dataset
        ``iod2025_file10`` (local authority districts 2024) or ``iod2025_file11``
        (upper-tier local authorities 2024).
    paths : list of Path
        The published XLSX workbook: every sheet whose header has the area code
        column is read (the 'Notes' sheet is not).

    Returns
    -------
    DataFrame
        One row per area and index: ``<geo>_code, <geo>_name, domain`` (``imd``,
        ``income``, ..., ``idaci``, ``idaopi``), then ``average_rank,
        rank_average_rank, average_score, rank_average_score, prop_lsoas_10pc,
        rank_prop_lsoas_10pc`` and, where the edition publishes them, ``extent,
        rank_extent, local_concentration, rank_local_concentration`` (else empty).
        ``<geo>`` is ``lad24`` or ``utla24``. Ranks: 1 = most deprived;
        ``prop_lsoas_10pc`` is a proportion (0-1).

    Raises
    ------
    ValidationError
        No sheet with the area columns, a required measure missing from a sheet,
        text where numbers are expected, ranks below 1, proportions outside 0-1,
        an area repeated within a sheet.

    Notes
    -----
    Source: MHCLG, English Indices of Deprivation 2025 (30 Oct 2025), Files 10 and 11.
    """
    geo = dataset.geography
    if geo not in ("lad24", "utla24"):
        raise ValueError(f"{dataset.id!r}: local authority summaries are by lad24 or utla24, not {geo!r}")
    code_col, name_col = f"{geo}_code", f"{geo}_name"
    paths = check_paths(paths)
    parts, exclusions = [], []
    for path in paths:
        with excel_book(path) as book:
            sheets = []
            for sheet in book.sheet_names:
                head = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object, nrows=30)
                for i in range(len(head)):
                    area = _la_area_columns(head.iloc[i].tolist())
                    if "code" in area:
                        sheets.append((sheet, area))
                        break
        if not sheets:
            raise ValidationError(path.name, [Problem(path.name, None, "Local Authority District code (2024)",
                                                      "no sheet has the area code column")])
        for sheet, area in sheets:
            raw, excl, display = read_excel_sheet(path, sheet=sheet, required=(area["code"],))
            found: dict[str, str] = {}
            domains = set()
            for col in raw.columns:
                got = classify_la_summary(col)
                if got:
                    domains.add(got[0])
                    found.setdefault(got[1], col)
            problems: list[Problem] = []
            if len(domains) != 1:
                problems.append(Problem(display, None, None, "expected the measures of one index per sheet, "
                                        f"found {sorted(domains) or 'none'}"))
            for m in LA_SUMMARY_MEASURES:
                if m not in found:
                    problems.append(Problem(display, None, f"<index> - {m.replace('_', ' ')}",
                                            "required column is missing"))
            if "name" not in area:
                problems.append(Problem(display, None, "Local Authority District name (2024)",
                                        "required column is missing"))
            raise_if(problems, display)
            domain = domains.pop()
            wanted = {code_col: area["code"], name_col: area["name"],
                      **{m: found[m] for m in LA_SUMMARY_MEASURES + LA_SUMMARY_OPTIONAL if m in found}}
            frame, more = pick_columns(raw, wanted, display)
            raise_if(more, display)
            for col in (code_col, name_col):
                frame[col] = frame[col].str.strip()
            ints = [m for m in frame.columns if m.startswith("rank_")]
            floats = [m for m in frame.columns if m not in ints and m not in (code_col, name_col)]
            frame, bad_i, ex_i = parse_numbers(frame, ints, display, integer=True)
            frame, bad_f, ex_f = parse_numbers(frame, floats, display, integer=False)
            for m in LA_SUMMARY_OPTIONAL:
                if m not in frame.columns:
                    frame[m] = pd.array([pd.NA] * len(frame), dtype="Int64" if m.startswith("rank_") else "Float64")
            frame.insert(2, "domain", domain)
            spec = {code_col: Col("str", pattern=LAD_CODE), name_col: Col("str"), "domain": Col("str")}
            for m in LA_SUMMARY_MEASURES + LA_SUMMARY_OPTIONAL:
                optional = m in LA_SUMMARY_OPTIONAL
                if m.startswith("rank_"):
                    spec[m] = Col("int", ge=1, nullable=optional)
                elif m == "prop_lsoas_10pc":
                    spec[m] = Col("float", ge=0, le=1)
                else:
                    spec[m] = Col("float", ge=0 if m == "average_rank" else None, nullable=optional)
            frame = frame[list(spec)]
            frame = validate(frame, spec, display, key=[code_col], extra_problems=bad_i + bad_f)
            parts.append((display, frame))
            exclusions += excl + ex_i + ex_f
    return attach_exclusions(combine(parts, [code_col, "domain"]), exclusions)


# --------------------------------------------------------------------------- LA summaries (File 10)
#: Domains of the local authority summaries, by the leading words of their published label.
_SUMMARY_DOMAIN = (
    ("index of multiple deprivation", "imd"),
    ("income deprivation affecting children", "idaci"),
    ("income deprivation affecting older people", "idaopi"),
    ("income", "income"),
    ("employment", "employment"),
    ("education, skills and training", "education"),
    ("health", "health"),
    ("crime", "crime"),
    ("barriers to housing and services", "barriers"),
    ("living environment", "living_env"),
)
#: Output measure -> accepted published headers (File 10 spellings and the long-form reshape).
_SUMMARY_MEASURES = {
    "average_rank": ("average_rank", "Average rank", "IMD - Average rank"),
    "rank_average_rank": ("rank_average_rank", "Rank of average rank", "IMD - Rank of average rank"),
    "average_score": ("average_score", "Average score", "IMD - Average score"),
    "rank_average_score": ("rank_average_score", "Rank of average score", "IMD - Rank of average score"),
    "proportion_most_deprived_10": ("proportion_bottom_decile",
                                    "Proportion of LSOAs in most deprived 10% nationally"),
    "rank_proportion_most_deprived_10": ("rank_proportion_bottom_decile",
                                         "Rank of proportion of LSOAs in most deprived 10% nationally"),
}
_SUMMARY_AREA = {
    "lad19": {"lad19_code": ("lad19cd", "Local Authority District code (2019)", "area_code"),
              "lad19_name": ("lad19nm", "Local Authority District name (2019)", "area_name")},
    "lad24": {"lad24_code": ("area_code", "lad24cd", "Local Authority District code (2024)"),
              "lad24_name": ("area_name", "lad24nm", "Local Authority District name (2024)")},
}


def summary_domain(label: object) -> str | None:
    """Domain key of a published local authority summary label, or ``None``.

    Examples
    --------
    >>> summary_domain("Education, Skills and Training Deprivation")
    'education'
    >>> summary_domain("Income Deprivation Affecting Children")
    'idaci'
    """
    text = norm(label)
    for prefix, key in _SUMMARY_DOMAIN:
        if text == prefix or text.startswith(prefix + " ") or text.startswith(prefix + ","):
            return key
    return None


@loader("iod_lad_summary")
def read_lad_summary(dataset: Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read the published local authority summaries of an IoD edition (File 10, long form).

    Parameters
    ----------
    dataset : Dataset
        ``iod2019_lad_summary`` (LAD 2019) or ``iod2025_lad_summary`` (LAD 2024).
    paths : list of Path
        CSV with one row per authority and domain (``index_domain``), as reshaped
        from File 10 by Trafford Data Lab.

    Returns
    -------
    DataFrame
        ``lad19_code, lad19_name`` (or ``lad24_*``), ``domain`` (``imd``, ``income``,
        ... ``idaci``, ``idaopi``), ``domain_label`` (as published), ``average_rank``,
        ``rank_average_rank``, ``average_score``, ``rank_average_score``,
        ``proportion_most_deprived_10`` (a proportion 0-1, as published to 4
        decimals) and ``rank_proportion_most_deprived_10``. National ranks of
        authorities: 1 = most deprived.

    Raises
    ------
    ValidationError
        Missing columns, a domain label that is not known, malformed codes,
        text where numbers are expected, an authority and domain given twice.

    Notes
    -----
    Source: MHCLG, English Indices of Deprivation 2019 and 2025, File 10 (local
    authority district summaries); long form by Trafford Data Lab (open_data).
    """
    if dataset.geography not in _SUMMARY_AREA:
        raise ValueError(f"{dataset.id!r}: LA summaries are on LAD 2019 or 2024, not {dataset.geography!r}")
    area = _SUMMARY_AREA[dataset.geography]
    code_col, name_col = area
    paths = check_paths(paths)
    parts, exclusions = [], []
    for path in paths:
        raw, excl, display = read_csv_lines(path, required=("index_domain",))
        wanted = {**area, "domain_label": ("index_domain", "Index/Domain"), **_SUMMARY_MEASURES}
        frame, problems = pick_columns(raw, wanted, display)
        raise_if(problems, display)
        for col in (code_col, name_col, "domain_label"):
            frame[col] = frame[col].str.strip()
        domains = frame["domain_label"].map(summary_domain)
        for line in frame.index[domains.isna()]:
            problems.append(Problem(display, int(line), "index_domain", "not a domain of the Indices of "
                                    "Deprivation", frame.at[line, "domain_label"]))
        frame.insert(2, "domain", domains.astype("string"))
        ranks = [c for c in _SUMMARY_MEASURES if c.startswith("rank_")]
        values = [c for c in _SUMMARY_MEASURES if c not in ranks]
        frame, bad_int, ex_int = parse_numbers(frame, ranks, display, integer=True)
        frame, bad_float, ex_float = parse_numbers(frame, values, display, integer=False)
        spec = {code_col: Col("str", pattern=LAD_CODE), name_col: Col("str"), "domain": Col("str"),
                "domain_label": Col("str")}
        for col in _SUMMARY_MEASURES:
            if col.startswith("rank_"):
                spec[col] = Col("int", ge=1)
            elif col == "proportion_most_deprived_10":
                spec[col] = Col("float", ge=0, le=1)
            elif col == "average_rank":
                spec[col] = Col("float", ge=1)
            else:  # domain scores can be negative (health, education are z-score based)
                spec[col] = Col("float")
        frame = validate(frame[list(spec)], spec, display, key=[code_col, "domain"],
                         extra_problems=problems + bad_int + bad_float)
        parts.append((display, frame))
        exclusions += excl + ex_int + ex_float
    return attach_exclusions(combine(parts, [code_col, "domain"]), exclusions)
