"""A place's footprint of record: what its published pages cover, and refusing a silent change.

A place is defined in ``places.yaml`` by wards, LSOAs and/or a polygon, and resolved to
LSOA 2021 codes from the official lookups and boundaries. When those files change (a
new release, or a damaged copy that still reads), the same definition can resolve to
other neighbourhoods, and every figure on the place's pages changes without anyone
having touched the place. So each output folder keeps, per place, the footprint its
pages were made from::

    <out>/.footprints/<place>.json      the footprint of record (what was accepted)
    <out>/<place>/.adviser/footprint.json   (report) what this run resolved
    <out>/runs/<id>/<place>/.adviser/footprint.json   (batch) likewise

A record holds the LSOA 2021 codes, the residents they hold (Census 2021 usual
residents, where the table is built) and a hash of the place's definition (its
``footprint``, ``local_authority`` and ``collection``: what decides the LSOAs).

:func:`check` compares the place as resolved now with the record:

``first``    no record yet: recorded now (a place reported for the first time).
``edited``   the definition's hash differs: the change was asked for; recorded now.
``same``     the same definition resolves to the same LSOAs and residents.
``changed``  the same definition resolves differently: ``report`` publishes nothing
             for the place and exits 1, ``batch`` marks the place failed and goes on,
             until ``ccdata places accept PLACE`` records the new footprint.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ccdata import config, publish
from ccdata._version import __version__
from ccdata.errors import CcdataError, MissingDataError, OutputError
from ccdata.geo import build
from ccdata.geo.placecache import resolve
from ccdata.geo.places import check_place_id
from ccdata.present.pages import ADVISER_PAGE, page_context, render
from ccdata.provenance import FICTIONAL_NOTICE, git_hash

#: Folder under ``--out`` holding each place's footprint of record.
FOLDER = ".footprints"
#: The file beside a place's pages (in its adviser folder) saying what this run resolved.
RESOLVED_FILE = "footprint.json"
#: Parts of a place's definition that decide its LSOAs.
DEFINING = ("footprint", "local_authority", "collection")
#: Where the residents of a footprint are counted.
POPULATION_TABLE = "census21_ts007a"
POPULATION_SOURCE = "Census 2021 usual residents (TS007A), summed over the LSOAs"
FIRST, EDITED, SAME, CHANGED = "first", "edited", "same", "changed"


@dataclass(frozen=True)
class FootprintCheck:
    """What :func:`check` found: ``status`` (first, edited, same, changed), both records, and in words."""

    place: str
    status: str
    now: dict
    recorded: dict | None
    name: str = ""

    @property
    def changed(self) -> bool:
        return self.status == CHANGED

    def describe(self) -> str:
        """What changed, for the adviser: counts, codes added and removed, residents before and after."""
        if self.recorded is None:
            return f"{self.place}: footprint recorded for the first time ({_size(self.now)})"
        before, after = set(self.recorded.get("lsoa21", [])), set(self.now["lsoa21"])
        parts = [f"{len(before):,} -> {len(after):,} neighbourhoods (LSOAs)"]
        if after - before:
            parts.append(f"added {_codes(after - before)}")
        if before - after:
            parts.append(f"removed {_codes(before - after)}")
        pop_then, pop_now = self.recorded.get("population"), self.now.get("population")
        if pop_then is not None or pop_now is not None:
            parts.append(f"residents {_count(pop_then)} -> {_count(pop_now)}")
        return "; ".join(parts)

    def message(self) -> str:
        """The one-line reason a run gives for not publishing the place (adviser detail)."""
        who = f"{self.name} ({self.place})" if self.name and self.name != self.place else self.place
        return (f"not published: the footprint of {who} changed although its definition in "
                f"places.yaml did not ({self.describe()}); the official lookups or boundaries it is "
                f"resolved from have changed or are damaged. Check them; if the change is expected, "
                f"run `ccdata places accept {self.place}` to record the new footprint")


def _codes(codes: set[str], limit: int = 8) -> str:
    shown = sorted(codes)
    return ", ".join(shown[:limit]) + (f" and {len(shown) - limit:,} more" if len(shown) > limit else "")


def _count(value) -> str:
    return "unknown" if value is None else f"{int(value):,}"


def _size(record: dict) -> str:
    return f"{len(record['lsoa21']):,} LSOAs, residents {_count(record.get('population'))}"


def definition_hash(place) -> str:
    """SHA-256 (hex) of the parts of a place's definition that decide its LSOAs (:data:`DEFINING`)."""
    definition = getattr(place, "definition", None)
    if not isinstance(definition, dict):
        raise TypeError(f"expected a resolved Place with its definition, not {type(place).__name__}")
    part = {k: definition.get(k) for k in DEFINING}
    text = json.dumps(part, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def population(place) -> int | None:
    """Usual residents of the place's LSOAs (Census 2021), or ``None`` when the table is not built."""
    try:
        ts = build.table(POPULATION_TABLE, place.collection)
    except (MissingDataError, CcdataError):  # not built, or failing its build (reported by the build)
        return None
    total = ts.loc[ts["lsoa21_code"].isin(place.lsoa21), "total"]
    return int(total.sum()) if len(total) else None


def record_for(place) -> dict:
    """The footprint record of a resolved place (LSOAs, residents, definition hash)."""
    lsoas = sorted(str(c) for c in place.lsoa21)
    return {"place": place.id, "definition_sha256": definition_hash(place), "lsoa21": lsoas,
            "n_lsoas": len(lsoas), "population": population(place), "population_source": POPULATION_SOURCE,
            "method": place.footprint_method,
            "resolved_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}


def record_path(out_dir, place_id: str) -> Path:
    """``<out>/.footprints/<place>.json``."""
    check_place_id(place_id)
    return Path(out_dir) / FOLDER / f"{place_id}.json"


def recorded(out_dir, place_id: str) -> dict | None:
    """The footprint of record for a place under ``out_dir`` (``None`` when there is none)."""
    path = record_path(out_dir, place_id)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"{path}: the recorded footprint cannot be read ({exc}); delete it to record "
                          "the footprint afresh") from None
    if not isinstance(data, dict) or not isinstance(data.get("lsoa21"), list):
        raise OutputError(f"{path}: not a footprint record; delete it to record the footprint afresh")
    return data


def _same(then: dict, now: dict) -> bool:
    if sorted(then.get("lsoa21", [])) != now["lsoa21"]:
        return False
    # residents are compared when both runs could count them (a table not built is not a change)
    a, b = then.get("population"), now.get("population")
    return a is None or b is None or int(a) == int(b)


def _write(root, path: Path, record: dict) -> None:
    # through the publish gate: a declared file, inside the output folder, no symbolic link
    publish.write(root, path, json.dumps(record, indent=2, sort_keys=True))


def check(place, out_dir) -> FootprintCheck:
    """Compare the place as resolved now with its footprint of record under ``out_dir``.

    A place seen for the first time, or whose definition was edited, is recorded now;
    a changed resolution of an unchanged definition is reported (``status ==
    "changed"``) and the record is left as it was.

    Parameters
    ----------
    place : Place
        The place as resolved for this run.
    out_dir : path
        The ``--out`` folder (of ``report`` or ``batch``).

    Returns
    -------
    FootprintCheck
    """
    if out_dir is None:
        raise ValueError("out_dir is needed: footprints are recorded per output folder")
    now = record_for(place)
    then = recorded(out_dir, place.id)
    if then is None:
        status = FIRST
    elif then.get("definition_sha256") != now["definition_sha256"]:
        status = EDITED
    else:
        status = SAME if _same(then, now) else CHANGED
    if status in (FIRST, EDITED):
        _write(out_dir, record_path(out_dir, place.id), {**now, "recorded_because": (
            "first report of the place" if status == FIRST else "the place's definition was edited")})
    return FootprintCheck(place.id, status, now, then, place.name)


def screen(place_id: str, resolved: dict, checked: dict, not_updated: list, out_dir) -> str:
    """:func:`check` one place of a batch; ``""`` when it may be published, else why not.

    Records the check in ``checked[place_id]``. A refused place is taken out of
    ``resolved`` (nothing of it is written into the run) and, when its footprint
    changed, added to ``not_updated`` (``{"id", "name"}``, named on the site index).
    An unreadable record refuses that place only; the batch goes on with the others.
    """
    try:
        result = checked[place_id] = check(resolved[place_id], out_dir)
    except CcdataError as exc:
        resolved.pop(place_id)
        return str(exc).splitlines()[0]
    if not result.changed:
        return ""
    not_updated.append({"id": place_id, "name": resolved.pop(place_id).name})
    return result.message()


def write_resolved(place_dir, result: FootprintCheck, notes_dir: str = ".adviser") -> Path:
    """Save what this run resolved beside the place's pages (``<place>/.adviser/footprint.json``)."""
    path = Path(place_dir) / notes_dir / RESOLVED_FILE
    _write(Path(place_dir).parent, path, {**result.now, "status": result.status})
    return path


def accept(place, out_dir) -> FootprintCheck:
    """Record the place's footprint as resolved now as its footprint of record (``ccdata places accept``).

    Returns the check made before accepting, so the caller can say what changed.
    """
    if out_dir is None:
        raise ValueError("out_dir is needed: footprints are recorded per output folder")
    now = record_for(place)
    then = recorded(out_dir, place.id)
    status = FIRST if then is None else (
        EDITED if then.get("definition_sha256") != now["definition_sha256"] else SAME if _same(then, now) else CHANGED)
    result = FootprintCheck(place.id, status, now, then, place.name)
    _write(out_dir, record_path(out_dir, place.id), {**now, "recorded_because": "accepted with `ccdata places accept`",
                                            "replaces": None if then is None else {
                                                "n_lsoas": then.get("n_lsoas"), "population": then.get("population"),
                                                "resolved_at": then.get("resolved_at")}})
    return result


def write_refusal_notes(place, place_dir, result: FootprintCheck, run_date: str) -> Path:
    """The place's adviser notes when its pages were not published because its footprint changed.

    Only ``adviser-notes.html`` is written: the partner pages and the place's index stay
    as they were.
    """
    place_dir = Path(place_dir)
    place_dir.mkdir(parents=True, exist_ok=True)
    footer = f"{place.name} · produced {run_date} by ccdata {__version__} (git {git_hash()})."
    html = render("adviser_notes.html.j2", page_context(
        f"Notes for the adviser: {place.name}", footer=footer, nav=[{"href": "index.html", "title": "All pages"}],
        run_line=f"Updated {run_date}", run_date=run_date, fictional=place.fictional,
        fictional_notice=FICTIONAL_NOTICE),
        problems=[{"title": "Pages not updated: the place's footprint changed", "detail": result.message()}],
        views=[])
    return publish.write(place_dir.parent, place_dir / ADVISER_PAGE, html)


def accept_place(place_id: str, out_dir=None) -> FootprintCheck:
    """``ccdata places accept PLACE``: resolve the place now and record its footprint under ``out_dir``.

    Parameters
    ----------
    place_id : str
        A place in places.yaml.
    out_dir : path, optional
        The output folder whose record is replaced (default ``CCDATA_REPORTS_DIR`` or
        ``reports/``): the same ``--out`` as the ``report`` or ``batch`` that refused it.

    Returns
    -------
    FootprintCheck
        What was recorded before (``recorded``) and now (``now``).
    """
    check_place_id(place_id)
    return accept(resolve(place_id), Path(out_dir) if out_dir else config.reports_dir())
