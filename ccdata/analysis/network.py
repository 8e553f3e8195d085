"""Relationship mapping: who works with whom across the partnership, wave by wave.

"Asset rich but system poor": a place can have many services that do not work
together. The partnership surveys its organisations about their relationships
(information sharing, referrals, joint delivery, shared funding) in waves, and
progress is partly measured as new connections, more ties across sectors, and
brokers other than the core team. This module reads the two adviser-kept files,
reports every row it cannot use (:mod:`ccdata.io.local.network` reads them), and
computes the measures with networkx.

The two files (``places.yaml`` -> ``local: {organisations: ..., relationships: ...}``)
and their columns are described in :mod:`ccdata.io.local.network`; every row that
cannot be used is listed in :attr:`NetworkData.issues`, never dropped silently.

Residents are people: organisations of sector ``residents`` carry a sector label
(``Residents (1)``) in the data, never their name, and are never placed on a map. On
partner pages they appear only as one group (:func:`group_residents`): a single
"Residents" node whose tie to an organisation is drawn only when enough residents named
it (the rules of :mod:`ccdata.analysis.disclosure`), with the count rounded.
"""
from __future__ import annotations

import hashlib
import warnings
from collections import deque

import networkx as nx
import numpy as np
import pandas as pd
from pyproj import Transformer

from ccdata import cache
from ccdata.analysis import disclosure
from ccdata.analysis.netlinks import cross_sector_dependence
from ccdata.analysis.residents import as_undirected, check_graph, group_residents
from ccdata.errors import CcdataError, DataQualityWarning, MissingDataError
from ccdata.geo.geocode import postcode_points
from ccdata.geo.places import Place
from ccdata.geo.places import place as get_place
from ccdata.io.local.network import EXCLUDED, NOT_STATED, NetworkData, read_network
from ccdata.vocabulary import RELATIONSHIP_TYPES, RESIDENTS, SECTORS

# ---------------------------------------------------------------------------- reading


def load_network(place) -> NetworkData:
    """The network of a place, from the files named under ``local:`` in places.yaml.

    Parameters
    ----------
    place : str or Place
        A place id or :class:`ccdata.geo.places.Place`.

    Raises
    ------
    MissingDataError
        When the place has no ``organisations`` / ``relationships`` files configured,
        or they do not exist.
    """

    if isinstance(place, str):
        place = get_place(place)
    if not isinstance(place, Place):
        raise TypeError(f"place must be a place id or Place, not {type(place).__name__}")
    paths = {k: place.local_path(k) for k in ("organisations", "relationships")}
    for kind, path in paths.items():
        if path is None:
            raise MissingDataError(f"place {place.id!r} has no local {kind} file; name it under "
                                   f"`local: {{{kind}: ...}}` in places.yaml")
    return read_network(paths["organisations"], paths["relationships"])


def check_data(data) -> NetworkData:
    """``data`` itself when it is a :class:`~ccdata.io.local.network.NetworkData`.

    Raises
    ------
    TypeError
        Anything else (read the files with :func:`load_network`).
    """
    if not isinstance(data, NetworkData):
        raise TypeError(f"expected NetworkData (from read_network or load_network), not {type(data).__name__}")
    return data


def excluded_rows(data: NetworkData) -> int:
    """How many rows of the two files were left out (blank, unreadable or unusable), from
    :attr:`NetworkData.issues`; issues whose rows were kept as given are not counted."""
    check_data(data)
    return int((data.issues["action"] == EXCLUDED).sum())


# ---------------------------------------------------------------------------- graphs
def graph(data: NetworkData, wave: str | None = None, *, directed: bool = False,
          relationships: tuple[str, ...] | None = None) -> nx.Graph:
    """The network of one wave.

    Nodes are the organisations taking part in that wave: those whose
    ``first_wave`` is empty or not later than ``wave``, plus any named in a tie of
    the wave. Listed organisations with no tie are isolates.

    Parameters
    ----------
    data : NetworkData
    wave : str, optional
        A wave label; the latest wave when omitted.
    directed : bool
        ``False``: one tie per pair, if either end reported it. ``True``: respondent ->
        partner as answered (for reciprocity).
    relationships : tuple of str, optional
        Only these relationship types (default: all).

    Returns
    -------
    networkx.Graph or DiGraph
        Node attributes ``label, sector, core_team, responded``; edge attributes
        ``weight`` (strongest relationship type; a type's strength is the mean of
        the ends that rated it, 1 when not rated), ``types``, ``reported_by``
        (1 or 2 ends). Each network is built once per content of ``data`` and arguments
        (the cache's ``graphs`` store: a place's pages ask for the same ones many times);
        every call gets its own copy to change.

    Raises
    ------
    ValueError
        For an unknown wave or relationship type.
    """
    return cache.copied(_held(data, wave, directed, relationships)[1])


def _held(data: NetworkData, wave, directed: bool, relationships) -> tuple[tuple, nx.Graph]:
    """:func:`graph`'s arguments checked, then ``(content(data), the held network)`` (shared: never changed)."""
    check_data(data)
    waves = data.waves
    if wave is None:
        if not waves:
            raise ValueError("the relationships file has no usable answers, so there is no wave to show")
        wave = waves[-1]
    wave = str(wave)
    if waves and wave not in waves:
        raise ValueError(f"unknown wave {wave!r}; the survey has waves {waves}")
    if relationships is not None:
        unknown = set(relationships) - set(RELATIONSHIP_TYPES) - {NOT_STATED}
        if unknown:
            raise ValueError(f"unknown relationship type(s) {sorted(unknown)}; use {list(RELATIONSHIP_TYPES)}")
    relationships = None if relationships is None else tuple(relationships)
    state = content(data)
    return state, cache.held("graphs", ("graph", state, wave, directed, relationships), state,
                             lambda: _build(data, waves, wave, directed, relationships))


def content(data: NetworkData) -> tuple:
    """What a network is built from, as the cache's ``graphs`` store keys it: each table's
    columns and a digest of its rows in order (rows in another order draw the nodes in another
    order), so a table changed in place is a new network."""
    check_data(data)
    return tuple((tuple(frame.columns), hashlib.sha256(pd.util.hash_pandas_object(frame).to_numpy().tobytes())
                  .hexdigest()) for frame in (data.organisations, data.ties))


def _build(data: NetworkData, waves: list[str], wave: str, directed: bool, relationships) -> nx.Graph:
    ties = data.ties[data.ties["wave"] == wave]
    if relationships is not None:
        ties = ties[ties["relationship"].isin(relationships)]
    orgs = data.organisations
    order = {w: i for i, w in enumerate(waves)}
    joined = orgs["first_wave"].map(lambda w: pd.isna(w) or order.get(str(w), -1) <= order.get(wave, 0))
    responded = set(data.ties.loc[data.ties["wave"] == wave, "respondent_id"])
    named = set(ties["respondent_id"]) | set(ties["partner_id"])
    members = orgs[joined | orgs["org_id"].isin(named)]
    g = nx.DiGraph() if directed else nx.Graph()
    g.graph.update(wave=wave, respondents=responded)
    for r in members.itertuples(index=False):
        g.add_node(r.org_id, label=r.label, sector=r.sector, core_team=bool(r.core_team),
                   responded=r.org_id in responded)
    if ties.empty:
        return g
    per_type = (ties.assign(strength=ties["strength"].astype(float))
                .groupby(["respondent_id", "partner_id", "relationship"], as_index=False)["strength"].mean())
    if not directed:
        a, b = per_type["respondent_id"], per_type["partner_id"]
        per_type["u"], per_type["v"] = np.where(a < b, a, b), np.where(a < b, b, a)
    else:
        per_type["u"], per_type["v"] = per_type["respondent_id"], per_type["partner_id"]
    # each pair's types at once (a groupby per pair was most of a relationship page's time)
    type_strength = per_type.groupby(["u", "v", "relationship"])["strength"].mean().fillna(1.0)
    weight = type_strength.groupby(level=["u", "v"]).max()
    reported = per_type.groupby(["u", "v"])["respondent_id"].nunique()
    types: dict = {}
    for u, v, kind in type_strength.index:  # sorted: each pair's types in order
        types.setdefault((u, v), []).append(kind)
    for (u, v), w in weight.items():
        g.add_edge(u, v, weight=float(w), types=tuple(types[(u, v)]), reported_by=int(reported[(u, v)]))
    return g


def cross_sector_share(g: nx.Graph) -> float:
    """Share of ties that join organisations of different sectors (NaN without ties)."""
    g = as_undirected(check_graph(g))
    if g.number_of_edges() == 0:
        return float("nan")
    cross = sum(g.nodes[u]["sector"] != g.nodes[v]["sector"] for u, v in g.edges)
    return cross / g.number_of_edges()


def reciprocity(g: nx.DiGraph) -> float:
    """Share of answered ties that the partner also reported.

    Only ties between two organisations that both answered the survey in the wave
    count: a partner who did not answer could not have reciprocated. NaN when
    there are no such ties.
    """
    check_graph(g)
    if not g.is_directed():
        raise ValueError("reciprocity needs the directed graph: graph(data, wave, directed=True)")
    respondents = g.graph.get("respondents", set(g.nodes))
    sub = g.subgraph(n for n in g.nodes if n in respondents)
    if sub.number_of_edges() == 0:
        return float("nan")
    return sum(sub.has_edge(v, u) for u, v in sub.edges) / sub.number_of_edges()


def summarise(g: nx.Graph) -> dict:
    """Headline measures of one network.

    Returns
    -------
    dict
        ``organisations, ties, density, components, isolates,
        largest_component_share, cross_sector_share, reciprocity`` (reciprocity only
        for a directed graph; NaN otherwise).
    """
    check_graph(g)
    u = as_undirected(g)
    n = u.number_of_nodes()
    comps = list(nx.connected_components(u)) if n else []
    return {"organisations": n, "ties": u.number_of_edges(),
            "density": nx.density(u) if n > 1 else float("nan"),
            "components": len(comps), "isolates": nx.number_of_isolates(u),
            "largest_component_share": max(map(len, comps)) / n if n else float("nan"),
            "cross_sector_share": cross_sector_share(u),
            "reciprocity": reciprocity(g) if g.is_directed() else float("nan")}


def published_graph(data: NetworkData, wave: str | None = None, *,
                    relationships: tuple[str, ...] | None = None,
                    rules: disclosure.Rules | None = None) -> nx.Graph:
    """The network as every page and export publishes it: residents as one protected group.

    :func:`graph` (undirected) passed through :func:`group_residents`: organisations and
    their ties as answered, and one "Residents" node whose ties are shown only under the
    disclosure ``rules``. Every published figure is computed on this graph, so that a
    resident more or less changes nothing but the group's rounded figures.

    Parameters
    ----------
    data : NetworkData
    wave : str, optional
        Latest wave when omitted.
    relationships : tuple of str, optional
        Only these relationship types.
    rules : disclosure.Rules, optional

    Returns
    -------
    networkx.Graph
        Made once per content and arguments, as :func:`graph`; every call gets its own copy.
    """
    state, g = _held(data, wave, False, relationships)  # group_residents makes a new graph from g
    if rules is not None and not isinstance(rules, disclosure.Rules):
        return group_residents(g, rules)  # raises its TypeError (the rules are part of the key)
    key = ("published", state, g.graph["wave"], relationships and tuple(relationships), rules)
    return cache.copied(cache.held("graphs", key, state, lambda: group_residents(g, rules)))


def _organisations_only(g: nx.Graph) -> nx.Graph:
    """``g`` without residents (for measures about answers, such as reciprocity)."""
    out = g.subgraph(n for n in g.nodes if g.nodes[n].get("sector") != RESIDENTS).copy()
    if "respondents" in g.graph:
        out.graph["respondents"] = {n for n in g.graph["respondents"] if n in out}
    return out


def published_summary(data: NetworkData, wave: str | None = None, *,
                      relationships: tuple[str, ...] | None = None,
                      rules: disclosure.Rules | None = None) -> dict:
    """:func:`summarise` of :func:`published_graph`, the headline figures pages and exports show.

    ``organisations`` counts the residents' group as one; ``reciprocity`` is computed on the
    answers of organisations only (a resident's answer is about a person); ``respondents``
    counts the organisations (not residents) that answered in the wave.

    Returns
    -------
    dict
        The keys of :func:`summarise` and ``respondents``.
    """
    check_data(data)
    out = summarise(published_graph(data, wave, relationships=relationships, rules=rules))
    answers = _organisations_only(graph(data, wave, directed=True, relationships=relationships))
    out["reciprocity"] = reciprocity(answers)
    out["respondents"] = len(answers.graph["respondents"])
    return out


def centrality(g: nx.Graph) -> pd.DataFrame:
    """Degree, weighted degree, betweenness and Burt's constraint of every organisation.

    Betweenness is normalised (share of the other pairs' shortest paths through an
    organisation) and ignores strength. Brokers sit on many shortest paths and
    have low constraint (their partners are not tied to each other): ``broker`` is
    true when betweenness is positive and in the top quarter and constraint is at
    or below the median of connected organisations.

    Returns
    -------
    DataFrame
        ``org_id, label, sector, core_team, degree, weighted_degree, betweenness,
        constraint, broker`` sorted by betweenness (highest first).
    """
    g = as_undirected(check_graph(g))
    cols = ["org_id", "label", "sector", "core_team", "degree", "weighted_degree", "betweenness",
            "constraint", "broker"]
    if g.number_of_nodes() == 0:
        return pd.DataFrame(columns=cols)
    between = nx.betweenness_centrality(g, normalized=True)
    connected = [n for n in g.nodes if g.degree(n) > 0]
    constraint = nx.constraint(g, nodes=connected) if connected else {}
    frame = pd.DataFrame({
        "org_id": list(g.nodes),
        "label": [g.nodes[n]["label"] for n in g.nodes],
        "sector": [g.nodes[n]["sector"] for n in g.nodes],
        "core_team": [bool(g.nodes[n]["core_team"]) for n in g.nodes],
        "degree": [g.degree(n) for n in g.nodes],
        "weighted_degree": [float(g.degree(n, weight="weight")) for n in g.nodes],
        "betweenness": [between[n] for n in g.nodes],
        "constraint": [constraint.get(n, np.nan) for n in g.nodes],
    })
    top = frame["betweenness"].quantile(0.75)
    frame["broker"] = ((frame["betweenness"] > 0) & (frame["betweenness"] >= top)
                       & (frame["constraint"] <= frame["constraint"].median()))
    return frame.sort_values(["betweenness", "degree", "label"], ascending=[False, False, True],
                             ignore_index=True)[cols]


def sector_matrix(g: nx.Graph) -> pd.DataFrame:
    """Ties between sectors: a symmetric sector x sector count table.

    The diagonal counts ties within a sector; off-diagonal cells count each
    cross-sector tie once in each of its two cells. Only sectors present appear.
    """
    g = as_undirected(check_graph(g))
    present = [s for s in SECTORS if any(g.nodes[n]["sector"] == s for n in g.nodes)]
    matrix = pd.DataFrame(0, index=pd.Index(present, name="sector"), columns=present, dtype=int)
    for u, v in g.edges:
        a, b = g.nodes[u]["sector"], g.nodes[v]["sector"]
        matrix.loc[a, b] += 1
        if a != b:
            matrix.loc[b, a] += 1
    return matrix


def _path_counts(g: nx.Graph, source) -> tuple[dict, dict]:
    """BFS distances and numbers of shortest paths from ``source``."""
    dist, sigma = {source: 0}, {source: 1}
    queue = deque([source])
    while queue:
        v = queue.popleft()
        for w in g[v]:
            if w not in dist:
                dist[w] = dist[v] + 1
                sigma[w] = 0
                queue.append(w)
            if dist[w] == dist[v] + 1:
                sigma[w] += sigma[v]
    return dist, sigma


def core_team_role(g: nx.Graph) -> dict:
    """How much of the network runs through the core team.

    A network where everything runs through the core team is fragile. For pairs
    of organisations outside the core team that are connected, ``path_share`` is
    the mean share of their shortest paths that pass through a core-team member;
    ``pairs_only_via_core`` counts pairs that would be disconnected without it.

    Returns
    -------
    dict
        ``core_team`` (labels), ``ties``, ``ties_with_core``, ``tie_share``,
        ``pairs``, ``path_share``, ``pairs_only_via_core``, ``with`` and ``without``
        (:func:`summarise` of the network with and without the core team).
        Shares are NaN when undefined (no ties, no pairs, no core team).
    """
    g = as_undirected(check_graph(g))
    core = [n for n in g.nodes if g.nodes[n].get("core_team")]
    rest = [n for n in g.nodes if n not in set(core)]
    without = g.subgraph(rest).copy()
    ties_core = sum(1 for u, v in g.edges if u in core or v in core)
    shares, only_via = [], 0
    for s, t_nodes in ((s, rest[i + 1:]) for i, s in enumerate(rest)):
        dist_g, sig_g = _path_counts(g, s)
        dist_h, sig_h = _path_counts(without, s)
        for t in t_nodes:
            if t not in dist_g:
                continue
            avoid = sig_h[t] if dist_h.get(t) == dist_g[t] else 0
            shares.append(1 - avoid / sig_g[t])
            only_via += t not in dist_h
    return {"core_team": [g.nodes[n]["label"] for n in core], "ties": g.number_of_edges(),
            "ties_with_core": ties_core,
            "tie_share": ties_core / g.number_of_edges() if g.number_of_edges() else float("nan"),
            "pairs": len(shares), "path_share": float(np.mean(shares)) if shares and core else float("nan"),
            "pairs_only_via_core": only_via if core else 0,
            "with": summarise(g), "without": summarise(without)}


def core_team_table(role: dict) -> pd.DataFrame:
    """:func:`core_team_role` as a table: the network with and without the core team."""
    if not isinstance(role, dict) or "with" not in role:
        raise TypeError("expected the dict returned by core_team_role")
    rows = {"organisations": "Organisations", "ties": "Ties", "density": "Density",
            "components": "Separate groups (components)", "isolates": "Organisations with no ties",
            "largest_component_share": "Share in the largest group"}
    return pd.DataFrame({"measure": list(rows.values()),
                         "with core team": [role["with"][k] for k in rows],
                         "without core team": [role["without"][k] for k in rows]})


# ---------------------------------------------------------------------------- change
def _pairs(g: nx.Graph) -> set[tuple[str, str]]:
    return {tuple(sorted(e)) for e in as_undirected(g).edges}


def compare_waves(data: NetworkData, before: str, after: str, rules: disclosure.Rules | None = None) -> dict:
    """What changed between two waves.

    Ties and organisations are those of :func:`group_residents` of each wave (residents
    are one group, whose ties are shown under ``rules``), so no resident is listed alone;
    ``before`` / ``after`` are :func:`published_summary` of each wave.

    Returns
    -------
    dict
        ``gained`` and ``lost``: DataFrames of ties (``organisation_a, sector_a,
        organisation_b, sector_b, cross_sector``); ``new_organisations``:
        DataFrame (``label, sector, how``: *joined* when in the network only from
        ``after``, *newly connected* when present before without ties);
        ``before`` / ``after``: :func:`published_summary` of each wave.

    Raises
    ------
    ValueError
        For an unknown wave or ``before`` not earlier than ``after``.
    """
    check_data(data)
    waves = data.waves
    for w in (before, after):
        if str(w) not in waves:
            raise ValueError(f"unknown wave {w!r}; the survey has waves {waves}")
    if waves.index(str(before)) >= waves.index(str(after)):
        raise ValueError(f"wave {before!r} must come before wave {after!r}")
    g0 = published_graph(data, str(before), rules=rules)
    g1 = published_graph(data, str(after), rules=rules)
    labels = {n: a["label"] for g in (g0, g1) for n, a in g.nodes(data=True)}
    sectors = {n: a["sector"] for g in (g0, g1) for n, a in g.nodes(data=True)}

    def table(pairs):
        rows = [{"organisation_a": labels[a], "sector_a": sectors[a], "organisation_b": labels[b],
                 "sector_b": sectors[b], "cross_sector": sectors[a] != sectors[b]} for a, b in pairs]
        return pd.DataFrame(rows, columns=["organisation_a", "sector_a", "organisation_b", "sector_b",
                                           "cross_sector"]).sort_values(
            ["organisation_a", "organisation_b"], ignore_index=True)

    new = []
    for n in g1.nodes:
        if n not in g0:
            new.append({"label": labels[n], "sector": sectors[n], "how": "joined"})
        elif g0.degree(n) == 0 and g1.degree(n) > 0:
            new.append({"label": labels[n], "sector": sectors[n], "how": "newly connected"})
    return {"gained": table(sorted(_pairs(g1) - _pairs(g0))), "lost": table(sorted(_pairs(g0) - _pairs(g1))),
            "new_organisations": pd.DataFrame(new, columns=["label", "sector", "how"]),
            "before": published_summary(data, str(before), rules=rules),
            "after": published_summary(data, str(after), rules=rules)}


def over_time(data: NetworkData, rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """Headline measures per wave, in wave order, on :func:`published_graph`.

    Returns
    -------
    DataFrame
        ``wave, organisations, ties, density, components, isolates,
        largest_component_share, cross_sector_share, reciprocity, respondents,
        core_tie_share, core_path_share, core_cross_only_share`` (``respondents``:
        organisations that answered; ``core_cross_only_share``: of the connected pairs in
        different sectors outside the core team, the share connected only through it,
        :func:`ccdata.analysis.netlinks.cross_sector_dependence`).
    """
    check_data(data)
    rows = []
    for w in data.waves:
        row = {"wave": w, **published_summary(data, w, rules=rules)}
        grouped = published_graph(data, w, rules=rules)
        role = core_team_role(grouped)
        row.update(core_tie_share=role["tie_share"], core_path_share=role["path_share"],
                   core_cross_only_share=cross_sector_dependence(grouped)["share"])
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- places
def organisation_points(data: NetworkData, collection: str | None = None) -> pd.DataFrame:
    """Where each organisation is, in British National Grid (EPSG:27700).

    Coordinates given in the list are used first (easting/northing, else
    latitude/longitude); otherwise the postcode is looked up in OS Code-Point Open
    (``collection``; skipped when ``None``). Residents are never placed: their
    location may be a home.

    Returns
    -------
    DataFrame
        ``org_id, label, sector, core_team, easting, northing, located`` where
        ``located`` says how (``coordinates``, ``postcode``) or why not.
    """
    check_data(data)
    orgs = data.organisations.copy()
    out = orgs[["org_id", "label", "sector", "core_team"]].copy()
    out["easting"] = orgs["easting"].astype(float)
    out["northing"] = orgs["northing"].astype(float)
    out["located"] = np.where(out["easting"].notna(), "coordinates", "no location given")
    latlon = out["easting"].isna() & orgs["latitude"].notna() & orgs["longitude"].notna()
    if latlon.any():

        tr = Transformer.from_crs(4326, 27700, always_xy=True)
        x, y = tr.transform(orgs.loc[latlon, "longitude"].astype(float).to_numpy(),
                            orgs.loc[latlon, "latitude"].astype(float).to_numpy())
        out.loc[latlon, "easting"], out.loc[latlon, "northing"] = x, y
        out.loc[latlon, "located"] = "coordinates"
    need = out["easting"].isna() & orgs["postcode"].notna()
    if need.any() and collection is not None:
        try:
            pts = postcode_points(orgs.loc[need, "postcode"], collection)
        except CcdataError as exc:
            # a broken postcode file should cost the map its points, not the whole report
            first = str(exc).splitlines()[0]
            warnings.warn(f"organisations not placed by postcode: {first}", DataQualityWarning, stacklevel=2)
            out.loc[need, "located"] = "postcode lookup failed"
        else:
            pts = pts.drop_duplicates("postcode").set_index("postcode")
            for i in out.index[need]:
                pc = orgs.at[i, "postcode"]
                if pc in pts.index and pts.at[pc, "status"] == "ok":
                    out.loc[i, ["easting", "northing"]] = pts.loc[pc, ["easting", "northing"]].astype(float).values
                    out.loc[i, "located"] = "postcode"
                else:
                    status = pts.at[pc, "status"] if pc in pts.index else "not found"
                    out.loc[i, "located"] = f"postcode {status}"
    elif need.any():
        out.loc[need, "located"] = "postcode not looked up"
    residents = out["sector"] == RESIDENTS
    out.loc[residents, ["easting", "northing"]] = np.nan
    out.loc[residents, "located"] = "not shown (residents)"
    return out


def issues_table(data: NetworkData, values: bool = False) -> pd.DataFrame:
    """The issues found, for display.

    ``values=False`` (the default for reports) leaves out the cell values: an
    unknown "organisation" typed into a survey may be a person's name. The file,
    row and column are enough to find and fix it.
    """
    check_data(data)
    cols = ["file", "row", "column", "kind", "message", "action"] + (["value"] if values else [])
    # messages are fixed text or quote labels (never a resident's name); values are raw input
    return data.issues[cols].reset_index(drop=True)


def map_layers(place, data: NetworkData) -> tuple[pd.DataFrame, object]:
    """What :func:`ccdata.present.netviz.map_network` draws for a place.

    Returns
    -------
    points, lsoas
        :func:`organisation_points` (geocoded in the place's collection) and the
        place's LSOA 2021 polygons with ``imd_decile`` (IoD 2025), or ``None``
        when boundaries or deprivation are not available (the reason is warned).
    """
    check_data(data)
    points = organisation_points(data, place.collection)
    try:
        lsoas = place.lsoa_boundaries()
        iod = place.deprivation("iod2025")[["lsoa21_code", "imd_decile"]]
        lsoas = lsoas.merge(iod, on="lsoa21_code", how="left")
    except MissingDataError as exc:
        warnings.warn(f"relationship map: no deprivation layer ({exc})", DataQualityWarning, stacklevel=2)
        lsoas = None
    return points, lsoas
