"""Hostile configuration: YAML bombs, deep nesting, bad YAML, unsafe place ids, output paths."""
from __future__ import annotations

import time

import pytest

from ccdata.errors import BatchError, CcdataError, OutputPathError, PlaceError
from ccdata.geo import footprint, places
from ccdata.io import yamlfile
from ccdata.run import batchparams, folders

BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_yaml_bomb_refused_before_expansion(tmp_path, monkeypatch):
    path = tmp_path / "places.yaml"
    path.write_text(BOMB)
    started = time.perf_counter()
    with pytest.raises(yamlfile.YamlError) as info:
        yamlfile.load(path)
    assert time.perf_counter() - started < 2
    assert ", line " in str(info.value) and "aliases" in str(info.value)
    assert len(str(info.value)) < 300
    monkeypatch.setenv("CCDATA_PLACES", str(path))
    with pytest.raises(CcdataError, match="anchors and aliases"):
        places.definitions()


def test_deep_nesting_and_invalid_yaml_are_clean_errors(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 5000 + "]" * 5000)
    with pytest.raises(yamlfile.YamlError, match="nests deeper than 40"):
        yamlfile.load(deep)
    bad = tmp_path / "bad.yaml"
    bad.write_text("demo:\n  name: Demoton\n  footprint: [unclosed\n  other: 1\n")
    with pytest.raises(yamlfile.YamlError) as info:
        yamlfile.load(bad)
    assert str(bad) in str(info.value) and ", line " in str(info.value)
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "a" * 2_000_001)
    with pytest.raises(yamlfile.YamlError, match="limit"):
        yamlfile.load(big)
    with pytest.raises(yamlfile.YamlError, match="cannot be read"):
        yamlfile.load(tmp_path / "absent.yaml")
    ok = tmp_path / "ok.yaml"
    ok.write_text("a: &x {b: [1, 2]}\nc: *x\n")        # a shared value, as yaml.safe_dump writes it
    assert yamlfile.load(ok) == {"a": {"b": [1, 2]}, "c": {"b": [1, 2]}}


def test_batch_parameter_file_bomb(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text(BOMB)
    with pytest.raises(BatchError, match="alias"):
        batchparams.load_parameters(path)


@pytest.mark.parametrize("bad", ["..", "../../x", "/abs", "a/b", "", "-x", "A", "x y", ".", "a\\b", "é"])
def test_unsafe_place_ids_refused(bad, tmp_path):
    with pytest.raises(PlaceError, match="not a valid place id"):
        places.check_place_id(bad)
    with pytest.raises(PlaceError):
        folders.place_folder(tmp_path / "out", bad)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_place_ids_in_the_file_are_checked(tmp_path, monkeypatch):
    path = tmp_path / "places.yaml"
    path.write_text("'../up':\n  name: X\n")
    monkeypatch.setenv("CCDATA_PLACES", str(path))
    with pytest.raises(PlaceError, match="'../up'"):
        places.definitions()
    with pytest.raises(PlaceError, match="not a valid place id"):
        places.place("../up")


def test_output_paths_stay_under_out(tmp_path):
    out = tmp_path / "out"
    assert folders.place_folder(out, "north-demoton") == (out / "north-demoton").resolve()
    with pytest.raises(OutputPathError, match="outside the output folder"):
        folders.inside(out, out / ".." / "index.html")
    # a symbolic link inside --out pointing elsewhere is refused too
    (tmp_path / "elsewhere").mkdir()
    (out / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutputPathError):
        folders.inside(out, out / "link" / "index.html")


@pytest.mark.parametrize("where", ["/dev/null/out", "/proc/ccdata-out"])
def test_out_under_dev_null_or_proc(where):
    with pytest.raises(OutputPathError, match="choose another --out"):
        folders.make_folder(where)


# ------------------------------------------------------------------ former tracebacks, now clean
def test_bad_polygon_and_unknown_crs_are_place_errors():
    bowtie = {"coordinates": [[0, 0], [1, 1], [1, 0], [0, 1]], "crs": 27700}
    with pytest.raises(PlaceError, match="not a valid shape"):
        footprint._lsoas_for_polygon("x", bowtie, "demo")
    square = {"coordinates": [[0, 0], [0, 1], [1, 1], [1, 0]], "crs": 999999}
    with pytest.raises(PlaceError, match="not a known coordinate reference system"):
        footprint._lsoas_for_polygon("x", square, "demo")


@pytest.mark.parametrize("case", ["bomb", "invalid", "deep", "traversal"])
def test_cli_gives_one_clean_line_and_exit_code_2(case, tmp_path, monkeypatch, capsys):
    from ccdata import cli

    path = tmp_path / "places.yaml"
    path.write_text({"bomb": BOMB, "invalid": "demo: [unclosed\n", "deep": "[" * 3000 + "]" * 3000,
                     "traversal": "demo:\n  name: Demo\n"}[case])
    monkeypatch.setenv("CCDATA_PLACES", str(path))
    place_id = "../../x" if case == "traversal" else "demo"
    code = cli.main(["report", place_id, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("ccdata: error:") and "Traceback" not in err and len(err) < 400
    assert not (tmp_path / "x").exists()
