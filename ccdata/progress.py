"""Progress bars that suit where ccdata runs: widgets in a Jupyter kernel that has them, text elsewhere.

``tqdm.auto`` picks its notebook bar inside any Jupyter kernel and, when ipywidgets
is not installed, prints a red ``TqdmWarning: IProgress not found`` at the top of the
notebook. :func:`tqdm` here chooses the notebook bar only when ipywidgets can be
imported, and the plain text bar otherwise, so no notebook starts with that warning.
"""
from __future__ import annotations

import importlib.util
import sys

from tqdm.std import tqdm as text_tqdm


def in_kernel() -> bool:
    """Whether the code runs in a Jupyter (IPython) kernel, not a terminal or script."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # an IPython too old or half-imported: not a kernel we can use
        return False
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def widgets_available() -> bool:
    """Whether ipywidgets can be imported (tqdm's notebook bar needs it)."""
    try:
        return importlib.util.find_spec("ipywidgets") is not None
    except (ImportError, ValueError):
        return False


def bar_class(kernel: bool | None = None, widgets: bool | None = None) -> type:
    """The tqdm class to use: ``tqdm.notebook.tqdm`` in a kernel with ipywidgets, else the text bar.

    Parameters
    ----------
    kernel, widgets : bool, optional
        Override the detection (:func:`in_kernel`, :func:`widgets_available`).
    """
    kernel = in_kernel() if kernel is None else bool(kernel)
    widgets = widgets_available() if widgets is None else bool(widgets)
    if kernel and widgets:
        from tqdm import notebook  # imports ipywidgets: only where it is present

        if getattr(notebook, "IProgress", None) is not None:  # ipywidgets too old: text bar
            return notebook.tqdm
    return text_tqdm


def tqdm(*args, **kwargs):
    """A progress bar (same arguments as :class:`tqdm.tqdm`) of the class :func:`bar_class` picks."""
    return bar_class()(*args, **kwargs)
