"""Places: a Children's Community's footprint, its local authority and comparators.

A place is defined in ``places.yaml`` (no code needed) by LSOAs, wards (with their
vintage) and/or a polygon. :func:`place` resolves the definition to LSOA 2021 codes
and records *how* each LSOA was chosen, so every report can say so.
"""
from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ccdata import cache, config, sources
from ccdata.errors import DataQualityWarning, InputError, MissingDataError, PlaceError
from ccdata.geo import build
from ccdata.geo.adhoc import adhoc_definition, is_adhoc
from ccdata.geo.placeschema import check_definition
from ccdata.geo.iod2025 import iod2025_lsoa21
from ccdata.geo.footprint import resolve as resolve_footprint
from ccdata.io import yamlfile, read
from ccdata.io.census import BASES, population, table_code
from ccdata.io.fetch import is_available, read_manifest
from ccdata.io.local.checks import check_local_file
from ccdata.io.local.kinds import LOCAL_KINDS

ENGLAND = "England"
#: Leading columns of ``Place.census(table, area=...)`` for areas other than ``lsoa``.
CENSUS_AREA_COLUMNS = ["area", "area_name", "n_lsoas", "n_missing_cells", "method", "note"]
#: ``method`` of a Census area row that cannot be made (the note says why).
NOT_AVAILABLE = "not available"


@dataclass(frozen=True)
class Area:
    """A comparator area: an id, a display name and its LSOA 2021 codes."""

    id: str
    name: str
    lsoa21: tuple[str, ...]
    kind: str = "area"


@dataclass
class Place:
    """A place and its data accessors. Create with :func:`place`."""

    id: str
    name: str
    collection: str
    description: str
    lad_code: str
    lad_name: str
    lsoa21: list[str]
    footprint_method: str
    wards: pd.DataFrame
    fictional: bool = False
    assignment: pd.DataFrame = field(default_factory=pd.DataFrame)
    definition: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"Place({self.id!r}, {self.name!r}, {len(self.lsoa21)} LSOAs, "
                f"LA {self.lad_name} {self.lad_code}, {self.collection})")

    # ------------------------------------------------------------------ comparators
    @property
    def comparators(self) -> list[Area]:
        # a section asks for them many times; sorting England's 33,000 codes each time
        # was most of a dashboard's computation. Kept per data state (the table's files).
        folder = config.processed_dir(self.collection)
        state = cache.fingerprint(folder / "lsoa21_geography.parquet")  # not built yet: built, then a new state
        key = ("comparator areas", str(folder), self.collection, self.lad_code, self.lad_name, self.fictional)
        return list(cache.held("derived", key, state, lambda: tuple(self._comparator_areas())))

    def _comparator_areas(self) -> list[Area]:
        # every place of a batch shares the sorted codes (made once per process and data state)
        by_lad, england = build.derived("comparator codes", ("lsoa21_geography",), self.collection,
                                        _comparator_codes)
        la = by_lad.get(self.lad_code, ())
        return [Area("la", self.lad_name, la, "local authority"),
                Area("england", ENGLAND if not self.fictional else "Demoland (fictional)", england, "country")]

    def remembered(self, key: str, make, files=()):
        """``make()``, computed once for this place object and copied out on each call.

        A dashboard asks for the same figures from several sections (the indicators for
        the key findings and for their own section, the low-income estimate three
        times), and a batch asks again for the next view of the same place. Kept on this
        object (never pickled; :mod:`ccdata.geo.placecache` lends it to later copies of
        the same resolved place in this process, never to another place), for the state
        of the processed folder it was computed from. Warnings raised while it was
        computed are raised again on every call, so each page's data-quality notes are
        the same whether the figures were computed for it or before it.

        Parameters
        ----------
        key : str
            What is computed (one key per function and arguments).
        make : callable
            Computes it (no arguments).
        files : iterable of paths, optional
            Further files the value is read from (the place's own files, see
            :meth:`local_files`): a change to any of them computes it again.
        """
        if not isinstance(key, str) or not key:
            raise ValueError("remembered needs a non-empty string key")
        folder = cache.fingerprint(config.processed_dir(self.collection), *self._census_files(), *files)
        # a place changed after it was made (its LSOAs, wards or authority) is computed again
        wards = (tuple(map(tuple, self.wards.astype(str).itertuples(index=False)))
                 if isinstance(self.wards, pd.DataFrame) else repr(self.wards))
        state = (folder, self.collection, self.lad_code, tuple(self.lsoa21), wards)
        # the figures of this place's definition, shared by every copy of it (as many places
        # are kept as resolved places are, see ccdata.cache.LIMITS)
        identity = (self.id, self.collection, json.dumps(self.definition, sort_keys=True, default=str),
                    str(config.processed_dir(self.collection)))
        memo = cache.held("figures", identity, None, dict)
        if key not in memo or memo[key][0] != state:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                value = make()
            memo[key] = (state, value, [(w.category, w.message) for w in caught])
        for category, message in memo[key][2]:
            warnings.warn(message, category, stacklevel=2)
        return cache.copied(memo[key][1])

    def areas(self) -> list[Area]:
        """The place itself followed by its comparators."""
        return [Area("place", self.name, tuple(self.lsoa21), "place")] + self.comparators

    # ------------------------------------------------------------------ data
    def table(self, name: str) -> pd.DataFrame:
        """A processed table of this place's collection (whole country)."""
        return build.table(name, self.collection)

    def census(self, table_id: str, area: str = "lsoa") -> pd.DataFrame:
        """A Census 2021 topic summary for this place.

        Parameters
        ----------
        table_id : str
            ``"ts007a"`` or ``"census21_ts007a"``.
        area : {"lsoa", "place", "la", "england", "all"}
            ``lsoa``: one row per place LSOA; otherwise one row per area (``all`` =
            place, LA and England). The place is the sum of its LSOAs; the LA and
            England are the published tables where ONS publishes them (the
            processed table ``census_comparators``), else sums of their LSOAs.

        Returns
        -------
        DataFrame
            ``lsoa21_code, lsoa21_name`` or :data:`CENSUS_AREA_COLUMNS` (``method``
            and ``note`` say how each row was made, in plain words), then whole-number
            (``Int64``) count columns. A table without a total column (a Nomis table
            view of some categories) gets ``total`` from another table counting the
            same people or households (``attrs["total_from"]`` names it, and
            ``attrs["total_note"]`` says so in plain words).

        Raises
        ------
        MissingDataError
            If the table has not been fetched for this collection (and the place
            names no file for it under ``census:`` in places.yaml).
        """
        dataset = table_id if table_id.startswith("census21_") else f"census21_{table_id.lower()}"
        if sources.get(dataset).geography != "lsoa21":
            raise ValueError(f"{dataset} is not an LSOA table; Place.census reads LSOA tables")
        if area != "lsoa":
            # the indicators and the "who lives here" section ask for the same areas: made once per place
            return self.remembered(f"Place.census:{dataset}:{area}", lambda: self._census(dataset, area))
        return self._census(dataset, area)

    def _census(self, dataset: str, area: str) -> pd.DataFrame:
        frame, _ = self._census_lsoas(dataset)
        labels = frame.attrs.get("labels", {})
        if area == "lsoa":
            out = frame[frame["lsoa21_code"].isin(self.lsoa21)].reset_index(drop=True)
            _warn_missing(self.lsoa21, out["lsoa21_code"], dataset, self.id)
        else:
            wanted = {"all": ["place", "la", "england"]}.get(area, [area])
            areas = {a.id: a for a in self.areas()}
            if any(w not in areas for w in wanted):
                raise InputError(f"area must be lsoa, place, la, england or all, not {area!r}")
            rows = [self._census_area(dataset, frame, areas[key]) for key in wanted]
            out = pd.DataFrame(rows)
            value_cols = [c for c in frame.columns if c not in ("lsoa21_code", "lsoa21_name")]
            for col in value_cols + ["n_lsoas", "n_missing_cells"]:
                out[col] = pd.array([None if pd.isna(v) else int(v) for v in out[col]], dtype="Int64")
            out = _derived(out[CENSUS_AREA_COLUMNS + value_cols], frame, self, f"Census areas ({area})")
        out.attrs["labels"] = dict(labels)
        if "total" not in frame.columns and population(dataset) in BASES:
            out = self._total_from(out, dataset, area, population(dataset))
        return out

    def _census_lsoas(self, dataset: str) -> tuple[pd.DataFrame, bool]:
        """The LSOA table: the file the place names under ``census:``, else the processed one."""
        named = (self.definition.get("census") or {}).get(table_code(dataset))
        if not named:
            return self.table(dataset), False
        path = Path(str(named))
        if not path.is_absolute():
            path = config.data_dir() / path
        if not path.exists():
            raise MissingDataError(f"place {self.id!r}: the Census file {path} named for "
                                   f"{table_code(dataset)} in {config.places_file()} does not exist")
        files = _files_of(path)
        if not files:
            raise MissingDataError(f"place {self.id!r}: the folder {path} named for {table_code(dataset)} "
                                   "holds no file")
        # read once per state of the files (shared with other copies of the place)
        frame = cache.held("files", ("place census file", dataset, tuple(map(str, files))),
                           cache.fingerprint(*files), lambda: read(dataset, files))
        out = frame.copy()
        out.attrs = dict(frame.attrs)
        return out, True

    def local_files(self) -> list[Path]:
        """Every file this place names under ``local:`` (a folder's files; none that is
        missing): what figures made from the partnership's own files are kept against."""
        named = self.definition.get("local")
        paths = [Path(str(v)) for v in named.values() if v] if isinstance(named, dict) else []
        return [f for p in paths for f in _files_of(p if p.is_absolute() else config.data_dir() / p)]

    def _census_files(self) -> list[Path]:
        """Every file this place names under ``census:`` (a folder's files; none that is missing)."""
        named = self.definition.get("census")
        paths = [Path(str(v)) for v in named.values()] if isinstance(named, dict) else []
        return [f for p in paths for f in _files_of(p if p.is_absolute() else config.data_dir() / p)]

    def _census_area(self, dataset: str, frame: pd.DataFrame, a: Area) -> dict:
        """One area's row: the place summed; LA and England from the comparator table or summed."""
        value_cols = [c for c in frame.columns if c not in ("lsoa21_code", "lsoa21_name")]
        if a.id != "place":
            published = self._comparator(dataset, a, value_cols)
            if published is not None:
                return published
        sub = frame[frame["lsoa21_code"].isin(a.lsoa21)]
        row = {c: sub[c].sum(min_count=1) for c in value_cols}
        row.update(area=a.id, area_name=a.name, n_lsoas=len(sub),
                   n_missing_cells=int(sub[value_cols].isna().sum().sum()), method="sum of LSOAs", note="")
        if a.id != "place":
            if len(sub) < len(a.lsoa21):
                row.update({c: pd.NA for c in value_cols})
                row["method"] = NOT_AVAILABLE
                row["note"] = (f"{a.name}: not available, because the Census file covers {len(sub):,} of its "
                               f"{len(a.lsoa21):,} neighbourhoods.")
            else:
                row["note"] = f"{a.name}: the sum of its neighbourhoods."
        return row

    def _comparator(self, dataset: str, a: Area, value_cols: list[str]) -> dict | None:
        """The LA or England row of the ``census_comparators`` table, or None."""
        if not build.available("census_comparators", self.collection):
            return None
        try:
            sel = _comparator_rows(dataset, a.id, self.collection)
        except MissingDataError:
            return None
        if a.id == "la":
            sel = sel[sel["area_code"] == self.lad_code]
        if sel.empty or set(sel["category"]) != set(value_cols):
            return None  # a place's own file with other categories is summed instead
        counts = sel.set_index("category")["count"]
        first = sel.iloc[0]
        row = {c: counts[c] for c in value_cols}
        row.update(area=a.id, area_name=a.name, n_lsoas=int(first["n_lsoas"]),
                   n_missing_cells=int(first["n_missing_cells"]), method=str(first["method"]),
                   note=str(first["note"]))
        return row

    def _total_from(self, out: pd.DataFrame, dataset: str, area: str, base_population: str) -> pd.DataFrame:
        """Add ``total`` from another table of the same population (a table view without one)."""
        for base in BASES[base_population]:
            if base == dataset:
                continue
            try:
                if "total" not in self._census_lsoas(base)[0].columns:
                    continue  # never another table without a total (no loop between them)
                other = self.census(base, area)
            except MissingDataError:
                continue
            key = "lsoa21_code" if area == "lsoa" else "area"
            totals = other.set_index(key)["total"]
            out = out.copy()
            out.insert(out.columns.get_loc("lsoa21_name" if area == "lsoa" else "note") + 1, "total",
                       pd.array(totals.reindex(out[key]).tolist(), dtype="Int64"))
            title = sources.get(base).title.split(": ", 1)[-1].split(" (")[0]
            words = base_population[0].lower() + base_population[1:]
            out.attrs["total_from"] = base
            out.attrs["total_note"] = (f"The base ({words}) is the total of the {title} table, which counts "
                                       "the same people; ONS adjusts small counts in each table separately, so the two "
                                       "totals can differ a little.")
            return out
        return out

    def deprivation(self, edition: str = "iod2025", area: str = "place") -> pd.DataFrame:
        """Indices of Deprivation for the LSOAs of the place (or its LA, or England).

        ``iod2025`` is published on LSOA 2021. ``iod2019`` (LSOA 2011) is shown on
        LSOA 2021 through the ONS exact-fit lookup; column ``method`` says how each
        LSOA's values were derived.

        ``area`` takes the same values as :meth:`census`: ``place`` (or ``lsoa``: the
        place's LSOAs), ``la``, ``england``, or ``all``: the LSOAs of each of the three
        areas, one after the other, with a first column ``area`` saying which (an LSOA
        of the place appears in all three). Ranks and deciles are not summed.
        """
        frame = iod_lsoa21(edition, self.collection)
        areas = {a.id: a for a in self.areas()}
        wanted = {"all": ["place", "la", "england"], "lsoa": ["place"]}.get(area, [area])
        if any(w not in areas for w in wanted):
            raise InputError(f"area must be lsoa, place, la, england or all, not {area!r}")
        parts = []
        for key in wanted:
            part = frame[frame["lsoa21_code"].isin(areas[key].lsoa21)].reset_index(drop=True)
            if key == "place":
                _warn_missing(self.lsoa21, part["lsoa21_code"], edition, self.id)
            parts.append(part.assign(area=key)[["area", *part.columns]] if area == "all" else part)
        out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        return _derived(out, frame, self, f"{edition}, LSOAs of {area}")

    def lsoa_boundaries(self) -> pd.DataFrame:
        """LSOA 2021 polygons of the place (EPSG:27700)."""
        gdf = self.table("boundaries_lsoa21")
        out = gdf[gdf["lsoa21_code"].isin(self.lsoa21)].reset_index(drop=True)
        _warn_missing(self.lsoa21, out["lsoa21_code"], "boundaries_lsoa21", self.id)
        return out

    def boundary(self):
        """The place outline: the union of its LSOA polygons (EPSG:27700)."""

        lsoas = self.lsoa_boundaries()
        if lsoas.empty:
            raise MissingDataError(f"no LSOA boundaries for place {self.id!r}")
        out = gpd.GeoDataFrame({"place": [self.id], "name": [self.name]},
                               geometry=[lsoas.union_all()], crs=lsoas.crs)
        return _derived(out, lsoas, self, "union of the place's LSOA 2021 polygons")

    def has(self, dataset_id: str) -> bool:
        """Whether the raw files of a registry dataset are there for this place's collection."""
        return is_available(dataset_id, self.collection)

    def sources(self) -> pd.DataFrame:
        """Every registry dataset with whether it is available for this place's collection."""

        table = sources.registry_table()
        table["available"] = [bool(read_manifest(i, self.collection).get("files")) for i in table["id"]]
        return table

    def local_path(self, kind: str) -> Path | None:
        """The adviser-kept file (or folder) configured for this place under ``local:``.

        ``places.yaml`` names local files relative to the data folder
        (``CCDATA_DATA_DIR``) or as absolute paths, e.g.
        ``local: {assets: raw/demo/local/assets.csv}``. Known kinds are those of
        :data:`ccdata.io.local.kinds.LOCAL_KINDS`, each with its reader.

        Returns
        -------
        Path or None
            ``None`` when the place has no such file configured.

        Raises
        ------
        ValueError
            For a kind that is not one of the local kinds.
        MissingDataError
            When the file is configured but does not exist (the message names it).
        ccdata.errors.LocalFileError
            When what is named is not an ordinary file (a folder for ``pupils``), or is
            too big (:func:`ccdata.io.local.checks.check_local_file`): checked before any
            reader opens it, in one line naming the ``places.yaml`` key.
        """
        if kind not in LOCAL_KINDS:
            raise ValueError(f"local data kind must be one of {', '.join(LOCAL_KINDS)}; not {kind!r}")
        value = (self.definition.get("local") or {}).get(kind)
        if not value:
            return None
        path = Path(str(value))
        if not path.is_absolute():
            path = config.data_dir() / path
        if not path.exists():
            hint = " (run `ccdata demo` to generate it)" if self.fictional else ""
            raise MissingDataError(f"place {self.id!r}: local {kind} file {path} named in "
                                   f"{config.places_file()} does not exist{hint}")
        return check_local_file(path, key=f"{config.places_file().name} place {self.id!r} local: {kind}",
                                folder=LOCAL_KINDS[kind].folder)

    def summary(self) -> dict:
        return {"id": self.id, "name": self.name, "collection": self.collection,
                "local_authority": f"{self.lad_name} ({self.lad_code})", "lsoas": len(self.lsoa21),
                "wards": len(self.wards), "footprint": self.footprint_method, "fictional": self.fictional}


def _files_of(path: Path) -> list[Path]:
    """The file ``path``, or the files of the folder ``path`` (not hidden ones, nor ``_`` ones)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(("_", ".")))
    return [path] if path.exists() else []


def _derived(out, source, place, how: str):
    """``out`` with the provenance ``.attrs`` of the frame it was derived from (collection,
    table, labels ...), plus the place and how it was derived."""
    out.attrs = {**{k: v for k, v in source.attrs.items() if k != "exclusions"},
                 "place": place.id, "collection": place.collection, "derived": how}
    return out


def _warn_missing(expected, found: pd.Series, what: str, place_id: str) -> None:
    missing = sorted(set(expected) - set(found))
    if missing:
        warnings.warn(f"place {place_id!r}: {len(missing)} of {len(set(expected))} LSOAs have no row in "
                      f"{what}: {', '.join(missing[:10])}", DataQualityWarning, stacklevel=3)


def _comparator_rows(dataset: str, area: str, collection: str) -> pd.DataFrame:
    """The ``census_comparators`` rows of one dataset and area kind (``la`` or ``england``).

    The table (every authority's and England's row of each Census table) is split by
    dataset and area once per process and data state, instead of being filtered on
    every look-up (a dashboard makes about sixty).
    """
    groups, empty = build.derived("census comparator rows", ("census_comparators",), collection, _comparator_groups)
    found = groups.get((dataset, area))
    return (found if found is not None else empty).copy(deep=False)


def _comparator_groups(comp: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """``census_comparators`` split by dataset and area kind, and its columns without rows."""
    groups = {k: g.reset_index(drop=True) for k, g in comp.groupby(["dataset", "area"], sort=False)}
    return groups, comp.iloc[0:0]


def _comparator_codes(geo: pd.DataFrame) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """The sorted LSOA 2021 codes of each local authority (2024), and of England."""
    by_lad: dict[str, list[str]] = {}
    for lad, code in zip(geo["lad24_code"].tolist(), geo["lsoa21_code"].tolist()):
        if isinstance(lad, str):
            by_lad.setdefault(lad, []).append(code)
    england = tuple(sorted(geo.loc[geo["lsoa21_code"].str.startswith("E"), "lsoa21_code"]))
    return {lad: tuple(sorted(codes)) for lad, codes in by_lad.items()}, england


def iod_lsoa21(edition: str, collection: str) -> pd.DataFrame:
    """One table of an IoD edition on LSOA 2021 for the whole country."""
    if edition == "iod2019":
        return build.table("iod2019_lsoa21", collection)
    if edition != "iod2025":
        raise InputError(f"edition must be 'iod2025' or 'iod2019', not {edition!r}")
    return iod2025_lsoa21(collection)


# --------------------------------------------------------------------------- definitions
def _definitions(path: Path) -> dict:
    """places.yaml, read once per state of the file (shared: never change it)."""
    return cache.held("files", ("place definitions", str(path)), cache.fingerprint(path),
                      lambda: _read_definitions(str(path)))


def _read_definitions(path: str) -> dict:
    data = yamlfile.load(path, what="place definitions") or {}
    if not isinstance(data, dict):
        raise PlaceError(f"{path}: expected a mapping of place ids to definitions")
    bad = [str(k) for k in data if not isinstance(k, str) or not PLACE_ID.fullmatch(k)]
    if bad:
        raise PlaceError(f"{path}: place id(s) {', '.join(repr(b) for b in bad)} are not allowed: a place id "
                         "is lower-case letters, digits and hyphens, starting with a letter or digit")
    return data


#: A place id: it becomes a folder name, so nothing that could climb out of the output folder.
PLACE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


#: The longest place id: it names a folder, and a message names it whole.
MAX_PLACE_ID = 80


def check_place_id(place_id) -> str:
    """``place_id`` if it is a safe place id (``^[a-z0-9][a-z0-9-]*$``, at most
    :data:`MAX_PLACE_ID` characters), else :class:`PlaceError` (a long id is named truncated)."""
    shown = repr(place_id)
    if len(shown) > MAX_PLACE_ID + 2:
        shown = f"{shown[:40]}...{shown[-12:]} ({len(str(place_id)):,} characters)"
    if isinstance(place_id, str) and PLACE_ID.fullmatch(place_id) and len(place_id) > MAX_PLACE_ID:
        raise PlaceError(f"{shown} is not a valid place id: it is longer than {MAX_PLACE_ID} characters")
    if not isinstance(place_id, str) or not PLACE_ID.fullmatch(place_id):
        raise PlaceError(f"{shown} is not a valid place id: use lower-case letters, digits and "
                         "hyphens, starting with a letter or digit (for example 'north-demoton')")
    return place_id


def read_definitions(path) -> dict:
    """The place definitions of one place file as written (read again only when it changes).

    Raises
    ------
    PlaceError
        The file is missing, is not a mapping of places, or names an id that is not allowed.
    """
    if not Path(path).is_file():
        raise PlaceError(f"place definitions not found: {path}")
    return _definitions(Path(path))


def definitions(with_ids=()) -> dict:
    """The raw place definitions from ``places.yaml`` (``CCDATA_PLACES`` overrides).

    ``with_ids`` adds the definitions of the authority and ward places among them
    (``la-e08000008``, ``ward24-e05...``, see :mod:`ccdata.geo.adhoc`) that the file lacks.
    """
    defs = read_definitions(config.places_file())
    wanted = [i for i in ([with_ids] if isinstance(with_ids, str) else with_ids) if i not in defs and is_adhoc(i)]
    if wanted:
        geo = build.table("lsoa21_geography", config.OFFICIAL)
        defs = {**defs, **{i: adhoc_definition(i, geo) for i in wanted}}
    return defs


def list_places() -> pd.DataFrame:
    """Table of the defined places (without resolving footprints)."""
    rows = []
    for pid, d in definitions().items():
        fp = d.get("footprint", {})
        parts = [f"{len(fp[k].get('codes', []))} {k} ({fp[k].get('vintage', '?')})" if k != "polygon" else "polygon"
                 for k in fp]
        rows.append({"id": pid, "name": d.get("name", pid), "collection": d.get("collection", config.OFFICIAL),
                     "local_authority": (d.get("local_authority") or {}).get("name", ""),
                     "footprint": "; ".join(parts), "fictional": bool(d.get("fictional", False))})
    return pd.DataFrame(rows)


def check_defined(place_ids, defs: dict | None = None) -> dict:
    """``{id: definition}`` of ``place_ids`` (one id or several) from ``defs`` (default :func:`definitions`).

    The one unknown-place check (:func:`place`, the cache, ``report`` and ``batch``). Raises
    :class:`PlaceError` for an invalid id (:func:`check_place_id`), or naming every id not defined.
    """
    ids = [check_place_id(p) for p in ([place_ids] if isinstance(place_ids, str) else place_ids)]
    defs = definitions(ids) if defs is None else defs
    unknown = [p for p in ids if p not in defs]
    if unknown:
        raise PlaceError(f"unknown place{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                         f"defined places: {', '.join(defs)} (in {config.places_file()})")
    return {p: defs[p] for p in ids}


def place(place_id: str) -> Place:
    """Resolve a place from ``places.yaml``.

    Raises
    ------
    PlaceError
        Unknown place id, a malformed definition, or wards / LSOAs / a local
        authority that do not exist in the data (every unknown code is named).
    MissingDataError
        When the lookups or boundaries needed to resolve the footprint are not
        fetched (the message says which).
    """
    if not isinstance(place_id, str):
        raise TypeError(f"place id must be a string, not {type(place_id).__name__}")
    # every key, its type and the local kinds, as declared in ccdata.geo.placeschema
    d = check_definition(place_id, check_defined(place_id)[place_id] or {})
    collection = d.get("collection", config.OFFICIAL)
    if collection not in config.COLLECTIONS:
        raise PlaceError(f"place {place_id!r}: collection must be one of {config.COLLECTIONS}")
    la = d["local_authority"]
    lad_code = str(la.get("code", ""))
    geo = build.table("lsoa21_geography", collection)
    la_names = geo.loc[geo["lad24_code"] == lad_code, "lad24_name"]
    if la_names.empty:
        raise PlaceError(f"place {place_id!r}: local authority {lad_code!r} does not exist in the "
                         f"LSOA 2021 -> LAD 2024 lookup ({collection})")
    assignment, wards, methods = resolve_footprint(place_id, d["footprint"], collection, geo)
    lsoas = sorted(assignment["lsoa21_code"].unique())
    outside = sorted(set(lsoas) - set(geo.loc[geo["lad24_code"] == lad_code, "lsoa21_code"]))
    if outside:
        warnings.warn(f"place {place_id!r}: {len(outside)} LSOA(s) lie outside {la_names.iloc[0]}: "
                      f"{', '.join(outside)}", DataQualityWarning, stacklevel=2)
    return Place(id=place_id, name=str(d["name"]), collection=collection,
                 description=" ".join(str(d.get("description", "")).split()),
                 lad_code=lad_code, lad_name=str(la.get("name") or la_names.iloc[0]),
                 lsoa21=lsoas, footprint_method=" ".join(methods), wards=wards,
                 fictional=bool(d.get("fictional", False)), assignment=assignment, definition=d)


