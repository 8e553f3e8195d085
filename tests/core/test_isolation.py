"""The test suite never reads or writes the checkout's data/ and reports/ folders."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from ccdata import config
from helpers.paths import REPO

SUITE = REPO / "tests"


def test_each_test_has_its_own_data_and_reports_folders(tmp_path):
    data, reports = config.data_dir(), config.reports_dir()
    repo = REPO.resolve()
    assert data != repo / "data" and reports != repo / "reports"
    assert not data.is_relative_to(repo) and not reports.is_relative_to(repo)
    assert os.environ["CCDATA_DATA_DIR"] != os.environ["CCDATA_REPORTS_DIR"]


#: Test modules of an inner suite run with this suite's conftest: each test below reads how the
#: inner pytest reported one module's tests.
INNER = {
    "test_writes.py": '''
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
''',
    "test_defaults.py": '''
from helpers.paths import REPO
from ccdata import config

def test_defaults():
    assert not config.data_dir().is_relative_to(REPO / "data")
    assert not config.reports_dir().is_relative_to(REPO / "reports")
''',
    "test_kernels.py": '''
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
''',
}


@pytest.fixture(scope="module")
def inner(tmp_path_factory) -> dict:
    """A copy of this suite's conftest and helpers in a throwaway checkout (its data/ is the one
    the fixture guards), with the modules of ``INNER``, run once for the tests below (a pytest
    start of its own costs seconds): the inner pytest's output, exit code and each test's
    outcomes (``{"test_writes.py::test_well_behaved": ["PASSED"], ...}``; a test whose
    teardown failed has ``["PASSED", "ERROR"]``)."""
    root = tmp_path_factory.mktemp("inner-checkout")
    (root / "tests").mkdir()
    shutil.copy2(SUITE / "conftest.py", root / "tests" / "conftest.py")
    shutil.copytree(SUITE / "writeguard", root / "tests" / "writeguard")
    shutil.copytree(SUITE / "helpers", root / "tests" / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "data" / "raw").mkdir(parents=True)
    for name, body in INNER.items():
        (root / "tests" / name).write_text(body)
    # as pytester runs an inner pytest: a home folder of its own, no options from outside
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
    env["HOME"] = str(tmp_path_factory.mktemp("inner-home"))
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-v",
                           "--basetemp", str(root / "basetemp"), "tests"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)
    outcomes: dict[str, list[str]] = {}
    for test, outcome in re.findall(r"^tests/(\S+::\w+) (PASSED|FAILED|ERROR)\b", done.stdout, re.M):
        outcomes.setdefault(test, []).append(outcome)
    return {"out": done.stdout + done.stderr, "ret": done.returncode, "outcomes": outcomes}


def _module(inner: dict, module: str) -> dict[str, list[str]]:
    """One inner module's tests and their outcomes (by test name)."""
    return {t.split("::")[1]: o for t, o in inner["outcomes"].items() if t.startswith(module + "::")}


def _error_report(inner: dict, test: str) -> str:
    """The inner pytest's report of the error at ``test``'s teardown."""
    parts = re.split(r"^_{3,} (?:ERROR at \w+ of|FAILED) ", inner["out"], flags=re.M)
    found = [p for p in parts[1:] if p.startswith(test + " ")]
    assert len(found) == 1, inner["out"]
    return found[0].split("\n=====")[0]


def test_the_fixture_fails_a_test_that_writes_into_the_checkouts_data(inner):
    # the check runs when each test ends, so pytest reports an error at its teardown
    assert _module(inner, "test_writes.py") == {
        "test_planted_write": ["PASSED", "ERROR"], "test_planted_report": ["PASSED", "ERROR"],
        "test_planted_by_a_process_the_test_starts": ["PASSED", "ERROR"], "test_well_behaved": ["PASSED"]}, inner["out"]
    assert inner["ret"] != 0
    for test, written in (("test_planted_write", "planted.csv"), ("test_planted_report", "/reports ("),
                          ("test_planted_by_a_process_the_test_starts", "from-kernel.csv")):
        report = _error_report(inner, test)
        assert "wrote into the checkout's data/ or reports/" in report and written in report, report
    assert "open " in _error_report(inner, "test_planted_write")
    assert "os.mkdir " in _error_report(inner, "test_planted_report")


def test_the_fixture_points_the_library_away_from_the_checkout(inner):
    assert _module(inner, "test_defaults.py") == {"test_defaults": ["PASSED"]}, inner["out"]


def test_a_test_that_starts_a_notebook_kernel_must_be_marked_slow(inner):
    assert _module(inner, "test_kernels.py") == {
        "test_unmarked_kernel": ["PASSED", "ERROR"], "test_marked_kernel": ["PASSED"], "test_no_kernel": ["PASSED"]
    }, inner["out"]
    assert "started 1 notebook kernel(s) but is not marked slow" in _error_report(inner, "test_unmarked_kernel")
    # the inner run as a whole: exactly the planted tests errored
    last = inner["out"].strip().splitlines()[-1]
    assert re.search(r"\b8 passed\b", last) and re.search(r"\b4 errors\b", last), last
