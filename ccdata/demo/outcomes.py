"""Demo outcomes file for Demoton: five years of invented outcome figures with a story in them.

Writes ``outcomes.csv`` into :func:`ccdata.demo.local_dir` (a new file: the other demo
files, and every figure tests quote from them, do not change). The figures are set by
hand, not drawn at random, so the story is the same on every machine:

- a good level of development at the end of reception *improves* (about 52% to 64%);
- persistent absence in primary schools *worsens* (about 14% to 20%);
- the year 1 phonics check stays *flat* (about 74%);
- reading, writing and maths at 11 is flat for the place while **Harbour** ward
  *diverges*: it falls from 60% to 40% as the other wards rise a little;
- suspensions have small counts (Northgate) that disclosure control must hide, and one
  cell the supplier suppressed (``c``);
- Attainment 8 is a mean, one ward's count is too small to show in one year;
- 16-17 year olds not in education, employment or training are by calendar year.

Every area also has the local authority's and England's figures, as a partnership gets
them. Everything is invented.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ccdata.demo import local_dir
from ccdata.files import atomic_write_bytes

OUTCOMES_FILE = "outcomes.csv"
HEADER = ["outcome", "period", "area_type", "area", "numerator", "denominator", "mean", "sd", "count", "source"]
YEARS = ("2020/21", "2021/22", "2022/23", "2023/24", "2024/25")
CALENDAR_YEARS = ("2020", "2021", "2022", "2023", "2024")
#: The place's wards (places.yaml) and the demo authority.
WARDS = ("E05900001", "E05900002", "E05900003", "E05900004")
HARBOUR = "E05900001"
LA_CODE = "E06900001"
FICTIONAL = "Invented figures for the fictional demo place"

#: Reception cohort per ward and year (a proportion's denominator grows a little each year).
_COHORT = {"E05900001": 110, "E05900002": 95, "E05900003": 80, "E05900004": 60}
#: Primary pupils on roll per ward.
_PRIMARY = {"E05900001": 600, "E05900002": 520, "E05900003": 430, "E05900004": 300}
#: Secondary pupils on roll per ward.
_SECONDARY = {"E05900001": 420, "E05900002": 380, "E05900003": 300, "E05900004": 90}

#: outcome -> ward -> share in each of the five years (set by hand: the story).
_SHARES = {
    "eyfs_gld": {w: (0.52, 0.55, 0.58, 0.61, 0.64) for w in WARDS},
    "phonics_y1": {w: (0.74, 0.75, 0.73, 0.75, 0.74) for w in WARDS},
    "persistent_absence_primary": {w: (0.14, 0.155, 0.17, 0.185, 0.20) for w in WARDS},
    "ks2_rwm": {"E05900001": (0.60, 0.55, 0.50, 0.45, 0.40), "E05900002": (0.56, 0.58, 0.60, 0.62, 0.64),
                "E05900003": (0.57, 0.59, 0.61, 0.62, 0.64), "E05900004": (0.58, 0.60, 0.62, 0.64, 0.66)},
    "suspensions": {"E05900001": (0.050, 0.052, 0.048, 0.050, 0.051), "E05900002": (0.040, 0.042, 0.041, 0.040, 0.043),
                    "E05900003": (0.045, 0.044, 0.046, 0.045, 0.044), "E05900004": (0.040, 0.045, 0.044, 0.040, 0.045)},
}
_BASES = {"eyfs_gld": _COHORT, "phonics_y1": _COHORT, "ks2_rwm": _COHORT,
          "persistent_absence_primary": _PRIMARY, "suspensions": _SECONDARY}
#: Authority and England shares per year (published figures, invented here).
_BENCH = {
    "eyfs_gld": ((0.63, 0.64, 0.65, 0.66, 0.66), (0.65, 0.65, 0.67, 0.68, 0.68)),
    "phonics_y1": ((0.76, 0.77, 0.78, 0.78, 0.79), (0.76, 0.78, 0.79, 0.80, 0.80)),
    "persistent_absence_primary": ((0.12, 0.14, 0.15, 0.15, 0.14), (0.12, 0.17, 0.16, 0.15, 0.14)),
    "ks2_rwm": ((0.58, 0.59, 0.59, 0.60, 0.61), (0.59, 0.59, 0.60, 0.61, 0.62)),
    "suspensions": ((0.040, 0.042, 0.044, 0.046, 0.047), (0.035, 0.038, 0.041, 0.044, 0.046)),
}
_LA_BASE, _ENGLAND_BASE = 2_400, 600_000
#: Attainment 8 per ward: (mean per year, sd, count per year); Northgate's 2022/23 count is tiny.
_A8 = {"E05900001": ((39.0, 39.5, 40.0, 40.2, 40.5), 19.0, (80, 82, 78, 81, 80)),
       "E05900002": ((41.0, 41.2, 41.5, 41.3, 41.8), 18.5, (72, 70, 74, 73, 75)),
       "E05900003": ((40.0, 40.5, 40.2, 40.8, 41.0), 18.0, (58, 60, 57, 61, 59)),
       "E05900004": ((42.0, 41.0, 43.0, 42.5, 42.0), 17.5, (14, 15, 6, 16, 15))}
_A8_BENCH = ((44.0, 44.5, 45.0, 45.2, 45.4), (46.0, 46.2, 46.3, 46.1, 46.2))
#: NEET 16-17 for the place, the authority and England: (numerator, denominator) per calendar year.
_NEET = {"place": ((48, 760), (45, 770), (47, 765), (44, 772), (46, 768)),
         "la": ((310, 5_200), (300, 5_250), (305, 5_240), (296, 5_300), (300, 5_280)),
         "england": ((63_000, 1_150_000), (62_000, 1_160_000), (64_000, 1_170_000), (61_000, 1_180_000),
                     (62_500, 1_190_000))}
#: (outcome, year index, ward) the supplier suppressed.
_SUPPRESSED = {("suspensions", 1, "E05900003")}


def _csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _rows() -> list[list]:
    rows: list[list] = []
    for outcome, wards in _SHARES.items():
        bases = _BASES[outcome]
        for i, year in enumerate(YEARS):
            place_n = place_d = 0
            ward_rows = []
            for w in WARDS:
                d = bases[w] + 2 * i
                n = round(wards[w][i] * d)
                place_n, place_d = place_n + n, place_d + d
                if (outcome, i, w) in _SUPPRESSED:
                    ward_rows.append([outcome, year, "ward", w, "c", "c", "", "", "", FICTIONAL])
                else:
                    ward_rows.append([outcome, year, "ward", w, n, d, "", "", "", FICTIONAL])
            rows.append([outcome, year, "place", "", place_n, place_d, "", "", "", FICTIONAL])
            rows.extend(ward_rows)
            la, eng = _BENCH[outcome]
            rows.append([outcome, year, "local_authority", LA_CODE, round(la[i] * _LA_BASE), _LA_BASE, "", "", "",
                         FICTIONAL])
            rows.append([outcome, year, "england", "", round(eng[i] * _ENGLAND_BASE), _ENGLAND_BASE, "", "", "",
                         FICTIONAL])
    for i, year in enumerate(YEARS):
        total = sum(_A8[w][2][i] for w in WARDS)
        mean = sum(_A8[w][0][i] * _A8[w][2][i] for w in WARDS) / total
        rows.append(["attainment8", year, "place", "", "", "", f"{mean:.1f}", "18.5", total, FICTIONAL])
        for w in WARDS:
            means, sd, counts = _A8[w]
            rows.append(["attainment8", year, "ward", w, "", "", means[i], sd, counts[i], FICTIONAL])
        rows.append(["attainment8", year, "local_authority", LA_CODE, "", "", _A8_BENCH[0][i], 19.0, 2_300, FICTIONAL])
        rows.append(["attainment8", year, "england", "", "", "", _A8_BENCH[1][i], 19.5, 580_000, FICTIONAL])
    for i, year in enumerate(CALENDAR_YEARS):
        for area_type, key, code in (("place", "place", ""), ("local_authority", "la", LA_CODE),
                                     ("england", "england", "")):
            n, d = _NEET[key][i]
            rows.append(["neet_16_17", year, area_type, code, n, d, "", "", "", FICTIONAL])
    return rows


def build() -> dict[str, bytes]:
    """The demo outcomes file as ``{relative path: bytes}`` (no file I/O)."""
    return {OUTCOMES_FILE: _csv(_rows())}


def generate(seed: int) -> list[Path]:
    """Write the demo outcomes file (unchanged files are not rewritten). ``seed`` is unused:
    the figures are set by hand so the story never changes."""
    folder = local_dir()
    paths = []
    for rel, data in build().items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            atomic_write_bytes(path, data)
        paths.append(path)
    return paths
