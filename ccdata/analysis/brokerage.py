"""Brokerage roles (Gould and Fernandez, 1989): who links whom, by sector.

An organisation B brokers an *open two-step* A-B-C when it is tied to A and to C and A and C
are not tied to each other. The sectors of the three name the role:

========================  ==============================================================
coordinator               A, B and C all in one sector
itinerant (consultant)    A and C in one sector, B in another
gatekeeper/representative B in the sector of one end only (the two roles differ only in
                          the direction of flow, which the survey does not record: its
                          direction is who answered about whom, so roles are counted on
                          the undirected network and these two are one role)
liaison                   three different sectors
========================  ==============================================================

Each count is compared with what chance would give: the expected count and its standard
deviation when the sector labels of the *other* organisations are shuffled at random, the
sector sizes fixed and the broker's own sector kept (the conditioning of Gould and
Fernandez). Both are exact, not simulated: the labels are exchangeable, so the mean and
variance of a count over all relabellings depend only on how many open two-steps the
organisation brokers and how many of them share an end (see :func:`brokerage`).

The counts are computed on the graph the pages publish
(:func:`ccdata.analysis.network.published_graph`: residents as one protected group, only
the ties that group may show).
"""
from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd

from ccdata.analysis.residents import RESIDENTS_GROUP, as_undirected, check_graph
from ccdata.io.local.network import BOTH_WAYS, FROM_PARTNER, RESIDENTS, TO_PARTNER
from ccdata.schemas import check_frame

COORDINATOR = "coordinator"
ITINERANT = "itinerant"
GATEKEEPER = "gatekeeper or representative"
LIAISON = "liaison"
#: The roles on the undirected network, in the order tables show them.
ROLES = (COORDINATOR, ITINERANT, GATEKEEPER, LIAISON)
#: With a flow direction for every tie, gatekeeper and representative are told apart: a
#: gatekeeper receives from another sector and passes to its own; a representative passes
#: from its own sector to another.
GATEKEEPER_ONLY, REPRESENTATIVE = "gatekeeper", "representative"
DIRECTED_ROLES = (COORDINATOR, ITINERANT, GATEKEEPER_ONLY, REPRESENTATIVE, LIAISON)
#: A role is called *more than chance* when its count is at least this many standard
#: deviations above the expected count ...
STRONG_SCORE = 2.0
#: ... and at least this many such two-steps were expected: a role chance would give less
#: than once (expected < 1) is never called out, however unusual one instance is.
MIN_EXPECTED = 1.0

_COLUMNS = ["org_id", "label", "sector", "role", "observed", "expected", "sd", "score", "strong"]


def role_of(broker: str, a: str, c: str) -> str:
    """The role of a broker of sector ``broker`` between ends of sectors ``a`` and ``c``."""
    if a == c:
        return COORDINATOR if a == broker else ITINERANT
    if broker in (a, c):
        return GATEKEEPER
    return LIAISON


def directed_role_of(broker: str, source: str, sink: str) -> str:
    """The role of a broker passing from an organisation of sector ``source`` to one of ``sink``."""
    if source == sink:
        return COORDINATOR if source == broker else ITINERANT
    if broker == sink:
        return GATEKEEPER_ONLY
    if broker == source:
        return REPRESENTATIVE
    return LIAISON


def open_paths(g: nx.Graph, flows: nx.DiGraph, node) -> list[tuple]:
    """The (source, sink) pairs with a flow source -> ``node`` -> sink, the two not tied in ``g``."""
    g = as_undirected(check_graph(g))
    if node not in g:
        raise KeyError(f"{node!r} is not in the network")
    into = list(flows.predecessors(node)) if node in flows else []
    out = list(flows.successors(node)) if node in flows else []
    return [(a, c) for a in into for c in out if a != c and not g.has_edge(a, c)]


def open_pairs(g: nx.Graph, node) -> list[tuple]:
    """The unordered pairs of ``node``'s partners that are not tied to each other."""
    g = as_undirected(check_graph(g))
    if node not in g:
        raise KeyError(f"{node!r} is not in the network")
    partners = sorted(g[node], key=str)
    return [(a, c) for a, c in itertools.combinations(partners, 2) if not g.has_edge(a, c)]


def _draw_probabilities(counts: np.ndarray, k: int) -> np.ndarray:
    """P(k given distinct organisations get labels l1..lk) under a random relabelling, as a
    k-dimensional array over the sectors: the labels are drawn without replacement."""
    size = len(counts)
    grids = np.meshgrid(*[np.arange(size)] * k, indexing="ij")
    out = np.ones((size,) * k)
    for step in range(k):
        left = counts.sum() - step
        if left <= 0:  # fewer than k other organisations: no such k exist
            return np.zeros((size,) * k)
        taken = sum((grids[earlier] == grids[step]).astype(float) for earlier in range(step))
        out = out * np.clip(counts[grids[step]] - taken, 0, None) / left
    return out


def _moments(sector_counts: np.ndarray, broker: int, role: str) -> tuple[float, float, float]:
    """E[f(x, y)], E[f(x, y) f(x, z)] and E[f(x, y) f(z, w)] for distinct organisations
    x, y, z, w, where f is 1 when the broker's two-step between the two is ``role``."""
    size = len(sector_counts)
    f = np.array([[role_of(broker, a, c) == role for c in range(size)] for a in range(size)], dtype=float)
    p2 = _draw_probabilities(sector_counts, 2)
    p3 = _draw_probabilities(sector_counts, 3)
    p4 = _draw_probabilities(sector_counts, 4)
    m1 = float((f * p2).sum())
    share = float((f[:, :, None] * f[:, None, :] * p3).sum())
    apart = float((f[:, :, None, None] * f[None, None, :, :] * p4).sum())
    return m1, share, apart


def _directed_moments(sector_counts: np.ndarray, broker: int, role: str) -> dict[str, float]:
    """Moments of a directed role's indicator f(source, sink) over distinct organisations:
    one path, two sharing a source, a sink, the source of one being the sink of the other,
    a path and its reverse, and two with four different ends."""
    size = len(sector_counts)
    f = np.array([[directed_role_of(broker, a, c) == role for c in range(size)] for a in range(size)], dtype=float)
    p2, p3, p4 = (_draw_probabilities(sector_counts, k) for k in (2, 3, 4))
    return {"one": float((f * p2).sum()),
            "reverse": float((f * f.T * p2).sum()),
            "sources": float((f[:, :, None] * f[:, None, :] * p3).sum()),
            "sinks": float((f.T[:, :, None] * f.T[:, None, :] * p3).sum()),
            "chain": float((f[:, :, None] * f.T[:, None, :] * p3).sum()),
            "apart": float((f[:, :, None, None] * f[None, None, :, :] * p4).sum())}


def _directed_expected(g: nx.Graph, flows: nx.DiGraph, node, attr: str) -> dict[str, tuple[float, float]]:
    paths = open_paths(g, flows, node)
    index, counts = _label_counts(g, node, attr)
    p = len(paths)
    as_source: dict = {}
    as_sink: dict = {}
    for a, c in paths:
        as_source[a] = as_source.get(a, 0) + 1
        as_sink[c] = as_sink.get(c, 0) + 1
    present = set(paths)
    reverse = sum(1 for a, c in paths if (c, a) in present)
    sources = sum(k * (k - 1) for k in as_source.values())
    sinks = sum(k * (k - 1) for k in as_sink.values())
    chain = 2 * (sum(as_source.get(n, 0) * as_sink.get(n, 0) for n in set(as_source) | set(as_sink)) - reverse)
    apart = p * (p - 1) - sources - sinks - chain - reverse
    out = {}
    for role in DIRECTED_ROLES:
        if p == 0:
            out[role] = (0.0, 0.0)
            continue
        m = _directed_moments(counts, index[str(g.nodes[node][attr])], role)
        mean = p * m["one"]
        var = (p * m["one"] + sources * m["sources"] + sinks * m["sinks"] + chain * m["chain"]
               + reverse * m["reverse"] + apart * m["apart"] - mean ** 2)
        out[role] = (mean, math.sqrt(max(var, 0.0)))
    return out


def _label_counts(g: nx.Graph, node, attr: str) -> tuple[dict, np.ndarray]:
    sectors = sorted({str(g.nodes[n][attr]) for n in g.nodes})
    index = {s: i for i, s in enumerate(sectors)}
    counts = np.zeros(len(sectors))
    for n in g.nodes:
        if n != node:
            counts[index[str(g.nodes[n][attr])]] += 1
    return index, counts


def expected_counts(g: nx.Graph, node, attr: str = "sector", flows: nx.DiGraph | None = None
                    ) -> dict[str, tuple[float, float]]:
    """Expected count and standard deviation of each role for ``node`` under random relabelling.

    The other organisations' labels (``attr``) are permuted at random, sector sizes fixed,
    ``node``'s own label kept. With P open two-steps, S ordered pairs of them sharing an end
    and D ordered pairs with four different ends, and f the role's indicator:
    E = P E[f]; Var = P E[f] + S E[f f'] + D E[f f''] - E^2, each moment taken over the
    labels of two, three or four distinct organisations drawn without replacement.

    With ``flows`` (who passes to whom), the directed roles (:data:`DIRECTED_ROLES`) of the
    paths source -> ``node`` -> sink, the same way, with the overlaps of two paths told
    apart by where they share an organisation.

    Returns
    -------
    dict
        role -> (expected, sd).
    """
    g = as_undirected(check_graph(g))
    if flows is not None:
        return _directed_expected(g, flows, node, attr)
    pairs = open_pairs(g, node)
    index, counts = _label_counts(g, node, attr)
    p = len(pairs)
    ends: dict = {}
    for a, c in pairs:
        ends[a] = ends.get(a, 0) + 1
        ends[c] = ends.get(c, 0) + 1
    shared = sum(k * (k - 1) for k in ends.values())
    apart = p * (p - 1) - shared
    out = {}
    for role in ROLES:
        if p == 0:
            out[role] = (0.0, 0.0)
            continue
        m1, m_share, m_apart = _moments(counts, index[str(g.nodes[node][attr])], role)
        mean = p * m1
        var = p * m1 + shared * m_share + apart * m_apart - mean ** 2
        out[role] = (mean, math.sqrt(max(var, 0.0)))
    return out


def brokerage(g: nx.Graph, attr: str = "sector", flows: nx.DiGraph | None = None) -> pd.DataFrame:
    """Gould-Fernandez brokerage roles of every organisation, with what chance would give.

    Parameters
    ----------
    g : networkx.Graph
        Usually :func:`ccdata.analysis.network.published_graph` (made undirected if directed).
    attr : str
        Node attribute holding the group (sector).
    flows : networkx.DiGraph, optional
        Who passes to whom (:func:`flow_graph`); with it, gatekeeper and representative are
        counted apart (:data:`DIRECTED_ROLES`) on the paths that follow the flow.

    Returns
    -------
    DataFrame
        One row per organisation and role (:data:`ROLES`): ``org_id, label, sector, role,
        observed, expected, sd, score, strong``. ``score`` is (observed - expected) / sd,
        NaN when sd is 0; ``strong`` is true when the score is at least
        :data:`STRONG_SCORE` and the expected count at least :data:`MIN_EXPECTED`.

    Raises
    ------
    TypeError
        For something that is not a networkx graph.
    KeyError
        When an organisation lacks ``attr``.
    """
    g = as_undirected(check_graph(g))
    missing = [n for n in g.nodes if attr not in g.nodes[n]]
    if missing:
        raise KeyError(f"organisation(s) {missing[:5]} have no {attr!r}")
    if flows is not None and (not isinstance(flows, nx.DiGraph) or set(flows.nodes) - set(g.nodes)):
        raise ValueError("flows must be a directed graph on the network's organisations (flow_graph)")
    roles = ROLES if flows is None else DIRECTED_ROLES
    rows = []
    for n in g.nodes:
        observed = dict.fromkeys(roles, 0)
        own = str(g.nodes[n][attr])
        if flows is None:
            for a, c in open_pairs(g, n):
                observed[role_of(own, str(g.nodes[a][attr]), str(g.nodes[c][attr]))] += 1
        else:
            for a, c in open_paths(g, flows, n):
                observed[directed_role_of(own, str(g.nodes[a][attr]), str(g.nodes[c][attr]))] += 1
        chance = expected_counts(g, n, attr, flows)
        for role in roles:
            mean, sd = chance[role]
            score = (observed[role] - mean) / sd if sd > 1e-12 else float("nan")
            rows.append({"org_id": n, "label": g.nodes[n].get("label", str(n)), "sector": own, "role": role,
                         "observed": observed[role], "expected": mean, "sd": sd, "score": score,
                         "strong": bool(mean >= MIN_EXPECTED and not math.isnan(score) and score >= STRONG_SCORE)})
    return pd.DataFrame(rows, columns=_COLUMNS)


def roles_table(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`brokerage` as one row per organisation: the count of each role, widest first.

    Returns
    -------
    DataFrame
        ``label, sector`` and one column per role (counts), ``total``, and ``more_than_chance``
        (the roles called strong, in words); organisations brokering nothing are left out.
    """
    check_frame(frame, "frame", _COLUMNS, made_by="brokerage()")
    roles = list(DIRECTED_ROLES if set(frame["role"]) & {GATEKEEPER_ONLY, REPRESENTATIVE} else ROLES)
    wide = frame.pivot_table(index=["org_id", "label", "sector"], columns="role", values="observed",
                             aggfunc="sum", fill_value=0).reindex(columns=roles, fill_value=0)
    wide = wide.reset_index()
    wide["total"] = wide[roles].sum(axis=1)
    strong = {k: ", ".join(r) for k, r in frame[frame["strong"]].groupby("org_id")["role"]}
    wide["more_than_chance"] = [strong.get(k, "") for k in wide["org_id"]]
    wide = wide[wide["total"] > 0].sort_values(["total", "label"], ascending=[False, True])
    return wide.drop(columns="org_id").reset_index(drop=True)


def flow_graph(data, g: nx.Graph, wave: str) -> nx.DiGraph | None:
    """Who passes to whom in ``wave``, from the relationships file's ``direction`` column.

    Only the ties of ``g`` (the published graph of the wave) count; a resident's answer
    counts for the residents' group, and only where the group's tie is shown. ``None`` when
    some shown tie has no direction in any of its answers: roles are then counted on the
    undirected network.

    Parameters
    ----------
    data : NetworkData
    g : networkx.Graph
        :func:`ccdata.analysis.network.published_graph` of ``wave``.
    wave : str

    Returns
    -------
    networkx.DiGraph or None
    """
    ties = data.ties
    if "direction" not in ties.columns:
        return None
    sectors = dict(zip(data.organisations["org_id"], data.organisations["sector"]))

    def node(n):
        return RESIDENTS_GROUP if sectors.get(n) == RESIDENTS else n

    flows = nx.DiGraph()
    flows.add_nodes_from(g.nodes)
    directed = set()
    for r in ties[ties["wave"] == str(wave)].itertuples(index=False):
        a, b = node(r.respondent_id), node(r.partner_id)
        if a == b or not g.has_edge(a, b) or pd.isna(r.direction) or r.direction is None:
            continue
        directed.add(frozenset((a, b)))
        if r.direction in (TO_PARTNER, BOTH_WAYS):
            flows.add_edge(a, b)
        if r.direction in (FROM_PARTNER, BOTH_WAYS):
            flows.add_edge(b, a)
    if any(frozenset(e) not in directed for e in g.edges):
        return None
    return flows
