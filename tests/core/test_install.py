"""Installing ccdata as a user would: a wheel built from the checkout, into a fresh
virtual environment, run from a folder outside the checkout."""
from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_folder_is_listed_for_the_wheel():
    """The wheel's package list is explicit (for the notebooks/templates mapping), so a
    new package folder must be added to it."""
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "ccdata").rglob("__init__.py")}
    assert on_disk - listed == set(), "add these packages to [tool.setuptools] packages"


def test_build_system_asks_for_a_setuptools_that_reads_the_license_string():
    requires = _pyproject()["build-system"]["requires"]
    assert _pyproject()["project"]["license"] == "MIT"  # PEP 639 string form: setuptools >= 77
    assert any(r.replace(" ", "").startswith("setuptools>=") and
               int(r.split(">=")[1].split(".")[0]) >= 77 for r in requires), requires


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built without network from a copy of the checkout's sources (so the
    build leaves nothing in the checkout)."""
    pytest.importorskip("build")
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("ccdata", "notebooks", "templates"):
        shutil.copytree(REPO / name, src / name, ignore=ignore)
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
                           str(src)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    wheels = list(out.glob("ccdata-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_carries_notebooks_templates_and_yaml(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"ccdata/_notebooks/{p.name}" for p in (REPO / "notebooks").glob("*.ipynb")}
    expected |= {f"ccdata/_templates/{p.relative_to(REPO / 'templates').as_posix()}"
                 for p in (REPO / "templates").rglob("*") if p.is_file()}
    expected |= {"ccdata/places.yaml", "ccdata/indicators.yaml"}
    expected |= {f"ccdata/{p.name}" for p in (REPO / "ccdata").glob("*.yaml")}  # outcomes, ward crosswalks too
    assert len(expected) > 6
    assert expected - names == set()
    assert not any(n.startswith(("notebooks/", "templates/")) for n in names)  # nothing at top level


@pytest.mark.slow(reason="builds a wheel into a fresh virtual environment and runs the demo there")
def test_installed_wheel_runs_the_demo_from_any_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    vpy = venv / "bin" / "python"
    # The fresh environment sees the test environment's packages (the dependencies),
    # but not its ccdata: plain paths in a .pth file, whose own .pth files (an editable
    # install of the checkout) are not processed.
    purelib = Path(subprocess.run([str(vpy), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib"), *site.getsitepackages()}
    (purelib / "test-environment.pth").write_text("\n".join(sorted(ours)) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CCDATA_", "PYTHON"))}
    env["HOME"] = str(tmp_path / "home")  # the user data folder lands here
    # ... and the data files those packages installed (nbconvert's base templates), which
    # Jupyter looks for under sys.prefix, i.e. the fresh environment's own share/jupyter
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run([str(vpy), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]

    work = tmp_path / "elsewhere"
    work.mkdir()
    # where the installed copy finds its data folder, notebooks and templates, and that the
    # notebook of every view (not only the one run below) is there
    # (the folders as the report finds them, config.resource, without importing the report: 1.6 s of CPU)
    where = subprocess.run([str(vpy), "-c", "import ccdata, ccdata.config as c; print(ccdata.__file__); "
                            "print(c.IN_CHECKOUT); print(c.data_dir()); from ccdata.run.registry import VIEWS; "
                            "nb = c.resource('notebooks'); print(nb); print(c.resource('templates')); "
                            "print(sorted(v.notebook for v in VIEWS.values() if not (nb / v.notebook).is_file()))"],
                           cwd=work, capture_output=True, text=True, env=env, check=True).stdout.split("\n")
    assert where[0].startswith(str(venv)), where  # the installed copy, not the checkout
    assert where[1] == "False"
    assert where[2] == str(tmp_path / "home" / ".local" / "share" / "ccdata")
    installed = Path(where[0]).parent
    assert where[3] == str(installed / "_notebooks") and where[4] == str(installed / "_templates"), where
    assert where[5] == "[]", f"views whose notebook is not installed: {where[5]}"

    # the demo made by the installed copy, then reported on with one view: every view runs the
    # same way (its notebook from _notebooks, exported through _templates), so one view proves the
    # copy finds them (the dashboard also reads the shipped indicators.yaml); the other notebooks
    # are checked installed above, and every view of the demo runs from the checkout for the
    # session's demo site (tests/conftest.py). `ccdata demo` without --no-report hands over to the
    # same report (tests/cli/test_cli.py checks that); all six views here took 40 s of CPU.
    done = subprocess.run([str(venv / "bin" / "ccdata"), "-q", "demo", "--no-report"], cwd=work,
                          capture_output=True, text=True, env=env, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (tmp_path / "home" / ".local" / "share" / "ccdata" / "processed" / "demo").is_dir()
    out = tmp_path / "site"
    done = subprocess.run([str(venv / "bin" / "ccdata"), "-q", "report", "demo", "--views", "dashboard",
                           "--out", str(out)], cwd=work, capture_output=True, text=True, env=env, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for page in ("index.html", "dashboard.html"):
        path = out / "demo" / page
        assert path.is_file() and path.stat().st_size > 1000, page
    assert "Demoton" in (out / "demo" / "dashboard.html").read_text(encoding="utf-8")
    assert not (REPO / "ccdata" / "_templates").exists()
