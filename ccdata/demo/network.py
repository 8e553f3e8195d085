"""Demo relationship-mapping files: an organisations list and a two-wave survey export.

About sixty fictional organisations of Demoton, a core team, a few isolates, a
first wave where most ties run through the core team and a second wave with more
ties across sectors. A handful of deliberately bad rows (an unknown organisation, a
self-tie, a repeated answer, two ends that disagree) show how they are reported.
None of the organisations or people are real.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from ccdata.demo import local_dir
from ccdata.demo.official import demo_postcodes
from ccdata.files import atomic_write_bytes
from ccdata.io.postcodes import is_postcode

WAVES = ("2024", "2025")
#: The demo place's wards (places.yaml), where its organisations are.
PLACE_WARDS = ("E05900001", "E05900002", "E05900003", "E05900004")
ORGANISATIONS_FILE = "organisations.csv"
RELATIONSHIPS_FILE = "relationships.csv"

_STREETS = ("Millbrook", "Ashgate", "Ferry Lane", "Kingsmead", "Hollins", "Brook Street", "Saltwell",
            "Northfield", "Tanners", "Elm Park", "Crossway", "Riverside")
#: (sector, how many, name patterns)
_PLAN = (
    ("school", 10, ("{s} Primary School", "{s} Academy", "{s} Nursery and Infant School")),
    ("early years", 6, ("{s} Family Hub", "{s} Pre-school", "Little Steps {s}")),
    ("health", 7, ("{s} Medical Practice", "{s} Health Visiting Team", "{s} Community Pharmacy")),
    ("local authority", 6, ("Demoton Council Early Help ({s})", "Demoton Youth Service {s}",
                            "Demoton Libraries: {s}")),
    ("housing", 4, ("{s} Housing Co-operative", "Demoton Homes {s} Office")),
    ("voluntary & community", 12, ("{s} Food Bank", "{s} Youth Club", "Friends of {s} Park",
                                   "{s} Community Centre", "{s} Parents' Forum")),
    ("faith", 6, ("St Aidan's {s}", "{s} Mosque", "{s} Gurdwara", "{s} Methodist Church")),
    ("business", 5, ("{s} Pharmacy Ltd", "{s} Builders Merchants", "{s} Credit Union")),
    # residents who take part as individuals: invented names, never shown in outputs
    ("residents", 4, ()),
)
_RESIDENT_NAMES = ("Jo Example", "Sam Placeholder", "Alex Fictitious", "Priya Madeup")
_TYPES = ("information sharing", "referrals", "joint delivery", "shared funding")
_FREQUENCIES = ("yearly", "quarterly", "monthly", "weekly")


def _organisations(rng: np.random.Generator, postcodes: list[str]) -> list[dict]:
    orgs, used = [], set()
    for sector, count, patterns in _PLAN:
        for i in range(count):
            if sector == "residents":
                name = _RESIDENT_NAMES[i]
            else:
                while True:
                    name = patterns[int(rng.integers(len(patterns)))].format(s=_STREETS[int(rng.integers(len(_STREETS)))])
                    if name not in used:
                        break
            used.add(name)
            orgs.append({"id": f"ORG{len(orgs) + 1:03d}", "name": name, "sector": sector,
                         "postcode": "" if sector == "residents" or not postcodes
                         else postcodes[int(rng.integers(len(postcodes)))],
                         "core_team": "", "first_wave": WAVES[0]})
    core = {"name": "Demoton Children's Community", "sector": "voluntary & community", "core_team": "yes"}
    orgs[orgs.index(next(o for o in orgs if o["sector"] == "voluntary & community"))].update(core)
    la = next(o for o in orgs if o["sector"] == "local authority")
    la.update(name="Demoton Council Children's Partnership Team", core_team="yes")
    # four organisations join in the second wave
    for o in [o for o in orgs if o["sector"] in ("voluntary & community", "early years")][-4:]:
        o["first_wave"] = WAVES[1]
    return orgs


def _ties(rng: np.random.Generator, orgs: list[dict]) -> dict[str, set[tuple[int, int]]]:
    """True undirected ties per wave (indices into ``orgs``)."""
    n = len(orgs)
    core = [i for i, o in enumerate(orgs) if o["core_team"] == "yes"]
    isolates = {i for i, o in enumerate(orgs) if o["sector"] == "business"}
    isolates = set(sorted(isolates)[:2]) | {next(i for i, o in enumerate(orgs) if o["sector"] == "faith")}
    first = [i for i, o in enumerate(orgs) if o["first_wave"] == WAVES[0] and i not in isolates]
    later = [i for i, o in enumerate(orgs) if o["first_wave"] == WAVES[1]]
    waves: dict[str, set[tuple[int, int]]] = {}
    # wave 1: a hub network, most ties to the core team, a few within a sector
    w1 = set()
    for i in first:
        if i not in core and rng.random() < 0.7:
            w1.add(tuple(sorted((i, core[int(rng.integers(len(core)))]))))
    for a in first:
        for b in first:
            if a < b and orgs[a]["sector"] == orgs[b]["sector"] and rng.random() < 0.12:
                w1.add((a, b))
    w1.add(tuple(core))
    waves[WAVES[0]] = w1
    # wave 2: some ties lapse, newcomers and cross-sector channels appear
    w2 = {t for t in w1 if rng.random() < 0.85}
    members = first + later
    for a in members:
        for b in members:
            if a < b and orgs[a]["sector"] != orgs[b]["sector"] and rng.random() < 0.035:
                w2.add((a, b))
    for i in later:
        w2.add(tuple(sorted((i, core[int(rng.integers(len(core)))]))))
    waves[WAVES[1]] = {t for t in w2 if t[0] != t[1] and max(t) < n}
    return waves


def _survey_rows(rng: np.random.Generator, orgs: list[dict], ties: dict) -> list[list[str]]:
    rows = []
    for wave, pairs in ties.items():
        responds = {i for i in range(len(orgs)) if rng.random() < 0.8 or orgs[i]["core_team"] == "yes"}
        for a, b in sorted(pairs):
            types = list(rng.choice(_TYPES, size=int(rng.integers(1, 3)), replace=False))
            level = int(rng.integers(len(_FREQUENCIES)))
            for me, them in ((a, b), (b, a)):
                if me in responds and rng.random() < 0.9:
                    # each end answers in its own words: a frequency or a 1-5 score
                    strength = (_FREQUENCIES[level] if rng.random() < 0.6 else str(level + 1))
                    rows.append([orgs[me]["name"], orgs[them]["name"], "; ".join(types), strength, wave])
    return rows


def _bad_rows(orgs: list[dict], rows: list[list[str]]) -> list[list[str]]:
    """Rows that the reader must report, each of a different kind."""
    school = next(o["name"] for o in orgs if o["sector"] == "school")
    health = next(o["name"] for o in orgs if o["sector"] == "health")
    return [
        [school, "Demoton Holiday Club (not in list)", "referrals", "monthly", WAVES[1]],   # unknown
        [health, health, "information sharing", "weekly", WAVES[1]],                       # self-tie
        list(rows[3]),                                                                     # duplicate
        [school, health, "joint delivery", "weekly", WAVES[1]],                            # conflict ...
        [health, school, "joint delivery", "yearly", WAVES[1]],                            # ... other end
    ]


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _postcodes() -> list[str]:
    frame = demo_postcodes()
    # organisations sit in the place's own wards; odd-shaped codes would not geocode
    frame = frame[frame["ward24_code"].isin(PLACE_WARDS) & frame["postcode"].map(is_postcode)]
    return sorted(frame["postcode"].astype(str).unique())


def generate(seed: int) -> list[Path]:
    """Write the demo ``organisations.csv`` and ``relationships.csv``.

    Parameters
    ----------
    seed : int
        Random seed (:data:`ccdata.demo.SEED` gives the standard demo place).

    Returns
    -------
    list of Path
        The two files, in :func:`ccdata.demo.local_dir`.
    """

    if not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    rng = np.random.default_rng([int(seed), 4])
    orgs = _organisations(rng, _postcodes())
    ties = _ties(rng, orgs)
    rows = _survey_rows(rng, orgs, ties)
    rows += _bad_rows(orgs, rows)
    folder = local_dir()
    files = {
        ORGANISATIONS_FILE: _csv(["id", "name", "sector", "postcode", "core_team", "first_wave"],
                                 [[o[k] for k in ("id", "name", "sector", "postcode", "core_team", "first_wave")]
                                  for o in orgs]),
        RELATIONSHIPS_FILE: _csv(["respondent organisation", "partner organisation", "relationship type",
                                  "frequency", "wave"], rows),
    }
    paths = []
    for name, data in files.items():
        path = folder / name
        if not (path.exists() and path.read_bytes() == data):  # idempotent: keep unchanged files
            atomic_write_bytes(path, data)
        paths.append(path)
    return paths
