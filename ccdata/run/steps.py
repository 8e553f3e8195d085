"""Every processed table ccdata builds: the geography and analysis layers' steps, assembled.

Each layer declares its own build steps in one place (:data:`ccdata.geo.build.STEPS`,
:data:`ccdata.analysis.steps.STEPS`); the run layer, which may import both, assembles
them here for ``ccdata build``, ``ccdata demo`` and batch runs, so the list does not
depend on which modules happen to have been imported (nothing registers itself on
import). A name declared by two layers is an error, not a silent replacement.
"""
from __future__ import annotations

from types import MappingProxyType

import pandas as pd

from ccdata import config
from ccdata.analysis import steps as analysis_steps
from ccdata.errors import CcdataError
from ccdata.geo import build as geo_build
from ccdata.geo.build import BuildResult, Step


def assemble(*layers) -> MappingProxyType:
    """``{name: Step}`` of every layer's steps, in the order given; each name declared once.

    Parameters
    ----------
    *layers : sequence of Step
        The steps of each layer (lower layers first).

    Raises
    ------
    TypeError
        Something that is not a :class:`~ccdata.geo.build.Step`.
    CcdataError
        Two steps with one name (named, with the modules of both makers).
    """
    out: dict[str, Step] = {}
    for steps in layers:
        for step in steps:
            if not isinstance(step, Step):
                raise TypeError(f"a build step must be a Step, not {type(step).__name__}")
            if step.name in out:
                first = out[step.name].make
                raise CcdataError(f"processed table {step.name!r} is declared twice: by "
                                  f"{first.__module__}.{first.__qualname__} and "
                                  f"{step.make.__module__}.{step.make.__qualname__}")
            out[step.name] = step
    return MappingProxyType(out)


#: Every processed table, by name: the geography layer's, then the analysis layer's.
STEPS = assemble(geo_build.STEPS.values(), analysis_steps.STEPS)


def step(name: str) -> Step:
    """The build step of a processed table of any layer.

    Raises
    ------
    CcdataError
        No layer declares a table of that name (the known ones are listed).
    """
    if not isinstance(name, str):
        raise TypeError(f"a processed table is named by a string, not {type(name).__name__}")
    if name not in STEPS:
        raise CcdataError(f"unknown processed table {name!r}; known: {', '.join(sorted(STEPS))}")
    return STEPS[name]


def build(collection: str = config.OFFICIAL, force: bool = False, progress: bool = True,
          names: list[str] | None = None) -> list[BuildResult]:
    """Build every processed table of every layer whose inputs are available.

    The arguments are those of :func:`ccdata.geo.build.build`, over :data:`STEPS`.
    """
    return geo_build.build(collection, force=force, progress=progress, names=names, steps=STEPS.values())


def table(name: str, collection: str = config.OFFICIAL) -> pd.DataFrame:
    """Read any layer's processed table by name (building it first when missing or stale)."""
    return geo_build.table(step(name), collection)
