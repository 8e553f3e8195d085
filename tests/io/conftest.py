"""Fixtures shared by the io tests."""
from __future__ import annotations

import pytest

from ccdata import config
from ccdata.io.fetch import store_generated


@pytest.fixture
def with_lookup(request, tmp_path, use_data_dir):
    """A fresh official data folder holding the test module's own LSOA 2011 -> 2021 lookup
    (its module-level ``LOOKUP`` text, in the ONS column layout); the test's tmp folder."""
    lookup = getattr(request.module, "LOOKUP", None)
    if not isinstance(lookup, str):
        raise TypeError(f"{request.module.__name__} must define LOOKUP (the lookup file's text) to use with_lookup")
    use_data_dir(tmp_path / "data")
    store_generated("lookup_lsoa11_lsoa21", {"lookup.csv": lookup.encode()}, collection=config.OFFICIAL,
                    source="test")
    return tmp_path
