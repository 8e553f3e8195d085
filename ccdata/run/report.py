"""Run a place's notebooks with papermill and export them as code-free HTML.

``report(place_id)`` runs like a batch of one place: the views (as declared in
:mod:`ccdata.views.declared`, assembled in :data:`ccdata.run.registry.VIEWS`) run one after
another on one warm kernel (:mod:`ccdata.run.runner`), then the place's key findings are
computed on the same kernel (:mod:`ccdata.run.placework`). Each executed notebook is
exported through the project's nbconvert template (``templates/ccdata``: no code, a real
``<h1>``, page landmarks, a fictional-data banner for the demo place, images embedded) as
``<out>/<place>/<view>.html``; ``<out>/<place>/index.html`` is written from the findings the
kernel returned (:mod:`ccdata.run.placeindex`).

Every file goes through the publish gate (:func:`ccdata.publish.write`): declared in
the registry of outputs, written to a temporary name inside ``--out`` (never through a
symbolic link) and moved into place, so a failed run leaves the previous good HTML as
it was. When a notebook fails, the executed notebook is kept for the adviser as
``<out>/.notebooks/<place>/<view>.failed.ipynb`` (never beside the partner pages) and
the result names the cell that failed and its error.
"""
from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ccdata import cache, config, publish
from ccdata._version import __version__
from ccdata.errors import LocalFileError, MissingDataError, OutsideOutputError
from ccdata.files import clean_parts, work_folder
from ccdata.geo.placecache import resolve
from ccdata.present import labstyle
from ccdata.present.pages import (
    ADVISER_PAGE,
    LICENCE,
    TEMPLATE,
    TEMPLATES_DIR,
    page_context,
    publishable,
)
from ccdata.provenance import FICTIONAL_NOTICE, git_hash
from ccdata.run import footprints, placework
from ccdata.run.folders import inside, notebook_path, place_folder
from ccdata.run.placeindex import write_place_index
from ccdata.run.refusals import refused_files, refused_in
from ccdata.run.registry import VIEWS
from ccdata.run.runner import WarmKernel, execute_fresh
from ccdata.views.declared import ViewSpec

NOTEBOOKS_DIR = config.resource("notebooks")
#: Seconds a single notebook cell may run before the view is reported as failed.
CELL_TIMEOUT = 900
#: Where each view's adviser-only sections are kept between runs (read by the adviser notes).
NOTES_DIR = publish.NOTES_DIR


def reads_notes(place, view: ViewSpec) -> bool:
    """True when ``view`` reads personal notes the place names (:attr:`ViewSpec.notes`): its
    executed notebook is then never kept."""
    try:
        return bool(view.notes) and place.local_path(view.notes) is not None
    except MissingDataError:
        return False


@dataclass
class ViewResult:
    view: str
    status: str  # "ok", "failed" or "skipped"
    path: Path | None = None
    seconds: float = 0.0
    message: str = ""
    bytes: int = 0
    #: Local files the place names that the view could not use: refused before opening
    #: (:class:`ccdata.errors.LocalFileError`) or while reading (the view says so in
    #: its output metadata, :func:`refused_in`). The page is published without their
    #: sections, saying why, and the command fails.
    refused: list[str] = field(default_factory=list)


@dataclass
class ReportResult:
    """What ``report`` did for one place."""

    place: str
    place_dir: Path
    views: list[ViewResult] = field(default_factory=list)
    index_path: Path | None = None

    @property
    def ok(self) -> bool:
        return bool(self.views) and all(v.status != "failed" and not v.refused for v in self.views)

    @property
    def outputs(self) -> list[Path]:
        return [v.path for v in self.views if v.status == "ok" and v.path]

    @property
    def failures(self) -> list[ViewResult]:
        return [v for v in self.views if v.status == "failed"]

    def summary(self) -> str:
        lines = [f"{self.place}: {'ok' if self.ok else 'FAILED'} -> {self.index_path}"]
        for v in self.views:
            size = f"{v.bytes / 1024:,.0f} KiB" if v.bytes else ""
            where = v.path if v.status == "ok" else v.message
            lines.append(f"  {v.view:<10} {v.status:<8} {v.seconds:6.1f}s {size:>10}  {where}")
            lines += [f"  {'':<10} refused: {r}" for r in v.refused]
        return "\n".join(lines)


# --------------------------------------------------------------------------- helpers
def views_for(place) -> list[tuple[ViewSpec, str]]:
    """Each view with ``""`` when it applies to the place, else the reason it does not."""
    out = []
    for view in VIEWS.values():
        reason = ""
        if view.needs:
            kinds = view.needs
            found, errors = False, []
            for kind in kinds:  # any one of them is enough (a listening page of conversations only)
                try:
                    found = found or place.local_path(kind) is not None
                except LocalFileError:
                    found = True  # named but refused: the view runs and its page says why (refused_files)
                except MissingDataError as exc:
                    errors.append(str(exc))
            if not found:
                reason = errors[0] if errors else (f"no {' or '.join(k.replace('_', ' ') for k in kinds)} file is "
                                                   "configured for this place in places.yaml")
        if not (NOTEBOOKS_DIR / view.notebook).exists():
            reason = reason or f"notebook {view.notebook_name} is not installed"
        out.append((view, reason))
    return out


def _failed_cell(nb_path: Path) -> str:
    """Which cell of an executed notebook raised, and the error.

    The cell number is the one in the committed notebook (counting from 0), so
    cells papermill adds (injected parameters, error banners) are not counted.
    """
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "the notebook could not be read back"
    added = {"injected-parameters", "papermill-error-cell-tag"}
    index = -1
    for cell in nb.get("cells", []):
        if added & set(cell.get("metadata", {}).get("tags", [])):
            continue
        index += 1
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") == "error":
                src = "".join(cell.get("source", "")).strip().splitlines()
                first = src[0][:80] if src else ""
                return f"cell {index} ({first!r}) raised {output.get('ename')}: {output.get('evalue')}"
    return "no cell recorded an error"


def execute(view: ViewSpec, place_id: str, workdir: Path, parameters: dict | None = None,
            kernel=None) -> Path:
    """Execute a view's notebook for a place with papermill.

    Parameters
    ----------
    kernel : ccdata.run.runner.WarmKernel, optional
        Run on this warm kernel (reset before the next notebook) instead of a
        fresh kernel started for this notebook alone. Either way the kernel is
        :data:`ccdata.run.runner.KERNEL_NAME`, whatever kernel the notebook names.

    Returns the executed notebook path (inside ``workdir``). Raises
    ``papermill.PapermillExecutionError`` when a cell fails (the executed notebook,
    with the error, is still written).
    """
    source = NOTEBOOKS_DIR / view.notebook
    if not source.exists():
        raise MissingDataError(f"notebook {source} does not exist")
    executed = workdir / view.notebook_name
    params = {"place_id": place_id, **(parameters or {})}
    if kernel is not None:
        return kernel.execute(source, executed, params, execution_timeout=CELL_TIMEOUT)
    execute_fresh(source, executed, params, execution_timeout=CELL_TIMEOUT)
    return executed


@cache.pure("single")
def _exporter():
    """One HTML exporter per process (building one loads the template and its Jinja environment)."""
    exporter = _exporter_class()(template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    # the notebook is checked against the schema once, after nbconvert's preprocessors, not
    # after each of them (twelve checks of every output took half of the export)
    exporter.optimistic_validation = True
    return exporter


def _exporter_class():
    """nbconvert's HTML exporter without its last step, a BeautifulSoup pass over the whole page.

    ``HTMLExporter.from_notebook_node`` renders the template, then parses the page with
    BeautifulSoup and writes it out again, only to give each ``<img>`` without ``alt`` a
    stock description and ``tabindex="0"`` to every input and output wrapper. On pages of
    0.5-1 MB (inline SVG charts, maps, long tables) that pass was most of the export's time.
    The one part a page needs is done by the template: its image blocks
    (``templates/ccdata/index.html.j2``) carry the same stock ``alt`` (the views draw their
    charts as inline SVG named by their own alt text, so none is expected). The tab stops
    are left out on purpose: an output wrapper never scrolls on these pages (what is too
    wide is a table, and a table's wrapper is its own focusable region, ``tabindex="0"``),
    so they were empty stops, one per output, on the way through a page by keyboard.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class Exporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node up to the rendered template: the same filters
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                     resources=resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return Exporter


def export_html(executed: Path, meta: dict) -> str:
    """Code-free HTML of an executed notebook through the ccdata template."""
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    nb.metadata["title"] = f"{meta['view_title']}: {meta['place_name']}"
    for cell in nb.cells:
        # papermill gives its injected cell a random id: a fixed one keeps pages identical
        # between runs of the same place
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
        # stderr (import-time library warnings) is never shown on a page; dropping it
        # keeps a page the same whether the kernel imported the libraries just now or before
        if cell.get("outputs"):
            cell["outputs"] = [o for o in cell["outputs"]
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    body, _ = _exporter().from_notebook_node(nb, resources={"ccdata": meta})
    return labstyle.strip(body)  # the blocks' own styles: the page's head has the stylesheet


def _page_meta(place, view: ViewSpec, views: list[dict], run_date: str) -> dict:

    nav = [{"href": "index.html", "title": "All pages"}] + [
        {**v, "current": v["name"] == view.name} for v in views]
    page = page_context(f"{view.title}: {place.name}", kicker=view.title, place_name=place.name,
                        run_line=f"Produced {run_date}", run_date=run_date, nav=nav,
                        fictional=place.fictional, fictional_notice=FICTIONAL_NOTICE,
                        footer=(f"{place.name} · {view.title} · produced {run_date} by ccdata "
                                f"{__version__} (git {git_hash()})."),
                        adviser_href=ADVISER_PAGE)
    return {"version": __version__, "git": git_hash(), "place_id": place.id,
            "place_name": place.name, "view": view.name, "view_title": view.title,
            "run_date": run_date, "fictional": place.fictional, "fictional_notice": FICTIONAL_NOTICE,
            "views": views, "licence": LICENCE, "page": page}


# --------------------------------------------------------------------------- report
def report(place_id: str, out: Path | str | None = None, keep_notebook: bool = False,
           views: list[str] | None = None, parameters: dict | None = None,
           progress: bool = False, nav: list[str] | None = None, warm: bool | None = None,
           kernel=None, index: bool = True, check_footprint: bool = True) -> ReportResult:
    """Run the notebooks for a place and write code-free HTML.

    Parameters
    ----------
    place_id : str
        A place in places.yaml.
    out : path, optional
        Output folder (default ``CCDATA_REPORTS_DIR`` or ``reports/``); the place's
        pages go to ``<out>/<place_id>/``.
    keep_notebook : bool
        Also keep each executed notebook (``<view>.ipynb``) beside its HTML.
    views : list of str, optional
        Only these views (default: every view that applies to the place).
    parameters : dict, optional
        Extra papermill parameters passed to every notebook.
    nav : list of str, optional
        Views each page links to in its navigation (default: the views run here and
        the views whose pages already exist in the place's folder).
        A batch that runs one view per process passes every view of the place.
    warm : bool, optional
        Run the views one after another on one warm kernel (:mod:`ccdata.run.runner`)
        that is reset between them, instead of a fresh kernel per view. By default
        a warm kernel is used when more than one view runs or the index is written
        (the place's key findings are computed on the kernel that ran its views, as in
        a batch); ``False`` runs each view on a fresh kernel and the findings here.
    kernel : ccdata.run.runner.WarmKernel, optional
        A warm kernel owned by the caller (a batch worker's); it is left running.
    index : bool
        Write the place's ``index.html`` and adviser notes, with the key findings its
        kernel returned (:func:`ccdata.run.placework.findings_for`).
        A batch task passes ``False``: the batch writes each place's index once, at the end.
    check_footprint : bool
        Compare the place's resolved footprint with its footprint of record under
        ``out`` (:mod:`ccdata.run.footprints`): when the same definition now resolves to
        other neighbourhoods, nothing is published for the place, every view is
        reported failed and the adviser notes say why. A batch task passes ``False``:
        the batch checks each place once, before its tasks.

    Returns
    -------
    ReportResult
        One :class:`ViewResult` per view; ``ok`` is false if any view failed.

    Raises
    ------
    PlaceError
        Unknown place (:func:`ccdata.geo.places.check_defined`).
    ViewError
        Unknown view. Data problems inside a notebook are reported per view.
    """

    place = resolve(place_id)  # the one unknown-place check: ccdata.geo.places.check_defined
    out_dir = Path(out) if out else config.reports_dir()
    place_dir = place_folder(out_dir, place.id)
    clean_parts(place_dir)  # what a run killed while writing left behind
    clean_parts(notebook_path(place_dir, ""))
    applicable, nav = _plan(place, place_dir, VIEWS.check(views), nav)
    run_date = dt.date.today().isoformat()
    result = ReportResult(place.id, place_dir)
    # the same definition resolving to other neighbourhoods is never published silently
    footprint = footprints.check(place, out_dir) if check_footprint else None
    if footprint is not None and footprint.changed:
        runnable = [v for v, reason in applicable if not reason]
        said = [footprint.message()] + ["not published: the place's footprint changed (see above)"] * len(runnable)
        result.views = [ViewResult(v.name, "failed", message=m) for v, m in zip(runnable, said)] or [
            ViewResult("footprint", "failed", message=said[0])]
        result.index_path = footprints.write_refusal_notes(place, place_dir, footprint, run_date)
        return result
    if footprint is not None:
        footprints.write_resolved(place_dir, footprint, NOTES_DIR)
    own_kernel = None
    runs = sum(not reason for _, reason in applicable)
    # like a batch of one place: its views, then its key findings, on one kernel
    if kernel is None and (warm or (warm is None and (runs > 1 or index))):
        kernel = own_kernel = WarmKernel()
    try:
        for view, reason in applicable:
            if reason:
                result.views.append(ViewResult(view.name, "skipped", message=reason))
                continue
            started = time.perf_counter()
            if progress:
                print(f"{place.id}: running {view.name} ...", flush=True)
            done = _run_view(place, view, place_dir, nav, run_date, keep_notebook, parameters, started, kernel)
            before = refused_files(place, view)  # refused before opening (what the view said, or not)
            done.refused = done.refused + [r for r in before if not any(r in m for m in done.refused)]
            result.views.append(done)
        if index:
            found = placework.findings_for(place.id, kernel)
            result.index_path = write_place_index(place, place_dir, result, run_date, findings=found["findings"],
                                                  findings_error=found["error"])
    finally:
        if own_kernel is not None:
            own_kernel.shutdown()
    return result


def _plan(place, place_dir: Path, wanted: list[str], nav: list[str] | None) -> tuple[list, list[dict]]:
    """The wanted views with why each does not apply (``""`` when it does), and the pages' navigation:
    the views in ``nav``, or (``nav`` ``None``) the views run now and those already written."""
    every = views_for(place)
    applicable = [(v, reason) for v, reason in every if v.name in wanted]
    runnable = [v for v, reason in applicable if not reason]
    if nav is None:  # the views run now, and pages of this place already written earlier
        linked = [v for v, reason in every if not reason and (v in runnable or (place_dir / v.output).exists())]
    else:
        linked = [v for v, reason in every if not reason and v.name in nav]
    return applicable, [{"name": v.name, "title": v.title, "href": v.output} for v in linked]


def _run_view(place, view: ViewSpec, place_dir: Path, nav: list[dict], run_date: str,
              keep_notebook: bool, parameters: dict | None, started: float,
              kernel=None) -> ViewResult:
    import papermill as pm  # heavy: loaded only when a report is run

    root = place_dir.parent  # --out (a batch's run folder): every write below stays inside it
    failed_nb = notebook_path(place_dir, f"{view.name}.failed.ipynb")
    with tempfile.TemporaryDirectory(prefix=f"{place.id[:40]}-{view.name}-", dir=work_folder()) as tmp:
        workdir = Path(tmp)
        if view.files_parameter:  # the files the view declares beside its page are written there
            parameters = {view.files_parameter: str(place_dir), **(parameters or {})}
        try:
            executed = execute(view, place.id, workdir, parameters, kernel)
        except pm.PapermillExecutionError as exc:
            executed = workdir / view.notebook_name
            where = _failed_cell(executed) if executed.exists() else \
                f"cell {exc.cell_index} raised {exc.ename}: {exc.evalue}"
            if reads_notes(place, view):  # it read conversation notes: not kept under --out
                return ViewResult(view.name, "failed", seconds=time.perf_counter() - started,
                                  message=f"{where}; the executed notebook read conversation notes, so it is "
                                          "not kept (run the notebook in JupyterLab to see the failing cell); "
                                          "previous HTML left in place")
            kept = ""
            if executed.exists():
                publish.write(root, failed_nb, executed.read_text(encoding="utf-8"))
                kept = f"executed notebook kept (for the adviser only) at {failed_nb}; "
            return ViewResult(view.name, "failed", seconds=time.perf_counter() - started,
                              message=f"{where}; {kept}previous HTML left in place")
        except Exception as exc:  # kernel died, timeout, template error: reported, others go on
            return ViewResult(view.name, "failed", seconds=time.perf_counter() - started,
                              message=f"{type(exc).__name__}: {exc}; previous HTML left in place")
        try:
            page = export_html(executed, _page_meta(place, view, nav, run_date))
        except Exception as exc:
            return ViewResult(view.name, "failed", seconds=time.perf_counter() - started,
                              message=f"HTML export failed: {type(exc).__name__}: {exc}")
        checked = publishable(page)
        if not checked.ok:  # not published: the partner page keeps its last good version
            publish.write(root, place_dir / NOTES_DIR / f"{view.name}.unpublished.html", page)
            return ViewResult(view.name, "failed", seconds=time.perf_counter() - started,
                              message="the page carried text meant for the adviser, so it was not "
                                      "published: " + "; ".join(map(str, checked.problems[:10])))
        try:
            # the adviser's notes first: a refused notes folder (a symbolic link) stops the view
            # before its partner page changes
            publish.write(root, place_dir / NOTES_DIR / view.output, "\n".join(checked.notes))
            target = publish.write(root, inside(root, place_dir / view.output), checked.partner,
                                   declare=view.page)
            if keep_notebook and not reads_notes(place, view):  # never one that read conversation notes
                publish.write(root, notebook_path(place_dir, view.notebook_name), executed.read_text(encoding="utf-8"))
        except OutsideOutputError as exc:
            return ViewResult(view.name, "failed", seconds=time.perf_counter() - started,
                              message=f"not published: {exc}")
        failed_nb.unlink(missing_ok=True)
        (place_dir / f"{view.name}.failed.ipynb").unlink(missing_ok=True)  # where earlier versions kept it
        refused = refused_in(executed)
    return ViewResult(view.name, "ok", target, time.perf_counter() - started,
                      bytes=target.stat().st_size, refused=refused)
