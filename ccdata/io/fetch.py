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

import csv
import datetime as dt
import errno
import hashlib
import io
import json
import re
import shutil
import socket
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from tqdm.auto import tqdm
from urllib3.util.retry import Retry

from ccdata import config, sources
from ccdata.errors import FetchError, MissingDataError, OfflineError
from ccdata.files import AtomicFile, atomic_write_bytes  # noqa: F401  (atomic_write_bytes: used by callers of fetch)

MANIFEST_NAME = "_source.json"
CHUNK = 1 << 20
USER_AGENT = "ccdata (community data notebooks; +https://github.com/)"
# run-time discovery of moved files (module constants so a test can point them at a loopback server)
ARCGIS_ITEMS = "https://www.arcgis.com/sharing/rest/content/items"
GOVUK_CONTENT_API = "https://www.gov.uk/api/content"
# retries: urllib3 waits BACKOFF * 2**(n - 1) seconds before the n-th retry (at most 120 s,
# or what a Retry-After header asks)
RETRIES = 4
BACKOFF = 1.0
RETRY_STATUS = (429, 500, 502, 503, 504)
RETRY_AFTER_MAX = 120
# a download cut off mid-body, or an ArcGIS page answered with an error, is tried again whole
ATTEMPTS = 3


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


# --------------------------------------------------------------------------- HTTP
class HTTPStatusError(FetchError):
    """A server answered with an HTTP error status (after any retries)."""

    def __init__(self, url: str, status: int, reason: str, message: str | None = None):
        self.url, self.status, self.reason = url, status, reason
        self.short = f"HTTP {status} {reason}".strip()
        super().__init__(message or f"{url}: {self.short}")


class BlockedError(HTTPStatusError):
    """HTTP 403: a firewall or the publisher's server refuses this client."""


class ArcGISError(FetchError):
    """An ArcGIS REST endpoint answered with an ``error`` object."""

    def __init__(self, url: str, code: object, message: str):
        self.url, self.code = url, code
        self.short = f"ArcGIS error {code} {message}".strip()
        hint = ""
        if "invalid url" in message.lower() or "not found" in message.lower():
            hint = ("; the service may have been renamed or withdrawn: record the layer's ArcGIS "
                    "item id (Dataset.arcgis_item) so fetch can find its current name")
        super().__init__(f"{url}: {self.short}{hint}")


def _short(exc: Exception) -> str:
    """The reason of an error without its URL, for one-line summaries."""
    return getattr(exc, "short", None) or str(exc)


class _Retry(Retry):
    """urllib3 ``Retry`` that waits at most ``RETRY_AFTER_MAX`` seconds for a
    ``Retry-After`` header (a server asking for an hour would stall a scheduled run)."""

    def get_retry_after(self, response):  # the urllib3 hook that reads Retry-After
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, RETRY_AFTER_MAX)


def _session() -> requests.Session:
    """A requests session that retries with backoff on connection errors, timeouts,
    HTTP 429 and 5xx (every method: all ccdata requests are reads)."""
    retry = _Retry(total=RETRIES, connect=RETRIES, read=RETRIES, status=RETRIES, other=0,
                   backoff_factor=BACKOFF, status_forcelist=RETRY_STATUS, allowed_methods=None,
                   respect_retry_after_header=True, raise_on_status=False)
    s = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.headers["User-Agent"] = USER_AGENT
    return s


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (MaxRetryError.reason, args) and its causes."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack += [getattr(e, "reason", None), e.__cause__, e.__context__]
        stack += [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]


_OFFLINE_ERRNO = {errno.ENETUNREACH, errno.ENETDOWN}


def _network_absent(exc: BaseException) -> bool:
    """True when the failure says there is no network (no name resolution, no route)."""
    for e in _causes(exc):
        if isinstance(e, (socket.gaierror, urllib3.exceptions.NameResolutionError)):
            return True
        if isinstance(e, OSError) and e.errno in _OFFLINE_ERRNO:
            return True
        text = str(e).lower()
        if ("name or service not known" in text or "temporary failure in name resolution" in text
                or "network is unreachable" in text or "nodename nor servname" in text):
            return True
    return False


def _connection_error(url: str, exc: Exception, timeout: float) -> FetchError:
    """A FetchError naming the URL; OfflineError only when the network is absent."""
    host = urllib.parse.urlsplit(url).netloc
    if _network_absent(exc):
        return OfflineError(
            f"cannot reach {host} ({type(exc).__name__}): the network is not available. You appear "
            "to be offline: fetch from a mirror with `--mirror DIR_OR_URL` or CCDATA_MIRROR, "
            "or use the fictional demo place (`ccdata demo`).")
    tries = f"tried {RETRIES + 1} times"
    causes = list(_causes(exc))
    if any(isinstance(e, ConnectionRefusedError) or "connection refused" in str(e).lower() for e in causes):
        error = FetchError(f"{url}: {host} refused the connection ({tries})")
        error.short = "connection refused"
        return error
    # urllib3's NewConnectionError subclasses its timeout error: a failed connect is not a timeout
    if any(isinstance(e, (requests.Timeout, urllib3.exceptions.TimeoutError, socket.timeout))
           and not isinstance(e, urllib3.exceptions.NewConnectionError) for e in causes):
        error = FetchError(f"{url}: no answer from {host} within {timeout:g} s ({tries})")
        error.short = f"no answer within {timeout:g} s"
        return error
    error = FetchError(f"{url}: connection to {host} failed ({tries}): {exc}")
    error.short = "connection failed"
    return error


def _status_error(url: str, response: requests.Response) -> HTTPStatusError:
    status, reason = response.status_code, response.reason or ""
    if status == 403:
        return BlockedError(url, status, reason,
                            f"{url}: blocked by the publisher's server (HTTP 403 {reason}). A firewall "
                            "or the server refuses this download; open the URL in a browser, or use a "
                            "mirror (`--mirror`).")
    if status in RETRY_STATUS:
        return HTTPStatusError(url, status, reason, f"{url}: HTTP {status} {reason} (tried {RETRIES + 1} times)")
    return HTTPStatusError(url, status, reason)


def _request(session: requests.Session, method: str, url: str, timeout: float, **kwargs) -> requests.Response:
    try:
        return session.request(method, url, timeout=timeout, **kwargs)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise _connection_error(url, exc, timeout) from exc
    except requests.exceptions.RetryError as exc:  # pragma: no cover - raise_on_status is off
        raise FetchError(f"{url}: {exc}") from exc


def _get(session: requests.Session, url: str, timeout: float, **kwargs) -> requests.Response:
    return _request(session, "GET", url, timeout, stream=True, **kwargs)


def _get_json(session: requests.Session, url: str, params: dict, timeout: float) -> dict:
    """GET a JSON document; HTTP errors and ArcGIS ``error`` objects raise FetchError."""
    response = _request(session, "GET", url, timeout, params=params)
    if response.status_code != 200:
        raise _status_error(url, response)
    try:
        body = response.json()
    except ValueError:
        raise FetchError(f"{url}: the answer is not JSON (starts {response.text[:60]!r})") from None
    if not isinstance(body, dict):
        raise FetchError(f"{url}: expected a JSON object, got {type(body).__name__}")
    if isinstance(body.get("error"), dict):
        err = body["error"]
        details = "; ".join(str(d) for d in err.get("details") or [] if d and d != err.get("message"))
        raise ArcGISError(url, err.get("code"), " ".join(filter(None, [str(err.get("message") or ""), details])))
    return body


def _download(session: requests.Session, url: str, dest: Path, timeout: float,
              progress: bool, label: str, previous: dict | None = None) -> dict | None:
    """Stream ``url`` to ``dest`` atomically. Returns file metadata, or ``None`` if the
    server says the copy we have is current (HTTP 304).

    A download cut off mid-body is started again (``ATTEMPTS`` in all), with backoff;
    what was received is never kept.
    """
    headers = {}
    if previous and dest.exists():
        if previous.get("etag"):
            headers["If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = previous["last_modified"]
    for attempt in range(1, ATTEMPTS + 1):
        response = _get(session, url, timeout, headers=headers)
        with response:
            if response.status_code == 304:
                return None
            if response.status_code != 200:
                raise _status_error(url, response)
            total = int(response.headers.get("Content-Length") or 0) or None
            try:
                with AtomicFile(dest) as out, tqdm(total=total, unit="B", unit_scale=True, desc=label,
                                                    disable=not progress, leave=False) as bar:
                    for block in response.iter_content(CHUNK):
                        out.write(block)
                        bar.update(len(block))
            except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError,
                    urllib3.exceptions.ProtocolError) as exc:
                if attempt == ATTEMPTS:
                    error = FetchError(f"{url}: the connection dropped during the download "
                                       f"({ATTEMPTS} attempts): {exc}")
                    error.short = "connection dropped during the download"
                    raise error from exc
                time.sleep(BACKOFF * 2 ** (attempt - 1))
                continue
            return {"sha256": out.digest.hexdigest(), "bytes": out.size,
                    "etag": response.headers.get("ETag"),
                    "last_modified": response.headers.get("Last-Modified"), "url": url}
    raise AssertionError("unreachable")  # pragma: no cover


def _filename_from_response(url: str, response_headers: dict, fallback: str) -> str:
    disposition = response_headers.get("Content-Disposition", "")
    match = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', disposition)
    if match:
        return Path(urllib.parse.unquote(match.group(1))).name
    name = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name
    return name if "." in name else fallback


# --------------------------------------------------------------------------- route resolution
@dataclass
class Route:
    """Where a dataset is fetched from today.

    ``kind`` is ``govuk``, ``arcgis``, ``url`` or ``manual``; ``url`` the resolved
    download URL (an ArcGIS *layer* URL for ``arcgis``; ``None`` for ``manual``);
    ``recorded`` the registry's URL; ``how`` says how ``url`` was found
    (``content API``, ``item id``, ``recorded``); ``note`` why a fallback was taken;
    ``published`` the publisher's date for the file where the API gives one.
    """

    kind: str
    url: str | None
    recorded: str | None
    how: str = "recorded"
    note: str = ""
    published: str | None = None
    filename: str | None = None
    resolved_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    @property
    def moved(self) -> bool:
        """The file is now somewhere other than the registry records."""
        if not self.url or not self.recorded or self.how == "recorded":
            return False
        return self.url.rstrip("/").lower() != self.recorded.rstrip("/").lower()

    def provenance(self) -> dict:
        return {"kind": self.kind, "resolved": self.url, "recorded": self.recorded, "how": self.how,
                "note": self.note, "published": self.published, "resolved_at": self.resolved_at}


def _layer_number(layer_url: str | None) -> str:
    match = re.search(r"/(?:Feature|Map)Server/(\d+)/?$", layer_url or "")
    return match.group(1) if match else "0"


def _resolve_arcgis_item(session: requests.Session, item: str, recorded: str | None, timeout: float) -> str:
    """The current layer URL of an ArcGIS Online item (field ``url`` of the item)."""
    url = f"{ARCGIS_ITEMS.rstrip('/')}/{item}"
    body = _get_json(session, url, {"f": "json"}, timeout)
    service = body.get("url")
    if not service:
        raise FetchError(f"{url}: the item has no service URL (type {body.get('type')!r})")
    if re.search(r"/(?:Feature|Map)Server/\d+/?$", service):
        return service.rstrip("/")
    return f"{service.rstrip('/')}/{_layer_number(recorded)}"


def _resolve_govuk(session: requests.Session, dataset: sources.Dataset, timeout: float) -> tuple[dict, dict]:
    """The attachment of a gov.uk publication whose file name matches, and the page."""
    path = urllib.parse.urlsplit(dataset.landing_page).path
    api = GOVUK_CONTENT_API.rstrip("/") + path
    # one look-up per page and session: the IoD 2025 page serves six datasets
    cache = session.__dict__.setdefault("ccdata_pages", {})
    if api not in cache:
        cache[api] = _get_json(session, api, {}, timeout)
    page = cache[api]
    attachments = (page.get("details") or {}).get("attachments") or []
    pattern = re.compile(dataset.attachment, re.IGNORECASE)
    for att in attachments:
        if not isinstance(att, dict) or not att.get("url"):
            continue
        name = att.get("filename") or Path(urllib.parse.urlsplit(att["url"]).path).name
        if pattern.search(urllib.parse.unquote(name)):
            return {**att, "url": urllib.parse.urljoin(dataset.landing_page, att["url"]), "filename": name}, page
    names = [a.get("filename") or a.get("title") for a in attachments if isinstance(a, dict)]
    raise FetchError(f"{api}: no attachment matches {dataset.attachment!r} "
                     f"(the page lists {len(names)}: {', '.join(map(str, names[:6]))}"
                     f"{' ...' if len(names) > 6 else ''})")


def resolve(dataset: sources.Dataset, session: requests.Session | None = None, *,
            timeout: float = 60) -> Route:
    """Find where ``dataset`` is published today.

    gov.uk publications: the landing page's attachment whose file name matches
    ``Dataset.attachment`` (gov.uk content API), else the recorded ``url``. ONS
    layers: the current service of ``Dataset.arcgis_item`` (ArcGIS Online), else
    the recorded ``arcgis_layer`` (or ``url``). A failed look-up is not an error:
    the fallback is taken and the reason kept in ``Route.note``.

    Raises
    ------
    OfflineError
        If the network is absent (nothing else can work either).
    """
    session = session or _session()
    kind = dataset.route_kind
    if kind == "govuk":
        try:
            att, page = _resolve_govuk(session, dataset, timeout)
        except OfflineError:
            raise
        except FetchError as exc:
            if dataset.url:
                return Route("govuk", dataset.url, dataset.url, note=f"content API: {exc}; using the recorded URL")
            return Route("manual", None, None, note=f"content API: {exc}")
        return Route("govuk", att["url"], dataset.url, how="content API", filename=att["filename"],
                     published=page.get("public_updated_at") or page.get("updated_at"))
    if kind == "arcgis":
        recorded = dataset.arcgis_layer
        if dataset.arcgis_item:
            try:
                layer = _resolve_arcgis_item(session, dataset.arcgis_item, recorded, timeout)
                return Route("arcgis", layer, recorded, how="item id")
            except OfflineError:
                raise
            except FetchError as exc:
                note = f"item {dataset.arcgis_item}: {exc}"
                if recorded:
                    return Route("arcgis", recorded, recorded, note=f"{note}; using the recorded service")
                if dataset.url:
                    return Route("url", dataset.url, dataset.url, note=f"{note}; using the recorded URL")
                return Route("manual", None, None, note=note)
        return Route("arcgis", recorded, recorded)
    if kind == "url":
        return Route("url", dataset.url, dataset.url)
    return Route("manual", None, None)


def _manual_message(dataset: sources.Dataset, note: str = "") -> str:
    how = dataset.manual or (f"the publisher offers no direct download; get it from "
                             f"{dataset.landing_page} and use a mirror folder")
    return f"{note}. To get it by hand: {how}" if note else how


# --------------------------------------------------------------------------- ArcGIS
def fetch_arcgis_layer(layer_url: str, dest: Path, *, geometry: bool, timeout: float = 120,
                       progress: bool = True, session: requests.Session | None = None,
                       page_size: int | None = None) -> dict:
    """Page through an ArcGIS FeatureServer layer and write every feature to ``dest``.

    Writes GeoJSON (WGS84) when ``geometry`` is true, else a CSV of the attributes in
    the layer's field order. Paging follows the ArcGIS REST API: ``resultOffset`` and
    ``resultRecordCount`` up to the layer's ``maxRecordCount``, until a page comes back
    without ``exceededTransferLimit``.

    A page that fails (after the session's own retries; ArcGIS also reports errors
    inside HTTP 200 answers) is asked for again, ``ATTEMPTS`` times in all, without
    fetching the earlier pages again. If it still fails, the pages received so far
    are kept beside ``dest`` (``.<name>.pages.json``) and the next call for the same
    layer resumes from the page that failed.

    Raises
    ------
    FetchError
        HTTP or ArcGIS errors, naming the URL and the offset of the failing page.
    """
    session = session or _session()
    meta = _get_json(session, layer_url, {"f": "json"}, timeout)
    size = page_size or int(meta.get("maxRecordCount") or 1000)
    fields = [f["name"] for f in meta.get("fields") or []]
    checkpoint = dest.parent / f".{dest.name}.pages.json"
    features: list[dict] = []
    offset = 0
    if checkpoint.exists():
        try:
            saved = json.loads(checkpoint.read_text(encoding="utf-8"))
        except ValueError:
            saved = {}
        if saved.get("layer") == layer_url and saved.get("geometry") == geometry:
            features, offset = saved["features"], int(saved["offset"])
    query_url = f"{layer_url.rstrip('/')}/query"
    bar = tqdm(unit=" features", desc=Path(urllib.parse.urlsplit(layer_url).path).parts[-3],
               initial=len(features), disable=not progress, leave=False)
    try:
        while True:
            params = {"where": "1=1", "outFields": "*", "resultOffset": offset,
                      "resultRecordCount": size, "orderByFields": meta.get("objectIdField") or "",
                      "f": "geojson" if geometry else "json"}
            if geometry:
                params["outSR"] = 4326
            else:
                params["returnGeometry"] = "false"
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    body = _get_json(session, query_url, params, timeout)
                    break
                except OfflineError:
                    raise
                except FetchError as exc:
                    if attempt == ATTEMPTS:
                        error = FetchError(f"{query_url} page at offset {offset}: {exc} ({ATTEMPTS} attempts); "
                                           f"{len(features)} features kept, the next fetch resumes here")
                        error.short = f"page at offset {offset}: {_short(exc)}"
                        raise error from exc
                    time.sleep(BACKOFF * 2 ** (attempt - 1))
            batch = body.get("features") or []
            features.extend(batch)
            bar.update(len(batch))
            offset += len(batch)
            more = body.get("exceededTransferLimit") or (body.get("properties") or {}).get("exceededTransferLimit")
            if not batch or not more:
                break
    except BaseException:
        if features:
            atomic_write_bytes(checkpoint, json.dumps({"layer": layer_url, "geometry": geometry,
                                                       "offset": offset, "features": features}).encode("utf-8"))
        raise
    finally:
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
    checkpoint.unlink(missing_ok=True)
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


def _download_candidates(dataset: sources.Dataset, route: Route, today: dt.date | None) -> list[str]:
    urls = [route.url]
    if route.how == "content API" and dataset.url and dataset.url != route.url:
        urls.append(dataset.url)  # the recorded upload, should the new one fail
    if route.url and "{yyyymmdd}" in route.url:  # daily extracts: try today, then the days before
        today = today or dt.date.today()
        urls = [route.url.replace("{yyyymmdd}", (today - dt.timedelta(days=d)).strftime("%Y%m%d"))
                for d in range(8)]
    return urls


def _fetch_official(dataset: sources.Dataset, folder: Path, manifest: dict, force: bool,
                    progress: bool, timeout: float, today: dt.date | None = None,
                    session: requests.Session | None = None) -> FetchResult:
    session = session or _session()
    route = resolve(dataset, session, timeout=timeout)
    if route.url is None:
        return FetchResult(dataset.id, "unavailable", dataset.landing_page,
                           message=_manual_message(dataset, route.note))
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
        if url != route.url:
            route.note = "; ".join(filter(None, [route.note, f"{route.url} failed ({_short(last_error)})"
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


def _finish(folder: Path, dataset: sources.Dataset, source: str, files: dict,
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
    session = _session()
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
@dataclass
class CheckResult:
    """The state of one dataset's download route: ``OK``, ``moved``, ``failed`` or ``manual``."""

    dataset_id: str
    kind: str
    status: str
    reason: str = ""
    url: str | None = None

    def line(self, width: int = 80) -> str:
        """One line of at most ``width`` characters."""
        text = f"{self.dataset_id:<29} {self.status:<6} {self.kind:<6} {self.reason}".rstrip()
        return text if len(text) <= width else text[:width - 3] + "..."


def _label(url: str, kind: str) -> str:
    """A short name for a URL: the ArcGIS service, or the file name."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    if kind == "arcgis":
        match = re.search(r"/services/([^/]+)/(?:Feature|Map)Server", path)
        if match:
            return match.group(1)
    return Path(path).name or url


def _moved_reason(route: Route) -> str:
    """What changed, in a few words: a new gov.uk upload id, a new file or service name."""
    old = Path(urllib.parse.unquote(urllib.parse.urlsplit(route.recorded or "").path))
    new = Path(urllib.parse.unquote(urllib.parse.urlsplit(route.url or "").path))
    if route.kind == "govuk" and old.name == new.name:
        return f"new upload id {new.parent.name}"
    return f"now {_label(route.url, route.kind)}"


def _probe(session: requests.Session, route: Route, timeout: float, today: dt.date | None = None) -> str:
    """Check that the route answers, without downloading. Returns what was seen."""
    if route.kind == "arcgis":
        body = _get_json(session, f"{route.url.rstrip('/')}/query",
                         {"where": "1=1", "outFields": "*", "resultRecordCount": 1,
                          "returnGeometry": "false", "f": "json"}, timeout)
        if "features" not in body:
            raise FetchError(f"{route.url}/query: the answer has no features")
        return "one-record query answered"
    urls = [route.url]
    if "{yyyymmdd}" in route.url:
        today = today or dt.date.today()
        urls = [route.url.replace("{yyyymmdd}", (today - dt.timedelta(days=d)).strftime("%Y%m%d"))
                for d in range(8)]
    error: FetchError | None = None
    for url in urls:
        response = _request(session, "HEAD", url, timeout, allow_redirects=True)
        if response.status_code in (403, 404, 405, 501):
            # some servers refuse or do not route HEAD: ask with GET, read none of the body
            with _get(session, url, timeout) as response:
                pass
        if response.status_code < 400:
            return f"HTTP {response.status_code}" + (f" for {_label(url, 'url')}" if url != route.url else "")
        error = _status_error(url, response)
    raise error


def check(dataset_ids: Iterable[str] | None = None, *, timeout: float = 30,
          today: dt.date | None = None) -> list[CheckResult]:
    """Resolve and probe every dataset's official route (``ccdata fetch --check``).

    Nothing is downloaded: a HEAD request for a file, a one-record query for an
    ArcGIS layer. ``OK``: the route answers; ``moved``: it answers at a new place
    (a new gov.uk upload, a renamed ONS service), found today and to be recorded in
    the registry; ``failed``: with the HTTP status or the error; ``manual``: the
    file is saved by hand (the note says which and where).

    Raises
    ------
    UnknownDatasetError
        If an id is not in the registry.
    """
    ids = list(dataset_ids) if dataset_ids else list(sources.REGISTRY)
    datasets = [sources.get(i) for i in ids]
    session = _session()
    out = []
    offline = ""
    for dataset in datasets:
        if offline:
            out.append(CheckResult(dataset.id, dataset.route_kind, "failed", offline))
            continue
        try:
            route = resolve(dataset, session, timeout=timeout)
        except OfflineError:  # nothing can be checked
            offline = "offline: the network is not available"
            out.append(CheckResult(dataset.id, dataset.route_kind, "failed", offline))
            continue
        if route.url is None:
            out.append(CheckResult(dataset.id, dataset.route_kind, "manual",
                                   dataset.manual or route.note or f"get it from {dataset.landing_page}"))
            continue
        try:
            seen = _probe(session, route, timeout, today)
        except OfflineError:
            offline = "offline: the network is not available"
            out.append(CheckResult(dataset.id, route.kind, "failed", offline, route.url))
            continue
        except FetchError as exc:
            reason = _short(exc)
            if route.note:
                reason += f" (look-up: {route.note})"
            out.append(CheckResult(dataset.id, route.kind, "failed", reason, route.url))
            continue
        if route.moved:
            out.append(CheckResult(dataset.id, route.kind, "moved", _moved_reason(route), route.url))
        else:
            reason = seen if not route.note else f"{seen}; look-up failed, recorded route used"
            out.append(CheckResult(dataset.id, route.kind, "OK", reason, route.url))
    return out



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
