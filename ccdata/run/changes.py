"""What changed since the last report: indicators, deprivation, assets and connections.

Partners lose interest without visible progress, so every batch run saves each
place's figures as small aggregate files beside its pages and compares them with
the previous successful run:

``indicators.csv``       every indicator for the place, its LA and England
                         (:func:`ccdata.analysis.indicators.compute`; area-level aggregates only)
``deprivation.csv``      IoD headline measures per edition and area
                         (:func:`ccdata.analysis.deprivation.summary`)
``iod_editions.csv``     each place LSOA's IMD decile in IoD 2019 and 2025
                         (:func:`ccdata.analysis.deprivation.compare_editions`)
``assets.csv``           the place's assets (``asset_id, name, category_label``)
``network_summary.csv``  headline network measures (``metric, value``) of the latest wave,
                         residents as one protected group (``network.published_summary``)
``connections.csv``      ties between organisations in the latest wave
                         (``organisation_a, sector_a, organisation_b, sector_b``); never a
                         tie of a resident (residents are people)
``resident_connections.csv``  residents' ties counted by the partner's sector, through
                         :mod:`ccdata.analysis.disclosure` (small counts hidden, others rounded)

Personal data (survey answers, pupils, residents' ties) reaches a CSV only as a table
sealed by :mod:`ccdata.analysis.disclosure`, as on a page: :func:`check_export` refuses
anything else, and no file holds one row per person.

This is the hook other views can use too: any of these files found in two runs'
place folders is compared; when one is absent the page says that the data are not
available, and why when the run recorded a reason (``summaries.json``).

The comparison functions take DataFrames and return DataFrames or HTML; only
:func:`save_summaries`, :func:`read_summary` and :func:`write_changes` touch files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ccdata.analysis import deprivation, disclosure, indicators, network, stats
from ccdata.analysis.assets import place_assets, source_words
from ccdata import publish
from ccdata.errors import (
    ChangesError,
    DisclosureError,
    MissingDataError,
    Problem,
    UndeclaredOutputError,
    ValidationError,
)
from ccdata.geo.places import Place
from ccdata.provenance import FICTIONAL_NOTICE
from ccdata.vocabulary import RESIDENTS, SECTORS

INDICATORS_FILE = "indicators.csv"
DEPRIVATION_FILE = "deprivation.csv"
IOD_EDITIONS_FILE = "iod_editions.csv"
ASSETS_FILE = "assets.csv"
NETWORK_FILE = "network_summary.csv"
CONNECTIONS_FILE = "connections.csv"
RESIDENT_TIES_FILE = "resident_connections.csv"
#: Files that hold figures about people: written only when sealed by disclosure control.
PERSONAL_FILES = frozenset({RESIDENT_TIES_FILE})
REASONS_FILE = "summaries.json"
CHANGES_PAGE = "changes.html"

#: Columns kept in ``indicators.csv``: aggregates per area, never records.
INDICATOR_COLUMNS = ("indicator", "title", "workstream", "area", "area_name", "numerator",
                     "denominator", "value", "lower", "upper", "band", "polarity", "source", "status",
                     "method")
_INDICATOR_NUMBERS = ("numerator", "denominator", "value", "lower", "upper")
#: Required columns of each summary file (extra columns are kept and ignored).
REQUIRED = {
    INDICATORS_FILE: ("indicator", "title", "area", "value", "lower", "upper", "band", "status"),
    DEPRIVATION_FILE: ("edition", "area", "area_name", "lsoas", "pct_lsoas_most_deprived_10",
                       "extent", "median_imd_rank"),
    IOD_EDITIONS_FILE: ("LSOA 2021", "IMD decile 2019", "IMD decile 2025"),
    ASSETS_FILE: ("asset_id", "name", "category_label"),
    NETWORK_FILE: ("metric", "value"),
    CONNECTIONS_FILE: ("organisation_a", "sector_a", "organisation_b", "sector_b"),
    RESIDENT_TIES_FILE: ("partner_sector", "ties"),
}
OK = "ok"
#: How many of the biggest movements the page lists.
TOP_MOVEMENTS = 10
NETWORK_LABELS = {"organisations": "Organisations (residents counted as one group)", "ties": "Connections between organisations",
                  "density": "Density (share of possible connections that exist)",
                  "components": "Separate groups", "isolates": "Organisations with no connection",
                  "largest_component_share": "Share in the largest connected group",
                  "cross_sector_share": "Share of connections that cross sectors",
                  "reciprocity": "Share of ties reported by both sides",
                  "respondents": "Organisations that answered the survey",
                  "core_cross_only_share": "Share of cross-sector pairs connected only through the core team"}




# --------------------------------------------------------------------------- saving
def indicator_snapshot(frame: pd.DataFrame) -> pd.DataFrame:
    """The aggregate columns of :func:`ccdata.analysis.indicators.compute` output, for saving.

    Raises
    ------
    ChangesError
        If ``frame`` lacks a column of :data:`INDICATOR_COLUMNS` or repeats an
        (indicator, area) pair.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a DataFrame from indicators.compute, not {type(frame).__name__}")
    missing = [c for c in INDICATOR_COLUMNS if c not in frame.columns]
    if missing:
        raise ChangesError(f"indicator table lacks column(s) {missing}; expected the output of "
                           "ccdata.analysis.indicators.compute")
    dupes = frame[frame.duplicated(["indicator", "area"], keep=False)]
    if not dupes.empty:
        raise ChangesError("indicator table repeats (indicator, area): "
                           + ", ".join(sorted({f"{i}/{a}" for i, a in zip(dupes["indicator"], dupes["area"])})))
    return frame[list(INDICATOR_COLUMNS)].reset_index(drop=True)


def check_export(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` as it may be written to the CSV ``name``, else :class:`DisclosureError`.

    The disclosure half of the publish gate: a file of :data:`PERSONAL_FILES`, and any
    table marked as personal data or carrying a disclosure seal, is written only while
    :func:`ccdata.analysis.disclosure.is_protected` holds (sealed by disclosure control and
    unchanged since), exactly as on a page. The returned copy has every text cell
    neutralised for spreadsheets (:func:`ccdata.publish.csv_frame`: formulas, direction
    controls); :func:`export` writes it through :func:`ccdata.publish.write`.

    Raises
    ------
    DisclosureError
        A personal table not sealed (or changed since).
    ccdata.errors.UndeclaredOutputError
        ``name`` is not a CSV file of the registry of outputs.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name}: expected a DataFrame, not {type(frame).__name__}")
    personal = name in PERSONAL_FILES or frame.attrs.get("personal") or "disclosure_seal" in frame.attrs
    if personal and not disclosure.is_protected(frame):
        raise DisclosureError(f"{name}: this table holds personal data and has not been through disclosure "
                              "control (or was changed after it); it is not written")
    if not isinstance(name, str) or not publish.is_csv_output(name):
        raise UndeclaredOutputError(f"{name!r} is not a spreadsheet file declared in "
                                            "ccdata.publish.OUTPUTS; it is not written")
    return publish.csv_frame(frame)


def export(frame: pd.DataFrame, root: Path, path: Path, note: str | None = None) -> Path:
    """Write a table to a declared CSV file under the output folder ``root`` through the gate.

    :func:`check_export` (disclosure, formulas, direction controls), then
    :func:`ccdata.publish.write` (declared, inside ``root``, atomic). ``note`` becomes a first
    line ``# note`` (the demo's fictional-data notice), which :func:`read_summary` skips.
    """
    check_export(frame, Path(path).name)
    # the gate neutralises the text as it writes (once: a second pass would quote twice)
    return publish.write(root, path, frame, note=note, protected=True)


def _save(frame: pd.DataFrame, path: Path, note: str | None = None) -> None:
    """Write a place's summary CSV (``<out>/<place>/<name>``) through :func:`export`."""
    export(frame, Path(path).parent.parent, path, note)


def _asset_summary(place) -> pd.DataFrame:
    """The place's assets as published (``assets.csv``): the partnership's list named in words."""
    assets, _unplaced = place_assets(place)
    cols = [c for c in ("asset_id", "name", "category", "category_label", "source", "postcode")
            if c in assets.columns]
    out = pd.DataFrame(assets[cols])
    if "source" in out:
        out["source"] = out["source"].map(source_words)
    if "asset_id" in out:  # "local list (assets.csv):row 29" -> "the partnership's list:row 29"
        out["asset_id"] = out["asset_id"].astype("string").str.replace(r"^local list \([^)]*\):",
                                                                      "the partnership's list:", regex=True)
    return out.sort_values(["category_label", "name"], ignore_index=True)


def _network_summaries(place) -> dict[str, pd.DataFrame]:
    data = network.load_network(place)
    if not data.waves:
        raise MissingDataError(f"place {place.id!r}: the relationship survey has no waves")
    return network_exports(data)


def network_exports(data, rules: disclosure.Rules | None = None) -> dict[str, pd.DataFrame]:
    """The relationship survey's files for the latest wave: headline measures, the ties
    between organisations, and residents' ties as protected counts by the partner's sector.

    Parameters
    ----------
    data : ccdata.io.local.network.NetworkData
    rules : disclosure.Rules, optional

    Returns
    -------
    dict
        :data:`NETWORK_FILE`, :data:`CONNECTIONS_FILE` (no tie of a resident) and
        :data:`RESIDENT_TIES_FILE` (sealed by :func:`ccdata.analysis.disclosure.apply`).
    """
    if not data.waves:
        raise MissingDataError("the relationship survey has no waves")
    latest = data.waves[-1]
    # every published figure is computed with residents as one protected group
    measures = network.published_summary(data, latest, rules=rules)
    # the partnership's progress measure: cross-sector pairs that only the core team connects
    measures["core_cross_only_share"] = network.cross_sector_dependence(
        network.published_graph(data, latest, rules=rules))["share"]
    summary = pd.DataFrame([{"metric": k, "value": v} for k, v in measures.items()]
                           + [{"metric": "wave", "value": latest}])
    g = network.graph(data, latest)
    labels = data.labels()
    sectors = dict(zip(data.organisations["org_id"], data.organisations["sector"]))
    pairs = sorted({tuple(sorted((a, b))) for a, b in g.to_undirected().edges})
    resident = RESIDENTS
    connections = pd.DataFrame([{"organisation_a": labels[a], "sector_a": sectors[a],
                                 "organisation_b": labels[b], "sector_b": sectors[b]} for a, b in pairs
                                if resident not in (sectors[a], sectors[b])],
                               columns=list(REQUIRED[CONNECTIONS_FILE]))
    # a resident's ties are about a person: counted by the partner's sector, then protected
    partner = [sectors[b if sectors[a] == resident else a] for a, b in pairs
               if resident in (sectors[a], sectors[b])]
    counts = pd.Series(partner, dtype="object").value_counts().reindex(
        [s for s in SECTORS if s in set(sectors.values())], fill_value=0)
    ties = pd.DataFrame({"partner_sector": counts.index, "ties": counts.to_numpy(dtype=int)})
    # as for the residents' group on the page: nothing is shown of a group smaller than the
    # rules' minimum; the sectors add up to all residents' ties, so secondary suppression too
    people = sum(1 for n in g.nodes if g.nodes[n]["sector"] == resident)
    few = people < (rules or disclosure.DEFAULT).min_respondents
    protected = disclosure.apply(ties, rules, count="ties", denominator=None, within=[[]], hide=[few] * len(ties),
                                 hide_reason=disclosure.PRIMARY.format(n=(rules or disclosure.DEFAULT).min_respondents))
    return {NETWORK_FILE: summary, CONNECTIONS_FILE: connections,
            RESIDENT_TIES_FILE: protected}


def save_summaries(place, place_dir: Path | str) -> dict[str, str]:
    """Save a place's aggregate summary files into its run folder.

    Each file is computed independently: one that cannot be made (data not fetched,
    no survey configured, a loader error) is skipped and its reason recorded in
    ``summaries.json``, so the changes page can say why.

    Parameters
    ----------
    place : ccdata.geo.places.Place
    place_dir : path
        ``<run>/<place>/``.

    Returns
    -------
    dict
        File name -> ``"ok"`` or the reason it was not written.
    """

    if not isinstance(place, Place):
        raise TypeError(f"save_summaries expects a ccdata Place, not {type(place).__name__}")
    place_dir = Path(place_dir)
    place_dir.mkdir(parents=True, exist_ok=True)

    def network_files():
        return _network_summaries(place)

    def deprivation_files():
        out = {}
        frames = []
        for edition in ("iod2019", "iod2025"):
            try:
                frames.append(deprivation.summary(place, edition))
            except MissingDataError:
                continue
        if not frames:
            raise MissingDataError("neither IoD 2019 nor IoD 2025 is available")
        out[DEPRIVATION_FILE] = pd.concat(frames, ignore_index=True)
        if len(frames) == 2:
            out[IOD_EDITIONS_FILE] = deprivation.compare_editions(place)
        return out


    notice = FICTIONAL_NOTICE if getattr(place, "fictional", False) else None
    makers = {
        (INDICATORS_FILE,): lambda: {INDICATORS_FILE: indicator_snapshot(indicators.compute(place))},
        (DEPRIVATION_FILE, IOD_EDITIONS_FILE): deprivation_files,
        (ASSETS_FILE,): lambda: {ASSETS_FILE: _asset_summary(place)},
        (NETWORK_FILE, CONNECTIONS_FILE, RESIDENT_TIES_FILE): network_files,
    }
    status: dict[str, str] = {}
    for names, make in makers.items():
        try:
            frames = make()
        except Exception as exc:  # one summary failing must not stop the others; the reason is kept
            for name in names:
                status[name] = f"{type(exc).__name__}: {exc}".split("\n")[0]
            continue
        for name in names:
            if name in frames:
                try:
                    _save(frames[name], place_dir / name, note=notice)
                except DisclosureError as exc:  # never written; the reason is kept for the adviser
                    status[name] = f"DisclosureError: {exc}"
                    continue
                status[name] = OK
            else:
                status[name] = "not produced (needs both IoD editions)"

    publish.write(place_dir.parent, place_dir / REASONS_FILE, json.dumps(status, indent=2, sort_keys=True))
    return status


# --------------------------------------------------------------------------- reading
def read_summary(path: Path | str, kind: str | None = None) -> pd.DataFrame:
    """Read one summary file and check its columns.

    Parameters
    ----------
    path : path
        A file named like one of :data:`REQUIRED` (or pass ``kind``).
    kind : str, optional
        The file kind (its standard name) when the file is named differently.

    Raises
    ------
    MissingDataError
        The file does not exist.
    ValidationError
        Required columns are missing, or (indicators) a number cell is not a number;
        every problem names the file, row and column.
    """
    path = Path(path)
    kind = kind or path.name
    if kind not in REQUIRED:
        raise ValueError(f"unknown summary kind {kind!r}; known: {sorted(REQUIRED)}")
    if not path.exists():
        raise MissingDataError(f"{path} does not exist")
    with open(path, encoding="utf-8") as fh:
        skip = 1 if fh.readline().startswith("# ") else 0  # the fictional-data notice line
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=skip)
    # the text as it was meant, before the publish gate's spreadsheet quote (ccdata.publish.csv_text)
    frame.columns = [publish.csv_text_back(c) for c in frame.columns]
    frame = frame.map(publish.csv_text_back)
    problems = [Problem(str(path), None, c, "required column is missing")
                for c in REQUIRED[kind] if c not in frame.columns]
    if problems:
        raise ValidationError(str(path), problems)
    if kind == INDICATORS_FILE:
        for col in [c for c in _INDICATOR_NUMBERS if c in frame.columns]:
            parsed = pd.to_numeric(frame[col].replace("", None), errors="coerce")
            bad = frame[col].ne("") & parsed.isna()
            problems += [Problem(str(path), int(i) + 2 + skip, col, "not a number", frame.at[i, col])
                         for i in frame.index[bad]]
            frame[col] = parsed.astype(float)
        dupes = frame.duplicated(["indicator", "area"], keep="first")
        problems += [Problem(str(path), int(i) + 2, "indicator",
                             f"repeats indicator {frame.at[i, 'indicator']!r} for area {frame.at[i, 'area']!r}")
                     for i in frame.index[dupes]]
        if problems:
            raise ValidationError(str(path), problems)
    return frame


# --------------------------------------------------------------------------- comparing
@dataclass
class IndicatorChanges:
    """Indicator movements between two runs.

    Attributes
    ----------
    movements : DataFrame
        One row per (indicator, area) with a value in both runs: ``indicator, title,
        area, area_name, old_value, new_value, change`` (percentage points),
        ``change_lower, change_upper`` (its 95% interval, percentage points), ``clear``
        and ``verdict`` (the one change rule of :mod:`ccdata.analysis.stats`: Newcombe's
        interval for a difference of shares excludes zero), ``estimate`` (either run's
        figure was shared out from wards), ``old_band, new_band, band_changed``; sorted by
        the size of the change, largest first. A row whose runs did not both save their
        counts gets no verdict (``clear`` false, ``verdict`` "no verdict").
    not_compared : DataFrame
        ``indicator, title, area, reason``: rows present in both runs without a value
        in one of them.
    added, removed : DataFrame
        ``indicator, title, area``: rows only in the new / only in the old run.
    """

    movements: pd.DataFrame
    not_compared: pd.DataFrame
    added: pd.DataFrame
    removed: pd.DataFrame

    @property
    def band_changes(self) -> pd.DataFrame:
        """Rows whose comparison band with England changed."""
        return self.movements[self.movements["band_changed"]].reset_index(drop=True)


def _check_indicator_frame(frame, what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame, not {type(frame).__name__}")
    missing = [c for c in REQUIRED[INDICATORS_FILE] if c not in frame.columns]
    if missing:
        raise ChangesError(f"{what} lacks column(s) {missing}")
    if frame.duplicated(["indicator", "area"]).any():
        raise ChangesError(f"{what} repeats an (indicator, area) pair")
    out = frame.copy()
    for c in ("value", "lower", "upper"):
        out[c] = pd.to_numeric(out[c], errors="raise").astype(float)
    return out


def _rule(rec) -> stats.Change | None:
    """The one change rule on a pair of saved indicator rows, or ``None`` without counts."""
    nums = [getattr(rec, c, float("nan")) for c in ("numerator_old", "denominator_old",
                                                      "numerator_new", "denominator_new")]
    if any(pd.isna(x) for x in nums) or nums[1] <= 0 or nums[3] <= 0:
        return None
    polarity = getattr(rec, "polarity_new", stats.NO_JUDGEMENT)
    polarity = polarity if polarity in stats.POLARITIES else stats.NO_JUDGEMENT
    estimate = any(getattr(rec, f"method_{w}", "") == "estimate" for w in ("old", "new"))
    try:
        return stats.change_in_shares(*nums, polarity, estimate=estimate)
    except ValueError:
        return None  # counts that cannot be a share (a file edited by hand): no verdict


def compare_indicators(old: pd.DataFrame, new: pd.DataFrame) -> IndicatorChanges:
    """Compare two runs' indicator tables (as saved in ``indicators.csv``).

    A change is called *clear* by the one change rule of :mod:`ccdata.analysis.stats`:
    the Newcombe 95% interval for the difference of the two shares, worked out from the
    saved numerators and denominators, excludes zero. The same rule decides the
    listening page's changes and the progress page's verdicts.

    Parameters
    ----------
    old, new : DataFrame
        Columns at least ``indicator, title, area, value, lower, upper, band, status``;
        ``numerator, denominator`` (and ``polarity``, ``method``) for a verdict.

    Raises
    ------
    ChangesError
        Missing columns or a repeated (indicator, area) pair.
    """
    old = _check_indicator_frame(old, "previous indicators")
    new = _check_indicator_frame(new, "current indicators")
    key = ["indicator", "area"]
    m = old.merge(new, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    title = m["title_new"].where(m["title_new"].notna(), m["title_old"])
    area_name = (m["area_name_new"].where(m["area_name_new"].notna(), m.get("area_name_old"))
                 if "area_name_new" in m else m["area"])
    m = m.assign(title=title, area_name=area_name)
    ident = ["indicator", "title", "area"]
    added = m.loc[m["_merge"] == "right_only", ident].reset_index(drop=True)
    removed = m.loc[m["_merge"] == "left_only", ident].reset_index(drop=True)
    both = m[m["_merge"] == "both"]
    usable = ((both["status_old"] == OK) & (both["status_new"] == OK)
              & both["value_old"].notna() & both["value_new"].notna())
    reasons = []
    for rec in both[~usable].itertuples(index=False):
        parts = []
        if rec.status_old != OK or pd.isna(rec.value_old):
            parts.append(f"previous run: {rec.status_old if rec.status_old != OK else 'no value'}")
        if rec.status_new != OK or pd.isna(rec.value_new):
            parts.append(f"this run: {rec.status_new if rec.status_new != OK else 'no value'}")
        reasons.append("; ".join(parts))
    not_compared = both.loc[~usable, ident].assign(reason=reasons).reset_index(drop=True)
    c = both[usable]
    rules = [_rule(rec) for rec in c.itertuples(index=False)]
    nan = float("nan")
    movements = pd.DataFrame({
        "indicator": c["indicator"], "title": c["title"], "area": c["area"], "area_name": c["area_name"],
        "old_value": c["value_old"], "new_value": c["value_new"],
        "change": c["value_new"] - c["value_old"],
        "change_lower": [100 * r.lower if r else nan for r in rules],
        "change_upper": [100 * r.upper if r else nan for r in rules],
        "clear": [bool(r.clear) if r else False for r in rules],
        "verdict": [r.verdict if r else stats.NO_VERDICT for r in rules],
        "estimate": [bool(r.estimate) if r else False for r in rules],
        "old_band": c["band_old"], "new_band": c["band_new"],
        "band_changed": (c["band_old"] != c["band_new"]) & (c["area"] != "england"),
    }, index=c.index)
    order = movements["change"].abs().sort_values(ascending=False, kind="stable").index
    movements = movements.loc[order].reset_index(drop=True)
    return IndicatorChanges(movements, not_compared, added, removed)


def compare_assets(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """New and closed (or no longer listed) assets between two runs, by ``asset_id``.

    Returns
    -------
    dict
        ``new`` and ``closed``: DataFrames ``asset_id, name, category_label``.
    """
    for what, frame in (("previous assets", old), ("current assets", new)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{what} must be a DataFrame, not {type(frame).__name__}")
        missing = [c for c in REQUIRED[ASSETS_FILE] if c not in frame.columns]
        if missing:
            raise ChangesError(f"{what} lacks column(s) {missing}")
    cols = list(REQUIRED[ASSETS_FILE])
    old_ids, new_ids = set(old["asset_id"].astype(str)), set(new["asset_id"].astype(str))
    opened = new[~new["asset_id"].astype(str).isin(old_ids)][cols]
    closed = old[~old["asset_id"].astype(str).isin(new_ids)][cols]
    return {"new": opened.sort_values(["category_label", "name"], ignore_index=True),
            "closed": closed.sort_values(["category_label", "name"], ignore_index=True)}


def _pairs(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[str, str]]:
    out = {}
    for rec in frame.itertuples(index=False):
        a, b = (str(rec.organisation_a), str(rec.sector_a)), (str(rec.organisation_b), str(rec.sector_b))
        lo, hi = sorted([a, b])
        out[(lo[0], hi[0])] = (lo[1], hi[1])
    return out


def compare_connections(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Connections between organisations gained and lost between two runs.

    A connection is an unordered pair of organisations. Returns ``gained`` and
    ``lost``: ``organisation_a, sector_a, organisation_b, sector_b, cross_sector``.
    """
    for what, frame in (("previous connections", old), ("current connections", new)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{what} must be a DataFrame, not {type(frame).__name__}")
        missing = [c for c in REQUIRED[CONNECTIONS_FILE] if c not in frame.columns]
        if missing:
            raise ChangesError(f"{what} lacks column(s) {missing}")
    p0, p1 = _pairs(old), _pairs(new)

    def table(keys):
        rows = [{"organisation_a": a, "sector_a": p[(a, b)][0], "organisation_b": b,
                 "sector_b": p[(a, b)][1], "cross_sector": p[(a, b)][0] != p[(a, b)][1]}
                for p, (a, b) in keys]
        return pd.DataFrame(rows, columns=list(REQUIRED[CONNECTIONS_FILE]) + ["cross_sector"])

    return {"gained": table([(p1, k) for k in sorted(set(p1) - set(p0))]),
            "lost": table([(p0, k) for k in sorted(set(p0) - set(p1))])}


def compare_network(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Headline network measures side by side: ``metric, label, previous, now``."""
    for what, frame in (("previous network summary", old), ("current network summary", new)):
        if not isinstance(frame, pd.DataFrame) or not {"metric", "value"} <= set(frame.columns):
            raise ChangesError(f"{what} must be a DataFrame with columns metric, value")
    a = old.drop_duplicates("metric").set_index("metric")["value"]
    b = new.drop_duplicates("metric").set_index("metric")["value"]
    metrics = list(dict.fromkeys(list(b.index) + list(a.index)))
    return pd.DataFrame({"metric": metrics, "label": [NETWORK_LABELS.get(m, m) for m in metrics],
                         "previous": [a.get(m, "") for m in metrics], "now": [b.get(m, "") for m in metrics]})


# --------------------------------------------------------------------------- presenting
def _pp(x: float) -> str:
    return f"{abs(x):.1f} percentage point{'s' if round(abs(x), 1) != 1 else ''}"


def describe_movement(row) -> str:
    """One plain sentence for a row of :attr:`IndicatorChanges.movements`."""
    if row["change"] > 0:
        direction = f"up {_pp(row['change'])}"
    elif row["change"] < 0:
        direction = f"down {_pp(row['change'])}"
    else:
        direction = "no change"
    if row.get("verdict", "") == stats.NO_VERDICT:
        certainty = "not tested: a run did not save the counts behind the figure"
    elif row["clear"]:
        certainty = "a clear change: the range of likely values for the change does not include zero"
    else:
        certainty = "within the margin of uncertainty"
    if row.get("estimate", False):
        certainty += "; an estimate shared out from ward figures"
    text = (f"{row['title']}: {row['old_value']:.1f}% then, {row['new_value']:.1f}% now "
            f"({direction}; {certainty}).")
    if row["band_changed"]:
        text += f" Compared with England it was {row['old_band']} and is now {row['new_band']}."
    return text


def read_place_summaries(place_dir: Path | str | None) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Every summary file present in a run's place folder, and the recorded reasons."""
    if place_dir is None:
        return {}, {}
    place_dir = Path(place_dir)
    frames = {name: read_summary(place_dir / name) for name in REQUIRED if (place_dir / name).exists()}
    reasons = {}
    if (place_dir / REASONS_FILE).exists():
        reasons = {k: v for k, v in json.loads((place_dir / REASONS_FILE).read_text(encoding="utf-8")).items()
                   if v != OK}
    return frames, reasons
