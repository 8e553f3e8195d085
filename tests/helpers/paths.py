"""Where things are: the checkout, its guarded folders, the write guard, the official-file mirror."""
from __future__ import annotations

import os
from pathlib import Path

#: The checkout (the folder holding ``ccdata/`` and ``tests/``).
REPO = Path(__file__).resolve().parents[2]

#: The checkout's own data and reports folders: ``make demo``, ``ccdata fetch`` and
#: ``ccdata build`` fill them, and no test may read or change them.
CHECKOUT_FOLDERS = (REPO / "data", REPO / "reports")

#: The folder whose ``sitecustomize.py`` every Python process the tests start loads.
GUARD_DIR = REPO / "tests" / "writeguard"


def mirror() -> Path | None:
    """The official-file mirror: ``CCDATA_MIRROR`` or ``../shared/data`` beside the
    checkout, when it holds a ``MANIFEST.md``; ``None`` otherwise."""
    value = os.environ.get("CCDATA_MIRROR")
    candidates = [Path(value)] if value and not value.startswith("http") else []
    candidates.append(REPO.parent / "shared" / "data")
    for c in candidates:
        c = c if c.is_absolute() else (REPO / c)
        if (c / "MANIFEST.md").exists():
            return c.resolve()
    return None
