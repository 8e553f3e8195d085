"""The demo place's own asset list: ``data/raw/demo/local/assets.csv``.

About forty fictional assets a partnership would list itself (youth clubs, a family
hub, a food bank, faith and community groups ...), typed the way people type them
(mixed case, synonyms such as "Foodbank" or "Children's Centre"), at demo postcodes
(:func:`ccdata.demo.official.demo_postcodes`), so they geocode with the demo
Code-Point Open file.

Some rows are wrong **on purpose**, so every report shows how problems are handled:
a name containing ``<script>alert(1)</script>`` (must render as text), a malformed
postcode, a well-formed postcode that does not exist, a row with no location, an
exact duplicate row and an unknown category. Two rows give latitude/longitude
instead of a postcode.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
from pyproj import Transformer

from ccdata.demo import local_dir
from ccdata.demo.official import PLACE_WARDS, demo_postcodes
from ccdata.files import atomic_write_bytes

FILE_NAME = "assets.csv"
COLUMNS = ["Name", "Category", "Address", "Postcode", "Latitude", "Longitude", "Website", "Opening notes"]

#: (name, category as typed, opening notes). All invented.
_ASSETS = [
    ("Demoton Youth Hub", "Youth Club", "Mon-Fri 4-9pm"),
    ("Northfield Young People's Project", "youth centre", "Tue and Thu evenings"),
    ("Riverside Scouts", "Scouts", "Wednesdays 6.30pm"),
    ("Eastgate Boxing and Youth Club", "Youth", "Weekday evenings"),
    ("Demoton Family Hub", "Family Hub", "Mon-Fri 9am-5pm"),
    ("Millbrook Children's Centre", "Children's Centre", "Stay and play Mon, Wed"),
    ("Demoton Foodbank", "Foodbank", "Tue and Fri 10am-1pm"),
    ("Canal Street Community Pantry", "food pantry", "Saturdays"),
    ("Westside Community Fridge", "Community fridge", "Daily 8am-8pm"),
    ("St Aidan's Church", "Church", "Toddler group Thursdays"),
    ("Demoton Central Mosque", "Mosque", "Homework club weekdays"),
    ("Beth Shalom Synagogue", "synagogue", ""),
    ("Guru Nanak Gurdwara", "Gurdwara", "Langar Sundays"),
    ("Hope Chapel", "Place of worship", ""),
    ("Millbrook Community Centre", "Community Centre", "Room hire; coffee morning Fri"),
    ("Northfield Tenants and Residents Association", "Tenants & Residents Association", "Monthly meetings"),
    ("Demoton Parents Forum", "community group", "Termly"),
    ("Eastgate Neighbourhood Centre", "Neighbourhood centre", ""),
    ("Demoton Leisure Centre", "Leisure Centre", "Swimming lessons"),
    ("Riverside Park Playground", "Playground", ""),
    ("Demoton Juniors Football Club", "Sports club", "Saturday mornings"),
    ("Millbrook Adventure Playground", "Adventure playground", "After school and holidays"),
    ("Canal Street Pharmacy", "Pharmacy", "Mon-Sat"),
    ("Northfield Dental Practice", "Dentist", ""),
    ("Little Acorns Nursery", "Nursery", "Ages 0-5"),
    ("Busy Bees Pre-school", "Pre-school", "Term time"),
    ("Westside Stay and Play", "Stay & Play", "Tuesdays"),
    ("Demoton Carers Centre", "Charity", ""),
    ("Eastgate Library Hub", "Community library", "Volunteer run"),
    ("Demoton Credit Union", "other", "Advice sessions"),
    ("Northfield Allotment Society", "Other", ""),
    ("Riverside Boxing Gym", "Gym", ""),
    ("Demoton Mental Health Drop-in", "Mental health", "Wednesdays"),
    ("Millbrook Homework Club", "Youth project", "Weekdays 3.30-5.30pm"),
    ("Westside Baby Bank", "Food bank", "By referral"),
]


def _rows(seed: int) -> list[list[str]]:

    rng = np.random.default_rng([seed, 71])
    pcs = demo_postcodes()
    inside = pcs[pcs["ward24_code"].isin(PLACE_WARDS)].sort_values("postcode").reset_index(drop=True)
    picks = rng.choice(len(inside), size=len(_ASSETS) + 2, replace=False)
    rows: list[list[str]] = []
    for i, (name, category, notes) in enumerate(_ASSETS):
        pc = inside.loc[picks[i], "postcode"]
        # type postcodes the way people do: some lower case, some without the space
        typed = pc.lower() if i % 7 == 3 else (pc.replace(" ", "") if i % 5 == 2 else pc)
        website = f"https://example.org/demoton/{i + 1}" if i % 4 == 0 else ""
        rows.append([name, category, f"{10 + i} {['High Street', 'Canal Street', 'Mill Lane', 'Park Road'][i % 4]}, "
                     "Demoton", typed, "", "", website, notes])
    # two assets located by latitude/longitude instead of a postcode

    to_wgs84 = Transformer.from_crs(27700, 4326, always_xy=True)
    for j, name, category in ((len(_ASSETS), "Riverside Forest School", "Early years"),
                              (len(_ASSETS) + 1, "Pop-up Youth Bus (Tuesday stop)", "youth")):
        row = inside.loc[picks[j]]
        lon, lat = to_wgs84.transform(float(row["easting"]) + 25.0, float(row["northing"]) - 25.0)
        rows.append([name, category, "", "", f"{lat:.6f}", f"{lon:.6f}", "", "Location by map pin"])
    # problems, on purpose
    first_pc = inside.loc[picks[0], "postcode"]
    rows.append(["<script>alert(1)</script> Youth Club", "Youth Club", "1 Test Street, Demoton",
                 inside.loc[picks[1], "postcode"], "", "", "javascript:alert(2)", "Escaping test"])
    rows.append(["Demoton Toy Library", "Library", "5 Mill Lane, Demoton", "DM1 XYZ", "", "", "",
                 "Malformed postcode on purpose"])
    missing_pc = _unused_postcode(pcs)
    rows.append(["Old Mill Youth Theatre", "Youth", "Old Mill, Demoton", missing_pc, "", "", "",
                 "Postcode that does not exist, on purpose"])
    rows.append(["Friends of Demoton Park", "Community group", "", "", "", "", "", "No location, on purpose"])
    rows.append(list(rows[0]))  # exact duplicate of the first row, on purpose
    rows.append(["Demoton Spaceport Club", "Spaceport", "", first_pc, "", "", "", "Unknown category on purpose"])
    return rows


def _unused_postcode(pcs) -> str:
    used = set(pcs["postcode"])
    for district in range(99, 0, -1):
        candidate = f"DM{district} 9ZZ"
        if candidate not in used:
            return candidate
    raise RuntimeError("no unused demo postcode")


def generate(seed: int) -> list[Path]:
    """Write the demo asset list (unchanged files are not rewritten).

    Parameters
    ----------
    seed : int
        Seed of the demo place (:data:`ccdata.demo.SEED`).

    Returns
    -------
    list of Path
        The file written: ``ccdata.demo.local_dir() / "assets.csv"``.
    """

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_rows(int(seed)))
    data = buffer.getvalue().encode("utf-8")
    path = local_dir() / FILE_NAME
    if not path.exists() or path.read_bytes() != data:
        atomic_write_bytes(path, data)
    return [path]
