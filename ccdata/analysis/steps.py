"""The processed tables the analysis layer computes: its build steps, declared in one tuple.

A derived table whose computation is analysis (the deprivation comparators: each
authority's and England's deprivation measures on the edition's own LSOAs) is declared
as a :class:`ccdata.geo.build.Step` in the module that computes and reads it, and listed
here. Nothing is registered when a module is imported: the run layer assembles these
with the geography layer's steps for ``ccdata build`` (:mod:`ccdata.run.steps`), and
the module that reads a table passes its own step to :func:`ccdata.geo.build.table`.
"""
from __future__ import annotations

from ccdata.analysis import deprivation
from ccdata.geo.build import Step

#: Every processed table of the analysis layer, in build order.
STEPS: tuple[Step, ...] = (deprivation.COMPARATORS_STEP,)
