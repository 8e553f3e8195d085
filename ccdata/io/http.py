"""HTTP for the downloads: one requests session with retries and backoff, errors that name URL and status, ArcGIS paging.

Retries (urllib3 ``Retry``) cover connection errors, timeouts, HTTP 429 and 5xx; a
download cut off mid-file is started again; "offline" is said only when the network
itself is absent (no route, name resolution fails); a 403 is "blocked by the
publisher's server". ArcGIS layers are paged with ``resultOffset`` and a page that
fails is retried, keeping the pages already received so the next fetch resumes.
"""
from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import re
import socket
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ccdata.errors import ArcGISError, BlockedError, FetchError, HTTPStatusError, OfflineError
from ccdata.files import AtomicFile, atomic_write_bytes
from ccdata.progress import tqdm

CHUNK = 1 << 20
USER_AGENT = "ccdata (community data notebooks; +https://github.com/)"
# retries: urllib3 waits BACKOFF * 2**(n - 1) seconds before the n-th retry (at most 120 s,
# or what a Retry-After header asks)
RETRIES = 4
BACKOFF = 1.0
RETRY_STATUS = (429, 500, 502, 503, 504)
RETRY_AFTER_MAX = 120
# a download cut off mid-body, or an ArcGIS page answered with an error, is tried again whole
ATTEMPTS = 3








def short_reason(exc: Exception) -> str:
    """The reason of an error without its URL, for one-line summaries."""
    return getattr(exc, "short", None) or str(exc)


class _Retry(Retry):
    """urllib3 ``Retry`` that waits at most ``RETRY_AFTER_MAX`` seconds for a
    ``Retry-After`` header (a server asking for an hour would stall a scheduled run)."""

    def get_retry_after(self, response):  # the urllib3 hook that reads Retry-After
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, RETRY_AFTER_MAX)


def new_session() -> requests.Session:
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


def connection_error(url: str, exc: Exception, timeout: float) -> FetchError:
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


def status_error(url: str, response: requests.Response) -> HTTPStatusError:
    status, reason = response.status_code, response.reason or ""
    if status == 403:
        return BlockedError(url, status, reason,
                            f"{url}: blocked by the publisher's server (HTTP 403 {reason}). A firewall "
                            "or the server refuses this download; open the URL in a browser, or use a "
                            "mirror (`--mirror`).")
    if status in RETRY_STATUS:
        return HTTPStatusError(url, status, reason, f"{url}: HTTP {status} {reason} (tried {RETRIES + 1} times)")
    return HTTPStatusError(url, status, reason)


def send_request(session: requests.Session, method: str, url: str, timeout: float, **kwargs) -> requests.Response:
    try:
        return session.request(method, url, timeout=timeout, **kwargs)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise connection_error(url, exc, timeout) from exc
    except requests.exceptions.RetryError as exc:  # pragma: no cover - raise_on_status is off
        raise FetchError(f"{url}: {exc}") from exc


def http_get(session: requests.Session, url: str, timeout: float, **kwargs) -> requests.Response:
    return send_request(session, "GET", url, timeout, stream=True, **kwargs)


def get_json(session: requests.Session, url: str, params: dict, timeout: float) -> dict:
    """GET a JSON document; HTTP errors and ArcGIS ``error`` objects raise FetchError."""
    response = send_request(session, "GET", url, timeout, params=params)
    if response.status_code != 200:
        raise status_error(url, response)
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


def download(session: requests.Session, url: str, dest: Path, timeout: float,
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
        response = http_get(session, url, timeout, headers=headers)
        with response:
            if response.status_code == 304:
                return None
            if response.status_code != 200:
                raise status_error(url, response)
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


def filename_from_response(url: str, response_headers: dict, fallback: str) -> str:
    disposition = response_headers.get("Content-Disposition", "")
    match = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', disposition)
    if match:
        return Path(urllib.parse.unquote(match.group(1))).name
    name = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name
    return name if "." in name else fallback


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
    session = session or new_session()
    meta = get_json(session, layer_url, {"f": "json"}, timeout)
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
                    body = get_json(session, query_url, params, timeout)
                    break
                except OfflineError:
                    raise
                except FetchError as exc:
                    if attempt == ATTEMPTS:
                        error = FetchError(f"{query_url} page at offset {offset}: {exc} ({ATTEMPTS} attempts); "
                                           f"{len(features)} features kept, the next fetch resumes here")
                        error.short = f"page at offset {offset}: {short_reason(exc)}"
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
