"""Census 2021 topic summaries as Nomis publishes them: bulk files and table views.

Two published formats are read by the same loader, one file at a time:

*Bulk*: Nomis publishes each table as a zip (``census2021-ts007a.zip``) holding one
CSV per geography level (``census2021-ts007a-lsoa.csv``, ``-ltla.csv``, ``-ctry.csv``
...). The CSV has ``date, geography, geography code`` then one column per category
labelled ``<Table>: <Category>`` (some files add ``; measures: Value``).

*Table view*: what the Nomis web query tool downloads. Title lines
(``TS011 - Households by deprivation dimensions``, a copyright line, ``Population :``,
``Units :``, ``Date :``, and optionally a line naming one category, e.g.
``Household composition:,Single family household: Lone parent family``), a header
whose first cell is the geography type, one row per area with the geography as
``E01011954 : Hartlepool 001A``, each count followed by a ``%`` column, blank rows,
and a disclosure footnote. It may hold only some categories and no total column.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ccdata import cache, config
from ccdata.dataset import Dataset
from ccdata.errors import Problem
from ccdata.io import attach_exclusions, loader
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
from ccdata.io.tables import (
    blank_rows,
    decode,
    gc_paused,
    parse_numbers,
    read_bytes,
    read_csv_lines,
    read_records,
)
from ccdata.io.yamlfile import load as load_yaml
from ccdata.schemas import LAD_CODE, LSOA_CODE, Col, slug, validate

_MEASURE_SUFFIX = "; measures: value"
_AREA_COLUMNS = {"lsoa21": ("lsoa21_code", "lsoa21_name"), "ltla21": ("ltla21_code", "ltla21_name"),
                 "utla21": ("utla21_code", "utla21_name"), "rgn21": ("rgn21_code", "rgn21_name"),
                 "ctry21": ("ctry21_code", "ctry21_name")}
_LEVEL = {"lsoa21": "lsoa", "ltla21": "ltla", "utla21": "utla", "rgn21": "rgn", "ctry21": "ctry"}
#: Geography codes of each level (regions E12, countries E92/W92, England and Wales K04).
_CODE_PATTERNS = {"lsoa21": LSOA_CODE, "ltla21": LAD_CODE, "utla21": LAD_CODE,
                  "rgn21": r"^[EW]\d{8}$", "ctry21": r"^[EWK]\d{8}$"}
#: Who each table counts (its "Population" as Nomis names it): a table without a total
#: column takes its base from another table of the same population (see :data:`BASES`).
POPULATIONS = {
    "ts001": "All usual residents", "ts003": "All households", "ts007": "All usual residents",
    "ts007a": "All usual residents", "ts011": "All households", "ts017": "All household spaces",
    "ts021": "All usual residents", "ts037": "All usual residents", "ts045": "All households",
    "ts054": "All households", "ts062": "All usual residents aged 16 years and over",
    "ts066": "All usual residents aged 16 years and over",
    "ts067": "All usual residents aged 16 years and over",
}
#: Tables whose total gives the base of a population, in order of preference.
BASES = {
    "All households": ("census21_ts054", "census21_ts045", "census21_ts011", "census21_ts003"),
    "All usual residents": ("census21_ts007a", "census21_ts037", "census21_ts021", "census21_ts001"),
    "All usual residents aged 16 years and over": ("census21_ts067", "census21_ts062", "census21_ts066"),
}
_TV_TITLE = re.compile(r"^\s*(TS\d{3}[A-Z]?)\s+-\s+(.+?)\s*$", re.IGNORECASE)
_TV_GEOGRAPHY = re.compile(r"^\s*([A-Za-z]\d{8})\s*:\s*(.*?)\s*$")
_TV_KEYS = {"population", "units", "date", "area type", "geography"}
#: Words of the disclosure note that ends every Nomis table view.
_TV_FOOTNOTE = ("protect against disclosure", "counts perturbed")
#: A Nomis percentage is rounded to one decimal place.
_PCT_TOLERANCE = 0.051


def table_code(dataset_id: str) -> str:
    """``'census21_ts054_ltla'`` -> ``'ts054'``."""
    return dataset_id.split("_")[1]


def population(dataset_id: str) -> str | None:
    """Who a Census table counts (``'All households'``), or None when not known."""
    return POPULATIONS.get(table_code(dataset_id))


def category_label(header: str) -> str:
    """``'Age: Aged 4 years and under; measures: Value'`` -> ``'Aged 4 years and under'``."""
    text = " ".join(str(header).split())
    if text.lower().endswith(_MEASURE_SUFFIX):
        text = text[: -len(_MEASURE_SUFFIX)].rstrip()
    return text.split(": ", 1)[1] if ": " in text else text


def member_name(dataset: Dataset) -> str:
    """The CSV inside the Nomis zip for this dataset (``census2021-ts007a-lsoa.csv``)."""
    return f"census2021-{table_code(dataset.id)}-{_LEVEL[dataset.geography]}.csv"


#: The indicator definitions: the categories they read are what a Census table must hold.
INDICATORS_FILE = config.resource("indicators.yaml")


def _indicator_columns(path: str) -> dict[str, dict[str, str]]:
    """``{table code: {column: indicator title}}`` for every Census column an indicator reads."""
    entries = load_yaml(path, what="indicator definitions") or []
    out: dict[str, dict[str, str]] = {}
    for entry in entries if isinstance(entries, list) else []:
        source = str(entry.get("source", "")) if isinstance(entry, dict) else ""
        if not source.startswith("census21_"):
            continue
        for col in list(entry.get("numerator") or []) + list(entry.get("denominator") or []):
            out.setdefault(table_code(source), {}).setdefault(str(col), str(entry.get("title", entry.get("id"))))
    return out


def required_columns(dataset_id: str) -> dict[str, str]:
    """The columns a Census table must hold: each one an indicator reads, with that indicator's title.

    A bulk file carries the whole table, so a category an indicator reads that is not
    there was renamed or lost; the table's build fails naming it rather than the
    indicator quietly becoming "not available". The same table at every geography
    level (``census21_ts045``, ``census21_ts045_ltla`` ...) has the same requirement.

    Parameters
    ----------
    dataset_id : str
        A ``census21_*`` registry id.

    Returns
    -------
    dict
        ``{column name: indicator title}`` (empty when no indicator reads the table).
    """
    if not isinstance(dataset_id, str) or not dataset_id.startswith("census21_"):
        raise ValueError(f"not a Census 2021 dataset id: {dataset_id!r}")
    path = str(INDICATORS_FILE)  # read once per state of the file
    columns = cache.held("files", ("Census columns of the indicators", path), cache.fingerprint(path),
                         lambda: _indicator_columns(path))
    return dict(columns.get(table_code(dataset_id), {}))


@loader("census_bulk")
def read_census(dataset: Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read a Census 2021 table from a Nomis bulk download or a Nomis table view.

    Parameters
    ----------
    dataset : Dataset
        A ``census21_*`` registry row.
    paths : list of Path
        The Nomis zip (the member for this geography level is read), or the member
        CSV itself, plain or gzipped; or a table view downloaded from the Nomis web
        query tool (recognised by its title line ``TSnnn - <title>``).

    Returns
    -------
    DataFrame
        ``lsoa21_code, lsoa21_name`` (``ltla21_*``, ``utla21_*``, ``rgn21_*`` or
        ``ctry21_*`` for the other levels), ``total`` (absent when a table view has
        no total column), then one whole-number column per category, named by
        slugging the category label (table prefix and ``; measures: Value`` removed).
        ``attrs["labels"]`` maps each column to its category label, e.g.
        ``{"aged_4_years_and_under": "Aged 4 years and under"}``;
        ``attrs["census_format"]`` is ``"bulk"`` or ``"table view"``.
        Suppression markers (``c``, ``x``, ``:``, ``[c]`` ...) become missing values and
        are listed in ``attrs["exclusions"]``, as are blank rows and footnotes.

    Raises
    ------
    ValidationError
        Listing every problem with file, line and column: missing ``geography
        code``/``geography``/total columns (bulk), no or several total columns, labels
        that slug to the same name, codes that are malformed, unknown or of the 2011
        vintage, duplicate areas, text where a count is expected; for a table view
        also a title naming another table, a count without its ``%`` column, a ``%``
        that disagrees with its count and total, a geography cell not written
        ``code : name``, and a missing disclosure footnote (a file cut short).

    Notes
    -----
    Source: ONS Census 2021 (21 March 2021), Nomis; LSOA 2021 (local authorities as
    published with the census). Figures are perturbed for disclosure control, so
    small cells are noisy and LSOA sums differ slightly from published totals.
    """
    if dataset.geography not in _AREA_COLUMNS:
        raise ValueError(f"{dataset.id!r}: census tables are read for {sorted(_AREA_COLUMNS)}, "
                         f"not {dataset.geography!r}")
    code_col = _AREA_COLUMNS[dataset.geography][0]
    paths = check_paths(paths)
    collection = collection_for(paths)
    parts, exclusions, formats = [], [], set()
    labels: dict[str, str] | None = None
    for path in paths:
        data, display = read_bytes(path, member_name(dataset))
        text = decode(data, display)
        if is_table_view(text):
            frame, part_labels, excl = _read_table_view(dataset, text, display, collection)
            formats.add("table view")
        else:
            frame, part_labels, excl = _read_bulk(dataset, path, collection)
            formats.add("bulk")
        if labels is not None and part_labels != labels:
            raise_if([Problem(display, None, None, "categories differ from the first file of this dataset "
                              f"({sorted(labels)} there, {sorted(part_labels)} here)")], display)
        labels = part_labels
        parts.append((display, frame))
        exclusions += excl
    out = combine(parts, [code_col])
    out.attrs["labels"] = labels
    out.attrs["census_format"] = " and ".join(sorted(formats))
    return attach_exclusions(out, exclusions)


def is_table_view(text: str) -> bool:
    """Whether CSV text is a Nomis table view (first line ``TSnnn - <title>``)."""
    first = next(csv.reader(io.StringIO(text.lstrip("\ufeff").split("\n", 1)[0])), [""])
    return bool(first) and bool(_TV_TITLE.match(first[0]))


def _read_bulk(dataset: Dataset, path: Path, collection: str):
    """Parse one Nomis bulk CSV (or zip member); returns (frame, labels, exclusions)."""
    code_col, name_col = _AREA_COLUMNS[dataset.geography]
    raw, excl, display = read_csv_lines(path, required=("geography code",), member_suffix=member_name(dataset))
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
    for need, title in required_columns(dataset.id).items():
        if need not in names:
            problems.append(Problem(display, None, need, "required column is missing: the indicator "
                                    f"'{title}' reads it (a category renamed or dropped in this file?); "
                                    f"categories found: {sorted(n for n in names if n != 'total')}"))
    raise_if(problems, display)
    order = ["total"] + [n for n in names if n != "total"]
    frame = pd.concat([area, raw[[names[n] for n in order]].set_axis(order, axis=1)], axis=1)
    frame, suppressed = _finish(dataset, frame, order, display, collection, [])
    labels = {n: category_label(names[n]) for n in order}
    return frame, labels, excl + suppressed


def _finish(dataset, frame, order, display, collection, extra):
    """Counts to whole numbers, codes checked, schema validated; returns (frame, exclusions)."""
    code_col, name_col = _AREA_COLUMNS[dataset.geography]
    frame[code_col] = frame[code_col].str.strip().str.upper()
    frame, bad, suppressed = parse_numbers(frame, order, display, integer=True, suppression=True)
    extra = list(extra) + list(bad)
    if dataset.geography == "lsoa21":
        extra += check_lsoa(frame[code_col], LSOA21, display, "geography code", collection)
    spec = {code_col: Col("str", pattern=_CODE_PATTERNS[dataset.geography]), name_col: Col("str")}
    spec.update({n: Col("int", ge=0, nullable=True) for n in order})
    frame = validate(frame, spec, display, key=[code_col], extra_problems=extra)
    return frame, suppressed


@gc_paused()  # a list per record: see ccdata.io.tables.gc_paused
def _read_table_view(dataset: Dataset, text: str, display: str, collection: str):
    """Parse a Nomis table view (see the module docstring) into the bulk layout.

    Four steps: the title lines (which table, which category), the header (count columns,
    each followed by its ``%``), the body (data rows, blank rows, the footnote), then the
    counts and percentages checked as the bulk files' are.
    """
    code_col, name_col = _AREA_COLUMNS[dataset.geography]
    rows, lines = read_records(text)
    problems: list[Problem] = []
    exclusions: list[Problem] = []
    meta, category, head_at = _tv_title(rows, lines, table_code(dataset.id).upper(), display, problems)
    header = [" ".join(c.split()) for c in rows[head_at]]
    columns, labels, pct_of = _tv_count_columns(header, meta, category, lines[head_at], display, problems)
    records, index, blank, footnote = _tv_body(rows[head_at + 1:], lines[head_at + 1:], header, columns, pct_of,
                                               display, problems)
    exclusions += blank_rows(display, blank, last_line=lines[-1] if lines else 0)
    text_of_note = " ".join(t for _, t in footnote).lower()
    if not any(w in text_of_note for w in _TV_FOOTNOTE):
        last = index[-1] if index else (lines[head_at] if lines else None)
        problems.append(Problem(display, last, None, "the disclosure footnote that ends every Nomis table view "
                                "is missing: the file may have been cut short; download the table again"))
    for line, note in footnote:
        exclusions.append(Problem(display, line, None, "footnote skipped", note[:80]))
    order = list(columns)
    pct_cols = [f"__pct_{n}" for n in order]
    frame = pd.DataFrame(records, columns=[code_col, name_col] + order + pct_cols,
                         index=pd.Index(index, name="row"), dtype="string")
    if not records:
        problems.append(Problem(display, None, None, "no data rows ('code : name' followed by counts) found"))
    if not records or not columns:
        raise_if(problems, display)
    # row and cell problems are listed with those of the counts, codes and percentages below
    pct, pct_bad, _ = parse_numbers(frame[pct_cols], pct_cols, display, integer=False)
    named = {f"__pct_{n}": f"% after {labels[n]!r}" for n in order}
    problems += [Problem(p.file, p.row, named.get(p.column, p.column), p.message, p.value) for p in pct_bad]
    frame, suppressed = _finish(dataset, frame[[code_col, name_col] + order].copy(), order, display, collection,
                                problems + _check_percentages(frame, pct, order, labels, display))
    return frame, labels, exclusions + suppressed


def _tv_title(rows, lines, wanted: str, display: str, problems: list[Problem]):
    """The title lines of a table view: its metadata, the category chosen, the header's row.

    Title lines read ``Population :,All households``, ``Date :,2021``,
    ``<Variable>:,<category>``; the first line names the table, which must be ``wanted``.
    """
    title = _TV_TITLE.match(rows[0][0]) if rows and rows[0] else None
    if title and title.group(1).upper() != wanted:
        problems.append(Problem(display, lines[0], None, f"the title names table {title.group(1)} "
                                f"({title.group(2)}), not {wanted}: is this the right download?",
                                rows[0][0]))
    meta: dict[str, str] = {}
    category = None
    head_at = None
    for i, row in enumerate(rows[1:31], start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        key = cells[0]
        if key.endswith(":"):
            name = " ".join(key[:-1].split()).lower()
            value = next((c for c in cells[1:] if c), "")
            if name in _TV_KEYS:
                meta[name] = value
            elif value:
                category = value  # one category chosen in the query tool
            continue
        if key.lower().startswith("ons crown copyright"):
            continue
        head_at = i
        break
    if head_at is None:
        raise_if([Problem(display, None, None, "no header row (geography type, then count and % columns) "
                          "found in the first 30 lines")], display)
    return meta, category, head_at


def _tv_count_columns(header: list[str], meta: dict, category, head_line: int, display: str,
                      problems: list[Problem]):
    """The count columns of a table view's header, each followed by its ``%`` column.

    Returns ``columns`` (output name -> position), ``labels`` (output name -> header text)
    and ``pct_of`` (count position -> its ``%`` position).
    """
    counts: list[tuple[int, str]] = []
    pct_of: dict[int, int] = {}
    for j in range(1, len(header)):
        cell = header[j]
        if not cell:
            continue
        if cell == "%":
            if not counts or counts[-1][0] != j - 1:
                problems.append(Problem(display, head_line, f"column {j + 1}",
                                        "a '%' column with no count column before it"))
            else:
                pct_of[counts[-1][0]] = j
            continue
        counts.append((j, cell))
    labels: dict[str, str] = {}
    columns: dict[str, int] = {}
    for j, label in counts:
        if j not in pct_of:
            problems.append(Problem(display, head_line, label, "no '%' column after this count column: "
                                    "a Nomis table view gives a percentage after each count (was a column "
                                    "deleted?)"))
        if label == meta.get("date") or re.fullmatch(r"\d{4}", label):
            if not category:
                problems.append(Problem(display, head_line, label, "count column named by the date, but no "
                                        "title line names its category (e.g. 'Household composition:,"
                                        "<category>')"))
                continue
            label = category
        out = "total" if label.lower().startswith("total") else slug(label)
        if out in columns:
            problems.append(Problem(display, head_line, label,
                                    f"gives the same column name {out!r} as another column"))
            continue
        labels[out] = label
        columns[out] = j
    if not columns:
        problems.append(Problem(display, head_line, None, "no count columns found"))
    return columns, labels, pct_of


def _tv_body(rows, lines, header: list[str], columns: dict, pct_of: dict, display: str, problems: list[Problem]):
    """The body of a table view: data rows, blank rows, then the footnote.

    Returns the records (code, name, counts, then percentages), their file lines, the
    blank lines and the footnote's ``(line, text)`` pairs.
    """
    records, index, blank, footnote = [], [], [], []
    for line, row in zip(lines, rows):
        cells = [c.strip() for c in row]
        if not any(cells):
            blank.append(line)
            continue
        if not cells[0]:
            rest = " ".join(c for c in cells if c)
            if re.search(r"\d", rest) and not re.search(r"[A-Za-z]{3}", rest):
                problems.append(Problem(display, line, header[0] or "column 1",
                                        "figures with no geography ('code : name') in the first column"))
            else:
                footnote.append((line, rest))
            continue
        if footnote:
            problems.append(Problem(display, line, header[0] or "column 1",
                                    "data row after the footnote", cells[0]))
        match = _TV_GEOGRAPHY.match(cells[0])
        if not match:
            problems.append(Problem(display, line, header[0] or "column 1", "expected the geography as "
                                    "'code : name' (e.g. 'E01011954 : Hartlepool 001A')", cells[0]))
            continue
        width = len(header)
        if len(cells) > width and any(cells[width:]):
            problems.append(Problem(display, line, None, f"row has {len(cells)} cells, header has {width}"))
        cells = (cells + [""] * width)[:width]
        records.append([match.group(1), match.group(2)] + [cells[j] for j in columns.values()]
                       + [cells[pct_of[j]] if j in pct_of else None for j in columns.values()])
        index.append(line)
    return records, index, blank, footnote


def _check_percentages(frame, pct, order, labels, display) -> list[Problem]:
    """Each ``%`` agrees with its count and the total (when the file has one), to Nomis' rounding."""
    problems = []
    counts = {n: pd.to_numeric(frame[n].str.replace(",", "", regex=False), errors="coerce") for n in order}
    for n in order:
        share = pct[f"__pct_{n}"]
        outside = share.notna() & ((share < 0) | (share > 100))
        for line in frame.index[outside.fillna(False)]:
            problems.append(Problem(display, int(line), f"% after {labels[n]!r}", "a percentage outside 0-100",
                                    share.loc[line]))
        if "total" not in counts:
            continue
        total = counts["total"]
        expected = (100 * counts[n] / total).where(total > 0)
        off = share.notna() & expected.notna() & ((share - expected).abs() > _PCT_TOLERANCE)
        for line in frame.index[off.fillna(False)]:
            problems.append(Problem(display, int(line), f"% after {labels[n]!r}",
                                    f"disagrees with the count and total ({expected.loc[line]:.1f}% expected): "
                                    "figures may have been edited or columns shifted", share.loc[line]))
    return problems
