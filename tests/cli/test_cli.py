"""The command line as a user meets it: help, version, exit codes, stdout/stderr, width."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ccdata import cli
from ccdata._version import __version__
from ccdata.run import report

REPO = Path(__file__).resolve().parents[2]


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"ccdata {__version__}"


def test_top_level_help_documents_exit_codes_and_fits_80_columns(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "exit codes:" in out
    for code, words in (("0", "done"), ("1", "failed"), ("2", "bad input")):
        assert any(line.strip().startswith(code) and words in line for line in out.splitlines()), code
    assert "Argument parsing only" not in out  # not the developer docstring
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_every_subcommand_has_a_description_and_every_argument_help(command, capsys):
    sub = _subparsers()[command]
    assert sub.description and len(sub.description) > 20
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help and action.help.strip(), f"{command}: {action.option_strings or action.dest} has no help"
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert sub.description.splitlines()[0] in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_every_subcommand_is_listed_with_a_summary():
    parser = cli._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    summaries = {c.dest: c.help for c in action._choices_actions}
    assert set(summaries) == set(_subparsers())
    assert all(summaries.values())


def test_tables_fit_80_columns(capsys):
    rows = [{"dataset": "lookup_lsoa11_lsoa21_best_fit", "status": "failed",
             "detail": "https://example.org/" + "a-very-long-path/" * 20}]
    cli._print_table(rows, ["dataset", "status", "detail"])
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "".join(line.strip() for line in out.splitlines()[2:]).endswith("a-very-long-path/")  # nothing lost
    wide = [{"a": "x" * 40, "b": "y" * 40, "c": "z" * 40, "d": "w" * 300}]
    cli._print_table(wide, list("abcd"))
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "w" * 76 in out.replace("\n    ", "")


def test_registry_and_places_fit_80_columns(capsys):
    for command in ("registry", "places"):
        assert cli.main([command]) == 0
        out = capsys.readouterr().out
        assert out.strip() and max(len(line) for line in out.splitlines()) <= 80, command


# ------------------------------------------------------------------ exit codes, stderr
def _one_clean_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("ccdata: error: ")
    return lines[0]


def test_malformed_places_yaml_is_one_clean_line_and_exit_2(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "places.yaml"
    bad.write_text("demo:\n  name: Demoton\n  footprint: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("CCDATA_PLACES", str(bad))
    assert cli.main(["places"]) == 2
    captured = capsys.readouterr()
    line = _one_clean_line(captured.err)
    assert str(bad) in line and "not valid YAML" in line and "line " in line
    assert captured.out == ""


def test_unknown_crs_is_one_clean_line_and_exit_2(demo_data, tmp_path, monkeypatch, capsys):
    places = tmp_path / "places.yaml"
    places.write_text(textwrap.dedent("""\
        oddcrs:
          name: Odd CRS place
          collection: demo
          fictional: true
          local_authority: {code: E06900001, name: Demoton, vintage: 2024}
          footprint:
            polygon: {crs: 999999, coordinates: [[0, 0], [1, 0], [1, 1]]}
        """), encoding="utf-8")
    monkeypatch.setenv("CCDATA_PLACES", str(places))
    assert cli.main(["-q", "report", "oddcrs", "--out", str(tmp_path / "out")]) == 2
    line = _one_clean_line(capsys.readouterr().err)
    assert "oddcrs" in line and "999999" in line and "EPSG" in line


def test_unwritable_out_is_one_clean_line_and_exit_2(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for argv in (["-q", "report", "demo", "--out"], ["-q", "demo", "--out"], ["-q", "batch", "demo", "--out"]):
        assert cli.main(argv + [str(blocker / "site")]) == 2, argv
        line = _one_clean_line(capsys.readouterr().err)
        assert str(blocker / "site") in line and "cannot write" in line
    assert not (tmp_path / "data").exists()  # refused before any work


def test_demo_generates_builds_then_reports_into_out(tmp_path, monkeypatch, capsys):
    """``ccdata demo`` without --no-report hands the place it made to the report, into --out,
    and fails when a view fails. The work is faked here: an installed wheel generates, builds
    and reports on the demo in tests/core/test_install.py, and every view runs for the
    session's demo site."""
    calls, status = [], ["ok"]

    def fake_report(place_id, out=None, progress=True, **kwargs):
        calls.append(("report", place_id, out, kwargs))
        place_dir = out / place_id
        return report.ReportResult(place=place_id, place_dir=place_dir, index_path=place_dir / "index.html",
                                   views=[report.ViewResult("dashboard", status[0], path=place_dir / "dashboard.html",
                                                            message="the kernel died")])

    monkeypatch.setattr(cli.commands, "generate_demo", lambda: calls.append("generate") or [tmp_path / "a.csv"])
    monkeypatch.setattr(cli.commands, "build",
                        lambda collection, progress=True: calls.append(("build", collection)) or [])
    monkeypatch.setattr(cli, "report", fake_report)
    out = tmp_path / "site"
    assert cli.main(["-q", "demo", "--out", str(out)]) == 0
    assert calls == ["generate", ("build", "demo"), ("report", "demo", out, {})]
    captured = capsys.readouterr()
    assert "demo: ok" in captured.out and "demo report written" in captured.out and captured.err == ""
    status[0] = "failed"
    assert cli.main(["-q", "demo", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "demo: FAILED" in captured.err and "the kernel died" in captured.err


class _IdleKernel:
    """Stands in for the warm kernel a report starts for the place's key findings: a test of
    what the command line says needs no kernel (the findings computed on a real kernel after a
    failed view: tests/run/test_report.py::test_failed_run_keeps_previous_html_and_names_the_cell)."""

    def call(self, target, **kwargs):
        return {"findings": [], "error": None}

    def shutdown(self):
        pass


def test_failing_view_summary_goes_to_stderr_with_exit_1(demo_data, tmp_path, monkeypatch, capsys):
    def broken(view, place_id, workdir, parameters=None, kernel=None):
        raise RuntimeError("the kernel died")

    monkeypatch.setattr(report, "execute", broken)
    monkeypatch.setattr(report, "WarmKernel", _IdleKernel)
    code = cli.main(["-q", "report", "demo", "--views", "dashboard", "--out", str(tmp_path / "out")])
    assert code == 1
    captured = capsys.readouterr()
    failed = [line for line in captured.err.splitlines() if "dashboard" in line and "failed" in line]
    assert failed and "the kernel died" in captured.err
    assert "failed" not in captured.out and "FAILED" not in captured.out
    assert "demo: FAILED" in captured.err


def test_reports_run_in_this_interpreter_whatever_kernel_the_notebook_names(demo_data, tmp_path, monkeypatch):
    """A notebook saved from Lab with the ``ccdata`` kernel still runs on a fresh clone:
    the runner names the kernel, not the notebook, on a fresh kernel as on a warm one."""
    from jupyter_client import manager

    from ccdata.run import runner

    seen = []

    class Stop(manager.KernelManager):
        def start_kernel(self, **kwargs):
            seen.append((self.kernel_name, self.transport, kwargs))
            raise RuntimeError("stop here")

    monkeypatch.setattr(manager, "KernelManager", Stop)
    for warm in (False, True):
        result = report.report("demo", out=tmp_path / f"out-{warm}", views=["dashboard", "assets"], warm=warm,
                               index=False)
        assert not result.ok and "stop here" in result.summary()
    assert len(seen) >= 4 and len(seen) % 2 == 0  # each kernel is tried twice
    for name, _, kwargs in seen:
        assert name == runner.KERNEL_NAME == "python3"
        assert any("log_level=CRITICAL" in a for a in kwargs["extra_arguments"])  # no kernel noise
    # the first try on local sockets no other kernel can take, the second over TCP
    assert {t for _, t, _ in seen[0::2]} == {"tcp" if os.name == "nt" else "ipc"}
    assert {t for _, t, _ in seen[1::2]} == {"tcp"}


def test_python3_kernel_is_this_interpreter():
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    km = KernelManager(kernel_name="python3")
    argv = km.format_kernel_cmd() if hasattr(km, "format_kernel_cmd") else spec.argv
    assert Path(argv[0]).resolve() == Path(sys.executable).resolve() or argv[0] in ("python", "python3")


def test_help_runs_as_a_program():
    done = subprocess.run([sys.executable, "-m", "ccdata.cli", "report", "--help"], capture_output=True,
                          text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0 and "PLACE" in done.stdout and done.stderr == ""


def test_an_unreadable_path_is_one_clean_line(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("CCDATA_DATA_DIR", str(blocker / "data"))
    assert cli.main(["-q", "demo", "--no-report"]) == 2
    line = _one_clean_line(capsys.readouterr().err)
    assert str(blocker) in line
