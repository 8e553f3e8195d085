"""Batch runs: every view of every place, in parallel, into a dated run folder.

``run_batch`` is what ``ccdata batch`` and a yearly timer call. Each place goes
whole to one worker process (or Dask worker): its views one after another on the
worker's warm kernel, then its summaries on the same kernel, so the figures
computed for the place are computed once (:func:`run_group`). One failing notebook
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

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import shutil
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from ccdata import config
from ccdata._version import __version__
from ccdata.analysis import findings as key_findings
from ccdata.errors import DataQualityWarning, MissingDataError, PlaceError
from ccdata import publish
from ccdata.files import clean_parts, work_folder
from ccdata.run.steps import build
from ccdata.geo.placecache import resolve
from ccdata.geo.placecache import resolve as get_place
from ccdata.geo.places import check_place_id, definitions
from ccdata.io.fetch import fetch
from ccdata.present.pages import ADVISER_PAGE
from ccdata.progress import tqdm
from ccdata.run import footprints
from ccdata.run import report as report_mod
from ccdata.run.changes import save_summaries
from ccdata.run.changes_page import write_changes
from ccdata.run.batchparams import (  # noqa: F401  (the parameter file, named here too)
    PARAMETER_KEYS,
    BatchError,
    BatchParameters,
    load_parameters,
)
from ccdata.run.report import VIEWS, report
from ccdata.run.runner import (  # noqa: F401  (watch_parent, PARENT_CHECK_SECONDS: a worker's start, named here too)
    PARENT_CHECK_SECONDS,
    shutdown_worker_kernel,
    watch_parent,
    worker_kernel,
)
from ccdata.run.site import (  # noqa: F401  (LATEST, LATEST_TXT, RUN_ID_FORMAT: the run layout, named here too)
    CHANGES_LINK,
    LATEST,
    LATEST_TXT,
    RUN_ID_FORMAT,
    RUN_JSON,
    RUNS,
    _new_run_id,
    _runs,
    _update_latest,
    clean_dead_runs,
    data_vintages,
    latest_run,
    render_run_index,
    render_run_notes,
    render_site_index,
)

SUMMARY_CSV = "summary.csv"
#: The pseudo-view that saves a place's aggregate summaries for "what changed".
SUMMARIES = "summaries"
OK, FAILED, SKIPPED, UNAVAILABLE = "ok", "failed", "skipped", "unavailable"
#: A view whose page was published without the sections of a refused local file: the run fails.
REFUSED = "refused"
#: Environment variables a task carries to its worker (a Dask worker may not share ours).
TASK_ENV = ("CCDATA_DATA_DIR", "CCDATA_PLACES", "CCDATA_MIRROR")
SUMMARY_COLUMNS = ["place", "view", "status", "seconds", "size_kib", "message"]


# --------------------------------------------------------------------------- tasks
@dataclass(frozen=True)
class Task:
    """One unit of work: a view of a place (or its summaries), written under ``out_dir``."""

    place_id: str
    view: str
    out_dir: str
    parameters: dict = field(default_factory=dict)
    nav: tuple[str, ...] = ()
    env: dict = field(default_factory=dict)
    warm: bool = True  # run on the worker's warm kernel (ccdata.run.runner), not a fresh one


@dataclass
class TaskResult:
    """What one task did. ``bytes`` is the size of the file it wrote."""

    place: str
    view: str
    status: str
    seconds: float = 0.0
    bytes: int = 0
    message: str = ""
    #: The place's key findings (the summaries task computes them beside the indicators it
    #: saves, so the run's place index need not compute them again); not saved in run.json.
    findings: list[str] | None = None


@contextlib.contextmanager
def _environment(env: dict):
    old = {k: os.environ.get(k) for k in env}
    changed = {k: v for k, v in env.items() if os.environ.get(k) != v}
    os.environ.update(changed)
    try:
        yield
    finally:
        for k in changed:
            if old[k] is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = old[k]


def place_summaries(place_id: str, out_dir: str) -> dict:
    """Save a place's summaries into ``<out_dir>/<place_id>/`` and compute its key findings.

    What the :data:`SUMMARIES` task does, in whichever process holds the place's figures
    (the warm kernel that ran its views, see :meth:`ccdata.run.runner.WarmKernel.call`).

    Returns
    -------
    dict
        ``status`` (file name -> ``"ok"`` or why it was not written), ``bytes`` written,
        and ``findings`` (the key-finding sentences, or ``None`` when they could not be
        computed: the run's place index then computes them and reports why).
    """
    check_place_id(place_id)
    place = resolve(place_id)
    folder = report_mod.place_folder(out_dir, place_id)
    with warnings.catch_warnings():  # the views' adviser notes carry the data notes
        warnings.simplefilter("ignore", DataQualityWarning)
        status = save_summaries(place, folder)
    size = sum((folder / k).stat().st_size for k, v in status.items() if v == OK)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            sentences = list(key_findings.for_place(place).sentences)
    except Exception:
        sentences = None
    return {"status": status, "bytes": size, "findings": sentences}


def run_group(runner: Callable[[Task], TaskResult], tasks: list[Task]) -> list[TaskResult]:
    """Run one place's tasks one after another in this process (its views, then its summaries).

    A batch hands each worker whole places, so the views and the summaries of a place
    run on one warm kernel and share the figures computed for it.
    """
    out = []
    for task in tasks:
        try:
            out.append(runner(task))
        except Exception as exc:  # reported for this task; the place's other tasks still run
            out.append(TaskResult(task.place_id, task.view, FAILED, message=f"{type(exc).__name__}: {exc}"))
    return out


def run_task(task: Task) -> TaskResult:
    """Run one task (in a worker process). Never raises for a data or notebook problem.

    A view task calls :func:`ccdata.run.report.report` for that one view, on this
    process's warm kernel (:func:`ccdata.run.runner.worker_kernel`, reset between
    notebooks) unless ``task.warm`` is false; the :data:`SUMMARIES` task calls
    :func:`ccdata.run.changes.save_summaries`. The place comes from the processed cache
    (:mod:`ccdata.geo.placecache`), where :func:`run_batch` left it.
    """
    started = time.perf_counter()
    try:
        with _environment(task.env):
            if task.view == SUMMARIES:
                # on the warm kernel, after the place's views: their figures are not computed again
                done = (worker_kernel().call(f"{__name__}:place_summaries", place_id=task.place_id,
                                             out_dir=task.out_dir)
                        if task.warm else place_summaries(task.place_id, task.out_dir))
                missing = sorted(k for k, v in done["status"].items() if v != OK)
                return TaskResult(task.place_id, task.view, OK, time.perf_counter() - started, done["bytes"],
                                  f"not available: {', '.join(missing)}" if missing else "",
                                  findings=done["findings"])

            kernel = worker_kernel() if task.warm else None
            # the place's index is written once by run_batch, not after each view
            result = report(task.place_id, out=task.out_dir, views=[task.view],
                            parameters=task.parameters or None, nav=list(task.nav), kernel=kernel,
                            index=False, check_footprint=False)
            vr = next((v for v in result.views if v.view == task.view), None)
            if vr is None:
                return TaskResult(task.place_id, task.view, FAILED, time.perf_counter() - started,
                                  message="report() returned no result for this view")
            if vr.status == OK and vr.refused:
                return TaskResult(task.place_id, task.view, REFUSED, time.perf_counter() - started,
                                  vr.bytes, "; ".join(vr.refused))
            return TaskResult(task.place_id, task.view, vr.status, time.perf_counter() - started,
                              vr.bytes, vr.message)
    except Exception as exc:  # reported in the summary; the other tasks go on
        return TaskResult(task.place_id, task.view, FAILED, time.perf_counter() - started,
                          message=f"{type(exc).__name__}: {exc}".split("\n")[0])


# --------------------------------------------------------------------------- results
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


# --------------------------------------------------------------------------- running
def _execute(tasks: list[Task], runner: Callable[[Task], TaskResult], jobs: int,
             scheduler: str | None, progress: bool) -> list[TaskResult]:

    results: list[TaskResult] = []
    bar = tqdm(total=len(tasks), desc="ccdata batch", unit="task", disable=not progress)
    groups: dict[str, list[Task]] = {}
    for t in tasks:  # a place's tasks stay together, in order, on one worker (see run_group)
        groups.setdefault(t.place_id, []).append(t)

    def done(group: list[Task], get) -> None:
        try:
            got = get()
            if not isinstance(got, list) or len(got) != len(group):
                raise TypeError("the worker did not return one result per task")
        except Exception as exc:  # a worker that died: the place's tasks failed, not the batch
            got = [exc] * len(group)
        for task, res in zip(group, got):
            if isinstance(res, Exception):
                res = TaskResult(task.place_id, task.view, FAILED, message=f"{type(res).__name__}: {res}")
            elif not isinstance(res, TaskResult):
                res = TaskResult(task.place_id, task.view, FAILED,
                                 message=f"TypeError: runner returned {type(res).__name__}, not TaskResult")
            results.append(res)
            bar.set_postfix_str(f"{task.place_id}/{task.view} {res.status}")
            bar.update()

    try:
        if scheduler:
            try:
                from distributed import Client  # optional extra `ccdata[dask]`
                from distributed import as_completed as dask_completed
            except ImportError as exc:
                raise BatchError("--scheduler needs Dask distributed: pip install 'ccdata[dask]'") from exc
            with Client(scheduler) as client:
                futures = {client.submit(run_group, runner, g, pure=False, key=f"ccdata-{pid}-{id(g)}"): g
                           for pid, g in groups.items()}
                for fut in dask_completed(futures):
                    done(futures[fut], fut.result)
        elif tasks and jobs == 1:
            # one job: run here, one task after another (no process start-up cost)
            try:
                for g in groups.values():
                    done(g, lambda g=g: run_group(runner, g))
            finally:  # this process's warm kernel, if the tasks started one
                shutdown_worker_kernel()
        elif tasks:
            # spawn: workers start clean (no inherited threads or open kernels)
            ctx = multiprocessing.get_context("spawn")
            # the workers' temporary work goes under this process's one work folder (removed
            # when the batch ends); they read TMPDIR when they start
            with _environment({"TMPDIR": str(work_folder())}), \
                    ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=watch_parent,
                                        initargs=(os.getpid(),)) as pool:
                futures = {pool.submit(run_group, runner, g): g for g in groups.values()}
                for fut in as_completed(futures):
                    done(futures[fut], fut.result)
    finally:
        bar.close()
    return results


def _order(results: list[TaskResult], place_ids: list[str]) -> list[TaskResult]:

    rank = {v: i for i, v in enumerate(["*", *VIEWS, SUMMARIES])}
    pos = {p: i for i, p in enumerate(place_ids)}
    return sorted(results, key=lambda r: (pos.get(r.place, 1e9), rank.get(r.view, 99), r.view))


def refresh_data(place_ids: list[str] | None = None, *, mirror: str | None = None,
                 progress: bool = True) -> list[str]:
    """Bring the data behind the places up to date before a run.

    For places of the ``demo`` collection the fictional demo files are generated;
    for ``official`` places every dataset is fetched (from ``mirror`` or
    ``CCDATA_MIRROR`` when set, else from the official URLs; unchanged files are
    skipped by checksum). Each collection is then built. Nothing here stops the
    run: a dataset that cannot be fetched is reported in the returned lines and the
    places that need it are then listed as unavailable by :func:`run_batch`.

    Returns
    -------
    list of str
        One line per step, for the log.
    """

    defs = definitions(place_ids or ())
    ids = list(defs) if not place_ids else list(place_ids)
    unknown = [p for p in ids if p not in defs]
    if unknown:
        raise BatchError(f"unknown place(s) {unknown}; defined places: {', '.join(defs)}")
    collections = sorted({(defs[p] or {}).get("collection", config.OFFICIAL) for p in ids})
    lines = []
    for collection in collections:
        if collection == config.DEMO:
            from ccdata import (
                demo,  # the demo generator is loaded only to refresh the demo place
            )

            files = demo.generate()
            lines.append(f"demo: {len(files)} fictional files generated")
        else:

            results = fetch(mirror=mirror, progress=progress)
            ready = sum(r.ok for r in results)
            lines.append(f"{collection}: {ready} datasets ready, "
                         f"{sum(r.status == 'unavailable' for r in results)} unavailable")
            lines += [f"  fetch failed: {r.dataset_id}: {r.message}" for r in results if r.status == "failed"]
        built = build(collection, progress=progress)
        lines.append(f"{collection}: {sum(r.status == 'built' for r in built)} tables built, "
                     f"{sum(r.status == 'current' for r in built)} current")
        lines += [f"  build failed: {r.name}: {r.message}" for r in built if r.status == "failed"]
    return lines


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
        No places named, unknown view, bad ``jobs`` or parameters.
    PlaceError
        A named place is not defined in places.yaml.
    """

    started = time.perf_counter()
    if not all_places and not places:
        raise BatchError("name one or more places, or ask for all of them (--all)")
    if places is not None and (isinstance(places, str) or not all(isinstance(p, str) for p in places)):
        raise BatchError("places must be a list of place ids")
    defs = definitions(() if all_places else places)
    place_ids = list(defs) if all_places else list(dict.fromkeys(places))
    for pid in place_ids:
        check_place_id(pid)
    unknown = [p for p in place_ids if p not in defs]
    if unknown:
        raise PlaceError(f"unknown place(s) {unknown}; defined places: {', '.join(defs)} "
                         f"(in {config.places_file()})")
    wanted = list(views) if views else list(report_mod.VIEWS)
    bad_views = [v for v in wanted if v not in report_mod.VIEWS]
    if bad_views:
        raise BatchError(f"unknown view(s) {bad_views}; views are {list(report_mod.VIEWS)}")
    if jobs is None:
        jobs = os.cpu_count() or 1
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise BatchError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    for name, value in (("parameters", parameters), ("place_parameters", place_parameters)):
        if value is not None and not isinstance(value, dict):
            raise BatchError(f"{name} must be a mapping, not {type(value).__name__}")
    parameters, place_parameters = parameters or {}, place_parameters or {}
    runner = runner or run_task

    out = Path(out) if out else config.reports_dir()
    out = out.resolve()
    runs_dir = report_mod.make_folder(out / RUNS)
    clean_parts(out)  # what a run killed while publishing left behind
    clean_dead_runs(runs_dir)
    now = now or dt.datetime.now()
    run_id = _new_run_id(runs_dir, now)
    tmp = runs_dir / f".tmp-{run_id}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    env = {k: os.environ[k] for k in TASK_ENV if os.environ.get(k)}
    previous = latest_run(out)

    try:
        resolved, results, tasks, checked, not_updated = {}, [], [], {}, []
        for pid in place_ids:
            try:
                resolved[pid] = get_place(pid)
            except (MissingDataError, PlaceError) as exc:
                # a place whose data are not fetched is listed with the reason, not hidden
                results.append(TaskResult(pid, "*", SKIPPED if skip_unavailable else UNAVAILABLE,
                                          message=f"data not available: {str(exc).splitlines()[0]}"))
                continue
            refused = footprints.screen(pid, resolved, checked, not_updated, out)
            if refused:  # the same definition resolving differently (or an unreadable record): not published
                results.append(TaskResult(pid, "*", FAILED, message=refused))
                continue
            applicable = [(v, why) for v, why in report_mod.views_for(resolved[pid]) if v.name in wanted]
            nav = tuple(v.name for v, why in applicable if not why)
            for view, why in applicable:
                if why:
                    results.append(TaskResult(pid, view.name, SKIPPED, message=why))
                else:
                    params = {**parameters, **(place_parameters.get(pid) or {})}
                    tasks.append(Task(pid, view.name, str(tmp), params, nav, env, warm=bool(warm)))
            tasks.append(Task(pid, SUMMARIES, str(tmp), {}, nav, env, warm=bool(warm)))
        results += _execute(tasks, runner, jobs, scheduler, progress)
        results = _order(results, place_ids)

        run_date = now.date().isoformat()
        place_findings: dict[str, list[str] | None] = {}
        for pid, place in resolved.items():
            place_dir = tmp / pid
            place_dir.mkdir(exist_ok=True)
            prev_dir = previous / pid if previous else None
            try:
                write_changes(place_dir, prev_dir, place_name=place.name, run_id=run_id,
                              previous_run_id=previous.name if previous else None,
                              fictional=place.fictional)
            except Exception as exc:  # the comparison is reported, the pages stay
                results.append(TaskResult(pid, "changes", FAILED,
                                          message=f"{type(exc).__name__}: {str(exc).splitlines()[0]}"))
            rr = report_mod.ReportResult(pid, place_dir, [
                report_mod.ViewResult(r.view, OK if r.status == REFUSED else r.status, message=r.message,
                                      seconds=r.seconds, bytes=r.bytes,
                                      refused=[r.message] if r.status == REFUSED else [])
                for r in results if r.place == pid and r.view in report_mod.VIEWS])
            links = [CHANGES_LINK] if (place_dir / CHANGES_LINK[0]).exists() else []
            found = next((r.findings for r in results if r.place == pid and r.view == SUMMARIES
                          and r.findings is not None), None)
            if found is None:  # worked out here once, for the place's index and the site index
                with contextlib.suppress(Exception), warnings.catch_warnings():
                    warnings.simplefilter("ignore", DataQualityWarning)
                    found = list(key_findings.for_place(place).sentences)
            place_findings[pid] = found
            report_mod.write_place_index(place, place_dir, rr, run_date, extra_links=links, findings=found)
            footprints.write_resolved(place_dir, checked[pid], report_mod.NOTES_DIR)

        ok = all(r.status in (OK, SKIPPED) for r in results)
        git = report_mod.git_hash()
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
        _update_latest(out, run_id)
    latest = latest_run(out)
    latest_meta = (json.loads((latest / RUN_JSON).read_text(encoding="utf-8")) if latest else {})
    latest_results = [TaskResult(**t) for t in latest_meta.get("tasks", [])]
    latest_places = [{"id": pid, "name": (defs.get(pid) or {}).get("name", pid)}
                     for pid in latest_meta.get("places", [])]
    latest_vintages = pd.DataFrame(latest_meta.get("vintages", []),
                                   columns=["collection", "dataset", "title", "vintage"])

    publish.write(out, out / "index.html", render_site_index(
        out, latest.name if latest else None, _runs(out), latest_places, latest_results,
        latest_vintages, report_mod.git_hash(), findings=latest_meta.get("findings") or {}))
    return BatchResult(run_id, final, out, results, ok, ok, time.perf_counter() - started)
