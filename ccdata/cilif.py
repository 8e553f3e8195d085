"""DWP children in low income families: every release declared once, with its tables and series breaks.

DWP publishes the local area statistics once a year on a new gov.uk page. Each release
is declared here once: its landing page, the workbook's file name (found through the
gov.uk content API, :mod:`ccdata.io.routes`), the series it belongs to, and each table
read (measure, ward or authority, worksheet, years). The registry rows of
:mod:`ccdata.sources` are made from these declarations, so ``ccdata fetch`` knows every
release, and :mod:`ccdata.io.dwp_releases` plans from the same declarations which
release supplies each year.

The releases are not one series. Up to the 2014-to-2023 release (March 2024) the local
figures were calibrated to two- or three-year regional survey estimates; from the
2014-to-2024 release (27 March 2025) they are calibrated to single-year UK estimates
and the back series was revised (DWP, background information and methodology,
updated 27 March 2025). That is a published break: years are never joined across it.
The 2022-to-2025 release (26 March 2026) adds an *after housing costs* measure beside
the *before housing costs* one.

Worksheet names: the current release's after-housing-costs sheets are named as
published (``2_AHC_Relative_LA``, ``4_AHC_Relative_Ward``); the 2014-to-2024 workbook's
relative sheets are ``3_Relative_Local_Authority`` and ``7_Relative_Ward``. The other
sheets are found by a pattern of their name, not checked against the published files.
Nor are the ward vintages of the earlier releases (May 2024 wards assumed for the
2014-to-2024 release): an earlier ward table is matched to the May 2024 wards by code
(:func:`ccdata.io.dwp_releases.align_wards`), so a wrong assumption leaves a ward out,
never joins it to another.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ccdata.dataset import CILIF_LANDING, OGL, Dataset
from ccdata.errors import UnknownDatasetError

#: The measures: relative low income after and before housing costs, children under 16.
RELATIVE_AHC, RELATIVE_BHC = "relative_ahc", "relative_bhc"
MEASURE_WORDS = {RELATIVE_AHC: "after housing costs", RELATIVE_BHC: "before housing costs"}
#: The two series, either side of the March 2025 break.
SERIES_2025 = "single-year UK calibration (March 2025 on)"
SERIES_PRE_2025 = "three-year regional calibration"
#: Published breaks, oldest first: ``(date, series before, series after, what changed)``.
BREAKS = (
    ("2025-03-27", SERIES_PRE_2025, SERIES_2025,
     "DWP calibrated the figures to single-year UK estimates and revised the earlier years"),
)
BASE = "https://www.gov.uk/government/statistics/children-in-low-income-families-local-area-statistics-"
_PUBLISHER = "Department for Work and Pensions / HMRC"
_WORKBOOK = r"^children-in-low-income-families-local-area-statistics-.*\.ods$"
_MIRROR = "low_income_families/dwp_cilif_fye2025/"


@dataclass(frozen=True)
class Table:
    """One worksheet of a release: the registry id it is fetched as, its measure, level and years.

    ``sheet`` is the worksheet's name, or a regular expression (starting ``^``) matched
    against the workbook's sheet names where the name is not known for certain.
    """

    dataset_id: str
    measure: str
    level: str  # "ward" or "la"
    sheet: str
    first_year: int
    last_year: int

    @property
    def years(self) -> list[int]:
        """Financial years ending (FYE) the table holds."""
        return list(range(self.first_year, self.last_year + 1))


@dataclass(frozen=True)
class Release:
    """One published release: its page, workbook, series, ward vintage and tables."""

    id: str
    landing_page: str
    published: str
    series: str
    ward_vintage: int
    lad_vintage: int
    tables: tuple[Table, ...]
    attachment: str = _WORKBOOK

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.measure for t in self.tables))

    def years(self, measure: str | None = None) -> list[int]:
        """The years of ``measure`` (of every table when ``None``) this release holds."""
        return sorted({y for t in self.tables if measure in (None, t.measure) for y in t.years})

    def table(self, measure: str, level: str) -> Table | None:
        """The release's table of ``measure`` at ``level`` (``ward`` or ``la``), if it has one."""
        return next((t for t in self.tables if t.measure == measure and t.level == level), None)


def _bhc(release: str, first: int, last: int, ward_sheet: str, la_sheet: str) -> tuple[Table, Table]:
    return (Table(f"dwp_cilif_{release}_ward", RELATIVE_BHC, "ward", ward_sheet, first, last),
            Table(f"dwp_cilif_{release}_la", RELATIVE_BHC, "la", la_sheet, first, last))


_WARD_ANY = r"^\d+_(BHC_)?Relative_Ward$"
_LA_ANY = r"^\d+_(BHC_)?Relative_(LA|Local_Authority)$"

#: Newest first. The current release's after-housing-costs tables are ``dwp_cilif_ward`` and
#: ``dwp_cilif_la`` (the ids the pages have always read).
RELEASES = (
    Release("cilif_2022_2025", CILIF_LANDING, "2026-03-26", SERIES_2025, 2024, 2024, (
        Table("dwp_cilif_ward", RELATIVE_AHC, "ward", "4_AHC_Relative_Ward", 2024, 2025),
        Table("dwp_cilif_la", RELATIVE_AHC, "la", "2_AHC_Relative_LA", 2024, 2025),
        *_bhc("bhc", 2022, 2025, _WARD_ANY, _LA_ANY))),
    Release("cilif_2014_2024", BASE + "2014-to-2024", "2025-03-27", SERIES_2025, 2024, 2024,
            _bhc("2014_2024", 2015, 2024, "7_Relative_Ward", "3_Relative_Local_Authority")),
    Release("cilif_2014_2023", BASE + "2014-to-2023", "2024-03-21", SERIES_PRE_2025, 2023, 2023,
            _bhc("2014_2023", 2015, 2023, _WARD_ANY, _LA_ANY)),
    Release("cilif_2014_2022", BASE + "2014-to-2022", "2023-03-23", SERIES_PRE_2025, 2022, 2022,
            _bhc("2014_2022", 2015, 2022, _WARD_ANY, _LA_ANY)),
)


def table_of(dataset_id: str) -> tuple[Release, Table]:
    """The release and table a registry id reads.

    Raises
    ------
    UnknownDatasetError
        ``dataset_id`` is not a DWP children in low income families table.
    """
    if not isinstance(dataset_id, str):
        raise TypeError(f"dataset id must be a string, not {type(dataset_id).__name__}")
    for release in RELEASES:
        for t in release.tables:
            if t.dataset_id == dataset_id:
                return release, t
    raise UnknownDatasetError(f"{dataset_id!r} is not a DWP children in low income families table; known: "
                   f"{', '.join(t.dataset_id for r in RELEASES for t in r.tables)}")


#: The current release's after-housing-costs tables, registered before the earlier releases were.
_CURRENT = {
    "dwp_cilif_ward": Dataset(
        id="dwp_cilif_ward",
        title="Children in low income families (relative, AHC), Table 4: ward, FYE 2024-2025",
        publisher=_PUBLISHER,
        landing_page=CILIF_LANDING,
        vintage="FYE 2025 release; May 2024 wards",
        attachment=_WORKBOOK,
        sheet="4_AHC_Relative_Ward",
        manual=("save children-in-low-income-families-local-area-statistics-2022-2025.ods from "
                f"{CILIF_LANDING}, then `ccdata fetch dwp_cilif_ward --file <saved file>`"),
        licence=OGL, loader="dwp_cilif", geography="ward24",
        expected_columns=("Local Authority [note 2]", "Area Code", "Ward [note 2]"),
        mirror_paths=(_MIRROR + "4_AHC_Relative_Ward.csv",),
        notes="Published as one ODS workbook (sheet 4_AHC_Relative_Ward) found through the gov.uk "
              "content API; the mirror holds the worksheet saved as CSV (title lines above the header).",
        tags=("dwp",),
    ),
    "dwp_cilif_la": Dataset(
        id="dwp_cilif_la",
        title="Children in low income families (relative, AHC), Table 2: local authority, FYE 2024-2025",
        publisher=_PUBLISHER,
        landing_page=CILIF_LANDING,
        vintage="FYE 2025 release; local authorities 2024",
        attachment=_WORKBOOK,
        sheet="2_AHC_Relative_LA",
        manual=("save children-in-low-income-families-local-area-statistics-2022-2025.ods from "
                f"{CILIF_LANDING}, then `ccdata fetch dwp_cilif_la --file <saved file>`"),
        licence=OGL, loader="dwp_cilif", geography="lad24",
        expected_columns=("Local Authority [note 2]", "Area Code"),
        mirror_paths=(_MIRROR + "2_AHC_Relative_LA.csv",),
        notes="Published as one ODS workbook (sheet 2_AHC_Relative_LA) found through the gov.uk content API.",
        tags=("dwp",),
    ),
}


def _dataset(release: Release, t: Table) -> Dataset:
    """The registry row of a table that is not in the shared mirror (fetched online, or saved by hand)."""
    if t.dataset_id in _CURRENT:
        return _CURRENT[t.dataset_id]
    level = "ward" if t.level == "ward" else "local authority"
    geography = f"ward{release.ward_vintage % 100}" if t.level == "ward" else f"lad{release.lad_vintage % 100}"
    areas = (f"wards as published (May {release.ward_vintage})" if t.level == "ward"
             else f"local authorities {release.lad_vintage}")
    sheet_note = (f"sheet {t.sheet}" if not t.sheet.startswith("^")
                  else f"the sheet whose name matches {t.sheet}; not checked against the published file")
    workbook = release.landing_page.rsplit("statistics-", 1)[-1]
    earlier = release is not RELEASES[0]
    return Dataset(
        id=t.dataset_id,
        title=f"Children in low income families (relative, BHC), {level}, FYE {t.first_year}-{t.last_year}",
        publisher=_PUBLISHER,
        landing_page=release.landing_page,
        vintage=f"FYE {release.years()[-1]} release ({release.published}); {areas}",
        attachment=release.attachment,
        sheet=None if t.sheet.startswith("^") else t.sheet,
        manual=(f"save children-in-low-income-families-local-area-statistics-{workbook}.ods from "
                f"{release.landing_page}, then `ccdata fetch {t.dataset_id} --file <saved file>`"),
        licence=OGL, loader="dwp_cilif", geography=geography,
        expected_columns=("Local Authority [note 2]", "Area Code") + (("Ward [note 2]",) if t.level == "ward" else ()),
        notes=(f"Published as one ODS workbook ({sheet_note}) found through the gov.uk content API. "
               f"{'An earlier release' if earlier else 'The current release'}, series: {release.series}. "
               "Not in the shared mirror."),
        tags=("dwp", t.measure, "dwp_earlier") if earlier else ("dwp", t.measure),
    )


def datasets() -> list[Dataset]:
    """The registry rows of every release's tables, newest release first."""
    return [_dataset(r, t) for r in RELEASES for t in r.tables]


def sheet_pattern(sheet: str) -> re.Pattern | str:
    """A worksheet given as a pattern (``^...``) compiled; a name as it is."""
    return re.compile(sheet) if sheet.startswith("^") else sheet
