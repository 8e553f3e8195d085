"""A new place from what a partnership knows: LSOA codes, ward codes, or the postcodes of its families.

:func:`from_postcodes` locates each postcode with OS Code-Point Open
(:mod:`ccdata.geo.geocode`), counts them (or their ``count`` column) per LSOA 2021,
and takes the LSOAs holding the most until a chosen share of all the located
postcodes (default 80%) is covered: a footprint where most of the families are,
without the few who live far away. :func:`from_codes` takes LSOA 2021 or May 2024
ward codes. :func:`append_place` adds the result to a place file as text, so the
file's comments and order stay as they were. Nothing here ever shows a postcode: rows
that could not be placed are given by row number and counted.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ccdata import config
from ccdata.errors import InputError, PlaceError
from ccdata.files import atomic_write_text
from ccdata.geo import build
from ccdata.geo.geocode import LOCATED, OK, locate, postcode_points
from ccdata.geo.places import PLACE_ID, read_definitions
from ccdata.schemas import check_frame

#: Default share of the located postcodes the chosen LSOAs must hold.
DEFAULT_SHARE = 0.8
_LSOA = re.compile(r"^[EW]01\d{6}$")
_WARD = re.compile(r"^[EW]05\d{6}$")


@dataclass
class Footprint:
    """What :func:`from_postcodes` or :func:`from_codes` chose, and how."""

    lsoas: list[str]
    lad_code: str
    lad_name: str
    how: str
    share: float | None = None  # the share asked for (postcodes only)
    covered: float | None = None  # the share the chosen LSOAs hold
    located: int = 0  # postcodes (weighted) placed in an LSOA
    rows: int = 0
    unplaced_rows: list[int] = field(default_factory=list)
    unplaced_reasons: dict[str, int] = field(default_factory=dict)
    per_lsoa: pd.DataFrame | None = None
    other_las: dict[str, int] = field(default_factory=dict)
    ward_codes: list[str] | None = None  # a footprint given as wards stays wards in the definition

    def summary(self) -> str:
        """The printout: what was chosen, the share covered, rows not placed (never a postcode)."""
        lines = [f"Footprint: {len(self.lsoas):,} neighbourhoods (LSOA 2021) in {self.lad_name} ({self.lad_code})."]
        if self.share is not None:
            lines.append(f"Asked for the neighbourhoods holding at least {self.share:.0%} of the located postcodes; "
                         f"the {len(self.lsoas):,} chosen hold {self.covered:.1%} of the {self.located:,} located "
                         f"(from {self.rows:,} rows).")
        if self.per_lsoa is not None and len(self.per_lsoa):
            for r in self.per_lsoa.itertuples():
                mark = "chosen" if r.chosen else "left out"
                lines.append(f"  {r.lsoa21_code} {r.lsoa21_name}: {r.weight:,} ({r.share:.1%}) {mark}")
        if self.other_las:
            lines.append("Chosen neighbourhoods outside that authority: " + ", ".join(
                f"{n} in {code}" for code, n in sorted(self.other_las.items())) + ".")
        if self.unplaced_rows:
            shown = ", ".join(str(r) for r in self.unplaced_rows[:50])
            more = f" and {len(self.unplaced_rows) - 50:,} more" if len(self.unplaced_rows) > 50 else ""
            reasons = "; ".join(f"{why}: {n:,}" for why, n in sorted(self.unplaced_reasons.items()))
            lines.append(f"{len(self.unplaced_rows):,} rows could not be placed ({reasons}): rows {shown}{more} "
                         "(row = line in the file).")
        elif self.share is not None:
            lines.append("Every row was placed.")
        return "\n".join(lines)


def _geography(collection: str) -> pd.DataFrame:
    return build.table("lsoa21_geography", collection)


def _authority(lsoas: list[str], geo: pd.DataFrame) -> tuple[str, str, dict[str, int]]:
    """The authority holding most of ``lsoas``, and how many lie in each other authority."""
    rows = geo[geo["lsoa21_code"].isin(lsoas)].drop_duplicates("lsoa21_code")
    counts = rows.groupby(["lad24_code", "lad24_name"]).size().rename("n").reset_index()
    if counts.empty:
        raise PlaceError("none of the chosen neighbourhoods is in the LSOA 2021 lookup")
    counts = counts.sort_values(["n", "lad24_code"], ascending=[False, True]).reset_index(drop=True)
    others = {str(c): int(n) for c, n in zip(counts["lad24_code"][1:], counts["n"][1:])}
    return str(counts.at[0, "lad24_code"]), str(counts.at[0, "lad24_name"]), others


def read_postcode_file(path) -> pd.DataFrame:
    """The ``postcode`` (and optional ``count``) columns of a CSV, indexed by line number.

    Raises
    ------
    InputError
        No postcode column, or a count that is not a whole number of at least 0 (file,
        row and column named).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cols = {c.strip().lower(): c for c in frame.columns}
    if "postcode" not in cols:
        raise InputError(f"{path.name}: needs a column named 'postcode'; the columns are {list(frame.columns)}")
    out = pd.DataFrame({"postcode": frame[cols["postcode"]]})
    out.index = pd.RangeIndex(2, len(frame) + 2, name="row")  # line 1 is the header
    if "count" in cols:
        text = frame[cols["count"]].str.strip().to_numpy()
        counts = pd.to_numeric(pd.Series(text, index=out.index).replace("", "1"), errors="coerce")
        bad = counts.isna() | (counts < 0) | (counts % 1 != 0)
        if bad.any():
            row = int(out.index[bad.to_numpy()][0])
            raise InputError(f"{path.name}, row {row}, column {cols['count']!r}: a count must be a whole number of "
                             f"at least 0 ({int(bad.sum())} such row(s))")
        out["count"] = counts.astype("int64")
    else:
        out["count"] = 1
    return out


def from_postcodes(postcodes: pd.DataFrame, collection: str = config.OFFICIAL, *,
                   share: float = DEFAULT_SHARE) -> Footprint:
    """The LSOAs holding ``share`` of the located postcodes (weighted by ``count``).

    Parameters
    ----------
    postcodes : DataFrame
        ``postcode`` and ``count`` columns, indexed by row number (see :func:`read_postcode_file`).
    collection : {"official", "demo"}
    share : float
        Between 0 and 1: the chosen LSOAs, taken from the one holding most postcodes
        down, must hold at least this share of those located.

    Returns
    -------
    Footprint
    """
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
        raise InputError(f"share must be a number above 0 and at most 1 (0.8 for 80%), not {share!r}")
    try:
        check_frame(postcodes, "postcodes", ("postcode", "count"))
    except (TypeError, ValueError) as exc:  # an adviser's input: the command line reports InputError
        raise InputError(str(exc)) from exc
    config.check_collection(collection)
    points = postcode_points(postcodes["postcode"], collection)
    placed = locate(points, collection)
    reason = pd.Series("", index=postcodes.index, dtype=object)
    reason[points["status"] != OK] = points["status"].map({"malformed": "not a postcode",
                                                           "not found": "not in Code-Point Open"})
    reason[(points["status"] == OK) & (placed["located"] != LOCATED)] = "outside the neighbourhood boundaries"
    ok = reason == ""
    weights = postcodes.loc[ok, "count"].groupby(placed.loc[ok, "lsoa21_code"].astype(str)).sum()
    total = int(weights.sum())
    if total == 0:
        raise PlaceError(f"none of the {len(postcodes):,} rows could be placed in a neighbourhood")
    order = weights.reset_index().set_axis(["lsoa21_code", "weight"], axis=1)
    order = order.sort_values(["weight", "lsoa21_code"], ascending=[False, True]).reset_index(drop=True)
    cumulative = order["weight"].cumsum()
    # take LSOAs until the share is reached (the one that reaches it included)
    n = int((cumulative < share * total - 1e-9).sum()) + 1
    order["chosen"] = order.index < n
    order["share"] = order["weight"] / total
    geo = _geography(collection)
    names = geo.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["lsoa21_name"]
    order["lsoa21_name"] = order["lsoa21_code"].map(names).fillna("")
    chosen = sorted(order.loc[order["chosen"], "lsoa21_code"])
    lad_code, lad_name, others = _authority(chosen, geo)
    unplaced = reason[~ok]
    return Footprint(lsoas=chosen, lad_code=lad_code, lad_name=lad_name,
                     how=(f"the {len(chosen)} neighbourhoods holding {cumulative.iloc[n - 1] / total:.0%} of "
                          f"{total:,} located postcodes"),
                     share=float(share), covered=float(cumulative.iloc[n - 1] / total), located=total,
                     rows=len(postcodes), unplaced_rows=[int(r) for r in unplaced.index],
                     unplaced_reasons={k: int(v) for k, v in unplaced.value_counts().items()},
                     per_lsoa=order, other_las=others)


def from_codes(codes, collection: str = config.OFFICIAL) -> Footprint:
    """A footprint of LSOA 2021 codes (``E01...``) or May 2024 ward codes (``E05...``), not mixed."""
    if isinstance(codes, str) or not all(isinstance(c, str) for c in codes):
        raise InputError("codes must be a list of LSOA 2021 or May 2024 ward codes")
    codes = [c.strip().upper() for c in codes if c.strip()]
    if not codes:
        raise InputError("no codes given")
    geo = _geography(collection)
    if all(_LSOA.match(c) for c in codes):
        unknown = sorted(set(codes) - set(geo["lsoa21_code"]))
        kind, lsoas = "lsoas", sorted(set(codes))
    elif all(_WARD.match(c) for c in codes):
        unknown = sorted(set(codes) - set(geo["ward24_code"]))
        kind, lsoas = "wards", sorted(set(geo.loc[geo["ward24_code"].isin(codes), "lsoa21_code"]))
    else:
        bad = [c for c in codes if not (_LSOA.match(c) or _WARD.match(c))]
        raise InputError("give LSOA 2021 codes (E01...) or May 2024 ward codes (E05...), not both"
                         + (f"; not codes of either: {', '.join(bad[:10])}" if bad else ""))
    if unknown:
        raise PlaceError(f"{len(unknown)} code(s) are not in the ONS lookup ({collection}): {', '.join(unknown[:20])}")
    lad_code, lad_name, others = _authority(lsoas, geo)
    return Footprint(lsoas=lsoas, lad_code=lad_code, lad_name=lad_name,
                     how=f"{len(codes)} {'LSOA 2021' if kind == 'lsoas' else 'May 2024 ward'} codes",
                     other_las=others, ward_codes=sorted(set(codes)) if kind == "wards" else None)


def definition_text(place_id: str, name: str, fp: Footprint, collection: str = config.OFFICIAL) -> str:
    """The YAML text of a new place entry (a comment line saying how it was made, then the mapping)."""
    if not isinstance(place_id, str) or not PLACE_ID.fullmatch(place_id):
        raise PlaceError(f"{place_id!r} is not a valid place id: lower-case letters, digits and hyphens")
    if not isinstance(name, str) or not name.strip():
        raise InputError("a place needs a name")
    wards = fp.ward_codes
    footprint = ({"wards": {"vintage": 2024, "codes": wards}} if wards
                 else {"lsoas": {"vintage": 2021, "codes": list(fp.lsoas)}})
    entry = {"name": name.strip(), "collection": collection,
             "local_authority": {"code": fp.lad_code, "name": fp.lad_name, "vintage": 2024},
             "footprint": footprint}
    if collection == config.DEMO:
        entry["fictional"] = True
    text = yaml.safe_dump({place_id: entry}, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=None)
    stamp = dt.date.today().isoformat()
    return f"\n# added by `ccdata places add` on {stamp}: {fp.how}\n{text}"


def append_place(place_id: str, text: str, path: Path | None = None) -> Path:
    """Append a place entry to the place file ``CCDATA_PLACES`` names, keeping its text as it is.

    Raises
    ------
    PlaceError
        No ``CCDATA_PLACES`` file is named (ccdata's own places.yaml is never changed), the
        file is not a mapping of places, or ``place_id`` is already defined there.
    """
    path = Path(path) if path is not None else config.places_file()
    packaged = config.resource("places.yaml").resolve()
    if path.resolve() == packaged:
        raise PlaceError("ccdata's own places.yaml is not changed: set CCDATA_PLACES to a place file of your "
                         "own (it may start empty), then add the place again")
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    defs = read_definitions(path) if path.exists() and old.strip() else {}
    if place_id in defs:
        raise PlaceError(f"place {place_id!r} is already defined in {path}; choose another id")
    new = old + ("" if not old or old.endswith("\n") else "\n") + text
    parsed = yaml.safe_load(new)  # the whole file must still read as places, before it is written
    if not isinstance(parsed, dict) or place_id not in parsed:
        raise PlaceError(f"{path}: adding the place would not give a readable place file")
    atomic_write_text(path, new)
    return path
