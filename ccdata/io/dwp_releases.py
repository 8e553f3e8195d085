"""Every release of DWP's children in low income families local area statistics, and which year comes from which.

DWP publishes the series once a year on a new gov.uk page, each page holding the years
since the series began (FYE 2015) or, from the March 2025 release on, a shorter run. The
releases are not one series:

- up to the 2014-to-2023 release the local figures are *before housing costs* and
  calibrated to three-year regional survey estimates;
- from March 2025 they are calibrated to single-year UK estimates (DWP revised the back
  series) and an *after housing costs* measure is published beside them.

So a year is taken from the latest release that holds it **in the same measure and
series** as the newest year shown, and years published only in another series are listed
as not joined (a published break), never spliced on. Ward figures of a release are on
that release's wards: an earlier ward table is usable only for wards unchanged since, or
through a declared crosswalk (North Tyneside was re-warded in 2024); otherwise only the
authority figures of that release are used.

Each release's workbook is found through the gov.uk content API of its landing page, like
the current one (:mod:`ccdata.io.routes`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import requests

from ccdata.io import routes

#: The measure of the page's figure, and the series break of March 2025.
RELATIVE_AHC, RELATIVE_BHC = "relative_ahc", "relative_bhc"
SERIES_2025, SERIES_PRE_2025 = "single-year UK calibration (March 2025 on)", "three-year regional calibration"
_BASE = "https://www.gov.uk/government/statistics/children-in-low-income-families-local-area-statistics-"


@dataclass(frozen=True)
class Release:
    """One published release: its page, workbook, years, measure, series and ward vintage."""

    id: str
    landing_page: str
    attachment: str
    first_year: int
    last_year: int
    measures: tuple[str, ...]
    series: str
    ward_vintage: int | None
    published: str

    @property
    def years(self) -> list[int]:
        """Financial years ending (FYE) the release holds."""
        return list(range(self.first_year, self.last_year + 1))


#: Newest first. The current release is the registry's ``dwp_cilif_ward`` / ``dwp_cilif_la``.
RELEASES = (
    Release("cilif_2022_2025", _BASE + "2022-to-2025",
            r"^children-in-low-income-families-local-area-statistics-.*\.ods$", 2022, 2025,
            (RELATIVE_AHC, RELATIVE_BHC), SERIES_2025, 2024, "2026"),
    Release("cilif_2014_2023", _BASE + "2014-to-2023",
            r"^children-in-low-income-families-local-area-statistics-.*\.ods$", 2015, 2023,
            (RELATIVE_BHC,), SERIES_PRE_2025, None, "2024"),
    Release("cilif_2014_2022", _BASE + "2014-to-2022",
            r"^children-in-low-income-families-local-area-statistics-.*\.ods$", 2015, 2022,
            (RELATIVE_BHC,), SERIES_PRE_2025, None, "2023"),
)


def find(release: Release, session: requests.Session | None = None, *, timeout: float = 60) -> dict:
    """The release's workbook as the gov.uk content API lists it: ``url``, ``filename``, ``published``.

    Raises
    ------
    FetchError
        The page lists no attachment matching the release's file name.
    OfflineError
        No network.
    """
    if not isinstance(release, Release):
        raise TypeError(f"release must be a Release, not {type(release).__name__}")
    session = session or requests.Session()
    att, page = routes.govuk_attachment(session, release, timeout)
    return {"url": att["url"], "filename": att["filename"],
            "published": page.get("public_updated_at") or page.get("updated_at")}


def plan(releases=RELEASES, measure: str = RELATIVE_AHC) -> pd.DataFrame:
    """Which release supplies each year of ``measure``, and which years are not joined.

    Returns
    -------
    DataFrame
        One row per financial year any release holds: ``year`` (``FYE yyyy``), ``release``
        (the latest release holding it in the measure and series of the newest year, or
        empty), ``reason`` (why a year is not used: another measure, or a published break).
    """
    releases = sorted(releases, key=lambda r: (r.last_year, r.published), reverse=True)
    if not releases:
        raise ValueError("no releases given")
    newest = next((r for r in releases if measure in r.measures), None)
    if newest is None:
        raise ValueError(f"no release publishes the measure {measure!r}")
    rows = {}
    for r in releases:
        for y in r.years:
            if y in rows and rows[y]["release"]:
                continue  # a later release holds it already: the latest wins
            if measure in r.measures and r.series == newest.series:
                rows[y] = {"year": f"FYE {y}", "release": r.id, "reason": ""}
            elif y not in rows:
                why = (f"published only as {', '.join(m.replace('_', ' ') for m in r.measures)} ({r.id})"
                       if measure not in r.measures else
                       f"published only before the series break: {r.series}, not {newest.series} ({r.id})")
                rows[y] = {"year": f"FYE {y}", "release": "", "reason": why}
    return pd.DataFrame([rows[y] for y in sorted(rows)], columns=["year", "release", "reason"])


def combine_years(tables: dict[str, pd.DataFrame], schedule: pd.DataFrame, code_col: str) -> pd.DataFrame:
    """One table with each year's columns taken from the release :func:`plan` chose for it.

    Parameters
    ----------
    tables : dict
        ``{release id: table}`` as :func:`ccdata.io.dwp.read_cilif` reads them
        (``children_fyeYYYY``/``pct_fyeYYYY`` columns).
    schedule : DataFrame
        From :func:`plan`.
    code_col : str
        The area code column the tables share (``lad24_code``, or ``ward24_code`` for
        releases on the same wards).

    Returns
    -------
    DataFrame
        ``code_col`` and each planned year's two columns; ``attrs["sources"]`` maps each
        year to its release.
    """
    out = None
    sources = {}
    for rec in schedule.itertuples(index=False):
        if not rec.release or rec.release not in tables:
            continue
        year = re.sub(r"\D", "", rec.year)
        cols = [f"children_fye{year}", f"pct_fye{year}"]
        table = tables[rec.release]
        if not set(cols) <= set(table.columns) or code_col not in table.columns:
            continue
        part = table[[code_col, *cols]]
        out = part if out is None else out.merge(part, on=code_col, how="outer")
        sources[rec.year] = rec.release
    out = out if out is not None else pd.DataFrame(columns=[code_col])
    out.attrs["sources"] = sources
    return out
