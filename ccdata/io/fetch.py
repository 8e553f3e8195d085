"""Put raw files in ``data/raw/<collection>/<dataset id>/``.

Routes:

1. a **mirror** (``--mirror`` or ``CCDATA_MIRROR``): a folder or an ``http(s)://``
   URL laid out like ``../shared/data``; files are copied or downloaded by their
   ``mirror_paths``;
2. without a mirror, the **official route**, resolved on the day
   (:func:`resolve`): a gov.uk publication's current attachment (content API of
   the landing page, matched by file name), an ONS layer's current service (ArcGIS
   Online item id), or the recorded URL / layer as fallback. ArcGIS layers are
   paged with ``resultOffset`` until the server stops reporting
   ``exceededTransferLimit``; a page that fails is retried, and a layer that still
   fails keeps its pages so the next fetch resumes where it stopped;
3. a **file saved by hand** (``ccdata fetch ID --file PATH``), for datasets whose
   registry row says which file to save (``Dataset.manual``).

Every request retries with exponential backoff on connection errors, timeouts,
HTTP 429 and 5xx (urllib3 ``Retry`` on the requests session). Errors name the URL
and the HTTP status; "offline" is said only when the network itself is absent.
``check`` probes every route without downloading (``ccdata fetch --check``).

Every file is written to a temporary name in the destination folder and moved into
place only when complete, so an interrupted fetch never leaves half a file. The
SHA-256 and size of every file, and where it came from, are recorded in
``_source.json`` beside it; re-running skips files that are already current.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import requests

from ccdata import config, sources
from ccdata.dataset import Dataset
from ccdata.errors import FetchError, HTTPStatusError, MissingDataError, OfflineError
from ccdata.files import AtomicFile, atomic_write_bytes
from ccdata.io.http import (
    CHUNK,
    download,
    fetch_arcgis_layer,
    filename_from_response,
    new_session,
    short_reason,
)
from ccdata.io.routes import Route, manual_message, resolve
from ccdata.progress import tqdm

MANIFEST_NAME = "_source.json"


@dataclass
class FetchResult:
    """What happened to one dataset."""

    dataset_id: str
    status: str  # "fetched", "current", "unavailable" (saved by hand: see message) or "failed"
    source: str = ""
    files: list[Path] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("fetched", "current")


# --------------------------------------------------------------------------- helpers
def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def dataset_dir(dataset_id: str, collection: str = config.OFFICIAL) -> Path:
    return config.raw_dir(collection) / dataset_id


def read_manifest(dataset_id: str, collection: str = config.OFFICIAL) -> dict:
    path = dataset_dir(dataset_id, collection) / MANIFEST_NAME
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(folder: Path, manifest: dict) -> None:
    atomic_write_bytes(folder / MANIFEST_NAME,
                       json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))


def raw_files(dataset_id: str, collection: str = config.OFFICIAL) -> list[Path]:
    """The fetched files of one dataset, in registry order.

    Raises
    ------
    MissingDataError
        If the dataset has not been fetched (or generated, for the demo), with the
        command that fixes it.
    """
    dataset = sources.get(dataset_id)
    folder = dataset_dir(dataset_id, collection)
    manifest = read_manifest(dataset_id, collection)
    names = list(manifest.get("files", {}))
    files = [folder / n for n in names if (folder / n).exists()]
    if not files:
        hint = ("run `ccdata demo` to generate the fictional demo files" if collection == config.DEMO
                else f"run `ccdata fetch {dataset_id}` (with --mirror DIR when offline)")
        if collection != config.DEMO and read_manifest(dataset_id, config.DEMO).get("files"):
            hint += (f", or use the fictional demo copy that is there: "
                     f"ccdata.load({dataset_id!r}, collection=\"demo\")")
        raise MissingDataError(
            f"no raw files for dataset {dataset_id!r} ({dataset.title}) in {folder}; {hint}. "
            f"Official source: {dataset.official_source}"
        )
    return files


def is_available(dataset_id: str, collection: str = config.OFFICIAL) -> bool:
    try:
        raw_files(dataset_id, collection)
    except MissingDataError:
        return False
    return True


# --------------------------------------------------------------------------- routes
def _fetch_from_mirror(dataset: Dataset, mirror: str, folder: Path, manifest: dict,
                       force: bool, progress: bool, timeout: float) -> FetchResult:
    if not dataset.mirror_paths:
        return FetchResult(dataset.id, "unavailable", mirror,
                           message=f"not in the mirror {mirror}; official source: {dataset.official_source}")
    previous = manifest.get("files", {}) if manifest.get("source") == mirror else {}
    files: dict[str, dict] = {}
    changed = False
    is_url = mirror.startswith(("http://", "https://"))
    session = new_session() if is_url else None
    for rel in dataset.mirror_paths:
        name = Path(rel).name
        dest = folder / name
        old = previous.get(name)
        if is_url:
            url = mirror.rstrip("/") + "/" + urllib.parse.quote(rel)
            try:
                meta = download(session, url, dest, timeout, progress, f"{dataset.id}: {name}",
                                 None if force else old)
            except HTTPStatusError as exc:
                if exc.status == 404:
                    return FetchResult(dataset.id, "unavailable", mirror,
                                       message=f"{rel} is not in the mirror {mirror}")
                raise
            if meta is None:  # 304 Not Modified
                files[name] = old
                continue
            if old and old.get("sha256") == meta["sha256"]:
                files[name] = meta
                continue
        else:
            src = Path(mirror) / rel
            if not src.exists():
                return FetchResult(dataset.id, "unavailable", mirror,
                                   message=f"{rel} is not in the mirror folder {mirror}")
            digest = sha256_file(src)
            if (not force and old and old.get("sha256") == digest and dest.exists()
                    and dest.stat().st_size == old.get("bytes")):
                files[name] = old
                continue
            total = src.stat().st_size
            with open(src, "rb") as fh, AtomicFile(dest) as out, tqdm(
                    total=total, unit="B", unit_scale=True, desc=f"{dataset.id}: {name}",
                    disable=not progress, leave=False) as bar:
                for block in iter(lambda: fh.read(CHUNK), b""):
                    out.write(block)
                    bar.update(len(block))
            meta = {"sha256": out.digest.hexdigest(), "bytes": out.size, "path": rel}
        files[name] = meta
        changed = True
    _finish(folder, dataset, mirror, files, manifest if not changed else None)
    return FetchResult(dataset.id, "fetched" if changed else "current", mirror,
                       [folder / n for n in files])


def _download_candidates(dataset: Dataset, route: Route, today: dt.date | None) -> list[str]:
    urls = [route.url]
    if route.how == "content API" and dataset.url and dataset.url != route.url:
        urls.append(dataset.url)  # the recorded upload, should the new one fail
    if route.url and "{yyyymmdd}" in route.url:  # daily extracts: try today, then the days before
        today = today or dt.date.today()
        urls = [route.url.replace("{yyyymmdd}", (today - dt.timedelta(days=d)).strftime("%Y%m%d"))
                for d in range(8)]
    return urls


def _fetch_official(dataset: Dataset, folder: Path, manifest: dict, force: bool,
                    progress: bool, timeout: float, today: dt.date | None = None,
                    session: requests.Session | None = None) -> FetchResult:
    session = session or new_session()
    route = resolve(dataset, session, timeout=timeout)
    if route.url is None:
        return FetchResult(dataset.id, "unavailable", dataset.landing_page,
                           message=manual_message(dataset, route.note))
    if route.kind == "arcgis":
        geometry = dataset.loader == "boundaries"
        name = f"{dataset.id}.geojson" if geometry else f"{dataset.id}.csv"
        meta = fetch_arcgis_layer(route.url, folder / name, geometry=geometry,
                                  timeout=timeout, progress=progress, session=session)
        old = manifest.get("files", {}).get(name)
        status = "current" if old and old.get("sha256") == meta["sha256"] else "fetched"
        _finish(folder, dataset, route.url, {name: meta}, None, route)
        return FetchResult(dataset.id, status, route.url, [folder / name])
    last_error: Exception | None = None
    for url in _download_candidates(dataset, route, today):
        name = filename_from_response(url, {}, f"{dataset.id}.csv")
        if "getReport" in url:
            name = f"{urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)['report'][0]}.csv"
        old = manifest.get("files", {}).get(name) if manifest.get("source") == url else None
        try:
            meta = download(session, url, folder / name, timeout, progress, dataset.id,
                             None if force else old)
        except OfflineError:
            raise
        except FetchError as exc:
            last_error = exc
            continue
        if url != route.url:
            route.note = "; ".join(filter(None, [route.note, f"{route.url} failed ({short_reason(last_error)})"
                                                  if last_error else ""]))
            route.url = url
        if meta is None or (old and old.get("sha256") == meta["sha256"]):
            return FetchResult(dataset.id, "current", url, [folder / name])
        _finish(folder, dataset, url, {name: meta}, None, route)
        return FetchResult(dataset.id, "fetched", url, [folder / name])
    message = f"{dataset.id}: no download succeeded ({last_error})"
    if dataset.manual:
        message += f". To get it by hand: {dataset.manual}"
    raise FetchError(message)


def _finish(folder: Path, dataset: Dataset, source: str, files: dict,
            unchanged_manifest: dict | None, route: Route | None = None) -> None:
    if unchanged_manifest is not None and unchanged_manifest.get("files") == files:
        return
    for stale in set(read_manifest_at(folder).get("files", {})) - set(files):
        (folder / stale).unlink(missing_ok=True)
    manifest = {
        "dataset": dataset.id, "title": dataset.title, "vintage": dataset.vintage,
        "licence": dataset.licence, "source": source,
        "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": files,
    }
    if route is not None:
        manifest["route"] = route.provenance()
    write_manifest(folder, manifest)


def read_manifest_at(folder: Path) -> dict:
    path = folder / MANIFEST_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def fetch(dataset_ids: Iterable[str] | None = None, *, mirror: str | None = None,
          collection: str = config.OFFICIAL, force: bool = False, progress: bool = True,
          timeout: float = 120) -> list[FetchResult]:
    """Fetch datasets into ``data/raw/<collection>/``.

    Parameters
    ----------
    dataset_ids : iterable of str, optional
        Registry ids; all datasets when omitted.
    mirror : str, optional
        Folder or URL laid out like ``../shared/data``. Defaults to ``CCDATA_MIRROR``.
        With a mirror, datasets absent from it are reported as ``unavailable``
        rather than fetched from the internet.
    force : bool
        Fetch again even when the recorded checksum says the copy is current.

    Returns
    -------
    list of FetchResult
        One per dataset. A dataset that fails is reported, never silently skipped;
        the others go on. The resolved URL, how it was found, the publisher's date
        and the checksums are recorded in ``_source.json`` (``route``, ``files``).

    Raises
    ------
    UnknownDatasetError
        If an id is not in the registry (checked before anything is fetched).
    """
    ids = list(dataset_ids) if dataset_ids else list(sources.REGISTRY)
    datasets = [sources.get(i) for i in ids]  # fail fast on unknown ids
    mirror = mirror or config.mirror()
    if mirror and not mirror.startswith(("http://", "https://")):
        if not Path(mirror).is_dir():
            raise FetchError(f"mirror folder {mirror} does not exist")
        mirror = str(Path(mirror).resolve())
    results = []
    offline: str | None = None
    session = new_session()
    for dataset in datasets:
        folder = dataset_dir(dataset.id, collection)
        manifest = read_manifest_at(folder)
        if offline and not (mirror and not mirror.startswith(("http://", "https://"))):
            # no network: each further dataset would only wait through the same retries
            results.append(FetchResult(dataset.id, "failed", mirror or dataset.official_source, message=offline))
            continue
        try:
            if mirror:
                result = _fetch_from_mirror(dataset, mirror, folder, manifest, force, progress, timeout)
            else:
                result = _fetch_official(dataset, folder, manifest, force, progress, timeout,
                                         session=session)
        except OfflineError as exc:
            offline = str(exc)
            result = FetchResult(dataset.id, "failed", mirror or dataset.official_source, message=offline)
        except (FetchError, OSError, ValueError) as exc:
            result = FetchResult(dataset.id, "failed", mirror or dataset.official_source,
                                 message=f"{type(exc).__name__}: {exc}")
        results.append(result)
    return results


def add_file(dataset_id: str, path: str | Path, *, collection: str = config.OFFICIAL) -> FetchResult:
    """Register a file saved by hand as the raw file of ``dataset_id``.

    For datasets whose registry row has a ``manual`` note (no download route works).
    The file is copied atomically into ``data/raw/<collection>/<dataset_id>/`` and
    its checksum recorded, as for a download; loaders then read it like any other.

    Raises
    ------
    UnknownDatasetError
        Unknown id.
    MissingDataError
        If ``path`` is not a file.
    """
    dataset = sources.get(dataset_id)
    src = Path(path)
    if not src.is_file():
        raise MissingDataError(f"{src}: no such file to register for dataset {dataset_id!r}")
    folder = dataset_dir(dataset_id, collection)
    dest = folder / src.name
    old = read_manifest_at(folder).get("files", {}).get(src.name)
    digest = sha256_file(src)
    if old and old.get("sha256") == digest and dest.exists():
        return FetchResult(dataset_id, "current", f"file {src}", [dest])
    with open(src, "rb") as fh, AtomicFile(dest) as out:
        shutil.copyfileobj(fh, out)
    meta = {"sha256": out.digest.hexdigest(), "bytes": out.size, "path": str(src.resolve())}
    route = Route("manual", None, None, how="saved by hand", note=f"registered from {src.resolve()}")
    _finish(folder, dataset, f"file {src.resolve()}", {src.name: meta}, None, route)
    return FetchResult(dataset_id, "fetched", f"file {src}", [dest])


# --------------------------------------------------------------------------- checking routes


def store_generated(dataset_id: str, files: dict[str, bytes], *, collection: str,
                    source: str) -> list[Path]:
    """Store files that ccdata generated itself (the demo place) as if fetched.

    Writes each file atomically into ``data/raw/<collection>/<dataset_id>/`` and
    records checksums in ``_source.json``, so the same loaders and the same
    change detection apply to generated and downloaded files.
    """
    dataset = sources.get(dataset_id)
    folder = dataset_dir(dataset_id, collection)
    old = read_manifest_at(folder).get("files", {})
    meta = {}
    for name, data in files.items():
        digest = hashlib.sha256(data).hexdigest()
        if not (old.get(name, {}).get("sha256") == digest and (folder / name).exists()):
            atomic_write_bytes(folder / name, data)
        meta[name] = {"sha256": digest, "bytes": len(data)}
    if old != meta:
        _finish(folder, dataset, source, meta, None)
    return [folder / n for n in files]
