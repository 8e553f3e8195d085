"""Where each dataset is today: gov.uk attachments and ONS ArcGIS items resolved on the day, and ``fetch --check``.

Publishers re-upload files under new ids and re-publish layers under new service
names. A gov.uk publication is registered by its landing page and a file-name pattern
(the content API lists its current attachments); an ONS layer by its ArcGIS item id
(ArcGIS Online resolves it to the current service). The recorded URL is the fallback.
:func:`check` probes every route without downloading.
"""
from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import requests

from ccdata import sources
from ccdata.dataset import Dataset
from ccdata.errors import FetchError, OfflineError
from ccdata.io.http import http_get, get_json, send_request, new_session, short_reason, status_error

# run-time discovery of moved files (module constants so a test can point them at a loopback server)
ARCGIS_ITEMS = "https://www.arcgis.com/sharing/rest/content/items"
GOVUK_CONTENT_API = "https://www.gov.uk/api/content"


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
    body = get_json(session, url, {"f": "json"}, timeout)
    service = body.get("url")
    if not service:
        raise FetchError(f"{url}: the item has no service URL (type {body.get('type')!r})")
    if re.search(r"/(?:Feature|Map)Server/\d+/?$", service):
        return service.rstrip("/")
    return f"{service.rstrip('/')}/{_layer_number(recorded)}"


def _resolve_govuk(session: requests.Session, dataset: Dataset, timeout: float) -> tuple[dict, dict]:
    """The attachment of a gov.uk publication whose file name matches, and the page."""
    path = urllib.parse.urlsplit(dataset.landing_page).path
    api = GOVUK_CONTENT_API.rstrip("/") + path
    # one look-up per page and session: the IoD 2025 page serves six datasets
    cache = session.__dict__.setdefault("ccdata_pages", {})
    if api not in cache:
        cache[api] = get_json(session, api, {}, timeout)
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


def govuk_attachment(session: requests.Session, item, timeout: float = 60) -> tuple[dict, dict]:
    """The attachment of a gov.uk page whose file name matches, and the page (content API).

    ``item`` needs a ``landing_page`` and an ``attachment`` pattern: a registry dataset, or
    an earlier release of one (:mod:`ccdata.io.dwp_releases`).
    """
    return _resolve_govuk(session, item, timeout)


def resolve(dataset: Dataset, session: requests.Session | None = None, *,
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
    session = session or new_session()
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


def manual_message(dataset: Dataset, note: str = "") -> str:
    how = dataset.manual or (f"the publisher offers no direct download; get it from "
                             f"{dataset.landing_page} and use a mirror folder")
    return f"{note}. To get it by hand: {how}" if note else how


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
        body = get_json(session, f"{route.url.rstrip('/')}/query",
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
        response = send_request(session, "HEAD", url, timeout, allow_redirects=True)
        if response.status_code in (403, 404, 405, 501):
            # some servers refuse or do not route HEAD: ask with GET, read none of the body
            with http_get(session, url, timeout) as response:
                pass
        if response.status_code < 400:
            return f"HTTP {response.status_code}" + (f" for {_label(url, 'url')}" if url != route.url else "")
        error = status_error(url, response)
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
    session = new_session()
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
            reason = short_reason(exc)
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
