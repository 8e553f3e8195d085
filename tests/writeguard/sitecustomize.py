"""Write guard for the test suite, loaded at start-up by every Python process the tests start.

``tests/conftest.py`` puts this folder first on ``PYTHONPATH`` and names, in
``CCDATA_TEST_GUARD_FOLDERS``, the checkout folders no test may write to (``data/`` and
``reports/``), and, in ``CCDATA_TEST_GUARD_LOG``, a log file. Python then imports this
module at start-up in every process the tests start (notebook kernels, warm kernels, the
command line run as a subprocess), and each process records in the log any write, rename,
removal or new folder under the guarded folders. A person's own ``ccdata build`` or
``report`` in the same checkout has no such hook, so it cannot fail the suite.

A notebook kernel also notes its start in ``CCDATA_TEST_KERNEL_LOG``: the suite fails a
test that starts a kernel without being marked slow.
"""
from __future__ import annotations

import os
import sys

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
#: Audit events that change the file system, and which of their arguments are paths.
_PATH_EVENTS = {
    "os.rename": (0, 1), "os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,),
    "shutil.rmtree": (0,), "os.symlink": (0, 1), "os.link": (0, 1), "os.truncate": (0,),
    "os.chmod": (0,), "os.utime": (0,),
}


def install(folders: list[str], log: str) -> None:
    """Record in ``log`` every change made by this process under one of ``folders``."""
    roots = tuple(os.path.join(os.path.realpath(f), "") for f in folders if f)
    bare = tuple(r.rstrip(os.sep) for r in roots)
    if not roots:
        return

    def _guarded(path) -> str | None:
        if isinstance(path, int):  # a file descriptor: the open that made it was seen
            return None
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str):
            try:
                path = os.fspath(path)
            except TypeError:
                return None
        full = os.path.realpath(path)
        if full.startswith(roots) or full in bare:
            return full
        return None

    def _hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and mode is None and flags & _WRITE_FLAGS)
            hits = [_guarded(path)] if writing else []
        elif event in _PATH_EVENTS:
            hits = [_guarded(args[i]) for i in _PATH_EVENTS[event] if i < len(args)]
        else:
            return
        for hit in hits:
            if hit and not hit.startswith(log):
                with _real_open(log, "a", encoding="utf-8") as fh:
                    fh.write(f"{event} {hit} (process {os.getpid()})\n")

    sys.addaudithook(_hook)


def note_kernel(log: str) -> None:
    """Add a line to ``log`` when this process is a notebook kernel (ipykernel)."""
    if any("ipykernel_launcher" in str(a) for a in getattr(sys, "orig_argv", sys.argv)):
        with _real_open(log, "a", encoding="utf-8") as fh:
            fh.write(f"kernel {os.getpid()}\n")


# the log itself is written with the open this module saw first, so recording never recurses
_real_open = open

_folders = os.environ.get("CCDATA_TEST_GUARD_FOLDERS")
_log = os.environ.get("CCDATA_TEST_GUARD_LOG")
if __name__ == "sitecustomize" and _folders and _log:  # loaded at start-up, not by conftest
    install(_folders.split(os.pathsep), _log)
_kernels = os.environ.get("CCDATA_TEST_KERNEL_LOG")
if __name__ == "sitecustomize" and _kernels:
    note_kernel(_kernels)
