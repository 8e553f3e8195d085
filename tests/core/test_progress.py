"""Progress bars: the notebook bar only in a kernel with ipywidgets, so no notebook shows a TqdmWarning."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from tqdm.std import tqdm as text_tqdm

from ccdata import progress

ROOT = Path(__file__).resolve().parents[2]


def test_text_bar_outside_a_kernel_or_without_widgets():
    assert not progress.in_kernel()  # pytest is not a Jupyter kernel
    assert progress.bar_class() is text_tqdm
    assert progress.bar_class(kernel=False, widgets=True) is text_tqdm
    assert progress.bar_class(kernel=True, widgets=False) is text_tqdm


def test_notebook_bar_in_a_kernel_with_widgets():
    pytest.importorskip("ipywidgets")
    from tqdm.notebook import tqdm as notebook_tqdm

    assert progress.bar_class(kernel=True, widgets=True) is notebook_tqdm


def test_a_bar_counts_like_tqdm():
    with progress.tqdm(total=3, desc="steps", disable=False) as bar:
        for _ in range(3):
            bar.update(1)
    assert bar.n == 3 and isinstance(bar, text_tqdm)


@pytest.mark.slow(reason="starts a notebook kernel")
def test_no_tqdm_warning_in_a_notebook_kernel(tmp_path, monkeypatch):
    """Importing every module that draws a bar, and drawing one, in a real kernel: no TqdmWarning.

    The last cell imports ``tqdm.auto`` as the modules did before: without ipywidgets that
    cell does show the warning, so the check can fail.
    """
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    cells = [
        "import ccdata\nfrom ccdata.io import http, fetch\nfrom ccdata.geo import build\nfrom ccdata.run import batch",
        "from ccdata.progress import tqdm\nwith tqdm(total=2, disable=False) as bar:\n    bar.update(2)",
        "from tqdm.auto import tqdm as auto_tqdm",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env_path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + (os.pathsep + env_path if env_path else ""))
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120).execute(cwd=str(tmp_path))
    texts = ["".join(o.get("text", "") + str(o.get("data", "")) for o in c.outputs) for c in nb.cells]
    assert "TqdmWarning" not in texts[0] and "TqdmWarning" not in texts[1], texts[:2]
    if not progress.widgets_available():
        assert "TqdmWarning" in texts[2]  # the check sees the warning when it is there
