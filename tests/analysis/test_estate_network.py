"""The second demo place's network, drawn by hand: each role, a named bridge, the core team's
cross-sector dependence in both waves and its change, and the relationship types.

Expected values are read off the hand-written ties in :mod:`ccdata.demo.estate_network`.
"""
from __future__ import annotations

import warnings

import pytest

from helpers.folders import data_dir_env

from ccdata.analysis import brokerage as bk
from ccdata.analysis import netlinks as nl
from ccdata.analysis import netsurvey as ns
from ccdata.analysis import network as net
from ccdata.views import network as network_view
from ccdata.views import network_roles


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    from ccdata.demo import estate_network

    root = tmp_path_factory.mktemp("estate")
    with data_dir_env(root):
        orgs, rels = estate_network.generate(1)
        again = [p.read_bytes() for p in estate_network.generate(2)]
        assert again == [orgs.read_bytes(), rels.read_bytes()]   # written by hand: same bytes
        with warnings.catch_warnings():
            warnings.simplefilter("error")   # no row of the hand-written files is a problem
            return net.read_network(orgs, rels)


def test_every_role_has_its_case(estate):
    frame = bk.brokerage(net.published_graph(estate, "2025"))
    got = {(r.label, r.role): r.observed for r in frame.itertuples() if r.observed}
    # Northfield Primary links Westfield Academy and Harbour Infant (schools, not tied)
    assert got[("Northfield Primary School", bk.COORDINATOR)] == 1
    # Harbour Medical Practice (health) links Harbour Infant and Quayside Secondary (schools)
    assert got[("Harbour Medical Practice", bk.ITINERANT)] == 1
    # Quay Homes Estate Office (housing) links Tenancy Support (housing) and the food bank;
    # and the council team (local authority); the pairs: Tenancy-Food bank (gatekeeper),
    # Tenancy-council (gatekeeper), Food bank-council (liaison)
    assert got[("Quay Homes Estate Office", bk.GATEKEEPER)] == 2
    assert got[("Quay Homes Estate Office", bk.LIAISON)] == 1
    # St Brendan's (faith) links the health visitors and Tenancy Support: liaison
    assert got[("St Brendan's Church", bk.LIAISON)] == 1
    assert {role for _, role in got} == set(bk.ROLES)


def test_the_early_years_bridge_is_named(estate):
    links = nl.weak_links(net.published_graph(estate, "2025"))
    hub = links[(links["organisation_b"] == "Harbour Family Hub") & (links["kind"] == nl.BRIDGE)]
    assert len(hub) == 1
    assert hub.iloc[0]["sentence"] == (
        "Without the tie between \u201cHarbour Health Visiting Team\u201d and \u201cHarbour Family Hub\u201d (in touch "
        "weekly), \u201cHarbour Family Hub\u201d and the 2 other early years organisations reached only through it "
        "would be cut off from the rest of the network.")


def test_core_team_dependence_falls(estate):
    trend = net.over_time(estate).set_index("wave")
    # 2024: every tie outside the early-years triangle, the two schools, and the housing pair
    # runs through the core team, and those groups reach each other only through it: 100%
    assert trend.loc["2024", "core_cross_only_share"] == pytest.approx(1.0)
    assert trend.loc["2025", "core_cross_only_share"] < trend.loc["2024", "core_cross_only_share"]
    lines = network_view.dependence_lines(estate)
    assert lines[-1].startswith("In wave 2024 it was 100%: down ") and lines[-1].endswith(
        "sectors are connecting directly.")


def test_types_and_coverage(estate):
    change = ns.types_change(estate, "2024", "2025").set_index("relationship")
    assert set(change.index) == set(net.RELATIONSHIP_TYPES)
    # shared funding 2024: Partnership-Food bank and Partnership-Credit union; 2025 the same two
    # plus Estate Office-Food bank
    assert change.loc["shared funding", ["ties_before", "ties_after"]].tolist() == [2, 3]
    rates = ns.response_rates(estate).set_index("wave")
    # 2024: 9 of the 16 answered; 2025: all but Harbour Infant and the credit union
    assert rates.loc["2024", ["organisations", "answered"]].tolist() == [16, 9]
    assert rates.loc["2025", ["organisations", "answered"]].tolist() == [16, 14]
    assert ns.coverage_warnings(estate)[0].startswith("In wave 2024 only 9 of 16 organisations answered (56%)")


def test_sections_render(estate):
    html = "".join(b._repr_html_() for b in network_roles.roles_section(estate) + network_roles.links_section(estate)
                   + network_roles.types_section(estate) + network_roles.coverage_section(estate))
    for text in ("Links two of its own sector (coordinator): most often Northfield Primary School (once).",
                 "What this means:", "Each kind of relationship", "Harbour Family Hub"):
        assert text.replace("'", "&#x27;") in html or text in html, text


def test_every_directed_role_has_its_case(estate):
    g = net.published_graph(estate, "2025")
    flows = bk.flow_graph(estate, g, "2025")
    assert flows is not None   # every answer of the demo gives a direction
    frame = bk.brokerage(g, flows=flows)
    got = {(r.label, r.role): r.observed for r in frame.itertuples() if r.observed}
    # Westfield Academy -> Northfield Primary -> Harbour Infant: coordinator
    assert got[("Northfield Primary School", bk.COORDINATOR)] == 1
    # Harbour Infant -> Harbour Medical Practice -> Quayside Secondary: itinerant
    assert got[("Harbour Medical Practice", bk.ITINERANT)] == 1
    # Food Bank -> Estate Office -> Tenancy Support (gatekeeper) and back (representative)
    assert got[("Quay Homes Estate Office", bk.GATEKEEPER_ONLY)] >= 1
    assert got[("Quay Homes Estate Office", bk.REPRESENTATIVE)] >= 1
    # Health Visiting Team -> St Brendan's -> Tenancy Support: liaison
    assert got[("St Brendan's Church", bk.LIAISON)] == 1
    assert {role for _, role in got} == set(bk.DIRECTED_ROLES)
