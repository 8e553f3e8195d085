"""Counts stay whole numbers: no count column of the deprivation, comparator or child-poverty
tables has a float dtype (a float count prints as "623.0")."""
from __future__ import annotations

import pandas as pd
import pytest

import ccdata
from ccdata.analysis import child_poverty, deprivation

COUNT_WORDS = ("lsoas", "residents", "population", "children")


def _count_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not str(c).endswith("_source") and (
            any(str(c).startswith(w) or str(c).startswith(f"place_{w}") for w in COUNT_WORDS)
            or str(c).startswith("lsoas_"))]


def _assert_integer_counts(frame: pd.DataFrame, what: str) -> None:
    cols = _count_columns(frame)
    assert cols, f"{what}: no count columns found"
    floats = [c for c in cols if pd.api.types.is_float_dtype(frame[c])]
    assert not floats, f"{what}: float count column(s) {floats}"
    for c in cols:
        assert pd.api.types.is_integer_dtype(frame[c]), (what, c, frame[c].dtype)


@pytest.fixture(params=["demo", "demo-estate"])
def demo_place(request, demo_data):
    return ccdata.place(request.param)


@pytest.mark.parametrize("edition", ["iod2019", "iod2025"])
def test_deprivation_counts_are_integers(demo_place, edition):
    _assert_integer_counts(deprivation.summary(demo_place, edition), "summary")
    _assert_integer_counts(deprivation.decile_distribution(demo_place, edition), "decile_distribution")


def test_comparator_table_counts_are_integers(demo_data):
    from ccdata.geo import build

    table = build.table("iod_comparators", "demo")
    _assert_integer_counts(table, "iod_comparators")
    assert set(deprivation.COMPARATOR_COUNTS) <= set(_count_columns(table))


def test_child_poverty_counts_are_integers(demo_place):
    result = child_poverty.for_place(demo_place)
    for key in ("place", "by_ward", "la", "england"):
        _assert_integer_counts(result[key], key)


def test_the_check_catches_a_float_count():
    with pytest.raises(AssertionError, match="float count"):
        _assert_integer_counts(pd.DataFrame({"children": [623.0]}), "example")
