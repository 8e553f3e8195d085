"""The work behind the command line's commands: fetch, build, places, demo and the batch's data refresh.

:mod:`ccdata.cli` parses arguments and prints; it imports only the run layer and core
(an import-linter contract), so every command that reaches the readers, the cache or
the places goes through a function here. Each returns what the command prints from.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ccdata import config
from ccdata.errors import BatchError, InputError
from ccdata.geo import adhoc, newplace
from ccdata.geo import places as places_mod
from ccdata.geo.places import check_defined
from ccdata.io import fetch as fetch_mod
from ccdata.io import routes
from ccdata.run import steps


def fetch(datasets: list[str] | None = None, *, mirror: str | None = None, force: bool = False,
          progress: bool = True) -> list:
    """Fetch raw files (:func:`ccdata.io.fetch.fetch`): one ``FetchResult`` per dataset."""
    return fetch_mod.fetch(datasets or None, mirror=mirror, force=force, progress=progress)


def add_file(dataset_id: str, path) -> object:
    """Register a file saved by hand as a dataset's raw file (:func:`ccdata.io.fetch.add_file`)."""
    return fetch_mod.add_file(dataset_id, path)


def check_routes(datasets: list[str] | None = None) -> list:
    """Probe every dataset's route without downloading (:func:`ccdata.io.routes.check`)."""
    return routes.check(datasets or None)


def build(collection: str = config.OFFICIAL, *, force: bool = False, progress: bool = True) -> list:
    """Build the processed cache of a collection over every layer's steps (:func:`ccdata.run.steps.build`):
    one ``BuildResult`` per table."""
    return steps.build(collection=collection, force=force, progress=progress)


def list_places() -> pd.DataFrame:
    """The places defined in places.yaml (:func:`ccdata.geo.places.list_places`)."""
    return places_mod.list_places()


def place_id_for(spec: str) -> str:
    """The place id of a command-line place: ``la:E08000008`` -> ``la-e08000008`` (:mod:`ccdata.geo.adhoc`)."""
    return adhoc.place_id_for(spec)


def choose_footprint(*, lsoas: list[str] | None = None, wards: list[str] | None = None,
                     postcodes: Path | None = None, share: float = 0.8, collection: str = config.OFFICIAL):
    """The footprint of a new place (``places add``), from codes or postcodes (:mod:`ccdata.geo.newplace`).

    Parameters
    ----------
    lsoas, wards : list of str, optional
        LSOA 2021 or May 2024 ward codes (each item may hold several, separated by commas or spaces).
    postcodes : path, optional
        A CSV with a ``postcode`` column (and ``count``): the neighbourhoods holding ``share``
        of the located postcodes are chosen.

    Returns
    -------
    ccdata.geo.newplace.Footprint
        Its ``summary()`` says what was chosen.

    Raises
    ------
    InputError
        Not exactly one of ``lsoas``, ``wards`` and ``postcodes``.
    """
    given = [x for x in (lsoas, wards, postcodes) if x]
    if len(given) != 1:
        raise InputError("give exactly one of --lsoas, --wards or --postcodes")
    if postcodes:
        return newplace.from_postcodes(newplace.read_postcode_file(postcodes), collection, share=share)
    codes = [c for part in (lsoas or wards) for c in part.replace(",", " ").split()]
    return newplace.from_codes(codes, collection)


def add_place(place_id: str, name: str | None, footprint, collection: str = config.OFFICIAL) -> Path:
    """Append a place with the chosen ``footprint`` to the file ``CCDATA_PLACES`` names; returns that file."""
    text = newplace.definition_text(place_id, name or place_id, footprint, collection)
    return newplace.append_place(place_id, text)


def generate_demo() -> list[Path]:
    """Generate the fictional demo place's raw files (:func:`ccdata.demo.generate`)."""
    from ccdata import demo  # the demo generator is loaded only when asked for

    return demo.generate()


def refresh_data(place_ids: list[str] | None = None, *, mirror: str | None = None,
                 progress: bool = True) -> list[str]:
    """Bring the data behind the places up to date before a run.

    For places of the ``demo`` collection the fictional demo files are generated;
    for ``official`` places every dataset is fetched (from ``mirror`` or
    ``CCDATA_MIRROR`` when set, else from the official URLs; unchanged files are
    skipped by checksum). Each collection is then built. Nothing here stops the
    run: a dataset that cannot be fetched is reported in the returned lines and the
    places that need it are then listed as unavailable by :func:`ccdata.run.batch.run_batch`.

    Returns
    -------
    list of str
        One line per step, for the log.

    Raises
    ------
    PlaceError
        A named place is not defined (:func:`ccdata.geo.places.check_defined`).
    """
    if place_ids is not None and (isinstance(place_ids, str) or not all(isinstance(p, str) for p in place_ids)):
        raise BatchError("places must be a list of place ids")
    defs = places_mod.definitions(place_ids or ())
    if place_ids:
        defs = check_defined(place_ids, defs)
    collections = sorted({(d or {}).get("collection", config.OFFICIAL) for d in defs.values()})
    lines = []
    for collection in collections:
        if collection == config.DEMO:
            files = generate_demo()
            lines.append(f"demo: {len(files)} fictional files generated")
        else:
            results = fetch(mirror=mirror, progress=progress)
            ready = sum(r.ok for r in results)
            lines.append(f"{collection}: {ready} datasets ready, "
                         f"{sum(r.status == 'unavailable' for r in results)} unavailable")
            lines += [f"  fetch failed: {r.dataset_id}: {r.message}" for r in results if r.status == "failed"]
        built = build(collection, progress=progress)
        lines.append(f"{collection}: {sum(r.status == 'built' for r in built)} tables built, "
                     f"{sum(r.status == 'current' for r in built)} current")
        lines += [f"  build failed: {r.name}: {r.message}" for r in built if r.status == "failed"]
    return lines
