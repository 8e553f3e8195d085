"""What a place's kernel computes besides its notebooks: the key findings and the summaries "What changed" reads.

``report`` and ``batch`` run a place's views on one warm kernel and then call these
functions on the same kernel (:meth:`ccdata.run.runner.WarmKernel.call`), so the figures
the views computed for the place are not computed again, and the parent process, which
writes the place's index, never computes them at all. The results travel as JSON.
"""
from __future__ import annotations

import warnings

from ccdata.analysis import findings as key_findings
from ccdata.errors import DataQualityWarning
from ccdata.geo.placecache import resolve
from ccdata.run.changes import save_summaries
from ccdata.run.folders import place_folder

#: The status :func:`place_summaries` gives a summary file that was written.
OK = "ok"


def place_findings(place_id: str) -> dict:
    """A place's key-finding sentences, or why they could not be worked out.

    Parameters
    ----------
    place_id : str
        A place in places.yaml (resolved from the processed cache, where the run left it).

    Returns
    -------
    dict
        ``findings``: the sentences, or ``None`` when they could not be computed;
        ``error``: ``"<exception type>: <message>"`` in that case (for the adviser notes), else ``None``.

    Raises
    ------
    PlaceError
        ``place_id`` is not a place (:func:`ccdata.geo.places.check_defined`).
    """
    place = resolve(place_id)
    try:
        with warnings.catch_warnings():  # the views' adviser notes carry the data notes
            warnings.simplefilter("ignore", DataQualityWarning)
            return {"findings": list(key_findings.for_place(place).sentences), "error": None}
    except Exception as exc:  # the index is still written; the adviser sees why
        return {"findings": None, "error": f"{type(exc).__name__}: {exc}"}


def place_summaries(place_id: str, out_dir: str) -> dict:
    """Save a place's summaries into ``<out_dir>/<place_id>/`` and compute its key findings.

    What the batch's summaries task does, in whichever process holds the place's figures.

    Returns
    -------
    dict
        ``status`` (file name -> ``"ok"`` or why it was not written), ``bytes`` written,
        and ``findings`` and ``error`` as :func:`place_findings`.
    """
    place = resolve(place_id)
    folder = place_folder(out_dir, place_id)
    with warnings.catch_warnings():  # the views' adviser notes carry the data notes
        warnings.simplefilter("ignore", DataQualityWarning)
        status = save_summaries(place, folder)
    size = sum((folder / k).stat().st_size for k, v in status.items() if v == OK)
    return {"status": status, "bytes": size, **place_findings(place_id)}


def findings_for(place_id: str, kernel=None) -> dict:
    """:func:`place_findings` on ``kernel`` (a :class:`ccdata.run.runner.WarmKernel` that ran the
    place's views), or in this process when there is none; a kernel that fails is reported, never raised.

    Returns
    -------
    dict
        ``findings`` and ``error`` as :func:`place_findings`.
    """
    if kernel is None:
        return place_findings(place_id)
    try:
        return kernel.call(f"{__name__}:place_findings", place_id=place_id)
    except Exception as exc:  # a kernel that died or timed out: the index is still written
        return {"findings": None, "error": f"{type(exc).__name__}: {exc}"}
