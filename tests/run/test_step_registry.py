"""Build steps: declared once by the layer that owns them, assembled by run, none registered on import."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ccdata import cli
from ccdata.analysis import deprivation
from ccdata.analysis import steps as analysis_steps
from ccdata.errors import CcdataError
from ccdata.geo import build
from ccdata.run import steps


def _fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter (nothing imported before it); it prints one JSON value."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ),
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_ccdata_imports_no_analysis_module():
    found = _fresh("import json, sys, ccdata\n"
                   "print(json.dumps(sorted(m for m in sys.modules if m.startswith('ccdata.'))))")
    assert "ccdata.geo.places" in found  # the lab API itself is there
    assert [m for m in found if m == "ccdata.analysis" or m.startswith("ccdata.analysis.")] == []


def test_the_run_layer_knows_every_layers_steps_once():
    geo_names, analysis_names = list(build.STEPS), [s.name for s in analysis_steps.STEPS]
    assert "census_comparators" in geo_names and "iod_comparators" in analysis_names
    assert not set(geo_names) & set(analysis_names)
    assert list(steps.STEPS) == geo_names + analysis_names
    assert steps.STEPS["iod_comparators"] is deprivation.COMPARATORS_STEP
    assert steps.step("census_comparators") is build.STEPS["census_comparators"]
    with pytest.raises(CcdataError, match="unknown processed table 'nope'"):
        steps.step("nope")


def test_a_name_declared_twice_is_refused_naming_both_makers():
    twin = build.Step("iod_comparators", (), lambda collection: None)
    with pytest.raises(CcdataError, match="'iod_comparators' is declared twice.*make_comparators"):
        steps.assemble(analysis_steps.STEPS, [twin])
    with pytest.raises(TypeError, match="must be a Step"):
        steps.assemble(["iod_comparators"])
    with pytest.raises(CcdataError, match="declared twice"):
        build.build("demo", progress=False, steps=[twin, twin])


def test_another_layers_step_cannot_take_a_geography_tables_name():
    impostor = build.Step("lsoa21_geography", (), lambda collection: None)
    with pytest.raises(CcdataError, match="'lsoa21_geography' is a table of the geography layer"):
        build.table(impostor, "demo")
    with pytest.raises(CcdataError, match="unknown processed table 'iod_comparators'.*ccdata.run.steps"):
        build.table("iod_comparators", "demo")


def test_ccdata_build_builds_the_analysis_tables_too(monkeypatch, tmp_path, capsys):
    asked = []

    def record(step, collection, force=False):
        asked.append((step.name, collection))
        return build.BuildResult(step.name, "current")

    monkeypatch.setattr(build, "build_table", record)
    assert cli.main(["-q", "build", "--collection", "demo"]) == 0
    assert [name for name, _ in asked] == list(steps.STEPS)
    assert {c for _, c in asked} == {"demo"}
    asked.clear()
    assert steps.build("demo", progress=False, names=["iod_comparators"])[0].name == "iod_comparators"
    assert asked == [("iod_comparators", "demo")]
    with pytest.raises(CcdataError, match="unknown processed table"):
        steps.build("demo", progress=False, names=["iod_comparator"])


def test_place_census_finds_its_comparators_with_no_analysis_imported(demo_data):
    found = _fresh("import json, sys, ccdata\n"
                   "t = ccdata.place('demo').census('ts007a', area='all').set_index('area')\n"
                   "print(json.dumps({'method': t.loc['england', 'method'],"
                   " 'analysis': sorted(m for m in sys.modules if m.startswith('ccdata.analysis'))}))")
    assert found == {"method": "published", "analysis": []}


def test_deprivation_finds_its_comparators_when_imported_alone(demo_data):
    found = _fresh("import json, sys\n"
                   "from ccdata.analysis import deprivation\n"
                   "from ccdata.geo.places import place\n"
                   "s = deprivation.summary(place('demo'), 'iod2025').set_index('area')\n"
                   "print(json.dumps({'basis': s.loc['la', 'basis'], 'lsoas': int(s.loc['england', 'lsoas']),"
                   " 'run': 'ccdata.run.steps' in sys.modules}))")
    assert found["basis"].startswith("2021 neighbourhoods, as published") and found["lsoas"] > 0
    assert found["run"] is False
