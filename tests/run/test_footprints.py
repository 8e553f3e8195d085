"""A place's footprint of record: an unchanged definition resolving differently is never published silently."""
from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
import yaml

from ccdata import cli
from ccdata.errors import OutputError
from ccdata.geo import build
from ccdata.geo.placecache import resolve
from ccdata.io.fetch import add_file
from ccdata.run import batch, footprints
from ccdata.run import report as report_mod

TWIN = "demo-twin"


@pytest.fixture
def two_places(demo_data, tmp_path, monkeypatch):
    """demo, and a twin of it (same definition) so a batch has a place that goes on."""
    from ccdata.geo.places import definitions

    demo = dict(definitions()["demo"])
    path = tmp_path / "places.yaml"
    path.write_text(yaml.safe_dump({"demo": demo, TWIN: {**demo, "name": "Demo twin"}}), encoding="utf-8")
    monkeypatch.setenv("CCDATA_PLACES", str(path))
    return path


def _drop_one(place):
    """The same place (same definition) resolved to one neighbourhood fewer, as a changed lookup would."""
    return dataclasses.replace(place, lsoa21=list(place.lsoa21)[1:])


def _residents(place) -> int:
    ts = build.table("census21_ts007a", place.collection)
    return int(ts.loc[ts["lsoa21_code"].isin(place.lsoa21), "total"].sum())


# --------------------------------------------------------------------------- the record and the check
def test_first_report_records_the_footprint(two_places, tmp_path):
    place = resolve("demo")
    result = footprints.check(place, tmp_path / "out")
    assert result.status == footprints.FIRST and not result.changed
    saved = json.loads((tmp_path / "out" / ".footprints" / "demo.json").read_text())
    assert saved["lsoa21"] == sorted(place.lsoa21) and saved["n_lsoas"] == len(place.lsoa21)
    # residents: the Census 2021 usual residents of exactly these LSOAs
    assert saved["population"] == _residents(place) > 0
    assert saved["definition_sha256"] == footprints.definition_hash(place)
    assert footprints.check(place, tmp_path / "out").status == footprints.SAME


def test_unchanged_definition_resolving_differently_is_a_change(two_places, tmp_path):
    place = resolve("demo")
    footprints.check(place, tmp_path)
    moved = _drop_one(place)
    result = footprints.check(moved, tmp_path)
    assert result.status == footprints.CHANGED and result.changed
    dropped = sorted(place.lsoa21)[0]
    text = result.describe()
    assert f"{len(place.lsoa21)} -> {len(place.lsoa21) - 1} neighbourhoods" in text
    assert f"removed {dropped}" in text
    assert f"residents {_residents(place):,} -> {_residents(moved):,}" in text
    assert "ccdata places accept demo" in result.message()
    # the record is left as it was: the old footprint stays the one of record
    assert footprints.recorded(tmp_path, "demo")["lsoa21"] == sorted(place.lsoa21)
    assert footprints.check(moved, tmp_path).changed


def test_same_lsoas_but_other_residents_is_a_change(two_places, tmp_path):
    place = resolve("demo")
    footprints.check(place, tmp_path)
    path = footprints.record_path(tmp_path, "demo")
    record = json.loads(path.read_text())
    record["population"] += 1000
    path.write_text(json.dumps(record))
    assert footprints.check(place, tmp_path).changed


def test_an_edited_definition_is_not_a_change(two_places, tmp_path):
    place = resolve("demo")
    footprints.check(place, tmp_path)
    definition = json.loads(json.dumps(place.definition))
    definition["footprint"]["wards"]["codes"] = definition["footprint"]["wards"]["codes"][:-1]
    edited = dataclasses.replace(_drop_one(place), definition=definition)
    result = footprints.check(edited, tmp_path)
    assert result.status == footprints.EDITED and not result.changed
    assert footprints.recorded(tmp_path, "demo")["lsoa21"] == sorted(edited.lsoa21)


def test_a_new_description_does_not_change_the_hash(two_places):
    place = resolve("demo")
    reworded = dataclasses.replace(place, definition={**place.definition, "description": "Other words."})
    assert footprints.definition_hash(reworded) == footprints.definition_hash(place)
    with pytest.raises(TypeError):
        footprints.definition_hash(object())


def test_accept_records_the_new_footprint(two_places, tmp_path):
    place = resolve("demo")
    footprints.check(place, tmp_path)
    moved = _drop_one(place)
    accepted = footprints.accept(moved, tmp_path)
    assert accepted.status == footprints.CHANGED
    saved = footprints.recorded(tmp_path, "demo")
    assert saved["lsoa21"] == sorted(moved.lsoa21) and saved["replaces"]["n_lsoas"] == len(place.lsoa21)
    assert footprints.check(moved, tmp_path).status == footprints.SAME


def test_a_damaged_record_is_a_clear_error(two_places, tmp_path):
    path = footprints.record_path(tmp_path, "demo")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(OutputError, match="demo.json"):
        footprints.check(resolve("demo"), tmp_path)
    with pytest.raises(ValueError):
        footprints.check(resolve("demo"), None)


# --------------------------------------------------------------------------- report and batch
def _plant_changed_record(out: Path, place_id: str = "demo") -> dict:
    """A record of the same definition with one more neighbourhood than it resolves to now."""
    record = footprints.record_for(resolve(place_id))
    record["lsoa21"] = sorted(record["lsoa21"] + ["E01900999"])
    path = footprints.record_path(out, place_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record))
    return record


def test_report_publishes_nothing_when_the_footprint_changed(two_places, tmp_path, capsys):
    out = tmp_path / "out"
    (out / "demo").mkdir(parents=True)
    old_page = out / "demo" / "dashboard.html"
    old_page.write_text("<p>last good page</p>")
    old_index = out / "demo" / "index.html"
    old_index.write_text("<p>last good index</p>")
    _plant_changed_record(out)
    code = cli.main(["-q", "report", "demo", "--out", str(out), "--views", "dashboard,assets"])
    assert code == 1
    err = " ".join(capsys.readouterr().err.split())  # the terminal output is wrapped
    assert "footprint of Demoton Children's Community (demo) changed" in err and "ccdata places accept demo" in err
    assert old_page.read_text() == "<p>last good page</p>"
    assert old_index.read_text() == "<p>last good index</p>"
    assert not (out / "demo" / "assets.html").exists()
    notes = (out / "demo" / "adviser-notes.html").read_text()
    assert "footprint" in notes and "E01900999" in notes


def test_report_result_lists_every_view_failed(two_places, tmp_path):
    out = tmp_path / "out"
    _plant_changed_record(out)
    result = report_mod.report("demo", out=out, views=["dashboard"])
    assert not result.ok
    assert [(v.view, v.status) for v in result.views] == [("dashboard", "failed")]


def test_places_accept_on_the_command_line(two_places, tmp_path, capsys):
    out = tmp_path / "out"
    _plant_changed_record(out)
    assert cli.main(["places", "accept", "demo", "--out", str(out)]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "new footprint accepted" in said and "removed E01900999" in said
    assert footprints.check(resolve("demo"), out).status == footprints.SAME


def _stand_in(task: batch.Task) -> batch.TaskResult:
    folder = Path(task.out_dir) / task.place_id
    folder.mkdir(parents=True, exist_ok=True)
    if task.view == batch.SUMMARIES:
        return batch.TaskResult(task.place_id, task.view, batch.OK, 0.0, 0)
    page = folder / f"{task.view}.html"
    page.write_text(f"<!DOCTYPE html><title>{task.view}</title><p>{task.place_id}</p>", encoding="utf-8")
    return batch.TaskResult(task.place_id, task.view, batch.OK, 0.0, page.stat().st_size)


def test_batch_marks_the_changed_place_failed_and_goes_on(two_places, tmp_path):
    out = tmp_path / "site"
    _plant_changed_record(out, TWIN)
    result = batch.run_batch(["demo", TWIN], views=["dashboard"], out=out, jobs=1, runner=_stand_in,
                             progress=False)
    assert not result.ok
    (failed,) = result.failures
    assert (failed.place, failed.status) == (TWIN, batch.FAILED) and "footprint" in failed.message
    assert (result.run_dir / "demo" / "dashboard.html").exists()
    assert not (result.run_dir / TWIN).exists()  # nothing of the place is published
    notes = (result.run_dir / "adviser-notes.html").read_text()
    assert TWIN in notes and "places accept" in notes
    run_index = (result.run_dir / "index.html").read_text()
    assert "Demo twin" in run_index and "not available this time" in run_index
    site_index = " ".join((out / "index.html").read_text().split())
    assert ("the reports for Demo twin were not updated, because the area it covers changed unexpectedly"
            in site_index)
    # the place's record is unchanged; demo was recorded on its first run
    assert "E01900999" in footprints.recorded(out, TWIN)["lsoa21"]
    assert footprints.recorded(out, "demo")["lsoa21"] == sorted(resolve("demo").lsoa21)
    assert json.loads((result.run_dir / "demo" / ".adviser" / "footprint.json").read_text())["status"] == "first"


# --------------------------------------------------------------------------- the real place the issue names
@pytest.mark.realdata
@pytest.mark.slow(reason="builds Wallsend's tables from the official files twice")
def test_wallsend_refused_when_its_ward_boundary_moves(official_data_dir, use_data_dir, tmp_path, monkeypatch,
                                                       capsys):
    """Wallsend is drawn by May 2023 wards, matched to LSOAs by best fit from the ward boundaries:
    a new boundary file in which Wallsend ward is smaller (valid, so it builds) moves neighbourhoods
    out of the place; the report then publishes nothing until the change is accepted."""
    import shapely
    from shapely.geometry import mapping, shape

    from ccdata.io.fetch import raw_files

    data = tmp_path / "data"
    shutil.copytree(official_data_dir / "raw", data / "raw", symlinks=True)
    use_data_dir(data)
    monkeypatch.delenv("CCDATA_PLACES", raising=False)
    out = tmp_path / "out"
    first = footprints.check(resolve("wallsend"), out)
    assert first.status == footprints.FIRST and len(first.now["lsoa21"]) == 27

    (ward_file,) = [p for p in raw_files("boundaries_ward23", "official") if "north_tyneside" in p.name]
    features = json.loads(ward_file.read_text(encoding="utf-8"))
    (wallsend,) = [f for f in features["features"] if f["properties"]["WD23NM"] == "Wallsend"]
    wallsend["geometry"] = mapping(shapely.affinity.scale(shape(wallsend["geometry"]), 0.5, 0.5))
    moved = tmp_path / "download" / ward_file.name
    moved.parent.mkdir()
    moved.write_text(json.dumps(features), encoding="utf-8")
    add_file("boundaries_ward23", moved)

    assert cli.main(["-q", "report", "wallsend", "--out", str(out)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "footprint of Wallsend Children's Community (wallsend) changed" in err and "27 -> " in err
    assert [p.name for p in (out / "wallsend").glob("*.html")] == ["adviser-notes.html"]  # no partner page
    assert cli.main(["places", "accept", "wallsend", "--out", str(out)]) == 0
    assert footprints.check(resolve("wallsend"), out).status == footprints.SAME


def test_batch_goes_on_past_an_unreadable_record(two_places, tmp_path):
    out = tmp_path / "site"
    path = footprints.record_path(out, TWIN)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    result = batch.run_batch(["demo", TWIN], views=["dashboard"], out=out, jobs=1, runner=_stand_in,
                             progress=False)
    (failed,) = result.failures
    assert failed.place == TWIN and "cannot be read" in failed.message
    assert (result.run_dir / "demo" / "dashboard.html").exists()
