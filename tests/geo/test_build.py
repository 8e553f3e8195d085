"""The processed cache: provenance, rebuild-on-change, and failure safety."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from ccdata.geo import build
from ccdata import config
from ccdata.io.fetch import read_manifest, store_generated


@pytest.fixture
def demo_copy(demo_data_dir, tmp_path, use_data_dir):
    """A private copy of the built demo data folder (tests here modify it)."""
    import shutil

    target = tmp_path / "data"
    shutil.copytree(demo_data_dir, target)
    return use_data_dir(target)


def test_build_writes_provenance_with_source_checksums(demo_copy):
    prov = build.provenance("iod2025_file1", config.DEMO)
    manifest = read_manifest("iod2025_file1", config.DEMO)
    assert prov["inputs"]["iod2025_file1"]["files"] == {n: m["sha256"] for n, m in manifest["files"].items()}
    assert prov["inputs"]["iod2025_file1"]["vintage"].startswith("IoD2025")
    assert prov["rows"] == len(pd.read_parquet(config.processed_dir(config.DEMO) / "iod2025_file1.parquet"))


def test_second_build_is_current_and_change_rebuilds_only_dependants(demo_copy):
    results = {r.name: r.status for r in build.build(config.DEMO, progress=False)}
    assert "failed" not in results.values()
    assert results["iod2025_file1"] == "current"
    assert results["lsoa21_geography"] == "current"
    # change one raw file: only the tables that read it are rebuilt
    folder = config.raw_dir(config.DEMO) / "lookup_lsoa21_ward24"
    name = next(iter(read_manifest("lookup_lsoa21_ward24", config.DEMO)["files"]))
    data = (folder / name).read_bytes()
    if name.endswith(".gz"):  # change the content, not just the compressed bytes
        import gzip

        changed = gzip.compress(gzip.decompress(data) + b"\r\n")
    else:
        changed = data + b"\r\n"
    store_generated("lookup_lsoa21_ward24", {name: changed}, collection=config.DEMO, source="test")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = {r.name: r.status for r in build.build(config.DEMO, progress=False)}
    assert again["lookup_lsoa21_ward24"] == "built"
    assert again["lsoa21_geography"] == "built"
    assert again["iod2025_file1"] == "current"


def test_failed_step_leaves_previous_table_intact(demo_copy, monkeypatch):
    path = config.processed_dir(config.DEMO) / "lsoa21_geography.parquet"
    before = path.read_bytes()
    prov_before = build.provenance("lsoa21_geography", config.DEMO)

    def broken(collection):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(build.STEPS, "lsoa21_geography",
                        build.Step("lsoa21_geography", ("lookup_lsoa21_ward24",), broken))
    result = build.build_table("lsoa21_geography", config.DEMO, force=True)
    assert result.status == "failed" and "disk on fire" in result.message
    assert path.read_bytes() == before
    assert build.provenance("lsoa21_geography", config.DEMO) == prov_before


def test_interrupted_write_leaves_previous_table_and_no_partial_file(demo_copy, monkeypatch):
    folder = config.processed_dir(config.DEMO)
    path = folder / "lsoa21_geography.parquet"
    before = path.read_bytes()

    def crash(self, target, *args, **kwargs):
        with open(target, "wb") as fh:
            fh.write(b"PAR1 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash)
    with pytest.raises(KeyboardInterrupt):
        build.build_table("lsoa21_geography", config.DEMO, force=True)
    assert path.read_bytes() == before
    assert not list(folder.glob(".*.part"))


def test_table_reports_missing_inputs(tmp_path, use_data_dir):
    use_data_dir(tmp_path)
    with pytest.raises(Exception, match="ccdata fetch lookup_lsoa21_ward24"):
        build.table("lsoa21_geography", config.OFFICIAL)


def test_unknown_table_is_an_error():
    with pytest.raises(Exception, match="unknown processed table"):
        build.table("nope", config.DEMO)
