"""Atomic file writing: a file appears whole at its path, or the old one stays.

Every output of ccdata (fetched raw files, the Parquet cache, HTML pages, CSV
summaries) is written through these helpers, so a failed or interrupted run never
leaves a half-written file where a good one was. Files are created with the
permissions the user's umask gives an ordinary file (``0644`` under ``umask 022``),
not the owner-only mode of a temporary file, so a web server or a shared drive
can serve what a run writes.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


def _umask() -> int:
    # os.umask can only be read by setting it; set it back at once.
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode an ordinary new file gets under the current umask (e.g. ``0o644``)."""
    return 0o666 & ~_umask()


def _temp_beside(path: Path) -> tuple[int, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")


def _publish(tmp: str, path: Path) -> None:
    os.chmod(tmp, file_mode())
    os.replace(tmp, path)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it if the ``with`` block succeeds.

    For writers that need a file name rather than bytes (``DataFrame.to_parquet``).
    """
    path = Path(path)
    fd, tmp = _temp_beside(path)
    os.close(fd)
    try:
        yield Path(tmp)
        _publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class AtomicFile:
    """A binary file that appears at ``path`` only if the ``with`` block succeeds.

    Keeps the SHA-256 and size of what was written (for download manifests).
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        fd, self.tmp = _temp_beside(self.path)
        self.fh = os.fdopen(fd, "wb")
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, block: bytes) -> None:
        self.fh.write(block)
        self.digest.update(block)
        self.size += len(block)

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
        finally:
            self.fh.close()
        if exc_type is None:
            _publish(self.tmp, self.path)
        else:
            Path(self.tmp).unlink(missing_ok=True)
