"""What a registry row says about a dataset: where it is published, how to find it today, its vintage.

Each :class:`Dataset` names where the file is officially published (``url``, or an
ONS Open Geography ArcGIS FeatureServer layer in ``arcgis_layer``), the vintage and
licence, the columns the published file carries (``expected_columns``: a loader
checks them and reports every one that is missing), and where the file sits in a
mirror laid out like ``../shared/data`` (``mirror_paths``).

Publishers move files: ONS re-publishes a layer under a new service name, gov.uk
re-uploads an attachment under a new media id. So a row also says how to find the
current file at fetch time: the ArcGIS item id of an ONS layer (``arcgis_item``;
the item keeps its id across re-publications) and, for a gov.uk publication, a
pattern matching the attachment's file name (``attachment``), looked up through
the gov.uk content API of the landing page. The recorded ``url`` and
``arcgis_layer`` are the fallbacks. Where no route works, ``manual`` says which
file to save by hand and where. The rows themselves are in :mod:`ccdata.sources`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

OGL = "Open Government Licence v3.0"
OGL_OS = "Open Government Licence v3.0; contains OS data © Crown copyright and database right"
GOVUK = "https://www.gov.uk"
ONS_ARCGIS = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"
IOD2019_LANDING = "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019"
IOD2025_LANDING = "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025"
IOD2019_ASSETS = "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/file"
GOV_ASSETS = "https://assets.publishing.service.gov.uk/media"
NOMIS_BULK = "https://www.nomisweb.co.uk/output/census/2021"
NOMIS_LANDING = "https://www.nomisweb.co.uk/sources/census_2021_bulk"
CILIF_LANDING = "https://www.gov.uk/government/statistics/children-in-low-income-families-local-area-statistics-2022-to-2025"

#: The area columns that open every IoD 2019 LSOA file (LSOA 2011, LAD 2019).
IOD2019_AREA_COLUMNS = ("LSOA code (2011)", "LSOA name (2011)",
                        "Local Authority District code (2019)", "Local Authority District name (2019)")
#: The area columns that open every IoD 2025 LSOA file (LSOA 2021, LAD 2024).
IOD2025_AREA_COLUMNS = ("LSOA code (2021)", "LSOA name (2021)",
                        "Local Authority District code (2024)", "Local Authority District name (2024)")


@dataclass(frozen=True)
class Dataset:
    """One published dataset.

    Attributes
    ----------
    id : str
        Registry id, used by ``ccdata fetch ID`` and ``ccdata.load(ID)``.
    loader : str
        Name of the reader in :mod:`ccdata.io` that parses the published format.
    geography : str
        The geography and vintage of its rows (``lsoa11``, ``lsoa21``, ``ward24`` ...).
    url : str or None
        Official direct download URL (``None`` where the publisher offers only a
        landing page; ``fetch`` then explains where to get it). ``{yyyymmdd}`` is
        replaced by the date, trying recent days, for daily extracts (GIAS).
    arcgis_layer : str or None
        ONS Open Geography FeatureServer layer; ``fetch`` pages through it. With
        ``arcgis_item`` this is the recorded fallback.
    arcgis_item : str or None
        ArcGIS Online item id of the ONS layer (32 hex digits). ``fetch`` asks
        ArcGIS Online for the item's current service URL, so a renamed service is
        still found. The layer number is taken from ``arcgis_layer`` (default 0).
    attachment : str or None
        Regular expression matched (case-insensitively) against the file names of
        the attachments of a gov.uk ``landing_page``; ``fetch`` downloads the
        current attachment that matches, falling back to ``url``.
    sheet : str or None
        Worksheet read from a published workbook (ODS or XLSX), by name.
    manual : str
        For a file with no working download route: which file to save by hand,
        from where, and where to put it.
    mirror_paths : tuple of str
        Paths inside a mirror laid out like ``../shared/data``. Several paths
        are several parts of one dataset (regional subsets, shapefile sidecars).
    """

    id: str
    title: str
    publisher: str
    landing_page: str
    vintage: str
    licence: str
    loader: str
    geography: str
    url: str | None = None
    arcgis_layer: str | None = None
    arcgis_item: str | None = None
    attachment: str | None = None
    sheet: str | None = None
    manual: str = ""
    expected_columns: tuple[str, ...] = ()
    mirror_paths: tuple[str, ...] = ()
    notes: str = ""
    tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.arcgis_item is not None and not re.fullmatch(r"[0-9a-f]{32}", self.arcgis_item):
            raise ValueError(f"{self.id}: arcgis_item must be 32 lower-case hex digits, not {self.arcgis_item!r}")
        if self.attachment is not None:
            re.compile(self.attachment)  # a broken pattern fails at import, not on the day
            if not self.landing_page.startswith(GOVUK + "/"):
                raise ValueError(f"{self.id}: attachment needs a gov.uk landing page, not {self.landing_page!r}")

    @property
    def official_source(self) -> str:
        return self.url or self.arcgis_layer or self.landing_page

    @property
    def route_kind(self) -> str:
        """How ``fetch`` reaches the file: ``govuk``, ``arcgis``, ``url`` or ``manual``."""
        if self.attachment:
            return "govuk"
        if self.arcgis_item or self.arcgis_layer:
            return "arcgis"
        if self.url:
            return "url"
        return "manual"


_CENSUS_LEVELS = {  # registry suffix -> (geography, Nomis member level, mirror folder, title)
    "lsoa": ("lsoa21", "lsoa", "census2021_lsoa", "LSOA 2021"),
    "ltla": ("ltla21", "ltla", "census2021_ltla", "lower-tier local authority"),
    "utla": ("utla21", "utla", "census2021_utla", "upper-tier local authority"),
    "rgn": ("rgn21", "rgn", "census2021_rgn", "region"),
    "ctry": ("ctry21", "ctry", "census2021_ctry", "country"),
}
NOMIS_TABLE_VIEW = "census/nomis_table_view"


def census_dataset(table: str, title: str, columns: tuple[str, ...] = (), mirrored: bool = False,
                   level: str = "lsoa", table_view: str | None = None) -> Dataset:
    """The registry row of a Census 2021 table at one geography level, from the Nomis bulk zip.

    Parameters
    ----------
    table : str
        The Census table (``"TS001"``).
    title : str
        What the table counts, in words.
    columns : tuple of str
        Columns the file must have besides ``date``, ``geography`` and ``geography code``.
    mirrored : bool
        The mirror holds the bulk member (``census2021-<t>-<level>.csv.gz``).
    level : str
        ``"lsoa"``, ``"ltla"``, ``"utla"``, ``"rgn"`` or ``"ctry"``.
    table_view : str, optional
        Instead, the mirror holds a Nomis table view download (file name under
        ``census/nomis_table_view/``), which the same loader reads.

    Returns
    -------
    Dataset
        ``census21_<table>`` (LSOA) or ``census21_<table>_<level>``.

    Raises
    ------
    ValueError
        ``level`` is not a known geography level.
    """
    if level not in _CENSUS_LEVELS:
        raise ValueError(f"Census level must be one of {sorted(_CENSUS_LEVELS)}, not {level!r}")
    code = table.lower()
    geography, member, folder, where = _CENSUS_LEVELS[level]
    mirror: tuple[str, ...] = ()
    notes = f"Nomis bulk zip; the loader reads member census2021-{code}-{member}.csv."
    if mirrored:
        mirror = (f"census/{folder}/census2021-{code}-{member}.csv.gz",)
    elif table_view:
        mirror = (f"{NOMIS_TABLE_VIEW}/{table_view}",)
        notes += (" The mirror holds a Nomis table view download instead (title lines, 'code : name' "
                  "geography, a % column after each count, a footnote), read by the same loader.")
    return Dataset(
        id=f"census21_{code}" if level == "lsoa" else f"census21_{code}_{level}",
        title=f"Census 2021 {table}: {title} ({where})",
        publisher="Office for National Statistics (via Nomis)",
        landing_page=NOMIS_LANDING,
        url=f"{NOMIS_BULK}/census2021-{code}.zip",
        vintage=("Census 2021 (21 March 2021); LSOA 2021" if level == "lsoa" else
                 f"Census 2021 (21 March 2021); {where} as published with the census (2022 codes)"),
        licence=OGL,
        loader="census_bulk",
        geography=geography,
        expected_columns=("date", "geography", "geography code") + columns if not table_view else (),
        mirror_paths=mirror,
        notes=notes,
        tags=("census",) if level == "lsoa" else ("census", "census_area"),
    )


