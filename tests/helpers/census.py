"""Census files read with the standard library only (independent of ccdata's loaders)."""
from __future__ import annotations


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
