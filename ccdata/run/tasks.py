"""A batch's tasks and how they run: one view of one place (or its summaries), grouped by place on workers.

A :class:`Task` is picklable and carries what its worker needs (the place, the view, the
output folder, parameters and environment); :func:`run_task` runs one and never raises for
a data or notebook problem; :func:`run_group` runs one place's tasks in order on one
process (so its views and its summaries share one warm kernel); :func:`execute_tasks`
hands the places to worker processes, to a Dask scheduler, or runs them here.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from ccdata.errors import BatchError
from ccdata.files import work_folder
from ccdata.progress import tqdm
from ccdata.run import placework
from ccdata.run.report import report
from ccdata.run.runner import shutdown_worker_kernel, watch_parent, worker_kernel

#: The pseudo-view that saves a place's aggregate summaries for "what changed".
SUMMARIES = "summaries"
OK, FAILED, SKIPPED, UNAVAILABLE = "ok", "failed", "skipped", "unavailable"
#: A view whose page was published without the sections of a refused local file: the run fails.
REFUSED = "refused"
#: Environment variables a task carries to its worker (a Dask worker may not share ours).
TASK_ENV = ("CCDATA_DATA_DIR", "CCDATA_PLACES", "CCDATA_MIRROR")


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
def environment(env: dict):
    """Set the variables of ``env`` for the duration of a ``with`` block, then put the old values back."""
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
    :func:`ccdata.run.placework.place_summaries`. The place comes from the processed cache
    (:mod:`ccdata.geo.placecache`), where :func:`run_batch` left it.
    """
    started = time.perf_counter()
    try:
        with environment(task.env):
            if task.view == SUMMARIES:
                # on the warm kernel, after the place's views: their figures are not computed again
                done = (worker_kernel().call("ccdata.run.placework:place_summaries", place_id=task.place_id,
                                             out_dir=task.out_dir)
                        if task.warm else placework.place_summaries(task.place_id, task.out_dir))
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


def execute_tasks(tasks: list[Task], runner: Callable[[Task], TaskResult], jobs: int,
                  scheduler: str | None, progress: bool) -> list[TaskResult]:
    """Run ``tasks``, each place's together and in order (:func:`run_group`), and return one result per task.

    ``scheduler`` (a Dask address) sends the places there; else ``jobs`` worker processes
    (spawned clean, stopped when this process is gone), or ``jobs == 1`` runs them here.
    A worker that dies fails its place's tasks, not the others.

    Raises
    ------
    BatchError
        ``scheduler`` is given but Dask distributed is not installed.
    """

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
            with environment({"TMPDIR": str(work_folder())}), \
                    ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=watch_parent,
                                        initargs=(os.getpid(),)) as pool:
                futures = {pool.submit(run_group, runner, g): g for g in groups.values()}
                for fut in as_completed(futures):
                    done(futures[fut], fut.result)
    finally:
        bar.close()
    return results
