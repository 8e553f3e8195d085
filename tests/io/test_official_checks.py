"""Official files are checked before they are trusted: polygons, required columns, whole files."""
from __future__ import annotations

import gzip
import json
import warnings

import geopandas as gpd
import pytest

from ccdata import sources
from ccdata.errors import DataQualityWarning, ValidationError
from ccdata.geo import build
from ccdata.io import read
from ccdata.io.census import required_columns
from ccdata.io.fetch import add_file
from ccdata.io.geomcheck import MAX_AREA_CHANGE, check_geometries

LAD = "E08000022"


def _square(x0, y0, size=0.01):
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]


def _ward(code, name, ring, lad=LAD):
    geometry = None if ring is None else {"type": "Polygon", "coordinates": [ring]}
    return {"type": "Feature", "properties": {"WD23CD": code, "WD23NM": name, "LAD23CD": lad},
            "geometry": geometry}


def _figure_eight(x0, y0, size=0.005):
    """Two squares touching at one corner, drawn as one ring: invalid, but repaired without any change of area."""
    s = size
    return [[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0 + 2 * s, y0 + s], [x0 + 2 * s, y0 + 2 * s],
            [x0 + s, y0 + 2 * s], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]]


def _wards_file(tmp_path, *extra, name="wards.geojson"):
    features = [_ward("E05900001", "Mill", _square(-1.52, 55.0)),
                _ward("E05900002", "Quay", _square(-1.51, 55.0)),
                _ward("E05900003", "Dene", _square(-1.50, 55.0)), *extra]
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _read_wards(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return read("boundaries_ward23", path)


# --------------------------------------------------------------------------- polygons
def test_a_self_crossing_ward_fails_the_file_naming_feature_and_code(tmp_path):
    # the square's top-right corner dragged across to the left: the ring now crosses itself,
    # and make_valid would keep a shape of another size rather than the ward
    crossed = [[-1.49, 55.0], [-1.48, 55.0], [-1.495, 55.005], [-1.49, 55.01], [-1.49, 55.0]]
    path = _wards_file(tmp_path, _ward("E05900004", "Howe", crossed))
    with pytest.raises(ValidationError) as exc:
        _read_wards(path)
    (problem,) = exc.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("wards.geojson", 4, "geometry", "E05900004")
    assert "ward E05900004 crosses itself" in problem.message and "area from" in problem.message
    assert "wards.geojson, row 4" in str(exc.value)


def test_a_null_geometry_fails_the_file_and_is_not_called_an_unknown_code(tmp_path):
    path = _wards_file(tmp_path, _ward("E05900004", "Howe", None))
    with pytest.raises(ValidationError) as exc:
        _read_wards(path)
    (problem,) = exc.value.problems
    assert (problem.row, problem.value) == (4, "E05900004")
    assert "has no geometry (null or empty)" in problem.message
    assert "does not exist" not in str(exc.value)


def test_a_feature_that_is_only_a_line_fails_the_file(tmp_path):
    line = _ward("E05900004", "Howe", None)
    line["geometry"] = {"type": "LineString", "coordinates": [[-1.49, 55.0], [-1.48, 55.01]]}
    with pytest.raises(ValidationError) as exc:
        _read_wards(_wards_file(tmp_path, line))
    (problem,) = exc.value.problems
    assert problem.row == 4 and "has no polygon (its geometry is a LineString)" in problem.message


def test_every_bad_feature_is_listed_at_once(tmp_path):
    crossed = [[-1.49, 55.0], [-1.48, 55.0], [-1.495, 55.005], [-1.49, 55.01], [-1.49, 55.0]]
    path = _wards_file(tmp_path, _ward("E05900004", "Howe", None), _ward("E05900005", "Burn", crossed))
    with pytest.raises(ValidationError) as exc:
        _read_wards(path)
    assert sorted((p.row, p.value) for p in exc.value.problems) == [(4, "E05900004"), (5, "E05900005")]


def test_a_harmless_repair_is_accepted_and_recorded(tmp_path):
    path = _wards_file(tmp_path, _ward("E05900004", "Howe", _figure_eight(-1.49, 55.0)))
    gdf = _read_wards(path)
    assert gdf.is_valid.all() and set(gdf.geom_type) == {"MultiPolygon"}
    assert gdf["ward23_code"].tolist() == ["E05900001", "E05900002", "E05900003", "E05900004"]
    (repair,) = gdf.attrs["repairs"]
    assert (repair["file"], repair["feature"], repair["code"]) == ("wards.geojson", 4, "E05900004")
    assert repair["published_m2"] == pytest.approx(repair["repaired_m2"], rel=1e-9)
    # two squares of 0.005 degrees near 55N: 2 x (about 320 m x 556 m)
    assert 300_000 < repair["repaired_m2"] < 420_000


def test_a_repair_far_from_the_rest_of_its_authority_fails(tmp_path):
    # harmless in area, but 50 km from the authority's other wards: a moved feature
    path = _wards_file(tmp_path, _ward("E05900004", "Howe", _figure_eight(-1.49, 55.45)))
    with pytest.raises(ValidationError) as exc:
        _read_wards(path)
    (problem,) = exc.value.problems
    assert problem.value == "E05900004" and "beyond its authority's other areas" in problem.message


def test_the_same_repair_near_its_authority_but_far_from_another_is_accepted(tmp_path):
    # the extent is the feature's own authority's: another authority's wards far away do not matter
    far = _ward("E05900009", "Elsewhere", _square(-2.5, 53.5), lad="E08000008")
    gdf = _read_wards(_wards_file(tmp_path, far, _ward("E05900004", "Howe", _figure_eight(-1.49, 55.0))))
    assert [r["code"] for r in gdf.attrs["repairs"]] == ["E05900004"]


def _eared(size):
    """A 1 km square whose ring crosses itself at the top-left corner in a bow-tie "ear" of
    ``size`` m by ``2 * size`` m: the ear's two triangles (each ``size * size / 2`` m2) cancel
    in the published ring's area and are both kept by the repair, which adds ``size ** 2`` m2."""
    from shapely.geometry import Polygon
    return Polygon([(0, 0), (1000, 0), (1000, 1000), (0, 1000), (-size, 1000 + 2 * size), (-size, 1000),
                    (0, 1000 + 2 * size), (0, 0)])


def test_repair_threshold_is_a_tenth_of_a_percent():
    from shapely.geometry import Polygon
    assert MAX_AREA_CHANGE == 0.001
    # ears of 31.6 m (1,000 m2: exactly 0.1% of 1 km2, refused) and 15 m (225 m2: 0.0225%, accepted)
    square = Polygon([(1000, 0), (2000, 0), (2000, 1000), (1000, 1000)])
    geoms = gpd.GeoSeries([square, _eared(1000 ** 0.5), _eared(15)], index=[1, 2, 3], crs=27700)
    codes = gpd.pd.Series(["E05900001", "E05900002", "E05900003"], index=[1, 2, 3])
    with pytest.raises(ValidationError) as exc:
        check_geometries(geoms, codes, "f.geojson", "ward")
    assert [p.value for p in exc.value.problems] == ["E05900002"]
    assert "from 1,000,000 m² to 1,001,000 m² (a change of 0.1%)" in exc.value.problems[0].message
    fixed, repairs = check_geometries(geoms.drop(2), codes.drop(2), "f.geojson", "ward")
    assert [(r["code"], r["published_m2"], r["repaired_m2"]) for r in repairs] == [
        ("E05900003", 1_000_000, 1_000_225)]
    assert fixed.is_valid.all()


def test_check_geometries_refuses_degrees_and_mismatched_index():
    from shapely.geometry import Polygon
    geoms = gpd.GeoSeries([Polygon(_square(0, 0))], index=[1], crs=4326)
    codes = gpd.pd.Series(["E05900001"], index=[1])
    with pytest.raises(ValueError, match="projected CRS"):
        check_geometries(geoms, codes, "f", "ward")
    with pytest.raises(ValueError, match="one index"):
        check_geometries(geoms.to_crs(27700), codes.set_axis([2]), "f", "ward")
    with pytest.raises(TypeError):
        check_geometries([Polygon(_square(0, 0))], codes, "f", "ward")


def test_repairs_are_recorded_in_the_build_provenance(tmp_path, use_data_dir):
    use_data_dir(tmp_path / "data")
    path = _wards_file(tmp_path, _ward("E05900004", "Howe", _figure_eight(-1.49, 55.0)))
    add_file("boundaries_ward23", path)
    result = build.build_table("boundaries_ward23")
    assert result.status == "built", result.message
    assert result.message == ("4 rows; 1 feature invalid as published repaired (area changed by under 0.1%; "
                              "listed in the provenance)")
    (repair,) = build.provenance("boundaries_ward23")["repairs"]
    assert (repair["file"], repair["feature"], repair["code"]) == ("wards.geojson", 4, "E05900004")


def test_a_damaged_boundary_file_fails_its_build_and_keeps_the_last_good_table(tmp_path, use_data_dir):
    use_data_dir(tmp_path / "data")
    good = _wards_file(tmp_path, name="wards.geojson")
    add_file("boundaries_ward23", good)
    assert build.build_table("boundaries_ward23").status == "built"
    kept = build.table("boundaries_ward23")
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    add_file("boundaries_ward23", _wards_file(damaged, _ward("E05900004", "Howe", None), name="wards.geojson"))
    result = build.build_table("boundaries_ward23")
    assert result.status == "failed"
    assert "wards.geojson, row 4" in result.message and "E05900004" in result.message
    with pytest.raises(Exception, match="row 4"):
        build.table("boundaries_ward23")  # never the old table read as if it were current
    assert len(kept) == 3


# --------------------------------------------------------------------------- every official boundary file
#: Features invalid as published (ring self-intersections), repaired with a change of well under 1 m2.
KNOWN_REPAIRS = {"E05001121", "E01008571", "E01005866", "E01005907", "E01006012", "E01006312",
                 "E06000024", "E07000085"}


def _boundary_dataset(rel: str) -> str | None:
    for d in sources.REGISTRY.values():
        if d.loader == "boundaries" and rel in d.mirror_paths:
            return d.id
    # files the registry does not read (yet) are checked as the dataset of their kind
    for folder, dataset_id in (("boundaries/lsoa2021/", "boundaries_lsoa21"), ("boundaries/lad/", "boundaries_lad22")):
        if rel.startswith(folder):
            return dataset_id
    return None


@pytest.mark.realdata
def test_every_official_boundary_file_builds(mirror_dir, tmp_path):
    files = sorted(p for p in (mirror_dir / "boundaries").rglob("*")
                   if p.name.lower().endswith((".shp", ".geojson", ".geojson.gz", ".gpkg")))
    assert files, "no boundary files in the mirror"
    repaired, unmapped = {}, []
    for path in files:
        rel = path.relative_to(mirror_dir).as_posix()
        dataset_id = _boundary_dataset(rel)
        if dataset_id is None:
            unmapped.append(rel)
            continue
        parts = [path] + [path.with_suffix(s) for s in (".shx", ".dbf", ".prj", ".cpg")
                          if path.suffix == ".shp" and path.with_suffix(s).exists()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            gdf = read(dataset_id, parts)
        assert len(gdf) and gdf.is_valid.all(), rel
        for r in gdf.attrs["repairs"]:
            repaired[r["code"]] = abs(r["repaired_m2"] - r["published_m2"])
    assert not unmapped, f"boundary files with no dataset to read them as: {unmapped}"
    assert KNOWN_REPAIRS <= set(repaired), sorted(KNOWN_REPAIRS - set(repaired))
    assert max(repaired.values()) < 1.0, repaired


@pytest.mark.realdata
def test_real_ward_file_with_one_wallsend_ward_made_self_crossing_fails(mirror_dir, tmp_path):
    src = mirror_dir / "boundaries/wards/north_tyneside/north_tyneside_wards_wd23.geojson"
    data = json.loads(src.read_text(encoding="utf-8"))
    target = next(i for i, f in enumerate(data["features"]) if f["properties"]["WD23NM"] == "Wallsend")
    geom = data["features"][target]["geometry"]
    ring = geom["coordinates"][0] if geom["type"] == "Polygon" else geom["coordinates"][0][0]
    # swap two vertices a third of the ring apart: the ring crosses itself
    a, b = len(ring) // 3, 2 * len(ring) // 3
    ring[a], ring[b] = ring[b], ring[a]
    path = tmp_path / src.name
    path.write_text(json.dumps(data))
    with pytest.raises(ValidationError) as exc:
        _read_wards(path)
    code = data["features"][target]["properties"]["WD23CD"]
    assert [(p.row, p.value) for p in exc.value.problems] == [(target + 1, code)]


# --------------------------------------------------------------------------- required Census columns
TS045 = ("date,geography,geography code,Number of cars or vans: Total: All households,"
         "Number of cars or vans: No cars or vans in household,Number of cars or vans: 1 car or van in household\n"
         "2021,Demoton 001A,E01900001,10,4,6\n")


def test_a_renamed_census_column_fails_the_table_naming_column_and_indicator(tmp_path):
    path = tmp_path / "census2021-ts045-lsoa.csv"
    path.write_text(TS045.replace("No cars or vans in household", "No car or van"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(ValidationError) as exc:
            read("census21_ts045", path)
    (problem,) = exc.value.problems
    assert problem.column == "no_cars_or_vans_in_household"
    assert "required column is missing" in problem.message
    assert "Households without a car or van" in problem.message and "no_car_or_van" in problem.message


def test_the_published_layout_reads(tmp_path):
    path = tmp_path / "census2021-ts045-lsoa.csv"
    path.write_text(TS045)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        df = read("census21_ts045", path)
    assert df.loc[0, "no_cars_or_vans_in_household"] == 4


def test_required_columns_come_from_the_indicator_definitions():
    assert required_columns("census21_ts045") == {
        "no_cars_or_vans_in_household": "Households without a car or van",
        "total": "Households without a car or van"}
    # the same table at local authority level needs the same columns
    assert required_columns("census21_ts045_ltla") == required_columns("census21_ts045")
    assert required_columns("census21_ts001") == {}
    with pytest.raises(ValueError):
        required_columns("iod2019_file1")


@pytest.mark.realdata
def test_real_census_table_with_a_renamed_column_fails(mirror_dir, tmp_path):
    src = mirror_dir / "census/census2021_lsoa/census2021-ts045-lsoa.csv.gz"
    text = gzip.decompress(src.read_bytes()).decode("utf-8-sig")
    head, rest = text.split("\n", 1)
    assert "No cars or vans in household" in head
    path = tmp_path / "census2021-ts045-lsoa.csv.gz"
    path.write_bytes(gzip.compress((head.replace("No cars or vans in household", "No car") + "\n" + rest).encode()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(ValidationError, match="no_cars_or_vans_in_household"):
            read("census21_ts045", path)


# --------------------------------------------------------------------------- truncated IoD files
IOD19 = ("LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
         "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
         "Index of Multiple Deprivation (IMD) Decile\n")
LOOKUP = ("LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId\n"
          "E01900001,Demoton 001A,E01900001,Demoton 001A,U,E06900001,Demoton,,1\n"
          "E01900002,Demoton 001B,E01900002,Demoton 001B,U,E06900001,Demoton,,2\n"
          "E01900003,Demoton 001C,E01900003,Demoton 001C,U,E06900001,Demoton,,3\n"
          "W01900004,Demoton 001D,W01900004,Demoton 001D,U,W06900001,Demoland,,4\n")


def test_a_truncated_iod_file_fails(with_lookup):
    path = with_lookup / "file1.csv"
    path.write_text(IOD19 + "E01900001,A,E06900001,D,5,1\n")  # the rest of the file was lost
    with pytest.raises(ValidationError) as exc:
        read("iod2019_file1", path)
    (problem,) = exc.value.problems
    assert problem.file == "file1.csv"
    assert "holds 1 of the 3 LSOA 2011 areas" in problem.message and "E01900002, E01900003" in problem.message


def test_a_whole_iod_file_reads_and_welsh_areas_are_not_expected(with_lookup):
    path = with_lookup / "file1.csv"
    path.write_text(IOD19 + "E01900001,A,E06900001,D,5,1\nE01900002,B,E06900001,D,6,1\nE01900003,C,E06900001,D,7,1\n")
    assert len(read("iod2019_file1", path)) == 3


def test_a_line_cut_in_half_fails(with_lookup):
    path = with_lookup / "file1.csv"
    path.write_text(IOD19 + "E01900001,A,E06900001,D,5,1\nE01900002,B,E06900001,D,6,1\nE01900003,C,E06")
    with pytest.raises(ValidationError):
        read("iod2019_file1", path)


@pytest.mark.realdata
def test_real_iod_file_cut_short_fails(official, mirror_dir, tmp_path):
    src = mirror_dir / "deprivation/iod2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
    lines = gzip.decompress(src.read_bytes()).split(b"\n")
    path = tmp_path / src.name
    path.write_bytes(gzip.compress(b"\n".join(lines[:20_001])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(ValidationError, match="holds 20,000 of the 32,844 LSOA 2011 areas"):
            read("iod2019_file1", path)
