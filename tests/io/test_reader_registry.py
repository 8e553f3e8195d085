"""Readers: each labelled with its format where it is defined; ccdata.io assembles one table, each format once."""
from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

import pytest

from ccdata import io as ccio
from ccdata import sources
from ccdata.errors import CcdataError

IO_DIR = Path(ccio.__file__).parent


def _labelled_modules() -> set[str]:
    """The modules of ccdata/io whose source labels a function with ``@loader(...)``."""
    found = set()
    for path in IO_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and getattr(d.func, "id", None) == "loader" for d in node.decorator_list):
                found.add(path.relative_to(IO_DIR).with_suffix("").as_posix().replace("/", "."))
    return found


def test_every_loader_named_in_the_registry_resolves():
    for dataset in sources.REGISTRY.values():
        func = ccio.reader(dataset.loader)
        assert callable(func) and func.__module__.startswith("ccdata.io."), dataset.id
        assert getattr(func, ccio.FORMAT_LABEL) == dataset.loader


def test_every_declared_reader_is_used_by_a_registry_row():
    assert set(ccio.readers()) == {d.loader for d in sources.REGISTRY.values()}


def test_every_module_that_labels_a_reader_is_listed():
    assert _labelled_modules() == set(ccio.READER_MODULES)


def _fake_module(fmt: str) -> types.ModuleType:
    module = types.ModuleType("ccdata.io._twin")

    def read_twin(dataset, paths):
        return None

    read_twin.__module__, read_twin.__qualname__ = module.__name__, "read_twin"
    module.read_twin = ccio.loader(fmt)(read_twin)
    return module


def test_a_format_with_two_readers_is_refused_naming_both(monkeypatch):
    monkeypatch.setitem(sys.modules, "ccdata.io._twin", _fake_module("census_bulk"))
    monkeypatch.setattr(ccio, "READER_MODULES", ccio.READER_MODULES + ("_twin",))
    ccio.readers.cache_clear()
    try:
        with pytest.raises(CcdataError, match="format 'census_bulk' has two readers: "
                                              "ccdata.io.census.read_census and ccdata.io._twin.read_twin"):
            ccio.readers()
        monkeypatch.setitem(sys.modules, "ccdata.io._twin", types.ModuleType("ccdata.io._twin"))
        ccio.readers.cache_clear()
        with pytest.raises(CcdataError, match="ccdata.io._twin labels no reader"):
            ccio.readers()
    finally:
        monkeypatch.undo()
        ccio.readers.cache_clear()
    assert "census_bulk" in ccio.readers()


def test_importing_a_reader_module_registers_nothing(monkeypatch):
    # the label is only an attribute: a labelled function in an unlisted module is never used
    monkeypatch.setitem(sys.modules, "ccdata.io._twin", _fake_module("twin_format"))
    ccio.readers.cache_clear()
    try:
        with pytest.raises(CcdataError, match="no reader is declared for format 'twin_format'; known: .*census_bulk"):
            ccio.reader("twin_format")
    finally:
        ccio.readers.cache_clear()


def test_a_reader_is_labelled_once():
    func = ccio.loader("one")(lambda dataset, paths: None)
    assert ccio.loader("one")(func) is func
    with pytest.raises(ValueError, match="labelled already, as the reader of 'one'"):
        ccio.loader("two")(func)
    with pytest.raises(ValueError, match="non-empty string"):
        ccio.loader("")
