"""Put raw files in ``data/raw/<collection>/<dataset id>/``.

Three routes, tried in this order:

1. a **mirror** (``--mirror`` or ``CCDATA_MIRROR``): a folder or an ``http(s)://``
   URL laid out like ``../shared/data``; files are copied or downloaded by their
   ``mirror_paths``;
2. the **official download URL** of the registry row;
3. the **ONS ArcGIS FeatureServer layer**, paged with ``resultOffset`` until the
   server stops reporting ``exceededTransferLimit``.

Every file is written to a temporary name in the destination folder and moved into
place only when complete, so an interrupted fetch never leaves half a file. The
SHA-256 and size of every file, and where it came from, are recorded in
``_source.json`` beside it; re-running skips files that are already current.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import requests
from tqdm.auto import tqdm

from ccdata import config, sources
from ccdata.errors import FetchError, MissingDataError, OfflineError
from ccdata.files import AtomicFile, atomic_write_bytes  # noqa: F401  (atomic_write_bytes: used by callers of fetch)

MANIFEST_NAME = "_source.json"
CHUNK = 1 << 20
USER_AGENT = "ccdata (community data notebooks; +https://github.com/)"


@dataclass
class FetchResult:
    """What happened to one dataset."""

    dataset_id: str
    status: str  # "fetched", "current", "unavailable" or "failed"
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


# --------------------------------------------------------------------------- HTTP
def _session() -> requests.Session:
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    return s


def _offline_message(url: str, exc: Exception) -> str:
    host = urllib.parse.urlsplit(url).netloc
    return (f"cannot reach {host} ({type(exc).__name__}). You appear to be offline: "
            "fetch from a mirror with `--mirror DIR_OR_URL` or CCDATA_MIRROR, "
            "or use the fictional demo place (`ccdata demo`).")


def _get(session: requests.Session, url: str, timeout: float, **kwargs) -> requests.Response:
    try:
        response = session.get(url, timeout=timeout, stream=True, **kwargs)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise OfflineError(_offline_message(url, exc)) from exc
    return response


def _download(session: requests.Session, url: str, dest: Path, timeout: float,
              progress: bool, label: str, previous: dict | None = None) -> dict | None:
    """Stream ``url`` to ``dest`` atomically. Returns file metadata, or ``None`` if the
    server says the copy we have is current (HTTP 304)."""
    headers = {}
    if previous and dest.exists():
        if previous.get("etag"):
            headers["If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = previous["last_modified"]
    response = _get(session, url, timeout, headers=headers)
    with response:
        if response.status_code == 304:
            return None
        if response.status_code != 200:
            raise FetchError(f"{url}: HTTP {response.status_code} {response.reason}")
        total = int(response.headers.get("Content-Length") or 0) or None
        with AtomicFile(dest) as out, tqdm(total=total, unit="B", unit_scale=True,
                                            desc=label, disable=not progress, leave=False) as bar:
            for block in response.iter_content(CHUNK):
                out.write(block)
                bar.update(len(block))
        return {"sha256": out.digest.hexdigest(), "bytes": out.size,
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified"), "url": url}


def _filename_from_response(url: str, response_headers: dict, fallback: str) -> str:
    disposition = response_headers.get("Content-Disposition", "")
    match = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', disposition)
    if match:
        return Path(urllib.parse.unquote(match.group(1))).name
    name = Path(urllib.parse.urlsplit(url).path).name
    return name if "." in name else fallback


# --------------------------------------------------------------------------- ArcGIS
def fetch_arcgis_layer(layer_url: str, dest: Path, *, geometry: bool, timeout: float = 120,
                       progress: bool = True, session: requests.Session | None = None,
                       page_size: int | None = None) -> dict:
    """Page through an ArcGIS FeatureServer layer and write every feature to ``dest``.

    Writes GeoJSON (WGS84) when ``geometry`` is true, else a CSV of the attributes in
    the layer's field order. Paging follows the ArcGIS REST API: ``resultOffset`` and
    ``resultRecordCount`` up to the layer's ``maxRecordCount``, until a page comes back
    without ``exceededTransferLimit``.
    """

    session = session or _session()
    try:
        info = session.get(layer_url, params={"f": "json"}, timeout=timeout)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise OfflineError(_offline_message(layer_url, exc)) from exc
    if info.status_code != 200:
        raise FetchError(f"{layer_url}: HTTP {info.status_code}")
    meta = info.json()
    if "error" in meta:
        raise FetchError(f"{layer_url}: ArcGIS error {meta['error']}")
    size = page_size or int(meta.get("maxRecordCount") or 1000)
    fields = [f["name"] for f in meta.get("fields", [])]
    features: list[dict] = []
    offset = 0
    bar = tqdm(unit=" features", desc=Path(urllib.parse.urlsplit(layer_url).path).parts[-3],
               disable=not progress, leave=False)
    while True:
        params = {"where": "1=1", "outFields": "*", "resultOffset": offset,
                  "resultRecordCount": size, "orderByFields": meta.get("objectIdField") or "",
                  "f": "geojson" if geometry else "json"}
        if geometry:
            params["outSR"] = 4326
        else:
            params["returnGeometry"] = "false"
        try:
            page = session.get(f"{layer_url.rstrip('/')}/query", params=params, timeout=timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise OfflineError(_offline_message(layer_url, exc)) from exc
        if page.status_code != 200:
            raise FetchError(f"{layer_url}/query offset {offset}: HTTP {page.status_code}")
        body = page.json()
        if "error" in body:
            raise FetchError(f"{layer_url}/query offset {offset}: ArcGIS error {body['error']}")
        batch = body.get("features", [])
        features.extend(batch)
        bar.update(len(batch))
        offset += len(batch)
        more = body.get("exceededTransferLimit") or body.get("properties", {}).get("exceededTransferLimit")
        if not batch or not more:
            break
    bar.close()
    if geometry:
        data = json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8")
    else:
        names = fields or sorted({k for f in features for k in f.get("attributes", {})})
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=names, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for feature in features:
            writer.writerow(feature.get("attributes", {}))
        data = buffer.getvalue().encode("utf-8")
    atomic_write_bytes(dest, data)
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "url": layer_url,
            "features": len(features)}


# --------------------------------------------------------------------------- routes
def _fetch_from_mirror(dataset: sources.Dataset, mirror: str, folder: Path, manifest: dict,
                       force: bool, progress: bool, timeout: float) -> FetchResult:
    if not dataset.mirror_paths:
        return FetchResult(dataset.id, "unavailable", mirror,
                           message=f"not in the mirror {mirror}; official source: {dataset.official_source}")
    previous = manifest.get("files", {}) if manifest.get("source") == mirror else {}
    files: dict[str, dict] = {}
    changed = False
    is_url = mirror.startswith(("http://", "https://"))
    session = _session() if is_url else None
    for rel in dataset.mirror_paths:
        name = Path(rel).name
        dest = folder / name
        old = previous.get(name)
        if is_url:
            url = mirror.rstrip("/") + "/" + urllib.parse.quote(rel)
            try:
                meta = _download(session, url, dest, timeout, progress, f"{dataset.id}: {name}",
                                 None if force else old)
            except FetchError as exc:
                if "HTTP 404" in str(exc):
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


def _fetch_official(dataset: sources.Dataset, folder: Path, manifest: dict, force: bool,
                    progress: bool, timeout: float, today: dt.date | None = None) -> FetchResult:
    session = _session()
    if dataset.url:
        candidates = [dataset.url]
        if "{yyyymmdd}" in dataset.url:  # daily extracts: try today, then the days before
            today = today or dt.date.today()
            candidates = [dataset.url.replace("{yyyymmdd}", (today - dt.timedelta(days=d)).strftime("%Y%m%d"))
                          for d in range(8)]
        last_error: Exception | None = None
        for url in candidates:
            name = _filename_from_response(url, {}, f"{dataset.id}.csv")
            if "getReport" in url:
                name = f"{urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)['report'][0]}.csv"
            old = manifest.get("files", {}).get(name) if manifest.get("source") == url else None
            try:
                meta = _download(session, url, folder / name, timeout, progress, dataset.id,
                                 None if force else old)
            except OfflineError:
                raise
            except FetchError as exc:
                last_error = exc
                continue
            if meta is None or (old and old.get("sha256") == meta["sha256"]):
                return FetchResult(dataset.id, "current", url, [folder / name])
            _finish(folder, dataset, url, {name: meta}, None)
            return FetchResult(dataset.id, "fetched", url, [folder / name])
        raise FetchError(f"{dataset.id}: no download succeeded ({last_error})")
    if dataset.arcgis_layer:
        geometry = dataset.loader == "boundaries"
        name = f"{dataset.id}.geojson" if geometry else f"{dataset.id}.csv"
        meta = fetch_arcgis_layer(dataset.arcgis_layer, folder / name, geometry=geometry,
                                  timeout=timeout, progress=progress, session=session)
        old = manifest.get("files", {}).get(name)
        status = "current" if old and old.get("sha256") == meta["sha256"] else "fetched"
        _finish(folder, dataset, dataset.arcgis_layer, {name: meta}, None)
        return FetchResult(dataset.id, status, dataset.arcgis_layer, [folder / name])
    return FetchResult(dataset.id, "unavailable", dataset.landing_page,
                       message=(f"the publisher offers no direct download; get it from "
                                f"{dataset.landing_page} and use a mirror folder"))


def _finish(folder: Path, dataset: sources.Dataset, source: str, files: dict,
            unchanged_manifest: dict | None) -> None:
    if unchanged_manifest is not None and unchanged_manifest.get("files") == files:
        return
    for stale in set(read_manifest_at(folder).get("files", {})) - set(files):
        (folder / stale).unlink(missing_ok=True)
    write_manifest(folder, {
        "dataset": dataset.id, "title": dataset.title, "vintage": dataset.vintage,
        "licence": dataset.licence, "source": source,
        "fetched_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "files": files,
    })


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
        the others go on.

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
    for dataset in datasets:
        folder = dataset_dir(dataset.id, collection)
        manifest = read_manifest_at(folder)
        try:
            if mirror:
                result = _fetch_from_mirror(dataset, mirror, folder, manifest, force, progress, timeout)
            else:
                result = _fetch_official(dataset, folder, manifest, force, progress, timeout)
        except OfflineError as exc:
            result = FetchResult(dataset.id, "failed", mirror or dataset.official_source, message=str(exc))
        except (FetchError, OSError, ValueError) as exc:
            result = FetchResult(dataset.id, "failed", mirror or dataset.official_source,
                                 message=f"{type(exc).__name__}: {exc}")
        results.append(result)
    return results


def iter_manifests(collection: str = config.OFFICIAL) -> Iterator[dict]:
    root = config.raw_dir(collection)
    if root.exists():
        for path in sorted(root.glob(f"*/{MANIFEST_NAME}")):
            yield json.loads(path.read_text(encoding="utf-8"))


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
