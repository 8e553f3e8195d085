"""Views declared once (ccdata.views.declared) and assembled by run's registry: what a declaration
says is what report, the publish gate and the warm kernel do, and a new view needs nothing else."""
from __future__ import annotations

import json
import os

import pandas as pd
import papermill as pm
import pytest
from markupsafe import escape

from ccdata import publish
from ccdata.errors import UndeclaredOutputError, ViewError
from ccdata.geo.places import LOCAL_KINDS
from ccdata.publish import Output
from ccdata.run import registry, report, runner
from ccdata.run.registry import VIEWS, ViewRegistry
from ccdata.views.declared import ASSET_FILES, DECLARED, ViewSpec


# --------------------------------------------------------------------------- the declarations
@pytest.mark.parametrize("spec", DECLARED, ids=lambda s: s.name)
def test_each_declared_view_names_its_notebooks_parameters(spec):
    """The parameters a declaration states are the ones its notebook's parameters cell declares."""
    found = pm.inspect_notebook(str(report.NOTEBOOKS_DIR / spec.notebook))
    assert list(found) == list(spec.parameters)


@pytest.mark.parametrize("spec", DECLARED, ids=lambda s: s.name)
def test_each_declared_view_reads_only_known_local_kinds(spec):
    assert set(spec.needs) | set(spec.reads) <= set(LOCAL_KINDS)
    assert set(spec.needs) <= set(spec.reads)  # a kind a view needs is one it reads


def test_the_registry_holds_every_declaration_in_order():
    assert VIEWS.names() == [s.name for s in DECLARED]
    assert [VIEWS.get(s.name) for s in DECLARED] == list(DECLARED)
    # the warm kernel imports what the views ask for, each module once
    assert set(VIEWS.preload()) <= set(runner.default_preload())
    assert len(runner.default_preload()) == len(set(runner.default_preload()))


def test_an_unknown_view_is_a_view_error_naming_the_views():
    with pytest.raises(ViewError, match=r"unknown view 'nope'; views are \['dashboard'"):
        VIEWS.get("nope")
    with pytest.raises(ViewError, match=r"unknown view\(s\) \['nope', 'gone'\]"):
        VIEWS.check(["dashboard", "nope", "gone"])
    with pytest.raises(ViewError, match="list of view names"):
        VIEWS.check("dashboard")
    assert VIEWS.check(None) == VIEWS.names() and VIEWS.check(["assets"]) == ["assets"]


def test_a_registry_takes_only_declarations():
    reg = ViewRegistry()
    with pytest.raises(ViewError, match="ViewSpec"):
        reg.register({"name": "x"})
    spec = reg.register(ViewSpec("x", "X", "x.ipynb"))
    assert "x" in reg and reg["x"] is spec and len(reg) == 1
    with pytest.raises(ViewError, match="another name"):
        reg["y"] = spec
    del reg["x"]
    assert "x" not in reg and reg.get("x", None) is None


@pytest.mark.parametrize("kwargs, match", [
    ({"name": "Bad Name"}, "lower-case"),
    ({"name": "../up"}, "lower-case"),
    ({"title": " "}, "title"),
    ({"notebook": "page.py"}, "ipynb"),
    ({"parameters": ("year", "place_id")}, "place_id' first"),
    ({"parameters": "place_id"}, "must be a tuple"),
    ({"reads": ("survey",), "notes": "conversations"}, "notes 'conversations'"),
    ({"files": (Output("{place}/x.csv", "partner", "x", csv=True),)}, "names the parameter"),
    ({"files": (Output("elsewhere/x.csv", "partner", "x", csv=True),), "files_parameter": "files_dir",
      "parameters": ("place_id", "files_dir")}, "beside its page"),
    ({"files_parameter": "files_dir", "parameters": ("place_id", "files_dir")}, "names the parameter"),
])
def test_a_declaration_that_cannot_be_used_is_refused(kwargs, match):
    base = {"name": "x", "title": "X", "notebook": "x.ipynb"}
    with pytest.raises(ViewError, match=match):
        ViewSpec(**{**base, **kwargs})


# --------------------------------------------------------------------------- the publish gate
def test_the_gate_checks_the_files_a_view_declares(tmp_path):
    # the asset lists are declared by the asset view, not by the run's own registry
    rel = "demo/assets-on-the-map.csv"
    assert publish.declared(rel) is None
    assert registry.declared(rel) in ASSET_FILES and registry.declared("runs/x/" + rel) in ASSET_FILES
    assert registry.declared("demo/assets.html") == VIEWS.get("assets").page
    assert registry.declared("demo/not-a-view.html") is None
    frame = pd.DataFrame({"name": ["=1+1"]})
    (tmp_path / "demo").mkdir()
    with pytest.raises(UndeclaredOutputError):
        publish.write(tmp_path, tmp_path / rel, frame)  # without the view's declarations
    written = publish.write(tmp_path, tmp_path / rel, frame, declare=ASSET_FILES)
    assert written.read_text(encoding="utf-8").splitlines() == ["name", "'=1+1"]
    with pytest.raises(TypeError, match="declare"):
        publish.write(tmp_path, tmp_path / rel, frame, declare=["not an Output"])


# --------------------------------------------------------------------------- a new view, end to end
NEW_VIEW_MODULE = '''"""A view added from outside ccdata: only this declaration and its notebook."""
from ccdata.publish import Output
from ccdata.views.declared import ViewSpec

VIEW = ViewSpec(
    "hello", "Hello page", {notebook!r},
    parameters=("place_id", "greeting", "files_dir"),
    files=(Output("{{place}}/hello-list.csv", "partner", "a list the hello page writes", csv=True),),
    files_parameter="files_dir",
    preload=("newviews.hello",),
)
'''


def _notebook(cells: list[tuple[str, str, list[str]]]) -> dict:
    return {"cells": [{"cell_type": kind, "id": f"cell-{i}", "metadata": {"tags": tags}, "source": [src],
                       **({"execution_count": None, "outputs": []} if kind == "code" else {})}
                      for i, (kind, src, tags) in enumerate(cells)],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def new_view(tmp_path, monkeypatch):
    """A throw-away view: a notebook and a package holding its one declaration, registered."""
    package = tmp_path / "pkg" / "newviews"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Views kept outside ccdata."""\n', encoding="utf-8")
    notebook = tmp_path / "hello.ipynb"
    (package / "hello.py").write_text(NEW_VIEW_MODULE.format(notebook=str(notebook)), encoding="utf-8")
    notebook.write_text(json.dumps(_notebook([
        ("markdown", "# Hello", []),
        ("code", 'place_id: str = "demo"  # help: a place id\n'
                 'greeting: str = "hi"  # help: the words on the page\n'
                 'files_dir: str = ""  # help: the page folder (the report fills it in)', ["parameters"]),
        ("code", "import sys\n"
                 "from pathlib import Path\n"
                 "import pandas as pd\n"
                 "from ccdata import publish\n"
                 "from newviews.hello import VIEW\n"
                 "print(f'{greeting} from {place_id}; preloaded: {\"newviews.hello\" in sys.modules}')\n"
                 "folder = Path(files_dir).resolve()\n"
                 "_ = publish.write(folder.parent, folder / 'hello-list.csv', pd.DataFrame({'n': [1, 2]}),"
                 " declare=VIEW.files)", []),
    ])), encoding="utf-8")
    # the kernel finds the package as any installed one
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path / "pkg"), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    from newviews.hello import VIEW

    monkeypatch.setitem(VIEWS, "hello", VIEW)
    return VIEW


@pytest.mark.slow(reason="one warm kernel: the view, then the place's key findings")
def test_a_view_declared_outside_runs_through_report_with_no_other_change(demo_data, new_view, tmp_path,
                                                                           monkeypatch):
    from ccdata.analysis import findings
    from ccdata.geo.placecache import resolve

    expected = findings.for_place(resolve("demo")).sentences
    assert expected and "There is no figure for children in low income families" not in expected[0]

    def not_here(*args, **kwargs):
        raise AssertionError("the key findings are computed in the kernel, not in the parent")

    monkeypatch.setattr(findings, "for_place", not_here)  # the report's own process never computes them
    out = tmp_path / "out"
    result = report.report("demo", out=out, views=["hello"], parameters={"greeting": "Hello there"})
    assert [(v.view, v.status) for v in result.views] == [("hello", "ok")], result.summary()
    page = (out / "demo" / "hello.html").read_text(encoding="utf-8")
    assert "Hello there from demo; preloaded: True" in page
    assert "<title>Hello page: " in page
    # the file it declared was written beside its page, through the gate
    assert (out / "demo" / "hello-list.csv").read_text(encoding="utf-8").splitlines() == ["n", "1", "2"]
    written = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    assert written and all(registry.declared(rel) is not None for rel in written), written
    # the place's index links the new page and leads with the findings the kernel returned
    index = (out / "demo" / "index.html").read_text(encoding="utf-8")
    assert '<a href="hello.html">Hello page</a>' in index
    assert str(escape(expected[0])) in index
    notes = (out / "demo" / "adviser-notes.html").read_text(encoding="utf-8")
    assert "Key findings" not in notes  # no findings error


# --------------------------------------------------------------------------- unknown names, one check each
def test_an_unknown_view_fails_report_and_batch_alike_with_exit_code_2(demo_data, tmp_path, capsys):
    from ccdata import cli

    for argv in (["-q", "report", "demo", "--views", "dashboard,nope"],
                 ["-q", "batch", "demo", "--views", "nope", "--jobs", "1"]):
        assert cli.main([*argv, "--out", str(tmp_path / argv[1])]) == 2
        err = capsys.readouterr().err
        assert "unknown view(s) ['nope']; views are ['dashboard', 'assets'" in err, err
    assert not (tmp_path / "report" / "demo" / "index.html").exists()


def test_one_unknown_place_check_everywhere(demo_data, tmp_path):
    from ccdata.errors import PlaceError
    from ccdata.geo import placecache, places
    from ccdata.run import batch, commands

    with pytest.raises(PlaceError, match=r"^unknown places 'atlantis', 'lyonesse'; defined places: .*demo"):
        places.check_defined(["demo", "atlantis", "lyonesse"])
    assert list(places.check_defined("demo")) == ["demo"]
    with pytest.raises(PlaceError, match="not a valid place id"):
        places.check_defined(["demo", "../up"])
    # the same words from every command and function that takes a place id
    said = set()
    for call in (lambda: places.place("atlantis"), lambda: placecache.resolve("atlantis"),
                 lambda: report.report("atlantis", out=tmp_path),
                 lambda: batch.run_batch(["atlantis"], out=tmp_path, progress=False),
                 lambda: commands.refresh_data(["atlantis"])):
        with pytest.raises(PlaceError) as info:
            call()
        said.add(str(info.value))
    assert len(said) == 1 and next(iter(said)).startswith("unknown place 'atlantis'; defined places: ")
    # and one place writes it: no second copy of the check anywhere in the package
    import re
    from pathlib import Path

    import ccdata

    writers = [str(f) for f in Path(ccdata.__file__).parent.rglob("*.py")
               if re.search(r'f"unknown place', f.read_text(encoding="utf-8"))]
    assert [Path(w).name for w in writers] == ["places.py"], writers
