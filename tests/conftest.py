"""Shared fixtures.

Real-data tests read the official files from the mirror named by ``CCDATA_MIRROR``
(CI sets it to ``../shared/data``) or from ``../shared/data`` when it exists, and are
skipped with the reason otherwise. Nothing is ever copied into the repository: the
fixtures fetch into temporary data folders.

The expensive things are made once per run and shared by pytest-xdist's workers
(``helpers/shared.py``): the demo and official data folders, the demo site (every view
of the demo place) and a real place's pages. Tests only read them. The tests of each
layer are in its folder (``tests/io``, ``tests/run``, ...); plain helpers are in
``tests/helpers``, fixtures of one layer in that folder's ``conftest.py``.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest

from ccdata import config
from helpers.folders import data_dir_env
from helpers.paths import CHECKOUT_FOLDERS, GUARD_DIR, mirror
from helpers.shared import once_per_run

MIRROR = mirror()

#: Writes under the checkout's folders are recorded by an audit hook in this process and,
#: through ``tests/writeguard/sitecustomize.py`` on ``PYTHONPATH``, in every Python
#: process the tests start (kernels, the command line), each into this log. Only the
#: suite's own processes are watched: a person's ``ccdata build`` in the same checkout is not.
GUARD_LOG = Path(tempfile.mkdtemp(prefix="ccdata-writeguard-")) / "writes.log"
GUARD_LOG.touch()
os.environ["CCDATA_TEST_GUARD_FOLDERS"] = os.pathsep.join(str(f) for f in CHECKOUT_FOLDERS)
os.environ["CCDATA_TEST_GUARD_LOG"] = str(GUARD_LOG)
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GUARD_DIR), os.environ.get("PYTHONPATH")]))
_spec = importlib.util.spec_from_file_location("ccdata_writeguard", GUARD_DIR / "sitecustomize.py")
_writeguard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_writeguard)
_writeguard.install([str(f) for f in CHECKOUT_FOLDERS], str(GUARD_LOG))


def guard_writes() -> list[str]:
    """Every write the suite's processes made under the checkout's folders so far."""
    return GUARD_LOG.read_text(encoding="utf-8").splitlines()


#: Each notebook kernel the suite's processes start adds a line here (the write guard's
#: start-up code notes it), so a test that starts one without a slow mark is caught.
KERNEL_LOG = GUARD_LOG.parent / "kernels.log"
KERNEL_LOG.touch()
os.environ["CCDATA_TEST_KERNEL_LOG"] = str(KERNEL_LOG)


def kernel_starts() -> int:
    """How many notebook kernels the suite's processes have started so far."""
    return len(KERNEL_LOG.read_text(encoding="utf-8").splitlines())


@pytest.fixture(scope="session", autouse=True)
def _session_folders(tmp_path_factory):
    """Session fixtures (the demo and official data folders) and anything else outside
    a test write to a session temp folder, never to the checkout's data/ or reports/."""
    root = tmp_path_factory.mktemp("session-folders")
    old = {k: os.environ.get(k) for k in ("CCDATA_DATA_DIR", "CCDATA_REPORTS_DIR")}
    os.environ["CCDATA_DATA_DIR"] = str(root / "data")
    os.environ["CCDATA_REPORTS_DIR"] = str(root / "reports")
    yield root
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(autouse=True)
def _isolated_folders(_session_folders, tmp_path_factory, monkeypatch):
    """Every test gets its own data and reports folders, and fails if anything touched
    the checkout's data/ or reports/ while it ran.

    A module or class fixture that already pointed a variable at a folder of its own
    (a prepared demo data folder, say) keeps it; only the session defaults are replaced.
    """
    root = tmp_path_factory.mktemp("isolated")
    for var, sub in (("CCDATA_DATA_DIR", "data"), ("CCDATA_REPORTS_DIR", "reports")):
        current = os.environ.get(var)
        if current is None or Path(current).is_relative_to(_session_folders):
            monkeypatch.setenv(var, str(root / sub))
        else:
            assert not any(Path(current).resolve().is_relative_to(f) for f in CHECKOUT_FOLDERS), \
                f"{var} points into the checkout: {current}"
    before = len(guard_writes())
    yield root
    changed = guard_writes()[before:]
    if changed:
        pytest.fail("the test wrote into the checkout's data/ or reports/ (tests must use their own "
                    "folders):\n  " + "\n  ".join(changed[:20]), pytrace=False)


@pytest.fixture(autouse=True)
def _kernels_are_slow(request):
    """A test that starts a notebook kernel (in its body or its function fixtures; the
    session's demo site and module fixtures are shared, so not counted) is marked slow."""
    before = kernel_starts()
    yield
    started = kernel_starts() - before
    if started and request.node.get_closest_marker("slow") is None:
        pytest.fail(f"the test started {started} notebook kernel(s) but is not marked slow: mark it "
                    "@pytest.mark.slow(reason=...), or read the session's demo site (the demo_site "
                    "fixture) if it only reads pages", pytrace=False)


needs_mirror = pytest.mark.skipif(
    MIRROR is None,
    reason="official files not available: set CCDATA_MIRROR to a folder laid out like ../shared/data",
)


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    if MIRROR is None:
        pytest.skip("official files not available: set CCDATA_MIRROR to a folder laid out like ../shared/data")
    return MIRROR


@pytest.fixture(scope="session")
def official_data_dir(tmp_path_factory, mirror_dir) -> Path:
    """A data folder with every mirrored dataset fetched (copied) into raw/official and
    every official table built.

    One folder for the whole run (under pytest-xdist the workers share it), built by the
    first worker that needs it: tables built as tests first needed them were sometimes
    built twice, by both workers (or a worker and a kernel) at the same moment.
    Tests never change it (a test that damages a file works on a copy).
    """
    from ccdata.io.fetch import fetch
    from ccdata.run.steps import build

    def make(root: Path) -> Path:
        with data_dir_env(root):
            results = fetch(mirror=str(mirror_dir), progress=False)
            failed = [r for r in results if r.status == "failed"]
            assert not failed, failed
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                built = build(collection=config.OFFICIAL, progress=False)
        failed = [r for r in built if r.status == "failed"]
        assert not failed, failed
        return root

    return once_per_run(tmp_path_factory, "official-data", make)


#: The data folder the process's caches were last emptied for (see ``use_data_dir``).
_CACHES_FOR: list[str] = [""]


@pytest.fixture
def use_data_dir(monkeypatch):
    """Point ccdata at a data folder for one test: ``use_data_dir(path)``."""
    def _use(path: Path) -> Path:
        monkeypatch.setenv("CCDATA_DATA_DIR", str(path))
        from ccdata import cache
        # cached values are keyed by folder and file state, so this is only tidiness: tests of
        # another folder start from empty caches, while tests of the same (session) folder keep
        # its tables (emptying them for every test made the official-data tests about a fifth slower)
        if _CACHES_FOR[0] != str(path):
            cache.clear()
            _CACHES_FOR[0] = str(path)
        return path
    return _use


@pytest.fixture
def official(official_data_dir, use_data_dir) -> Path:
    """Run the test against the fetched official files."""
    return use_data_dir(official_data_dir)


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory) -> Path:
    """A data folder with the fictional demo place generated and built.

    One folder for the whole run (under pytest-xdist the workers share it). Tests never
    change it (a test that changes a file works on a copy).
    """
    from ccdata import demo
    from ccdata.run.steps import build

    def make(root: Path) -> Path:
        with data_dir_env(root):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                demo.generate()
                results = build(collection=config.DEMO, progress=False)
        failed = [r for r in results if r.status == "failed"]
        assert not failed, failed
        return root

    return once_per_run(tmp_path_factory, "demo-data", make)


@pytest.fixture
def demo_data(demo_data_dir, use_data_dir) -> Path:
    return use_data_dir(demo_data_dir)


@pytest.fixture(scope="session")
def demo_site(demo_data_dir, tmp_path_factory):
    """The demo place reported once for the whole run: every view, notebooks kept
    (``ccdata.run.report.report``'s result; pages in ``.place_dir``).

    For the tests that only read pages. They must not change it: a test of the run itself
    (failures, changes, what a run writes) makes its own. Under pytest-xdist the workers
    share one site, made by the first worker that needs it.
    """
    def make(out: Path):
        from ccdata.run import report

        with data_dir_env(demo_data_dir):
            result = report.report("demo", out=out, keep_notebook=True)
        assert result.ok, result.summary()
        return result

    return once_per_run(tmp_path_factory, "demo-site", make)


#: The real places whose pages ``real_site`` makes.
REAL_PLACES = ("pembury", "smallshaw-hurst", "wallsend")


@pytest.fixture(scope="session")
def real_site(official_data_dir, tmp_path_factory):
    """``real_site(place_id)``: a real place's dashboard and asset pages made from the
    official files once for the whole run (``report``'s result), for tests that only read
    them. Under pytest-xdist the workers share them.

    The first test that needs one makes all of :data:`REAL_PLACES`, one after the other on
    one warm kernel as a batch does (one kernel start, the official tables read once)."""
    def make(out: Path) -> dict:
        from ccdata import cache
        from ccdata.run import report
        from ccdata.run.runner import WarmKernel

        results = {}
        with data_dir_env(official_data_dir):
            cache.clear()
            kernel = WarmKernel()
            try:
                for place_id in REAL_PLACES:
                    results[place_id] = report.report(place_id, out=out / place_id, views=["dashboard", "assets"],
                                                      kernel=kernel)
            finally:
                kernel.shutdown()
                cache.clear()
        failed = [r.summary() for r in results.values() if not r.ok]
        assert not failed, failed
        return results

    def pages(place_id: str):
        if place_id not in REAL_PLACES:
            raise ValueError(f"real_site makes {REAL_PLACES}, not {place_id!r}")
        return once_per_run(tmp_path_factory, "real-sites", make)[place_id]

    return pages


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("headless Chromium not installed (Debian package 'chromium'; .ci/run installs it)")
    return path


@pytest.fixture(scope="module")
def browser(chromium):
    """Headless Chromium (Debian's), one per test module, with no background networking."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def axe_scan(browser):
    """A function running axe-core on pages (name -> file path) at desk width: a list of
    ``(name, violation)``, with violation as axe reports it (``id``, ``impact``, ``nodes``)."""
    axe_mod = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_mod.Axe()

    def scan(pages: dict) -> list[tuple[str, dict]]:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        found = []
        for name, path in pages.items():
            page.goto(Path(path).as_uri())
            found += [(name, v) for v in axe.run(page).response["violations"]]
        page.close()
        return found

    return scan


# --------------------------------------------------------------------------- slow tests
#: A test longer than this (setup and call, on the quiet 2-core machine) is marked slow.
SLOW_SECONDS = 60
_SHARED_SITE_REASON = "reads the demo site or a real place's pages (notebooks run once per run)"


def pytest_collection_modifyitems(config, items):
    """A test that reads the session's demo site or a real place's pages is slow:
    deselecting slow tests (``-m "not slow"``) must not leave one to make them. A slow
    mark says why."""
    for item in items:
        shared = {"demo_site", "real_site"} & set(getattr(item, "fixturenames", ()))
        if shared and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow(reason=_SHARED_SITE_REASON))
        if any(not (m.kwargs.get("reason") or m.args) for m in item.iter_markers("slow")):
            item.warn(pytest.PytestWarning('a slow mark without its reason: @pytest.mark.slow(reason="...")'))


_durations: dict[str, tuple[float, bool]] = {}


def pytest_runtest_logreport(report):
    seconds, _ = _durations.get(report.nodeid, (0.0, False))
    if report.when in ("setup", "call"):
        _durations[report.nodeid] = (seconds + report.duration, "slow" in report.keywords)


def pytest_terminal_summary(terminalreporter):
    """Name any test over ``SLOW_SECONDS`` that is not marked slow (machine load can push
    a test over: a quiet machine is the measure)."""
    unmarked = sorted(((s, n) for n, (s, slow) in _durations.items() if s > SLOW_SECONDS and not slow),
                      reverse=True)
    if unmarked:
        terminalreporter.write_sep("=", f"tests over {SLOW_SECONDS} s without a slow mark")
        for seconds, nodeid in unmarked:
            terminalreporter.write_line(f"{seconds:7.1f}s  {nodeid}")
