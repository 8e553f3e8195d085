"""Bridges, local bridges, cross-sector dependence on the core team, relationship types and
survey coverage, on networks drawn by hand (expected values worked out in the comments)."""
from __future__ import annotations

import math
import warnings

import networkx as nx
import pytest

from ccdata.analysis import network as net
from ccdata.analysis import netlinks as nl
from ccdata.analysis import netsurvey as ns
from ccdata.errors import DataQualityWarning


def g_of(sectors: dict[str, str], ties: list[tuple[str, str, float]], core=()) -> nx.Graph:
    g = nx.Graph()
    for n, s in sectors.items():
        g.add_node(n, label=f"Org {n}", sector=s, core_team=n in core)
    for a, b, w in ties:
        g.add_edge(a, b, weight=w)
    return g


def test_bridge_only_tie_and_local_bridges():
    # two triangles A-B-C (schools) and D-E-F (health) joined by C-D; G hangs on F;
    # a separate five-cycle P-Q-R-S-T, where every tie's ends share no partner (span 4)
    sectors = {**{n: "school" for n in "ABC"}, **{n: "health" for n in "DEFG"}, **{n: "faith" for n in "PQRST"}}
    ties = [("A", "B", 3), ("B", "C", 3), ("A", "C", 3), ("D", "E", 3), ("E", "F", 3), ("D", "F", 3),
            ("C", "D", 4), ("F", "G", 1.4)] + [(a, b, 2) for a, b in zip("PQRST", "QRSTP")]
    links = nl.weak_links(g_of(sectors, ties)).set_index(["organisation_a", "organisation_b"])
    # C-D: removing it leaves {A, B, C} (3) and {D, E, F, G} (4): the bigger side first
    cd = links.loc[("Org D", "Org C")]
    assert cd["kind"] == nl.BRIDGE and (cd["side_a"], cd["side_b"]) == (4, 3)
    assert cd["strength"] == "weekly"
    assert cd["sentence"] == ("Without the tie between \u201cOrg D\u201d and \u201cOrg C\u201d (in touch weekly), "
                              "\u201cOrg C\u201d and the 2 other school organisations reached only through it would be "
                              "cut off from the rest of the network.")
    # F-G: G has no other tie; strength 1.4 rounds to 1
    fg = links.loc[("Org F", "Org G")]
    assert fg["kind"] == nl.ONLY_TIE and fg["strength"] == "yearly or less often"
    local = links[links["kind"] == nl.LOCAL_BRIDGE]
    assert len(local) == 5 and (local["span"] == 4).all()
    assert set(local["sector_a"]) == {"faith"}
    # triangle ties are no local bridges; bridges are not listed again as local bridges
    assert len(links) == 7
    assert list(nl.weak_links(g_of(sectors, ties))["kind"])[:2] == [nl.BRIDGE, nl.ONLY_TIE]


def test_strength_words_and_names_in_quotes():
    assert [nl.strength_word(w) for w in (1, 2, 2.5, 3, 4, 5)] == [
        "yearly or less often", "a few times a year", "monthly", "monthly", "weekly", "daily"]
    with pytest.raises(ValueError):
        nl.strength_word(0)
    with pytest.raises(ValueError):
        nl.strength_word("often")
    # a name with "and" in it stays one name
    assert nl.quoted("Smith and Jones") == "\u201cSmith and Jones\u201d"


def test_cross_sector_dependence():
    # core team K tied to A (school), B and C (health); B-C tied. Pairs outside the core in
    # different sectors and connected: A-B, A-C (B-C are one sector). Without K, A is alone:
    # both pairs only through the core team -> 2 of 2.
    sectors = {"K": "local authority", "A": "school", "B": "health", "C": "health"}
    ties = [("K", "A", 3), ("K", "B", 3), ("K", "C", 3), ("B", "C", 3)]
    assert nl.cross_sector_dependence(g_of(sectors, ties, core={"K"})) == {"pairs": 2, "only_via_core": 2,
                                                                        "share": 1.0}
    # A-B tied too: A reaches B and C without K -> 0 of 2
    got = nl.cross_sector_dependence(g_of(sectors, ties + [("A", "B", 3)], core={"K"}))
    assert got == {"pairs": 2, "only_via_core": 0, "share": 0.0}
    # no core team: undefined
    assert math.isnan(nl.cross_sector_dependence(g_of(sectors, ties))["share"])


ORGS = ("id,name,sector,core_team,first_wave\nC,Centre,local authority,yes,\nA,Alpha,school,,\nB,Beta,school,,\n"
        "D,Delta,health,,\nR1,Person One,residents,,\nR2,Person Two,residents,,\n")
# wave 1: Centre-Alpha reported by both (referrals); Centre-Beta by Centre (Beta never
# answered); Delta names Centre, Centre answered without naming Delta; Alpha names Delta,
# Delta answered without naming Alpha; a resident names Centre.
RELS = ("respondent,partner,relationship,strength,wave\nC,A,referrals,3,1\nA,C,referrals,3,1\n"
        "C,B,information sharing,2,1\nD,C,information sharing,2,1\nA,D,information sharing,2,1\n"
        "R1,C,information sharing,2,1\n"
        # wave 2: Centre-Alpha referrals again, and Beta-Delta information sharing from Beta
        "C,A,referrals,4,2\nB,D,information sharing,2,2\n")


@pytest.fixture
def survey(tmp_path):
    (tmp_path / "o.csv").write_text(ORGS)
    (tmp_path / "r.csv").write_text(RELS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return net.read_network(tmp_path / "o.csv", tmp_path / "r.csv")


def test_one_sided_ties(survey):
    got = ns.one_sided(survey).set_index("wave")
    # wave 1: C-A both; C-B one end, Beta silent; C-D and A-D one end, the other answered
    assert got.loc["1"].to_dict() == {"ties": 4, "both_ends": 1, "one_end_other_silent": 1,
                                      "one_end_other_answered": 2}
    # wave 2: C-A from Centre only (Alpha did not answer); B-D from Beta (Delta did not answer)
    assert got.loc["2"].to_dict() == {"ties": 2, "both_ends": 0, "one_end_other_silent": 2,
                                      "one_end_other_answered": 0}


def test_coverage_by_sector_with_residents_protected(survey):
    cov = ns.coverage(survey).set_index(["wave", "sector"])
    assert cov.loc[("1", "school"), ["organisations", "answered"]].tolist() == [2, 1]
    assert cov.loc[("1", "school"), "response_rate"] == pytest.approx(0.5)
    assert cov.loc[("1", "local authority"), "response_rate"] == pytest.approx(1.0)
    # two residents: fewer than 10, nothing shown, no rate
    assert cov.loc[("1", "residents")].isna().all()
    rates = ns.response_rates(survey).set_index("wave")
    # wave 1: Centre, Alpha, Delta of 4 organisations (residents not counted) = 75%: no warning
    assert rates.loc["1", "response_rate"] == pytest.approx(0.75)
    # wave 2: Centre and Beta of 4 = 50% < 70%: a warning naming the wave
    assert rates.loc["2", "response_rate"] == pytest.approx(0.5)
    said = ns.coverage_warnings(survey)
    assert len(said) == 1 and said[0].startswith("In wave 2 only 2 of 4 organisations answered (50%)")


def test_sector_warning_needs_three_organisations(tmp_path):
    # schools: Alpha, Beta, Echo, Foxtrot; only Alpha answers (25% of 4) -> a sector warning;
    # overall Centre and Alpha of 5 = 40% -> a wave warning too
    orgs = ORGS + "E,Echo,school,,\nF,Foxtrot,school,,\n"
    (tmp_path / "o.csv").write_text(orgs)
    (tmp_path / "r.csv").write_text("respondent,partner,relationship,strength,wave\nC,A,referrals,3,1\n"
                                    "A,C,referrals,3,1\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        data = net.read_network(tmp_path / "o.csv", tmp_path / "r.csv")
    said = ns.coverage_warnings(data)
    assert said[0].startswith("In wave 1 only 2 of 6 organisations answered (33%)")
    assert said[1] == ("In wave 1 fewer than half of the school organisations answered (1 of 4): that "
                       "sector's ties and roles may be understated.")


def test_relationship_types_and_their_change(survey):
    table = ns.types_table(survey).set_index(["relationship", "wave"])
    # wave 1 referrals: Centre-Alpha only
    assert table.loc[("referrals", "1"), ["organisations", "ties"]].tolist() == [2, 1]
    # wave 1 information sharing: C-B, C-D, A-D (the resident's tie is hidden: 2 residents)
    assert table.loc[("information sharing", "1"), ["organisations", "ties"]].tolist() == [4, 3]
    # all three join different sectors (la-school, la-health, school-health)
    assert table.loc[("information sharing", "1"), "cross_sector_share"] == pytest.approx(1.0)
    assert table.loc[("referrals", "1"), "cross_sector_share"] == pytest.approx(1.0)
    change = ns.types_change(survey, "1", "2").set_index("relationship")
    assert change.loc["information sharing", ["ties_before", "ties_after", "ties_change"]].tolist() == [3, 1, -2]
    assert change.loc["referrals", "ties_change"] == 0
    with pytest.raises(ValueError, match="unknown wave"):
        ns.types_change(survey, "1", "9")


def test_over_time_carries_cross_sector_dependence(survey):
    trend = net.over_time(survey).set_index("wave")
    # wave 1 outside the core: Alpha, Beta (school), Delta (health), residents' group (no tie
    # shown). Connected cross-sector pairs: Alpha-Delta, Beta-Delta (Beta via Centre);
    # without Centre, Alpha-Delta still tied, Beta alone -> 1 of 2
    assert trend.loc["1", "core_cross_only_share"] == pytest.approx(0.5)


def _residents_survey(tmp_path, n_residents: int, named: dict[str, tuple[str, int]]):
    """Alpha, Beta (school, health) tied; ``named[org] = (type, k)``: k residents name org with type."""
    orgs = "id,name,sector,core_team,first_wave\nA,Alpha,school,,\nB,Beta,health,,\nG,Gamma,faith,,\n" + "".join(
        f"R{i},Person {i},residents,,\n" for i in range(n_residents))
    rels, i = "respondent,partner,relationship,strength,wave\nA,B,referrals,3,1\n", 0
    for org, (kind, k) in named.items():
        for _ in range(k):
            rels += f"R{i % n_residents},{org},{kind},2,1\n"
            i += 1
    (tmp_path / "o.csv").write_text(orgs)
    (tmp_path / "r.csv").write_text(rels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return net.read_network(tmp_path / "o.csv", tmp_path / "r.csv")


def test_per_type_residents_ties_pass_disclosure(tmp_path):
    # 12 residents. Information sharing: 7 name Alpha (>= 5, and 5 did not: shown, 7 rounds to 5),
    # 6 name Gamma, none Beta: Beta's zero is hidden, so the smallest shown (Gamma) is hidden too.
    # Joint delivery: 3 name Beta (fewer than 5: hidden, and with it the others).
    data = _residents_survey(tmp_path, 12, {"A": ("information sharing", 7), "G": ("information sharing", 6),
                                            "B": ("joint delivery", 3)})
    table = ns.types_table(data).set_index(["relationship", "wave"])
    # information sharing: only the group's tie to Alpha is shown -> 2 organisations (group, Alpha), 1 tie
    assert table.loc[("information sharing", "1"), ["organisations", "ties"]].tolist() == [2, 1]
    g = net.published_graph(data, "1", relationships=("information sharing",))
    assert g.edges[net.RESIDENTS_GROUP, "A"]["residents"] == 5 and not g.has_edge(net.RESIDENTS_GROUP, "G")
    # joint delivery: 3 residents only: nothing shown, no organisation has a tie of that type
    assert table.loc[("joint delivery", "1"), ["organisations", "ties"]].tolist() == [0, 0]


def test_residents_answering_are_rounded(tmp_path):
    # 12 residents, 7 of them answered (named someone): shown rounded, 12 -> 10 and 7 -> 5
    data = _residents_survey(tmp_path, 12, {"A": ("information sharing", 7)})
    cov = ns.coverage(data).set_index(["wave", "sector"])
    assert cov.loc[("1", "residents"), ["organisations", "answered"]].tolist() == [10, 5]
    assert math.isnan(cov.loc[("1", "residents"), "response_rate"])
    # organisations' response counts leave residents out: Alpha answered, Beta and Gamma did not
    assert ns.response_rates(data).loc[0, ["organisations", "answered"]].tolist() == [3, 1]
