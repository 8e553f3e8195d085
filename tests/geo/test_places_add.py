"""Places without editing YAML: authorities and wards on the command line, `ccdata places add`."""
from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

from ccdata import cli, config
from ccdata.errors import DataQualityWarning, InputError, PlaceError
from ccdata.geo.adhoc import adhoc_definition, is_adhoc, place_id_for
from ccdata.geo.newplace import Footprint, append_place, definition_text, read_postcode_file

POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")


@pytest.mark.parametrize("given, expected", [
    ("la:E08000008", "la-e08000008"), ("LA:e06000001", "la-e06000001"),
    ("ward24:E05013914", "ward24-e05013914"), ("wallsend", "wallsend"), (" la:E09000012 ", "la-e09000012"),
])
def test_command_line_places_become_place_ids(given, expected):
    assert place_id_for(given) == expected
    assert is_adhoc(expected) == expected.startswith(("la-", "ward24-"))


@pytest.mark.parametrize("given", ["la:E05013914", "ward24:E08000008", "la:E0800000", "la:", "ward24:X05013914"])
def test_malformed_command_line_places_are_refused(given):
    with pytest.raises(PlaceError):
        place_id_for(given)


GEO = pd.DataFrame({"lsoa21_code": ["E01000001", "E01000002", "E01000003"],
                    "ward24_code": ["E05000001", "E05000001", "E05000002"],
                    "ward24_name": ["North", "North", "South"],
                    "lad24_code": ["E06000001"] * 3, "lad24_name": ["Borough"] * 3})


def test_authority_and_ward_definitions_from_the_lookup():
    la = adhoc_definition("la-e06000001", GEO)
    assert la["footprint"] == {"lsoas": {"vintage": 2021, "codes": ["E01000001", "E01000002", "E01000003"]}}
    assert la["name"] == "All of Borough" and la["local_authority"]["code"] == "E06000001"
    ward = adhoc_definition("ward24-e05000001", GEO)
    assert ward["footprint"] == {"wards": {"vintage": 2024, "codes": ["E05000001"]}}
    assert ward["name"] == "North (Borough)"
    with pytest.raises(PlaceError, match="E05000009 is not a ward"):
        adhoc_definition("ward24-e05000009", GEO)
    with pytest.raises(PlaceError):
        adhoc_definition("wallsend", GEO)


def test_postcode_file_counts_are_checked(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Postcode,Count\nDM1 1AA,3\nDM1 1AB,\nDM1 1AC,2\n", encoding="utf-8")
    frame = read_postcode_file(path)
    assert list(frame.index) == [2, 3, 4] and list(frame["count"]) == [3, 1, 2]
    path.write_text("postcode,count\nDM1 1AA,3\nDM1 1AB,2.5\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"p.csv, row 3, column 'count'"):
        read_postcode_file(path)
    path.write_text("post code\nDM1 1AA\n", encoding="utf-8")
    with pytest.raises(InputError, match="column named 'postcode'"):
        read_postcode_file(path)


def _fp():
    return Footprint(lsoas=["E01000001", "E01000002"], lad_code="E06000001", lad_name="Borough", how="2 LSOA 2021 codes")


def test_append_keeps_the_file_text_and_refuses_an_existing_id(tmp_path):
    path = tmp_path / "places.yaml"
    original = "# our places\nfirst:  # the first one\n  name: First\n  local_authority: {code: E06000001}\n" \
               "  footprint: {lsoas: {vintage: 2021, codes: [E01000003]}}\n"
    path.write_text(original, encoding="utf-8")
    append_place("second", definition_text("second", "Second: \"quoted\" <b>", _fp()), path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(original)  # comments and order kept, byte for byte
    import yaml

    parsed = yaml.safe_load(text)
    assert list(parsed) == ["first", "second"]
    assert parsed["second"]["name"] == "Second: \"quoted\" <b>"
    assert parsed["second"]["footprint"]["lsoas"]["codes"] == ["E01000001", "E01000002"]
    with pytest.raises(PlaceError, match="already defined"):
        append_place("first", definition_text("first", "Again", _fp()), path)
    assert path.read_text(encoding="utf-8") == text


def test_the_packaged_place_file_is_never_changed(monkeypatch):
    monkeypatch.delenv("CCDATA_PLACES", raising=False)
    before = config.resource("places.yaml").read_bytes()
    with pytest.raises(PlaceError, match="CCDATA_PLACES"):
        append_place("new-one", definition_text("new-one", "New", _fp()))
    assert config.resource("places.yaml").read_bytes() == before


def test_a_bad_id_is_refused():
    with pytest.raises(PlaceError):
        definition_text("New Place", "New", _fp())


# ------------------------------------------------------------------------------------------ demo country
@pytest.mark.slow(reason="runs the assets notebook for the new place")
def test_200_fictional_postcodes_make_a_place_that_reports(demo_data, tmp_path, monkeypatch, capsys):
    from ccdata.geo.geocode import codepoint_path
    from ccdata.io.postcodes import read_areas

    demo = read_areas(codepoint_path("demo"))
    rows = demo["postcode"].sample(198, random_state=7, replace=len(demo) < 198).tolist()
    rows += ["hello world", "ZZ9 9ZZ"]  # rows 200 and 201 of the file: cannot be placed
    csv = tmp_path / "families.csv"
    pd.DataFrame({"postcode": rows}).to_csv(csv, index=False)
    places = tmp_path / "places.yaml"
    places.write_text("# our places\n", encoding="utf-8")
    monkeypatch.setenv("CCDATA_PLACES", str(places))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        code = cli.main(["places", "add", "demo-families", "--name", "Demoton families", "--postcodes", str(csv),
                         "--collection", "demo"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 rows could not be placed" in out and "rows 200, 201" in out
    assert "at least 80% of the located postcodes" in out and "of the 198 located" in out
    assert not POSTCODE.search(out), "the printout shows a postcode"
    assert "hello world" not in out and "ZZ9" not in out
    assert places.read_text(encoding="utf-8").startswith("# our places\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        assert cli.main(["-q", "report", "demo-families", "--out", str(tmp_path / "site"), "--views", "assets"]) == 0
    page = (tmp_path / "site" / "demo-families" / "assets.html").read_text(encoding="utf-8")
    assert "Demoton families" in page


# ------------------------------------------------------------------------------------------ real data
def test_postcodes_inside_wallsend_give_wallsends_neighbourhoods(official, tmp_path, monkeypatch, capsys):
    import ccdata
    from ccdata.geo import build
    from ccdata.geo.geocode import codepoint_path, locate
    from ccdata.io.postcodes import read_areas

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        wallsend = ccdata.place("wallsend")
        assert len(wallsend.lsoa21) == 27
        points = read_areas(codepoint_path(), {"NE"})
        inside = points[locate(points)["lsoa21_code"].isin(wallsend.lsoa21).to_numpy()]
    sample = inside.sample(400, random_state=3)
    csv = tmp_path / "wallsend.csv"
    pd.DataFrame({"postcode": sample["postcode"], "count": 1}).to_csv(csv, index=False)
    places = tmp_path / "places.yaml"
    monkeypatch.setenv("CCDATA_PLACES", str(places))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        assert cli.main(["places", "add", "wallsend-families", "--postcodes", str(csv)]) == 0
        made = ccdata.place("wallsend-families")
    out = capsys.readouterr().out
    ours = set(made.lsoa21) & set(wallsend.lsoa21)
    assert len(ours) / len(made.lsoa21) >= 0.9
    geo = build.table("lsoa21_geography", "official").set_index("lsoa21_code")
    assert set(geo.loc[made.lsoa21, "lad24_code"]) == {"E08000022"}  # none outside North Tyneside
    # both shares: the one asked for and the one the chosen neighbourhoods hold
    covered = re.search(r"at least 80% of the located postcodes; the (\d+) chosen hold ([\d.]+)% of the 400", out)
    assert covered and int(covered.group(1)) == len(made.lsoa21) and float(covered.group(2)) >= 80
    assert not POSTCODE.search(out)


def test_a_may_2024_ward_resolves_from_the_lookup(official):
    import ccdata
    from ccdata.geo import build

    geo = build.table("lsoa21_geography", "official")
    ward = geo[geo["lad24_code"] == "E08000022"].iloc[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        p = ccdata.place(place_id_for(f"ward24:{ward['ward24_code']}"))
    assert set(p.lsoa21) == set(geo.loc[geo["ward24_code"] == ward["ward24_code"], "lsoa21_code"])
    assert p.lad_code == "E08000022" and ward["ward24_name"] in p.name
