"""Atomic file writing: a file appears whole at its path, or the old one stays.

Every output of ccdata (fetched raw files, the Parquet cache, HTML pages, CSV
summaries) is written through these helpers, so a failed or interrupted run never
leaves a half-written file where a good one was. Files are created with the
permissions the user's umask gives an ordinary file (``0644`` under ``umask 022``),
not the owner-only mode of a temporary file, so a web server or a shared drive
can serve what a run writes.
"""
from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Iterator

from ccdata.cache import written
from ccdata.errors import OutsideOutputError


#: The ending of a file being written (renamed to its real name when it is whole).
PART_SUFFIX = ".part"
_PART = re.compile(r"^\..+\.(\d+)\.[^.]+\.part$")
_OLD_PART = re.compile(r"^\..+\.[^.]+\.part$")
#: Part files named without a process id (written by earlier versions) are removed once
#: they are this old (seconds): no write takes that long.
OLD_PART_SECONDS = 3600
#: The prefix of the one temporary folder a process works in (see :func:`work_folder`).
WORK_PREFIX = "ccdata-"
_WORK = re.compile(r"^ccdata-(\d+)-[^/]+$")


def _umask() -> int:
    # os.umask can only be read by setting it; set it back at once.
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode an ordinary new file gets under the current umask (e.g. ``0o644``)."""
    return 0o666 & ~_umask()


def dir_mode() -> int:
    """The mode a new folder gets under the current umask (e.g. ``0o755``)."""
    return 0o777 & ~_umask()


def _temp_beside(path: Path) -> tuple[int, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    # the writer's process id is in the name, so a later run can tell the leftovers of a
    # run that was killed (its process is gone) from the files of a run still writing
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=PART_SUFFIX)


def _publish(tmp: str, path: Path) -> None:
    os.chmod(tmp, file_mode())
    os.replace(tmp, path)
    written(path)  # a value cached from the older file is made again, however quick the rewrite


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


# --------------------------------------------------------------------------- writes under --out
def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean after
        return True
    return True


def _refuse(target, root, why: str) -> OutsideOutputError:
    return OutsideOutputError(f"{target}: {why}; the output folder is {root} and nothing was written there")


def relative_inside(root, path) -> Path:
    """``path`` relative to the output folder ``root``, read from the names alone (nothing is
    created or resolved below ``root``); :class:`OutsideOutputError` when it leaves ``root``."""
    if not isinstance(root, (str, os.PathLike)) or not isinstance(path, (str, os.PathLike)):
        raise TypeError("expected two paths (the output folder and the file)")
    top = Path(os.path.abspath(root))
    real_top = top.resolve()
    target = Path(os.path.abspath(path))
    for base in (top, real_top):
        try:
            rel = target.relative_to(base)
            break
        except ValueError:
            continue
    else:
        raise _refuse(target, real_top, "lies outside the output folder")
    if not rel.parts or ".." in rel.parts:
        raise _refuse(target, real_top, "is not a file inside the output folder")
    return rel


def checked_target(root, path) -> Path:
    """``path`` as it will be written under the output folder ``root``, after every check.

    ``root`` (the ``--out`` folder) is resolved once; below it, every folder on the way to
    ``path`` must be a real folder (one that does not exist yet is created), never a
    symbolic link, and the file itself, if present, must be an ordinary file. A path
    that lies outside ``root`` (``..``, an absolute path elsewhere) is refused too.

    Raises
    ------
    OutsideOutputError
        The path leaves ``root``, or a folder or the file on the way is a symbolic link
        or not a folder; nothing is created beyond the folders already checked.
    """
    rel = relative_inside(root, path)
    target = Path(os.path.abspath(path))
    real_top = Path(os.path.abspath(root)).resolve()
    real_top.mkdir(parents=True, exist_ok=True)
    folder = real_top
    for part in rel.parts[:-1]:
        folder = folder / part
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            try:
                os.mkdir(folder, dir_mode())
            except FileExistsError:
                pass
            st = os.lstat(folder)
        if stat.S_ISLNK(st.st_mode):
            raise _refuse(target, real_top, f"the folder {folder} is a symbolic link")
        if not stat.S_ISDIR(st.st_mode):
            raise _refuse(target, real_top, f"{folder} is not a folder")
    final = folder / rel.parts[-1]
    try:
        st = os.lstat(final)
    except FileNotFoundError:
        return final
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(target, real_top, "exists and is not an ordinary file (a symbolic link, a folder "
                      "or a device)")
    return final


def write_inside(root, path, data) -> Path:
    """The one write of a published file: ``data`` (bytes or text, UTF-8) to ``path`` under ``root``.

    The target is checked by :func:`checked_target`; the temporary file is made in the
    checked folder and its real path checked too before it is renamed into place, so
    neither the page nor its temporary copy can land outside ``root``. The file appears
    whole or not at all (:func:`atomic_write_bytes`).

    Returns
    -------
    Path
        The path written (inside the resolved ``root``).

    Raises
    ------
    OutsideOutputError
        See :func:`checked_target`.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"write_inside writes bytes or text, not {type(data).__name__}")
    target = checked_target(root, path)
    real_top = Path(os.path.abspath(root)).resolve()
    fd, tmp = _temp_beside(target)
    try:
        if not Path(os.path.realpath(tmp)).is_relative_to(real_top):
            raise _refuse(tmp, real_top, "the temporary file would lie outside the output folder")
        with os.fdopen(fd, "wb") as fh:
            fh.write(bytes(data))
            fh.flush()
            os.fsync(fh.fileno())
        _publish(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def clean_parts(folder) -> list[Path]:
    """Remove the ``.part`` files left under ``folder`` by runs that were killed while writing.

    A part file names the process that wrote it; only those of processes that are gone
    are removed (a run writing beside this one keeps its own); one without a process id
    (written by an earlier version) once it is :data:`OLD_PART_SECONDS` old. Symbolic links
    are not followed. Returns what was removed.
    """
    removed: list[Path] = []
    folder = Path(folder)
    if not folder.is_dir() or folder.is_symlink():
        return removed
    for here, dirs, files in os.walk(folder, followlinks=False):
        for name in files:
            m = _PART.match(name)
            path = os.path.join(here, name)
            stale = False
            if m:
                stale = not _alive(int(m.group(1)))
            elif _OLD_PART.match(name):
                with contextlib.suppress(OSError):
                    stale = time.time() - os.lstat(path).st_mtime > OLD_PART_SECONDS
            if stale:
                with contextlib.suppress(OSError):
                    os.unlink(path)
                    removed.append(Path(path))
    return removed


_WORK_DIR: Path | None = None


def work_folder() -> Path:
    """The one temporary folder this process works in, removed when the process ends.

    ``<system temp>/ccdata-<pid>-XXXX``: every piece of temporary work of a run (executed
    notebooks, say) goes below it. It is removed at exit; the folders of runs that were
    killed (their process is gone) are removed the first time a later run asks for its own.
    """
    global _WORK_DIR
    if _WORK_DIR is not None and _WORK_DIR.is_dir():
        return _WORK_DIR
    clean_work_folders()
    _WORK_DIR = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))
    atexit.register(shutil.rmtree, _WORK_DIR, True)
    return _WORK_DIR


def clean_work_folders(base=None) -> list[Path]:
    """Remove the ``ccdata-<pid>-*`` folders in ``base`` (the system temporary folder) whose
    process is gone; returns what was removed."""
    base = Path(base or tempfile.gettempdir())
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(base):
            m = _WORK.match(entry.name)
            if m and entry.is_dir(follow_symlinks=False) and not _alive(int(m.group(1))):
                try:
                    if os.stat(entry.path, follow_symlinks=False).st_uid != os.getuid():
                        continue  # another user's folder
                except OSError:
                    continue
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed
