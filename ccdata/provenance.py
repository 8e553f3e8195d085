"""What every output says about where it came from: version, git hash, fictional-data notice."""
from __future__ import annotations

import subprocess

from ccdata import cache, config
from ccdata._version import __version__

#: Banner text used by every output built on the demo place.
FICTIONAL_NOTICE = ("Fictional demo data: Demoton and Demoland are invented by ccdata. "
                    "None of the people, schools, organisations or figures are real.")


@cache.pure("single")
def git_hash() -> str:
    """Short git hash of the ccdata checkout (``unknown`` outside a git checkout)."""
    if not config.IN_CHECKOUT:  # an installed wheel: site-packages may sit inside another repository
        return "unknown"
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=config.PROJECT_ROOT,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if out.returncode:
        return "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           cwd=config.PROJECT_ROOT, capture_output=True, text=True, timeout=10)
    return out.stdout.strip() + ("+local changes" if dirty.stdout.strip() else "")


def stamp() -> str:
    """``ccdata <version> (<git hash>)``, as printed in page footers and run logs."""
    return f"ccdata {__version__} ({git_hash()})"
