"""Readers: each reader module declares its formats; ccdata.io assembles one table, each format once."""
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


def test_every_loader_named_in_the_registry_resolves():
    for dataset in sources.REGISTRY.values():
        assert callable(ccio.reader(dataset.loader)), dataset.id
        assert ccio.reader(dataset.loader).__module__.startswith("ccdata.io."), dataset.id


def test_every_declared_reader_is_used_by_a_registry_row():
    used = {d.loader for d in sources.REGISTRY.values()}
    assert set(ccio.readers()) == used


def test_each_reader_module_is_listed_and_declares_what_it_reads():
    declaring = set()
    for path in IO_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "READERS" for t in node.targets)
               for node in tree.body):
            declaring.add(path.stem)
    assert declaring == set(ccio.READER_MODULES)
    for name in ccio.READER_MODULES:
        module = sys.modules[f"ccdata.io.{name}"]
        for fmt, func in module.READERS.items():
            assert ccio.readers()[fmt] is func and func.__module__ == module.__name__


def test_a_format_declared_twice_is_refused_naming_both_modules(monkeypatch):
    twin = types.ModuleType("ccdata.io._twin")
    twin.READERS = {"census_bulk": lambda dataset, paths: None}
    monkeypatch.setitem(sys.modules, "ccdata.io._twin", twin)
    monkeypatch.setattr(ccio, "READER_MODULES", ccio.READER_MODULES + ("_twin",))
    ccio.readers.cache_clear()
    try:
        with pytest.raises(CcdataError, match="'census_bulk' is declared twice: in ccdata.io.census and ccdata.io._twin"):
            ccio.readers()
        monkeypatch.setattr(twin, "READERS", None)
        with pytest.raises(CcdataError, match="ccdata.io._twin declares no READERS"):
            ccio.readers()
    finally:
        monkeypatch.undo()
        ccio.readers.cache_clear()
    assert "census_bulk" in ccio.readers()


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(CcdataError, match="no reader is declared for format 'nope'; known: .*census_bulk"):
        ccio.reader("nope")
    assert not hasattr(ccio, "loader")  # no decorator left to register a reader by importing it
