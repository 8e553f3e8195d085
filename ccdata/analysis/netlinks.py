"""Weak links that matter, and how much the network leans on the core team across sectors.

* A **bridge** is a tie whose removal leaves its two ends unconnected (``networkx.bridges``):
  the only link between two parts of the network.
* A **local bridge** is a tie whose two ends share no partner (``networkx.local_bridges``);
  its *span* is the length of the shortest route between the two ends without it. Every
  bridge is a local bridge with no route at all; the ones listed as local bridges here are
  the others.
* **Cross-sector dependence on the core team**: of the pairs of organisations outside the
  core team, in different sectors and connected in the network, the share that would be cut
  off from each other without the core team. A partnership's progress is this share falling.

All on the undirected graph the pages publish
(:func:`ccdata.analysis.network.published_graph`). Tie strength is the survey's frequency
answer (1-5, :data:`ccdata.io.local.network.FREQUENCY_STRENGTH`) put back into words.
"""
from __future__ import annotations

import math

import networkx as nx
import pandas as pd

from ccdata.analysis.residents import as_undirected, check_graph

#: The words for a tie strength of 1 to 5 (the survey's frequency scale).
STRENGTH_WORDS = {1: "yearly or less often", 2: "a few times a year", 3: "monthly", 4: "weekly", 5: "daily"}

_LINK_COLUMNS = ["organisation_a", "sector_a", "organisation_b", "sector_b", "kind", "span", "strength",
                 "side_a", "side_b", "sentence"]
BRIDGE, LOCAL_BRIDGE, ONLY_TIE = "bridge", "local bridge", "only tie"


def strength_word(weight) -> str:
    """A tie's strength (1-5, the mean of the answers) as the nearest frequency in words."""
    try:
        value = float(weight)
    except (TypeError, ValueError):
        raise ValueError(f"a tie strength is a number from 1 to 5, not {weight!r}") from None
    if math.isnan(value) or not 1 <= value <= 5:
        raise ValueError(f"a tie strength is a number from 1 to 5, not {weight!r}")
    return STRENGTH_WORDS[int(math.floor(value + 0.5))]


def quoted(name) -> str:
    """An organisation's name between curly quotes, so that names joined by "and" stay apart."""
    return f"\u201c{name}\u201d"


def _side_text(g: nx.Graph, end, side: set, rest: bool) -> str:
    if rest:
        return "the rest of the network"
    label = quoted(g.nodes[end].get("label", end))
    if len(side) == 1:
        return label
    others = len(side) - 1
    sectors = sorted({str(g.nodes[n].get("sector", "")) for n in side})
    noun = "organisation" if others == 1 else "organisations"
    if len(sectors) == 1:  # one sector: say so in the phrase ("the 2 other early years organisations")
        return f"{label} and the {others} other {sectors[0]} {noun} reached only through it"
    return f"{label} and the {others} {noun} reached only through it ({', '.join(sectors)})"


def weak_links(g: nx.Graph) -> pd.DataFrame:
    """Bridges and local bridges of a network, each named in a plain sentence.

    Parameters
    ----------
    g : networkx.Graph
        Usually :func:`ccdata.analysis.network.published_graph`; node attributes ``label``
        and ``sector``, edge attribute ``weight`` (1-5).

    Returns
    -------
    DataFrame
        ``organisation_a, sector_a, organisation_b, sector_b, kind, span, strength, side_a,
        side_b, sentence``. ``kind`` is :data:`BRIDGE` (both sides hold two or more
        organisations), :data:`ONLY_TIE` (a bridge to an organisation with no other tie) or
        :data:`LOCAL_BRIDGE`; ``span`` is the steps between the ends without the tie (missing
        for bridges); ``side_a`` / ``side_b`` count the organisations on each side of a bridge.
        Bridges first (largest smaller side first), then local bridges by span.
    """
    g = as_undirected(check_graph(g))
    rows = []
    bridge_set = set()
    for u, v in nx.bridges(g):
        bridge_set.add(frozenset((u, v)))
        h = g.copy()
        h.remove_edge(u, v)
        side_u, side_v = nx.node_connected_component(h, u), nx.node_connected_component(h, v)
        if len(side_u) < len(side_v) or (len(side_u) == len(side_v) and str(u) > str(v)):
            u, v, side_u, side_v = v, u, side_v, side_u  # the bigger side first
        kind = ONLY_TIE if len(side_v) == 1 else BRIDGE
        strength = strength_word(g.edges[u, v].get("weight", 1.0))
        if kind == ONLY_TIE:
            sentence = (f"{quoted(g.nodes[v]['label'])} is connected to the network only through "
                        f"{quoted(g.nodes[u]['label'])} (in touch {strength}).")
        else:
            sentence = (f"Without the tie between {quoted(g.nodes[u]['label'])} and "
                        f"{quoted(g.nodes[v]['label'])} (in touch {strength}), "
                        f"{_side_text(g, v, side_v, rest=False)} would be cut off from "
                        f"{_side_text(g, u, side_u, rest=len(side_u) > len(side_v))}.")
        rows.append({"organisation_a": g.nodes[u]["label"], "sector_a": g.nodes[u]["sector"],
                     "organisation_b": g.nodes[v]["label"], "sector_b": g.nodes[v]["sector"], "kind": kind,
                     "span": float("nan"), "strength": strength, "side_a": len(side_u), "side_b": len(side_v),
                     "sentence": sentence})
    for u, v, span in nx.local_bridges(g, with_span=True):
        if frozenset((u, v)) in bridge_set:
            continue
        a, b = sorted((u, v), key=lambda n: str(g.nodes[n]["label"]))
        strength = strength_word(g.edges[a, b].get("weight", 1.0))
        rows.append({"organisation_a": g.nodes[a]["label"], "sector_a": g.nodes[a]["sector"],
                     "organisation_b": g.nodes[b]["label"], "sector_b": g.nodes[b]["sector"],
                     "kind": LOCAL_BRIDGE, "span": float(span), "strength": strength,
                     "side_a": pd.NA, "side_b": pd.NA,
                     "sentence": f"{quoted(g.nodes[a]['label'])} and {quoted(g.nodes[b]['label'])} (in touch "
                                 f"{strength}) share no partner: without their tie, the shortest route "
                                 f"between them takes {int(span)} steps."})
    frame = pd.DataFrame(rows, columns=_LINK_COLUMNS)
    if frame.empty:
        return frame
    order = frame["kind"].map({BRIDGE: 0, ONLY_TIE: 1, LOCAL_BRIDGE: 2})
    smaller = pd.to_numeric(frame["side_b"], errors="coerce").fillna(0)
    frame = frame.assign(_o=order, _s=-smaller, _span=-frame["span"].fillna(0))
    return frame.sort_values(["_o", "_s", "_span", "organisation_a", "organisation_b"]).drop(
        columns=["_o", "_s", "_span"]).reset_index(drop=True)


def cross_sector_dependence(g: nx.Graph) -> dict:
    """How many cross-sector pairs are connected only through the core team.

    Pairs of organisations outside the core team, in different sectors, that are connected
    in ``g`` (by any route); of them, those with no route once the core team is taken out.

    Returns
    -------
    dict
        ``pairs`` (connected cross-sector pairs), ``only_via_core`` and ``share``
        (NaN when there is no such pair or no core team).
    """
    g = as_undirected(check_graph(g))
    core = {n for n in g.nodes if g.nodes[n].get("core_team")}
    rest = [n for n in g.nodes if n not in core]
    whole = {n: i for i, comp in enumerate(nx.connected_components(g)) for n in comp}
    without_core = g.subgraph(rest)
    apart = {n: i for i, comp in enumerate(nx.connected_components(without_core)) for n in comp}
    pairs = only = 0
    for i, a in enumerate(rest):
        for b in rest[i + 1:]:
            if g.nodes[a].get("sector") == g.nodes[b].get("sector") or whole[a] != whole[b]:
                continue
            pairs += 1
            only += apart[a] != apart[b]
    share = only / pairs if pairs and core else float("nan")
    return {"pairs": pairs, "only_via_core": only if core else 0, "share": share}
