"""The fictional country "Demoland" and town "Demoton", in the official file formats.

Every file is written byte for byte in the layout of the published release (or of
the mirror copy in ``../shared/data`` where the registry reads one): the same file
names, header text, title lines, byte-order marks, quoting, thousands separators,
XLSX sheet names and compression. Only the codes, names and numbers are invented,
so ``ccdata.load(id, "demo")`` runs exactly the loaders used on the real files.

Geography
---------
Four fictional local authorities (``E06900001`` Demoton and three neighbours,
``E06900002``-``E06900004``) tile a 15 x 12 grid of slightly irregular LSOA 2021
polygons (180 LSOAs) in open sea off the east coast of England, about 30-47 km
east of Great Yarmouth (eastings 683,250-699,750, northings 300,000-313,200 in
EPSG:27700), so nothing can be mistaken for a real town. The box is chosen with
care: British National Grid eastings stop at 700,000 (loaders reject larger
ones), and between about 665,000 and 683,000 PROJ converts 27700 -> 4326 and
back by different operations (the OSTN15 grid on one side only), so a polygon
written in WGS84 and read back would move by up to 130 m. East of 683,000 the
round trip is exact to a millimetre. Demoton has six wards; the demo place is wards
``E05900001``-``E05900004``. Wards are unions of their LSOAs and every LSOA lies in
exactly one ward (the best-fit lookup is therefore exact).

Codes
-----
All codes are in ranges no real code uses: LSOA ``E019xxxxx`` (2021) and
``E018xxxxx`` (2011 codes that ceased in 2021), OA ``E009xxxxx``, MSOA
``E029xxxxx``, wards ``E059xxxxx``, LADs ``E069xxxxx``, postcode area ``DM`` (no
such area exists in the UK). As in the real ONS lookup, an LSOA that did not change
between 2011 and 2021 (CHGIND ``U``) keeps its code; split (``S``), merged (``M``)
and complex (``X``) changes retire the 2011 code (``E018...``) and the 2021 side
has new codes.

Deprivation ranks
-----------------
IoD ranks and deciles are written as the national files would show them: each
demo LSOA gets a distinct rank drawn as if from England's 32,844 LSOAs (IoD2019)
or 33,755 (IoD2025), and the decile follows from the rank exactly as in the
published files (decile = ceil(10 x rank / N), 1 = most deprived). Demoton's place
LSOAs are drawn from deciles 1-3. Ranks are consistent: within the demo the order
of ranks is the order of a latent deprivation score.

Census
------
Categories are generated as counts whose leaves sum exactly to the table total and
whose subtotal columns are the sums of their children. The published bulk files
carry no suppressed cells (Census 2021 uses perturbation instead), so the demo has
none either. TS007A, TS045, TS054 and TS062 also come as the published local
authority and country files, whose cells are perturbed on their own (as ONS's are),
so they differ slightly from sums of LSOAs. TS011 is written as a Nomis "table
view" download (title lines, ``code : name`` geography, a ``%`` after each count,
a footnote), the format an adviser gets from the Nomis web query tool.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from openpyxl import Workbook
from openpyxl.styles import Font
from pyproj import Transformer
from shapely.geometry import Point, Polygon
from shapely.ops import unary_union

from ccdata import cache, config
from ccdata.demo import SEED
from ccdata.io import census
from ccdata.io.fetch import store_generated

#: The demo local authority (fictional; LAD 2024 vintage).
DEMO_LAD = "E06900001"
#: The four wards (May 2024 vintage) that make up the demo place.
PLACE_WARDS = ("E05900001", "E05900002", "E05900003", "E05900004")
#: Postcode area used for every demo postcode (no such area exists in the UK).
POSTCODE_AREA = "DM"
SOURCE = "ccdata demo generator (fictional)"

N_LSOA_ENGLAND_2011 = 32_844
N_LSOA_ENGLAND_2021 = 33_755

# Grid of LSOA 2021 cells in EPSG:27700, in the North Sea off East Anglia (BNG eastings end at 700,000).
ORIGIN_E, ORIGIN_N, CELL = 683_250, 300_000, 1_100
N_COLS, N_ROWS = 15, 12

LAS = (  # code, name, cells (col range, row range) ...
    ("E06900001", "Demoton"),
    ("E06900002", "Northmere"),
    ("E06900003", "Saltby Bay"),
    ("E06900004", "Eastwold"),
)

# Ward number (1-based, E059000NN) of each grid cell; 0 = none. Demoton: cols 0-4 rows 0-7.
_DEMOTON_WARDS = (("Harbour", 0, 5, 0, 2), ("Mill Lane", 0, 5, 2, 4), ("St Aidan's", 0, 3, 4, 6),
                  ("Northgate", 3, 5, 4, 6), ("Westfield", 0, 3, 6, 8), ("Saltmarsh & Dunes", 3, 5, 6, 8))
_OTHER_WARDS = (
    # LA index, name, col0, col1, row0, row1
    (1, "Fenside", 0, 5, 8, 12), (1, "Northmere Central", 5, 10, 6, 9), (1, "Kettle Hill", 5, 10, 9, 12),
    (2, "Saltby Old Town", 5, 10, 0, 3), (2, "Quayside", 5, 10, 3, 6),
    (3, "Eastwold North", 10, 15, 0, 4), (3, "Eastwold Marsh", 10, 15, 4, 8), (3, "Wold End", 10, 15, 8, 12),
)

FIXED_ZIP_TIME = (2025, 10, 30, 0, 0, 0)


# --------------------------------------------------------------------------- geography
@dataclass(frozen=True)
class _Geo:
    lsoa: pd.DataFrame     # lsoa21_code, lsoa21_name, ward24_code, ward24_name, lad_code, lad_name, col, row, place
    wards: pd.DataFrame    # ward24_code, ward24_name, lad_code, lad_name
    nodes: np.ndarray      # (N_COLS+1, N_ROWS+1, 2) jittered grid nodes, metres


def _rng(seed: int, part: str) -> np.random.Generator:
    """A generator per part, so adding a part never changes the numbers of another."""
    return np.random.default_rng([seed, sum(ord(c) * 31 ** i for i, c in enumerate(part)) % (2 ** 32)])


@cache.pure("demo seeds")
def _geography(seed: int) -> _Geo:
    rng = _rng(seed, "geography")
    ward_of: dict[tuple[int, int], int] = {}
    ward_rows = []
    number = 0
    for name, c0, c1, r0, r1 in _DEMOTON_WARDS:
        number += 1
        ward_rows.append((f"E0590{number:04d}", name, 0))
        for c in range(c0, c1):
            for r in range(r0, r1):
                ward_of[(c, r)] = number
    for la_index, name, c0, c1, r0, r1 in _OTHER_WARDS:
        number += 1
        ward_rows.append((f"E0590{number:04d}", name, la_index))
        for c in range(c0, c1):
            for r in range(r0, r1):
                ward_of[(c, r)] = number
    assert len(ward_of) == N_COLS * N_ROWS, "every grid cell must be in a ward"
    wards = pd.DataFrame([{"ward24_code": code, "ward24_name": name, "lad_code": LAS[i][0], "lad_name": LAS[i][1]}
                          for code, name, i in ward_rows])
    # LSOA codes run through the LAs in order; within an LA by ward, then column, row.
    cells = sorted(ward_of, key=lambda cr: (wards.loc[ward_of[cr] - 1, "lad_code"], ward_of[cr], cr[0], cr[1]))
    rows = []
    per_la: dict[str, int] = {}
    for i, (c, r) in enumerate(cells, start=1):
        w = wards.loc[ward_of[(c, r)] - 1]
        k = per_la.get(w["lad_code"], 0)
        per_la[w["lad_code"]] = k + 1
        msoa, letter = divmod(k, 5)  # five LSOAs per MSOA, as "Demoton 001A".."001E"
        rows.append({"lsoa21_code": f"E0190{i:04d}", "lsoa21_name": f"{w['lad_name']} {msoa + 1:03d}{'ABCDE'[letter]}",
                     "msoa21_code": f"E0290{list(per_la).index(w['lad_code']) * 20 + msoa + 1:04d}",
                     "msoa21_name": f"{w['lad_name']} {msoa + 1:03d}",
                     "ward24_code": w["ward24_code"], "ward24_name": w["ward24_name"],
                     "lad_code": w["lad_code"], "lad_name": w["lad_name"], "col": c, "row": r,
                     "place": w["ward24_code"] in PLACE_WARDS})
    lsoa = pd.DataFrame(rows)
    # Irregular but exact tiling: jitter interior grid nodes (shared by neighbours).
    nodes = np.zeros((N_COLS + 1, N_ROWS + 1, 2))
    for c in range(N_COLS + 1):
        for r in range(N_ROWS + 1):
            dx, dy = (rng.uniform(-0.18, 0.18, 2) * CELL) if 0 < c < N_COLS and 0 < r < N_ROWS else (0.0, 0.0)
            nodes[c, r] = (ORIGIN_E + c * CELL + round(dx), ORIGIN_N + r * CELL + round(dy))
    return _Geo(lsoa, wards, nodes)


def _cell_polygon(geo: _Geo, c: int, r: int):

    n = geo.nodes
    return Polygon([tuple(n[c, r]), tuple(n[c + 1, r]), tuple(n[c + 1, r + 1]), tuple(n[c, r + 1])])


@cache.pure("demo seeds")
def _polygons(seed: int) -> dict[str, object]:
    geo = _geography(seed)
    return {row.lsoa21_code: _cell_polygon(geo, row.col, row.row) for row in geo.lsoa.itertuples()}


_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # Royal Mail never uses C I K M O V in the unit


@cache.pure("demo seeds")
def _postcodes(seed: int) -> pd.DataFrame:
    geo = _geography(seed)
    polys = _polygons(seed)
    rng = _rng(seed, "postcodes")
    rows = []
    sector_in_ward: dict[str, int] = {}
    districts: dict[tuple[str, int], int] = {}
    for row in geo.lsoa.itertuples():
        k = sector_in_ward.get(row.ward24_code, 0)
        sector_in_ward[row.ward24_code] = k + 1
        # a postcode district holds at most ten sectors (0-9): large wards get a second district
        district = districts.setdefault((row.ward24_code, k // 10), len(districts) + 1)
        sector = k % 10
        inner = polys[row.lsoa21_code].buffer(-40)
        minx, miny, maxx, maxy = inner.bounds
        n = int(rng.integers(20, 33))
        units = rng.choice(len(_UNIT_LETTERS) ** 2, size=n, replace=False)

        for u in sorted(units):
            while True:
                e, nn = int(rng.integers(minx, maxx)), int(rng.integers(miny, maxy))
                if inner.contains(Point(e, nn)):
                    break
            unit = _UNIT_LETTERS[u // len(_UNIT_LETTERS)] + _UNIT_LETTERS[u % len(_UNIT_LETTERS)]
            rows.append({"postcode": f"{POSTCODE_AREA}{district} {sector}{unit}", "easting": e, "northing": nn,
                         "lsoa21_code": row.lsoa21_code, "ward24_code": row.ward24_code,
                         "lad_code": row.lad_code})
    return pd.DataFrame(rows)


def demo_postcodes() -> pd.DataFrame:
    """Every postcode of the demo country, with its location and areas.

    Pure and deterministic (no file I/O): the demo Code-Point Open file holds
    exactly these postcodes, so other demo parts (asset list, survey, pupil
    extracts) can use them and they will geocode.

    Returns
    -------
    DataFrame
        ``postcode`` (``"DM1 4AB"``), ``easting``, ``northing`` (EPSG:27700, inside
        the LSOA polygon), ``lsoa21_code``, ``ward24_code``.

    Examples
    --------
    >>> pcs = demo_postcodes()
    >>> pcs[pcs["ward24_code"].isin(PLACE_WARDS)].shape[0] > 100
    True
    """

    return _postcodes(SEED)[["postcode", "easting", "northing", "lsoa21_code", "ward24_code"]].copy()


def demo_geography(seed: int | None = None) -> pd.DataFrame:
    """The demo LSOA 2021 -> ward 2024 -> LAD table (pure; no file I/O)."""

    return _geography(SEED if seed is None else seed).lsoa.drop(columns=["col", "row"]).copy()


# --------------------------------------------------------------------------- file helpers
def _csv_bytes(rows: list[list], *, bom: bool = False, crlf: bool = False, quote_all: bool = False,
               encoding: str = "utf-8", quote_strings: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    if quote_strings:  # Nomis style: text quoted, numbers bare
        lines = []
        for row in rows:
            cells = [f'"{v}"' if isinstance(v, str) else ("" if v is None else str(v)) for v in row]
            lines.append(",".join(cells))
        text = "\n".join(lines) + "\n"
    else:
        writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n",
                            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        writer.writerows(rows)
        text = buffer.getvalue()
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _zip(members: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on the members (fixed timestamps and order)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            if name.endswith("/"):
                info.external_attr = 0o40755 << 16 | 0x10
                zf.writestr(info, b"")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
    return out.getvalue()


def _thousands(n: int) -> str:
    return f"{int(n):,}"


def _xlsx(sheets: list[tuple[str, list[list]]]) -> bytes:
    """An XLSX workbook (sheets in order) whose bytes are reproducible."""

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title != "Notes" and rows:
            for cell in ws[1]:
                cell.font = Font(bold=True)
    fixed = dt.datetime(2025, 10, 30)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "Demoland Ministry of Fictional Statistics"
    raw = io.BytesIO()
    wb.save(raw)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    # openpyxl stamps the save time into docProps/core.xml; pin it
    core = members.get("docProps/core.xml")
    if core is not None:
        members["docProps/core.xml"] = re.sub(rb"<dcterms:modified([^>]*)>[^<]*<",
                                              rb"<dcterms:modified\1>2025-10-30T00:00:00Z<", core)
    return _zip(members)


def _store(dataset_id: str, files: dict[str, bytes]) -> list[Path]:
    return store_generated(dataset_id, files, collection=config.DEMO, source=SOURCE)


# --------------------------------------------------------------------------- LSOA 2011
def _lsoa11(seed: int) -> pd.DataFrame:
    """The exact-fit LSOA11 -> LSOA21 lookup rows: lsoa11_code, lsoa11_name, lsoa21_code, change.

    Per LA a fixed pattern of changes is applied to pairs of neighbouring LSOA21s
    in the same ward: splits, merges and one complex change in Demoton.
    """
    geo = _geography(seed)
    lsoa = geo.lsoa
    rows = []
    next_old = 1
    plan = {"E06900001": ["S", "S", "M", "X", "S", "M"], "E06900002": ["S", "M"],
            "E06900003": ["S", "M"], "E06900004": ["S", "M", "X"]}
    for lad, group in lsoa.groupby("lad_code", sort=True):
        codes = list(group["lsoa21_code"])
        names = dict(zip(group["lsoa21_code"], group["lsoa21_name"]))
        wards = dict(zip(group["lsoa21_code"], group["ward24_code"]))
        la_name = group["lad_name"].iloc[0]
        used: set[str] = set()
        extra_letter = 0
        # pairs of consecutive codes in one ward, spread through the LA
        pairs = [(a, b) for a, b in zip(codes[1::4], codes[2::4]) if wards[a] == wards[b]]
        for kind, (a, b) in zip(plan[lad], pairs):
            used.update((a, b))
            def old(n_old: int = 1) -> list[tuple[str, str]]:
                nonlocal next_old, extra_letter
                out = []
                for _ in range(n_old):
                    msoa = names[a].split()[-1][:3]
                    out.append((f"E0180{next_old:04d}", f"{la_name} {msoa}{'FGHJKLMNPQ'[extra_letter % 10]}"))
                    next_old += 1
                    extra_letter += 1
                return out
            if kind == "S":  # one 2011 LSOA became a and b
                (c11, n11), = old(1)
                rows += [(c11, n11, a, "S"), (c11, n11, b, "S")]
            elif kind == "M":  # two 2011 LSOAs became one: a; b stays unchanged
                (c1, n1), (c2, n2) = old(2)
                rows += [(c1, n1, a, "M"), (c2, n2, a, "M"), (b, names[b], b, "U")]
            else:  # complex: two 2011 LSOAs redrawn as a and b
                (c1, n1), (c2, n2) = old(2)
                rows += [(c1, n1, a, "X"), (c1, n1, b, "X"), (c2, n2, b, "X")]
        for code in codes:
            if code not in used:
                rows.append((code, names[code], code, "U"))
    out = pd.DataFrame(rows, columns=["lsoa11_code", "lsoa11_name", "lsoa21_code", "change"])
    out = out.merge(lsoa[["lsoa21_code", "lsoa21_name", "lad_code", "lad_name"]], on="lsoa21_code")
    return out.sort_values(["lad_code", "lsoa11_code", "lsoa21_code"]).reset_index(drop=True)


# --------------------------------------------------------------------------- population
@cache.pure("demo seeds")
def _population(seed: int) -> pd.DataFrame:
    """Usual residents by five-year age band per LSOA 2021 (TS007A bands)."""
    geo = _geography(seed)
    rng = _rng(seed, "population")
    # England-like age shares (18 bands), and a younger profile for the place.
    base = np.array([5.4, 5.9, 6.0, 5.7, 5.9, 6.6, 6.9, 6.7, 6.4, 6.2, 6.8, 6.7, 5.9, 5.0, 5.0, 3.6, 2.4, 2.5])
    young = base * np.array([1.5, 1.5, 1.45, 1.3, 1.1, 1.15, 1.2, 1.15, 1.0, 0.9, 0.8, 0.75, 0.7, 0.6,
                             0.55, 0.5, 0.5, 0.45])
    rows = []
    for row in geo.lsoa.itertuples():
        total = int(rng.integers(1_250, 2_100))
        probs = young if row.place else base * rng.uniform(0.85, 1.15, len(base))
        counts = rng.multinomial(total, probs / probs.sum())
        rows.append([row.lsoa21_code, *counts])
    cols = ["lsoa21_code"] + [f"b{i}" for i in range(18)]
    pop = pd.DataFrame(rows, columns=cols)
    pop["total"] = pop[[f"b{i}" for i in range(18)]].sum(axis=1)
    # children under 16 (DWP): 0-14 plus a fifth of 15-19
    pop["children"] = pop[["b0", "b1", "b2"]].sum(axis=1) + (pop["b3"] // 5)
    pop["aged_16_plus"] = pop["total"] - pop["b0"] - pop["b1"] - pop["b2"] - (pop["b3"] // 5)
    return pop


# --------------------------------------------------------------------------- deprivation
def _ranks(latent: pd.Series, n_national: int, rng: np.random.Generator) -> pd.Series:
    """Distinct national ranks in the order of ``latent`` (small = most deprived)."""
    wanted = np.clip((latent.to_numpy() * n_national).astype(int) + 1, 1, n_national)
    taken: set[int] = set()
    out = []
    for r in wanted:
        r = int(r)
        while r in taken:
            r = r + 1 if r < n_national else 1
        taken.add(r)
        out.append(r)
    # reorder so rank order follows latent order exactly
    ranks = np.sort(out)
    order = np.argsort(latent.to_numpy(), kind="stable")
    result = np.empty(len(out), dtype=int)
    result[order] = ranks
    return pd.Series(result, index=latent.index)


def decile_from_rank(rank: int, n_national: int) -> int:
    """The IoD decile of a national rank (1 = most deprived 10%)."""
    if not 1 <= rank <= n_national:
        raise ValueError(f"rank {rank} outside 1..{n_national}")
    return math.ceil(10 * rank / n_national)


@cache.pure("demo seeds")
def _deprivation21(seed: int) -> pd.DataFrame:
    geo = _geography(seed)
    rng = _rng(seed, "deprivation")
    lsoa = geo.lsoa
    la_shift = {"E06900001": 0.45, "E06900002": 0.55, "E06900003": 0.4, "E06900004": 0.65}
    latent = pd.Series([rng.uniform(0.005, 0.28) if p else float(np.clip(rng.normal(la_shift[l], 0.22), 0.01, 0.995))
                        for p, l in zip(lsoa["place"], lsoa["lad_code"])], index=lsoa.index)
    out = lsoa[["lsoa21_code", "lsoa21_name", "lad_code", "lad_name", "place"]].copy()
    out["latent"] = latent
    out["imd_rank"] = _ranks(latent, N_LSOA_ENGLAND_2021, rng)
    # the place's LSOAs are all in deciles 1-3 (ranks up to 30% of England)
    for name, noise in (("idaci", 0.08), ("idaopi", 0.15)):
        lat = (latent + rng.normal(0, noise, len(latent))).clip(0.001, 0.999)
        lat[out["place"]] = lat[out["place"]].clip(upper=0.29)
        out[f"{name}_rank"] = _ranks(lat, N_LSOA_ENGLAND_2021, rng)
    for col in ("imd", "idaci", "idaopi"):
        out[f"{col}_decile"] = [decile_from_rank(r, N_LSOA_ENGLAND_2021) for r in out[f"{col}_rank"]]
    return out


_IOD19_DOMAINS = ("income", "employment", "education", "health", "crime", "barriers", "living_env")


@cache.pure("demo seeds")
def _deprivation11(seed: int) -> pd.DataFrame:
    lookup = _lsoa11(seed)
    d21 = _deprivation21(seed).set_index("lsoa21_code")
    rng = _rng(seed, "deprivation2019")
    pop = _population(seed).set_index("lsoa21_code")
    areas = lookup.drop_duplicates("lsoa11_code")[["lsoa11_code", "lsoa11_name", "lad_code", "lad_name"]]
    areas = areas.reset_index(drop=True)
    latent = []
    pop11 = []
    targets_of = lookup.groupby("lsoa11_code")["lsoa21_code"].apply(list).to_dict()
    n_sources = lookup.groupby("lsoa21_code")["lsoa11_code"].size().to_dict()
    latent21 = d21["latent"].to_dict()
    total21 = pop["total"].to_dict()
    for code in areas["lsoa11_code"]:
        targets = targets_of[code]
        latent.append(float(np.clip(np.mean([latent21[t] for t in targets]) + rng.normal(0, 0.03), 0.001, 0.999)))
        # mid-2015 population: each 2021 LSOA's residents shared equally among its 2011 sources
        share = sum(total21[t] / n_sources[t] for t in targets)
        pop11.append(int(round(share * rng.uniform(0.93, 0.99))))
    areas["latent"] = latent
    areas["place"] = areas["lsoa11_code"].map(
        lookup.drop_duplicates("lsoa11_code").set_index("lsoa11_code")["lsoa21_code"].map(d21["place"]))
    areas["imd_rank"] = _ranks(areas["latent"], N_LSOA_ENGLAND_2011, rng)
    for dom in _IOD19_DOMAINS:
        lat = (areas["latent"] + rng.normal(0, 0.12, len(areas))).clip(0.001, 0.999)
        areas[f"{dom}_rank"] = _ranks(lat, N_LSOA_ENGLAND_2011, rng)
    for col in ("imd",) + _IOD19_DOMAINS:
        areas[f"{col}_decile"] = [decile_from_rank(r, N_LSOA_ENGLAND_2011) for r in areas[f"{col}_rank"]]
    areas["pop_total"] = pop11
    kids = (areas["pop_total"] * rng.uniform(0.17, 0.27, len(areas))).round().astype(int)
    old = (areas["pop_total"] * rng.uniform(0.15, 0.28, len(areas))).round().astype(int)
    areas["pop_0_15"] = kids
    areas["pop_60_plus"] = old
    areas["pop_16_59"] = areas["pop_total"] - kids - old
    areas["pop_working_age"] = (areas["pop_16_59"] * rng.uniform(1.02, 1.08, len(areas))).round().astype(int)
    return areas


# --------------------------------------------------------------------------- IoD files
_AREA19 = ["LSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
           "Local Authority District name (2019)"]
_AREA25 = ["LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)",
           "Local Authority District name (2024)"]
_DOMAIN_LABELS19 = {"imd": "Index of Multiple Deprivation (IMD)", "income": "Income", "employment": "Employment",
                    "education": "Education, Skills and Training", "health": "Health Deprivation and Disability",
                    "crime": "Crime", "barriers": "Barriers to Housing and Services",
                    "living_env": "Living Environment"}


def _iod_files(seed: int) -> list[Path]:
    d11 = _deprivation11(seed)
    d21 = _deprivation21(seed)
    paths: list[Path] = []
    area = lambda r: [r.lsoa11_code, r.lsoa11_name, r.lad_code, r.lad_name]  # noqa: E731
    # File 1 (mirror CSV): BOM, CRLF, thousands separators on the rank
    rows = [_AREA19 + ["Index of Multiple Deprivation (IMD) Rank", "Index of Multiple Deprivation (IMD) Decile"]]
    rows += [area(r) + [_thousands(r.imd_rank), r.imd_decile] for r in d11.itertuples()]
    paths += _store("iod2019_file1", {"File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz":
                                      _gz(_csv_bytes(rows, bom=True, crlf=True))})
    # File 2: no thousands separators in this file
    header = list(_AREA19)
    for key, label in _DOMAIN_LABELS19.items():
        header += [f"{label} Rank (where 1 is most deprived)",
                   f"{label} Decile (where 1 is most deprived 10% of LSOAs)"]
    rows = [header]
    for r in d11.itertuples():
        vals = []
        for key in _DOMAIN_LABELS19:
            vals += [getattr(r, f"{key}_rank"), getattr(r, f"{key}_decile")]
        rows.append(area(r) + vals)
    paths += _store("iod2019_file2", {"File_2_-_IoD2019_Domains_of_Deprivation.csv.gz":
                                      _gz(_csv_bytes(rows, bom=True, crlf=True))})
    # File 6: population denominators, thousands separators
    rows = [_AREA19 + ["Total population: mid 2015 (excluding prisoners)",
                       "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
                       "Population aged 16-59: mid 2015 (excluding prisoners)",
                       "Older population aged 60 and over: mid 2015 (excluding prisoners)",
                       "Working age population 18-59/64: for use with Employment Deprivation Domain "
                       "(excluding prisoners)"]]
    rows += [area(r) + [_thousands(r.pop_total), _thousands(r.pop_0_15), _thousands(r.pop_16_59),
                        _thousands(r.pop_60_plus), _thousands(r.pop_working_age)] for r in d11.itertuples()]
    paths += _store("iod2019_file6", {"File_6_-_IoD2019_Population_Denominators.csv.gz":
                                      _gz(_csv_bytes(rows, bom=True, crlf=True))})
    # IoD2025 File 1 and File 3: XLSX, a Notes sheet first, numbers as numbers
    notes = [["English Indices of Deprivation 2025 (FICTIONAL DEMO COPY)"],
             ["Generated by ccdata for the fictional country Demoland. None of these figures are real."],
             ["Ranks and deciles are shown as in the national file: 1 is most deprived."]]
    area25 = lambda r: [r.lsoa21_code, r.lsoa21_name, r.lad_code, r.lad_name]  # noqa: E731
    # The published File 1 header really is cut short ("...10% of LSOA"); kept as published.
    rows = [_AREA25 + ["Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
                       "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA"]]
    rows += [area25(r) + [int(r.imd_rank), int(r.imd_decile)] for r in d21.itertuples()]
    paths += _store("iod2025_file1", {"File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx":
                                      _xlsx([("Notes", notes), ("IMD25", rows)])})
    rows = [_AREA25 + [
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
        "Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)",
        "Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived 10% of LSOAs)",
        "Income Deprivation Affecting Older People (IDAOPI) Rank (where 1 is most deprived)",
        "Income Deprivation Affecting Older People (IDAOPI) Decile (where 1 is most deprived 10% of LSOAs)"]]
    rows += [area25(r) + [int(r.imd_rank), int(r.imd_decile), int(r.idaci_rank), int(r.idaci_decile),
                          int(r.idaopi_rank), int(r.idaopi_decile)] for r in d21.itertuples()]
    paths += _store("iod2025_file3", {"File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI.xlsx":
                                      _xlsx([("Notes", notes), ("IoD2025 IDACI & IDAOPI", rows)])})
    paths += _lad_summary_files(seed, d11, d21)
    return paths


def _lad_summaries(frame: pd.DataFrame, pop: pd.Series, n_national: int) -> pd.DataFrame:
    """File 10 measures of the IMD per authority, as MHCLG defines them (ranks: 1 = most deprived)."""
    data = frame.assign(pop=pop.to_numpy(), rev=n_national + 1 - frame["imd_rank"],
                        score=(50 * (1 - frame["latent"])).clip(1, 80))
    rows = []
    for (code, name), g in data.groupby(["lad_code", "lad_name"], sort=True):
        rows.append({"code": code, "name": name,
                     "average_rank": round(float(np.average(g["rev"], weights=g["pop"])), 2),
                     "average_score": round(float(np.average(g["score"], weights=g["pop"])), 3),
                     "proportion": round(float((g["imd_decile"] == 1).mean()), 4)})
    out = pd.DataFrame(rows)
    for col in ("average_rank", "average_score", "proportion"):
        out[f"rank_{col}"] = out[col].rank(ascending=False, method="min").astype(int)
    return out


def _lad_summary_files(seed: int, d11: pd.DataFrame, d21: pd.DataFrame) -> list[Path]:
    """The local authority summaries (File 10) in the long form of the mirror's copies."""
    pop21 = _population(seed).set_index("lsoa21_code")["total"]
    s19 = _lad_summaries(d11, d11["pop_total"], 32_844)
    rows = [["lad19cd", "lad19nm", "index_domain", "average_rank", "rank_average_rank", "average_score",
             "rank_average_score", "proportion_bottom_decile", "rank_proportion_bottom_decile", "year"]]
    rows += [[r.code, r.name, "Index of Multiple Deprivation", r.average_rank, r.rank_average_rank,
              r.average_score, r.rank_average_score, r.proportion, r.rank_proportion, 2019] for r in s19.itertuples()]
    paths = _store("iod2019_lad_summary", {"trafford_datalab_IoD2019_lad.csv": _csv_bytes(rows)})
    s25 = _lad_summaries(d21, d21["lsoa21_code"].map(pop21), 33_755)
    rows = [["area_code", "area_name", "area_type", "deprivation_data_year", "index_domain", "average_rank",
             "rank_average_rank", "average_score", "rank_average_score", "proportion_bottom_decile",
             "rank_proportion_bottom_decile"]]
    rows += [[r.code, r.name, "Local Authority District (2024)", 2025, "Index of Multiple Deprivation",
              r.average_rank, r.rank_average_rank, r.average_score, r.rank_average_score, r.proportion,
              r.rank_proportion] for r in s25.itertuples()]
    paths += _store("iod2025_lad_summary", {"trafford_datalab_indices_of_deprivation_2025_lad.csv":
                                            _csv_bytes(rows)})
    return paths


# --------------------------------------------------------------------------- lookups
def _lookup_files(seed: int) -> list[Path]:
    geo = _geography(seed)
    lk = _lsoa11(seed)
    paths: list[Path] = []
    rows = [["LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "CHGIND", "LAD22CD", "LAD22NM", "LAD22NMW", "ObjectId"]]
    rows += [[r.lsoa11_code, r.lsoa11_name, r.lsoa21_code, r.lsoa21_name, r.change, r.lad_code, r.lad_name, "", i]
             for i, r in enumerate(lk.itertuples(), start=1)]
    paths += _store("lookup_lsoa11_lsoa21", {
        "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Exact_Fit_Lookup_for_EW_(V3).csv.gz":
            _gz(_csv_bytes(rows, bom=True))})
    # best fit: one row per LSOA 2011, to the 2021 LSOA holding most of its population
    best = lk.drop_duplicates("lsoa11_code", keep="first")
    rows = [["ObjectId", "LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "LAD22CD", "LAD22NM", "LAD22NMW"]]
    rows += [[i, r.lsoa11_code, r.lsoa11_name, r.lsoa21_code, r.lsoa21_name, r.lad_code, r.lad_name, ""]
             for i, r in enumerate(best.itertuples(), start=1)]
    paths += _store("lookup_lsoa11_lsoa21_best_fit", {
        "lsoa11_to_lsoa21_best_fit_lookup_england_wales_v2.csv.gz": _gz(_csv_bytes(rows, bom=True))})
    rows = [["LSOA21CD", "LSOA21NM", "LSOA21NMW", "WD24CD", "WD24NM", "WD24NMW", "LAD24CD", "LAD24NM", "LAD24NMW",
             "ObjectId"]]
    rows += [[r.lsoa21_code, r.lsoa21_name, "", r.ward24_code, r.ward24_name, "", r.lad_code, r.lad_name, "", i]
             for i, r in enumerate(geo.lsoa.itertuples(), start=1)]
    paths += _store("lookup_lsoa21_ward24", {
        "LSOA_(2021)_to_Electoral_Ward_(2024)_to_LAD_(2024)_Best_Fit_Lookup_in_EW.csv.gz":
            _gz(_csv_bytes(rows, bom=True))})
    # OA 2011 -> LSOA 2011 -> MSOA 2011 -> LAD 2017, with the 2011 area classification
    rng = _rng(seed, "oa11")
    oac = [("7d1", "Ageing Communities and Families", "5b", "Aspiring urban households", "6a2r", "Mining Legacy"),
           ("4b2", "Constrained Renters", "4b", "Constrained renters", "3a1r", "Urban Settlements"),
           ("2a1", "Young Families in Terraced Homes", "2a", "Suburban achievers", "6a2r", "Mining Legacy")]
    rows = [["OA11CD", "OAC11CD", "OAC11NM", "LSOA11CD", "LSOA11NM", "SOAC11CD", "SOAC11NM", "MSOA11CD",
             "MSOA11NM", "LAD17CD", "LAD17NM", "LACCD", "LACNM", "RGN11CD", "RGN11NM", "CTRY11CD", "CTRY11NM", "FID"]]
    msoa_of = dict(zip(geo.lsoa["lsoa21_code"], zip(geo.lsoa["msoa21_code"], geo.lsoa["msoa21_name"])))
    oa = 0
    for r in lk.drop_duplicates("lsoa11_code").itertuples():
        msoa_code, msoa_name = msoa_of[r.lsoa21_code]
        for _ in range(int(rng.integers(4, 7))):
            oa += 1
            k = oac[int(rng.integers(0, len(oac)))]
            rows.append([f"E0090{oa:04d}", k[0], k[1], r.lsoa11_code, r.lsoa11_name, k[2], k[3],
                         msoa_code, msoa_name, r.lad_code, r.lad_name, k[4], k[5],
                         "E12900001", "Demoland", "E92900001", "Demoland", oa])
    paths += _store("lookup_oa11_lsoa11", {"fe6c55f0924b4734adf1cf7104a0173e_0.csv.gz":
                                           _gz(_csv_bytes(rows, bom=True))})
    return paths


# --------------------------------------------------------------------------- boundaries
@cache.pure("single")
def _transformer():

    return Transformer.from_crs(27700, 4326, always_xy=True)


def _to_wgs84(geom):

    tf = _transformer()
    g = shapely.transform(geom, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))
    return json.loads(json.dumps(g.__geo_interface__, default=list), parse_float=lambda s: round(float(s), 6))


def _feature_collection(features: list[tuple[dict, object]], name: str) -> bytes:
    out = []
    for i, (props, geom) in enumerate(features, start=1):
        c = geom.centroid
        props = {"FID": i, **props, "BNG_E": int(round(c.x)), "BNG_N": int(round(c.y)),
                 "Shape__Area": round(geom.area, 4), "Shape__Length": round(geom.length, 4),
                 "GlobalID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"ccdata-demo/{name}/{i}"))}
        gj = _to_wgs84(geom)
        gj["coordinates"] = _lists(gj["coordinates"])
        out.append({"type": "Feature", "id": i, "geometry": gj, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": out}).encode("utf-8")


def _lists(x):
    return [_lists(v) for v in x] if isinstance(x, (list, tuple)) else x


def _boundary_files(seed: int) -> list[Path]:

    geo = _geography(seed)
    polys = _polygons(seed)
    paths: list[Path] = []
    feats = [({"LSOA21CD": r.lsoa21_code, "LSOA21NM": r.lsoa21_name, "LSOA21NMW": " "}, polys[r.lsoa21_code])
             for r in geo.lsoa.itertuples()]
    paths += _store("boundaries_lsoa21", {"boundaries_lsoa21.geojson": _feature_collection(feats, "lsoa21")})
    ward_geoms = {w: unary_union([polys[c] for c in geo.lsoa.loc[geo.lsoa["ward24_code"] == w, "lsoa21_code"]])
                  for w in geo.wards["ward24_code"]}
    feats = [({"WD24CD": w.ward24_code, "WD24NM": w.ward24_name, "WD24NMW": " ", "LAD24CD": w.lad_code,
               "LAD24NM": w.lad_name}, ward_geoms[w.ward24_code]) for w in geo.wards.itertuples()]
    paths += _store("boundaries_ward24", {"boundaries_ward24.geojson": _feature_collection(feats, "ward24")})
    # Demoland's wards were not redrawn in 2024: the May 2023 wards are the same areas and codes
    feats = [({"WD23CD": w.ward24_code, "WD23NM": w.ward24_name, "WD23NMW": " ", "LAD23CD": w.lad_code,
               "LAD23NM": w.lad_name}, ward_geoms[w.ward24_code]) for w in geo.wards.itertuples()]
    paths += _store("boundaries_ward23", {"boundaries_ward23.geojson": _feature_collection(feats, "ward23")})
    feats = [({"LAD22CD": code, "LAD22NM": name, "LAD22NMW": " "},
              unary_union([polys[c] for c in geo.lsoa.loc[geo.lsoa["lad_code"] == code, "lsoa21_code"]]))
             for code, name in LAS]
    paths += _store("boundaries_lad22", {"boundaries_lad22.geojson": _feature_collection(feats, "lad22")})
    return paths


# --------------------------------------------------------------------------- Census
_M = "; measures: Value"
# Published column labels (Nomis bulk files). Suffix "; measures: Value" where the
# published table carries it. Weights are given for leaf categories only (None for
# totals and subtotals); "place" weights are used in the demo place's LSOAs.
_CENSUS: dict[str, dict] = {
    "ts001": {"suffix": True, "cols": [
        ("Residence type: Total", None, None),
        ("Residence type: Lives in a household", 98.5, 99.4),
        ("Residence type: Lives in a communal establishment", 1.5, 0.6)]},
    "ts003": {"suffix": True, "cols": [
        ("Household composition: Total", None, None),
        ("Household composition: One person household", None, None),
        ("Household composition: One person household: Aged 66 years and over", 12.8, 8.0),
        ("Household composition: One person household: Other", 17.3, 16.0),
        ("Household composition: Single family household", None, None),
        ("Household composition: Single family household: All aged 66 years and over", 9.2, 4.0),
        ("Household composition: Single family household: Married or civil partnership couple", None, None),
        ("Household composition: Single family household: Married or civil partnership couple: No children",
         12.4, 7.0),
        ("Household composition: Single family household: Married or civil partnership couple: "
         "Dependent children", 12.8, 13.0),
        ("Household composition: Single family household: Married or civil partnership couple: "
         "All children non-dependent", 5.8, 4.0),
        ("Household composition: Single family household: Cohabiting couple family", None, None),
        ("Household composition: Single family household: Cohabiting couple family: No children", 5.4, 5.0),
        ("Household composition: Single family household: Cohabiting couple family: With dependent children",
         4.8, 8.0),
        ("Household composition: Single family household: Cohabiting couple family: All children non-dependent",
         0.8, 1.0),
        ("Household composition: Single family household: Lone parent family", None, None),
        ("Household composition: Single family household: Lone parent family: With dependent children", 6.9, 16.0),
        ("Household composition: Single family household: Lone parent family: All children non-dependent",
         4.2, 5.0),
        ("Household composition: Single family household: Other single family household", None, None),
        ("Household composition: Single family household: Other single family household: "
         "Other family composition", 1.6, 2.0),
        ("Household composition: Other household types", None, None),
        ("Household composition: Other household types: With dependent children", 1.8, 4.0),
        ("Household composition: Other household types: Other, including all full-time students and all aged "
         "66 years and over", 4.0, 4.0)]},
    "ts011": {"suffix": True, "table_view": "Households by deprivation dimensions",
              "cols": [
        ("Household deprivation: Total: All households", None, None),
        ("Household deprivation: Household is not deprived in any dimension", 48.4, 30.0),
        ("Household deprivation: Household is deprived in one dimension", 33.5, 36.0),
        ("Household deprivation: Household is deprived in two dimensions", 14.2, 24.0),
        ("Household deprivation: Household is deprived in three dimensions", 3.7, 9.0),
        ("Household deprivation: Household is deprived in four dimensions", 0.2, 1.0)]},
    "ts017": {"suffix": True, "cols": [
        ("Household size: Total: All household spaces", None, None),
        ("Household size: 0 people in household", 4.0, 3.0),
        ("Household size: 1 person in household", 28.8, 24.0),
        ("Household size: 2 people in household", 32.8, 25.0),
        ("Household size: 3 people in household", 15.5, 18.0),
        ("Household size: 4 people in household", 12.7, 15.0),
        ("Household size: 5 people in household", 4.6, 8.0),
        ("Household size: 6 people in household", 1.5, 4.0),
        ("Household size: 7 people in household", 0.4, 1.5),
        ("Household size: 8 or more people in household", 0.2, 0.8)]},
    "ts021": {"suffix": False, "cols": [
        ("Ethnic group: Total: All usual residents", None, None),
        ("Ethnic group: Asian, Asian British or Asian Welsh", None, None),
        ("Ethnic group: Asian, Asian British or Asian Welsh: Bangladeshi", 1.1, 4.0),
        ("Ethnic group: Asian, Asian British or Asian Welsh: Chinese", 0.7, 0.5),
        ("Ethnic group: Asian, Asian British or Asian Welsh: Indian", 3.1, 2.0),
        ("Ethnic group: Asian, Asian British or Asian Welsh: Pakistani", 2.7, 6.0),
        ("Ethnic group: Asian, Asian British or Asian Welsh: Other Asian", 1.6, 1.5),
        ("Ethnic group: Black, Black British, Black Welsh, Caribbean or African", None, None),
        ("Ethnic group: Black, Black British, Black Welsh, Caribbean or African: African", 2.5, 5.0),
        ("Ethnic group: Black, Black British, Black Welsh, Caribbean or African: Caribbean", 1.0, 2.0),
        ("Ethnic group: Black, Black British, Black Welsh, Caribbean or African: Other Black", 0.5, 1.0),
        ("Ethnic group: Mixed or Multiple ethnic groups", None, None),
        ("Ethnic group: Mixed or Multiple ethnic groups: White and Asian", 0.8, 0.8),
        ("Ethnic group: Mixed or Multiple ethnic groups: White and Black African", 0.4, 0.8),
        ("Ethnic group: Mixed or Multiple ethnic groups: White and Black Caribbean", 0.9, 1.5),
        ("Ethnic group: Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups", 0.8, 1.0),
        ("Ethnic group: White", None, None),
        ("Ethnic group: White: English, Welsh, Scottish, Northern Irish or British", 73.5, 62.0),
        ("Ethnic group: White: Irish", 0.9, 0.5),
        ("Ethnic group: White: Gypsy or Irish Traveller", 0.1, 0.3),
        ("Ethnic group: White: Roma", 0.2, 0.5),
        ("Ethnic group: White: Other White", 6.2, 7.0),
        ("Ethnic group: Other ethnic group", None, None),
        ("Ethnic group: Other ethnic group: Arab", 0.6, 1.0),
        ("Ethnic group: Other ethnic group: Any other ethnic group", 1.6, 1.6)]},
    "ts054": {"suffix": False, "mirrored": True, "areas": True, "cols": [
        ("Tenure of household: Total: All households", None, None),
        ("Tenure of household: Owned", None, None),
        ("Tenure of household: Owned: Owns outright", 32.5, 15.0),
        ("Tenure of household: Owned: Owns with a mortgage or loan", 29.8, 18.0),
        ("Tenure of household: Shared ownership", None, None),
        ("Tenure of household: Shared ownership: Shared ownership", 1.0, 1.5),
        ("Tenure of household: Social rented", None, None),
        ("Tenure of household: Social rented: Rents from council or Local Authority", 8.3, 28.0),
        ("Tenure of household: Social rented: Other social rented", 8.8, 15.0),
        ("Tenure of household: Private rented", None, None),
        ("Tenure of household: Private rented: Private landlord or letting agency", 18.2, 20.0),
        ("Tenure of household: Private rented: Other private rented", 1.3, 2.0),
        ("Tenure of household: Lives rent free", 0.1, 0.5)]},
    "ts066": {"suffix": False, "cols": [
        ("Economic activity status: Total: All usual residents aged 16 years and over", None, None),
        ("Economic activity status: Economically active (excluding full-time students)", None, None),
        ("Economic activity status: Economically active (excluding full-time students):In employment", None, None),
        ("Economic activity status: Economically active (excluding full-time students):In employment:Employee",
         None, None),
        ("Economic activity status: Economically active (excluding full-time students): In employment: "
         "Employee: Part-time", 11.5, 11.0),
        ("Economic activity status: Economically active (excluding full-time students): In employment: "
         "Employee: Full-time", 34.0, 27.0),
        ("Economic activity status: Economically active (excluding full-time students):In employment:"
         "Self-employed with employees", None, None),
        ("Economic activity status: Economically active (excluding full-time students): In employment: "
         "Self-employed with employees: Part-time", 0.5, 0.3),
        ("Economic activity status: Economically active (excluding full-time students): In employment: "
         "Self-employed with employees: Full-time", 1.6, 0.8),
        ("Economic activity status: Economically active (excluding full-time students):In employment:"
         "Self-employed without employees", None, None),
        ("Economic activity status: Economically active (excluding full-time students): In employment: "
         "Self-employed without employees: Part-time", 2.6, 2.0),
        ("Economic activity status: Economically active (excluding full-time students): In employment: "
         "Self-employed without employees: Full-time", 5.5, 4.0),
        ("Economic activity status: Economically active (excluding full-time students): Unemployed", 3.4, 6.5),
        ("Economic activity status: Economically active and a full-time student", None, None),
        ("Economic activity status: Economically active and a full-time student:In employment", None, None),
        ("Economic activity status: Economically active and a full-time student:In employment:Employee",
         None, None),
        ("Economic activity status: Economically active and a full-time student: In employment: Employee: "
         "Part-time", 1.6, 1.5),
        ("Economic activity status: Economically active and a full-time student: In employment: Employee: "
         "Full-time", 0.4, 0.4),
        ("Economic activity status: Economically active and a full-time student:In employment:Self-employed "
         "with employees", None, None),
        ("Economic activity status: Economically active and a full-time student: In employment: Self-employed "
         "with employees: Part-time", 0.02, 0.02),
        ("Economic activity status: Economically active and a full-time student: In employment: Self-employed "
         "with employees: Full-time", 0.02, 0.02),
        ("Economic activity status: Economically active and a full-time student:In employment:Self-employed "
         "without employees", None, None),
        ("Economic activity status: Economically active and a full-time student: In employment: Self-employed "
         "without employees: Part-time", 0.1, 0.1),
        ("Economic activity status: Economically active and a full-time student: In employment: Self-employed "
         "without employees: Full-time", 0.05, 0.05),
        ("Economic activity status: Economically active and a full-time student: Unemployed", 0.7, 0.9),
        ("Economic activity status: Economically inactive", None, None),
        ("Economic activity status: Economically inactive: Retired", 21.6, 14.0),
        ("Economic activity status: Economically inactive: Student", 5.6, 6.0),
        ("Economic activity status: Economically inactive: Looking after home or family", 4.9, 10.0),
        ("Economic activity status: Economically inactive: Long-term sick or disabled", 4.0, 8.5),
        ("Economic activity status: Economically inactive: Other", 3.1, 4.5)]},
    # Mirrored tables (mirror layout: csv.gz, unquoted, no suffix); "areas": the mirror also
    # holds the published local authority and country files
    "ts045": {"suffix": False, "mirrored": True, "areas": True, "cols": [
        ("Number of cars or vans: Total: All households", None, None),
        ("Number of cars or vans: No cars or vans in household", 23.3, 42.0),
        ("Number of cars or vans: 1 car or van in household", 41.3, 40.0),
        ("Number of cars or vans: 2 cars or vans in household", 26.1, 14.0),
        ("Number of cars or vans: 3 or more cars or vans in household", 9.3, 4.0)]},
    "ts062": {"suffix": False, "mirrored": True, "areas": True, "cols": [
        ("National Statistics Socio-economic Classification (NS-SEC): Total: All usual residents aged 16 years "
         "and over", None, None),
        ("National Statistics Socio-economic Classification (NS-SEC): L1, L2 and L3 Higher managerial, "
         "administrative and professional occupations", 13.2, 6.0),
        ("National Statistics Socio-economic Classification (NS-SEC): L4, L5 and L6 Lower managerial, "
         "administrative and professional occupations", 19.9, 13.0),
        ("National Statistics Socio-economic Classification (NS-SEC): L7 Intermediate occupations", 11.4, 10.0),
        ("National Statistics Socio-economic Classification (NS-SEC): L8 and L9 Small employers and own account "
         "workers", 10.6, 8.0),
        ("National Statistics Socio-economic Classification (NS-SEC): L10 and L11 Lower supervisory and technical "
         "occupations", 5.5, 6.0),
        ("National Statistics Socio-economic Classification (NS-SEC): L12 Semi-routine occupations", 11.8, 16.0),
        ("National Statistics Socio-economic Classification (NS-SEC): L13 Routine occupations", 10.4, 17.0),
        ("National Statistics Socio-economic Classification (NS-SEC): L14.1 and L14.2 Never worked and long-term "
         "unemployed", 7.8, 15.0),
        ("National Statistics Socio-economic Classification (NS-SEC): L15 Full-time students", 9.4, 9.0)]},
    "ts037": {"suffix": False, "mirrored": True, "cols": [
        ("General health: Total: All usual residents", None, None),
        ("General health: Very good health", 48.5, 40.0),
        ("General health: Good health", 33.7, 33.0),
        ("General health: Fair health", 12.7, 17.0),
        ("General health: Bad health", 4.0, 7.0),
        ("General health: Very bad health", 1.2, 3.0)]},
    "ts067": {"suffix": False, "mirrored": True, "cols": [
        ("Highest level of qualification: Total: All usual residents aged 16 years and over", None, None),
        ("Highest level of qualification: No qualifications", 18.1, 30.0),
        ("Highest level of qualification: Level 1 and entry level qualifications", 9.7, 12.0),
        ("Highest level of qualification: Level 2 qualifications", 13.3, 15.0),
        ("Highest level of qualification: Apprenticeship", 5.3, 6.0),
        ("Highest level of qualification: Level 3 qualifications", 16.9, 15.0),
        ("Highest level of qualification: Level 4 qualifications and above", 33.9, 19.0),
        ("Highest level of qualification: Other qualifications", 2.8, 3.0)]},
}
_TS007A_BANDS = ["Aged 4 years and under", "Aged 5 to 9 years", "Aged 10 to 14 years", "Aged 15 to 19 years",
                 "Aged 20 to 24 years", "Aged 25 to 29 years", "Aged 30 to 34 years", "Aged 35 to 39 years",
                 "Aged 40 to 44 years", "Aged 45 to 49 years", "Aged 50 to 54 years", "Aged 55 to 59 years",
                 "Aged 60 to 64 years", "Aged 65 to 69 years", "Aged 70 to 74 years", "Aged 75 to 79 years",
                 "Aged 80 to 84 years", "Aged 85 years and over"]


def _norm_label(label: str) -> str:
    return re.sub(r"\s*:\s*", ":", label)


def census_hierarchy(labels: list[str]) -> dict[str, list[str]]:
    """Children of each label in a Nomis table (``"A: B"`` is a child of ``"A"``).

    Nomis writes some levels without a space after the colon
    (``"...students):In employment"``), so labels are compared with the
    spaces around colons removed. The total column (``... Total ...``) is the
    parent of every top-level category.
    """
    norm = {lab: _norm_label(lab) for lab in labels}
    total = next(lab for lab in labels if ":Total" in norm[lab])
    children: dict[str, list[str]] = {lab: [] for lab in labels}
    for lab in labels:
        if lab == total:
            continue
        parents = [p for p in labels if p not in (lab, total) and norm[lab].startswith(norm[p] + ":")]
        parent = max(parents, key=lambda p: len(norm[p])) if parents else total
        children[parent].append(lab)
    return children


#: The demo population each Census population is drawn from.
_UNIVERSE = {"All usual residents": "total", "All households": "households",
             "All usual residents aged 16 years and over": "aged_16_plus", "All household spaces": "household_spaces"}


def _census_counts(seed: int, table: str, spec: dict) -> pd.DataFrame:
    """Counts per LSOA for every column of the table (leaves + subtotals + total)."""
    geo = _geography(seed)
    pop = _population(seed).set_index("lsoa21_code")
    rng = _rng(seed, f"census-{table}")
    labels = [c[0] for c in spec["cols"]]
    leaves = [c for c in spec["cols"] if c[1] is not None]
    children = census_hierarchy(labels)
    kind = _UNIVERSE[census.population(f"census21_{table}")]  # who the table counts: io.census says
    rows = []
    for r in geo.lsoa.itertuples():
        p = pop.loc[r.lsoa21_code]
        households = int(round(p["total"] / (2.75 if r.place else 2.35)))
        universe = {"total": int(p["total"]), "households": households, "aged_16_plus": int(p["aged_16_plus"]),
                    "household_spaces": households}[kind]
        w = np.array([lf[2] if r.place else lf[1] for lf in leaves], dtype=float)
        w = w * rng.uniform(0.8, 1.2, len(w))
        if kind == "household_spaces":
            # the universe is household spaces: occupied households plus empty ones (0 people)
            empty = int(rng.binomial(households, w[0] / w.sum()))
            counts = [empty] + list(rng.multinomial(households, w[1:] / w[1:].sum()))
        else:
            counts = list(rng.multinomial(universe, w / w.sum()))
        values = dict(zip([lf[0] for lf in leaves], counts))

        def fill(label: str) -> int:
            if label not in values:
                values[label] = sum(fill(ch) for ch in children[label])
            return values[label]
        for lab in labels:
            fill(lab)
        rows.append({"lsoa21_code": r.lsoa21_code, "lsoa21_name": r.lsoa21_name, "lad_code": r.lad_code,
                     "lad_name": r.lad_name, **{lab: int(values[lab]) for lab in labels}})
    return pd.DataFrame(rows)


def _nomis_csv(frame: pd.DataFrame, labels: list[str], suffix: bool, code_col: str, name_col: str,
               style: str) -> bytes:
    header = ["date", "geography", "geography code"] + [lab + (_M if suffix else "") for lab in labels]
    values = frame[labels].astype(int).to_numpy().tolist()
    body = [[2021, name, code] + vals for name, code, vals in zip(frame[name_col], frame[code_col], values)]
    if style == "nomis":  # zipped bulk files: text quoted (date too), numbers bare
        return _csv_bytes([header] + [["2021"] + b[1:] for b in body], quote_strings=True)
    return _csv_bytes([header] + body)  # mirror copy: unquoted, no BOM


def _census_files(seed: int) -> list[Path]:
    paths: list[Path] = []
    pop = _population(seed)
    geo = _geography(seed)
    # TS007A (mirrored): five-year bands, mirror layout, with local authority and country files
    ts = geo.lsoa[["lsoa21_code", "lsoa21_name", "lad_code", "lad_name"]].merge(pop, on="lsoa21_code")
    labels = ["Age: Total"] + [f"Age: {b}" for b in _TS007A_BANDS]
    ts["Age: Total"] = ts["total"]
    for i, b in enumerate(_TS007A_BANDS):
        ts[f"Age: {b}"] = ts[f"b{i}"]
    paths += _store("census21_ts007a", {"census2021-ts007a-lsoa.csv.gz":
                                        _gz(_nomis_csv(ts, labels, False, "lsoa21_code", "lsoa21_name", "mirror"))})
    paths += _census_area_files(seed, "ts007a", ts, labels, False)
    for table, spec in _CENSUS.items():
        frame = _census_counts(seed, table, spec)
        labels = [c[0] for c in spec["cols"]]
        if spec.get("table_view"):
            paths += _store(f"census21_{table}", {f"nomis_{table}_lsoa_table_view.csv.gz":
                                                  _gz(_table_view(frame, table, spec))})
            continue
        if spec.get("mirrored"):
            data = _nomis_csv(frame, labels, spec["suffix"], "lsoa21_code", "lsoa21_name", "mirror")
            paths += _store(f"census21_{table}", {f"census2021-{table}-lsoa.csv.gz": _gz(data)})
            if spec.get("areas"):
                paths += _census_area_files(seed, table, frame, labels, spec["suffix"])
            continue
        ltla = frame.groupby(["lad_code", "lad_name"], as_index=False)[labels].sum()
        members = {
            f"census2021-{table}-lsoa.csv": _nomis_csv(frame, labels, spec["suffix"], "lsoa21_code",
                                                       "lsoa21_name", "nomis"),
            f"census2021-{table}-ltla.csv": _nomis_csv(ltla, labels, spec["suffix"], "lad_code", "lad_name", "nomis"),
        }
        paths += _store(f"census21_{table}", {f"census2021-{table}.zip": _zip(members)})
    paths += _store("census21_ts007_ltla", {"census2021-ts007-ltla.csv": _ts007_ltla(seed)})
    return paths


#: The country row of the demo's published country tables: a country code (E92, as
#: England's) in the range no real code uses, named for the fictional country.
DEMO_COUNTRY = ("E92900001", "Demoland")


def _published_areas(seed: int, table: str, frame: pd.DataFrame, labels: list[str]) -> tuple[pd.DataFrame, ...]:
    """Local authority and country rows as ONS publishes them: each area's leaf cells are
    perturbed on their own (by -2 to +2), so they differ slightly from sums of LSOAs,
    and subtotals and the total are re-added from the leaves."""
    rng = _rng(seed, f"census-areas-{table}")
    children = census_hierarchy(labels)
    leaves = [lab for lab in labels if not children[lab]]
    la = frame.groupby(["lad_code", "lad_name"], as_index=False, sort=True)[leaves].sum()
    country = la[[c for c in leaves]].sum().to_frame().T
    country.insert(0, "lad_name", DEMO_COUNTRY[1])
    country.insert(0, "lad_code", DEMO_COUNTRY[0])
    out = []
    for published in (la, country):
        published = published.copy()
        for lab in leaves:
            noise = rng.integers(-2, 3, len(published))
            published[lab] = (published[lab].astype(int) + noise).clip(lower=0)

        def fill(rec: dict, label: str) -> int:
            if label not in rec:
                rec[label] = sum(fill(rec, ch) for ch in children[label])
            return rec[label]
        records = []
        for rec in published.to_dict("records"):
            for lab in labels:
                fill(rec, lab)
            records.append(rec)
        out.append(pd.DataFrame(records))
    return tuple(out)


def _census_area_files(seed: int, table: str, frame: pd.DataFrame, labels: list[str], suffix: bool) -> list[Path]:
    """The published local authority (``-ltla``) and country (``-ctry``) files, mirror layout."""
    la, country = _published_areas(seed, table, frame, labels)
    paths = _store(f"census21_{table}_ltla", {f"census2021-{table}-ltla.csv.gz":
                                              _gz(_nomis_csv(la, labels, suffix, "lad_code", "lad_name", "mirror"))})
    paths += _store(f"census21_{table}_ctry", {f"census2021-{table}-ctry.csv.gz":
                                               _gz(_nomis_csv(country, labels, suffix, "lad_code", "lad_name",
                                                              "mirror"))})
    return paths


def _nomis_pct(count: int, total: int) -> str:
    """A Nomis table view percentage: one decimal place, trailing zeros dropped (``8``, ``19.5``)."""
    text = f"{100 * count / total:.1f}" if total else "0"
    return text[:-2] if text.endswith(".0") else text


def _table_view(frame: pd.DataFrame, table: str, spec: dict) -> bytes:
    """A Nomis web query tool download ("table view") of the top-level categories: title
    lines, a header of count and % columns, ``code : name`` rows, blank rows, footnote."""
    labels = [c[0] for c in spec["cols"]]
    children = census_hierarchy(labels)
    total = labels[0]
    shown = [total] + children[total]
    heads = [lab.split(": ", 1)[1] for lab in shown]  # the table view drops the table name
    width = 1 + 2 * len(shown)
    pad = [""] * (width - 2)
    population = census.population(f"census21_{table}")  # who the table counts, as Nomis names it
    rows = [[f"{table.upper()} - {spec['table_view']}"] + [""] * (width - 1),
            ["ONS Crown Copyright Reserved [from Nomis on 30 October 2025]"] + [""] * (width - 1),
            ["Population :", population] + pad,
            ["Units      :", "Households" if population == "All households" else "Persons"] + pad,
            ["Date       :", "2021"] + pad,
            [""] * width,
            ["2021 super output area - lower layer"] + [h for head in heads for h in (head, "%")],
            [""] * width]
    for rec in frame.to_dict("records"):
        cells = [f"{rec['lsoa21_code']} : {rec['lsoa21_name']}"]
        for lab in shown:
            cells += [str(int(rec[lab])), _nomis_pct(int(rec[lab]), int(rec[total]))]
        rows.append(cells)
    rows += [[""] * width] * 3
    for line in ("In order to protect against disclosure of personal information, records",
                 "have been swapped between different geographic areas and counts perturbed",
                 "by small amounts. Small counts at the lowest geographies will be most", "affected."):
        rows.append(["", line] + [""] * (width - 2))
    return _csv_bytes(rows)


def ts007_labels() -> list[str]:
    """TS007 column labels in published order (single years with subtotal bands)."""
    groups = [(0, 4, "Aged 4 years and under"), (5, 9, "Aged 5 to 9 years"), (10, 15, "Aged 10 to 15 years"),
              (16, 19, "Aged 16 to 19 years"), (20, 24, "Aged 20 to 24 years"), (25, 34, "Aged 25 to 34 years"),
              (35, 49, "Aged 35 to 49 years"), (50, 64, "Aged 50 to 64 years"), (65, 74, "Aged 65 to 74 years"),
              (75, 84, "Aged 75 to 84 years"), (85, 100, "Aged 85 years and over")]
    labels = ["Age: Total"]
    for lo, hi, name in groups:
        labels.append(f"Age: {name}")
        for age in range(lo, hi + 1):
            single = ("Aged under 1 year" if age == 0 else "Aged 1 year" if age == 1 else
                      "Aged 100 years and over" if age == 100 else f"Aged {age} years")
            labels.append(f"Age: {single}")
    return labels


def _ts007_ltla(seed: int) -> bytes:
    """TS007 by single year for the four demo LAs, from the LSOA five-year bands."""
    geo = _geography(seed)
    pop = _population(seed).merge(geo.lsoa[["lsoa21_code", "lad_code", "lad_name"]], on="lsoa21_code")
    rng = _rng(seed, "ts007")
    labels = ts007_labels()
    singles = [lab for lab in labels[1:] if not re.search(r"\bto\b|and under|85 years and over", lab)]
    rows = [["date", "geography", "geography code"] + [lab + _M for lab in labels]]
    for code, name in LAS:
        bands = pop.loc[pop["lad_code"] == code, [f"b{i}" for i in range(18)]].sum().to_numpy()
        years = []
        for i, n in enumerate(bands):  # split each five-year band over its single years
            width = 16 if i == 17 else 5
            years += list(rng.multinomial(int(n), np.ones(width) / width))
        by_label = dict(zip(singles, years))

        def band(lab: str) -> int:
            m = re.search(r"Aged (\d+) to (\d+) years|Aged 4 years and under|Aged 85 years and over", lab)
            if lab.endswith("4 years and under"):
                lo, hi = 0, 4
            elif lab.endswith("85 years and over"):
                lo, hi = 85, 100
            else:
                lo, hi = int(m.group(1)), int(m.group(2))
            return int(sum(years[lo:hi + 1]))
        values = []
        for lab in labels:
            if lab == "Age: Total":
                values.append(int(sum(years)))
            elif lab in by_label:
                values.append(int(by_label[lab]))
            else:
                values.append(band(lab))
        rows.append(["2021", name, code] + values)
    lines = [",".join(f'"{c}"' for c in rows[0])]
    lines += [",".join([f'"{r[0]}"', f'"{r[1]}"', f'"{r[2]}"'] + [str(v) for v in r[3:]]) for r in rows[1:]]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- DWP
def _dwp_rates(seed: int) -> pd.DataFrame:
    geo = _geography(seed)
    pop = _population(seed)
    rng = _rng(seed, "dwp")
    df = geo.lsoa[["lsoa21_code", "ward24_code", "ward24_name", "lad_code", "lad_name", "place"]].merge(
        pop[["lsoa21_code", "children"]], on="lsoa21_code")
    dep = _deprivation21(seed).set_index("lsoa21_code")["latent"]
    df["rate"] = (0.45 - 0.35 * df["lsoa21_code"].map(dep)).clip(0.05, 0.6)
    df["rate"] = df["rate"] * rng.uniform(0.9, 1.1, len(df))
    df["n2025"] = (df["children"] * df["rate"]).round().astype(int)
    df["n2024"] = (df["n2025"] * rng.uniform(0.97, 1.08, len(df))).round().astype(int)
    return df


def _dwp_files(seed: int) -> list[Path]:
    df = _dwp_rates(seed)
    paths: list[Path] = []

    def pct(n: int, d: int) -> str:
        return f"{100 * n / d:.1f}%"
    head_counts = ["Number of children \nFYE 2024", "Number of children \nFYE 2025",
                   "Percentage of children \nFYE 2024\n(%)\n[note 3]", "Percentage of children \nFYE 2025\n(%)\n[note 3]"]
    intro = ["Back to Contents",
             "This worksheet contains one table. Some cells refer to notes which can be found in the Notes worksheet.",
             "This table shows children aged 0 to 15 years old. Figures for all children (including 16 to 19 years "
             "old) are available on Stat-Xplore and can be broken down by Age (years and bands).",
             "FYE = Financial Years Ending.", "Source: "]
    tot = df[["children", "n2024", "n2025"]].sum()
    # ward table (Table 4)
    width = 8
    rows = [["Table 4: Number and Percentage of Children (aged under 16) living in Relative low income families, "
             "After Housing Costs, Ward, FYE 2024 to 2025, Demoland (fictional)"]]
    rows += [[t] for t in intro]
    rows += [["DWP Stat-Xplore, Children in Low Income Families (Relative), Ward by Age"],
             ["ONS, Population Estimates (England and Wales), Ward by Age"],
             ["Demoland Records Office, Population Estimates, Ward by Age"]]
    rows.append(["Local Authority [note 2]", "Area Code", "Ward [note 2]", "Area Code"] + head_counts)
    rows.append(["", "", "Demoland [note 4]", "K02900001", _thousands(tot["n2024"]), _thousands(tot["n2025"]),
                 pct(tot["n2024"], tot["children"]), pct(tot["n2025"], tot["children"])])
    wards = df.groupby(["lad_code", "lad_name", "ward24_code", "ward24_name"], as_index=False, sort=False)[
        ["children", "n2024", "n2025"]].sum()
    wards = wards.sort_values(["lad_code", "ward24_name"])
    for w in wards.itertuples():
        rows.append([w.lad_name, w.lad_code, w.ward24_name, w.ward24_code, _thousands(w.n2024), _thousands(w.n2025),
                     pct(w.n2024, w.children), pct(w.n2025, w.children)])
    rows += [[""] * width] * 5
    rows = [(r + [""] * width)[:width] for r in rows]
    paths += _store("dwp_cilif_ward", {"4_AHC_Relative_Ward.csv": _csv_bytes(rows, bom=True, crlf=True)})
    # LA table (Table 2)
    width = 10
    rows = [["Table 2: Number and Percentage of Children (aged under 16) living in Relative low income families, "
             "After Housing Costs, Local Authority, FYE 2024 to 2025, Demoland (fictional)"]]
    rows += [[t] for t in intro]
    rows += [["DWP Stat-Xplore, Children in Low Income Families (Relative), Local Authority by Age"],
             ["ONS Nomis, Population Estimates, Local Authority by Age"]]
    rows.append(["Local Authority [note 2]", "Area Code"] + head_counts)
    rows.append(["Demoland [note 4]", "K02900001", _thousands(tot["n2024"]), _thousands(tot["n2025"]),
                 pct(tot["n2024"], tot["children"]), pct(tot["n2025"], tot["children"])])
    las = df.groupby(["lad_code", "lad_name"], as_index=False)[["children", "n2024", "n2025"]].sum()
    for a in las.itertuples():
        rows.append([a.lad_name, a.lad_code, _thousands(a.n2024), _thousands(a.n2025),
                     pct(a.n2024, a.children), pct(a.n2025, a.children)])
    rows += [[""] * width] * 5
    rows = [(r + [""] * width)[:width] for r in rows]
    paths += _store("dwp_cilif_la", {"2_AHC_Relative_LA.csv": _csv_bytes(rows, bom=True, crlf=True)})
    return paths


# --------------------------------------------------------------------------- services
def _pick_postcodes(seed: int, part: str, wards: list[str], n: int) -> pd.DataFrame:
    pcs = _postcodes(seed)
    rng = _rng(seed, part)
    pool = pcs[pcs["ward24_code"].isin(wards)].reset_index(drop=True)
    return pool.iloc[np.sort(rng.choice(len(pool), size=n, replace=False))].reset_index(drop=True)


_STREETS = ["Harbour Road", "Mill Lane", "Quay Street", "Chapel Row", "Beacon Way", "Fisher's Walk",
            "Dune Crescent", "Station Approach", "Rope Walk", "Lighthouse Lane", "Seagate", "Marsh Road"]


def _epraccur(seed: int) -> bytes:
    geo = _geography(seed)
    pcs = _pick_postcodes(seed, "gp", list(geo.wards["ward24_code"]), 14)
    names = ["HARBOUR MEDICAL CENTRE", "MILL LANE SURGERY", "ST AIDAN'S HEALTH CENTRE", "NORTHGATE PRACTICE",
             "THE DUNES SURGERY", "WESTFIELD FAMILY PRACTICE", "QUAYSIDE MEDICAL GROUP", "FENSIDE SURGERY",
             "KETTLE HILL HEALTH CENTRE", "SALTBY OLD TOWN SURGERY", "EASTWOLD MEDICAL PRACTICE",
             "WOLD END SURGERY", "MARSH ROAD PRACTICE", "BEACON WAY SURGERY"]
    rows = []
    for i, (name, pc) in enumerate(zip(names, pcs.itertuples()), start=1):
        closed = i in (4, 11)  # two practices closed (merged into neighbours)
        town = geo.lsoa.set_index("lsoa21_code").loc[pc.lsoa21_code, "lad_name"].upper()
        rows.append([f"Z9{i:04d}", name, "Y99", "QZZ", f"{i} {_STREETS[i % len(_STREETS)].upper()}", "", "",
                     town, "", pc.postcode, "19740401", "20231031" if closed else "",
                     "INACTIVE" if closed else "ACTIVE", "B", "99Z", "20200401", "20231031" if closed else "",
                     f"01999 {600000 + i * 137:06d}", "", "", "", "1", "", "99Z", "", "RO76", ""])
    return _csv_bytes(rows, crlf=True, quote_all=True)


GIAS_COLUMNS = (
    "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (code),"
    "TypeOfEstablishment (name),EstablishmentTypeGroup (code),EstablishmentTypeGroup (name),"
    "EstablishmentStatus (code),EstablishmentStatus (name),ReasonEstablishmentOpened (code),"
    "ReasonEstablishmentOpened (name),OpenDate,ReasonEstablishmentClosed (code),ReasonEstablishmentClosed (name),"
    "CloseDate,PhaseOfEducation (code),PhaseOfEducation (name),StatutoryLowAge,StatutoryHighAge,Boarders (code),"
    "Boarders (name),NurseryProvision (name),OfficialSixthForm (code),OfficialSixthForm (name),Gender (code),"
    "Gender (name),ReligiousCharacter (code),ReligiousCharacter (name),ReligiousEthos (name),Diocese (code),"
    "Diocese (name),AdmissionsPolicy (code),AdmissionsPolicy (name),SchoolCapacity,SpecialClasses (code),"
    "SpecialClasses (name),CensusDate,NumberOfPupils,NumberOfBoys,NumberOfGirls,PercentageFSM,"
    "TrustSchoolFlag (code),TrustSchoolFlag (name),Trusts (code),Trusts (name),SchoolSponsorFlag (name),"
    "SchoolSponsors (name),FederationFlag (name),Federations (code),Federations (name),UKPRN,FEHEIdentifier,"
    "FurtherEducationType (name),OfstedLastInsp,OfstedSpecialMeasures (code),OfstedSpecialMeasures (name),"
    "LastChangedDate,Street,Locality,Address3,Town,County (name),Postcode,SchoolWebsite,TelephoneNum,"
    "HeadTitle (name),HeadFirstName,HeadLastName,HeadPreferredJobTitle,BSOInspectorateName (name),"
    "InspectorateReport,DateOfLastInspectionVisit,NextInspectionVisit,TeenMoth (name),TeenMothPlaces,CCF (name),"
    "SENPRU (name),EBD (name),PlacesPRU,FTProv (name),EdByOther (name),Section41Approved (name),SEN1 (name),"
    "SEN2 (name),SEN3 (name),SEN4 (name),SEN5 (name),SEN6 (name),SEN7 (name),SEN8 (name),SEN9 (name),"
    "SEN10 (name),SEN11 (name),SEN12 (name),SEN13 (name),TypeOfResourcedProvision (name),"
    "ResourcedProvisionOnRoll,ResourcedProvisionCapacity,SenUnitOnRoll,SenUnitCapacity,GOR (code),GOR (name),"
    "DistrictAdministrative (code),DistrictAdministrative (name),AdministrativeWard (code),"
    "AdministrativeWard (name),ParliamentaryConstituency (code),ParliamentaryConstituency (name),"
    "UrbanRural (code),UrbanRural (name),GSSLACode (name),Easting,Northing,CensusAreaStatisticWard (name),"
    "MSOA (name),LSOA (name),InspectorateName (name),SENStat,SENNoStat,BoardingEstablishment (name),PropsName,"
    "PreviousLA (code),PreviousLA (name),PreviousEstablishmentNumber,OfstedRating (name),RSCRegion (name),"
    "Country (name),UPRN,SiteName,QABName (code),QABName (name),EstablishmentAccredited (code),"
    "EstablishmentAccredited (name),QABReport,CHNumber,MSOA (code),LSOA (code)").split(",")
# Columns written without quotes in the published file (numbers)
_GIAS_BARE = {"URN", "StatutoryLowAge", "StatutoryHighAge", "SchoolCapacity", "UKPRN", "Easting", "Northing"}
GIAS_FILENAME = "edubasealldata20260401.csv"


def _gias(seed: int) -> bytes:
    geo = _geography(seed)
    rng = _rng(seed, "gias")
    lsoa = geo.lsoa.set_index("lsoa21_code")
    la_numbers = {code: 990 + i for i, (code, _) in enumerate(LAS)}
    schools = [  # name, phase code/name, type, low, high, open?
        ("Harbour Primary School", "2", "Primary", "Community school", 3, 11, True),
        ("Mill Lane Infant and Nursery School", "2", "Primary", "Community school", 3, 7, True),
        ("St Thérèse's Catholic Primary School", "2", "Primary", "Voluntary aided school", 4, 11, True),
        ("Northgate Academy", "4", "Secondary", "Academy converter", 11, 16, True),
        ("Demoton Community College", "4", "Secondary", "Academy sponsor led", 11, 18, True),
        ("Westfield Junior School", "2", "Primary", "Community school", 7, 11, True),
        ("Saltmarsh Nursery School", "1", "Nursery", "Local authority nursery school", 2, 5, True),
        ("Dunes Special School", "0", "Not applicable", "Community special school", 3, 19, True),
        ("Old Quay Primary School", "2", "Primary", "Community school", 4, 11, False),
        ("Fenside Primary School", "2", "Primary", "Community school", 4, 11, True),
        ("Saltby Bay High School", "4", "Secondary", "Academy converter", 11, 18, True),
        ("Eastwold Primary Academy", "2", "Primary", "Academy converter", 4, 11, True),
        ("Wold End Church of England Primary School", "2", "Primary", "Voluntary controlled school", 4, 11, True),
    ]
    ratings = ["Outstanding", "Good", "Good", "Requires improvement", "Good", "Inadequate", "Good"]
    # the first nine schools are in Demoton (place wards mostly), the rest in the neighbours
    demoton_pcs = _pick_postcodes(seed, "gias-demoton", list(PLACE_WARDS) + ["E05900005", "E05900006"], 9)
    other_wards = [w for w in geo.wards["ward24_code"] if w not in PLACE_WARDS and w not in ("E05900005", "E05900006")]
    other_pcs = _pick_postcodes(seed, "gias-other", other_wards, len(schools) - 9)
    pcs = pd.concat([demoton_pcs, other_pcs], ignore_index=True)
    rows = [GIAS_COLUMNS]
    for i, ((name, phase_code, phase, kind, low, high, is_open), pc) in enumerate(zip(schools, pcs.itertuples())):
        area = lsoa.loc[pc.lsoa21_code]
        pupils = int(rng.integers(180, 420)) if phase == "Primary" else int(rng.integers(600, 1300)) \
            if phase == "Secondary" else int(rng.integers(60, 140))
        fsm = round(float(rng.uniform(30, 55) if area["place"] else rng.uniform(8, 30)), 1)
        academy = kind.startswith("Academy")
        row = {c: "" for c in GIAS_COLUMNS}
        row.update({
            "URN": str(990001 + i), "LA (code)": str(la_numbers[area["lad_code"]]), "LA (name)": area["lad_name"],
            "EstablishmentNumber": str(2000 + i), "EstablishmentName": name,
            "TypeOfEstablishment (code)": "28" if academy else "01",
            "TypeOfEstablishment (name)": kind,
            "EstablishmentTypeGroup (code)": "10" if academy else "4",
            "EstablishmentTypeGroup (name)": "Academies" if academy else "Local authority maintained schools",
            "EstablishmentStatus (code)": "1" if is_open else "2",
            "EstablishmentStatus (name)": "Open" if is_open else "Closed",
            "ReasonEstablishmentOpened (code)": "00", "ReasonEstablishmentOpened (name)": "Not applicable",
            "ReasonEstablishmentClosed (code)": "00" if is_open else "02",
            "ReasonEstablishmentClosed (name)": "Not applicable" if is_open else "Merged",
            "CloseDate": "" if is_open else "31-08-2022",
            "PhaseOfEducation (code)": phase_code, "PhaseOfEducation (name)": phase,
            "StatutoryLowAge": str(low), "StatutoryHighAge": str(high),
            "Gender (code)": "3", "Gender (name)": "Mixed",
            "SchoolCapacity": str(int(pupils * 1.1)), "CensusDate": "16-01-2025",
            "NumberOfPupils": str(pupils) if is_open else "", "NumberOfBoys": str(pupils // 2) if is_open else "",
            "NumberOfGirls": str(pupils - pupils // 2) if is_open else "",
            "PercentageFSM": f"{fsm}" if is_open else "",
            "UKPRN": str(19900001 + i), "OfstedLastInsp": "14-03-2024" if is_open else "",
            "OfstedRating (name)": ratings[i % len(ratings)] if is_open else "",
            "Street": f"{i + 1} {_STREETS[(i * 5) % len(_STREETS)]}", "Town": area["lad_name"],
            "Postcode": pc.postcode, "SchoolWebsite": f"www.{re.sub('[^a-z]', '', name.lower())[:20]}.demo.invalid",
            "GOR (code)": "Z", "GOR (name)": "Demoland (fictional)",
            "DistrictAdministrative (code)": area["lad_code"], "DistrictAdministrative (name)": area["lad_name"],
            "AdministrativeWard (code)": area["ward24_code"], "AdministrativeWard (name)": area["ward24_name"],
            "GSSLACode (name)": area["lad_code"], "Easting": str(pc.easting), "Northing": str(pc.northing),
            "MSOA (name)": area["msoa21_name"], "LSOA (name)": area["lsoa21_name"],
            "Country (name)": "Demoland (fictional)", "MSOA (code)": area["msoa21_code"], "LSOA (code)": pc.lsoa21_code,
        })
        rows.append([row[c] for c in GIAS_COLUMNS])
    lines = [",".join(f'"{c}"' for c in GIAS_COLUMNS)]
    for r in rows[1:]:
        lines.append(",".join(v if (c in _GIAS_BARE and v) else f'"{v}"' for c, v in zip(GIAS_COLUMNS, r)))
    # the published file is Windows-1252 with CRLF line ends
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


LIBRARY_COLUMNS = (
    "reporting,name,address1,address2,address3,authority,postcode,uprn,type,statutory_10,statutory_16,"
    "statutory_19,statutory_21,statutory_22,statutory_23,operation_16,operation_19,operation_21,operation_22,"
    "operation_23,closed,opened,operating_organisation,department,new_build_22,co_located,co_located_archives,"
    "co_located_artscentre,co_located_carehome_hostel,co_located_catering_bars_pub,co_located_civic,"
    "co_located_community,co_located_faithbuildings,co_located_health,co_located_hotel,"
    "co_located_industrial_business,co_located_library,co_located_museum,co_located_retail,"
    "co_located_schools_colleges,co_located_universities_highereducation,co_located_other,co_located_other_text,"
    "monday,tuesday,wednesday,thursday,friday,saturday,sunday,hours,staffed_hours,automated,email").split(",")


def _libraries(seed: int) -> bytes:
    geo = _geography(seed)
    libs = [("Demoton Central Library", "E06900001", "Static Library", ""),
            ("Harbour Community Library", "E06900001", "Static Library", ""),
            ("Mill Lane Library", "E06900001", "Static Library", "2016"),
            ("Demoton Mobile Library", "E06900001", "Mobile Library", ""),
            ("Northmere Library", "E06900002", "Static Library", ""),
            ("Saltby Bay Library & Archive", "E06900003", "Static Library", ""),
            ("Eastwold Library", "E06900004", "Static Library", ""),
            ("Wold End Library", "E06900004", "Static library", "2019")]
    rows = [LIBRARY_COLUMNS]
    la_names = dict(LAS)
    for i, (name, lad, kind, closed) in enumerate(libs):
        wards = list(geo.wards.loc[geo.wards["lad_code"] == lad, "ward24_code"])
        if lad == DEMO_LAD:
            wards = list(PLACE_WARDS)
        pc = _pick_postcodes(seed, f"library-{i}", wards, 1).iloc[0]
        status = "Closed" if closed else "LA"
        row = {c: "" for c in LIBRARY_COLUMNS}
        row.update({"reporting": la_names[lad], "name": name, "address1": f"{i + 3} {_STREETS[i % len(_STREETS)]}",
                    "address2": la_names[lad], "authority": la_names[lad],
                    "postcode": "" if kind.startswith("Mobile") else pc["postcode"],
                    "uprn": "" if closed else str(99000000000 + i), "type": kind,
                    **{f"statutory_{y}": ("No" if closed and int(y) > 16 else "Yes") for y in
                       ("10", "16", "19", "21", "22", "23")},
                    **{f"operation_{y}": ("Closed" if closed and int(y) > 16 else "LA") for y in
                       ("16", "19", "21", "22", "23")},
                    "closed": closed, "operating_organisation": "-",
                    "co_located": "N/A" if closed else "No",
                    **{d: ("N/A Closed" if closed else "All Day (continuous)") for d in
                       ("monday", "tuesday", "wednesday", "thursday", "friday")},
                    "hours": "N/A Closed" if closed else "40", "staffed_hours": "N/A Closed" if closed else "40",
                    "automated": "" if closed else "No",
                    "email": "" if closed else f"library{i}@{la_names[lad].lower().replace(' ', '')}.demo.invalid"})
        del status
        rows.append([row[c] for c in LIBRARY_COLUMNS])
    return _csv_bytes(rows, bom=True)


def _codepoint(seed: int) -> bytes:
    pcs = _postcodes(seed)
    rows = [[p.postcode, 10, p.easting, p.northing, "E92900001", "", "", "", p.lad_code, p.ward24_code]
            for p in pcs.itertuples()]
    lines = [",".join([f'"{r[0]}"', str(r[1]), str(r[2]), str(r[3])] + [f'"{v}"' for v in r[4:]]) for r in rows]
    area_csv = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    headers = ("PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC\r\nPostcode,Positional_quality_indicator,Eastings,Northings,"
               "Country_code,NHS_regional_HA_code,NHS_HA_code,Admin_county_code,Admin_district_code,"
               "Admin_ward_code\r\n").encode("ascii")
    metadata = (f"ORDNANCE SURVEY\nPRODUCT: OS CODE-POINT_03.02 (FICTIONAL DEMO COPY)\n"
                f"DATASET VERSION NUMBER: 2025.2.0\n      {POSTCODE_AREA}\t{len(pcs)}\n").encode("ascii")
    readme = b"Fictional demo copy generated by ccdata for Demoland. Layout as OS Code-Point Open.\n"
    return _zip({"Data/": b"", "Data/CSV/": b"", f"Data/CSV/{POSTCODE_AREA.lower()}.csv": area_csv,
                 "Doc/Code-Point_Open_Column_Headers.csv": headers, "Doc/metadata.txt": metadata,
                 "Doc/readme.txt": readme})


def _service_files(seed: int) -> list[Path]:
    paths: list[Path] = []
    paths += _store("nhs_epraccur", {"epraccur.csv": _epraccur(seed)})
    paths += _store("dfe_gias", {GIAS_FILENAME: _gias(seed)})
    paths += _store("libraries_england", {"libraries_england_2023.csv": _libraries(seed)})
    paths += _store("os_codepoint_open", {"codepo_gb.zip": _codepoint(seed)})
    return paths


# --------------------------------------------------------------------------- entry point
def generate(seed: int) -> list[Path]:
    """Generate every official-format demo file into ``data/raw/demo/<dataset id>/``.

    Deterministic: the same seed gives byte-identical files (files whose checksum
    is unchanged are not rewritten).

    Parameters
    ----------
    seed : int
        Seed of the numpy random generators (one stream per part).

    Returns
    -------
    list of Path
        Every file written or confirmed current.

    Raises
    ------
    TypeError
        If ``seed`` is not an integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    seed = int(seed)
    paths: list[Path] = []
    for part in (_lookup_files, _boundary_files, _iod_files, _census_files, _dwp_files, _service_files):
        paths += part(seed)
    return paths
