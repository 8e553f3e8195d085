"""Shared fixtures.

Real-data tests read the official files from the mirror named by ``CCDATA_MIRROR``
(CI sets it to ``../shared/data``) or from ``../shared/data`` when it exists, and are
skipped with the reason otherwise. Nothing is ever copied into the repository: the
fixtures fetch into temporary data folders.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest

from ccdata import config

REPO = Path(__file__).resolve().parent.parent


def _mirror() -> Path | None:
    value = os.environ.get("CCDATA_MIRROR")
    candidates = [Path(value)] if value and not value.startswith("http") else []
    candidates.append(REPO.parent / "shared" / "data")
    for c in candidates:
        c = c if c.is_absolute() else (REPO / c)
        if (c / "MANIFEST.md").exists():
            return c.resolve()
    return None


MIRROR = _mirror()

#: The checkout's own data and reports folders: ``make demo``, ``ccdata fetch`` and
#: ``ccdata build`` fill them, and no test may read or change them.
CHECKOUT_FOLDERS = (REPO / "data", REPO / "reports")

#: Writes under the checkout's folders are recorded by an audit hook in this process and,
#: through ``tests/writeguard/sitecustomize.py`` on ``PYTHONPATH``, in every Python
#: process the tests start (kernels, the command line), each into this log. Only the
#: suite's own processes are watched: a person's ``ccdata build`` in the same checkout is not.
GUARD_DIR = Path(__file__).resolve().parent / "writeguard"
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


@contextlib.contextmanager
def data_dir_env(path):
    """Point ``CCDATA_DATA_DIR`` at ``path`` for the ``with`` block (session fixtures,
    where ``monkeypatch`` is not available), restoring the previous value after."""
    old = os.environ.get("CCDATA_DATA_DIR")
    os.environ["CCDATA_DATA_DIR"] = str(path)
    try:
        yield path
    finally:
        if old is None:
            os.environ.pop("CCDATA_DATA_DIR", None)
        else:
            os.environ["CCDATA_DATA_DIR"] = old
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
    """A data folder with every mirrored dataset fetched (copied) into raw/official."""
    from ccdata.io.fetch import fetch

    root = tmp_path_factory.mktemp("official-data")
    with data_dir_env(root):
        results = fetch(mirror=str(mirror_dir), progress=False)
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed
    return root


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
    """A data folder with the fictional demo place generated and built."""
    from ccdata import demo
    from ccdata.geo.build import build

    root = tmp_path_factory.mktemp("demo-data")
    with data_dir_env(root):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            demo.generate()
            results = build(collection=config.DEMO, progress=False)
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed
    return root


@pytest.fixture
def demo_data(demo_data_dir, use_data_dir) -> Path:
    return use_data_dir(demo_data_dir)


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


def axe_entry(name: str, violation: dict) -> str:
    """One line for a test's output: page, rule, impact and how many elements."""
    return f"{name}: {violation['id']} ({violation['impact']}, {len(violation['nodes'])} element(s))"


def census_raw_rows(dataset_id: str, collection: str) -> list[dict]:
    """Rows of a raw Census LSOA file read with the standard library only (independent of
    ccdata's loaders): a Nomis zip (member ``*-lsoa.csv``), a gzipped CSV or a plain CSV."""
    import csv
    import gzip
    import io
    import zipfile

    from ccdata.io.fetch import raw_files

    path = raw_files(dataset_id, collection)[0]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            member = next(m for m in zf.namelist() if m.endswith("-lsoa.csv"))
            data = zf.read(member)
    elif path.name.endswith(".gz"):
        data = gzip.decompress(path.read_bytes())
    else:
        data = path.read_bytes()
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def census_published_rows(dataset_id: str, collection: str) -> dict[str, dict] | None:
    """Rows of a published Census area file (``census21_<t>_ltla`` / ``_ctry``), by
    geography code, read with the standard library; ``None`` when not fetched."""
    import csv
    import gzip
    import io

    from ccdata import sources
    from ccdata.io.fetch import is_available, raw_files

    if dataset_id not in sources.REGISTRY or not is_available(dataset_id, collection):
        return None
    path = raw_files(dataset_id, collection)[0]
    data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    return {r["geography code"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}


# Postcodes -> (lsoa21, ward24) known to ``fake_geocoder`` (tests of survey and pupil
# loading, without Code-Point Open). Any other postcode is "not found".
POSTCODES = {"DE1 1AA": ("E01900001", "E05900001"), "DE1 1AB": ("E01900002", "E05900001"),
             "DE2 2AA": ("E01900003", "E05900002")}


def fake_geocoder(postcodes):
    import pandas as pd

    found = [POSTCODES.get(str(p).upper()) for p in postcodes]
    return pd.DataFrame({"lsoa21_code": [v[0] if v else None for v in found],
                         "ward24_code": [v[1] if v else None for v in found],
                         "located": ["ok" if v else "not found" for v in found]}, index=postcodes.index)
