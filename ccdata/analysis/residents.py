"""Residents in the relationship network, shown only as one group: the grouping under disclosure control.

Residents are people. On partner pages every node of sector ``residents`` becomes part of
one node whose ties to organisations count the residents who named them, and pass
:func:`ccdata.analysis.disclosure.apply`; :mod:`ccdata.analysis.network` builds the
graphs and re-exports these names.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from ccdata.analysis import disclosure
from ccdata.io.local.network import RESIDENTS


def check_graph(g) -> nx.Graph:
    """``g`` itself, when it is a networkx graph (else a TypeError naming what was given)."""
    if not isinstance(g, nx.Graph):
        raise TypeError(f"expected a networkx graph from ccdata.analysis.network.graph, not {type(g).__name__}")
    return g


def as_undirected(g: nx.Graph) -> nx.Graph:
    """``g`` as an undirected graph (a copy when it was directed)."""
    return g.to_undirected(as_view=False) if g.is_directed() else g


#: Node id of the one node that stands for every resident on partner pages.
RESIDENTS_GROUP = "ccdata:residents"
#: Its label.
RESIDENTS_LABEL = "Residents"


def group_residents(g: nx.Graph, rules: disclosure.Rules | None = None) -> nx.Graph:
    """The network with all residents merged into one "Residents" node, for partner pages.

    A resident numbered on a page with their ties to named organisations is a record
    about a person. Here every node of sector ``residents`` becomes part of one node,
    :data:`RESIDENTS_GROUP`; its tie to an organisation counts the residents who named
    that organisation, and passes :func:`ccdata.analysis.disclosure.apply` (the count of
    residents is the numerator, all residents in the network the denominator, and the
    ties to all organisations add up to one total): a tie named by fewer than
    ``rules.min_cases`` residents (or by all but fewer than that), or any tie when there
    are fewer than ``rules.min_respondents`` residents, is not drawn; further ties are
    hidden where a lone hidden one could be worked out; shown counts are rounded to
    ``rules.round_to``. Ties between two residents are never drawn.

    Parameters
    ----------
    g : networkx.Graph or DiGraph
        From :func:`ccdata.analysis.network.graph` (a directed graph is made undirected first).
    rules : disclosure.Rules, optional
        Defaults to :data:`ccdata.analysis.disclosure.DEFAULT`.

    Returns
    -------
    networkx.Graph
        Organisations and their ties as in ``g``; the group node (label
        :data:`RESIDENTS_LABEL`, sector ``residents``) when ``g`` has residents, with
        edges carrying ``residents`` (the rounded count), ``weight`` (mean strength of the
        residents' ties) and ``types``. ``graph["residents"]`` is a dict: ``people``
        (residents in the network), ``hidden_ties`` (ties from residents to
        organisations not drawn), ``ties_between_residents`` (not drawn).

    Raises
    ------
    TypeError
        For a graph not from :func:`ccdata.analysis.network.graph` or rules that are not ``Rules``.
    ValueError
        When an organisation already uses the group's id.
    """
    g = as_undirected(check_graph(g))
    if rules is not None and not isinstance(rules, disclosure.Rules):
        raise TypeError(f"rules must be a ccdata.analysis.disclosure.Rules, not {type(rules).__name__}")
    if RESIDENTS_GROUP in g:
        raise ValueError(f"an organisation has the id {RESIDENTS_GROUP!r}, which is kept for the residents' group")
    residents = [n for n in g.nodes if g.nodes[n].get("sector") == RESIDENTS]
    is_resident = set(residents)
    others = [n for n in g.nodes if n not in is_resident]
    out = nx.Graph()
    out.graph.update(g.graph)
    out.add_nodes_from((n, dict(g.nodes[n])) for n in others)
    out.add_edges_from((u, v, dict(a)) for u, v, a in g.edges(data=True)
                       if u not in is_resident and v not in is_resident)
    info = {"people": len(residents), "hidden_ties": 0, "ties_between_residents": 0}
    out.graph["residents"] = info
    if "respondents" in g.graph:
        answered = set(g.graph["respondents"])
        out.graph["respondents"] = (answered - is_resident) | ({RESIDENTS_GROUP} if answered & is_resident else set())
    if not residents:
        return out
    out.add_node(RESIDENTS_GROUP, label=RESIDENTS_LABEL, sector=RESIDENTS,
                 core_team=any(bool(g.nodes[r].get("core_team")) for r in residents),
                 responded=any(bool(g.nodes[r].get("responded")) for r in residents))
    info["ties_between_residents"] = sum(1 for u, v in g.edges if u in is_resident and v in is_resident)
    tied = {o: [r for r in g[o] if r in is_resident] for o in others}
    table = pd.DataFrame({"org_id": others, "residents": [len(tied[o]) for o in others],
                          "n": len(residents)}, columns=["org_id", "residents", "n"])
    if table.empty:
        return out
    # secondary suppression hides the first shown row of a group: order so that it is the smallest
    table = table.sort_values(["residents", "org_id"], kind="stable", ignore_index=True)
    shown = disclosure.apply(table, rules, count="residents", denominator="n", within=[[]], derived=[])
    for row, raw in zip(shown.itertuples(index=False), table["residents"]):
        if row.suppressed or raw == 0:  # a shown zero is no tie to draw
            info["hidden_ties"] += int(raw)
            continue
        ties = [g.edges[r, row.org_id] for r in tied[row.org_id]]
        out.add_edge(RESIDENTS_GROUP, row.org_id, residents=int(row.residents),
                     weight=float(np.mean([float(t.get("weight", 1.0)) for t in ties])),
                     types=tuple(sorted({x for t in ties for x in t.get("types", ())})))
    return out


def protected_count(count: int, people: int, rules: disclosure.Rules | None = None) -> int | None:
    """A count about residents as it may be published: rounded, or ``None`` when hidden.

    ``count`` passes :func:`ccdata.analysis.disclosure.apply` with ``people`` (the residents
    it is about) as denominator when it is a count of residents, or as the group size that
    must reach ``rules.min_respondents`` when it is a count of ties (which may exceed it).

    Parameters
    ----------
    count : int
        Residents, or residents' ties (whole number >= 0).
    people : int
        Residents in the network (whole number >= 0).
    rules : disclosure.Rules, optional

    Returns
    -------
    int or None
    """
    for name, value in (("count", count), ("people", people)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")
    rules = disclosure.DEFAULT if rules is None else rules
    if not isinstance(rules, disclosure.Rules):
        raise TypeError(f"rules must be a ccdata.analysis.disclosure.Rules, not {type(rules).__name__}")
    table = pd.DataFrame({"count": [int(count)]})
    # the group as a whole must be big enough, as for every figure about its people
    small_group = people < rules.min_respondents
    shown = disclosure.apply(table, rules, count="count", denominator=None, hide=[small_group],
                             hide_reason=disclosure.PRIMARY.format(n=rules.min_respondents))
    return None if bool(shown["suppressed"].iloc[0]) else int(shown["count"].iloc[0])


def residents_note(g: nx.Graph, rules: disclosure.Rules | None = None) -> str:
    """What :func:`group_residents` left out, in plain sentences ("" when nothing).

    No exact count about residents is given: the ties not shown are counted only when
    :func:`protected_count` allows it (rounded, "about"), else "some"; ties between
    residents are never counted.
    """
    check_graph(g)
    info = g.graph.get("residents")
    if not isinstance(info, dict):
        raise TypeError("expected a graph from group_residents")
    parts = []
    if info["people"]:
        parts.append("Residents who took part are shown together as one group, never one by one.")
    hidden = info["hidden_ties"]
    if hidden:
        about = protected_count(int(hidden), int(info["people"]), rules)
        many = ("Some ties" if about is None else f"About {about:,} tie" if about == 1
                else f"About {about:,} ties")
        verb = "is" if about == 1 else "are"
        parts.append(f"{many} from residents to organisations {verb} not shown because too few residents "
                     "named those organisations.")
    if info["ties_between_residents"]:
        parts.append("Ties between residents are not shown.")
    return " ".join(parts)
