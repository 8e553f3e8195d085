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

import pandas as pd
import pytest
import requests
import urllib3

from ccdata.io import fetch as F
from ccdata.io import http, routes
from ccdata import sources
from ccdata.dataset import CILIF_LANDING, IOD2025_LANDING
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
    ``page_faults`` ArcGIS query offset -> actions (as ``script``) for that page only
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
        self.page_faults: dict[int, list] = {}   # query offset -> actions, as ``script``
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

        def _act(self, action) -> None:
            if action == "drop":   # hang up without answering
                self.close_connection = True
                return
            if action == "arcgis-error":
                return self._json({"error": {"code": 500, "message": "Error performing query operation",
                                             "details": []}})
            return self._send(int(action), b"try later")

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
                return self._act(web.script[path].pop(0))
            if path.endswith("/query") and web.page_faults.get(int(query.get("resultOffset", -1))):
                return self._act(web.page_faults[int(query["resultOffset"])].pop(0))
            if path.startswith("/sharing/rest/content/items/"):
                item = path.rsplit("/", 1)[-1]
                if item not in web.items:
                    return self._json(ARCGIS_ERROR_NO_ITEM)
                return self._json({"id": item, "type": "Feature Service", "title": "a lookup",
                                   "url": web.items[item], "modified": 1754900550000})
            if path.startswith("/api/content/"):
                page = web.pages.get(path.removeprefix("/api/content"))
                return self._json(page) if page else self._json({"error": {"code": "404"}}, 404)
            for layer in [*web.renamed, *web.layers]:
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
    monkeypatch.setattr(routes, "ARCGIS_ITEMS", server.base + "/sharing/rest/content/items")
    monkeypatch.setattr(routes, "GOVUK_CONTENT_API", server.base + "/api/content")
    monkeypatch.setattr(http, "BACKOFF", 0)


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
    error = http.connection_error("https://www.gov.uk/x.csv", no_dns, 10)
    assert isinstance(error, OfflineError) and "offline" in str(error) and "--mirror" in str(error)
    unreachable = requests.ConnectionError(OSError(errno.ENETUNREACH, "Network is unreachable"))
    assert isinstance(http.connection_error("https://www.gov.uk/x.csv", unreachable, 10), OfflineError)
    refused = requests.ConnectionError(ConnectionRefusedError(111, "Connection refused"))
    assert not isinstance(http.connection_error("https://www.gov.uk/x.csv", refused, 10), OfflineError)
    timed_out = requests.ReadTimeout("read timed out")
    err = http.connection_error("https://www.gov.uk/x.csv", timed_out, 10)
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
    checked = routes.check(["iod2025_file1", "lookup_lsoa21_ward24", "nhs_epraccur"])
    assert [(c.status, c.reason) for c in checked] == [("failed", "offline: the network is not available")] * 3
    assert len(calls) == 2


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


# =========================================================================== routes found on the day
IOD25_PAGE = urllib.parse.urlsplit(IOD2025_LANDING).path
CILIF_PAGE = urllib.parse.urlsplit(CILIF_LANDING).path
FILE1_NAME = "File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx"
ODS_NAME = "children-in-low-income-families-local-area-statistics-2022-2025.ods"
LIBRARIES_CSV = (b"name,address1,authority,postcode,type,closed\n"
                 b"Dalston CLR James Library,Dalston Square,Hackney,E8 3BQ,Static Library,\n"
                 b"Ashton Library,Old Street,Tameside,OL6 7SG,Static Library,\n")


def govuk_page(web: FakeWeb, path: str, attachments: list[tuple[str, str]], updated: str) -> None:
    """A gov.uk content item as the content API serves it: ``details.attachments[]``
    with ``url`` and ``filename`` (plus the fields gov.uk sends that ccdata ignores)."""
    web.pages[path] = {
        "base_path": path, "document_type": "official_statistics", "public_updated_at": updated,
        "details": {"attachments": [
            {"attachment_type": "file", "id": str(i), "title": name.rsplit(".", 1)[0].replace("_", " "),
             "url": web.base + url_path, "filename": name, "content_type": "application/octet-stream",
             "file_size": 1234}
            for i, (url_path, name) in enumerate(attachments)]},
    }


def iod_file1_xlsx() -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as xl:
        pd.DataFrame({"About": ["English Indices of Deprivation 2025"]}).to_excel(xl, sheet_name="Notes", index=False)
        pd.DataFrame({
            "LSOA code (2021)": ["E01000001", "E01000002", "E01000003"],
            "LSOA name (2021)": ["City of London 001A", "City of London 001B", "City of London 001C"],
            "Local Authority District code (2024)": ["E09000001"] * 3,
            "Local Authority District name (2024)": ["City of London"] * 3,
            "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)": [29199, 30379, 14915],
            "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)": [9, 10, 5],
        }).to_excel(xl, sheet_name="IMD25", index=False)
    return buffer.getvalue()


def test_govuk_reupload_is_found_through_the_content_api(web, data_dir, monkeypatch):
    from ccdata.io import load

    old = "/media/0000000000000000000000aa/" + FILE1_NAME
    new = "/media/691dece32c6b98ecdbc500d5/" + FILE1_NAME
    point_registry(monkeypatch, "iod2025_file1", url=web.base + old)   # the recorded upload is gone (404)
    file3 = "File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI.xlsx"
    govuk_page(web, IOD25_PAGE, [("/media/691ded0a21ef5aaa6543efe9/" + file3, file3), (new, FILE1_NAME)],
               "2025-11-19T09:30:00.000+00:00")
    body = iod_file1_xlsx()
    web.official[new] = (body, '"v2"')

    [result] = F.fetch(["iod2025_file1"], progress=False)
    assert result.status == "fetched", result.message
    assert web.requests_to(old) == []                 # the content API said where the file is now
    [path] = result.files
    assert path.name == FILE1_NAME and path.read_bytes() == body
    manifest = F.read_manifest("iod2025_file1")
    assert manifest["source"] == web.base + new
    assert manifest["files"][FILE1_NAME]["sha256"] == sha(body)
    assert manifest["files"][FILE1_NAME]["url"] == web.base + new
    route = manifest["route"]
    assert route["resolved"] == web.base + new and route["recorded"] == web.base + old
    assert route["how"] == "content API" and route["published"] == "2025-11-19T09:30:00.000+00:00"
    assert route["resolved_at"][:4].isdigit()

    frame = load("iod2025_file1")                       # and the file validates
    assert frame["lsoa21_code"].tolist() == ["E01000001", "E01000002", "E01000003"]
    assert frame["imd_rank"].tolist() == [29199, 30379, 14915]
    assert frame["imd_decile"].tolist() == [9, 10, 5]


def test_one_content_api_look_up_serves_every_file_of_the_page(web, data_dir, monkeypatch):
    file3 = "File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI.xlsx"
    govuk_page(web, IOD25_PAGE, [("/media/a/" + FILE1_NAME, FILE1_NAME), ("/media/b/" + file3, file3)],
               "2025-11-19")
    web.official["/media/a/" + FILE1_NAME] = (b"one", '"1"')
    web.official["/media/b/" + file3] = (b"three", '"3"')
    results = F.fetch(["iod2025_file1", "iod2025_file3"], progress=False)
    assert [r.status for r in results] == ["fetched", "fetched"]
    assert [p.read_bytes() for r in results for p in r.files] == [b"one", b"three"]
    assert len(web.requests_to("/api/content" + IOD25_PAGE)) == 1


def test_govuk_falls_back_to_the_recorded_url(web, data_dir, monkeypatch):
    # the page lists no matching attachment: the recorded URL is used and the reason kept
    point_registry(monkeypatch, "iod2025_file1", url=web.base + "/media/aa/" + FILE1_NAME)
    govuk_page(web, IOD25_PAGE, [("/media/bb/File_3_IoD2025.xlsx", "File_3_IoD2025.xlsx")], "2025-10-30")
    web.official["/media/aa/" + FILE1_NAME] = (iod_file1_xlsx(), '"v1"')
    [result] = F.fetch(["iod2025_file1"], progress=False)
    assert result.status == "fetched", result.message
    route = F.read_manifest("iod2025_file1")["route"]
    assert route["resolved"] == web.base + "/media/aa/" + FILE1_NAME and route["how"] == "recorded"
    assert "no attachment matches" in route["note"] and "File_3_IoD2025.xlsx" in route["note"]


# --------------------------------------------------------------------------- ArcGIS item ids
BEST_FIT_FIELDS = ["OBJECTID", "LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "LAD22CD", "LAD22NM"]
OLD_SERVICE = "/arcgis/rest/services/LSOA11_LSOA21_LAD22_EW_LU_BFC_v2/FeatureServer"
NEW_SERVICE = "/arcgis/rest/services/LSOA11_LSOA21_LAD22_EW_LU_v2/FeatureServer"


def best_fit_features(n: int) -> list[dict]:
    return [{"attributes": {"OBJECTID": i + 1, "LSOA11CD": f"E0100{i:04d}", "LSOA11NM": f"Area {i:03d}A",
                            "LSOA21CD": f"E0103{i:04d}", "LSOA21NM": f"Area {i:03d}B",
                            "LAD22CD": "E09000012", "LAD22NM": "Hackney"}} for i in range(n)]


def renamed_layer(web: FakeWeb, monkeypatch, n: int = 7) -> str:
    item = sources.REGISTRY["lookup_lsoa11_lsoa21_best_fit"].arcgis_item
    point_registry(monkeypatch, "lookup_lsoa11_lsoa21_best_fit", arcgis_layer=web.base + OLD_SERVICE + "/0")
    web.renamed.add(OLD_SERVICE + "/0")
    web.items[item] = web.base + NEW_SERVICE
    web.layers[NEW_SERVICE + "/0"] = (BEST_FIT_FIELDS, best_fit_features(n))
    return item


def test_renamed_arcgis_service_is_found_by_item_id(web, data_dir, monkeypatch):
    from ccdata.io import load

    item = renamed_layer(web, monkeypatch)
    [result] = F.fetch(["lookup_lsoa11_lsoa21_best_fit"], progress=False)
    assert result.status == "fetched", result.message
    assert web.requests_to(f"/sharing/rest/content/items/{item}")[0]["query"] == {"f": "json"}
    assert web.requests_to(OLD_SERVICE + "/0/query") == []
    offsets = [int(q["resultOffset"]) for q in (r["query"] for r in web.requests_to(NEW_SERVICE + "/0/query"))]
    assert offsets == [0, 3, 6]                           # 7 features, pages of 3
    [path] = result.files
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert [r["LSOA11CD"] for r in rows] == [f"E0100{i:04d}" for i in range(7)]
    manifest = F.read_manifest("lookup_lsoa11_lsoa21_best_fit")
    assert manifest["route"]["resolved"] == web.base + NEW_SERVICE + "/0"
    assert manifest["route"]["recorded"] == web.base + OLD_SERVICE + "/0"
    assert manifest["route"]["how"] == "item id"
    assert manifest["files"][path.name]["sha256"] == sha(path.read_bytes())

    frame = load("lookup_lsoa11_lsoa21_best_fit")
    assert len(frame) == 7 and frame["lsoa21_code"].iloc[6] == "E01030006"


def test_renamed_service_without_item_answer_says_invalid_url(web, data_dir, monkeypatch):
    renamed_layer(web, monkeypatch)
    web.items.clear()                                     # ArcGIS Online does not know the item
    [result] = F.fetch(["lookup_lsoa11_lsoa21_best_fit"], progress=False)
    assert result.status == "failed"
    assert web.base + OLD_SERVICE + "/0" in result.message
    assert "Invalid URL" in result.message and "renamed" in result.message


def query_offsets(web: FakeWeb, layer: str) -> list[int]:
    return [int(r["query"]["resultOffset"]) for r in web.requests_to(layer + "/query")]


def test_arcgis_failed_page_is_asked_again_without_earlier_pages(web, data_dir, monkeypatch):
    point_registry(monkeypatch, ARCGIS_ID, arcgis_layer=web.base + LAYER_PATH)
    web.page_faults[6] = ["arcgis-error", "drop"]   # the third page: an ArcGIS error, then a dropped connection
    [result] = F.fetch([ARCGIS_ID], progress=False)
    assert result.status == "fetched", result.message
    # the dropped connection is retried by the session, the error answer by the page loop
    assert query_offsets(web, LAYER_PATH) == [0, 3, 6, 6, 6, 9]
    rows = list(csv.DictReader(io.StringIO(result.files[0].read_text(encoding="utf-8"))))
    assert [int(r["OBJECTID"]) for r in rows] == list(range(1, N_FEATURES + 1))


def test_arcgis_layer_resumes_from_the_page_that_failed(web, data_dir, monkeypatch):
    point_registry(monkeypatch, ARCGIS_ID, arcgis_layer=web.base + LAYER_PATH)
    web.page_faults[6] = ["arcgis-error"] * http.ATTEMPTS
    [failed] = F.fetch([ARCGIS_ID], progress=False)
    assert failed.status == "failed"
    assert "offset 6" in failed.message and "6 features kept" in failed.message
    folder = data_dir / "raw" / "official" / ARCGIS_ID
    assert not (folder / f"{ARCGIS_ID}.csv").exists()
    assert (folder / f".{ARCGIS_ID}.csv.pages.json").exists()

    web.log.clear()
    [result] = F.fetch([ARCGIS_ID], progress=False)     # the service is back
    assert result.status == "fetched", result.message
    assert query_offsets(web, LAYER_PATH) == [6, 9]      # pages 1 and 2 are not asked for again
    rows = list(csv.DictReader(io.StringIO(result.files[0].read_text(encoding="utf-8"))))
    assert [int(r["OBJECTID"]) for r in rows] == list(range(1, N_FEATURES + 1))
    assert not (folder / f".{ARCGIS_ID}.csv.pages.json").exists()


# --------------------------------------------------------------------------- retries and HTTP errors
def test_two_503_and_a_dropped_connection_are_retried(web, data_dir, monkeypatch):
    from ccdata.io import load

    point_registry(monkeypatch, OFFICIAL_ID, url=web.base + "/official/libraries.csv")
    web.official["/official/libraries.csv"] = (LIBRARIES_CSV, '"l1"')
    web.script["/official/libraries.csv"] = [503, 503, "drop"]
    [result] = F.fetch([OFFICIAL_ID], progress=False)
    assert result.status == "fetched", result.message
    assert len(web.requests_to("/official/libraries.csv")) == 4
    assert result.files[0].read_bytes() == LIBRARIES_CSV
    manifest = F.read_manifest(OFFICIAL_ID)
    assert manifest["route"]["resolved"] == web.base + "/official/libraries.csv"
    assert manifest["files"]["libraries.csv"]["sha256"] == sha(LIBRARIES_CSV)
    frame = load(OFFICIAL_ID)
    assert frame["postcode"].tolist() == ["E8 3BQ", "OL6 7SG"]


def test_429_is_retried_and_a_long_retry_after_is_capped(web, data_dir, monkeypatch):
    point_registry(monkeypatch, OFFICIAL_ID, url=web.base + "/official/libraries.csv")
    web.official["/official/libraries.csv"] = (LIBRARIES_CSV, '"l1"')
    web.script["/official/libraries.csv"] = [429]
    assert F.fetch([OFFICIAL_ID], progress=False)[0].status == "fetched"
    assert len(web.requests_to("/official/libraries.csv")) == 2

    answer = urllib3.HTTPResponse(body=b"", status=429, headers={"Retry-After": "3600"})
    retry = http.new_session().get_adapter("https://").max_retries
    assert retry.get_retry_after(answer) == http.RETRY_AFTER_MAX


def test_a_server_always_answering_500_is_named_with_its_status(web, data_dir, monkeypatch):
    point_registry(monkeypatch, OFFICIAL_ID, url=web.base + "/official/libraries.csv")
    web.always["/official/libraries.csv"] = 500
    [result] = F.fetch([OFFICIAL_ID], progress=False)
    assert result.status == "failed"
    assert web.base + "/official/libraries.csv" in result.message
    assert "HTTP 500" in result.message and "offline" not in result.message
    assert len(web.requests_to("/official/libraries.csv")) == http.RETRIES + 1
    assert not F.is_available(OFFICIAL_ID)


def test_403_is_reported_as_blocked_and_the_user_agent_is_ccdata(web, data_dir, monkeypatch):
    point_registry(monkeypatch, OFFICIAL_ID, url=web.base + "/official/libraries.csv")
    web.always["/official/libraries.csv"] = 403
    [result] = F.fetch([OFFICIAL_ID], progress=False)
    assert result.status == "failed"
    assert "blocked by the publisher's server" in result.message and "HTTP 403" in result.message
    assert len(web.requests_to("/official/libraries.csv")) == 1        # 403 is not retried
    assert web.requests_to("/official/libraries.csv")[0]["user_agent"] == http.USER_AGENT


# --------------------------------------------------------------------------- the DWP ODS workbook
def _ods_cell(cell) -> str:
    from xml.sax.saxutils import escape

    if cell is None:
        return "<table:table-cell/>"
    if isinstance(cell, tuple):                       # (value type, value, text shown)
        kind, value, text = cell
        return (f'<table:table-cell office:value-type="{kind}" office:value="{value}">'
                f"<text:p>{escape(text)}</text:p></table:table-cell>")
    paragraphs = "".join(f"<text:p>{escape(p)}</text:p>" for p in cell.split("\n"))
    return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'


def make_ods(sheets: dict[str, list[list]]) -> bytes:
    """An OpenDocument spreadsheet written by hand (zip + content.xml), with the
    features of the DWP workbook: title rows, header cells on two lines, counts with
    thousands separators, percentages stored as fractions and shown with %, blank
    rows repeated, trailing empty cells repeated to the edge of the sheet."""
    import zipfile

    tables = []
    for name, rows in sheets.items():
        xml_rows = []
        for row in rows:
            if row == []:
                xml_rows.append('<table:table-row table:number-rows-repeated="2">'
                                '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
                continue
            cells = "".join(_ods_cell(c) for c in row)
            xml_rows.append(f'<table:table-row>{cells}<table:table-cell table:number-columns-repeated="16376"/>'
                            "</table:table-row>")
        xml_rows.append('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
                        'table:number-columns-repeated="16384"/></table:table-row>')
        tables.append(f'<table:table table:name="{name}">{"".join(xml_rows)}</table:table>')
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet></office:body>'
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return buffer.getvalue()


def cilif_workbook() -> bytes:
    title = ["Table 4: Number and Percentage of Children (aged under 16) living in Relative low income families"]
    header_counts = ["Number of children\nFYE 2024", "Number of children\nFYE 2025",
                     "Percentage of children\nFYE 2024 (%) [note 3]", "Percentage of children\nFYE 2025 (%) [note 3]"]
    ward = [title, ["Back to Contents"], [],
            ["Local Authority [note 2]", "Area Code", "Ward [note 2]", "Area Code"] + header_counts,
            [None, None, "United Kingdom [note 4]", "K02000001", ("float", 3296672, "3,296,672"),
             ("float", 3269339, "3,269,339"), ("percentage", 0.263, "26.3%"), ("percentage", 0.26, "26.0%")],
            ["Hackney", "E09000012", "Dalston", "E05009372", ("float", 1234, "1,234"), ("float", 1190, "1,190"),
             ("percentage", 0.253, "25.3%"), ("percentage", 0.2449, "24.5%")],
            ["Hackney", "E09000012", "Hackney Downs", "E05009378", ("float", 987, "987"), "[x]",
             ("percentage", 0.301, "30.1%"), "[x]"]]
    la = [title, [], ["Local Authority [note 2]", "Area Code"] + header_counts,
          ["United Kingdom", "K02000001", ("float", 3296672, "3,296,672"), ("float", 3269339, "3,269,339"),
           ("percentage", 0.263, "26.3%"), ("percentage", 0.26, "26.0%")],
          ["Hackney", "E09000012", ("float", 17102, "17,102"), ("float", 16877, "16,877"),
           ("percentage", 0.331, "33.1%"), ("percentage", 0.327, "32.7%")]]
    return make_ods({"Contents": [["Contents"]], "Notes": [["Note number", "Note text"]],
                     "2_AHC_Relative_LA": la, "4_AHC_Relative_Ward": ward})


def test_dwp_ods_workbook_found_fetched_and_read_by_sheet_name(web, data_dir):
    from ccdata.io import load

    media = "/media/6810a2bbd13a2b4e34e23e1a/" + ODS_NAME
    govuk_page(web, CILIF_PAGE, [(media, ODS_NAME)], "2025-03-27T09:30:00.000+00:00")
    body = cilif_workbook()
    web.official[media] = (body, '"ods"')
    results = F.fetch(["dwp_cilif_ward", "dwp_cilif_la"], progress=False)
    assert [r.status for r in results] == ["fetched", "fetched"], [r.message for r in results]
    for dataset_id in ("dwp_cilif_ward", "dwp_cilif_la"):
        manifest = F.read_manifest(dataset_id)
        assert manifest["route"]["resolved"] == web.base + media
        assert manifest["files"][ODS_NAME]["sha256"] == sha(body)

    wards = load("dwp_cilif_ward")
    assert wards["ward24_code"].tolist() == ["E05009372", "E05009378"]
    assert wards["ward24_name"].tolist() == ["Dalston", "Hackney Downs"]
    assert wards["children_fye2024"].tolist() == [1234, 987]
    assert wards["children_fye2025"].iloc[0] == 1190 and wards["children_fye2025"].isna().iloc[1]
    # the percentage is read as shown (25.3), not as the stored fraction (0.253)
    assert wards["pct_fye2024"].tolist() == pytest.approx([25.3, 30.1])
    assert wards.attrs["national"]["children_fye2024"] == 3296672

    las = load("dwp_cilif_la")
    assert las["lad24_code"].tolist() == ["E09000012"]
    assert las[["children_fye2024", "children_fye2025"]].iloc[0].tolist() == [17102, 16877]
    assert las["pct_fye2025"].iloc[0] == pytest.approx(32.7)


@pytest.mark.realdata
@pytest.mark.parametrize("dataset_id", ["dwp_cilif_ward", "dwp_cilif_la"])
def test_ods_reads_like_the_mirrors_csv_of_the_same_sheet(mirror_dir, tmp_path, dataset_id):
    """The mirror's CSV is the published sheet saved as CSV: the same cells in an ODS
    workbook (under the published sheet name) must give the same table."""
    from ccdata.io import read

    dataset = sources.get(dataset_id)
    src = mirror_dir / dataset.mirror_paths[0]
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8-sig"), newline="")))
    sheet = [[c if c.strip() else None for c in row] if any(c.strip() for c in row) else [None] for row in rows]
    path = tmp_path / ODS_NAME
    path.write_bytes(make_ods({"Notes": [["Notes"]], dataset.sheet: sheet}))
    with pytest.warns(Warning):
        from_csv = read(dataset_id, [src])
    with pytest.warns(Warning):
        from_ods = read(dataset_id, [path])
    assert len(from_ods) > 300
    pd.testing.assert_frame_equal(from_ods, from_csv, check_like=False)
    assert from_ods.attrs["national"] == from_csv.attrs["national"]


def test_ods_reader_names_missing_sheet(tmp_path):
    from ccdata.errors import ValidationError
    from ccdata.io.dwp import read_ods_sheet

    path = tmp_path / ODS_NAME
    path.write_bytes(make_ods({"Notes": [["x"]], "2_AHC_Relative_LA": [["y"]]}))
    with pytest.raises(ValidationError, match="no sheet named '4_AHC_Relative_Ward'.*Notes, 2_AHC_Relative_LA"):
        read_ods_sheet(path, sheet="4_AHC_Relative_Ward")


# --------------------------------------------------------------------------- a file saved by hand
def test_file_saved_by_hand_is_registered(tmp_path, data_dir, capsys):
    from ccdata import cli

    saved = tmp_path / "libraries_england_2023.csv"
    saved.write_bytes(LIBRARIES_CSV)
    assert cli.main(["fetch", "libraries_england", "--file", str(saved)]) == 0
    assert "fetched" in capsys.readouterr().out
    [path] = F.raw_files("libraries_england")
    assert path.read_bytes() == LIBRARIES_CSV
    manifest = F.read_manifest("libraries_england")
    assert manifest["files"][saved.name]["sha256"] == sha(LIBRARIES_CSV)
    assert manifest["route"]["kind"] == "manual"
    assert F.add_file("libraries_england", saved).status == "current"


# --------------------------------------------------------------------------- fetch --check
def test_fetch_check_prints_one_line_per_route_with_its_status(web, data_dir, monkeypatch, capsys):
    from ccdata import cli

    # gov.uk: re-uploaded under a new id (moved); ArcGIS: renamed, found by item id (moved);
    # ArcGIS: recorded layer answers (OK); a plain URL answering 500 (failed); a daily extract (OK);
    # no route (manual)
    point_registry(monkeypatch, "iod2025_file1", url=web.base + "/media/old/" + FILE1_NAME)
    govuk_page(web, IOD25_PAGE, [("/media/new/" + FILE1_NAME, FILE1_NAME)], "2025-11-19")
    web.official["/media/new/" + FILE1_NAME] = (b"xlsx", '"x"')
    renamed_layer(web, monkeypatch)
    point_registry(monkeypatch, ARCGIS_ID, arcgis_layer=web.base + LAYER_PATH)
    point_registry(monkeypatch, "nhs_epraccur", url=web.base + "/official/epraccur.csv")
    web.always["/official/epraccur.csv"] = 500
    point_registry(monkeypatch, "dfe_gias", url=web.base + "/gias/edubasealldata{yyyymmdd}.csv")
    import datetime as dt
    yesterday = (dt.date.today() - dt.timedelta(days=1)).strftime("%Y%m%d")
    web.official[f"/gias/edubasealldata{yesterday}.csv"] = (b"URN\n1\n", '"g"')
    ids = ["iod2025_file1", "lookup_lsoa11_lsoa21_best_fit", ARCGIS_ID, "nhs_epraccur", "dfe_gias",
           "boundaries_ward18_london"]

    code = cli.main(["fetch", "--check", *ids])
    out = capsys.readouterr().out.splitlines()
    assert code == 1                                     # one route failed
    lines = {line.split()[0]: line for line in out[:len(ids)]}
    assert list(lines) == ids
    assert all(len(line) <= 80 for line in out[:len(ids) + 1])
    # notes are wrapped at 80 columns; only a path or URL longer than a line stands out
    assert all(len(line) <= 80 or len(line.split()) == 1 for line in out[len(ids) + 1:])
    status = {i: lines[i].split()[1] for i in ids}
    assert status == {"iod2025_file1": "moved", "lookup_lsoa11_lsoa21_best_fit": "moved", ARCGIS_ID: "OK",
                      "nhs_epraccur": "failed", "dfe_gias": "OK", "boundaries_ward18_london": "manual"}
    assert "now LSOA11_LSOA21_LAD22_EW_LU_v2" in lines["lookup_lsoa11_lsoa21_best_fit"]
    assert "new upload id new" in lines["iod2025_file1"]
    assert "HTTP 500" in lines["nhs_epraccur"]
    assert "save datasets/london_deprivation" in lines["boundaries_ward18_london"]
    assert out[len(ids)] == "2 OK, 2 moved, 1 failed, 1 manual"
    # the whole note of a manual route follows, wrapped
    notes = " ".join(line.strip() for line in out[out.index("To fetch by hand:") + 1:])
    assert sources.get("boundaries_ward18_london").manual in notes
    # nothing was downloaded: files were probed with HEAD, layers with a one-record query
    assert {q["method"] for q in web.requests_to("/media/new/" + FILE1_NAME)} == {"HEAD"}
    queries = [r["query"] for r in web.requests_to(NEW_SERVICE + "/0/query")]
    assert queries and all(q["resultRecordCount"] == "1" for q in queries)
    assert not (data_dir / "raw").exists()
