"""Pointing ccdata at a data folder for a block of code (session and module fixtures)."""
from __future__ import annotations

import contextlib
import os


@contextlib.contextmanager
def data_dir_env(path):
    """Point ``CCDATA_DATA_DIR`` at ``path`` for the ``with`` block (session fixtures,
    where ``monkeypatch`` is not available), restoring the previous value after."""
    old = os.environ.get("CCDATA_DATA_DIR")
    os.environ["CCDATA_DATA_DIR"] = str(path)
    try:
        yield path
    finally:
        if old is None:
            os.environ.pop("CCDATA_DATA_DIR", None)
        else:
            os.environ["CCDATA_DATA_DIR"] = old
