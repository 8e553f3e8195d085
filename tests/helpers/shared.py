"""One copy of an expensive session fixture for the whole run, shared by pytest-xdist workers.

The first worker that needs the thing makes it while holding a file lock; the others wait
for the lock and read what it left. Without xdist the folder is the session's own.
"""
from __future__ import annotations

import contextlib
import os
import pickle
from pathlib import Path
from typing import Callable

try:
    import fcntl
except ImportError:  # not POSIX: each worker makes its own copy in its own folder
    fcntl = None


def run_folder(tmp_path_factory) -> Path:
    """A folder shared by every worker of this run (under xdist: the folder holding the
    workers' own temporary folders; one run's workers share it, another run never does)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None:
        return base.parent
    return base


@contextlib.contextmanager
def exclusive(lock: Path):
    """Hold an exclusive lock on the file ``lock`` for the ``with`` block."""
    with open(lock, "a+b") as fh:
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(fh, fcntl.LOCK_UN)


def once_per_run(tmp_path_factory, name: str, make: Callable[[Path], object]):
    """``make(folder)`` once per run, in ``<run folder>/<name>/``; every caller (each xdist
    worker) gets what it returned (pickled beside it). A failure is remembered too, so the
    other workers report it without trying again."""
    root = run_folder(tmp_path_factory)
    folder, result, failure = root / name, root / f"{name}.pickle", root / f"{name}.failed"
    with exclusive(root / f"{name}.lock"):
        if failure.exists():
            raise AssertionError(f"{name} could not be made (by another worker): {failure.read_text()}")
        if result.exists():
            return pickle.loads(result.read_bytes())
        folder.mkdir()
        try:
            value = make(folder)
        except BaseException as exc:
            failure.write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
            raise
        result.write_bytes(pickle.dumps(value))
        return value
