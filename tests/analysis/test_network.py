"""Relationship mapping: reading, measures on hand-drawn networks, views, demo, notebook.

Expected values are worked out by hand in the comments beside each assertion.
"""
from __future__ import annotations

import json
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from helpers.folders import data_dir_env

from ccdata.analysis import disclosure
from ccdata.analysis import network as net
from ccdata.analysis.residents import RESIDENTS_GROUP, group_residents, residents_note
from ccdata.errors import DataQualityWarning, MissingDataError, ValidationError
from ccdata.io.local.network import (
    KEPT,
    NetworkData,
    read_network,
    read_organisations,
    read_relationships,
    sort_waves,
)
from ccdata.present import netviz, palette
from ccdata.views import network as network_view

REPO = Path(__file__).resolve().parents[2]
ORG_HEADER = "id,name,sector,core_team,first_wave\n"
REL_HEADER = "respondent,partner,relationship,strength,wave\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def network(tmp_path, orgs: str, rels: str) -> NetworkData:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return read_network(write(tmp_path, "orgs.csv", ORG_HEADER + orgs),
                                write(tmp_path, "rels.csv", REL_HEADER + rels))


STAR_ORGS = ("C,Centre,local authority,yes,\nA,Alpha,school,no,\nB,Beta,health,,\n"
             "D,Delta,faith,no,\nE,Echo,housing,,\n")
STAR_RELS = "C,A,referrals,3,1\nC,B,referrals,3,1\nC,D,referrals,3,1\nC,E,referrals,3,1\n"


@pytest.fixture
def star(tmp_path):
    return network(tmp_path, STAR_ORGS, STAR_RELS)


# ---------------------------------------------------------------------------- measures
def test_star_density_betweenness_constraint_and_broker(star):
    g = net.graph(star, "1")
    s = net.summarise(g)
    # 5 organisations, 4 ties out of 5*4/2 = 10 possible
    assert (s["organisations"], s["ties"]) == (5, 4)
    assert s["density"] == pytest.approx(0.4)
    assert s["components"] == 1 and s["isolates"] == 0
    cent = net.centrality(g).set_index("org_id")
    # every one of the 6 leaf pairs runs through the centre; leaves lie on no path
    assert cent.loc["C", "betweenness"] == pytest.approx(1.0)
    assert cent.loc[["A", "B", "D", "E"], "betweenness"].eq(0).all()
    # Burt: centre has 4 partners of share 1/4, none tied to each other: 4 * (1/4)^2
    assert cent.loc["C", "constraint"] == pytest.approx(0.25)
    assert cent.loc["A", "constraint"] == pytest.approx(1.0)
    assert cent["broker"].tolist() == [True, False, False, False, False]  # sorted by betweenness
    assert cent.loc["C", "degree"] == 4 and cent.loc["C", "weighted_degree"] == pytest.approx(12.0)


def test_path_betweenness(tmp_path):
    orgs = "".join(f"{c},{c} org,school,,\n" for c in "abcde")
    rels = "a,b,referrals,1,1\nb,c,referrals,1,1\nc,d,referrals,1,1\nd,e,referrals,1,1\n"
    cent = net.centrality(net.graph(network(tmp_path, orgs, rels))).set_index("org_id")["betweenness"]
    # path a-b-c-d-e: 6 pairs among the other four; b lies on a-c, a-d, a-e (3/6);
    # c on a-d, a-e, b-d, b-e (4/6); d mirrors b; the ends on none
    assert cent.to_dict() == pytest.approx({"a": 0, "b": 0.5, "c": 4 / 6, "d": 0.5, "e": 0})


def test_reciprocity_counts_only_ties_between_respondents(tmp_path):
    orgs = "A,A org,school,,\nB,B org,school,,\nC,C org,health,,\nD,D org,faith,,\n"
    rels = ("A,B,referrals,2,1\nB,A,referrals,2,1\nA,C,referrals,2,1\n"
            "C,D,referrals,2,1\n")  # D never answered, so C->D cannot count against reciprocity
    d = net.graph(network(tmp_path, orgs, rels), "1", directed=True)
    # among respondents A, B, C: A->B, B->A, A->C; 2 of 3 are returned
    assert net.reciprocity(d) == pytest.approx(2 / 3)
    assert net.summarise(d)["reciprocity"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="directed"):
        net.reciprocity(net.graph(network(tmp_path, orgs, rels), "1"))


def test_cross_sector_share_and_matrix(tmp_path):
    orgs = "A,A org,school,,\nB,B org,school,,\nC,C org,health,,\n"
    rels = "A,B,referrals,2,1\nA,C,referrals,2,1\nB,C,joint delivery,2,1\n"
    g = net.graph(network(tmp_path, orgs, rels))
    # A-B within schools; A-C and B-C cross: 2 of 3
    assert net.cross_sector_share(g) == pytest.approx(2 / 3)
    m = net.sector_matrix(g)
    assert list(m.index) == ["school", "health"]
    assert m.loc["school", "school"] == 1 and m.loc["health", "health"] == 0
    assert m.loc["school", "health"] == 2 and m.loc["health", "school"] == 2


def test_core_team_removal_star(star):
    role = net.core_team_role(net.graph(star))
    assert role["core_team"] == ["Centre"]
    assert role["tie_share"] == 1.0 and role["path_share"] == 1.0
    assert role["pairs"] == 6 and role["pairs_only_via_core"] == 6
    # without the centre: four organisations, no ties, each its own component
    w = role["without"]
    assert (w["organisations"], w["ties"], w["components"], w["isolates"]) == (4, 0, 4, 4)
    assert w["density"] == 0 and w["largest_component_share"] == pytest.approx(0.25)
    table = net.core_team_table(role).set_index("measure")
    assert table.loc["Separate groups (components)"].tolist() == [1, 4]


def test_core_team_share_of_paths_in_a_square(tmp_path):
    # square a-b-c-d-a, core team a. Pairs of the others: b-c (direct), c-d (direct),
    # b-d (two shortest paths, b-a-d and b-c-d: half through a) -> mean (0 + 0 + 1/2) / 3
    orgs = "a,a org,school,yes,\nb,b org,school,,\nc,c org,health,,\nd,d org,faith,,\n"
    rels = "a,b,referrals,1,1\nb,c,referrals,1,1\nc,d,referrals,1,1\nd,a,referrals,1,1\n"
    role = net.core_team_role(net.graph(network(tmp_path, orgs, rels)))
    assert role["path_share"] == pytest.approx(1 / 6)
    assert role["tie_share"] == pytest.approx(0.5) and role["pairs_only_via_core"] == 0
    # without a: path b-c-d, 2 of 3 possible ties
    assert role["without"]["density"] == pytest.approx(2 / 3)
    assert role["without"]["components"] == 1


def test_change_between_waves(tmp_path):
    orgs = ("A,A org,school,,1\nB,B org,health,,1\nC,C org,faith,,1\n"
            "D,D org,business,,2\n")
    rels = ("A,B,referrals,2,1\n"                      # wave 1: A-B only; C is an isolate
            "A,C,referrals,2,2\nC,D,joint delivery,3,2\n")  # wave 2: A-B lapsed; A-C and C-D new
    data = network(tmp_path, orgs, rels)
    assert data.waves == ["1", "2"]
    diff = net.compare_waves(data, "1", "2")
    gained = set(zip(diff["gained"]["organisation_a"], diff["gained"]["organisation_b"]))
    assert gained == {("A org", "C org"), ("C org", "D org")}
    assert list(zip(diff["lost"]["organisation_a"], diff["lost"]["organisation_b"])) == [("A org", "B org")]
    new = dict(zip(diff["new_organisations"]["label"], diff["new_organisations"]["how"]))
    assert new == {"D org": "joined", "C org": "newly connected"}
    trend = net.over_time(data).set_index("wave")
    # wave 1: D has not joined: 3 organisations, 1 tie of 3 possible; wave 2: 4 orgs, 2 of 6
    assert trend.loc["1", "organisations"] == 3 and trend.loc["1", "density"] == pytest.approx(1 / 3)
    assert trend.loc["2", "organisations"] == 4 and trend.loc["2", "density"] == pytest.approx(2 / 6)
    assert trend.loc["1", "isolates"] == 1 and trend.loc["2", "isolates"] == 1  # C, then B
    assert trend.loc["1", "cross_sector_share"] == 1.0
    with pytest.raises(ValueError, match="before"):
        net.compare_waves(data, "2", "1")
    # on the page: a row per measure, a column per wave and the change; shares as percentages.
    # Density 1/3 -> 33.3% and 2/6 -> 33.3%: no change; organisations 3 -> 4: +1
    page = network_view.change_section(data)[0].html
    cells = lambda label: re.search(rf"<td>{re.escape(label)}</td>((?:<td[^>]*>[^<]*</td>)+)</tr>", page).group(1)  # noqa: E731
    text = lambda label: re.findall(r">([^<]*)</td>", cells(label))  # noqa: E731
    assert text("Density (share of possible ties)") == ["33.3%", "33.3%", "no change"]
    assert text("Organisations (residents as one group)") == ["3", "4", "+1"]
    assert text("Ties across sectors") == ["100%", "100%", "no change"]  # every tie across sectors


def test_a_network_is_built_once_per_content_and_each_caller_gets_its_own_copy(tmp_path, monkeypatch):
    from ccdata import cache

    cache.clear()
    data = network(tmp_path, STAR_ORGS, STAR_RELS)
    built = []
    real = net._build
    monkeypatch.setattr(net, "_build", lambda *a: built.append(a[2:]) or real(*a))
    first = net.graph(data)
    first.add_edge("A", "B", weight=9.0)  # a caller's change stays in its copy
    first.nodes["C"]["label"] = "changed"
    again = net.graph(data)
    assert built == [("1", False, None)] and not again.has_edge("A", "B") and again.nodes["C"]["label"] == "Centre"
    assert sorted(again.edges) == [("C", "A"), ("C", "B"), ("C", "D"), ("C", "E")]
    net.graph(data, directed=True)
    net.graph(data, relationships=("referrals",))
    assert len(built) == 3  # other arguments, other networks
    # the same files read again are the same network; a table changed in place is a new one
    net.graph(network(tmp_path, STAR_ORGS, STAR_RELS))
    assert len(built) == 3
    reordered = network(tmp_path, "".join(reversed(STAR_ORGS.splitlines(keepends=True))), STAR_RELS)
    assert net.content(reordered) != net.content(data)  # the same rows in another order: nodes in another order
    assert list(net.graph(reordered).nodes) == ["E", "D", "B", "A", "C"] and len(built) == 4
    data.ties.loc[data.ties.index[0], "partner_id"] = "D"
    changed = net.graph(data)
    assert len(built) == 5 and not changed.has_edge("C", "A")
    # the published network too: once per content and rules, a copy for each caller
    shown = net.published_graph(data)
    shown.remove_node("C")
    assert "C" in net.published_graph(data) and len(built) == 5
    assert net.published_graph(data, rules=disclosure.Rules(min_cases=3)).number_of_nodes() == 5
    with pytest.raises(TypeError, match="Rules"):
        net.published_graph(data, rules={"min_cases": 3})
    cache.clear()


def test_overview_explains_density_betweenness_and_constraint(tmp_path):
    data = network(tmp_path, "A,A org,school,,1\nB,B org,health,,1\n", "A,B,referrals,2,1\n")
    page = "".join(b.html for b in network_view.overview(None, data))
    assert page.index("ccdata-metrics") < page.index("ccdata-glossary")
    for term in ("Density", "Bridging role (betweenness)", "Tied into one group (constraint)"):
        assert f"<strong>{term}</strong>" in page
    with pytest.raises(ValueError, match="unknown wave"):
        net.graph(data, "3")


def test_waves_sort_by_number():
    assert sort_waves(["Wave 10", "Wave 2", "Wave 1"]) == ["Wave 1", "Wave 2", "Wave 10"]


# ---------------------------------------------------------------------------- bad input
BAD_RELS = (
    "C,A,referrals,4,1\n"            # row 2
    "A,C,referrals,1,1\n"            # row 3: same referral, strength 1 vs 4: conflict
    "C,C,referrals,3,1\n"            # row 4: self-tie
    "Xavier Org,A,referrals,3,1\n"   # row 5: unknown respondent
    "C,A,referrals,4,1\n"            # row 6: repeats row 2
    "C,B,information sharing,monthly,1\n"   # row 7
    "B,C,joint delivery,weekly,1\n"  # row 8: no type in common with row 7: conflict
    "C,D,gossip,3,1\n"               # row 9: unknown type only: excluded
    "C,E,referrals,often,1\n"        # row 10: strength not understood: kept
    "D,E,referrals,2,\n"             # row 11: no wave
)


def test_bad_rows_are_listed_with_row_and_column(tmp_path):
    data = network(tmp_path, STAR_ORGS, BAD_RELS)
    issues = data.issues
    found = {(k, int(r), c) for k, r, c in zip(issues["kind"], issues["row"], issues["column"])}
    assert ("self-tie", 4, "partner") in found
    assert ("unknown organisation", 5, "respondent") in found
    assert ("duplicate", 6, "respondent, partner, relationship, wave") in found
    assert ("unknown relationship type", 9, "relationship") in found
    assert ("bad strength", 10, "strength") in found
    assert ("missing wave", 11, "wave") in found
    conflicts = issues[issues["kind"] == "conflicting answers"]
    assert set(conflicts["column"]) == {"strength", "relationship"} and len(conflicts) == 2
    assert (conflicts["action"] == KEPT).all()
    assert set(issues["file"]) == {"rels.csv"}
    # usable answers: rows 2, 3, 7, 8, 10 (one type each)
    assert sorted(data.ties["row"]) == [2, 3, 7, 8, 10]
    assert pd.isna(data.ties.set_index("row").loc[10, "strength"])
    assert data.ties.set_index("row").loc[7, "strength"] == 3  # monthly
    # the conflicting C-A referral is one tie whose weight is the mean of 4 and 1
    g = net.graph(data, "1")
    assert g["A"]["C"]["weight"] == pytest.approx(2.5) and g["A"]["C"]["reported_by"] == 2
    assert g["C"]["E"]["weight"] == 1.0  # strength not understood: counted as 1


def test_read_network_warns_once_with_counts(tmp_path):
    with pytest.warns(DataQualityWarning, match="self-tie"):
        read_network(write(tmp_path, "o.csv", ORG_HEADER + STAR_ORGS),
                         write(tmp_path, "r.csv", REL_HEADER + BAD_RELS))


def test_names_and_ids_both_resolve_and_multi_type_cells_split(tmp_path):
    data = network(tmp_path, STAR_ORGS, "centre,  ALPHA ,Referrals; joint delivery,weekly,2024\n")
    assert sorted(data.ties["relationship"]) == ["joint delivery", "referrals"]
    assert set(data.ties["respondent_id"]) == {"C"} and set(data.ties["strength"]) == {4}


def test_organisation_list_problems_raise_together(tmp_path):
    bad = write(tmp_path, "o.csv", ORG_HEADER + "A,Alpha,school,,\nA,Again,health,,\n"
                                                "B,,astrology,maybe,\n")
    with pytest.raises(ValidationError) as err:
        read_organisations(bad)
    where = {(p.row, p.column) for p in err.value.problems}
    assert where == {(3, "org_id"), (4, "name"), (4, "sector"), (4, "core_team")}


def test_missing_column_and_missing_file(tmp_path):
    with pytest.raises(ValidationError, match="sector"):
        read_organisations(write(tmp_path, "o.csv", "id,name\nA,Alpha\n"))
    with pytest.raises(MissingDataError):
        read_organisations(tmp_path / "absent.csv")
    orgs = read_organisations(write(tmp_path, "o2.csv", ORG_HEADER + STAR_ORGS))
    with pytest.raises(ValidationError, match="partner"):
        read_relationships(write(tmp_path, "r.csv", "respondent,wave\nA,1\n"), orgs)
    with pytest.raises(TypeError):
        read_relationships(write(tmp_path, "r2.csv", REL_HEADER), "not a frame")
    with pytest.raises(TypeError):
        net.graph("not data")


def test_cp1252_names_are_read_with_a_warning(tmp_path):
    path = write(tmp_path, "o.csv", ORG_HEADER + "A,Café Crèche,early years,,\n", encoding="cp1252")
    with pytest.warns(DataQualityWarning, match="cp1252"):
        orgs = read_organisations(path)
    assert orgs.loc[0, "name"] == "Café Crèche"


def test_xlsx_organisations(tmp_path):
    path = tmp_path / "o.xlsx"
    pd.DataFrame({"ID": ["A", "B"], "Name": ["Alpha", "Beta"], "Sector": ["School", "Voluntary and community"],
                  "Core team": ["Y", "N"]}).to_excel(path, index=False)
    orgs = read_organisations(path)
    assert orgs["sector"].tolist() == ["school", "voluntary & community"]
    assert orgs["core_team"].tolist() == [True, False]
    assert orgs["row"].tolist() == [2, 3]


# ---------------------------------------------------------------------------- residents
RESIDENT_ORGS = STAR_ORGS + "R,Jane Q Resident,residents,,\n"
RESIDENT_RELS = STAR_RELS + "R,C,information sharing,2,1\n"


def test_residents_are_labelled_by_sector_never_named(tmp_path):
    data = network(tmp_path, RESIDENT_ORGS, RESIDENT_RELS)
    assert data.labels()["R"] == "Residents (1)"
    assert "Jane" not in net.centrality(net.graph(data)).to_string()
    view = netviz.network_view(data).html
    # one resident is far below the rules: a single group node, no numbered resident, tie not drawn
    assert "Jane" not in view and "Residents (" not in view and ">Residents who took part, as one group: 0 ties" in view
    # and no exact count about residents: one hidden tie is "some ties"
    assert "Some ties from residents to organisations are not shown because too few residents named" in view
    pts = net.organisation_points(data)
    assert pts.set_index("org_id").loc["R", "located"] == "not shown (residents)"


def _crowd(tmp_path, n_residents: int, named: dict[str, int], extra_orgs: str = "", extra_rels: str = ""):
    """Organisations A-D plus ``n_residents`` residents; ``named[org]`` residents (in turn) name each org."""
    orgs = ("A,Alpha,school,yes,\nB,Beta,health,,\nC,Gamma,faith,,\nD,Delta,business,,\n"
            + "".join(f"R{i},Person {i},residents,,\n" for i in range(n_residents)) + extra_orgs)
    rels, i = "A,D,referrals,3,1\n", 0
    for org, k in named.items():
        for _ in range(k):
            rels += f"R{i % n_residents},{org},joint delivery,2,1\n"
            i += 1
    return network(tmp_path, orgs, rels + extra_rels)


def test_residents_group_hides_a_tie_named_by_one_of_three(tmp_path):
    # 3 residents, R0 the only one tied to Alpha: fewer than 5 people and fewer than 10 residents
    data = _crowd(tmp_path, 3, {"A": 1})
    g = group_residents(net.graph(data, "1"))
    assert set(g.nodes) == {"A", "B", "C", "D", RESIDENTS_GROUP}
    assert g.nodes[RESIDENTS_GROUP]["label"] == "Residents"
    assert not g.has_edge(RESIDENTS_GROUP, "A")
    assert sorted(map(sorted, g.edges)) == [["A", "D"]]
    assert g.graph["residents"] == {"people": 3, "hidden_ties": 1, "ties_between_residents": 0}
    assert residents_note(g).endswith("Some ties from residents to organisations are not shown because too "
                                          "few residents named those organisations.")
    cent = net.centrality(g)
    assert not cent["label"].str.contains(r"Residents \(").any()
    # rules given to the page reach the group: with no threshold and no rounding the tie shows, counted 1
    loose = disclosure.Rules(min_respondents=0, min_cases=0, suppress_zeros=False, round_to=1)
    assert "Residents and \u2068Alpha\u2069: about 1 resident named it" in netviz.network_view(data, rules=loose).html
    shown = group_residents(net.graph(data, "1"), loose)
    assert sorted(shown[RESIDENTS_GROUP]) == ["A"]          # Beta, Gamma, Delta: named by none, no line
    blocks = network_view.brokers_section(data, rules=loose)
    assert ">Residents<" in "".join(b._repr_html_() for b in blocks)


def test_residents_group_shows_rounded_counts_of_big_enough_ties(tmp_path):
    # 20 residents: 8 name Alpha (>= 5, and 12 did not) -> drawn, 8 rounds to 10;
    # 6 name Gamma -> drawn, 6 rounds to 5; 1 names Beta -> hidden (fewer than 5);
    # Delta named by none -> a hidden zero, so two figures are hidden and none is recoverable
    data = _crowd(tmp_path, 20, {"A": 8, "C": 6, "B": 1})
    g = group_residents(net.graph(data, "1"))
    grp = RESIDENTS_GROUP
    assert g.edges[grp, "A"]["residents"] == 10 and g.edges[grp, "C"]["residents"] == 5
    assert not g.has_edge(grp, "B") and not g.has_edge(grp, "D")
    assert g.edges[grp, "A"]["types"] == ("joint delivery",) and g.edges[grp, "A"]["weight"] == pytest.approx(2.0)
    assert g.graph["residents"]["hidden_ties"] == 1
    # the diagram names the group, counts rounded, and numbers no one
    view = netviz.network_view(data).html
    assert "Residents (" not in view and "Person" not in view
    assert "Residents and \u2068Alpha\u2069: about 10 residents named it (joint delivery)" in view
    assert "Residents and \u2068Gamma\u2069: about 5 residents named it" in view
    assert "about 8 " not in view and "about 6 " not in view and "Residents and Beta" not in view
    # tables: one Residents row at most, never a numbered resident
    page = "".join(b._repr_html_() for b in network_view.brokers_section(data) + network_view.sectors_section(data)
                   + network_view.core_team_section(data))
    assert "Residents (" not in page and "Person" not in page


def test_residents_group_complement_and_lone_hidden_tie(tmp_path):
    # 12 residents: 10 name Alpha (all but 2: the complement is small, hidden), 6 name Gamma,
    # 5 name Beta, 5 name Delta. Alpha is the only small figure, so the smallest shown one
    # (Beta or Delta, 5 each; Beta first by id) is hidden too, else Alpha = total - the others.
    data = _crowd(tmp_path, 12, {"A": 10, "C": 6, "B": 5, "D": 5})
    g = group_residents(net.graph(data, "1"))
    grp = RESIDENTS_GROUP
    assert not g.has_edge(grp, "A") and not g.has_edge(grp, "B")
    assert g.edges[grp, "C"]["residents"] == 5 and g.edges[grp, "D"]["residents"] == 5
    assert g.graph["residents"]["hidden_ties"] == 15


def test_residents_group_across_waves_and_between_residents(tmp_path):
    # wave 1: 2 residents tied to each other and one to Alpha; wave 2: also a tie to Beta
    data = _crowd(tmp_path, 2, {"A": 1}, extra_rels="R0,R1,referrals,1,1\nR0,A,referrals,1,2\nR1,B,referrals,1,2\n")
    g = group_residents(net.graph(data, "1"))
    assert g.graph["residents"]["ties_between_residents"] == 1
    assert "Ties between residents are not shown." in residents_note(g)
    diff = net.compare_waves(data, "1", "2")
    shown = pd.concat([diff["gained"], diff["lost"]]).to_string() + diff["new_organisations"].to_string()
    assert "Residents (" not in shown
    both = pd.concat([diff["gained"], diff["lost"]])
    assert len(both) and not (both[["sector_a", "sector_b"]] == "residents").any().any()
    # summaries count the residents as one group: Alpha to Delta and the group
    assert diff["before"]["organisations"] == 5
    with pytest.raises(TypeError):
        group_residents(net.graph(data, "1"), rules=5)
    with pytest.raises(TypeError, match="group_residents"):
        residents_note(net.graph(data, "1"))


def test_map_section_lists_no_resident(tmp_path):
    orgs = write(tmp_path, "orgs.csv", "id,name,sector,easting,northing\nA,Alpha,school,430000,430000\n"
                 "B,Beta,health,,\nR,Jane Q Resident,residents,430100,430100\n")
    rels = write(tmp_path, "rels.csv", REL_HEADER + "A,B,referrals,2,1\nR,A,referrals,2,1\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        data = read_network(orgs, rels)
    points = net.organisation_points(data)
    page = "".join(b._repr_html_() for b in network_view.map_section(data, points))
    assert "Beta" in page                      # an organisation not placed is listed
    assert "Residents (" not in page and "Jane" not in page
    assert "Residents who took part are not on the map" in page


# ---------------------------------------------------------------------------- views
class _Fetches(HTMLParser):
    """Every URL a browser would fetch: src/href/data/action attributes and CSS url()."""

    def __init__(self):
        super().__init__()
        self.urls, self.scripts = [], 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "data", "action", "srcset", "poster") and value:
                self.urls.append(value)
            if name == "style" and value and "url(" in value:
                self.urls.append(value)


def test_network_view_is_offline_and_escapes_names(tmp_path):
    orgs = STAR_ORGS.replace("Alpha", "<script>alert(1)</script> & Sons")
    data = network(tmp_path, orgs, STAR_RELS + "A,B,referrals,2,2\n")
    view = netviz.network_view(data)
    assert view._repr_html_() == view.html
    parser = _Fetches()
    parser.feed(view.html)
    assert [u for u in parser.urls if re.match(r"\s*(https?:)?//", u)] == []
    assert not re.search(r"https?://", view.html)           # nothing for a script to fetch either
    assert parser.scripts == 1                              # only the wave switch
    assert "<script>alert" not in view.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in view.html
    # one group per wave, the latest shown, and a menu offering both
    assert re.findall(r'data-wave="([^"]+)"', view.html) == ["1", "2"]
    assert '<option value="2" selected>' in view.html
    assert view.html.count("<circle") >= 10                # 5 organisations in each wave
    # every organisation can take focus and carries, in words, what hovering shows
    tips = re.findall(r'<circle[^>]*tabindex="0"[^>]*data-tip="([^"]+)"', view.html)
    assert len(tips) == view.html.count('class="ccnet-node"') >= 10
    assert any(t.startswith("\u2068&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons\u2069 (") for t in tips)
    assert 'class="ccnet-detail" aria-live="polite"' in view.html and "focusin" in view.html


def test_network_view_sizes_and_validates(star):
    view = netviz.network_view(star, size_by="degree").html
    radii = [float(r) for r in re.findall(r'<circle cx="[\d.]+\.\d" cy="[^"]+" r="([^"]+)"', view)]
    assert len(radii) == 5                                  # the legend's circles are not nodes
    # degree 4 -> 4 + 14 * sqrt(4/4) = 18; degree 1 -> 4 + 14 * sqrt(1/4) = 11
    assert max(radii) == pytest.approx(18.0) and min(radii) == pytest.approx(11.0)
    assert palette.SECTOR_COLOURS["school"] in view
    with pytest.raises(ValueError, match="size_by"):
        netviz.network_view(star, size_by="fame")
    with pytest.raises(ValueError, match="unknown wave"):
        netviz.network_view(star, waves=["9"])
    with pytest.raises(TypeError):
        netviz.network_view(pd.DataFrame())


def test_map_network_draws_ties_over_deciles_and_escapes(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    orgs = (ORG_HEADER.strip() + ",easting,northing\n"
            "A,<b>Alpha</b>,school,yes,,530000,180000\nB,Beta,health,,,530500,180500\n"
            "C,Casey Person,residents,,,530200,180200\nD,Delta,faith,,,,\n")
    data = read_network(write(tmp_path, "o.csv", orgs),
                            write(tmp_path, "r.csv", REL_HEADER + "A,B,referrals,2,1\nA,C,referrals,2,1\n"))
    pts = net.organisation_points(data)
    located = pts.set_index("org_id")["located"].to_dict()
    assert located == {"A": "coordinates", "B": "coordinates", "C": "not shown (residents)",
                       "D": "no location given"}
    lsoas = gpd.GeoDataFrame({"lsoa21_code": ["E01900001", "E01900002"], "lsoa21_name": ["Demo 001A", "<i>x</i>"],
                              "imd_decile": [1, 10]},
                             geometry=[box(529000, 179000, 530300, 181000), box(530300, 179000, 531000, 181000)],
                             crs=27700)
    out = netviz.map_network(data, pts, lsoas).get_root().render()
    assert out.count("L.polyline") == 1          # A-B; the tie to the resident is not drawn
    assert out.count("L.circleMarker") == 2
    assert "Casey" not in out and "<b>Alpha" not in out and "&lt;b&gt;Alpha" in out
    assert "<i>x" not in out
    assert palette.DECILE_COLOURS[0] in out and palette.DECILE_COLOURS[9] in out
    # the same key as the asset map (deciles), a sector key, and a folded layer list
    assert re.search(r'"collapsed":\s*true', out) and "(most deprived)" in out
    assert "school" in out and palette.SECTOR_COLOURS["school"] in out and "core team" in out
    with pytest.raises(ValueError, match="organisation_points"):
        netviz.map_network(data, pd.DataFrame({"x": [1]}))


def test_report_sections_render_without_reading_files(tmp_path):
    data = network(tmp_path, RESIDENT_ORGS, BAD_RELS.replace(",1\n", ",1\n", 1) + "A,B,referrals,2,2\n")
    blocks = (network_view.brokers_section(data) + network_view.sectors_section(data) + network_view.core_team_section(data)
              + network_view.change_section(data) + network_view.issues_section(data))
    page = "".join(b._repr_html_() for b in blocks)
    assert "Jane" not in page
    assert "Xavier" not in page           # issue values (possibly a person's name) are not shown
    assert "self-tie" in page and "<caption>" in page
    # the row-level problems are an adviser note, never partner text
    issues = "".join(b.html for b in network_view.issues_section(data))
    assert issues.startswith('<section class="ccdata-adviser" data-audience="adviser"')


# ---------------------------------------------------------------------------- demo
@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    from ccdata.demo import network as demo_network

    root = tmp_path_factory.mktemp("demo-network")
    with data_dir_env(root):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first = demo_network.generate(11)
            before = [p.read_bytes() for p in first]
            again = demo_network.generate(11)
    assert [p.read_bytes() for p in again] == before   # deterministic
    return first


def test_demo_network_has_the_promised_shape(demo_files):
    orgs_path, rels_path = demo_files
    assert (orgs_path.name, rels_path.name) == ("organisations.csv", "relationships.csv")
    with pytest.warns(DataQualityWarning):
        data = read_network(orgs_path, rels_path)
    assert 55 <= len(data.organisations) <= 65
    assert data.waves == ["2024", "2025"]
    assert data.organisations["core_team"].sum() >= 1
    kinds = set(data.issues["kind"])
    assert {"unknown organisation", "self-tie", "duplicate", "conflicting answers"} <= kinds
    trend = net.over_time(data).set_index("wave")
    assert (trend["isolates"] > 0).all()
    assert trend.loc["2025", "cross_sector_share"] > trend.loc["2024", "cross_sector_share"]
    residents = data.organisations[data.organisations["sector"] == "residents"]
    assert len(residents) and residents["label"].str.startswith("Residents (").all()


# ---------------------------------------------------------------------------- notebook
def test_notebook_is_thin_parameterised_and_stripped():
    nb = json.loads((REPO / "notebooks" / "network.ipynb").read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    params = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1
    lines = [l for l in "".join(params[0]["source"]).splitlines() if l.strip()]
    assert lines[0].startswith('place_id: str = "demo"')
    for line in lines:
        assert re.match(r'^\w+: (str|int|float|bool) = ("[^"]*"|[\w.]+)  # help: .+', line), line
    for c in cells:
        if c["cell_type"] == "code":
            assert c.get("outputs") == [] and c.get("execution_count") is None
    assert len(cells) <= 20


def test_notebook_runs_on_the_demo_place(demo_site):
    # the session's demo site ran the notebook (papermill) and kept it
    text = (demo_site.place_dir.parent / ".notebooks" / "demo" / "network.ipynb").read_text(encoding="utf-8")
    assert "ccnet-" in text and "Residents (" not in text
    for name in ("Jo Example", "Sam Placeholder", "Alex Fictitious", "Priya Madeup"):
        assert name not in text


def test_isolates_sit_in_a_strip_below_the_main_group(tmp_path):
    data = network(tmp_path, STAR_ORGS + "Z,Zulu,business,,\n", STAR_RELS)
    view = netviz.network_view(data, size_by="degree").html
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="[^"]+"[^>]*><title>([^<]*)</title>', view)
    ys = {title.split(" (")[0].strip("\u2068\u2069"): float(cy) for _, cy, title in circles}  # names isolated
    assert set(ys) == {"Centre", "Alpha", "Beta", "Delta", "Echo", "Zulu"}
    assert ys["Zulu"] > max(y for name, y in ys.items() if name != "Zulu")


def test_unknown_columns_are_listed_with_a_close_match(tmp_path):
    orgs = write(tmp_path, "orgs.csv", "id,name,sector,postocde,shoe size\nC,Centre,school,DE1 1AA,9\n"
                                       "A,Alpha,school,DE1 1AB,7\n")
    rels = write(tmp_path, "rels.csv", "respondent,partner,relationship,wave,strenght\nC,A,referrals,1,3\n")
    with pytest.warns(DataQualityWarning, match="unknown column"):
        data = read_network(orgs, rels)
    unknown = data.issues[data.issues["kind"] == "unknown column"]
    got = {(f, c): m for f, c, m in zip(unknown["file"], unknown["column"], unknown["message"])}
    assert set(got) == {("orgs.csv", "postocde"), ("orgs.csv", "shoe size"), ("rels.csv", "strenght")}
    assert got[("orgs.csv", "postocde")].endswith("did you mean 'postcode'?")
    assert got[("rels.csv", "strenght")].endswith("did you mean 'strength'?")
    assert "did you mean" not in got[("orgs.csv", "shoe size")]
    assert unknown["row"].isna().all() and (unknown["action"] == "column ignored").all()
    assert data.organisations["postcode"].isna().all()  # the column was not read


def test_drawing_faults_fixed(tmp_path):
    # a name with "and" in it, a long name, and two kinds of relationship
    orgs = ("C,Centre,local authority,yes,\nA,Smith and Jones Nursery,early years,no,\n"
            "B,Demoton Council Children's Partnership Team,local authority,no,\nD,Delta,faith,no,\n")
    rels = "C,A,referrals,3,1\nC,B,information sharing,3,1\nB,D,referrals,2,1\n"
    data = network(tmp_path, orgs, rels)
    view = netviz.network_view(data, size_by="degree", labels=4).html
    # pair names quoted, so "Smith and Jones Nursery" stays one name
    assert "\u201c\u2068Centre\u2069\u201d and \u201c\u2068Smith and Jones Nursery\u2069\u201d: referrals" in view
    # labels on the right half of the drawing run leftwards: none is cut off at the edge
    # (a circle's radius is at most 18, so a label starts within 20 px of its circle)
    labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="11" text-anchor="(\w+)"', view)
    assert labels
    for x, anchor in labels:
        assert float(x) < 760 / 2 + 20 if anchor == "start" else float(x) > 760 / 2 - 20, (x, anchor)
    # a menu for the kind of relationship, a group per wave and kind (every kind first)
    assert 'data-pick="type"' in view and 'data-type="all"' in view and 'data-type="referrals"' in view
    assert 'data-type="information sharing"' in view
    # on a phone the drawing keeps its size and scrolls; a list names every organisation and its ties
    assert "overflow-x:auto" in view and "min-width:760px" in view
    assert '<details class="ccnet-list">' in view
    assert "<strong><bdi>Smith and Jones Nursery</bdi></strong> (early years): <bdi>Centre</bdi></li>" in view
