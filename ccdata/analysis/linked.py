"""Disclosure control over a whole page of survey tables: linked suppression, then an audit.

The listening page publishes, for each question, the place figure, one row per wave,
one row per ward and the change between the last two waves. These tables share
their margins (the waves and the wards both add up to the place figure), so a figure
hidden in one table can be recovered from another. :func:`survey_page` builds all of
them from one protected breakdown each (the change table is read from the protected
by-wave table, so it never shows a wave that table hides), then audits the whole set
with :mod:`ccdata.analysis.audit`: every count published is a constraint on the
unpublished wave x ward cells, and every hidden figure must keep a range at least as
wide as its suppression threshold. A question that fails has its breakdowns hidden
and the audit repeats; if it still fails, the page must not be published.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ccdata.analysis import audit, disclosure, survey

WARD = "ward24_code"
WITHHELD = "hidden because the audit found it could be worked out from other tables on this page"


@dataclass
class SurveyPage:
    """The protected tables of a listening page and the audit behind them."""

    overall: pd.DataFrame
    by_wave: pd.DataFrame
    by_ward: pd.DataFrame
    change: pd.DataFrame | None
    audit: pd.DataFrame
    rounds: int
    ok: bool

    @property
    def note(self) -> str:
        """The audit's result in plain words (for the adviser's notes)."""
        text = audit.summary(self.audit)
        if self.rounds > 1:
            text += (" The first check failed, so the breakdowns of the questions concerned were hidden "
                     "and the check repeated.")
        if not self.ok:
            text += " The survey figures were therefore not published."
        return text


def survey_page(responses: pd.DataFrame, questions: pd.DataFrame, rules: disclosure.Rules | None = None,
                *, max_rounds: int = 2) -> SurveyPage:
    """Every survey table of the listening page, protected together and audited.

    Parameters
    ----------
    responses, questions : DataFrame
        From :func:`ccdata.analysis.survey.load_place_survey`.
    rules : disclosure.Rules, optional
    max_rounds : int
        Audits to run (the first on the tables as protected, the next after hiding the
        breakdowns of every question with a pinned figure).

    Returns
    -------
    SurveyPage
        ``ok`` is False when a hidden figure could still be pinned down; the caller must
        then publish none of the survey tables.
    """
    rules = disclosure._check_rules(rules)
    overall = survey.summarise(responses, questions, rules=rules)
    by_wave = survey.summarise(responses, questions, by="wave", rules=rules)
    by_ward = survey.summarise(responses, questions, by=WARD, rules=rules)
    waves = responses.attrs.get("waves") or list(dict.fromkeys(responses["wave"]))
    result = None
    for round_no in range(1, max_rounds + 1):
        result = audit_tables(responses, questions, rules, overall, by_wave, by_ward)
        if audit.passed(result) or round_no == max_rounds:
            break
        pinned = {f.split(":", 1)[0] for f in result.loc[~result["protected"], "figure"]}
        by_wave = _withhold(by_wave, pinned)
        by_ward = _withhold(by_ward, pinned)
    change = _change(by_wave, waves) if len(waves) >= 2 else None
    return SurveyPage(overall, by_wave, by_ward, change, result, round_no, audit.passed(result))


def _withhold(table: pd.DataFrame, question_ids: set[str]) -> pd.DataFrame:
    out = table.copy()
    sel = out["question_id"].isin(question_ids) & ~out["suppressed"]
    for col in ("n", "positive", "pct_positive", "ci_lower", "ci_upper"):
        out.loc[sel, col] = pd.NA
    out.loc[sel, "suppression"] = WITHHELD
    out.loc[sel, "suppressed"] = True
    out.loc[sel, "compared"] = survey.stats.NOT_COMPARED
    return disclosure.mark(out, None) if not out.attrs.get("disclosure") else out


def _change(by_wave: pd.DataFrame, waves: list) -> pd.DataFrame:
    """The change between the last two waves with answers, from the protected by-wave table.

    A wave in which nobody answered a question (a header-only file, blank answers) has
    no row for it, so it never replaces the last real wave in the comparison.
    """
    rows = []
    for qid, group in by_wave.groupby("question_id", sort=False):
        answered = [w for w in waves if (group["wave"] == w).any()]
        if len(answered) < 2:
            continue
        first, second = answered[-2], answered[-1]
        pick = {w: group[group["wave"] == w] for w in (first, second)}
        row = {"question_id": qid, "question_text": group["question_text"].iloc[0], "wave_1": first,
               "wave_2": second, "n_1": pd.NA, "pct_1": float("nan"), "n_2": pd.NA, "pct_2": float("nan"),
               "change_pts": float("nan"), "change_lower": float("nan"), "change_upper": float("nan"),
               "p_value": float("nan"), "significant": pd.NA, "suppressed": True,
               "suppression": "fewer respondents or answers than the rules allow in one of the waves"}
        if all(len(p) == 1 and not bool(p["suppressed"].iloc[0]) for p in pick.values()):
            (c1, n1), (c2, n2) = [(int(pick[w]["positive"].iloc[0]), int(pick[w]["n"].iloc[0]))
                                  for w in (first, second)]
            test = survey.stats.difference_test(c1, n1, c2, n2)
            row.update(pct_1=100 * test["p1"], pct_2=100 * test["p2"], change_pts=100 * test["difference"],
                       change_lower=100 * test["lower"], change_upper=100 * test["upper"],
                       p_value=test["p_value"], significant=test["significant"], n_1=n1, n_2=n2,
                       suppressed=False, suppression="")
        rows.append(row)
    out = pd.DataFrame(rows, columns=["question_id", "question_text", "wave_1", "wave_2", "n_1", "pct_1", "n_2",
                                      "pct_2", "change_pts", "change_lower", "change_upper", "p_value",
                                      "significant", "suppressed", "suppression"])
    for col in ("n_1", "n_2"):
        out[col] = out[col].astype("Int64")
    out.attrs.update(by_wave.attrs)
    return out


def audit_tables(responses: pd.DataFrame, questions: pd.DataFrame, rules: disclosure.Rules,
                 overall: pd.DataFrame, by_wave: pd.DataFrame, by_ward: pd.DataFrame) -> pd.DataFrame:
    """Audit the published overall, by-wave and by-ward tables of every question together.

    The unknowns are the (never published) counts of each wave x ward cell: respondents
    and positive answers. Every published count is a constraint (rounded counts as
    intervals); every hidden respondent count must keep a range of at least
    ``rules.min_respondents``, every hidden count of positive answers (and, with
    ``check_complement``, of other answers) a range of at least ``rules.min_cases``.

    Returns
    -------
    DataFrame
        As :meth:`ccdata.analysis.audit.Audit.run`; ``figure`` reads
        ``"<question id>: <table> <row>, <what>"``.
    """
    results = []
    frame = responses.copy()
    frame[WARD] = frame[WARD].astype("object").where(frame[WARD].notna(), survey.NOT_KNOWN)
    waves = list(dict.fromkeys(frame["wave"]))
    wards = list(dict.fromkeys(frame[WARD]))
    for qid in list(dict.fromkeys(overall["question_id"])):
        a = audit.Audit()
        n_cells, p_cells = {}, {}
        for w in waves:
            for k in wards:
                n_cells[w, k] = a.variable(f"n[{w}|{k}]")
                p_cells[w, k] = a.variable(f"p[{w}|{k}]")
                a.between({n_cells[w, k]: 1, p_cells[w, k]: -1}, 0, float("inf"))
        for label, table, key, members in (
                ("all waves", overall[overall["question_id"] == qid], None, lambda v: list(n_cells)),
                ("wave", by_wave[by_wave["question_id"] == qid], "wave",
                 lambda v: [c for c in n_cells if c[0] == v]),
                ("ward", by_ward[by_ward["question_id"] == qid], WARD,
                 lambda v: [c for c in n_cells if c[1] == v])):
            for row in table.itertuples(index=False):
                value = getattr(row, key) if key else None
                cells = members(value)
                name = f"{qid}: {label}{'' if key is None else ' ' + str(value)}"
                n_idx = [n_cells[c] for c in cells]
                p_idx = [p_cells[c] for c in cells]
                if row.suppressed:
                    a.hidden(f"{name}, respondents", n_idx, rules.min_respondents)
                    a.hidden(f"{name}, positive answers", p_idx, rules.min_cases)
                    if rules.check_complement:
                        a.hidden(f"{name}, other answers",
                                 {**{i: 1 for i in n_idx}, **{i: -1 for i in p_idx}}, rules.min_cases)
                else:
                    a.rounded(n_idx, int(row.n), rules.round_to, f"{name}, respondents")
                    a.rounded(p_idx, int(row.positive), rules.round_to, f"{name}, positive answers")
        results.append(a.run())
    if not results:
        return audit.Audit().run()
    return pd.concat(results, ignore_index=True)
