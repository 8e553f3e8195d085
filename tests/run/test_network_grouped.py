"""Residents stay one protected group in every published network figure.

The decisive test runs two real batches of the demo place that differ by one resident who
names two organisations, and compares every file the batches publish. The demo has four
residents (fewer than the ten a group needs before any of its figures is shown), so the
fifth changes no rounded figure either: any difference at all would let a reader recover
that one person's ties by differencing two runs.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import warnings
from pathlib import Path

import pytest

from helpers.folders import data_dir_env

from ccdata.analysis import disclosure
from ccdata.analysis import network as net
from ccdata.errors import DataQualityWarning
from ccdata.run import batch, changes

ORG_HEADER = "id,name,sector,core_team,first_wave\n"
REL_HEADER = "respondent,partner,relationship,strength,wave\n"
NEWCOMER = "Casey Newcomer"


def _read(tmp_path: Path, orgs: str, rels: str) -> net.NetworkData:
    (tmp_path / "o.csv").write_text(ORG_HEADER + orgs, encoding="utf-8")
    (tmp_path / "r.csv").write_text(REL_HEADER + rels, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return net.read_network(tmp_path / "o.csv", tmp_path / "r.csv")


def _add_resident(local: Path) -> tuple[str, str]:
    """Append one resident, who answers in the latest wave naming a school and a health
    organisation; returns the two names."""
    orgs = (local / "organisations.csv").read_text(encoding="utf-8")
    rows = [line.split(",") for line in orgs.splitlines()[1:]]
    school = next(r[1] for r in rows if r[2] == "school")
    health = next(r[1] for r in rows if r[2] == "health")
    with open(local / "organisations.csv", "a", encoding="utf-8") as fh:
        fh.write(f"ORG999,{NEWCOMER},residents,,,2024\n")
    with open(local / "relationships.csv", "a", encoding="utf-8") as fh:
        fh.write(f"{NEWCOMER},{school},information sharing,monthly,2025\n"
                 f"{NEWCOMER},{health},referrals,weekly,2025\n")
    return school, health


_FOLIUM_ID = re.compile(r"_[0-9a-f]{32}(?![0-9a-f])")
_LONG_FLOAT = re.compile(r"\d+\.\d{10,}")
_RAN_CELLS = re.compile(r"(<td>ok</td>)(<td class=\"num\" data-sort=\"[\d.]+\">[\d.]+</td>){2}")
_RAN_JSON = re.compile(r'"(seconds|bytes)": [\d.]+')
_RAN_CSV = re.compile(r",ok,[\d.]+,[\d.]+,")
#: When a footprint record was made (the adviser's file beside the pages).
_RESOLVED_AT = re.compile(r'"resolved_at": "[^"]*"')


def _normalise(text: str) -> str:
    """Take out what differs between any two runs: folium's random element ids, the last
    digits of floats summed in a different order, when a footprint was recorded, and the run
    log's seconds and sizes (the pages themselves are compared whole)."""
    text = _FOLIUM_ID.sub("_ID", text)
    text = _RESOLVED_AT.sub('"resolved_at": "_"', text)
    text = _LONG_FLOAT.sub(lambda m: f"{float(m.group()):.9f}", text)
    text = _RAN_CELLS.sub(r"\1<td>RAN</td>", text)
    text = _RAN_JSON.sub(r'"\1": RAN', text)
    return _RAN_CSV.sub(",ok,RAN,", text)


def _published(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): _normalise(p.read_text(encoding="utf-8"))
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow(reason="two real batches of the demo place")
def test_one_more_resident_changes_no_published_file(demo_data_dir, tmp_path):
    data_a, data_b = tmp_path / "data-a", tmp_path / "data-b"
    shutil.copytree(demo_data_dir, data_a)
    shutil.copytree(demo_data_dir, data_b)
    local_b = data_b / "raw" / "demo" / "local"
    school, health = _add_resident(local_b)
    # the resident is read, answered in 2025 and named both organisations
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        before = net.read_network(data_a / "raw/demo/local/organisations.csv",
                                  data_a / "raw/demo/local/relationships.csv")
        after = net.read_network(local_b / "organisations.csv", local_b / "relationships.csv")
    people = lambda d: int((d.organisations["sector"] == net.RESIDENTS).sum())  # noqa: E731
    assert (people(before), people(after)) == (4, 5)
    assert len(after.ties) == len(before.ties) + 2
    full = net.graph(after, "2025")
    newcomer = after.organisations.loc[after.organisations["label"].str.startswith("Residents ("), "org_id"]
    assert any(full.degree(n) == 2 and {full.nodes[m]["label"] for m in full[n]} == {school, health}
               for n in newcomer)

    now = dt.datetime(2026, 1, 2, 3, 4, 5)
    runs = []
    for data, site in ((data_a, tmp_path / "site-a"), (data_b, tmp_path / "site-b")):
        with data_dir_env(data), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = batch.run_batch(["demo"], views=["network"], out=site, jobs=1, progress=False, now=now)
        assert result.ok, result.table()
        runs.append(_published(site))
    a, b = runs
    assert set(a) == set(b)
    assert any(name.endswith("network.html") for name in a)
    assert any(name.endswith(changes.NETWORK_FILE) for name in a)
    differ = sorted(name for name in a if a[name] != b[name])
    assert differ == [], f"one resident more changes {differ}"
    assert NEWCOMER not in "".join(b.values())


# ---------------------------------------------------------------------------- grouped figures, by hand
# Centre (core team) tied to Alpha and Beta; residents R1, R2 each tied to Centre, R1 also to
# Alpha, and R1-R2 to each other. Grouped (threshold 10 residents): the group is one node with no
# tie shown, so 4 nodes (Centre, Alpha, Beta, Residents), 2 ties, the group an isolate.
SMALL_ORGS = ("C,Centre,local authority,yes,\nA,Alpha,school,,\nB,Beta,health,,\n"
              "R1,Person One,residents,,\nR2,Person Two,residents,,\n")
SMALL_RELS = ("C,A,referrals,3,1\nA,C,referrals,3,1\nC,B,referrals,3,1\n"
              "R1,C,information sharing,2,1\nR2,C,information sharing,2,1\nR1,A,referrals,2,1\n"
              "R1,R2,referrals,2,1\n")


def test_published_summary_counts_residents_as_one_group(tmp_path):
    data = _read(tmp_path, SMALL_ORGS, SMALL_RELS)
    s = net.published_summary(data, "1")
    assert (s["organisations"], s["ties"], s["isolates"], s["components"]) == (4, 2, 1, 2)
    # 2 ties of 4*3/2 = 6 possible pairs
    assert s["density"] == pytest.approx(2 / 6)
    # Centre-Alpha answered by both, Centre-Beta by Centre only (Beta did not answer): only the
    # tie between two respondents counts, and it is confirmed -> 1/1; residents never count
    assert s["reciprocity"] == pytest.approx(1.0)
    # both ties cross sectors
    assert s["cross_sector_share"] == pytest.approx(1.0)


def test_over_time_and_compare_waves_use_the_grouped_graph(tmp_path):
    data = _read(tmp_path, SMALL_ORGS, SMALL_RELS + "C,A,referrals,3,2\nR1,B,referrals,2,2\n")
    trend = net.over_time(data).set_index("wave")
    assert trend.loc["1", "organisations"] == 4 and trend.loc["1", "ties"] == 2
    # wave 2: only Centre-Alpha between organisations; the group has one hidden tie
    assert trend.loc["2", "ties"] == 1
    # organisations that answered: wave 1 Centre and Alpha (residents are not counted here)
    assert trend.loc["1", "respondents"] == 2 and trend.loc["2", "respondents"] == 1
    diff = net.compare_waves(data, "1", "2")
    assert diff["before"]["ties"] == 2 and diff["after"]["ties"] == 1
    assert diff["before"]["organisations"] == 4


def test_residents_note_gives_no_exact_count_of_residents_ties(tmp_path):
    data = _read(tmp_path, SMALL_ORGS, SMALL_RELS)
    note = net.residents_note(net.group_residents(net.graph(data, "1")))
    assert "Some ties from residents to organisations are not shown" in note
    assert "Ties between residents are not shown." in note
    assert not re.search(r"\d", note)


def test_residents_note_rounds_a_shown_count(tmp_path):
    # 20 residents; Alpha named by 3, Beta by 4, Gamma by 4, Delta by 3: every tie is named by
    # fewer than 5 and hidden, 14 in all; 14 of 20 residents' ties is shown rounded: about 15
    orgs = "A,Alpha,school,,\nB,Beta,health,,\nG,Gamma,faith,,\nD,Delta,housing,,\n" + "".join(
        f"R{i},P{i},residents,,\n" for i in range(20))
    named = ["A"] * 3 + ["B"] * 4 + ["G"] * 4 + ["D"] * 3
    rels = "A,B,referrals,2,1\n" + "".join(f"R{i},{o},referrals,2,1\n" for i, o in enumerate(named))
    g = net.group_residents(net.graph(_read(tmp_path, orgs, rels), "1"))
    assert g.graph["residents"]["hidden_ties"] == 14
    note = net.residents_note(g)
    assert "About 15 ties from residents to organisations are not shown" in note
    assert "14" not in note


def test_network_exports_hide_residents_counts_below_the_group_threshold(tmp_path):
    data = _read(tmp_path, SMALL_ORGS, SMALL_RELS)
    files = changes.network_exports(data)
    summary = dict(zip(files[changes.NETWORK_FILE]["metric"], files[changes.NETWORK_FILE]["value"]))
    assert summary["organisations"] == 4 and summary["ties"] == 2
    # Alpha (school) and Beta (health) reach each other only through Centre (core team); the
    # residents' group has no tie shown: 1 connected cross-sector pair, connected only via the core
    assert summary["core_cross_only_share"] == 1.0 and summary["respondents"] == 2
    ties = files[changes.RESIDENT_TIES_FILE]
    # two residents: fewer than 10, so no sector's count is shown
    assert disclosure.is_protected(ties) and ties["suppressed"].all() and ties["ties"].isna().all()
