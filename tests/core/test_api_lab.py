"""What an adviser meets in JupyterLab: provenance on every derived frame, the same
``area=`` vocabulary everywhere, helpful errors and first-use progress."""
from __future__ import annotations

import shutil
import warnings

import pytest

import ccdata
from ccdata import config
from ccdata.analysis import indicators
from ccdata.errors import CcdataError, InputError, MissingDataError


@pytest.fixture
def demo_place(demo_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ccdata.place("demo")


def _provenance(frame, table=None):
    assert frame.attrs.get("collection") == "demo", frame.attrs
    assert frame.attrs.get("place") == "demo" and frame.attrs.get("derived"), frame.attrs
    if table:
        assert table in frame.attrs.get("table", ""), frame.attrs


def test_derived_frames_keep_their_provenance(demo_place):
    p = demo_place
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _provenance(p.deprivation(), "iod2025_file1")
        _provenance(p.deprivation("iod2019", area="la"), "iod2019_lsoa21")
        _provenance(p.boundary(), "boundaries_lsoa21")
        census = p.census("ts007a", area="all")
        _provenance(census, "census21_ts007a")
        assert census.attrs["labels"]  # the published labels survive too
        ind = indicators.compute(p)
    assert ind.attrs["place"] == "demo" and ind.attrs["collection"] == "demo"
    assert set(ind.attrs["sources"]) == {i.source for i in indicators.definitions()}


def test_area_means_the_same_for_census_and_deprivation(demo_place):
    p = demo_place
    areas = {a.id: a for a in p.areas()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        every = p.deprivation(area="all")
        place = p.deprivation(area="place")
        lsoa = p.deprivation(area="lsoa")
        census = p.census("ts007a", area="all")
    assert list(census["area"]) == ["place", "la", "england"]
    assert every.columns[0] == "area" and list(dict.fromkeys(every["area"])) == ["place", "la", "england"]
    for key in ("place", "la", "england"):
        rows = every[every["area"] == key]
        assert set(rows["lsoa21_code"]) == set(areas[key].lsoa21) & set(every["lsoa21_code"])
        assert len(rows) == census.set_index("area").loc[key, "n_lsoas"]  # same LSOAs behind each area
    assert list(lsoa["lsoa21_code"]) == list(place["lsoa21_code"])
    assert len(place) == len(set(p.lsoa21))
    for bad in ("ward", "everything"):
        for call in (lambda: p.deprivation(area=bad), lambda: p.census("ts007a", area=bad)):
            with pytest.raises(InputError, match=f"area must be lsoa, place, la, england or all, not '{bad}'"):
                call()
    assert issubclass(InputError, CcdataError) and issubclass(InputError, ValueError)


def test_missing_official_file_names_the_demo_collection(demo_data):
    with pytest.raises(MissingDataError, match='collection="demo"'):
        ccdata.load("iod2025_file1")
    with pytest.raises(MissingDataError, match='collection="demo"'):
        from ccdata.geo import build
        build.table("iod2025_file1")


def test_first_use_build_says_what_it_is_doing(demo_data_dir, tmp_path, use_data_dir, capsys):
    data = use_data_dir(shutil.copytree(demo_data_dir, tmp_path / "data"))
    for f in (data / "processed" / "demo").glob("census21_ts001.*"):
        f.unlink()
    from ccdata.geo import build

    frame = build.table("census21_ts001", config.DEMO)
    assert len(frame) > 0
    err = capsys.readouterr().err
    assert "building the 'census21_ts001' table (demo) on first use" in err and "ready (" in err
    build.table("census21_ts001", config.DEMO)  # now current: silent
    assert capsys.readouterr().err == ""


def test_geopandas_explore_works_with_a_classification_scheme():
    """GeoDataFrame.explore(scheme=...) needs mapclassify, a declared dependency."""
    import geopandas as gpd
    from shapely.geometry import box

    gdf = gpd.GeoDataFrame({"v": [1.0, 2.0, 3.0, 4.0]},
                           geometry=[box(i, 0, i + 1, 1) for i in range(4)], crs=27700)
    m = gdf.explore(column="v", scheme="quantiles", k=2)
    assert "leaflet" in m.get_root().render().lower()


def test_readme_says_how_to_work_in_lab_and_make_lab_registers_the_kernel():
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "## Working in JupyterLab" in readme and "make lab" in readme
    makefile = (repo / "Makefile").read_text(encoding="utf-8")
    lab = makefile.split("\nlab:")[1].split("\n\n")[0]
    assert "ipykernel install" in lab and "--name ccdata" in lab and "jupyter lab notebooks/" in lab
    setup = makefile.split("$(STAMP): pyproject.toml")[1].split("\n\n")[0]
    assert "pip install --quiet -e" not in setup  # the long install shows progress
