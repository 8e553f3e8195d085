"""Tests for ccdata.fetch: mirror folders, HTTP mirrors, official URLs, ArcGIS paging.

Everything network-shaped runs against a loopback server (``http.server`` on
127.0.0.1, port 0) that serves a mirror layout, conditional requests, a truncated
download and a paging ArcGIS FeatureServer layer.
"""
from __future__ import annotations

import csv
import dataclasses
import errno
import hashlib
import io
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from ccdata import fetch as F
from ccdata import sources
from ccdata.errors import OfflineError

SMALL_ID = "lookup_lsoa21_ward22"        # one mirror path, a small CSV
SMALL_REL = sources.REGISTRY[SMALL_ID].mirror_paths[0]
SMALL_NAME = Path(SMALL_REL).name
OFFICIAL_ID = "libraries_england"        # no official URL in the registry: we give it one
ARCGIS_ID = "lookup_lsoa21_ward24"       # an ArcGIS layer read as CSV
LAYER_PATH = "/arcgis/rest/services/Test_LU/FeatureServer/0"
N_FEATURES, PAGE = 10, 3


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- loopback server
LOOKUP_FIELDS = ["OBJECTID", "LSOA21CD", "WD24CD"]
ARCGIS_ERROR_INVALID_URL = {"error": {"code": 400, "message": "Invalid URL", "details": ["Invalid URL"]}}
ARCGIS_ERROR_NO_ITEM = {"error": {"code": 400, "messageCode": "CONT_0001",
                                  "message": "Item does not exist or is inaccessible.", "details": []}}


class FakeWeb:
    """State shared with the request handler: files, ETags, a request log, and the
    publishers' services ccdata talks to.

    ``official``   path -> (body, etag): plain downloads
    ``layers``     FeatureServer layer path -> (field names, features), paged by ``page``
    ``renamed``    layer paths that answer ArcGIS's 400 "Invalid URL" (a service renamed away)
    ``items``      ArcGIS Online item id -> service URL (``.../FeatureServer``)
    ``pages``      gov.uk path -> content item (served at ``/api/content<path>``)
    ``script``     path -> actions for the next requests, one each: an HTTP status to
                   answer with, ``"drop"`` (close the connection without an answer) or
                   ``"arcgis-error"`` (HTTP 200 carrying an ArcGIS error object)
    ``always``     path -> HTTP status answered to every request
    """

    def __init__(self, root: Path):
        self.root = root
        self.base = ""
        self.reset()

    def reset(self) -> None:
        self.official: dict[str, tuple[bytes, str]] = {}
        self.truncate: set[str] = set()
        self.log: list[tuple[str, dict]] = []
        self.features = [{"attributes": {"OBJECTID": i + 1, "LSOA21CD": f"E0100{i:04d}",
                                         "WD24CD": f"E0500{i % 3:04d}"},
                          "geometry": {"x": 0, "y": 0}} for i in range(N_FEATURES)]
        self.layers: dict[str, tuple[list[str], list[dict]]] = {LAYER_PATH: (LOOKUP_FIELDS, self.features)}
        self.renamed: set[str] = set()
        self.items: dict[str, str] = {}
        self.pages: dict[str, dict] = {}
        self.script: dict[str, list] = {}
        self.always: dict[str, int] = {}
        self.page = PAGE

    def requests_to(self, path: str, method: str | None = None) -> list[dict]:
        return [q for p, q in self.log if p == path and (method is None or q["method"] == method)]


def _handler(web: FakeWeb):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict | None = None):
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and status != 304 and self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, body: dict, status: int = 200):
            return self._send(status, json.dumps(body).encode(), {"Content-Type": "application/json"})

        def do_HEAD(self):  # noqa: N802 (http.server naming)
            self.do_GET()

        def do_GET(self):  # noqa: N802
            parts = urllib.parse.urlsplit(self.path)
            path = urllib.parse.unquote(parts.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            web.log.append((path, {"query": query, "method": self.command,
                                   "if_none_match": self.headers.get("If-None-Match"),
                                   "user_agent": self.headers.get("User-Agent")}))
            if path in web.always:
                return self._send(web.always[path], b"server error")
            if web.script.get(path):
                action = web.script[path].pop(0)
                if action == "drop":   # hang up without answering
                    self.close_connection = True
                    return
                if action == "arcgis-error":
                    return self._json({"error": {"code": 500, "message": "Error performing query operation",
                                                 "details": []}})
                return self._send(int(action), b"try later")
            if path.startswith("/sharing/rest/content/items/"):
                item = path.rsplit("/", 1)[-1]
                if item not in web.items:
                    return self._json(ARCGIS_ERROR_NO_ITEM)
                return self._json({"id": item, "type": "Feature Service", "title": "a lookup",
                                   "url": web.items[item], "modified": 1754900550000})
            if path.startswith("/api/content/"):
                page = web.pages.get(path.removeprefix("/api/content"))
                return self._json(page) if page else self._json({"error": {"code": "404"}}, 404)
            for layer in web.layers:
                if path.rstrip("/") in (layer, layer + "/query"):
                    return self._arcgis(layer, path, query)
            if path in web.truncate:
                # promise 1000 bytes, send 10, hang up: an interrupted download
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"0123456789")
                self.wfile.flush()
                self.close_connection = True
                return
            if path in web.official:
                body, etag = web.official[path]
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, headers={"ETag": etag})
                return self._send(200, body, {"ETag": etag})
            file = web.root / path.lstrip("/")
            if file.is_file():
                body = file.read_bytes()
                etag = f'"{sha(body)[:16]}"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, headers={"ETag": etag})
                return self._send(200, body, {"ETag": etag})
            return self._send(404, b"not found")

        def _arcgis(self, layer: str, path: str, query: dict):
            if layer in web.renamed:   # ArcGIS answers a missing service with HTTP 200 and an error
                return self._json(ARCGIS_ERROR_INVALID_URL)
            fields, features = web.layers[layer]
            if path.rstrip("/") == layer:
                meta = {"maxRecordCount": web.page, "objectIdField": "OBJECTID",
                        "fields": [{"name": f} for f in fields]}
                return self._json(meta)
            offset = int(query.get("resultOffset", 0))
            count = int(query.get("resultRecordCount", web.page))
            batch = features[offset:offset + min(count, web.page)]
            more = offset + len(batch) < len(features)
            if query.get("f") == "geojson":
                body = {"type": "FeatureCollection",
                        "features": [{"type": "Feature", "properties": f["attributes"],
                                      "geometry": {"type": "Point", "coordinates": [0, 0]}} for f in batch]}
                if more:
                    body["properties"] = {"exceededTransferLimit": True}
            else:
                body = {"features": batch}
                if more:
                    body["exceededTransferLimit"] = True
            return self._json(body)

    return Handler


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("web-mirror")
    web = FakeWeb(root)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(web))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    web.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield web
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def web(server):
    server.reset()
    for f in server.root.rglob("*"):
        if f.is_file():
            f.unlink()
    return server


@pytest.fixture(autouse=True)
def loopback_only(server, monkeypatch):
    """No test reaches the internet: the look-up services are the loopback server's,
    and retries do not wait."""
    monkeypatch.setattr(F, "ARCGIS_ITEMS", server.base + "/sharing/rest/content/items")
    monkeypatch.setattr(F, "GOVUK_CONTENT_API", server.base + "/api/content")
    monkeypatch.setattr(F, "BACKOFF", 0)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CCDATA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CCDATA_MIRROR", raising=False)
    return tmp_path / "data"


def write_mirror(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def point_registry(monkeypatch, dataset_id: str, **changes) -> None:
    monkeypatch.setitem(sources.REGISTRY, dataset_id,
                        dataclasses.replace(sources.REGISTRY[dataset_id], **changes))


def partial_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".part")] if folder.exists() else []


# --------------------------------------------------------------------------- mirror folder
def test_mirror_folder_copy_checksum_current_and_change(tmp_path, data_dir):
    mirror = tmp_path / "mirror"
    write_mirror(mirror, SMALL_REL, b"lsoa21cd,wd22cd\nE01000001,E05000001\n")
    [result] = F.fetch([SMALL_ID], mirror=str(mirror), progress=False)
    assert result.status == "fetched" and result.ok
    dest = data_dir / "raw" / "official" / SMALL_ID / SMALL_NAME
    assert dest.read_bytes() == b"lsoa21cd,wd22cd\nE01000001,E05000001\n"
    manifest = F.read_manifest(SMALL_ID)
    assert manifest["files"][SMALL_NAME]["sha256"] == sha(dest.read_bytes())
    assert manifest["files"][SMALL_NAME]["bytes"] == 36
    assert manifest["source"] == str(mirror.resolve())
    assert F.raw_files(SMALL_ID) == [dest]

    # second run: nothing to do, manifest untouched
    [again] = F.fetch([SMALL_ID], mirror=str(mirror), progress=False)
    assert again.status == "current"
    assert F.read_manifest(SMALL_ID)["fetched_at"] == manifest["fetched_at"]

    # the source changes: fetched again, new checksum
    write_mirror(mirror, SMALL_REL, b"lsoa21cd,wd22cd\nE01000002,E05000002\n")
    [changed] = F.fetch([SMALL_ID], mirror=str(mirror), progress=False)
    assert changed.status == "fetched"
    assert dest.read_bytes().endswith(b"E05000002\n")
    assert F.read_manifest(SMALL_ID)["files"][SMALL_NAME]["sha256"] == sha(dest.read_bytes())

    # force copies even when current
    [forced] = F.fetch([SMALL_ID], mirror=str(mirror), progress=False, force=True)
    assert forced.status == "fetched"
    assert partial_files(dest.parent) == []


def test_mirror_folder_missing_dataset_is_unavailable(tmp_path, data_dir):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    results = {r.dataset_id: r for r in F.fetch([SMALL_ID, "dfe_gias"], mirror=str(mirror), progress=False)}
    assert results[SMALL_ID].status == "unavailable" and SMALL_REL in results[SMALL_ID].message
    assert results["dfe_gias"].status == "unavailable"   # not in any mirror
    assert not F.is_available(SMALL_ID)


def test_mirror_folder_that_does_not_exist(tmp_path, data_dir):
    with pytest.raises(F.FetchError, match="does not exist"):
        F.fetch([SMALL_ID], mirror=str(tmp_path / "nowhere"), progress=False)


def test_unknown_dataset_fails_before_fetching(tmp_path, data_dir):
    with pytest.raises(sources.UnknownDatasetError, match="no_such"):
        F.fetch(["no_such"], mirror=str(tmp_path), progress=False)


@pytest.mark.realdata
def test_mirror_copy_from_shared_data(mirror_dir, data_dir):
    dataset = sources.get("census21_ts007_ltla")
    [result] = F.fetch([dataset.id], mirror=str(mirror_dir), progress=False)
    assert result.status == "fetched"
    src = mirror_dir / dataset.mirror_paths[0]
    [dest] = F.raw_files(dataset.id)
    assert dest.read_bytes() == src.read_bytes()
    assert F.read_manifest(dataset.id)["files"][dest.name]["sha256"] == sha(src.read_bytes())
    assert F.fetch([dataset.id], mirror=str(mirror_dir), progress=False)[0].status == "current"


# --------------------------------------------------------------------------- HTTP mirror
def test_http_mirror_download_then_not_modified(web, data_dir):
    body = b"lsoa21cd,wd22cd\nE01000003,E05000003\n"
    write_mirror(web.root, SMALL_REL, body)
    mirror = web.base + "/"
    [result] = F.fetch([SMALL_ID], mirror=mirror, progress=False)
    assert result.status == "fetched"
    [dest] = F.raw_files(SMALL_ID)
    assert dest.read_bytes() == body
    meta = F.read_manifest(SMALL_ID)["files"][SMALL_NAME]
    assert meta["sha256"] == sha(body) and meta["etag"] == f'"{sha(body)[:16]}"'

    [again] = F.fetch([SMALL_ID], mirror=mirror, progress=False)
    assert again.status == "current"
    assert web.log[-1][1]["if_none_match"] == meta["etag"]   # a conditional request, answered 304


def test_http_mirror_404_is_unavailable(web, data_dir):
    [result] = F.fetch([SMALL_ID], mirror=web.base, progress=False)
    assert result.status == "unavailable"
    assert SMALL_REL in result.message
    assert not (data_dir / "raw" / "official" / SMALL_ID / SMALL_NAME).exists()


# --------------------------------------------------------------------------- official URL
def test_official_download_etag_304_and_change(web, data_dir, monkeypatch):
    point_registry(monkeypatch, OFFICIAL_ID, url=web.base + "/official/libraries.csv")
    web.official["/official/libraries.csv"] = (b"name,postcode\nA,E8 1FA\n", '"v1"')
    [first] = F.fetch([OFFICIAL_ID], progress=False)
    assert first.status == "fetched", first.message
    dest = data_dir / "raw" / "official" / OFFICIAL_ID / "libraries.csv"
    assert dest.read_bytes() == b"name,postcode\nA,E8 1FA\n"
    assert F.read_manifest(OFFICIAL_ID)["files"]["libraries.csv"]["etag"] == '"v1"'

    [second] = F.fetch([OFFICIAL_ID], progress=False)
    assert second.status == "current"
    assert web.log[-1][1]["if_none_match"] == '"v1"'

    web.official["/official/libraries.csv"] = (b"name,postcode\nB,OL6 9AA\n", '"v2"')
    [third] = F.fetch([OFFICIAL_ID], progress=False)
    assert third.status == "fetched"
    assert dest.read_bytes() == b"name,postcode\nB,OL6 9AA\n"
    assert F.read_manifest(OFFICIAL_ID)["files"]["libraries.csv"]["sha256"] == sha(dest.read_bytes())


def test_interrupted_download_leaves_old_file_and_no_partial(web, data_dir, monkeypatch):
    point_registry(monkeypatch, OFFICIAL_ID, url=web.base + "/official/libraries.csv")
    web.official["/official/libraries.csv"] = (b"name,postcode\nA,E8 1FA\n", '"v1"')
    assert F.fetch([OFFICIAL_ID], progress=False)[0].status == "fetched"
    dest = data_dir / "raw" / "official" / OFFICIAL_ID / "libraries.csv"
    manifest = F.read_manifest(OFFICIAL_ID)

    web.truncate.add("/official/libraries.csv")
    [result] = F.fetch([OFFICIAL_ID], progress=False, force=True)
    assert result.status == "failed"
    assert dest.read_bytes() == b"name,postcode\nA,E8 1FA\n"
    assert partial_files(dest.parent) == []
    assert F.read_manifest(OFFICIAL_ID) == manifest


def test_interrupted_first_download_leaves_nothing(web, data_dir, monkeypatch):
    point_registry(monkeypatch, OFFICIAL_ID, url=web.base + "/official/libraries.csv")
    web.truncate.add("/official/libraries.csv")
    [result] = F.fetch([OFFICIAL_ID], progress=False)
    assert result.status == "failed"
    folder = data_dir / "raw" / "official" / OFFICIAL_ID
    assert not (folder / "libraries.csv").exists() and partial_files(folder) == []
    assert not F.is_available(OFFICIAL_ID)


def test_official_404_is_reported(web, data_dir, monkeypatch):
    point_registry(monkeypatch, OFFICIAL_ID, url=web.base + "/official/gone.csv")
    [result] = F.fetch([OFFICIAL_ID], progress=False)
    assert result.status == "failed" and "HTTP 404" in result.message


def test_daily_extract_tries_earlier_days(web, data_dir, monkeypatch):
    import datetime as dt

    today = dt.date(2025, 6, 10)
    point_registry(monkeypatch, "dfe_gias", url=web.base + "/gias/edubasealldata{yyyymmdd}.csv")
    web.official["/gias/edubasealldata20250608.csv"] = (b"URN\n1\n", '"g"')
    folder = data_dir / "raw" / "official" / "dfe_gias"
    result = F._fetch_official(sources.get("dfe_gias"), folder, {}, False, False, 10, today=today)
    assert result.status == "fetched"
    assert [p.name for p in result.files] == ["edubasealldata20250608.csv"]
    tried = [p for p, _ in web.log if p.startswith("/gias/")]
    assert tried == ["/gias/edubasealldata20250610.csv", "/gias/edubasealldata20250609.csv",
                     "/gias/edubasealldata20250608.csv"]


def test_no_route_today_names_the_file_to_save_by_hand(web, data_dir):
    # the content API does not know the page (404) and no URL is recorded
    [result] = F.fetch(["dwp_cilif_ward"], progress=False)
    assert result.status == "unavailable"
    assert "children-in-low-income-families-local-area-statistics-2022-2025.ods" in result.message
    assert sources.get("dwp_cilif_ward").landing_page in result.message
    assert "ccdata fetch dwp_cilif_ward --file" in result.message
    assert "HTTP 404" in result.message   # and why the look-up failed


# --------------------------------------------------------------------------- ArcGIS
def test_arcgis_pages_every_feature_once_in_order(web, data_dir, monkeypatch):
    point_registry(monkeypatch, ARCGIS_ID, arcgis_layer=web.base + LAYER_PATH)
    [result] = F.fetch([ARCGIS_ID], progress=False)
    assert result.status == "fetched", result.message
    [dest] = result.files
    rows = list(csv.DictReader(io.StringIO(dest.read_text(encoding="utf-8"))))
    assert [int(r["OBJECTID"]) for r in rows] == list(range(1, N_FEATURES + 1))
    assert list(rows[0]) == ["OBJECTID", "LSOA21CD", "WD24CD"]
    offsets = [int(q["query"]["resultOffset"]) for p, q in web.log if p.endswith("/query")]
    assert offsets == [0, 3, 6, 9]
    meta = F.read_manifest(ARCGIS_ID)["files"][dest.name]
    assert meta["features"] == N_FEATURES and meta["sha256"] == sha(dest.read_bytes())
    # same content again: current
    assert F.fetch([ARCGIS_ID], progress=False)[0].status == "current"


def test_arcgis_geojson_paging(web, tmp_path):
    dest = tmp_path / "layer.geojson"
    meta = F.fetch_arcgis_layer(web.base + LAYER_PATH, dest, geometry=True, progress=False, timeout=10)
    collection = json.loads(dest.read_text())
    assert [f["properties"]["OBJECTID"] for f in collection["features"]] == list(range(1, N_FEATURES + 1))
    assert meta["features"] == N_FEATURES
    queries = [q["query"] for p, q in web.log if p.endswith("/query")]
    assert all(q["f"] == "geojson" and q["outSR"] == "4326" for q in queries)


# --------------------------------------------------------------------------- offline
@pytest.fixture
def dead_url():
    with socket.socket() as s:   # a port nobody listens on once this socket closes
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_refused_connection_names_url_and_is_not_called_offline(dead_url, data_dir, monkeypatch):
    point_registry(monkeypatch, OFFICIAL_ID, url=dead_url + "/official/libraries.csv")
    [result] = F.fetch([OFFICIAL_ID], progress=False, timeout=5)
    assert result.status == "failed"
    assert dead_url + "/official/libraries.csv" in result.message
    assert "refused" in result.message and "offline" not in result.message


def test_unreachable_arcgis_names_the_layer(dead_url, tmp_path):
    with pytest.raises(F.FetchError, match="refused") as info:
        F.fetch_arcgis_layer(dead_url + LAYER_PATH, tmp_path / "x.csv", geometry=False,
                             progress=False, timeout=5)
    assert not isinstance(info.value, OfflineError)
    assert dead_url + LAYER_PATH in str(info.value)


def test_unreachable_http_mirror(dead_url, data_dir):
    [result] = F.fetch([SMALL_ID], mirror=dead_url, progress=False, timeout=5)
    assert result.status == "failed" and "refused" in result.message


def _name_resolution_failure(host: str) -> requests.ConnectionError:
    """What requests raises when DNS does not answer (no network)."""
    import urllib3.exceptions

    inner = urllib3.exceptions.NameResolutionError(host, None, socket.gaierror(-3, "Temporary failure in "
                                                                                "name resolution"))
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/x", inner))


def test_offline_only_when_the_network_is_absent(monkeypatch, data_dir):
    no_dns = _name_resolution_failure("www.gov.uk")
    error = F._connection_error("https://www.gov.uk/x.csv", no_dns, 10)
    assert isinstance(error, OfflineError) and "offline" in str(error) and "--mirror" in str(error)
    unreachable = requests.ConnectionError(OSError(errno.ENETUNREACH, "Network is unreachable"))
    assert isinstance(F._connection_error("https://www.gov.uk/x.csv", unreachable, 10), OfflineError)
    refused = requests.ConnectionError(ConnectionRefusedError(111, "Connection refused"))
    assert not isinstance(F._connection_error("https://www.gov.uk/x.csv", refused, 10), OfflineError)
    timed_out = requests.ReadTimeout("read timed out")
    err = F._connection_error("https://www.gov.uk/x.csv", timed_out, 10)
    assert not isinstance(err, OfflineError) and "within 10 s" in str(err) and "https://www.gov.uk/x.csv" in str(err)

    # offline: the first dataset says so, the others are not each retried
    calls = []

    def no_network(self, method, url, **kwargs):
        calls.append(url)
        raise _name_resolution_failure(urllib.parse.urlsplit(url).netloc)

    monkeypatch.setattr(requests.Session, "request", no_network)
    results = F.fetch(["iod2025_file1", "iod2025_file3", "nhs_epraccur"], progress=False)
    assert [r.status for r in results] == ["failed"] * 3
    assert all("offline" in r.message for r in results)
    assert len(calls) == 1


# --------------------------------------------------------------------------- generated files
def test_store_generated_writes_and_records(data_dir):
    paths = F.store_generated(SMALL_ID, {"a.csv": b"x\n1\n"}, collection="demo", source="generator")
    assert [p.name for p in paths] == ["a.csv"] and paths[0].read_bytes() == b"x\n1\n"
    manifest = F.read_manifest(SMALL_ID, "demo")
    assert manifest["files"]["a.csv"]["sha256"] == sha(b"x\n1\n")
    # a file no longer generated is removed with its manifest entry
    F.store_generated(SMALL_ID, {"b.csv": b"y\n"}, collection="demo", source="generator")
    assert not (paths[0].parent / "a.csv").exists()
    assert list(F.read_manifest(SMALL_ID, "demo")["files"]) == ["b.csv"]
