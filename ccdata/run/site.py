"""The run site: its pages (site index, each run's index and adviser notes) and its latest pointer.

Rendered from the shared page shell (:mod:`ccdata.present.pages`); partner pages say
in plain words what is available, and every status message goes to the run's
adviser notes.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from ccdata import publish
from ccdata._version import __version__
from ccdata.io.fetch import read_manifest
from ccdata.present import table_html
from ccdata.present.pages import ADVISER_PAGE, page_context, render, shell
from ccdata.run.registry import VIEWS
from ccdata.sources import registry_table

RUN_ID_FORMAT = "%Y-%m-%dT%H%M%S"
RUNS = "runs"
RUN_JSON = "run.json"
LATEST = "latest"
LATEST_TXT = "latest.txt"
CHANGES_LINK = ("changes.html", "What changed since the last run")
#: The site index's title: what the pages are about, in the reader's words.
SITE_TITLE = "Growing up here: reports for each place"
#: How many of a place's key findings the site index shows (the rest are on its own index).
HEADLINES = 3


def data_vintages(collections) -> pd.DataFrame:
    """Registry vintage of every dataset available in each collection used.

    Returns
    -------
    DataFrame
        ``collection, dataset, title, vintage`` (only datasets fetched or generated).
    """

    reg = registry_table()
    rows = []
    for collection in sorted(set(collections)):
        for rec in reg.itertuples(index=False):
            if read_manifest(rec.id, collection).get("files"):
                rows.append({"collection": collection, "dataset": rec.id, "title": rec.title,
                             "vintage": rec.vintage})
    return pd.DataFrame(rows, columns=["collection", "dataset", "title", "vintage"])


# --------------------------------------------------------------------------- pages
def _long(run_id: str) -> str:
    """``2026-11-27T101500`` -> ``27 November 2026, 10:15`` (the run id if it does not parse;
    a second run in the same second, ``...T101500-2``, reads as the first)."""
    try:
        t = dt.datetime.strptime(str(run_id)[:17], RUN_ID_FORMAT)
    except (TypeError, ValueError):
        return str(run_id)
    return f"{t.day} {t:%B %Y, %H:%M}"


def _places(run_dir: Path, prefix: str, places: list[dict], results: list,
            findings: dict[str, list[str]] | None = None) -> list[dict]:
    """Each place with links to the pages that exist in ``run_dir`` (plain words; no reasons)
    and its first :data:`HEADLINES` key findings (from ``findings``, else the run's results)."""
    found = {r.place: list(r.findings) for r in results if getattr(r, "findings", None)}
    found.update(findings or {})
    rows = []
    for p in places:
        pid, folder = p["id"], run_dir / p["id"]
        if not folder.is_dir() or not (folder / "index.html").exists():
            rows.append({"name": p["name"], "href": "", "note": "not available this time", "links": [],
                         "findings": []})
            continue
        links = [{"href": prefix + pid + "/" + v.output, "title": v.title}
                 for v in VIEWS.values() if (folder / v.output).exists()]
        if (folder / CHANGES_LINK[0]).exists():
            links.append({"href": prefix + pid + "/" + CHANGES_LINK[0], "title": "What changed"})
        failed = any(r.status == "failed" for r in results if r.place == pid)
        rows.append({"name": p["name"], "href": prefix + pid + "/index.html", "links": links,
                     "note": "some pages are from an earlier run" if failed else "",
                     "findings": [str(f) for f in (found.get(pid) or [])[:HEADLINES]]})
    return rows


def _vintages(vintages: pd.DataFrame, caption: str) -> str:
    if not len(vintages):
        return "<p>No dataset was available.</p>"
    shown = vintages[["title", "vintage"]].rename(columns={"title": "Dataset", "vintage": "Release"})
    return table_html(shown.drop_duplicates(), caption=caption)


def render_run_index(run_id: str, run_dir: Path, places: list[dict], results: list,
                     vintages: pd.DataFrame, ok: bool, git: str,
                     findings: dict[str, list[str]] | None = None) -> str:
    """The run folder's ``index.html`` (links relative to the run folder).

    The status of every task, with its message, is on the run's ``adviser-notes.html``
    (:func:`render_run_notes`), linked from the footer.
    """
    page = page_context(f"Reports of {_long(run_id)}", run_line=f"ccdata {__version__} (git {git})",
                        adviser_href=ADVISER_PAGE)
    return render("run_index.html.j2", page, run_long=_long(run_id), ok=ok,
                  places=_places(run_dir, "", places, results, findings), status="",
                  datasets=len(vintages[["title", "vintage"]].drop_duplicates()) if len(vintages) else 0,
                  vintages=Markup(_vintages(vintages, "Datasets used by these reports, with their release")))


def render_run_notes(run_id: str, summary_frame: pd.DataFrame, git: str) -> str:
    """The run's ``adviser-notes.html``: what ran, with status, seconds, size and message."""
    frame = summary_frame.rename(columns={
        "place": "Place", "view": "Page", "status": "Status", "seconds": "Seconds",
        "size_kib": "Size (KiB)", "message": "Message"})
    page = page_context(f"Notes for the adviser: run {run_id}", run_line=f"ccdata {__version__} (git {git})",
                        nav=[{"href": "index.html", "title": "This run"}])
    return shell(page, table_html(frame, caption="What ran: status, seconds, size and message per page"))


def render_site_index(out: Path, latest_id: str | None, runs: list[dict], places: list[dict],
                      results: list, vintages: pd.DataFrame, git: str,
                      findings: dict[str, list[str]] | None = None) -> str:
    """``<out>/index.html``: each place of the latest good run with its headline findings and
    links, then every run; the list of datasets folded away.

    Parameters
    ----------
    findings : dict, optional
        Place id -> its key-finding sentences (the first :data:`HEADLINES` are shown).
    """
    if findings is not None and not isinstance(findings, dict):
        raise TypeError(f"findings must be a dict of place id -> sentences, not {type(findings).__name__}")
    today = dt.date.today()
    page = page_context(SITE_TITLE, kicker="Children's Communities",
                        run_line=f"Updated {today.day} {today:%B %Y}",
                        footer=f"ccdata {__version__} (git {git}).")
    runs_shown = [{"href": f"{RUNS}/{r['run_id']}/index.html", "label": _long(r["run_id"]),
                   "status": ("complete" if r["status"] == "ok" else "some pages could not be produced")
                   + _not_updated(r.get("not_updated"))}
                  for r in runs]
    return render("site_index.html.j2", page, latest_id=latest_id or "",
                  latest_long=_long(latest_id) if latest_id else "",
                  places=_places(out / RUNS / latest_id, f"{RUNS}/{latest_id}/", places, results, findings)
                  if latest_id else [], runs=runs_shown, datasets=len(vintages[["title", "vintage"]]
                                                                      .drop_duplicates()) if len(vintages) else 0,
                  vintages=Markup(_vintages(vintages, "Datasets used by the latest reports")))


def _not_updated(places) -> str:
    """Words naming the places a run left out because the area they cover changed unexpectedly."""
    names = [str(p.get("name") or p.get("id")) for p in places or [] if isinstance(p, dict)]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (f"; the reports for {listed} were not updated, because the area "
            f"{'it covers' if len(names) == 1 else 'they cover'} changed unexpectedly (the adviser's notes say how)")


def list_runs(out: Path) -> list[dict]:
    """Every finished run under ``out``, newest first: ``run_id``, ``status`` and the places ``not_updated``."""
    rows = []
    base = out / RUNS
    for folder in sorted(base.iterdir() if base.is_dir() else [], reverse=True):
        if folder.name.startswith(".") or not (folder / RUN_JSON).exists():
            continue
        try:
            meta = json.loads((folder / RUN_JSON).read_text(encoding="utf-8"))
        except ValueError:
            meta = {}
        rows.append({"run_id": folder.name, "status": "ok" if meta.get("ok") else "failed",
                     "not_updated": meta.get("not_updated") or []})
    return rows


# --------------------------------------------------------------------------- pointers
def latest_run(out: Path | str) -> Path | None:
    """The folder of the last successful run under ``out`` (``None`` if there is none)."""
    out = Path(out)
    txt = out / LATEST_TXT
    if txt.exists():
        run_id = txt.read_text(encoding="utf-8").strip()
        folder = out / RUNS / run_id
        if run_id and folder.is_dir():
            return folder
    return None


def update_latest(out: Path, run_id: str) -> None:
    """Point ``out/latest`` at the run: a relative symlink, or a copy where links fail."""

    link = out / LATEST
    target = Path(RUNS) / run_id
    tmp = out / f".{LATEST}.{os.getpid()}"
    try:
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(target, tmp, target_is_directory=True)
        if link.exists() and not link.is_symlink():  # a copy from an earlier fallback
            shutil.rmtree(link)
        os.replace(tmp, link)  # atomic: readers see the old or the new run, never none
    except (OSError, NotImplementedError):
        with contextlib.suppress(OSError):
            tmp.unlink()
        staging = out / f".{LATEST}.copy.{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(out / target, staging)
        old = out / f".{LATEST}.old.{os.getpid()}"
        if link.is_symlink():
            link.unlink()
        elif link.exists():
            os.replace(link, old)
        os.replace(staging, link)
        shutil.rmtree(old, ignore_errors=True)
    publish.write(out, out / LATEST_TXT, run_id + "\n")


def new_run_id(runs: Path, now: dt.datetime) -> str:
    """A new run's id: ``now`` as :data:`RUN_ID_FORMAT`, with ``-2``, ``-3``... when that second is taken."""
    base = now.strftime(RUN_ID_FORMAT)
    run_id, n = base, 1
    while (runs / run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def _gone(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def clean_dead_runs(runs_dir: Path) -> None:
    """Remove what runs killed while building left: their hidden run folders
    (``runs/.tmp-<id>-<pid>``) and half-moved ``latest`` pointers (``.latest.<pid>``,
    ``.latest.copy.<pid>``, ``.latest.old.<pid>`` beside ``runs``), when their process is gone;
    a run still building beside this one keeps its own."""
    runs_dir = Path(runs_dir)
    leftovers = [(e, e.name.rsplit("-", 1)[-1]) for e in runs_dir.glob(".tmp-*-*")]
    leftovers += [(e, e.name.rsplit(".", 1)[-1]) for e in runs_dir.parent.glob(f".{LATEST}.*")]
    for entry, pid in leftovers:
        if not _gone(pid):
            continue
        if entry.is_symlink() or entry.is_file():
            entry.unlink(missing_ok=True)
        elif entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
