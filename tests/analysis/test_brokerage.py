"""Brokerage roles: counts, expected values and scores worked out by hand on tiny networks.

Expected values under random relabelling are checked two ways: by hand in the comments, and
by enumerating every labelling of the other organisations on a network small enough to do so.
"""
from __future__ import annotations

import itertools
import math

import networkx as nx
import pytest

from ccdata.analysis import brokerage as bk


def net(sectors: dict[str, str], ties: list[str]) -> nx.Graph:
    g = nx.Graph()
    for n, s in sectors.items():
        g.add_node(n, label=f"Org {n}", sector=s)
    g.add_edges_from(tuple(t) for t in ties)
    return g


def roles_of(g, node) -> dict[str, int]:
    frame = bk.brokerage(g)
    rows = frame[frame["org_id"] == node]
    return dict(zip(rows["role"], rows["observed"]))


@pytest.mark.parametrize("sectors, role", [
    # A-B-C open, each a different pattern of sectors; B is the broker
    ({"A": "school", "B": "school", "C": "school"}, bk.COORDINATOR),
    ({"A": "school", "B": "health", "C": "school"}, bk.ITINERANT),
    ({"A": "school", "B": "health", "C": "health"}, bk.GATEKEEPER),
    ({"A": "health", "B": "health", "C": "school"}, bk.GATEKEEPER),
    ({"A": "school", "B": "health", "C": "faith"}, bk.LIAISON),
])
def test_each_role_on_one_open_two_step(sectors, role):
    g = net(sectors, ["AB", "BC"])
    got = roles_of(g, "B")
    assert got == {r: int(r == role) for r in bk.ROLES}
    # the ends broker nothing: each has one partner
    assert sum(roles_of(g, "A").values()) == 0 and sum(roles_of(g, "C").values()) == 0


def test_a_closed_triangle_brokers_nothing():
    g = net({"A": "school", "B": "health", "C": "faith"}, ["AB", "BC", "AC"])
    assert bk.brokerage(g)["observed"].sum() == 0
    assert bk.open_pairs(g, "B") == []


def test_counts_on_a_star_with_an_isolate():
    # B (school) tied to A (school), C (health), D (health); E (health) on its own.
    # Open two-steps at B: A-C and A-D (B shares A's sector: gatekeeper/representative),
    # C-D (both health, B not: itinerant).
    g = net({"B": "school", "A": "school", "C": "health", "D": "health", "E": "health"}, ["BA", "BC", "BD"])
    assert roles_of(g, "B") == {bk.COORDINATOR: 0, bk.ITINERANT: 1, bk.GATEKEEPER: 2, bk.LIAISON: 0}
    chance = bk.expected_counts(g, "B")
    # The other four hold labels {school, health x3}; the one school label is equally likely
    # on A, C, D or E. On E (1/4): A, C, D all health -> 3 itinerant, 0 gatekeeper. Else (3/4):
    # 1 itinerant, 2 gatekeeper. E[itinerant] = 3/4 + 3/4 = 1.5, E[it^2] = 9/4 + 3/4 = 3,
    # Var = 3 - 2.25 = 0.75. Gatekeeper: E = 3/4 * 2 = 1.5, E[g^2] = 3/4 * 4 = 3, Var = 0.75.
    assert chance[bk.ITINERANT] == pytest.approx((1.5, math.sqrt(0.75)))
    assert chance[bk.GATEKEEPER] == pytest.approx((1.5, math.sqrt(0.75)))
    # coordinator needs two school ends (only one other school): impossible; liaison needs
    # three sectors (only two exist)
    assert chance[bk.COORDINATOR] == pytest.approx((0.0, 0.0))
    assert chance[bk.LIAISON] == pytest.approx((0.0, 0.0))
    frame = bk.brokerage(g).set_index(["org_id", "role"])
    # scores: (1 - 1.5) / sqrt(0.75) = -0.5774, (2 - 1.5) / sqrt(0.75) = +0.5774
    assert frame.loc[("B", bk.ITINERANT), "score"] == pytest.approx(-0.5 / math.sqrt(0.75))
    assert frame.loc[("B", bk.GATEKEEPER), "score"] == pytest.approx(0.5 / math.sqrt(0.75))
    assert math.isnan(frame.loc[("B", bk.COORDINATOR), "score"])   # sd 0: no score


def test_liaison_expected_value_by_hand():
    # B (school) tied to A (health) and C (faith); D (health) alone. Others' labels
    # {health x2, faith}; the faith label is on A, C or D with 1/3 each. On D: A and C both
    # health -> itinerant; else one health and one faith -> liaison.
    # E[liaison] = 2/3, Var = 2/3 - 4/9 = 2/9; E[itinerant] = 1/3, Var = 1/3 - 1/9 = 2/9.
    g = net({"B": "school", "A": "health", "C": "faith", "D": "health"}, ["BA", "BC"])
    chance = bk.expected_counts(g, "B")
    assert chance[bk.LIAISON] == pytest.approx((2 / 3, math.sqrt(2 / 9)))
    assert chance[bk.ITINERANT] == pytest.approx((1 / 3, math.sqrt(2 / 9)))
    row = bk.brokerage(g).set_index(["org_id", "role"]).loc[("B", bk.LIAISON)]
    assert row["observed"] == 1
    # (1 - 2/3) / sqrt(2/9) = 0.7071
    assert row["score"] == pytest.approx((1 / 3) / math.sqrt(2 / 9))
    # expected below 1: never called out, whatever the score
    assert not row["strong"]


SMALL = net({"B": "school", "A": "school", "C": "health", "D": "health", "E": "faith", "F": "faith",
             "G": "school"},
            ["BA", "BC", "BD", "BE", "CD", "EF", "AG", "CG"])


@pytest.mark.parametrize("node", ["B", "C", "E", "G"])
def test_expected_values_equal_the_mean_over_every_labelling(node):
    g = SMALL
    others = [n for n in g.nodes if n != node]
    labels = [g.nodes[n]["sector"] for n in others]
    own = g.nodes[node]["sector"]
    pairs = bk.open_pairs(g, node)
    totals = {r: [] for r in bk.ROLES}
    # every ordering of the other six organisations' labels (720, each equally likely)
    for perm in itertools.permutations(labels):
        lab = dict(zip(others, perm))
        counts = dict.fromkeys(bk.ROLES, 0)
        for a, c in pairs:
            counts[bk.role_of(own, lab[a], lab[c])] += 1
        for r in bk.ROLES:
            totals[r].append(counts[r])
    chance = bk.expected_counts(g, node)
    for r in bk.ROLES:
        values = totals[r]
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        assert chance[r] == pytest.approx((mean, sd), abs=1e-9), (node, r)


def test_strong_only_above_two_sd_with_one_expected():
    # a hub (local authority) tied to 6 schools and 6 health organisations, with 12 more
    # organisations of each of those sectors not tied to it. The hub shares neither sector:
    # its 36 school-health pairs are liaison, its 15 + 15 same-sector pairs itinerant.
    sectors = {"H": "local authority"}
    sectors.update({f"S{i}": "school" for i in range(18)})
    sectors.update({f"P{i}": "health" for i in range(18)})
    ties = [("H", f"S{i}") for i in range(6)] + [("H", f"P{i}") for i in range(6)]
    g = net(sectors, [])
    g.add_edges_from(ties)
    got = roles_of(g, "H")
    assert got == {bk.COORDINATOR: 0, bk.ITINERANT: 30, bk.GATEKEEPER: 0, bk.LIAISON: 36}
    frame = bk.brokerage(g).set_index(["org_id", "role"])
    # 66 pairs; a random pair of the 36 others is school-health with p = 2 * 18 * 18 / (36 * 35)
    # = 18/35, so E[liaison] = 66 * 18/35 = 33.94: 36 is barely above chance, not strong
    assert frame.loc[("H", bk.LIAISON), "expected"] == pytest.approx(66 * 18 / 35)
    assert not frame.loc[("H", bk.LIAISON), "strong"]
    table = bk.roles_table(bk.brokerage(g))
    assert list(table["label"]) == ["Org H"] and table.loc[0, "total"] == 66


@pytest.mark.parametrize("faith_alone, expected, strong", [
    # hub H (faith) links 5 schools to 5 health organisations: 45 open pairs, 25 of them
    # school-health (liaison). With 10 more faith organisations the others hold 5 school,
    # 5 health, 10 faith: p(school-health) = 2 * 5 * 5 / (20 * 19) = 50/380, E = 45 * 50/380
    # = 5.92, and 25 is far above it: strong. With 40 more faith organisations,
    # p = 50 / (50 * 49), E = 45 * 50/2450 = 0.918: below 1, never called out.
    (10, 45 * 50 / 380, True),
    (40, 45 * 50 / 2450, False),
])
def test_strong_only_when_chance_would_give_at_least_one(faith_alone, expected, strong):
    sectors = {"H": "faith", **{f"S{i}": "school" for i in range(5)}, **{f"P{i}": "health" for i in range(5)},
               **{f"F{i}": "faith" for i in range(faith_alone)}}
    g = net(sectors, [])
    g.add_edges_from([("H", f"S{i}") for i in range(5)] + [("H", f"P{i}") for i in range(5)])
    frame = bk.brokerage(g).set_index(["org_id", "role"])
    row = frame.loc[("H", bk.LIAISON)]
    assert row["observed"] == 25 and row["expected"] == pytest.approx(expected)
    assert row["score"] > bk.STRONG_SCORE and bool(row["strong"]) is strong
    # 2 * C(5, 2) = 20 same-sector pairs: itinerant, where chance gives 45 * 40/380 = 4.74
    # (strong) or 45 * 40/2450 = 0.73 (below 1)
    assert frame.loc[("H", bk.ITINERANT), "observed"] == 20
    assert bool(frame.loc[("H", bk.ITINERANT), "strong"]) is strong
    table = bk.roles_table(bk.brokerage(g))
    assert table.loc[0, "more_than_chance"] == (f"{bk.ITINERANT}, {bk.LIAISON}" if strong else "")


def test_bad_input():
    with pytest.raises(TypeError):
        bk.brokerage("not a graph")
    g = nx.Graph()
    g.add_node("A")
    with pytest.raises(KeyError, match="sector"):
        bk.brokerage(g)
    with pytest.raises(KeyError):
        bk.open_pairs(SMALL, "Z")
    with pytest.raises(TypeError):
        bk.roles_table("x")


# ---------------------------------------------------------------------------- with a flow direction
def test_gatekeeper_and_representative_apart_with_flows():
    # A (school) -> B (health) -> C (health): B receives from another sector and passes to its
    # own: gatekeeper. Reversed flow C -> B -> A: B passes from its own sector out: representative.
    g = net({"A": "school", "B": "health", "C": "health"}, ["AB", "BC"])
    flows = nx.DiGraph([("A", "B"), ("B", "C")])
    got = bk.brokerage(g, flows=flows).set_index(["org_id", "role"])["observed"]
    assert got[("B", bk.GATEKEEPER_ONLY)] == 1 and got[("B", bk.REPRESENTATIVE)] == 0
    back = bk.brokerage(g, flows=nx.DiGraph([("C", "B"), ("B", "A")])).set_index(["org_id", "role"])["observed"]
    assert back[("B", bk.REPRESENTATIVE)] == 1 and back[("B", bk.GATEKEEPER_ONLY)] == 0
    # both ways: one path each way, one of each role
    both = bk.brokerage(g, flows=nx.DiGraph([("A", "B"), ("B", "A"), ("B", "C"), ("C", "B")]))
    both = both.set_index(["org_id", "role"])["observed"]
    assert (both[("B", bk.GATEKEEPER_ONLY)], both[("B", bk.REPRESENTATIVE)]) == (1, 1)
    # a flow that does not pass through (A -> B <- C) brokers nothing
    assert bk.brokerage(g, flows=nx.DiGraph([("A", "B"), ("C", "B")]))["observed"].sum() == 0
    with pytest.raises(ValueError, match="flows"):
        bk.brokerage(g, flows=nx.DiGraph([("A", "Z")]))


FLOWS = nx.DiGraph([("A", "B"), ("B", "C"), ("C", "B"), ("B", "D"), ("E", "B"), ("B", "E"), ("C", "D"),
                    ("E", "F"), ("G", "A"), ("C", "G")])


@pytest.mark.parametrize("node", ["B", "C", "E"])
def test_directed_expected_values_equal_the_mean_over_every_labelling(node):
    g = SMALL
    flows = FLOWS
    others = [n for n in g.nodes if n != node]
    labels = [g.nodes[n]["sector"] for n in others]
    own = g.nodes[node]["sector"]
    paths = bk.open_paths(g, flows, node)
    assert paths, node
    totals = {r: [] for r in bk.DIRECTED_ROLES}
    for perm in itertools.permutations(labels):
        lab = dict(zip(others, perm))
        counts = dict.fromkeys(bk.DIRECTED_ROLES, 0)
        for a, c in paths:
            counts[bk.directed_role_of(own, lab[a], lab[c])] += 1
        for r in bk.DIRECTED_ROLES:
            totals[r].append(counts[r])
    chance = bk.expected_counts(g, node, flows=flows)
    for r in bk.DIRECTED_ROLES:
        values = totals[r]
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        assert chance[r] == pytest.approx((mean, sd), abs=1e-9), (node, r)


def test_direction_column_read_and_turned_into_flows(tmp_path):
    import warnings

    from ccdata.analysis import network as network_measures
    from ccdata.errors import DataQualityWarning

    (tmp_path / "o.csv").write_text("id,name,sector\nA,Alpha,school\nB,Beta,health\nC,Gamma,health\n")
    # Alpha refers to Beta; Beta to Gamma (Gamma says it receives from Beta)
    rels = ("respondent,partner,relationship,strength,wave,direction\nA,B,referrals,3,1,to partner\n"
            "B,C,referrals,3,1,To partner\nC,B,referrals,3,1,from partner\n")
    (tmp_path / "r.csv").write_text(rels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        data = network_measures.read_network(tmp_path / "o.csv", tmp_path / "r.csv")
    assert list(data.ties["direction"]) == ["to partner", "to partner", "from partner"]
    g = network_measures.published_graph(data, "1")
    flows = bk.flow_graph(data, g, "1")
    assert sorted(flows.edges) == [("A", "B"), ("B", "C")]
    got = bk.brokerage(g, flows=flows).set_index(["org_id", "role"])["observed"]
    assert got[("B", bk.GATEKEEPER_ONLY)] == 1
    # a direction not understood: listed, the tie kept without one, and roles fall back to undirected
    (tmp_path / "r.csv").write_text(rels.replace("B,C,referrals,3,1,To partner", "B,C,referrals,3,1,sideways")
                                    .replace("C,B,referrals,3,1,from partner\n", ""))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        data = network_measures.read_network(tmp_path / "o.csv", tmp_path / "r.csv")
    bad = data.issues[data.issues["kind"] == "bad direction"]
    assert list(zip(bad["row"], bad["column"])) == [(3, "direction")]
    assert bk.flow_graph(data, network_measures.published_graph(data, "1"), "1") is None
