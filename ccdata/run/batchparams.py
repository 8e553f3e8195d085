"""Batch parameter files: what ``ccdata batch -f FILE`` reads (see ``examples/batch-params.yaml``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ccdata.errors import BatchError, MissingDataError
from ccdata.io import yamlfile

#: Keys allowed in a ``-f`` parameter file.
PARAMETER_KEYS = ("places", "views", "parameters", "place_parameters", "jobs", "out", "skip_unavailable")




@dataclass
class BatchParameters:
    """A parameter file's content (see ``examples/batch-params.yaml``)."""

    places: list[str] | None = None  # None: not given; ["all"] is expanded by run_batch
    views: list[str] | None = None
    parameters: dict = field(default_factory=dict)
    place_parameters: dict = field(default_factory=dict)
    jobs: int | None = None
    out: str | None = None
    skip_unavailable: bool = False


def load_parameters(path: Path | str) -> BatchParameters:
    """Read and check a batch parameter file (YAML).

    Raises
    ------
    MissingDataError
        The file does not exist.
    BatchError
        Not a mapping, an unknown key, or a value of the wrong type (the key is named).
    """
    path = Path(path)
    if not path.exists():
        raise MissingDataError(f"batch parameter file {path} does not exist")
    try:
        data = yamlfile.load(path, what="batch parameter file") or {}
    except yamlfile.YamlError as exc:
        raise BatchError(str(exc)) from None
    if not isinstance(data, dict):
        raise BatchError(f"{path}: expected a mapping with keys {', '.join(PARAMETER_KEYS)}")
    unknown = sorted(set(data) - set(PARAMETER_KEYS))
    if unknown:
        raise BatchError(f"{path}: unknown key(s) {unknown}; allowed: {', '.join(PARAMETER_KEYS)}")
    out = BatchParameters()
    places = data.get("places")
    if places is not None:
        if places == "all":
            places = ["all"]
        if not isinstance(places, list) or not all(isinstance(p, str) for p in places):
            raise BatchError(f"{path}: 'places' must be 'all' or a list of place ids")
        out.places = places
    views = data.get("views")
    if views is not None:
        if not isinstance(views, list) or not all(isinstance(v, str) for v in views):
            raise BatchError(f"{path}: 'views' must be a list of view names")
        out.views = views
    for key in ("parameters", "place_parameters"):
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise BatchError(f"{path}: {key!r} must be a mapping")
        setattr(out, key, value)
    for pid, value in out.place_parameters.items():
        if not isinstance(value, dict):
            raise BatchError(f"{path}: place_parameters[{pid!r}] must be a mapping of parameters")
    if data.get("jobs") is not None:
        if not isinstance(data["jobs"], int) or isinstance(data["jobs"], bool) or data["jobs"] < 1:
            raise BatchError(f"{path}: 'jobs' must be a whole number of at least 1")
        out.jobs = data["jobs"]
    if data.get("out") is not None:
        out.out = str(data["out"])
    if "skip_unavailable" in data:
        if not isinstance(data["skip_unavailable"], bool):
            raise BatchError(f"{path}: 'skip_unavailable' must be true or false")
        out.skip_unavailable = data["skip_unavailable"]
    return out
