"""The second demo place's relationship survey: a small network drawn by hand so that every
measure of the relationship page has a case to show.

Quayside Estate (``demo-estate`` in places.yaml) has sixteen fictional organisations
surveyed in two waves. In the latest wave each brokerage role occurs (Northfield Primary
links two schools: coordinator; Harbour Medical Practice links two schools: itinerant;
Quay Homes links its fellow housing office with the food bank: gatekeeper or
representative; St Brendan's Church links a health visitor and a housing office: liaison),
gatekeeper and representative are told apart by the direction column (the food bank passes
to the estate office, which passes to tenancy support, and back the other way), one tie is
the only link between the early-years settings and the rest (Harbour Family
Hub - Harbour Health Visiting Team), the share of cross-sector pairs connected only through
the core team falls between the waves, each kind of relationship appears, and one
organisation never answers. It is written by hand, not drawn at random, so that the figures
of the main demo place, which other tests quote, do not move. None of it is real.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ccdata.demo import local_dir
from ccdata.demo.official import demo_postcodes
from ccdata.files import atomic_write_bytes
from ccdata.io.postcodes import is_postcode

ORGANISATIONS_FILE = "estate_organisations.csv"
RELATIONSHIPS_FILE = "estate_relationships.csv"
WAVES = ("2024", "2025")
#: The place's neighbourhoods (places.yaml, demo-estate), where its organisations are.
PLACE_LSOAS = ("E01900009", "E01900010", "E01900031", "E01900032")

#: (id, name, sector, core team)
ORGANISATIONS = (
    ("Q01", "Quayside Children's Partnership", "voluntary & community", "yes"),
    ("Q02", "Demoton Council Quayside Team", "local authority", "yes"),
    ("Q03", "Northfield Primary School", "school", ""),
    ("Q04", "Westfield Academy", "school", ""),
    ("Q05", "Harbour Infant School", "school", ""),
    ("Q06", "Quayside Secondary School", "school", ""),
    ("Q07", "Harbour Medical Practice", "health", ""),
    ("Q08", "Harbour Health Visiting Team", "health", ""),
    ("Q09", "Quay Homes Estate Office", "housing", ""),
    ("Q10", "Quay Homes Tenancy Support", "housing", ""),
    ("Q11", "St Brendan's Church", "faith", ""),
    ("Q12", "Quayside Food Bank", "voluntary & community", ""),
    ("Q13", "Harbour Family Hub", "early years", ""),
    ("Q14", "Little Anchors Pre-school", "early years", ""),
    ("Q15", "Westfield Childminders Network", "early years", ""),
    ("Q16", "Quayside Credit Union", "business", ""),
)
_IS = "information sharing"
_REF = "referrals"
_JD = "joint delivery"
_SF = "shared funding"
#: (respondent, partner, relationship types, frequency, wave). The credit union (Q16) never
#: answers; some ties are reported by one end only.
RELATIONSHIPS = (
    # wave 2024: nearly everything runs through the core team
    ("Q01", "Q02", _JD, "weekly", "2024"), ("Q02", "Q01", _JD, "weekly", "2024"),
    ("Q01", "Q03", _IS, "monthly", "2024"), ("Q01", "Q04", _IS, "monthly", "2024"),
    ("Q01", "Q07", _REF, "monthly", "2024"), ("Q07", "Q01", _REF, "monthly", "2024"),
    ("Q02", "Q09", _REF, "quarterly", "2024"), ("Q02", "Q08", _IS, "quarterly", "2024"),
    ("Q01", "Q11", _IS, "quarterly", "2024"), ("Q01", "Q12", f"{_SF}; {_JD}", "weekly", "2024"),
    ("Q12", "Q01", _SF, "weekly", "2024"), ("Q02", "Q13", _REF, "monthly", "2024"),
    ("Q13", "Q14", _IS, "weekly", "2024"), ("Q14", "Q15", _IS, "monthly", "2024"),
    ("Q15", "Q13", _IS, "monthly", "2024"), ("Q03", "Q05", _IS, "termly", "2024"),
    ("Q09", "Q10", _JD, "weekly", "2024"), ("Q02", "Q06", _IS, "yearly", "2024"),
    ("Q01", "Q16", _SF, "yearly", "2024"),
    # wave 2025: the core team still central, but sectors now work together directly
    ("Q01", "Q02", _JD, "weekly", "2025"), ("Q02", "Q01", _JD, "weekly", "2025"),
    ("Q01", "Q03", _IS, "monthly", "2025"), ("Q01", "Q07", _REF, "monthly", "2025"),
    ("Q02", "Q09", _REF, "monthly", "2025"), ("Q01", "Q12", f"{_SF}; {_JD}", "weekly", "2025"),
    ("Q01", "Q16", _SF, "quarterly", "2025"),
    # coordinator: Northfield Primary - Westfield Academy and - Harbour Infant (not tied)
    ("Q03", "Q04", f"{_IS}; {_JD}", "monthly", "2025"), ("Q04", "Q03", _JD, "monthly", "2025"),
    ("Q03", "Q05", _IS, "monthly", "2025"),
    # itinerant: Harbour Medical Practice - Harbour Infant and - Quayside Secondary (not tied)
    ("Q07", "Q05", _REF, "monthly", "2025"), ("Q07", "Q06", _REF, "termly", "2025"),
    ("Q06", "Q07", _REF, "termly", "2025"),
    # gatekeeper or representative: Quay Homes Estate Office - Tenancy Support and - Food Bank
    ("Q09", "Q10", _JD, "weekly", "2025"), ("Q09", "Q12", f"{_REF}; {_SF}", "monthly", "2025"),
    ("Q12", "Q09", _REF, "monthly", "2025"),
    # liaison: St Brendan's - Health Visiting Team (health) and - Tenancy Support (housing)
    ("Q11", "Q08", _IS, "monthly", "2025"), ("Q11", "Q10", _IS, "termly", "2025"),
    ("Q10", "Q11", _IS, "termly", "2025"),
    # the early-years settings reach the rest only through the family hub's tie to the
    # health visitors (a bridge)
    ("Q13", "Q08", f"{_REF}; {_IS}", "weekly", "2025"), ("Q08", "Q13", _REF, "weekly", "2025"),
    ("Q13", "Q14", _IS, "weekly", "2025"), ("Q14", "Q15", _IS, "monthly", "2025"),
    ("Q15", "Q13", _IS, "monthly", "2025"),
)


#: The flow of each 2025 answer where it is one way (respondent, partner) -> direction; every
#: other answer says "both". With a direction on every tie, gatekeeper (the food bank passes to
#: the estate office, which passes to tenancy support) and representative (tenancy support ->
#: estate office -> food bank) are told apart.
FLOW = {
    ("Q01", "Q03"): "to partner", ("Q01", "Q07"): "to partner", ("Q02", "Q09"): "to partner",
    ("Q01", "Q16"): "to partner", ("Q03", "Q04"): "from partner", ("Q04", "Q03"): "to partner",
    ("Q03", "Q05"): "to partner", ("Q07", "Q05"): "from partner", ("Q07", "Q06"): "to partner",
    ("Q06", "Q07"): "from partner", ("Q11", "Q08"): "from partner", ("Q11", "Q10"): "to partner",
    ("Q10", "Q11"): "from partner",
}


def _postcodes() -> list[str]:
    frame = demo_postcodes()
    frame = frame[frame["lsoa21_code"].isin(PLACE_LSOAS) & frame["postcode"].map(is_postcode)]
    return sorted(frame["postcode"].astype(str).unique())


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def generate(seed: int) -> list[Path]:
    """Write ``estate_organisations.csv`` and ``estate_relationships.csv``.

    Parameters
    ----------
    seed : int
        Accepted for the demo's common interface; the files are written by hand and do not
        depend on it.

    Returns
    -------
    list of Path
        The two files, in :func:`ccdata.demo.local_dir`.
    """
    if not isinstance(seed, int):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    postcodes = _postcodes()
    orgs = [[oid, name, sector, postcodes[i % len(postcodes)] if postcodes else "", core, WAVES[0]]
            for i, (oid, name, sector, core) in enumerate(ORGANISATIONS)]
    names = {oid: name for oid, name, _, _ in ORGANISATIONS}
    rels = [[names[a], names[b], types, freq, wave, FLOW.get((a, b), "both") if wave == WAVES[1] else "both"]
            for a, b, types, freq, wave in RELATIONSHIPS]
    files = {
        ORGANISATIONS_FILE: _csv(["id", "name", "sector", "postcode", "core_team", "first_wave"], orgs),
        RELATIONSHIPS_FILE: _csv(["respondent organisation", "partner organisation", "relationship type",
                                  "frequency", "wave", "direction"], rels),
    }
    paths = []
    for name, data in files.items():
        path = local_dir() / name
        if not (path.exists() and path.read_bytes() == data):  # idempotent: keep unchanged files
            atomic_write_bytes(path, data)
        paths.append(path)
    return paths
