"""The test suite never reads or writes the checkout's data/ and reports/ folders."""
from __future__ import annotations

import os
import shutil

from ccdata import config
from helpers.paths import REPO

SUITE = REPO / "tests"

pytest_plugins = ["pytester"]


def test_each_test_has_its_own_data_and_reports_folders(tmp_path):
    data, reports = config.data_dir(), config.reports_dir()
    repo = REPO.resolve()
    assert data != repo / "data" and reports != repo / "reports"
    assert not data.is_relative_to(repo) and not reports.is_relative_to(repo)
    assert os.environ["CCDATA_DATA_DIR"] != os.environ["CCDATA_REPORTS_DIR"]


def _inner_suite(pytester, body: str):
    """A copy of this suite's conftest and helpers in a throwaway checkout (its data/ is the one
    the fixture guards), with one test module."""
    (pytester.path / "tests").mkdir()
    shutil.copy2(SUITE / "conftest.py", pytester.path / "tests" / "conftest.py")
    shutil.copytree(SUITE / "writeguard", pytester.path / "tests" / "writeguard")
    shutil.copytree(SUITE / "helpers", pytester.path / "tests" / "helpers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (pytester.path / "data" / "raw").mkdir(parents=True)
    (pytester.path / "tests" / "test_inner.py").write_text(body)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-q", "tests")


def test_the_fixture_fails_a_test_that_writes_into_the_checkouts_data(pytester):
    result = _inner_suite(pytester, '''
from pathlib import Path
from helpers.paths import REPO

def test_planted_write():
    (REPO / "data" / "raw" / "planted.csv").write_text("a,b\\n1,2\\n")

def test_planted_report():
    (REPO / "reports").mkdir()

def test_planted_by_a_process_the_test_starts():
    import subprocess, sys
    target = REPO / "data" / "raw" / "from-kernel.csv"
    subprocess.run([sys.executable, "-c", f"open({str(target)!r}, 'w').write('a')"], check=True)

def test_well_behaved(tmp_path):
    (tmp_path / "fine.csv").write_text("a\\n")
''')
    # the check runs when each test ends, so pytest reports an error at its teardown
    result.assert_outcomes(passed=4, errors=3)
    assert result.ret != 0
    out = result.stdout.str()
    assert "wrote into the checkout's data/ or reports/" in out
    assert "ERROR tests/test_inner.py::test_planted_write" in out
    assert "ERROR tests/test_inner.py::test_planted_report" in out
    assert "ERROR tests/test_inner.py::test_planted_by_a_process_the_test_starts" in out
    assert "test_well_behaved" not in out.split("short test summary")[-1]
    assert "open " in out and "planted.csv" in out and "os.mkdir " in out and "from-kernel.csv" in out


def test_the_fixture_points_the_library_away_from_the_checkout(pytester):
    result = _inner_suite(pytester, '''
from helpers.paths import REPO
from ccdata import config

def test_defaults():
    assert not config.data_dir().is_relative_to(REPO / "data")
    assert not config.reports_dir().is_relative_to(REPO / "reports")
''')
    result.assert_outcomes(passed=1)


def test_a_test_that_starts_a_notebook_kernel_must_be_marked_slow(pytester):
    result = _inner_suite(pytester, '''
import subprocess, sys
import pytest

def _start_a_kernel():
    # ipykernel's launcher, as papermill and the warm kernel start it (--version returns at once)
    subprocess.run([sys.executable, "-m", "ipykernel_launcher", "--version"], check=True, capture_output=True)

def test_unmarked_kernel():
    _start_a_kernel()

@pytest.mark.slow(reason="starts a kernel")
def test_marked_kernel():
    _start_a_kernel()

def test_no_kernel():
    subprocess.run([sys.executable, "-c", "pass"], check=True)
''')
    result.assert_outcomes(passed=3, errors=1)
    out = result.stdout.str()
    assert "ERROR tests/test_inner.py::test_unmarked_kernel" in out
    assert "started 1 notebook kernel(s) but is not marked slow" in out
