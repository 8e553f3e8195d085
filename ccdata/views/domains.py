"""The dashboard's domains of deprivation: 2025 beside 2019, for the place, its authority and England.

One self-contained section (:func:`domains_section`) for the place dashboard: a table of
the share of neighbourhoods in each domain's most deprived 10% nationally, the IoD 2025
children and young people sub-domain on its own row (no 2019 counterpart is held), and
where the 2025 domains came from, named plainly.
"""
from __future__ import annotations

import pandas as pd

from ccdata import present
from ccdata.analysis.domains import DOMAIN_LABELS, domain_shares
from ccdata.geo.iod2025 import FILE7, SOURCE_TEXT
from ccdata.schemas import check_frame

Blocks = list


def _cell(r) -> str:
    """"42% (24 of 57)": the share, then the whole-number counts it is made of."""
    if r is None:
        return "not held"
    return f"{r['pct_most_deprived_10']:.0f}% ({int(r['lsoas_most_deprived_10']):,} of {int(r['lsoas']):,})"


def domains_table(shares: pd.DataFrame, place_name: str, la_name: str, *, same_as_la: bool = False) -> pd.DataFrame:
    """One row per domain; the place, its authority and England, 2019 then 2025.

    Parameters
    ----------
    shares : DataFrame
        From :func:`ccdata.analysis.domains.domain_shares`.
    place_name, la_name : str
        Column headings.
    same_as_la : bool
        The place is the whole authority: its columns are shown once.
    """
    check_frame(shares, "shares", ["domain"], made_by="ccdata.analysis.domains.domain_shares()")
    if not same_as_la and place_name == la_name:
        raise ValueError(f"the place and its authority need different headings, not both {place_name!r}")
    areas = [("la", la_name)] if same_as_la else [("place", place_name), ("la", la_name)]
    if england_sentence(shares) is None:  # England differs between domains: it needs its own columns
        areas.append(("england", "England"))
    editions = [e for e in ("IoD 2019", "IoD 2025") if e in set(shares["edition"])]
    held = {(r["domain"], r["area"], r["edition"]): r for r in shares.to_dict("records")}
    rows = []
    for domain, label in DOMAIN_LABELS.items():
        if domain not in set(shares["domain"]):
            continue
        row = {"Domain": label}
        for area, name in areas:
            for edition in editions:
                row[f"{name}, {edition[4:]}"] = _cell(held.get((domain, area, edition)))
        rows.append(row)
    return pd.DataFrame(rows)


def england_sentence(shares: pd.DataFrame) -> str | None:
    """England's figures in one sentence when they are the same for every domain of an edition.

    Deciles split England's neighbourhoods into tenths, so England's share in the most deprived
    10% is the same for every domain; a sentence then says it once instead of a column per edition
    (the table stays readable on a phone). ``None`` when they differ between domains.
    """
    eng = shares[shares["area"] == "england"]
    parts = []
    for edition, grp in eng.groupby("edition", sort=True):
        counts = set(zip(grp["lsoas_most_deprived_10"], grp["lsoas"]))
        if len(counts) != 1:
            return None
        k, n = counts.pop()
        parts.append(f"{100 * k / n:.0f}% in {edition[4:]} ({int(k):,} of {int(n):,})")
    if not parts:
        return None
    return "In England as a whole, the share is the same for every domain: " + " and ".join(parts) + "."


def domains_section(place) -> Blocks:
    """The domains of deprivation, 2025 beside 2019 (blocks for the dashboard)."""
    shares = domain_shares(place)
    missing = shares.attrs.get("missing", {})
    has_2025 = bool(((shares["edition"] == "IoD 2025") & (shares["domain"] != "imd")).any())
    if shares.empty:
        return [present.missing("the domains of deprivation", "the Indices of Deprivation are not available"),
                present.adviser_note("Why there are no domains of deprivation",
                                     "\n\n".join(f"{e}: {why}" for e, why in missing.items()))]
    areas = {a.id: a for a in place.areas()}
    same = "la" in areas and set(place.lsoa21) == set(areas["la"].lsoa21)
    place_name = place.name if place.name != place.lad_name else f"{place.name} (the place)"
    table = domains_table(shares, place_name, place.lad_name, same_as_la=same)
    source = shares.attrs.get("source")
    blocks: Blocks = [present.table(table, caption=(
        "Share of neighbourhoods (LSOAs) among the most deprived 10% in England on each domain of "
        "deprivation, with the number of neighbourhoods it is made of. "
        + ("The place is the whole local authority, so it is shown once. " if same else "")
        + (england_sentence(shares) or "About 10% of England's neighbourhoods are in the most deprived 10% of "
           "each domain, by definition.")))]
    notes = []
    if has_2025 and source:
        notes.append(f"The 2025 domains come from {SOURCE_TEXT[source]}.")
    elif not has_2025:
        notes.append("The 2025 domains are not available here, so only the overall 2025 index is shown; "
                     "the 2019 domains are shown in full.")
    if (shares["domain"] == "cyp").any():
        notes.append("The children and young people row measures how children and young people do at school "
                     "(attainment, absence, staying on after 16, going on to higher education); it is part of "
                     "the education domain, and no 2019 figure for it is held here.")
    notes.append("The 2019 figures for the local authority and England are counted on the 2011 neighbourhoods "
                 "the 2019 index was published for; the 2025 ones on 2021 neighbourhoods.")
    blocks.append(present.notice(" ".join(notes)))
    detail = ["Domain deciles: IoD 2019 from File 2 (place on LSOA 2021 through the ONS lookup; authority and "
              "England on LSOA 2011 and LAD 2019); IoD 2025 "
              + (f"from {source}." if source else "domains: neither the official File 7 (iod2025_file7) nor "
                 "the public copy (iod2025_public_domains) is fetched, so only the IMD is shown.")]
    if source == FILE7:
        detail.append("The File 7 reader was written from the column names in the release's documentation "
                      "and tested on a synthetic file with those headers; it has not yet been checked against "
                      "the published file itself.")
    for edition, why in missing.items():
        detail.append(f"{edition} could not be read: {why}")
    blocks.append(present.adviser_note("Domains of deprivation: sources", "\n\n".join(detail)))
    return blocks
