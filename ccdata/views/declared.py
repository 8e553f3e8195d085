"""The views, each declared once: its notebook, parameters, local files, the files it writes, its preloads.

A view is one notebook (``notebooks/``) plus one :class:`ViewSpec` here (plus, usually, a
module of section functions beside this one). :mod:`ccdata.run.registry` assembles
:data:`DECLARED` into the one registry ``report`` and ``batch`` read; nothing else names a
view, so no code asks which view it is running.

This module stays light (no analysis, no drawing): the command line reads it to know the
views, and only a notebook imports a view's sections.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ccdata.errors import ViewError
from ccdata.publish import Output

#: A view name: it becomes a file name (``<name>.html``) and a command-line word.
VIEW_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
#: A module path a warm kernel may import before the first notebook.
MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class ViewSpec:
    """What ``report`` and ``batch`` need to know about one view.

    Attributes
    ----------
    name : str
        The view's name (``--views``), and its page ``<name>.html``.
    title : str
        The page's title in the navigation and the place's index.
    notebook : str or Path
        The notebook's file name in ``notebooks/`` (or an absolute path).
    parameters : tuple of str
        The papermill parameters its ``parameters`` cell declares, ``place_id`` first.
    needs : tuple of str
        Local file kinds (``places.yaml`` ``local:``), any one of which the place must name
        for the view to run (empty: the view runs for every place).
    reads : tuple of str
        Every local file kind the view reads when the place names it (a refused file is
        reported, and the page published without its sections).
    notes : str, optional
        The local file kind of personal notes the view reads (conversation notes): when the
        place names one, the executed notebook is never kept, failed or not.
    files : tuple of Output
        Files the view writes beside its page (``{place}/...``), checked by the publish gate
        like its page.
    files_parameter : str, optional
        The parameter that receives the page's folder, where the view writes ``files``.
    preload : tuple of str
        Modules a warm kernel imports before the first notebook, for this view.
    """

    name: str
    title: str
    notebook: str | Path
    parameters: tuple[str, ...] = ("place_id",)
    needs: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    notes: str | None = None
    files: tuple[Output, ...] = ()
    files_parameter: str | None = None
    preload: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for key in ("parameters", "needs", "reads", "files", "preload"):
            value = getattr(self, key)
            if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
                raise ViewError(f"view {self.name!r}: {key} must be a tuple, not {type(value).__name__}")
            object.__setattr__(self, key, tuple(value))
        if not isinstance(self.name, str) or not VIEW_NAME.fullmatch(self.name):
            raise ViewError(f"view name {self.name!r}: use lower-case letters, digits, '-' and '_', "
                            "starting with a letter")
        if not isinstance(self.title, str) or not self.title.strip():
            raise ViewError(f"view {self.name!r}: the title must be non-empty text")
        if not isinstance(self.notebook, (str, Path)) or Path(self.notebook).suffix != ".ipynb":
            raise ViewError(f"view {self.name!r}: the notebook must be an .ipynb file, not {self.notebook!r}")
        if self.parameters[:1] != ("place_id",) or not all(isinstance(p, str) and p.isidentifier()
                                                           for p in self.parameters):
            raise ViewError(f"view {self.name!r}: parameters must be names, 'place_id' first, "
                            f"not {self.parameters!r}")
        for key in ("needs", "reads", "preload"):
            bad = [k for k in getattr(self, key) if not isinstance(k, str) or not MODULE.fullmatch(k)]
            if bad:
                raise ViewError(f"view {self.name!r}: {key} must be names, not {bad!r}")
        if self.notes is not None and self.notes not in self.reads:
            raise ViewError(f"view {self.name!r}: notes {self.notes!r} must be one of the kinds it reads "
                            f"{self.reads!r}")
        wrong = [f for f in self.files if not isinstance(f, Output) or not f.where.startswith("{place}/")
                 or "/" in f.where[len("{place}/"):]]
        if wrong:
            raise ViewError(f"view {self.name!r}: files must be Outputs beside its page ('{{place}}/<name>'), "
                            f"not {wrong!r}")
        if (self.files_parameter is None) != (not self.files) or (
                self.files_parameter is not None and self.files_parameter not in self.parameters):
            raise ViewError(f"view {self.name!r}: a view that writes files names the parameter (one of its "
                            "parameters) that receives the page's folder, and only then")

    @property
    def output(self) -> str:
        """The page's file name, ``<name>.html``."""
        return f"{self.name}.html"

    @property
    def notebook_name(self) -> str:
        """The notebook's file name (what the executed copy is called)."""
        return Path(self.notebook).name

    @property
    def page(self) -> Output:
        """The view's page in the registry of outputs (:mod:`ccdata.publish`)."""
        return Output(f"{{place}}/{self.output}", "partner", f"the notebook {self.notebook_name}")

    @property
    def declarations(self) -> tuple[Output, ...]:
        """Every file the view writes under ``--out``: its page, then :attr:`files`."""
        return (self.page, *self.files)


#: The full lists beside a long asset page (:func:`ccdata.views.assets.full_list`).
ASSET_FILES = (
    Output("{place}/assets-on-the-map.csv", "partner", "the asset lists (names, categories)", csv=True),
    Output("{place}/assets-outside-the-area.csv", "partner", "the asset lists (names, categories)", csv=True),
    Output("{place}/assets-not-located.csv", "partner", "the asset lists (names, postcodes)", csv=True),
)

#: Every view, in the order of the navigation and the place's index.
DECLARED: tuple[ViewSpec, ...] = (
    ViewSpec("dashboard", "Place dashboard", "place_dashboard.ipynb",
             parameters=("place_id", "iod_editions", "show_lsoa_table"),
             preload=("ccdata.views.dashboard", "ccdata.analysis.deprivation", "ccdata.analysis.indicators",
                      "ccdata.analysis.profile", "ccdata.analysis.child_poverty", "ccdata.geo.geography")),
    ViewSpec("assets", "Asset map", "asset_map.ipynb",
             parameters=("place_id", "buffer_m", "deprivation_col", "files_dir"),
             reads=("assets",), files=ASSET_FILES, files_parameter="files_dir",
             preload=("ccdata.views.assets", "ccdata.analysis.assets", "ccdata.analysis.coverage",
                      "ccdata.present.maps")),
    ViewSpec("listening", "Listening and pupil voice", "listening.ipynb",
             parameters=("place_id", "map_question", "pupil_measure", "min_respondents", "min_cases", "round_to",
                         "quote_max_words"),
             needs=("survey_responses", "conversations"),
             reads=("survey_responses", "survey_questions", "pupils", "conversations", "codebook", "quotes",
                    "names"),
             notes="conversations", preload=("ccdata.views.listening",)),
    ViewSpec("network", "Relationship map", "network.ipynb",
             parameters=("place_id", "wave_before", "wave_after", "size_by"),
             needs=("relationships",), reads=("organisations", "relationships"),
             preload=("ccdata.views.network", "ccdata.analysis.network", "ccdata.present.netviz")),
    ViewSpec("progress", "Progress over time", "progress.ipynb", reads=("outcomes",),
             preload=("ccdata.views.over_time",)),
    ViewSpec("annual", "Annual report", "annual.ipynb", parameters=("place_id", "year"),
             preload=("ccdata.views.annual",)),
)
