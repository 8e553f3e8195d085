"""CSV exports beside the pages: personal data only through disclosure control, no record per person."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from ccdata.analysis import disclosure, leaks, survey
from ccdata.errors import DataQualityWarning, DisclosureError, UndeclaredOutputError
from ccdata.io.local import network as net
from ccdata.run import changes

ORGS = ("id,name,sector,core_team,first_wave\nC,Centre,local authority,yes,\nA,Alpha,school,no,\n"
        "B,Beta,health,,\n" + "".join(f"R{i},Resident Person {i},residents,,\n" for i in range(1, 9)))
# Centre-Alpha, Centre-Beta; residents 1-6 tied to Centre, residents 7-8 to Alpha
RELS = ("respondent,partner,relationship,strength,wave\nC,A,referrals,3,1\nC,B,referrals,3,1\n"
        + "".join(f"R{i},C,information sharing,2,1\n" for i in range(1, 7))
        + "".join(f"R{i},A,information sharing,2,1\n" for i in (7, 8)))


def _network(tmp_path: Path):
    (tmp_path / "orgs.csv").write_text(ORGS)
    (tmp_path / "rels.csv").write_text(RELS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return net.read_network(tmp_path / "orgs.csv", tmp_path / "rels.csv")


def test_residents_ties_are_counted_and_protected_never_listed(tmp_path):
    # 8 residents: a group big enough with a threshold of 5 residents (the default 10 hides it all)
    files = changes.network_exports(_network(tmp_path), disclosure.Rules(round_to=1, min_respondents=5))
    conn = files[changes.CONNECTIONS_FILE]
    # only the two ties between organisations; no resident appears, by name or label
    assert sorted(zip(conn["organisation_a"], conn["organisation_b"])) == [("Alpha", "Centre"),
                                                                           ("Beta", "Centre")]
    text = "".join(f.to_csv() for f in files.values())
    assert not leaks.scan_for_leaks(text, [f"Resident Person {i}" for i in range(1, 9)]
                                         + [f"Residents ({i})" for i in range(1, 9)])
    ties = files[changes.RESIDENT_TIES_FILE]
    assert disclosure.is_protected(ties)
    t = ties.set_index("partner_sector")
    # 6 residents' ties to the local authority are shown; 2 to a school are fewer than 5: hidden,
    # and so the health row (0) too, or the school's 2 would be total - the others
    assert t.loc["local authority", "ties"] == 6
    assert bool(t.loc["school", "suppressed"]) and pd.isna(t.loc["school", "ties"])
    assert t["suppressed"].sum() >= 2


def test_save_writes_personal_files_only_when_sealed(tmp_path):
    files = changes.network_exports(_network(tmp_path))
    changes._save(files[changes.RESIDENT_TIES_FILE], tmp_path / changes.RESIDENT_TIES_FILE)
    saved = changes.read_summary(tmp_path / changes.RESIDENT_TIES_FILE)
    assert "local authority" in set(saved["partner_sector"])
    # the same counts without disclosure control: refused, nothing written
    raw = pd.DataFrame({"partner_sector": ["local authority", "school"], "ties": [6, 2]})
    with pytest.raises(DisclosureError, match="resident_connections.csv"):
        changes._save(raw, tmp_path / "other" / changes.RESIDENT_TIES_FILE)
    assert not (tmp_path / "other").exists()
    # a protected table changed afterwards (exact counts put back) is refused too
    ties = files[changes.RESIDENT_TIES_FILE]
    changed = ties.assign(ties=[6 if s == "local authority" else 2 if s == "school" else 0
                                for s in ties["partner_sector"]])
    with pytest.raises(DisclosureError):
        changes._save(changed, tmp_path / "x.csv")


def test_survey_results_reach_a_csv_only_protected(tmp_path):
    questions = pd.DataFrame({"question_id": ["Q1"], "question_text": ["Safe?"], "type": ["single"],
                              "options": [("Yes", "No")], "positive": [("Yes",)], "benchmark": [float("nan")]})
    responses = pd.DataFrame({"wave": ["2025"] * 23, "ward24_code": ["W1"] * 20 + ["W2"] * 3,
                              "lsoa21_code": ["E01000001"] * 23, "Q1": ["Yes"] * 12 + ["No"] * 11})
    responses.attrs["personal"] = True
    with pytest.raises(DisclosureError):   # the answers themselves, one row per person
        changes._save(responses, tmp_path / "answers.csv")
    table = survey.summarise(responses, questions, by="ward24_code")
    checked = changes.check_export(table, changes.RESIDENT_TIES_FILE)  # sealed: it passes the gate
    text = checked.to_csv(index=False)
    assert "W2" in text and ",3," not in text       # the 3 respondents of W2 are hidden
    assert len(checked) == 2   # a row per ward, none per person
    with pytest.raises(UndeclaredOutputError):  # sealed, but not a declared file: not written
        changes._save(table, tmp_path / "demo" / "by_ward.csv")
    assert not (tmp_path / "demo" / "by_ward.csv").exists()
