"""The fictional demo place, "Demoton" in the fictional country "Demoland".

ccdata generates every demo file itself, deterministically, **in the formats of the
official releases** (IoD columns, Nomis bulk Census CSVs, ONS lookups and boundaries,
GIAS / epraccur service lists) and of the local files an adviser keeps (asset list,
listening survey, pupil extracts, relationship survey), so the same loaders run on it
and ``ccdata`` works on a machine with no network. None of its people, schools,
organisations or figures are real.

Layout written by :func:`generate`:

``data/raw/demo/<dataset id>/``   official-format files, stored through
                                  :func:`ccdata.io.fetch.store_generated` (checksummed)
``data/raw/demo/local/``          local files named in ``places.yaml`` (``local:``)

Each part lives in its own module with a ``generate(rng_seed) -> list[Path]``
function; :data:`PARTS` lists them in the order they run.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from ccdata import config

#: Fixed seed: the demo place is the same on every machine.
SEED = 20260401
#: Generator modules, in order. ``official`` must come first (the others read its geography).
PARTS = ("official", "local_assets", "listening", "network", "estate_network", "conversations",
         "outcomes")


def local_dir() -> Path:
    """Folder for the demo place's local (adviser-kept) files."""
    return config.raw_dir(config.DEMO) / "local"


def generate(seed: int = SEED) -> list[Path]:
    """Generate every demo file (idempotent: unchanged files are not rewritten).

    Returns
    -------
    list of Path
        Every file generated.
    """
    files: list[Path] = []
    for part in PARTS:
        module = importlib.import_module(f"{__name__}.{part}")
        files.extend(module.generate(seed))
    return files
