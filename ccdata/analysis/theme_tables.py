"""Every conversation table of a listening page, protected as one linked set and audited.

The listening page publishes, from one set of coded conversations: how many there
were by setting and who; how many in each group (who), ward and wave; and, for every
theme, how many conversations raised it overall and in each group, ward and wave.
A conversation may raise several themes, and every table is a sum of the same
unpublished counts, so a theme count hidden for a small ward could be worked out from
the group or wave table, or from the number of conversations in that ward minus the
others. :func:`theme_page` therefore

1. counts everything from one grid of unpublished cells: conversations per
   (setting, who, ward, wave) and, per theme, conversations raising it per
   (who, ward, wave), each at most the conversations of its cell;
2. protects each table with :func:`ccdata.analysis.disclosure.apply` (small counts
   hidden, complements checked, secondary suppression within a table, counts
   rounded); a theme row is hidden wherever its group's number of conversations is;
3. audits the whole set with :class:`ccdata.analysis.audit.Audit` (every published
   count a constraint on the grid; every hidden figure must keep a range at least
   its threshold wide); while a figure is pinned, the smallest overlapping figure of
   another table of the same theme (or of the conversation counts) is hidden too and
   the audit repeats; as a last step only the totals and the overall theme ranking
   are kept; if even that fails, ``ok`` is False and nothing may be shown.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccdata.analysis import audit, disclosure, labels, stats
from ccdata.analysis.conversations import THEME_PREFIX, Conversations
from ccdata.io.local.conversations import NOT_KNOWN

WARD = "ward24_code"
#: The breakdowns of conversations and themes published (``()`` is the whole place).
BREAKDOWNS = ((), ("who",), (WARD,), ("wave",))
#: The unpublished grid: conversations per (setting, who, ward, wave).
BASE_DIMS = ("setting", "who", WARD, "wave")
THEME_DIMS = ("who", WARD, "wave")
FEW = "fewer than {n} conversations"


@dataclass
class ThemePage:
    """The protected conversation tables of a page and the audit behind them.

    ``conversations`` maps each breakdown of :data:`BREAKDOWNS` to the number of
    conversations (``n``); ``themes`` maps each to the theme counts (``theme, title,
    <group>, n, count, pct, ci_lower, ci_upper``; percentages of the group's
    conversations, from the published counts); ``setting_who`` counts conversations
    (or people, when the file gives them: ``unit``) by setting and who.
    """

    conversations: dict[tuple[str, ...], pd.DataFrame]
    themes: dict[tuple[str, ...], pd.DataFrame]
    setting_who: pd.DataFrame
    unit: str
    audit: pd.DataFrame
    rounds: int
    ok: bool

    @property
    def note(self) -> str:
        """The audit's result in plain words (for the adviser's notes)."""
        return audit.note(self.audit, rounds=self.rounds, ok=self.ok, withheld="The conversation figures")


def _grid(frame: pd.DataFrame, dims) -> pd.DataFrame:
    values = [sorted(frame[d].unique(), key=str) for d in dims]
    return pd.DataFrame(list(itertools.product(*values)), columns=list(dims))


def _groups(grid: pd.DataFrame, keys: tuple[str, ...]) -> list[tuple[tuple, np.ndarray]]:
    if not keys:
        return [((), np.arange(len(grid)))]
    found = grid.groupby(list(keys), sort=True).indices
    return [((g,) if not isinstance(g, tuple) else tuple(g), np.sort(np.asarray(idx)))
            for g, idx in found.items()]


def _frame(convs: Conversations) -> pd.DataFrame:
    if not isinstance(convs, Conversations):
        raise TypeError(f"conversations must come from ccdata.analysis.conversations.load_conversations, "
                        f"not {type(convs).__name__}")
    frame = convs.frame.copy()
    for d in BASE_DIMS:
        frame[d] = frame[d].astype("object").where(frame[d].notna(), NOT_KNOWN).astype(str)
    return frame


def _small(raw: pd.DataFrame, col: str, threshold: int) -> np.ndarray:
    return raw[col].to_numpy(dtype=float) < threshold


def theme_page(convs: Conversations, rules: disclosure.Rules | None = None, *, max_rounds: int = 3,
               link: bool = True) -> ThemePage:
    """Every conversation and theme table of the page, protected together and audited.

    Parameters
    ----------
    convs : Conversations
        From :func:`ccdata.analysis.conversations.load_conversations`.
    rules : disclosure.Rules, optional
    max_rounds : int
        Audits before the last step (keeping the totals and the theme ranking only).
    link : bool
        False to protect each table on its own and only audit the result (what
        table-by-table suppression publishes): for tests and diagnostics, never a page.

    Returns
    -------
    ThemePage

    Raises
    ------
    LabelError
        A setting, who or wave column whose labels look like postcodes, e-mail addresses,
        free text or identifiers (nothing may then be shown).
    """
    rules = disclosure.check_rules(rules)
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 1:
        raise ValueError(f"max_rounds must be a whole number >= 1, not {max_rounds!r}")
    frame = _frame(convs)
    for col in ("setting", "who", "wave"):  # typed labels become headings: never a postcode or a note
        labels.check(frame[col], col, file=convs.file)
    titles = {t.code: t.title for t in convs.codebook}
    codes = [c[len(THEME_PREFIX):] for c in convs.theme_columns]
    people = convs.people_given
    base_grid, theme_grid = _grid(frame, BASE_DIMS), _grid(frame, THEME_DIMS)
    base_pos = {tuple(r): i for i, r in enumerate(base_grid.itertuples(index=False, name=None))}
    theme_pos = {tuple(r): i for i, r in enumerate(theme_grid.itertuples(index=False, name=None))}
    # base cells inside each theme cell (the settings of one who x ward x wave)
    inside = [[] for _ in range(len(theme_grid))]
    for i, row in enumerate(base_grid.itertuples(index=False, name=None)):
        inside[theme_pos[row[1:]]].append(i)
    key_b = [base_pos[tuple(r)] for r in frame[list(BASE_DIMS)].itertuples(index=False, name=None)]
    key_t = [theme_pos[tuple(r)] for r in frame[list(THEME_DIMS)].itertuples(index=False, name=None)]
    cell_n = np.bincount(key_b, minlength=len(base_grid))
    cell_people = np.bincount(key_b, weights=frame["people"].to_numpy(dtype=float), minlength=len(base_grid))
    cell_t = {c: np.bincount(key_t, weights=frame[THEME_PREFIX + c].to_numpy(dtype=float),
                             minlength=len(theme_grid)).astype(int) for c in codes}

    groups = {b: _groups(theme_grid, b) for b in BREAKDOWNS}
    # each group's base cells, for the conversation counts and for overlaps
    base_of = {b: [np.array(sorted(i for j in idx for i in inside[j]), dtype=int) for _, idx in groups[b]]
               for b in BREAKDOWNS}
    sw_groups = _groups(base_grid, ("setting", "who"))
    unit_cells = cell_people if people else cell_n

    raw_base = {b: pd.DataFrame([{**dict(zip(b, g)), "n": int(cell_n[base_of[b][k]].sum())}
                                 for k, (g, _) in enumerate(groups[b])], columns=[*b, "n"]) for b in BREAKDOWNS}
    raw_theme = {}
    for b in BREAKDOWNS:
        rows = []
        for c in codes:
            for k, (g, idx) in enumerate(groups[b]):
                rows.append({"theme": c, "title": titles.get(c, c), **dict(zip(b, g)),
                             "n": int(cell_n[base_of[b][k]].sum()), "count": int(cell_t[c][idx].sum())})
        raw_theme[b] = pd.DataFrame(rows, columns=["theme", "title", *b, "n", "count"])
    raw_sw = pd.DataFrame([{"setting": g[0], "who": g[1], "count": round(float(unit_cells[idx].sum()))}
                           for g, idx in sw_groups], columns=["setting", "who", "count"])
    raw_sw = raw_sw[[int(cell_n[idx].sum()) > 0 for _, idx in sw_groups]]  # combinations that happened
    sw_idx = [idx for (g, idx) in sw_groups if int(cell_n[idx].sum()) > 0]
    raw_sw = raw_sw.reset_index(drop=True)

    force = {("base", b): np.zeros(len(raw_base[b]), bool) for b in BREAKDOWNS}
    force.update({("theme", b): np.zeros(len(raw_theme[b]), bool) for b in BREAKDOWNS})
    force[("sw", ())] = np.zeros(len(raw_sw), bool)
    rounds, last = 0, False
    while True:
        rounds += 1
        last = last or rounds > max_rounds
        if last:
            for (family, b), mask in force.items():
                if b or family == "sw":
                    mask[:] = True
                if family == "theme" and not b:
                    mask[:] = False
        base = {b: _protect_base(raw_base[b], b, rules, force[("base", b)]) for b in BREAKDOWNS}
        themes = {}
        for b in BREAKDOWNS:
            hidden_group = base[b]["suppressed"].to_numpy(dtype=bool)
            per_row = np.tile(hidden_group, len(codes)) if len(codes) else np.zeros(0, bool)
            themes[b] = _protect_theme(raw_theme[b], b, rules, force[("theme", b)] | per_row)
        sw = _protect_sw(raw_sw, rules, force[("sw", ())], people)
        result, where = _audit(rules, base_grid, theme_grid, inside, groups, base_of, sw_idx, codes, base, themes,
                               sw, people)
        if audit.passed(result) or last or not link:
            break
        last = not _hide_more(result, where, groups, base_of, sw_idx, codes, base, themes, sw, force, cell_n)
    for b in BREAKDOWNS:
        base[b] = disclosure.mark(base[b], rules)
    return ThemePage(base, themes, sw, "people" if people else "conversations", result, rounds,
                     audit.passed(result))


def _protect_base(raw, keys, rules, force):
    small = _small(raw, "n", rules.min_respondents)
    out = disclosure.apply(raw, rules, count="n", denominator=None, within=[[]] if keys else None,
                           hide=force | small)
    reason = out["suppression"].to_numpy(dtype=object)
    reason[small] = FEW.format(n=rules.min_respondents)
    out["suppression"] = reason
    return disclosure.mark(out, rules)


def _protect_theme(raw, keys, rules, force):
    safe = disclosure.apply(raw, rules, count="count", denominator="n", within=[["theme"]] if keys else None,
                            derived=[], hide=force)
    # these are conversations, not survey respondents
    safe["suppression"] = safe["suppression"].replace(disclosure.PRIMARY.format(n=rules.min_respondents),
                                                      FEW.format(n=rules.min_respondents))
    pct, lo, hi = stats.published_rates(safe, "count", "n")
    at = safe.columns.get_loc("count") + 1
    safe.insert(at, "pct", pd.array(pct, dtype="Float64"))
    safe.insert(at + 1, "ci_lower", pd.array(lo, dtype="Float64"))
    safe.insert(at + 2, "ci_upper", pd.array(hi, dtype="Float64"))
    return disclosure.mark(safe, rules)


def _protect_sw(raw, rules, force, people):
    out = disclosure.apply(raw, rules, count="count", denominator=None, within=[["who"]], hide=force)
    return disclosure.mark(out.rename(columns={"count": "people" if people else "conversations"}), rules)


def _audit(rules, base_grid, theme_grid, inside, groups, base_of, sw_idx, codes, base, themes, sw, people):
    """Audit every table together; ``where`` maps a hidden figure to (family, breakdown, row)."""
    a = audit.Audit()
    n_var = np.array([a.variable(f"n[{i}]") for i in range(len(base_grid))])
    p_var = np.array([a.variable(f"people[{i}]") for i in range(len(base_grid))]) if people else None
    if people:
        for i in range(len(base_grid)):
            a.between({int(p_var[i]): 1, int(n_var[i]): -1}, 0, float("inf"))
    t_var = {c: np.array([a.variable(f"{c}[{j}]") for j in range(len(theme_grid))]) for c in codes}
    for c in codes:
        for j in range(len(theme_grid)):
            a.between({int(t_var[c][j]): 1, **{int(n_var[i]): -1 for i in inside[j]}}, -float("inf"), 0)
    where = {}
    for b in BREAKDOWNS:
        for k, row in enumerate(base[b].itertuples(index=False)):
            name = f"conversations {_label(b, groups[b][k][0])}"
            cells = [int(v) for v in n_var[base_of[b][k]]]
            if row.suppressed:
                a.hidden(name, cells, rules.min_respondents)
                where[name] = ("base", b, k)
            else:
                a.rounded(cells, int(row.n), rules.round_to, name)
        table = themes[b]
        for pos, row in enumerate(table.itertuples(index=False)):
            k = pos % len(groups[b])
            name = f"theme {row.theme} {_label(b, groups[b][k][0])}"
            t_cells = [int(v) for v in t_var[row.theme][groups[b][k][1]]]
            n_cells = [int(v) for v in n_var[base_of[b][k]]]
            if row.suppressed:
                a.hidden(f"{name}, raised it", t_cells, rules.min_cases)
                where[f"{name}, raised it"] = ("theme", b, pos)
                if rules.check_complement:
                    a.hidden(f"{name}, did not", {**{i: 1 for i in n_cells}, **{i: -1 for i in t_cells}},
                             rules.min_cases)
                    where[f"{name}, did not"] = ("theme", b, pos)
            else:
                a.rounded(t_cells, int(row.count), rules.round_to, f"{name}, raised it")
                a.rounded(n_cells, int(row.n), rules.round_to, f"{name}, conversations")
    col = "people" if people else "conversations"
    unit = p_var if people else n_var
    for k, row in enumerate(sw.itertuples(index=False)):
        name = f"{col} in setting {row.setting} x who {row.who}"
        cells = [int(v) for v in unit[sw_idx[k]]]
        if row.suppressed:
            a.hidden(name, cells, rules.min_cases)
            where[name] = ("sw", (), k)
        else:
            a.rounded(cells, int(getattr(row, col)), rules.round_to, name)
    return a.run(), where


def _label(keys, group) -> str:
    if not keys:
        return "in the whole place"
    return "for " + " x ".join(f"{k} {g}" for k, g in zip(keys, group))


def _hide_more(result, where, groups, base_of, sw_idx, codes, base, themes, sw, force, cell_n) -> bool:
    """For each pinned figure, hide the smallest shown figure that shares conversations with it in the
    other tables of its kind: first only in tables broken down by one of its own columns (the setting x
    who table for a group of "who"), then, if that hides nothing, in every other table of its kind.
    False when nothing more could be hidden."""
    changed = False
    for figure in result.loc[~result["protected"], "figure"]:
        family, b, pos = where[figure]
        if family == "sw":
            cells, dims = set(sw_idx[pos].tolist()), {"setting", "who"}
        elif family == "base":
            cells, dims = set(base_of[b][pos].tolist()), set(b)
        else:
            cells, dims = set(base_of[b][pos % len(groups[b])].tolist()), set(b)
        theme = themes[b]["theme"].iloc[pos] if family == "theme" else None
        candidates = []
        for other in BREAKDOWNS:
            if not other or (other == b and family != "sw"):
                continue
            if family == "theme":
                table, key = themes[other], ("theme", other)
                rows = [p for p in range(len(table)) if table["theme"].iloc[p] == theme]
                idx_of = lambda p, o=other: base_of[o][p % len(groups[o])]
            else:
                table, key = base[other], ("base", other)
                rows = list(range(len(table)))
                idx_of = lambda p, o=other: base_of[o][p]
            candidates.append((table, key, rows, idx_of, bool(dims & set(other))))
        if family == "base":
            candidates.append((sw, ("sw", ()), list(range(len(sw))), lambda p: sw_idx[p],
                               bool(dims & {"setting", "who"})))
        for near in (True, False):
            hid = False
            for table, key, rows, idx_of, shares in candidates:
                if near and not shares:
                    continue
                hid |= _hide_smallest(table, key, rows, idx_of, cells, force, cell_n)
            changed |= hid
            if hid:
                break
    return changed


def _hide_smallest(table, key, rows, idx_of, cells, force, cell_n) -> bool:
    hidden = table["suppressed"].to_numpy(dtype=bool) | force[key]
    best = None
    for p in rows:
        idx = idx_of(p)
        shared = cells & set(idx.tolist())
        if hidden[p] or not shared or cell_n[sorted(shared)].sum() == 0:
            continue
        size = cell_n[idx].sum()
        if best is None or size < best[0]:
            best = (size, p)
    if best is None:
        return False
    force[key][best[1]] = True
    return True


def theme_change(page: ThemePage, waves) -> pd.DataFrame:
    """Each theme's change in share between the last two waves, from the protected by-wave table.

    Parameters
    ----------
    page : ThemePage
        From :func:`theme_page`.
    waves : list of str
        The waves in order (``frame.attrs["waves"]``); "Not known" is never compared.

    Returns
    -------
    DataFrame
        ``theme, title, wave_1, wave_2, pct_1, pct_2, change_pts, change_lower, change_upper,
        suppressed, suppression``: the change in percentage points with its 95% interval
        (:func:`ccdata.analysis.stats.difference_test` on the published, rounded counts).
        A theme hidden in either wave has no change. Sealed as worked out from the protected table.
    """
    if not isinstance(page, ThemePage):
        raise TypeError(f"page must be a ThemePage from theme_page, not {type(page).__name__}")
    by_wave = disclosure.require(page.themes[("wave",)], "themes by wave")
    known = [w for w in waves if w != NOT_KNOWN and (by_wave["wave"] == w).any()]
    columns = ["theme", "title", "wave_1", "wave_2", "pct_1", "pct_2", "change_pts", "change_lower",
               "change_upper", "suppressed", "suppression"]
    rows = []
    if len(known) >= 2:
        first, second = known[-2], known[-1]
        for theme, group in by_wave.groupby("theme", sort=False):
            pick = [group[group["wave"] == w].iloc[0] for w in (first, second)]
            row = {"theme": theme, "title": group["title"].iloc[0], "wave_1": first, "wave_2": second,
                   "pct_1": float("nan"), "pct_2": float("nan"), "change_pts": float("nan"),
                   "change_lower": float("nan"), "change_upper": float("nan"), "suppressed": True,
                   "suppression": "too few conversations to show in one of the waves"}
            if not any(bool(p["suppressed"]) for p in pick) and all(int(p["n"]) > 0 for p in pick):
                test = stats.difference_test(int(pick[0]["count"]), int(pick[0]["n"]),
                                             int(pick[1]["count"]), int(pick[1]["n"]))
                # the change a reader sees is the difference of the two shares as printed (one decimal)
                shown = round(100 * test["p2"], 1) - round(100 * test["p1"], 1)
                row.update(pct_1=100 * test["p1"], pct_2=100 * test["p2"], change_pts=round(shown, 1),
                           change_lower=100 * test["lower"], change_upper=100 * test["upper"], suppressed=False,
                           suppression="")
            rows.append(row)
    out = pd.DataFrame(rows, columns=columns)
    return disclosure.mark(out, sources=[by_wave])
