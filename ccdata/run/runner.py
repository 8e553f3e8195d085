"""Warm kernels: run many report notebooks on one kernel that has already imported ccdata.

Starting a kernel and importing ccdata, pandas, geopandas, matplotlib and folium
takes seconds, and a batch used to pay it for every view of every place. A
:class:`WarmKernel` starts one kernel, imports those modules once, and runs each
notebook through papermill (so notebooks stay papermill-parameterised and the
executed notebook, with the failing cell's error, is written exactly as before).

Between notebooks the kernel is put back to the state it had after the imports:
the IPython namespace and its execution counter are reset, matplotlib figures
closed and its rcParams restored, the warnings filters and ``showwarning``
restored and the working folder restored. Processed tables read from the cache
stay in memory (they depend on the data, not the place, and are keyed by file
time), and so do the last places resolved with the figures computed for them
(:mod:`ccdata.geo.placecache`: keyed by the place's definition and the tables it
was resolved from, recomputed when either changes), so the next view of the same
place does not compute them again. After a
notebook fails, times out or the kernel dies, the kernel is replaced by a new
one, so a failure never leaks into the next notebook. The environment variables
the kernel inherited (``CCDATA_*``) are checked before each notebook; if they
changed, the kernel is replaced too.

:func:`worker_kernel` gives each process one warm kernel, shut down at exit.
"""
from __future__ import annotations

import atexit
import os
import shutil
import threading
import time
from pathlib import Path

from ccdata import cache
from ccdata.errors import WarmKernelError
from ccdata.files import work_folder
from ccdata.run.registry import VIEWS

#: Modules every warm kernel imports when it starts (missing optional ones are skipped); the
#: views add their own (:meth:`ccdata.run.registry.ViewRegistry.preload`, see :func:`default_preload`).
BASE_PRELOAD = ("pandas", "numpy", "pyarrow.parquet", "geopandas", "shapely", "pyproj", "matplotlib.pyplot",
                "seaborn", "folium", "branca", "jinja2", "IPython.display",
                "ccdata", "ccdata.views.common", "ccdata.geo.places", "ccdata.geo.placecache", "ccdata.geo.build",
                "ccdata.present.blocks", "ccdata.present.charts", "ccdata.run.placework")


def default_preload() -> tuple[str, ...]:
    """What a warm kernel imports when it starts: :data:`BASE_PRELOAD`, then every view's preloads."""
    return tuple(dict.fromkeys(BASE_PRELOAD + VIEWS.preload()))


ENGINE = "ccdata-warm"
#: Kernel-side code: take a snapshot of the state a notebook may change.
_BASELINE = """
def __ccdata_warm_setup():
    import importlib, os, sys, warnings
    for name in {modules!r}:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    import matplotlib
    state = {{"filters": list(warnings.filters), "showwarning": warnings.showwarning,
              "formatwarning": warnings.formatwarning, "rc": matplotlib.rcParams.copy(),
              "cwd": os.getcwd(), "path": list(sys.path)}}
    import ccdata.run.runner
    ccdata.run.runner._KERNEL_BASELINE = state
__ccdata_warm_setup()
del __ccdata_warm_setup
"""
_RESET = "__import__(\"ccdata.run.runner\", fromlist=[\"_kernel_reset\"])._kernel_reset()"
#: Kernel-side code: call a library function and write its (JSON) result to a file.
_CALL = """
def __ccdata_call():
    import importlib, json
    module = importlib.import_module({module!r})
    result = getattr(module, {function!r})(**json.loads({kwargs!r}))
    with open({path!r}, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
__ccdata_call()
del __ccdata_call
"""
#: Modules whose functions :meth:`WarmKernel.call` may run in the kernel.
CALLABLE = ("ccdata.run.placework",)

#: Set inside a warm kernel: what ``_kernel_reset`` restores.
_KERNEL_BASELINE: dict | None = None




def _kernel_reset() -> None:
    """Put this kernel back to the state recorded after the imports (runs inside the kernel)."""
    import sys
    import warnings

    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    base = _KERNEL_BASELINE
    if base is None:
        raise WarmKernelError("this kernel was not started as a warm kernel")
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.update(base["rc"])
    warnings.filters[:] = base["filters"]
    warnings.showwarning = base["showwarning"]
    warnings.formatwarning = base["formatwarning"]
    warnings._filters_mutated()  # per-module "once" registries are invalidated
    os.chdir(base["cwd"])
    sys.path[:] = base["path"]
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # namespace, output history, execution counter


def _environment() -> dict:
    return {k: v for k, v in os.environ.items() if k.startswith("CCDATA_")}


@cache.pure("single")
def _engine_class():
    # papermill and nbclient are heavy: imported only when a notebook is run
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger

    class WarmEngine(NBClientEngine):
        """Papermill's nbclient engine on a kernel (and client) that is already running."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None,
                                     warm=None, **kwargs):
            if warm is None or warm.km is None or warm.kc is None:
                raise WarmKernelError("the warm engine needs a started WarmKernel (warm=...)")
            client = PapermillNotebookClient(
                nb_man, km=warm.km, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=logger, log_output=log_output,
                stdout_file=stdout_file, stderr_file=stderr_file)
            client.kc = warm.kc  # not owned by the client: kept open for the next notebook
            return client.execute()

    return WarmEngine


#: The kernel every report notebook runs on, whatever kernel the notebook itself names (a
#: "ccdata" kernel registered for Lab, say): the interpreter running ccdata.
KERNEL_NAME = "python3"


#: Longest path of a kernel's Unix socket: the system limit is 104 (macOS) or 108 (Linux) bytes.
_SOCKET_PATH_MAX = 100


def kernel_manager(kernel_name: str = KERNEL_NAME, *, tcp: bool = False):
    """A kernel manager (not started) and the private folder of its sockets.

    On POSIX systems the kernel and this process talk over Unix sockets in a new folder only
    this user can open, under the process's work folder. Local TCP ports (Jupyter's default)
    are picked before the kernel binds them, so two kernels starting at the same moment (the
    workers of a batch) could be handed the same port, and the kernel then hung. On Windows,
    when the temporary folder's path is too long for a socket, or with ``tcp=True`` (the
    second try of a kernel that did not answer), TCP is used and the folder is ``None``.
    """
    import tempfile

    from jupyter_client.manager import (
        KernelManager,  # heavy: only when a kernel is started
    )

    if os.name != "nt" and not tcp:
        folder = tempfile.mkdtemp(prefix="k", dir=work_folder())
        ip = os.path.join(folder, "k")
        if len(os.fsencode(ip)) + 2 <= _SOCKET_PATH_MAX:  # the kernel adds "-1" ... "-5"
            return KernelManager(kernel_name=kernel_name, transport="ipc", ip=ip), folder
        _remove_sockets(folder)
    return KernelManager(kernel_name=kernel_name), None


def _stop(km, kc, folder: str | None) -> None:
    """Stop a kernel's client and process and remove its socket folder, whatever is left of them."""
    if kc is not None:
        try:
            kc.stop_channels()
        except Exception:  # already gone
            pass
    if km is not None:
        try:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
        except Exception:
            pass
    _remove_sockets(folder)


def _remove_sockets(folder: str | None) -> None:
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


class WarmKernel:
    """One Python kernel reused for many notebooks, reset between them.

    Parameters
    ----------
    cwd : path
        Working folder of the kernel (the notebooks folder by default).
    preload : sequence of str, optional
        Modules imported when the kernel starts (default: :func:`default_preload`).
    startup_timeout : float
        Seconds to wait for the kernel to answer after starting.
    """

    def __init__(self, cwd: Path | str | None = None, preload=None, startup_timeout: float = 60):
        from ccdata.run.report import (
            NOTEBOOKS_DIR,  # report imports this module: read at call time
        )

        self.cwd = str(cwd or NOTEBOOKS_DIR)
        self.preload = tuple(default_preload() if preload is None else preload)
        self.startup_timeout = startup_timeout
        self.km = None
        self.kc = None
        self.env: dict = {}
        self.notebooks_run = 0
        self.starts = 0
        self.start_seconds = 0.0
        self._sockets: str | None = None

    # ------------------------------------------------------------------ life cycle
    @property
    def alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def start(self) -> None:
        """Start the kernel and import its :attr:`preload` modules (nothing if it is already running).

        A kernel that does not answer is stopped and started once more (over TCP, see
        :func:`kernel_manager`) before :class:`~ccdata.errors.WarmKernelError` is raised.
        """
        if self.alive:
            return
        started = time.perf_counter()
        self.shutdown()
        for attempt in (1, 2):
            # the second try over TCP: a temporary folder where sockets cannot be made fails once only
            km, folder = kernel_manager(tcp=attempt == 2)
            kc = None
            try:
                # its transport warning and "KeyboardInterrupt caught in kernel" on reset are noise
                km.start_kernel(cwd=self.cwd, extra_arguments=["--IPKernelApp.log_level=CRITICAL",
                                                               "--HistoryManager.hist_file=:memory:"])
                kc = km.client()
                kc.start_channels()
                kc.wait_for_ready(timeout=self.startup_timeout)
                break
            except BaseException as exc:  # a stopped run too: the half-started kernel never outlives it
                _stop(km, kc, folder)
                if not isinstance(exc, RuntimeError):
                    raise
                if attempt == 2:
                    raise WarmKernelError(f"the kernel did not start (tried twice): {exc}") from exc
        self.km, self.kc, self.env, self._sockets = km, kc, _environment(), folder
        self._run_code(_BASELINE.format(modules=self.preload), "importing ccdata in the kernel")
        self.starts += 1
        self.start_seconds += time.perf_counter() - started

    def shutdown(self) -> None:
        """Stop the kernel (safe to call twice)."""
        _stop(self.km, self.kc, self._sockets)
        self.km = self.kc = self._sockets = None

    def restart(self) -> None:
        """Replace the kernel by a new warm one."""
        self.shutdown()
        self.start()

    def _run_code(self, code: str, what: str, timeout: float = 120) -> None:
        reply = self.kc.execute_interactive(code, silent=True, store_history=False, timeout=timeout,
                                            output_hook=lambda msg: None)
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise WarmKernelError(f"{what} failed: {content.get('ename')}: {content.get('evalue')}")

    def reset(self) -> None:
        """Put the kernel back to its state after the imports (see the module docstring)."""
        self._run_code(_RESET, "resetting the kernel")

    # ------------------------------------------------------------------ running
    def call(self, target: str, timeout: float = 600, **kwargs):
        """Run ``module:function(**kwargs)`` in the kernel and return its result.

        Used for library work that should share the kernel's in-memory figures with the
        notebooks run before it (a place's summaries after its views). The arguments and
        the result travel as JSON; nothing is added to the kernel's namespace.

        Parameters
        ----------
        target : str
            ``"module:function"``, the module one of :data:`CALLABLE`.

        Raises
        ------
        ValueError
            ``target`` is not ``module:function`` of an allowed module.
        WarmKernelError
            The function raised (its exception type and message are given) or the
            kernel did not answer; the kernel is replaced before the next use.
        """
        import json
        import tempfile

        module, _, function = str(target).partition(":")
        if module not in CALLABLE or not function.isidentifier():
            raise ValueError(f"call expects 'module:function' with the module one of {CALLABLE}, not {target!r}")
        text = json.dumps(kwargs)  # a TypeError here names an argument that is not JSON
        if self.alive and self.env != _environment():
            self.restart()
        self.start()
        # under this process's one work folder, removed with it even if the run is killed here
        fd, path = tempfile.mkstemp(prefix="call-", suffix=".json", dir=work_folder())
        os.close(fd)
        try:
            try:
                self._run_code(_CALL.format(module=module, function=function, kwargs=text, path=path),
                               f"{target}", timeout=timeout)
            except BaseException:
                self.shutdown()  # a failed or unanswered call: start afresh next time
                raise
            return json.loads(Path(path).read_text(encoding="utf-8"))
        finally:
            Path(path).unlink(missing_ok=True)

    def execute(self, source: Path | str, output: Path | str, parameters: dict | None = None,
                execution_timeout: float | None = None, reset: bool = True) -> Path:
        """Execute a notebook with papermill on this kernel and write it to ``output``.

        ``reset=False`` leaves the kernel as the notebook left it (for a kernel stopped next).

        Raises
        ------
        papermill.PapermillExecutionError
            A cell failed; ``output`` holds the executed notebook with the error
            (as with a fresh kernel). The kernel is replaced before the next notebook.
        """
        import papermill as pm
        from papermill.engines import papermill_engines

        papermill_engines.register(ENGINE, _engine_class())
        if self.alive and self.env != _environment():
            self.restart()  # the data folder or places file changed: the kernel must see it
        self.start()
        try:
            pm.execute_notebook(str(source), str(output), parameters=parameters or {},
                                engine_name=ENGINE, warm=self, progress_bar=False,
                                request_save_on_cell_execute=False, log_output=False,
                                execution_timeout=execution_timeout)
        except BaseException:
            self.shutdown()  # a failed cell, a timeout or a dead kernel: start afresh next time
            raise
        finally:
            self.notebooks_run += 1
        try:
            if reset:
                self.reset()
        except Exception:  # the notebook ran; a kernel that cannot be put back is replaced
            self.shutdown()
        return Path(output)


def execute_fresh(source: Path | str, output: Path | str, parameters: dict | None = None,
                  execution_timeout: float | None = None) -> Path:
    """Execute a notebook on a kernel started for it alone, stopped afterwards.

    The same kernel start and papermill engine as a warm kernel (see :class:`WarmKernel`),
    without its preloaded modules. Raises as :meth:`WarmKernel.execute` does.
    """
    kernel = WarmKernel(preload=())
    try:
        return kernel.execute(source, output, parameters, execution_timeout=execution_timeout, reset=False)
    finally:
        kernel.shutdown()


_WORKER: WarmKernel | None = None


def worker_kernel() -> WarmKernel:
    """This process's warm kernel (started on first use, stopped when the process exits)."""
    global _WORKER
    if _WORKER is None:
        _WORKER = WarmKernel()
        atexit.register(shutdown_worker_kernel)
    return _WORKER


def shutdown_worker_kernel() -> None:
    """Stop this process's warm kernel, if one was started."""
    global _WORKER
    if _WORKER is not None:
        _WORKER.shutdown()
        _WORKER = None


#: How often a worker checks that the batch that started it is still running (seconds).
PARENT_CHECK_SECONDS = 2.0


def watch_parent(parent: int) -> None:
    """Start of a worker process: when the batch process ``parent`` is gone, stop this
    worker and its warm kernel (they would otherwise go on with the queued places, with
    no one to report to)."""
    if not isinstance(parent, int) or parent <= 0:
        raise ValueError(f"watch_parent expects the batch's process id, not {parent!r}")

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if os.getppid() != parent:
                shutdown_worker_kernel()
                os._exit(3)

    threading.Thread(target=watch, name="ccdata-batch-parent", daemon=True).start()
