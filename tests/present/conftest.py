"""Fixtures of the presentation tests."""
from __future__ import annotations

import pytest

from helpers.maps import map_layers


@pytest.fixture
def layers():
    """Hand-made LSOAs, boundary, wards and assets with hostile text (helpers/maps.py)."""
    return map_layers()
