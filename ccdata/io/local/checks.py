"""Checks on the partnership's own files before they are opened: what they are and how big.

A ``local:`` path in ``places.yaml`` is typed by a person, and a wrong one must give a
clear answer at once, not a hang or a crash deep inside a reader: a named pipe (FIFO)
blocks a reader for ever, ``/dev/zero`` behind a ``.csv`` name fills the memory, a folder
fails with an operating-system error, and a small ``.xlsx`` can unpack to gigabytes
(a "decompression bomb": a 1.5-million-row sheet took minutes to parse). So, before
any reader opens it, a local file must be an ordinary file (or a folder, where a
folder is expected) no bigger than :data:`MAX_FILE_BYTES`, and a workbook no bigger
than :data:`MAX_WORKBOOK_BYTES` unpacked with no sheet over :data:`MAX_WORKBOOK_ROWS`
rows (read from the workbook's own index, without parsing a sheet).
"""
from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

from ccdata.errors import LocalFileError

#: The largest local file read (bytes on disk): far above any survey or asset list.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: The largest workbook read, unpacked (the sum of its parts' sizes).
MAX_WORKBOOK_BYTES = 100 * 1024 * 1024
#: The most rows a worksheet may declare.
MAX_WORKBOOK_ROWS = 250_000
#: How much of each worksheet is unpacked to find its declared size (its ``<dimension>``).
_HEAD_BYTES = 4096
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\sref="[A-Z]*\d+(?::[A-Z]*(\d+))?"')
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not an ordinary file"


def check_local_file(path, *, key: str, folder: bool = False, max_bytes: int = MAX_FILE_BYTES) -> Path:
    """``path`` if it may be opened as the local file ``key``, else :class:`LocalFileError`.

    Parameters
    ----------
    path : path
        The file (or folder) named in ``places.yaml``.
    key : str
        Where it is named, for the message (``"places.yaml local: survey_responses"``).
    folder : bool
        A folder is expected (the pupil extracts); otherwise an ordinary file.
    max_bytes : int
        The largest file accepted.

    Raises
    ------
    LocalFileError
        Not an ordinary file (a FIFO, device, socket or folder), a file where a folder is
        expected, too big, or a workbook over the limits of :func:`check_workbook`. The
        message is one line.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{key}: expected a file path, not {type(path).__name__}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a whole number of bytes, not {max_bytes!r}")
    path = Path(path)
    try:
        st = os.stat(path)  # follows a link: what a reader would open
    except OSError as exc:
        raise LocalFileError(f"{key}: {path} cannot be read ({exc.strerror or exc})",
                             "the file cannot be read") from None
    if folder:
        if not stat.S_ISDIR(st.st_mode):
            raise LocalFileError(f"{key}: {path} is {_kind(st.st_mode) if not stat.S_ISREG(st.st_mode) else 'a file'}"
                                 ", not a folder; name the folder that holds the files",
                                 "a single file was named where a folder of files was expected")
        return path
    if not stat.S_ISREG(st.st_mode):
        what = _kind(st.st_mode)
        raise LocalFileError(f"{key}: {path} is {what}, not an ordinary file; name a CSV or Excel file",
                             "a folder was named where a file was expected" if what == "a folder" else
                             "what was named is not an ordinary file")
    if st.st_size > max_bytes:
        raise LocalFileError(f"{key}: {path} is {st.st_size:,} bytes, more than the {max_bytes:,} bytes "
                             "a local file may have", "the file is too big to be a list or survey export")
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        check_workbook(path, key=key)
    return path


def check_workbook(path, *, key: str, max_bytes: int = MAX_WORKBOOK_BYTES,
                   max_rows: int = MAX_WORKBOOK_ROWS) -> Path:
    """``path`` if the workbook is within the limits, checked without parsing a sheet.

    The unpacked size is the sum of the sizes its parts declare; the rows of each sheet
    are read from the sheet's ``<dimension>`` (the first few kilobytes of the sheet,
    unpacked). A file that is not a zip archive is left to the reader (it says what it is).

    Raises
    ------
    LocalFileError
        Unpacked size over ``max_bytes`` or a sheet over ``max_rows`` rows.
    """
    path = Path(path)
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return path
    with book:
        infos = book.infolist()
        unpacked = sum(i.file_size for i in infos)
        if unpacked > max_bytes:
            raise LocalFileError(f"{key}: {path} unpacks to {unpacked:,} bytes, more than the {max_bytes:,} "
                                 "a workbook may have", "the workbook is too big to be read safely")
        for info in infos:
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                continue
            with book.open(info) as fh:
                head = fh.read(_HEAD_BYTES)
            m = _DIMENSION.search(head)
            rows = int(m.group(1)) if m and m.group(1) else None
            if rows is not None and rows > max_rows:
                raise LocalFileError(f"{key}: {path}: sheet {Path(info.filename).stem} declares {rows:,} rows, "
                                     f"more than the {max_rows:,} a local workbook may have",
                                     "the workbook has far more rows than a list or survey export")
    return path
