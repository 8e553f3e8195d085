"""The suite's write guard sees writes by the processes the tests start, and only those."""
from __future__ import annotations

import os
import subprocess
import sys

from helpers.paths import GUARD_DIR

WRITER = """
import os, pathlib
root = pathlib.Path(os.environ["TARGET"])
(root / "made").mkdir()
open(root / "made" / "page.html.part", "w").write("x")
os.replace(root / "made" / "page.html.part", root / "made" / "page.html")
open(root.parent / "outside.txt", "w").write("x")   # not guarded
open(root / "made" / "page.html").read()            # a read is not a write
"""


def _run(tmp_path, with_guard: bool):
    guarded, log = tmp_path / "guarded", tmp_path / "writes.log"
    guarded.mkdir()
    log.touch()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(TARGET=str(guarded), CCDATA_TEST_GUARD_FOLDERS=str(guarded), CCDATA_TEST_GUARD_LOG=str(log))
    if with_guard:
        env["PYTHONPATH"] = str(GUARD_DIR)
    subprocess.run([sys.executable, "-c", WRITER], env=env, check=True, timeout=60)
    return guarded, log.read_text().splitlines()


def test_a_process_started_with_the_guard_records_each_change_under_the_folder(tmp_path):
    guarded, lines = _run(tmp_path, with_guard=True)
    events = [line.split(" ")[0] for line in lines]
    assert events == ["os.mkdir", "open", "os.rename", "os.rename"], lines  # a rename names both ends
    assert all(str(guarded) in line for line in lines)
    assert not any("outside.txt" in line for line in lines)


def test_a_process_without_the_guard_is_not_watched(tmp_path):
    """A person's own run in the same checkout cannot fail the suite."""
    guarded, lines = _run(tmp_path, with_guard=False)
    assert (guarded / "made" / "page.html").exists()
    assert lines == []


def test_processes_the_suite_starts_load_the_guard():
    assert str(GUARD_DIR) in os.environ["PYTHONPATH"].split(os.pathsep)
    assert os.environ["CCDATA_TEST_GUARD_FOLDERS"]
