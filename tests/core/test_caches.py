"""Per-process caches (ccdata.cache: postcode areas, processed tables, per-place results, pure
functions): a cached read gives what an uncached read gives, whatever was read before it, a
replaced file is read again, a changed place is made again, and one clear() empties them all."""
from __future__ import annotations

import os
import warnings

import pandas as pd
import pytest

from ccdata import cache
from ccdata.geo import build, geocode
from ccdata.io import postcodes
from helpers.geocoding import X0, Y0, make_codepoint_zip

A = [("DM1 1AA", 10, X0 + 500, Y0 + 500, "E06900001", "E05900001"),
     ("DM1 1AB", 10, X0 + 1500, Y0 + 500, "E06900001", "E05900001")]
B = [("ZZ9 9ZZ", 10, 100, 200, "E06900002", "E05900009")]


@pytest.fixture
def zip_path(tmp_path):
    cache.clear()
    yield make_codepoint_zip(tmp_path / "codepo_gb.zip", {"dm": A, "zz": B})
    cache.clear()


def _uncached(path, areas):
    cache.clear()
    frame = postcodes.read_areas(path, areas)
    cache.clear()
    return frame


def test_areas_read_a_b_a_equal_uncached_reads(zip_path):
    expected = {a: _uncached(zip_path, {a}) for a in ("DM", "ZZ")}
    assert list(expected["DM"]["postcode"]) == ["DM1 1AA", "DM1 1AB"]  # from the rows written above
    assert list(expected["ZZ"]["easting"]) == [100]
    for area in ("DM", "ZZ", "DM"):
        got = postcodes.read_areas(zip_path, {area})
        pd.testing.assert_frame_equal(got, expected[area])
        assert got.attrs["areas_read"] == [area]
    both = postcodes.read_areas(zip_path, {"DM", "ZZ"})  # both from the cache, in area order
    assert list(both["postcode"]) == ["DM1 1AA", "DM1 1AB", "ZZ9 9ZZ"]
    got = postcodes.read_areas(zip_path, {"DM"})
    got.loc[0, "easting"] = -1  # a caller's change never reaches the next reader
    assert postcodes.read_areas(zip_path, {"DM"}).loc[0, "easting"] == X0 + 500


def test_a_replaced_file_is_read_again(zip_path):
    first = geocode.postcode_points(pd.Series(["DM1 1AA"]), "demo", source=zip_path)
    assert first.at[0, "easting"] == X0 + 500
    stat = os.stat(zip_path)
    make_codepoint_zip(zip_path, {"dm": [("DM1 1AA", 10, X0 + 7, Y0 + 7, "E06900001", "E05900001")]})
    os.utime(zip_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later file time
    again = geocode.postcode_points(pd.Series(["DM1 1AA"]), "demo", source=zip_path)
    assert again.at[0, "easting"] == X0 + 7


def test_postcode_points_by_hash_lookup_match_by_hand(zip_path):
    typed = pd.Series(["zz99zz", "DM1 1AB", "DM1 1AC", "nonsense", None], index=[5, 3, 9, 1, 0])
    out = geocode.postcode_points(typed, "demo", source=zip_path)
    assert list(out.index) == [5, 3, 9, 1, 0]
    assert list(out["status"]) == ["ok", "ok", "not found", "malformed", "malformed"]
    assert out.at[5, "easting"] == 100 and out.at[5, "northing"] == 200
    assert out.at[3, "easting"] == X0 + 1500 and out.at[3, "northing"] == Y0 + 500
    assert out[["easting", "northing"]].loc[[9, 1, 0]].isna().all().all()


def test_area_cache_is_bounded_by_rows(zip_path, monkeypatch):
    monkeypatch.setitem(cache.LIMITS, "postcode areas", 2)
    read = []
    original = postcodes._read_member
    monkeypatch.setattr(postcodes, "_read_member", lambda path, member: read.append(member) or original(path, member))
    postcodes.read_areas(zip_path, {"DM"})
    postcodes.read_areas(zip_path, {"DM"})
    assert read == ["Data/CSV/dm.csv"]  # held: read once
    postcodes.read_areas(zip_path, {"ZZ"})  # 2 + 1 rows > 2: the older area is dropped
    assert cache.info()["postcode areas"] == {"entries": 1, "weight": 1, "limit": 2}
    postcodes.read_areas(zip_path, {"ZZ"})
    postcodes.read_areas(zip_path, {"DM"})
    assert read == ["Data/CSV/dm.csv", "Data/CSV/zz.csv", "Data/CSV/dm.csv"]


def test_processed_table_copy_is_the_callers_own(demo_data):
    first = build.table("lsoa21_geography", "demo")
    code = first.loc[0, "lsoa21_code"]
    first.loc[0, "lsoa21_code"] = "changed"
    first.attrs["table"] = "changed"
    again = build.table("lsoa21_geography", "demo")
    assert again.loc[0, "lsoa21_code"] == code and again.attrs["table"] == "lsoa21_geography"


def test_place_remembers_and_recomputes_a_changed_place(demo_data):
    import pickle

    import ccdata
    from ccdata.analysis import child_poverty, indicators

    place = ccdata.place("demo")
    calls = []

    def make():
        calls.append(1)
        return pd.DataFrame({"x": [len(place.lsoa21)]})

    first = place.remembered("k", make)
    first.loc[0, "x"] = -1  # the caller's copy
    assert place.remembered("k", make).loc[0, "x"] == len(place.lsoa21) and len(calls) == 1
    place.lsoa21 = place.lsoa21[:-1]  # a changed footprint is computed again
    assert place.remembered("k", make).loc[0, "x"] == len(place.lsoa21) and len(calls) == 2
    copy = pickle.loads(pickle.dumps(place))
    assert not [k for k in copy.__dict__ if k.startswith("_")]  # a place carries no cache of its own

    # the remembered indicators equal a fresh computation, and another place gets its own
    a, b = ccdata.place("demo"), ccdata.place("demo-estate")
    once = indicators.compute(a)
    pd.testing.assert_frame_equal(indicators.compute(b), indicators._compute(b, indicators.definitions()))
    pd.testing.assert_frame_equal(indicators.compute(a), once)
    pd.testing.assert_frame_equal(once, indicators._compute(ccdata.place("demo"), indicators.definitions()))
    fresh = child_poverty._for_place(ccdata.place("demo-estate"), child_poverty.RELATIVE_AHC)  # for_place's default
    for key, value in child_poverty.for_place(b).items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, fresh[key])
        else:
            assert value == fresh[key]


def test_derived_is_made_once_per_table_state_and_again_for_a_rewritten_table(demo_data_dir, tmp_path,
                                                                             use_data_dir):
    import shutil

    use_data_dir(shutil.copytree(demo_data_dir, tmp_path / "data"))
    calls = []

    def first_code(geo):
        calls.append(1)
        return geo["lsoa21_code"].iloc[0]

    code = build.table("lsoa21_geography", "demo")["lsoa21_code"].iloc[0]
    assert build.derived("first code", ["lsoa21_geography"], "demo", first_code) == code
    assert build.derived("first code", ("lsoa21_geography",), "demo", first_code) == code
    assert len(calls) == 1
    path = build._paths("lsoa21_geography", "demo")[0]
    frame = pd.read_parquet(path)
    frame.loc[0, "lsoa21_code"] = "E01999999"
    stat = os.stat(path)
    frame.to_parquet(path, index=False)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later file time
    assert build.derived("first code", "lsoa21_geography", "demo", first_code) == "E01999999"
    assert len(calls) == 2
    with pytest.raises(ValueError, match="non-empty"):
        build.derived("", ["lsoa21_geography"], "demo", first_code)
    with pytest.raises(ValueError, match="names of the processed tables"):
        build.derived("x", [], "demo", first_code)
    with pytest.raises(TypeError, match="callable"):
        build.derived("x", ["lsoa21_geography"], "demo", "not a function")


def test_progress_figures_are_kept_per_place_and_made_again_when_its_own_file_changes(demo_data_dir, tmp_path,
                                                                                    use_data_dir, monkeypatch):
    """The progress page and the annual report of one run share one computation; an edited
    outcomes file (one of the place's own files) is read again, and a lambda is never a key."""
    import shutil

    from ccdata.analysis import progress
    from ccdata.geo.placecache import resolve

    data = use_data_dir(shutil.copytree(demo_data_dir, tmp_path / "data"))
    made = []
    real = progress._for_place
    monkeypatch.setattr(progress, "_for_place", lambda *args: made.append(1) or real(*args))

    def eyfs_2020_21(found):  # the first ward's share in 2020/21
        s = found.series
        return float(s[(s["measure"] == "eyfs_gld") & (s["area"] == "E05900001") & (s["period"] == "2020/21")]
                     ["value"].iloc[0])

    place = resolve("demo")
    first = progress.for_place(place)
    again = progress.for_place(resolve("demo"))
    assert len(made) == 1
    pd.testing.assert_frame_equal(first.changes, again.changes)
    again.changes.loc[:, "verdict"] = "changed by the caller"
    assert (progress.for_place(place).changes["verdict"] != "changed by the caller").all()  # a copy each time
    assert len(made) == 1
    outcomes = data / "raw" / "demo" / "local" / "outcomes.csv"
    text = outcomes.read_text(encoding="utf-8")
    assert "eyfs_gld,2020/21,ward,E05900001,57,110," in text and "eyfs_gld,2020/21,place,,179,345," in text
    text = text.replace("eyfs_gld,2020/21,ward,E05900001,57,110,", "eyfs_gld,2020/21,ward,E05900001,97,110,")
    outcomes.write_text(text.replace("eyfs_gld,2020/21,place,,179,345,", "eyfs_gld,2020/21,place,,219,345,"),
                        encoding="utf-8")  # 40 more children in the first ward, and so in the place
    edited = progress.for_place(place)
    assert len(made) == 2
    assert eyfs_2020_21(first) < 55 and eyfs_2020_21(edited) > 80
    progress.for_place(place, wave_names=lambda waves: {w: str(w) for w in waves})
    progress.for_place(place, wave_names=lambda waves: {w: str(w) for w in waves})
    assert len(made) == 4


def test_names_for_codes_are_the_callers_own(demo_data):
    import ccdata
    from ccdata.views import common

    place = ccdata.place("demo")
    geo = build.table("lsoa21_geography", "demo")
    names = common.lsoa21_names(place)
    assert names == dict(zip(geo["lsoa21_code"], geo["lsoa21_name"]))
    names.clear()
    assert len(common.lsoa21_names(place)) == geo["lsoa21_code"].nunique()


def test_remembered_values_are_copies_that_callers_may_change():
    frame = pd.DataFrame({"x": [1, 2]})
    frame.attrs["notes"] = {"a": [1]}
    value = {"frame": frame, "rows": [frame["x"], "text"], "pair": (1, {"k": [2]})}
    out = cache.copied(value)
    out["frame"].loc[0, "x"] = 9
    out["frame"].attrs["notes"]["a"].append(2)
    out["rows"][0].iloc[1] = 7
    out["pair"][1]["k"].append(3)
    assert frame["x"].tolist() == [1, 2] and frame.attrs["notes"] == {"a": [1]}
    assert value["pair"] == (1, {"k": [2]}) and value["rows"][1] == "text"


def test_indicator_totals_of_plain_values_match_column_sums():
    import numpy as np

    from ccdata.analysis.indicators import _plain_total

    assert _plain_total([1, 2, 3]) == 6.0
    assert _plain_total([2**53, 1]) == float(2**53 + 1)  # whole numbers are added exactly first
    assert np.isnan(_plain_total([1, pd.NA])) and np.isnan(_plain_total([1.5, float("nan")]))
    floats = [0.1, 0.2, 0.3, 1e16, -1e16, 0.7, 1 / 3, 2 / 3, 5.5]
    assert _plain_total(floats) == float(pd.Series(floats, dtype="float64").sum())
    assert _plain_total([1, 0.5]) == 1.5


def test_comparator_codes_sorted_per_authority_and_england_only():
    from ccdata.geo.places import _comparator_codes

    geo = pd.DataFrame({"lsoa21_code": ["E01000003", "W01000001", "E01000001", "E01000002", "E01000009"],
                        "lad24_code": ["E08000001", "W06000001", "E08000001", "E08000002", None]})
    by_lad, england = _comparator_codes(geo)
    assert by_lad == {"E08000001": ("E01000001", "E01000003"), "W06000001": ("W01000001",),
                      "E08000002": ("E01000002",)}
    assert england == ("E01000001", "E01000002", "E01000003", "E01000009")


def test_postcode_area_of_a_typed_postcode():
    from ccdata.analysis.assets import _postcode_area_of

    assert _postcode_area_of(" ne286ab ") == "NE" and _postcode_area_of("b1 1aa") == "B"
    assert _postcode_area_of("nonsense") is None and _postcode_area_of("") is None


# --------------------------------------------------------------------------- ccdata.cache itself
def test_an_entry_is_handed_out_only_for_its_state_and_a_new_state_replaces_it():
    cache.clear()
    calls = []

    def make(value):
        return lambda: calls.append(value) or value

    assert cache.held("derived", "k", ("state", 1), make("a")) == "a"
    assert cache.held("derived", "k", ("state", 1), make("b")) == "a" and calls == ["a"]
    assert cache.held("derived", "k", ("state", 2), make("c")) == "c"  # another state: made again
    assert cache.get("derived", "k", ("state", 1)) is cache.MISSING  # the older state is gone
    assert cache.info()["derived"]["entries"] == 1

    def fails():
        raise KeyError("nothing made")

    with pytest.raises(KeyError):
        cache.held("derived", "other", (), fails)
    assert cache.get("derived", "other", ()) is cache.MISSING  # nothing held for a failure
    with pytest.raises(ValueError, match="unknown cache store 'nowhere'"):
        cache.held("nowhere", "k", (), make("d"))
    with pytest.raises(TypeError, match="callable"):
        cache.held("derived", "k", (), "not a function")
    with pytest.raises(ValueError, match="weight"):
        cache.put("postcode areas", "k", (), "v", weight=-1)
    with pytest.raises(TypeError, match="file paths"):
        cache.fingerprint(3)
    cache.clear()


def test_a_store_over_its_limit_drops_the_entry_used_longest_ago(monkeypatch):
    cache.clear()
    monkeypatch.setitem(cache.LIMITS, "derived", 2)
    for key in ("a", "b"):
        cache.put("derived", key, (), key)
    assert cache.get("derived", "a", ()) == "a"  # used: "b" is now the oldest
    cache.put("derived", "c", (), "c")
    assert cache.get("derived", "b", ()) is cache.MISSING
    assert cache.get("derived", "a", ()) == "a" and cache.get("derived", "c", ()) == "c"
    monkeypatch.setitem(cache.LIMITS, "postcode areas", 10)
    cache.put("postcode areas", "big", (), "rows", weight=25)  # the newest stays, however large
    assert cache.get("postcode areas", "big", ()) == "rows"
    cache.put("postcode areas", "small", (), "rows", weight=3)
    assert cache.get("postcode areas", "big", ()) is cache.MISSING
    cache.clear()


def test_a_fingerprint_changes_with_each_write_of_the_file(tmp_path):
    from ccdata.files import atomic_write_bytes

    path = tmp_path / "t.bin"
    atomic_write_bytes(path, b"one")
    before = cache.fingerprint(path)
    stat = os.stat(path)
    atomic_write_bytes(path, b"two")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same file time
    assert cache.fingerprint(path) != before
    assert cache.fingerprint(tmp_path / "absent") == ((str(tmp_path / "absent"), None),)


def _rewrite_keeping_size_and_time(path, change, *, through_files: bool):
    """Write a changed copy of a Parquet table over ``path`` and give it back the old file time."""
    stat = os.stat(path)
    frame = pd.read_parquet(path)
    change(frame)
    if through_files:  # as ccdata's build writes (this process's own write)
        from ccdata.files import atomic_path

        with atomic_path(path) as tmp:
            frame.to_parquet(tmp, index=False)
    else:  # as another process would: a new file renamed over the old one
        tmp = path.with_name(path.name + ".other")
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.mark.parametrize("through_files", [True, False], ids=["this-process", "another-process"])
def test_a_rewritten_table_is_never_served_stale(demo_data_dir, tmp_path, use_data_dir, through_files):
    import shutil

    use_data_dir(shutil.copytree(demo_data_dir, tmp_path / "data"))
    first = build.table("lsoa21_geography", "demo")
    one, two = first.loc[0, "lsoa21_code"], first.loc[1, "lsoa21_code"]
    assert one != two
    assert build.derived("first code", ["lsoa21_geography"], "demo", lambda geo: geo["lsoa21_code"].iloc[0]) == one
    path = build._paths("lsoa21_geography", "demo")[0]
    size = os.stat(path).st_size

    def change(frame):  # two codes swapped: the same values, so the file keeps its size
        frame.loc[[0, 1], "lsoa21_code"] = [two, one]

    _rewrite_keeping_size_and_time(path, change, through_files=through_files)
    assert os.stat(path).st_size == size  # only the file's identity or this process's write tells
    assert build.table("lsoa21_geography", "demo").loc[0, "lsoa21_code"] == two
    assert build.derived("first code", ["lsoa21_geography"], "demo",
                         lambda geo: geo["lsoa21_code"].iloc[0]) == two


def test_a_table_of_another_data_folder_is_its_own(demo_data_dir, tmp_path, use_data_dir):
    import shutil

    copy = shutil.copytree(demo_data_dir, tmp_path / "data")  # the same file times and sizes
    path = copy / "processed" / "demo" / "lsoa21_geography.parquet"
    assert path.exists()

    def change(frame):
        frame.loc[0, "lsoa21_code"] = "E01999999"

    use_data_dir(demo_data_dir)
    original = build.table("lsoa21_geography", "demo").loc[0, "lsoa21_code"]
    stat = os.stat(path)
    frame = pd.read_parquet(path)
    change(frame)
    frame.to_parquet(path, index=False)  # in place, as another program could
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    use_data_dir(copy)
    assert build.table("lsoa21_geography", "demo").loc[0, "lsoa21_code"] == "E01999999"
    use_data_dir(demo_data_dir)
    assert build.table("lsoa21_geography", "demo").loc[0, "lsoa21_code"] == original


def _places_yaml(path, **names):
    """places.yaml with the two demo places of the package, their names changed as given."""
    import yaml

    from ccdata import config

    defs = yaml.safe_load(config.resource("places.yaml").read_text(encoding="utf-8"))
    chosen = {pid: dict(defs[pid], **({"name": names[pid]} if pid in names else {}))
              for pid in ("demo", "demo-estate")}
    path.write_text(yaml.safe_dump(chosen), encoding="utf-8")
    return path


def test_a_changed_place_definition_invalidates_that_place_only(demo_data, tmp_path, monkeypatch):
    from ccdata.geo import placecache

    monkeypatch.setenv("CCDATA_PLACES", str(_places_yaml(tmp_path / "places.yaml", demo="First name")))
    cache.clear()
    calls = []

    def figure(place):
        def make():
            calls.append(place.id)
            return place.name
        return place.remembered("name", make)

    assert figure(placecache.resolve("demo")) == "First name"
    assert figure(placecache.resolve("demo-estate")) == placecache.resolve("demo-estate").name
    assert figure(placecache.resolve("demo")) == "First name" and calls == ["demo", "demo-estate"]
    monkeypatch.setitem(cache.LIMITS, "places", 3)  # room for the older demo too: nothing is dropped for room
    _places_yaml(tmp_path / "places.yaml", demo="Second name")
    assert placecache.resolve("demo").name == "Second name"
    assert figure(placecache.resolve("demo")) == "Second name"
    figure(placecache.resolve("demo-estate"))  # its entry did not change: still held
    assert calls == ["demo", "demo-estate", "demo"]
    cache.clear()


def test_clear_empties_every_data_store_and_every_registered_pure_cache(demo_data, zip_path):
    import importlib
    import pkgutil

    import ccdata
    from ccdata.analysis import assets, network
    from ccdata.geo import placecache
    from ccdata.present import charts, labstyle, mapscript, pages
    from ccdata.provenance import git_hash

    for module in pkgutil.walk_packages(ccdata.__path__, "ccdata."):
        importlib.import_module(module.name)  # every pure cache is registered
    cache.clear()

    @cache.pure("single")
    def made_here():
        return object()

    assert made_here in cache.registered()
    place = placecache.resolve("demo")
    place.remembered("k", lambda: 1)
    place.comparators  # noqa: B018  (held in the derived store)
    postcodes.read_areas(zip_path, {"DM"})
    postcodes.area_bounds(zip_path)
    place.census("ts007a", area="all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        network.graph(network.load_network(place))
    pages.environment(), mapscript._script_class(), labstyle.style_for('<p class="ccdata-note">x</p>')
    charts._measurer(), git_hash(), assets._postcode_area_of("NE1 1AA"), made_here()
    held = cache.info()
    empty_stores = [s for s in cache.STORES if not held[s]["entries"]]
    assert not empty_stores, f"nothing was held in {empty_stores}: the test would prove nothing"
    used = [f for f in cache.registered() if f.cache_info().currsize]
    assert len(used) >= 8
    cache.clear()
    assert all(cache.info()[s]["entries"] == 0 for s in cache.STORES)
    assert [f"{f.__module__}.{f.__qualname__}" for f in cache.registered() if f.cache_info().currsize] == []


def test_no_lru_cache_in_ccdata_escapes_the_registry():
    import ast
    import importlib
    import inspect
    import pkgutil
    from pathlib import Path

    import ccdata

    root = Path(ccdata.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if path == root / "cache.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "functools":
                names = [node.attr]
            elif isinstance(node, ast.ImportFrom) and node.module == "functools":
                names = [a.name for a in node.names]
            found += [f"{path.relative_to(root)}:{node.lineno} functools.{n}" for n in names
                      if n in ("lru_cache", "cache", "cached_property")]
    assert not found, f"use ccdata.cache.pure (registered, emptied by clear()) instead: {found}"

    # and at run time: every function with an lru_cache's interface is a registered one
    registered = set(map(id, cache.registered()))
    loose = []
    for module in pkgutil.walk_packages(ccdata.__path__, "ccdata."):
        mod = importlib.import_module(module.name)
        for name, value in vars(mod).items():
            members = [value] + ([v for v in vars(value).values()] if inspect.isclass(value) else [])
            loose += [f"{module.name}.{name}" for v in members
                      if hasattr(v, "cache_clear") and hasattr(v, "cache_info") and id(v) not in registered
                      and getattr(v, "__module__", "").startswith("ccdata")]
    assert not loose, loose


def test_pure_caches_take_their_size_from_the_limits():
    with pytest.raises(ValueError, match="pure caches are limited by one of"):
        cache.pure("tables")
    with pytest.raises(ValueError, match="not 'huge'"):
        cache.pure("huge")
    from ccdata.present import labstyle

    assert labstyle._style_tag.cache_info().maxsize == cache.LIMITS["block styles"]


def test_clear_of_named_stores_leaves_the_others():
    cache.clear()
    cache.put("tables", "t", (), "table")
    cache.put("places", "p", (), "place")
    with pytest.raises(ValueError, match="unknown cache store"):
        cache.clear("places", "nowhere")
    assert cache.get("places", "p", ()) == "place"  # nothing emptied for a wrong name
    cache.clear("places")
    assert cache.get("places", "p", ()) is cache.MISSING and cache.get("tables", "t", ()) == "table"
    cache.clear()
    assert cache.get("tables", "t", ()) is cache.MISSING
