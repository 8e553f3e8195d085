"""The package's shape: every module says what it is for, stays small, and is in the contracts doc."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p for p in (ROOT / "ccdata").rglob("*.py"))
#: The fictional place's generator writes a whole country in official formats: one long module.
LONG_ALLOWED = {"ccdata/demo/official.py"}
MAX_LINES = 600


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_module_says_what_it_is_for(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and doc.splitlines()[0].strip(), f"{_rel(path)} has no docstring first line"


def test_no_module_is_over_the_size_limit():
    long = {_rel(p): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert set(long) <= LONG_ALLOWED, f"modules over {MAX_LINES} lines: {long}"


def test_contracts_doc_lists_every_module():
    doc = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    missing = [_rel(p) for p in MODULES
               if not (p.name == "__init__.py" and p.parent.name in ("geo", "analysis", "views", "run", "demo"))
               and f"`{_rel(p)}`" not in doc]
    assert not missing, f"docs/contracts.md does not list: {missing}"
