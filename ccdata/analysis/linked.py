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

:func:`protect_breakdowns` does the same for any population broken down several
ways (respondents by school, by year group and their cross-tab, with
:func:`survey_breakdowns`; pupils by ward and by deprivation decile, with
:func:`ccdata.analysis.pupils.page`): every table is a sum of the same unpublished
cells, a figure that another table exposes is hidden too, and the audit repeats.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccdata.analysis import audit, disclosure, labels, survey
from ccdata.io.local.survey import check_questions

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
        return audit.note(self.audit, rounds=self.rounds, ok=self.ok, withheld="The survey figures")


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
        by_wave = _withhold(by_wave, pinned, rules)
        by_ward = _withhold(by_ward, pinned, rules)
    change = _change(by_wave, waves, rules) if len(waves) >= 2 else None
    return SurveyPage(overall, by_wave, by_ward, change, result, round_no, audit.passed(result))


def _withhold(table: pd.DataFrame, question_ids: set[str], rules: disclosure.Rules) -> pd.DataFrame:
    out = table.copy()
    sel = out["question_id"].isin(question_ids) & ~out["suppressed"]
    for col in ("n", "positive", "pct_positive", "ci_lower", "ci_upper"):
        out.loc[sel, col] = pd.NA
    out.loc[sel, "suppression"] = WITHHELD
    out.loc[sel, "suppressed"] = True
    out.loc[sel, "compared"] = survey.stats.NOT_COMPARED
    return disclosure.mark(out, rules)  # sealed again with the figures now withheld


def _change(by_wave: pd.DataFrame, waves: list, rules: disclosure.Rules) -> pd.DataFrame:
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
    # every figure comes from the protected by-wave table's published counts
    return disclosure.mark(out, rules, sources=[by_wave])


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


# --------------------------------------------------------------------------- breakdowns of one population

@dataclass
class LinkedSet:
    """Tables of one population broken down several ways (total, by school, by year group,
    a cross-tab), protected together, and the audit of the set.

    ``tables`` maps each breakdown (a tuple of columns; ``()`` is the total) to its
    protected table; ``rounds`` is how many audits were run; ``ok`` is False when a
    hidden figure could still be pinned down, and then none of the tables may be shown.
    """

    tables: dict[tuple[str, ...], pd.DataFrame]
    audit: pd.DataFrame
    rounds: int
    ok: bool

    @property
    def note(self) -> str:
        """The audit's result in plain words (for the adviser's notes)."""
        return audit.note(self.audit, rounds=self.rounds, ok=self.ok, withheld="These figures")


def _levels(frame: pd.DataFrame, dims: list[str], cells: pd.DataFrame | None) -> pd.DataFrame:
    """Every combination of the breakdowns' values an intruder must allow for.

    By default every combination of the values seen (the intruder cannot tell which
    are empty); ``cells`` narrows this to the combinations that can exist (e.g. the
    (ward, deprivation decile) pairs of a place's LSOAs, which are public).
    """
    if not dims:
        return pd.DataFrame(index=[0])
    if cells is None:
        index = pd.MultiIndex.from_product([sorted(frame[d].unique(), key=str) for d in dims], names=dims)
        return index.to_frame(index=False)
    missing = [d for d in dims if d not in cells.columns]
    if missing:
        raise KeyError(f"cells lacks the breakdown column(s) {missing}")
    grid = cells[dims].astype("object").where(cells[dims].notna(), survey.NOT_KNOWN)
    grid = pd.concat([grid, frame[dims]], ignore_index=True).drop_duplicates(ignore_index=True)
    return grid.sort_values(dims, key=lambda s: s.astype(str), ignore_index=True)


def _group_rows(grid: pd.DataFrame, keys: tuple[str, ...]) -> list[tuple[tuple, list[int]]]:
    """Each group of a breakdown and the grid cells it adds up."""
    if not keys:
        return [((), list(range(len(grid))))]
    groups = grid.groupby(list(keys), sort=True, dropna=False).indices
    return [((g,) if len(keys) == 1 and not isinstance(g, tuple) else tuple(g), sorted(int(i) for i in idx))
            for g, idx in groups.items()]


def protect_breakdowns(records: pd.DataFrame, outcome: str, breakdowns, rules: disclosure.Rules | None = None, *,
                       cells: pd.DataFrame | None = None, max_rounds: int = 4,
                       names: tuple[str, str, str] = ("n", "positive", "pct_positive"),
                       label: str = "", link: bool = True, hide=None) -> LinkedSet:
    """Tables of one population by several breakdowns, protected as one linked set and audited.

    A school hidden in the by-school table can be worked out from the by-year-group table
    ("Year 9 minus the other schools' Year 9") or from a cross-tab; suppression table by
    table protects against subtraction within one table only. Here every table is a
    sum of the same unpublished cells (every combination of the breakdowns' values), so
    each published count is a constraint on them; the audit
    (:class:`ccdata.analysis.audit.Audit`) bounds every hidden figure, and while one is
    pinned closer than its threshold the figure overlapping it in another table is hidden
    too (with its own complements) and the audit repeats. As a last step only the total
    is kept; if even that fails, ``ok`` is False.

    Parameters
    ----------
    records : DataFrame
        One row per person, with the breakdown columns and ``outcome``.
    outcome : str
        True/False (or 1/0) per person; missing = not counted (not asked, not answered).
    breakdowns : list of tuple of str
        The tables to publish: ``()`` for the total, ``("school",)``, ``("school",
        "year_group")`` for a cross-tab ...
    rules : disclosure.Rules, optional
    cells : DataFrame, optional
        The combinations of breakdown values that can exist (default: every combination
        of the values seen).
    max_rounds : int
        Audits before the last step (hiding every breakdown).
    names : (str, str, str)
        Column names of the base, the count and the percentage.
    label : str
        Prefix of the figures' names in the audit.
    link : bool
        False to protect each table on its own and only audit the result (what
        suppression table by table publishes): for diagnostics and tests, never a page.
    hide : dict, optional
        ``{breakdown: groups}``: figures hidden whatever their size (a figure the
        supplier of aggregate data withheld; a group the page never shows). Secondary
        suppression and the audit then protect them like any other hidden figure.

    Returns
    -------
    LinkedSet
        Tables with the breakdown columns, the base, the count, the percentage and its
        Wilson 95% interval (``ci_lower``, ``ci_upper``, computed from the published,
        rounded counts), ``suppressed`` and ``suppression``; each sealed by
        :mod:`ccdata.analysis.disclosure`.

    Raises
    ------
    TypeError, KeyError, ValueError
        Not a DataFrame; a column missing; ``breakdowns`` not tuples of column names;
        ``max_rounds`` below 1.
    """
    rules = disclosure._check_rules(rules)
    if not isinstance(records, pd.DataFrame):
        raise TypeError(f"records must be a DataFrame, not {type(records).__name__}")
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 1:
        raise ValueError(f"max_rounds must be a whole number >= 1, not {max_rounds!r}")
    breakdowns = [tuple(b) for b in breakdowns]
    if not breakdowns or not all(all(isinstance(k, str) for k in b) for b in breakdowns):
        raise ValueError("breakdowns must be a non-empty list of tuples of column names (() for the total)")
    dims = list(dict.fromkeys(k for b in breakdowns for k in b))
    missing = [c for c in [*dims, outcome] if c not in records.columns]
    if missing:
        raise KeyError(f"records lack the column(s) {missing}")
    base, count, pct = names
    frame = records.loc[records[outcome].notna(), dims].copy()
    for d in dims:
        frame[d] = frame[d].astype("object").where(frame[d].notna(), survey.NOT_KNOWN)
    frame["_y"] = records.loc[records[outcome].notna(), outcome].astype(bool).astype(int)
    grid = _levels(frame, dims, cells)
    if dims:
        true = frame.groupby(dims, sort=False, dropna=False)["_y"].agg(["size", "sum"])
        true = true.reindex(pd.MultiIndex.from_frame(grid) if len(dims) > 1 else pd.Index(grid[dims[0]]),
                            fill_value=0)
        cell_n, cell_p = true["size"].to_numpy(dtype=int), true["sum"].to_numpy(dtype=int)
    else:
        cell_n, cell_p = np.array([len(frame)]), np.array([int(frame["_y"].sum())])
    groups = {b: _group_rows(grid, b) for b in breakdowns}
    raw = {}
    for b in breakdowns:
        rows = [{**dict(zip(b, g)), base: int(cell_n[idx].sum()), count: int(cell_p[idx].sum())}
                for g, idx in groups[b]]
        raw[b] = pd.DataFrame(rows, columns=[*b, base, count])
    force = {b: np.zeros(len(raw[b]), dtype=bool) for b in breakdowns}
    for b, wanted in (hide or {}).items():
        if tuple(b) not in groups:
            raise ValueError(f"hide names the breakdown {b!r}, which is not among the breakdowns")
        wanted = {tuple(g) for g in wanted}
        for pos, (g, _) in enumerate(groups[tuple(b)]):
            force[tuple(b)][pos] = g in wanted
    result, tables, rounds, last = None, {}, 0, False
    while True:
        rounds += 1
        last = last or rounds > max_rounds
        if last:  # the last step: keep the total only
            for b in breakdowns:
                if b:
                    force[b][:] = True
        tables = {b: _protect_one(raw[b], b, rules, force[b], names) for b in breakdowns}
        result, where = _audit_set(grid, groups, tables, rules, names, label)
        if audit.passed(result) or last or not link:
            break
        # nothing overlapping is left to hide: go straight to the last step
        last = not _hide_overlaps(result, where, groups, tables, force, cell_n)
    return LinkedSet(tables, result, rounds, audit.passed(result))


def _protect_one(raw: pd.DataFrame, keys: tuple[str, ...], rules: disclosure.Rules, force: np.ndarray,
                 names) -> pd.DataFrame:
    base, count, pct = names
    within = [[k2 for k2 in keys if k2 != k] for k in keys] or None
    safe = disclosure.apply(raw, rules, count=count, denominator=base, within=within, derived=[], hide=force)
    # from the published (rounded) counts, never the true ones
    share, lo, hi = survey.stats.published_rates(safe, count, base)
    safe.insert(safe.columns.get_loc(count) + 1, pct, pd.array(share, dtype="Float64"))
    safe.insert(safe.columns.get_loc(pct) + 1, "ci_lower", pd.array(lo, dtype="Float64"))
    safe.insert(safe.columns.get_loc("ci_lower") + 1, "ci_upper", pd.array(hi, dtype="Float64"))
    return disclosure.mark(safe, rules)


def _name(keys: tuple[str, ...], group: tuple) -> str:
    if not keys:
        return "total"
    return "by " + " x ".join(keys) + " " + " | ".join(str(g) for g in group)


def _audit_set(grid, groups, tables, rules, names, label):
    """Audit every table of the set together; ``where`` maps a hidden figure to its table and row."""
    base, count, _ = names
    a = audit.Audit()
    n_var = [a.variable(f"n[{i}]") for i in range(len(grid))]
    p_var = [a.variable(f"p[{i}]") for i in range(len(grid))]
    for i in range(len(grid)):
        a.between({n_var[i]: 1, p_var[i]: -1}, 0, float("inf"))
    where = {}
    for keys, table in tables.items():
        for pos, ((group, idx), row) in enumerate(zip(groups[keys], table.itertuples(index=False))):
            name = f"{label}{_name(keys, group)}"
            n_idx, p_idx = [n_var[i] for i in idx], [p_var[i] for i in idx]
            if bool(row.suppressed):
                for what, cells, threshold in (
                        ("respondents", n_idx, rules.min_respondents),
                        ("positive answers", p_idx, rules.min_cases),
                        ("other answers", {**{i: 1 for i in n_idx}, **{i: -1 for i in p_idx}}, rules.min_cases)):
                    if what == "other answers" and not rules.check_complement:
                        continue
                    a.hidden(f"{name}, {what}", cells, threshold)
                    where[f"{name}, {what}"] = (keys, pos)
            else:
                a.rounded(n_idx, int(getattr(row, base)), rules.round_to, f"{name}, {base}")
                a.rounded(p_idx, int(getattr(row, count)), rules.round_to, f"{name}, {count}")
    return a.run(), where


def _hide_overlaps(result, where, groups, tables, force, cell_n) -> bool:
    """For each pinned figure, hide the smallest shown figure of every other table that shares
    people with it. Returns False when nothing more could be hidden."""
    changed = False
    for figure in result.loc[~result["protected"], "figure"]:
        keys, pos = where[figure]
        cells = set(groups[keys][pos][1])
        for other, table in tables.items():
            if other == keys or not other:
                continue
            hidden = table["suppressed"].to_numpy(dtype=bool) | force[other]
            best = None
            for p2, (_, idx) in enumerate(groups[other]):
                shared = cells & set(idx)
                if hidden[p2] or not shared or cell_n[sorted(shared)].sum() == 0:
                    continue
                size = cell_n[idx].sum()
                if best is None or size < best[0]:
                    best = (size, p2)
            if best is not None:
                force[other][best[1]] = True
                changed = True
    return changed


def survey_breakdowns(responses: pd.DataFrame, questions: pd.DataFrame, by=("school", "year_group"), *,
                      crosstab: bool = False, rules: disclosure.Rules | None = None,
                      max_rounds: int = 4, protect: bool = True) -> dict[str, LinkedSet]:
    """Each question's share positive overall and by school, year group (and their cross-tab),
    protected as one linked set per question.

    Parameters
    ----------
    responses, questions : DataFrame
        From :func:`ccdata.analysis.survey.load_place_survey`.
    by : tuple of str
        Breakdowns among :data:`ccdata.analysis.survey.BREAKDOWNS`.
    crosstab : bool
        Also publish the cross-tab of the first two breakdowns.
    rules : disclosure.Rules, optional
    max_rounds : int
        As in :func:`protect_breakdowns`.
    protect : bool
        False only to show what per-table suppression alone would publish (one audit, no
        further hiding): for diagnostics and tests, never for a page.

    Returns
    -------
    dict
        Question id -> :class:`LinkedSet` (tables keyed ``()``, ``(by[0],)`` ...).
    """
    survey._check_responses(responses)
    questions = check_questions(questions)
    by = tuple(survey._by(list(by)))
    if not by:
        raise ValueError("by must name at least one breakdown")
    for k in by:  # a postcode or respondent id in a label column must never become a heading
        labels.check(responses[k], k)
    breakdowns = [(), *[(k,) for k in by]]
    if crosstab:
        if len(by) < 2:
            raise ValueError("a cross-tab needs two breakdowns")
        breakdowns.append(by[:2])
    out = {}
    for q in survey._closed(questions).itertuples(index=False):
        if not q.positive:
            continue
        frame = responses[list(by)].copy()
        frame["_positive"] = survey._positive(responses[q.question_id], q.positive)
        out[q.question_id] = protect_breakdowns(frame, "_positive", breakdowns, rules, max_rounds=max_rounds,
                                                link=protect, label=f"{q.question_id}: ")
    return out

