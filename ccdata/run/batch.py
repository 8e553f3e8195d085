"""Batch runs: every view of every place, in parallel, into a dated run folder.

``run_batch`` is what ``ccdata batch`` and a yearly timer call. Each place goes
whole to one worker process (or Dask worker): its views one after another on the
worker's warm kernel, then its summaries on the same kernel, so the figures
computed for the place are computed once (:func:`ccdata.run.tasks.run_group`). One failing notebook
never stops the others. A run is built in a hidden temporary folder and renamed to
``<out>/runs/<YYYY-MM-DD>T<HHMMSS>/`` when every task has finished, so a reader
never sees half a run. Layout::

    <out>/index.html                site index: the latest good run, every run
    <out>/latest -> runs/<id>       symlink, moved only when a run succeeded
    <out>/latest.txt                the latest good run id (always written; the
                                    pointer of record when symlinks are unavailable,
                                    in which case <out>/latest is a copy)
    <out>/runs/<id>/index.html      this run: places, views, status table, vintages
    <out>/runs/<id>/run.json        what ran, with status, seconds and bytes per task
    <out>/runs/<id>/summary.csv     the same status table
    <out>/runs/<id>/<place>/        views (report.py), index.html, changes.html and
                                    the aggregate summaries compared between runs
                                    (see :mod:`ccdata.run.changes`)

A run *succeeded* when no task failed and every requested place had its data. A
place whose data are not available is listed as ``unavailable`` with the reason;
``skip_unavailable=True`` accepts that (for a machine that holds only some data).
Re-running is safe: each run is a new folder, earlier runs are never modified, and
a run that dies leaves no partial folder behind.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from ccdata import config, publish
from ccdata._version import __version__
from ccdata.errors import BatchError, MissingDataError, PlaceError
from ccdata.files import clean_parts
from ccdata.geo.placecache import resolve
from ccdata.geo.places import check_defined, definitions
from ccdata.present.pages import ADVISER_PAGE
from ccdata.provenance import git_hash
from ccdata.run import footprints, placework
from ccdata.run.changes_page import write_changes
from ccdata.run.folders import make_folder
from ccdata.run.placeindex import write_place_index
from ccdata.run.registry import VIEWS
from ccdata.run.report import ReportResult, ViewResult, views_for
from ccdata.run.site import (
    CHANGES_LINK,
    RUN_JSON,
    RUNS,
    clean_dead_runs,
    data_vintages,
    latest_run,
    list_runs,
    new_run_id,
    render_run_index,
    render_run_notes,
    render_site_index,
    update_latest,
)
from ccdata.run.tasks import (
    FAILED,
    OK,
    REFUSED,
    SKIPPED,
    SUMMARIES,
    TASK_ENV,
    UNAVAILABLE,
    Task,
    TaskResult,
    execute_tasks,
    run_task,
)

SUMMARY_CSV = "summary.csv"
SUMMARY_COLUMNS = ["place", "view", "status", "seconds", "size_kib", "message"]


@dataclass
class BatchResult:
    """What a batch run did.

    Attributes
    ----------
    run_id : str
        ``YYYY-MM-DDTHHMMSS`` (with ``-2``... if that second was taken).
    run_dir : Path
        ``<out>/runs/<run_id>``.
    results : list of TaskResult
        One per place and view (and per place summaries); unavailable places have
        one row with view ``*``.
    ok : bool
        No task failed and no requested place was unavailable (unless skipped on purpose).
    latest_updated : bool
        Whether ``<out>/latest`` now points at this run.
    """

    run_id: str
    run_dir: Path
    out: Path
    results: list[TaskResult]
    ok: bool
    latest_updated: bool
    seconds: float

    def table(self) -> pd.DataFrame:
        """The summary table: place, view, status, seconds, size_kib, message."""
        return _summary_frame(self.results)

    @property
    def failures(self) -> list[TaskResult]:
        return [r for r in self.results if r.status in (FAILED, UNAVAILABLE)]

    def summary(self) -> str:
        frame = self.table()
        lines = [f"run {self.run_id}: {'ok' if self.ok else 'FAILED'} in {self.seconds:.0f}s -> {self.run_dir}"]
        lines.append(frame.to_string(index=False, max_colwidth=90) if len(frame) else "(nothing ran)")
        lines.append(f"latest -> {self.run_id}" if self.latest_updated else
                     "latest NOT updated (this run did not succeed); it still points to the last good run")
        return "\n".join(lines)


def _task_record(result: TaskResult) -> dict:
    """A task's row of ``run.json`` (its key findings are in the place's index instead)."""
    record = asdict(result)
    record.pop("findings", None)
    return record


def _summary_frame(results: list[TaskResult]) -> pd.DataFrame:
    rows = [{"place": r.place, "view": r.view, "status": r.status, "seconds": round(r.seconds, 1),
             "size_kib": round(r.bytes / 1024, 1), "message": r.message} for r in results]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _order(results: list[TaskResult], place_ids: list[str]) -> list[TaskResult]:

    rank = {v: i for i, v in enumerate(["*", *VIEWS.names(), SUMMARIES])}
    pos = {p: i for i, p in enumerate(place_ids)}
    return sorted(results, key=lambda r: (pos.get(r.place, 1e9), rank.get(r.view, 99), r.view))


def run_batch(places: list[str] | None = None, *, all_places: bool = False,
              views: list[str] | None = None, out: Path | str | None = None, jobs: int | None = None,
              parameters: dict | None = None, place_parameters: dict | None = None,
              scheduler: str | None = None, skip_unavailable: bool = False,
              runner: Callable[[Task], TaskResult] | None = None, progress: bool = True,
              now: dt.datetime | None = None, warm: bool = True) -> BatchResult:
    """Run every view for every place into a new dated run folder.

    Parameters
    ----------
    places : list of str, optional
        Place ids (from places.yaml). Required unless ``all_places``.
    all_places : bool
        Every place in places.yaml (``CCDATA_PLACES`` overrides the file).
    views : list of str, optional
        Views to run (default: every view; views that do not apply to a place are
        listed as skipped with the reason).
    out : path, optional
        Site folder (default ``CCDATA_REPORTS_DIR`` or ``reports/``).
    jobs : int, optional
        Worker processes (default: the number of CPUs). ``1`` runs the tasks in
        this process, one after another.
    parameters : dict, optional
        Papermill parameters for every notebook.
    place_parameters : dict, optional
        ``{place_id: {parameter: value}}``, overriding ``parameters`` for a place.
    scheduler : str, optional
        Address of a running Dask distributed scheduler (``tcp://host:8786``):
        tasks go there instead of to local processes. Workers must see ``out``
        and the data folder at the same paths.
    skip_unavailable : bool
        Accept places whose data are not available (listed, not counted as failures).
    runner : callable, optional
        ``runner(Task) -> TaskResult``, picklable (a module-level function);
        :func:`run_task` by default.
    progress : bool
        Show a progress bar.
    now : datetime, optional
        Run time used for the run id (default: now).
    warm : bool
        Each worker runs its notebooks on one warm kernel that has already imported
        ccdata and is reset between notebooks (:mod:`ccdata.run.runner`); ``False``
        starts a fresh kernel for every notebook.

    Returns
    -------
    BatchResult

    Raises
    ------
    BatchError
        No places named, bad ``jobs`` or parameters.
    PlaceError
        A named place is not defined in places.yaml.
    ViewError
        An unknown view.
    """

    started = time.perf_counter()
    defs, place_ids, wanted = _check_request(places, all_places, views, jobs, parameters, place_parameters)
    jobs = jobs or os.cpu_count() or 1
    parameters, place_parameters = parameters or {}, place_parameters or {}
    runner = runner or run_task

    out = Path(out) if out else config.reports_dir()
    out = out.resolve()
    runs_dir = make_folder(out / RUNS)
    clean_parts(out)  # what a run killed while publishing left behind
    clean_dead_runs(runs_dir)
    now = now or dt.datetime.now()
    run_id = new_run_id(runs_dir, now)
    tmp = runs_dir / f".tmp-{run_id}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    env = {k: os.environ[k] for k in TASK_ENV if os.environ.get(k)}
    previous = latest_run(out)

    try:
        results, tasks, resolved, checked, not_updated = _plan(place_ids, wanted, out, tmp, parameters,
                                                               place_parameters, env, bool(warm), skip_unavailable)
        results = _order(results + execute_tasks(tasks, runner, jobs, scheduler, progress), place_ids)
        place_findings = _place_pages(resolved, results, tmp, previous, run_id, now.date().isoformat(), checked)

        ok = all(r.status in (OK, SKIPPED) for r in results)
        git = git_hash()
        vintages = data_vintages(p.collection for p in resolved.values())
        place_rows = [{"id": pid, "name": resolved[pid].name if pid in resolved else defs[pid].get("name", pid)}
                      for pid in place_ids]
        meta = {"run_id": run_id, "ok": ok, "started": now.isoformat(timespec="seconds"),
                "seconds": round(time.perf_counter() - started, 1), "ccdata_version": __version__, "git": git,
                "places": place_ids, "views": wanted, "parameters": parameters,
                "place_parameters": place_parameters, "previous_run": previous.name if previous else None,
                "tasks": [_task_record(r) for r in results], "vintages": vintages.to_dict("records"),
                "not_updated": not_updated,  # footprint changed unexpectedly: named on the site index
                # each place's key findings, for the site index (which may show an earlier run)
                "findings": {pid: list(found) for pid, found in place_findings.items() if found}}

        publish.write(out, tmp / RUN_JSON, json.dumps(meta, indent=2, default=str))
        publish.write(out, tmp / SUMMARY_CSV, _summary_frame(results))
        final = runs_dir / run_id
        # the index is written with links checked against the finished folder's layout
        publish.write(out, tmp / "index.html", render_run_index(run_id, tmp, place_rows, results,
                                                                vintages, ok, git, meta["findings"]))
        publish.write(out, tmp / ADVISER_PAGE, render_run_notes(run_id, _summary_frame(results), git))
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    if ok:
        update_latest(out, run_id)
    _write_site_index(out, defs)
    return BatchResult(run_id, final, out, results, ok, ok, time.perf_counter() - started)


def _check_request(places, all_places: bool, views, jobs, parameters, place_parameters) -> tuple[dict, list, list]:
    """``(definitions, place ids, view names)`` of a batch request, after checking every argument.

    Raises
    ------
    BatchError
        No places named, places not a list, bad ``jobs`` or parameters.
    PlaceError
        A named place is not defined (:func:`ccdata.geo.places.check_defined`).
    ViewError
        An unknown view.
    """
    if not all_places and not places:
        raise BatchError("name one or more places, or ask for all of them (--all)")
    if places is not None and (isinstance(places, str) or not all(isinstance(p, str) for p in places)):
        raise BatchError("places must be a list of place ids")
    defs = definitions(() if all_places else places)
    place_ids = list(defs) if all_places else list(dict.fromkeys(places))
    check_defined(place_ids, defs)
    wanted = VIEWS.check(views)
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise BatchError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    for name, value in (("parameters", parameters), ("place_parameters", place_parameters)):
        if value is not None and not isinstance(value, dict):
            raise BatchError(f"{name} must be a mapping, not {type(value).__name__}")
    return defs, place_ids, wanted


def _plan(place_ids, wanted, out: Path, tmp: Path, parameters: dict, place_parameters: dict, env: dict,
          warm: bool, skip_unavailable: bool) -> tuple[list[TaskResult], list[Task], dict, dict, list]:
    """Each place resolved once and its footprint checked before anything runs.

    Returns
    -------
    tuple
        The results known already (places without data, refused footprints, views that do
        not apply), the tasks to run (each view, then the summaries), the resolved places
        ``{id: Place}``, their footprint checks ``{id: check}`` and the places whose
        footprint changed unexpectedly (:func:`ccdata.run.footprints.screen`).
    """
    results, tasks, resolved, checked, not_updated = [], [], {}, {}, []
    for pid in place_ids:
        try:
            resolved[pid] = resolve(pid)
        except (MissingDataError, PlaceError) as exc:
            # a place whose data are not fetched is listed with the reason, not hidden
            results.append(TaskResult(pid, "*", SKIPPED if skip_unavailable else UNAVAILABLE,
                                      message=f"data not available: {str(exc).splitlines()[0]}"))
            continue
        refused = footprints.screen(pid, resolved, checked, not_updated, out)
        if refused:  # the same definition resolving differently (or an unreadable record): not published
            results.append(TaskResult(pid, "*", FAILED, message=refused))
            continue
        applicable = [(v, why) for v, why in views_for(resolved[pid]) if v.name in wanted]
        nav = tuple(v.name for v, why in applicable if not why)
        for view, why in applicable:
            if why:
                results.append(TaskResult(pid, view.name, SKIPPED, message=why))
            else:
                params = {**parameters, **(place_parameters.get(pid) or {})}
                tasks.append(Task(pid, view.name, str(tmp), params, nav, env, warm=warm))
        tasks.append(Task(pid, SUMMARIES, str(tmp), {}, nav, env, warm=warm))
    return results, tasks, resolved, checked, not_updated


def _place_pages(resolved: dict, results: list[TaskResult], tmp: Path, previous: Path | None, run_id: str,
                 run_date: str, checked: dict) -> dict[str, list[str] | None]:
    """Each place's "what changed" page and index (``results`` gains a row for a failed comparison);
    returns each place's key findings, as its summaries task returned them."""
    place_findings: dict[str, list[str] | None] = {}
    for pid, place in resolved.items():
        place_dir = tmp / pid
        place_dir.mkdir(exist_ok=True)
        prev_dir = previous / pid if previous else None
        try:
            write_changes(place_dir, prev_dir, place_name=place.name, run_id=run_id,
                          previous_run_id=previous.name if previous else None, fictional=place.fictional)
        except Exception as exc:  # the comparison is reported, the pages stay
            results.append(TaskResult(pid, "changes", FAILED,
                                      message=f"{type(exc).__name__}: {str(exc).splitlines()[0]}"))
        rr = ReportResult(pid, place_dir, [
            ViewResult(r.view, OK if r.status == REFUSED else r.status, message=r.message,
                       seconds=r.seconds, bytes=r.bytes, refused=[r.message] if r.status == REFUSED else [])
            for r in results if r.place == pid and r.view in VIEWS])
        links = [CHANGES_LINK] if (place_dir / CHANGES_LINK[0]).exists() else []
        found = next((r.findings for r in results if r.place == pid and r.view == SUMMARIES
                      and r.findings is not None), None)
        # the summaries task did not return them (it failed, or a runner without it): worked out here once
        got = {"findings": found, "error": None} if found is not None else placework.findings_for(pid)
        place_findings[pid] = got["findings"]
        write_place_index(place, place_dir, rr, run_date, extra_links=links, findings=got["findings"],
                          findings_error=got["error"])
        footprints.write_resolved(place_dir, checked[pid], publish.NOTES_DIR)
    return place_findings


def _write_site_index(out: Path, defs: dict) -> None:
    """``<out>/index.html``: the latest good run (which may be an earlier one) and every run."""
    latest = latest_run(out)
    latest_meta = (json.loads((latest / RUN_JSON).read_text(encoding="utf-8")) if latest else {})
    latest_results = [TaskResult(**t) for t in latest_meta.get("tasks", [])]
    latest_places = [{"id": pid, "name": (defs.get(pid) or {}).get("name", pid)}
                     for pid in latest_meta.get("places", [])]
    latest_vintages = pd.DataFrame(latest_meta.get("vintages", []),
                                   columns=["collection", "dataset", "title", "vintage"])
    publish.write(out, out / "index.html", render_site_index(
        out, latest.name if latest else None, list_runs(out), latest_places, latest_results,
        latest_vintages, git_hash(), findings=latest_meta.get("findings") or {}))
