"""The places.yaml schema: every key and local kind declared once, checked before a place resolves."""
from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

import ccdata
from ccdata import config
from ccdata.errors import CcdataError, PlaceError
from ccdata.geo import placeschema
from ccdata.geo.adhoc import adhoc_definition
from ccdata.geo.places import definitions
from ccdata.io.local import kinds

ROOT = Path(__file__).resolve().parents[2]
GOOD = """
  name: Odd
  collection: demo
  local_authority: {code: E06900001}
  footprint: {wards: {vintage: 2024, codes: [E05900001]}}
"""


def _place_error(tmp_path, monkeypatch, extra: str, place_id: str = "odd") -> str:
    """The PlaceError of resolving a place written as GOOD plus ``extra`` lines."""
    path = tmp_path / "places.yaml"
    path.write_text(f"{place_id}:{GOOD}{extra}", encoding="utf-8")
    monkeypatch.setenv("CCDATA_PLACES", str(path))
    with pytest.raises(PlaceError) as info:
        ccdata.place(place_id)
    message = str(info.value)
    assert f"place {place_id!r} in {path}" in message and "\n" not in message
    return message


def test_a_misspelt_key_is_named_with_the_place_and_the_nearest_key(tmp_path, monkeypatch):
    message = _place_error(tmp_path, monkeypatch, "  locl: {assets: raw/local/assets.csv}\n")
    assert "unknown key 'locl' (did you mean 'local'?)" in message
    assert "known: name, collection, fictional" in message
    message = _place_error(tmp_path, monkeypatch, "  colour: blue\n")
    assert "unknown key 'colour'; known:" in message


def test_an_unknown_local_kind_is_named_with_the_nearest_kind(tmp_path, monkeypatch):
    message = _place_error(tmp_path, monkeypatch, "  local: {asset: raw/local/assets.csv}\n")
    assert "unknown local file kind 'asset' (did you mean 'assets'?)" in message
    assert ", ".join(kinds.LOCAL_KINDS) in message


@pytest.mark.parametrize("extra, expected", [
    ("  local: {assets: 3}\n", "local assets must be the path of a file, not int 3"),
    ("  local: {pupils: [a.csv, b.csv]}\n", "local pupils must be the path of a file or folder, not list"),
    ("  local: [raw/local/assets.csv]\n", "local must be a mapping of keys to values, e.g. {assets:"),
    ("  fictional: maybe\n", "fictional must be true or false, not str 'maybe'"),
    ("  census: {ts003: 12}\n", "census ts003 must be the path of a file or folder, not int 12"),
    ("  targets: [eyfs_gld]\n", "targets must be a mapping of keys to values"),
    ("  baseline: true\n", "baseline must be text or whole number or mapping, not bool True"),
])
def test_values_of_the_wrong_type_are_named(tmp_path, monkeypatch, extra, expected):
    assert expected in _place_error(tmp_path, monkeypatch, extra)


def test_required_keys_and_the_authoritys_keys(tmp_path, monkeypatch):
    path = tmp_path / "places.yaml"
    path.write_text(f"odd:{GOOD}".replace("{code: E06900001}", "{cod: E06900001}"), encoding="utf-8")
    monkeypatch.setenv("CCDATA_PLACES", str(path))
    with pytest.raises(PlaceError, match="unknown local_authority key 'cod' \\(did you mean 'code'\\?\\)"):
        ccdata.place("odd")
    path.write_text("odd:\n  name: 12\n  footprint:\n  local_authority: {code: E06900001}\n", encoding="utf-8")
    with pytest.raises(PlaceError, match=f"place 'odd' in {path} lacks footprint$"):
        ccdata.place("odd")
    path.write_text(f"odd:{GOOD}  description: 2024\n".replace("name: Odd", "name: 12"), encoding="utf-8")
    with pytest.raises(PlaceError, match="name must be text, not int 12"):
        ccdata.place("odd")


def test_empty_optional_keys_count_as_absent():
    checked = placeschema.check_definition("odd", {"name": "Odd", "local_authority": {"code": "E06900001"},
                                                   "footprint": {"lsoas": {}}, "description": None,
                                                   "local": None})
    assert "description" not in checked and "local" not in checked
    assert checked["name"] == "Odd"


def test_every_shipped_and_adhoc_definition_passes_unchanged():
    for place_id, definition in definitions().items():
        assert placeschema.check_definition(place_id, definition) == definition, place_id
    geo = pd.DataFrame({"lsoa21_code": ["E01000001"], "ward24_code": ["E05000001"], "ward24_name": ["Ward"],
                        "lad24_code": ["E06000001"], "lad24_name": ["Town"]})
    for place_id in ("la-e06000001", "ward24-e05000001"):
        definition = adhoc_definition(place_id, geo)
        assert placeschema.check_definition(place_id, definition) == definition


def test_every_local_kind_names_a_reader_of_io_local():
    assert [k for k, v in kinds.LOCAL_KINDS.items() if v.folder] == ["pupils"]
    for name, kind in kinds.LOCAL_KINDS.items():
        assert kind.name == name and kind.reader.__module__.startswith("ccdata.io.local."), name
    # the views read these through Place.local_path; every kind they ask for is declared
    asked = set()
    for path in (ROOT / "ccdata").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "local_path" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                asked.add(node.args[0].value)
    assert asked and asked <= set(kinds.LOCAL_KINDS)


def test_a_kind_declared_twice_is_refused_naming_both_readers():
    twin = kinds.LocalKind("assets", "another asset list", len)
    with pytest.raises(CcdataError, match="'assets' is declared twice: read by "
                                          "ccdata.io.local.assets.load_asset_list and builtins.len"):
        kinds.assemble(tuple(kinds.LOCAL_KINDS.values()) + (twin,))
    with pytest.raises(CcdataError, match="must be a LocalKind"):
        kinds.assemble(("assets",))
    with pytest.raises(ValueError, match="lower case"):
        kinds.LocalKind("Assets", "x", len)
    with pytest.raises(TypeError, match="reader must be callable"):
        kinds.LocalKind("assets", "x", "load_asset_list")


def test_the_contracts_doc_carries_the_schema_as_declared():
    doc = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    start, end = "<!-- places.yaml schema: placeschema.markdown() -->\n", "<!-- end of the places.yaml schema -->"
    assert start in doc and end in doc
    written = doc.split(start, 1)[1].split(end, 1)[0]
    assert written == placeschema.markdown(), "regenerate the section from ccdata.geo.placeschema.markdown()"
    for name in kinds.LOCAL_KINDS:
        assert f"| `{name}` |" in written
    for key in placeschema.PLACE_KEYS:
        assert f"| `{key.name}` |" in written
    assert config.places_file().exists()


def test_the_shipped_places_file_tells_every_local_kind():
    # the comment at the top of places.yaml is what an adviser reads while editing it
    header = "\n".join(line for line in config.resource("places.yaml").read_text(encoding="utf-8").splitlines()
                       if line.startswith("#"))
    missing = [name for name in kinds.LOCAL_KINDS if name not in header]
    assert not missing, f"places.yaml's comment does not name the local kind(s) {missing}"


def test_a_key_that_is_not_text_is_named_before_the_place_is_hashed(tmp_path, monkeypatch):
    # YAML reads `1:` as a number: the place cache's key (a sorted JSON dump) used to fail
    # on it with a TypeError traceback before any check could name it
    from ccdata.geo import placecache

    path = tmp_path / "places.yaml"
    monkeypatch.setenv("CCDATA_PLACES", str(path))
    for extra, expected in (("  1: 2\n", "the key 1 must be text, not int"),
                            ("  census: {ts003: a.csv, 2021: b.csv}\n", "the key 2021 under census must be text"),
                            ("  local: {assets: a.csv}\n  targets: {gld: {2027: 70}}\n",
                             "the key 2027 under targets gld must be text")):
        path.write_text(f"odd:{GOOD}{extra}", encoding="utf-8")
        with pytest.raises(PlaceError, match=expected):
            placecache.cache_key("odd")
        with pytest.raises(PlaceError, match=expected):
            ccdata.place("odd")
    path.write_text(f"odd:{GOOD}  local: {{asset: a.csv}}\n", encoding="utf-8")
    with pytest.raises(PlaceError, match="unknown local file kind 'asset'"):
        placecache.cache_key("odd")
