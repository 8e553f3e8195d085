"""Where a report writes: the place's folder under ``--out``, checked, and the adviser-only notebook folder.

Every page is written through a path checked here (and then through the publish gate,
:func:`ccdata.publish.write`), so a place id, a view name or a symbolic link cannot send
a page outside ``--out``.
"""
from __future__ import annotations

from pathlib import Path

from ccdata import publish
from ccdata.errors import OutputPathError
from ccdata.geo.places import check_place_id


def inside(out_dir, path) -> Path:
    """``path`` resolved, if it lies inside ``out_dir`` (resolved); else :class:`OutputPathError`.

    Every page is written through a path checked here, so a place id, a view name or a
    symbolic link cannot send a page outside ``--out``.
    """
    root = Path(out_dir).resolve()
    target = Path(path).resolve()
    if target != root and root not in target.parents:
        raise OutputPathError(f"{_short(target)} is outside the output folder {root}; nothing was written there")
    return target


def _short(path, limit: int = 120) -> str:
    """A path for a message, its middle cut when it is very long (a 5,000-character place id)."""
    text = str(path)
    return text if len(text) <= limit else f"{text[:limit // 2]}...{text[-limit // 2:]} ({len(text):,} characters)"


def notebook_path(place_dir: Path, name: str) -> Path:
    """Where an executed notebook of the place is kept: ``<out>/.notebooks/<place>/<name>``
    (the registry's adviser-only folder, never beside the partner pages)."""
    return Path(place_dir).parent / publish.NOTEBOOKS_DIR / Path(place_dir).name / name


def make_folder(path) -> Path:
    """Create a folder (and its parents), turning an operating-system refusal into a clean error."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputPathError(f"cannot create the output folder {path}: {exc.strerror or exc} "
                              "(choose another --out)") from None
    if not path.is_dir():
        raise OutputPathError(f"the output folder {path} is not a folder (choose another --out)")
    return path


def place_folder(out_dir, place_id: str) -> Path:
    """``<out_dir>/<place_id>``, created, after checking the id and that the folder lies under ``out_dir``."""
    check_place_id(place_id)
    return make_folder(inside(out_dir, Path(out_dir) / place_id))
