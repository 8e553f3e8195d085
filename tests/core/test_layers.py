"""The package's layer contracts (import-linter): they hold, and they catch a wrong-way import."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
pytestmark = pytest.mark.skipif(LINT is None, reason="import-linter is not installed (pip install -e '.[test]')")


def _contracts() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _ini(settings: dict, root: str) -> str:
    """The pyproject contracts as an INI config for another root package name."""
    def rename(value: str) -> str:
        return value.replace("ccdata", root)
    lines = ["[importlinter]", f"root_package = {root}", ""]
    for contract in settings["contracts"]:
        lines.append(f"[importlinter:contract:{contract['id']}]")
        for key, value in contract.items():
            if key == "id":
                continue
            if isinstance(value, list):
                lines.append(f"{key} =")
                lines += [f"    {rename(v)}" for v in value]
            else:
                lines.append(f"{key} = {rename(str(value))}")
        lines.append("")
    return "\n".join(lines)


def _lint(cwd: Path, *config: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([LINT, "--no-cache", "--no-logo", *config], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_package_keeps_its_layer_contracts():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _fake_package(tmp_path: Path, root: str, wrong: dict[str, str]) -> None:
    """Every module the contracts name, empty, plus ``wrong``: {module: the import it makes}."""
    settings = _contracts()
    modules = set()
    for contract in settings["contracts"]:
        for key in ("layers", "source_modules", "forbidden_modules"):
            for entry in contract.get(key, []):
                modules.update(m.strip() for m in entry.replace("|", ":").split(":"))
    modules = {m.replace("ccdata", root) for m in modules} | set(wrong)
    for module in sorted(modules):
        parts = module.split(".")
        for i in range(1, len(parts)):
            pkg = tmp_path.joinpath(*parts[:i])
            pkg.mkdir(exist_ok=True)
            (pkg / "__init__.py").touch()
        path = tmp_path.joinpath(*parts)
        if path.is_dir():
            path = path / "__init__.py"
        else:
            path = path.with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"import {wrong[module]}\n" if module in wrong else "")
    (tmp_path / ".importlinter").write_text(_ini(settings, root))


@pytest.mark.parametrize("module, imports, contract", [
    ("fakecc.io.reader", "fakecc.analysis", "layers"),                 # io reaching up into analysis
    ("fakecc.analysis.summary", "fakecc.present", "layers"),           # analysis drawing pages
    ("fakecc.config", "fakecc.io", "layers"),                          # core importing a loader
    ("fakecc.cache", "fakecc.files", "layers"),                        # the cache above what it serves
    ("fakecc.views.page", "fakecc.demo", "demo-only-from-commands"),   # a view using the demo data
    ("fakecc.demo.maker", "fakecc.geo", "demo-writes-formats"),        # the demo using the cache
    ("fakecc.views.page", "fakecc.io", "pages-never-read-files"),      # a view reading a file
    ("fakecc.present.chart", "fakecc.io", "pages-never-read-files"),   # a chart reading a file
    ("fakecc.cli", "fakecc.geo", "cli-through-run"),                   # the command line building the cache
    ("fakecc.cli", "fakecc.io", "cli-through-run"),                    # the command line fetching files
    ("fakecc.cli", "fakecc.demo", "cli-through-run"),                  # the command line making the demo
])
def test_a_wrong_way_import_breaks_the_contract(tmp_path, module, imports, contract):
    _fake_package(tmp_path, "fakecc", {module: imports})
    result = _lint(tmp_path)
    assert result.returncode != 0, result.stdout
    assert f"{module} -> {imports}" in result.stdout
    assert "1 broken" in result.stdout


def test_the_fake_package_without_a_wrong_import_passes(tmp_path):
    # the same fixture with nothing planted is clean, so the failures above come from the plant
    _fake_package(tmp_path, "fakecc", {})
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
