"""Who lives here: single-year child bands for the LA and England, by hand from the raw file."""
from __future__ import annotations

import csv
import io

import pytest

import ccdata
from ccdata import config
from ccdata.analysis import profile
from ccdata.errors import MissingDataError
from ccdata.io.fetch import raw_files


def _raw_ltla_rows() -> list[dict]:
    path = raw_files("census21_ts007_ltla", config.DEMO)[0]
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def _age_col(row: dict, age: int) -> str:
    label = {0: "Age: Aged under 1 year", 1: "Age: Aged 1 year"}.get(age, f"Age: Aged {age} years")
    return next(c for c in row if c == label or c.startswith(label + ";"))


def test_single_year_bands_equal_hand_sums(demo_data):
    p = ccdata.place("demo")
    rows = _raw_ltla_rows()
    la = next(r for r in rows if r["geography code"] == p.lad_code)
    total_col = next(c for c in la if c.startswith("Age: Total"))
    expected_5_10 = sum(int(la[_age_col(la, a)]) for a in range(5, 11))
    expected_england_16_19 = sum(int(r[_age_col(r, a)]) for r in rows if r["geography code"].startswith("E")
                                 for a in range(16, 20))
    got = profile.children_single_year(p).set_index(["area", "age band"])
    assert got.loc[("la", "5-10"), "children"] == expected_5_10
    assert got.loc[("la", "5-10"), "pct"] == pytest.approx(100 * expected_5_10 / int(la[total_col]))
    assert got.loc[("england", "16-19"), "children"] == expected_england_16_19
    # the four bands make up 0-19 exactly (no age counted twice or missed)
    for area in ("la", "england"):
        parts = sum(got.loc[(area, b), "children"] for b in ("0-4", "5-10", "11-15", "16-19"))
        assert parts == got.loc[(area, "0-19"), "children"]


def test_single_year_bands_name_a_missing_local_authority(demo_data, monkeypatch):
    p = ccdata.place("demo")
    monkeypatch.setattr(p, "lad_code", "E06999999")
    with pytest.raises(MissingDataError, match="E06999999"):
        profile.children_single_year(p)
