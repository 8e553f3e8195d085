"""Postcodes without Code-Point Open: a stand-in geocoder and a tiny Code-Point Open zip."""
from __future__ import annotations

import zipfile
from pathlib import Path

#: Postcodes -> (lsoa21, ward24) known to ``fake_geocoder`` (tests of survey and pupil
#: loading, without Code-Point Open). Any other postcode is "not found".
POSTCODES = {"DE1 1AA": ("E01900001", "E05900001"), "DE1 1AB": ("E01900002", "E05900001"),
             "DE2 2AA": ("E01900003", "E05900002")}

#: British National Grid origin of the hand-made Code-Point Open points and areas.
X0, Y0 = 430000, 566000


def fake_geocoder(postcodes):
    """Locate a Series of postcodes from ``POSTCODES`` only (the geocoder's output columns)."""
    import pandas as pd

    found = [POSTCODES.get(str(p).upper()) for p in postcodes]
    return pd.DataFrame({"lsoa21_code": [v[0] if v else None for v in found],
                         "ward24_code": [v[1] if v else None for v in found],
                         "located": ["ok" if v else "not found" for v in found]}, index=postcodes.index)


def make_codepoint_zip(path: Path, rows_by_area: dict[str, list[tuple]]) -> Path:
    """A Code-Point Open zip in the published layout (headerless per-area CSVs)."""
    from ccdata.io import postcodes

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Doc/Code-Point_Open_Column_Headers.csv",
                    "PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC\r\n" + ",".join(postcodes.CODEPOINT_COLUMNS) + "\r\n")
        for area, rows in rows_by_area.items():
            text = "".join(f'"{pc}",{pq},{e},{n},"E92000001","E19000001","E18000001","","{lad}","{ward}"\r\n'
                           for pc, pq, e, n, lad, ward in rows)
            zf.writestr(f"Data/CSV/{area}.csv", text)
    return path
