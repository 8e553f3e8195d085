"""The conversation sections of the listening page: who was listened to, the themes they raised, quotes.

The listening notebook loads a place's conversations once with :func:`load` (notes
are coded and dropped on loading: :mod:`ccdata.analysis.conversations`), then calls one
function per section. Every count passes through
:mod:`ccdata.analysis.theme_tables`, which protects all the conversation tables of the
page as one linked set and audits them; quotes appear only when the adviser approved
them and :mod:`ccdata.analysis.quotes` found nothing to refuse, and only with their theme.
The rows no theme matched and the rule counts go to the adviser's notes, never a note itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ccdata import present
from ccdata.analysis import conversations as convs_mod
from ccdata.analysis import disclosure, labels, quotes, theme_tables
from ccdata.errors import CcdataError, MissingDataError, ValidationError
from ccdata.present import labels as words
from ccdata.present.themechart import theme_chart
from ccdata.views.common import ward24_names

Blocks = list
NOT_KNOWN = theme_tables.NOT_KNOWN

CONVERSATIONS = "the listening conversations"
QUOTES = "quotes"
WITHHELD = ("the conversation figures are withheld to protect privacy: a hidden figure could have been worked "
            "out from the other tables on this page")
#: One plain sentence on what the intervals do and do not show.
INTERVALS = ("The lines and intervals show how far each share could move by chance alone, had other people "
             "like these been listened to; they do not allow for who was asked, and the people listeners "
             "met may not be typical of everyone in the place.")
#: Why a breakdown is left out when the file gives it for nobody.
_NOBODY = {"who": "the conversations file does not say who took part",
           theme_tables.WARD: "the conversations file gives no ward or postcode"}
#: Longest quote shown, in words (the notebook may declare another).
MAX_WORDS = 25


@dataclass
class ConversationData:
    """What :func:`load` read for a place: coded conversations (no notes), checked quotes,
    and, keyed by :data:`CONVERSATIONS` or :data:`QUOTES`, why something is missing (``missing``,
    plain words for the page; ``adviser``, the file and row detail for the adviser's notes)."""

    conversations: convs_mod.Conversations | None = None
    quotes: pd.DataFrame | None = None
    missing: dict[str, str] = field(default_factory=dict)
    adviser: dict[str, str] = field(default_factory=dict)
    place_name: str = ""
    _pages: dict = field(default_factory=dict, repr=False)


def _reason(exc: CcdataError, what: str) -> tuple[str, str]:
    """Why a file could not be used: a plain sentence for the page and the detail for the adviser.

    Neither quotes a note: problems never carry one (:mod:`ccdata.io.local.conversations`).
    """
    if isinstance(exc, ValidationError):
        page = (f"the {what} could not be read: it has {len(exc.problems)} problem(s), listed in the "
                "adviser's notes")
        return page, "\n".join(str(p) for p in exc.problems[:100])
    if isinstance(exc, MissingDataError):
        return f"the {what} named for this place is missing", str(exc)
    return f"the {what} could not be used", f"{type(exc).__name__}: {exc}"


def load(place, *, max_words: int = MAX_WORDS) -> ConversationData:
    """Read and code a place's conversations, and check its approved quotes.

    Parameters
    ----------
    place : ccdata.geo.places.Place
    max_words : int
        Longest quote shown, in words.

    Returns
    -------
    ConversationData
    """
    if not hasattr(place, "local_path") or not hasattr(place, "id"):
        raise TypeError(f"place must be a ccdata Place (ccdata.place(...)), not {type(place).__name__}")
    if isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1:
        raise ValueError(f"max_words must be a whole number of at least 1, not {max_words!r}")
    data = ConversationData(place_name=place.name)
    try:
        configured = place.local_path("conversations") is not None
    except MissingDataError:
        configured = True  # named but missing: the loader below says so
    if not configured:
        data.missing[CONVERSATIONS] = "the partnership has not added notes of listening conversations yet"
        return data
    try:
        data.conversations = convs_mod.load_place_conversations(place)
    except CcdataError as exc:
        data.missing[CONVERSATIONS], data.adviser[CONVERSATIONS] = _reason(exc, "conversations file or codebook")
        return data
    try:
        data.quotes = quotes.load_place_quotes(place, [t.code for t in data.conversations.codebook],
                                               max_words=max_words)
        if data.quotes is None:
            data.missing[QUOTES] = "the partnership has not approved any quotes yet"
    except CcdataError as exc:
        data.missing[QUOTES], data.adviser[QUOTES] = _reason(exc, "approved-quotes file or names list")
    return data


def _check(data, rules) -> disclosure.Rules:
    if not isinstance(data, ConversationData):
        raise TypeError(f"data must be a ConversationData from ccdata.views.conversations.load, "
                        f"not {type(data).__name__}")
    return disclosure.check_rules(rules)


#: Every section's tables are personal data (``present.personal`` also decorates).
_personal = present.personal("the listening page")


def _page(data: ConversationData, rules: disclosure.Rules):
    """The page's protected conversation tables (worked out once per rules), or None with a reason."""
    if rules not in data._pages:
        try:
            data._pages[rules] = theme_tables.theme_page(data.conversations, rules)
        except labels.LabelError as exc:
            data._pages[rules] = str(exc)
    return data._pages[rules]


def _protected(data: ConversationData, rules, section: str):
    if data.conversations is None:
        return None, [present.missing(section, data.missing.get(CONVERSATIONS, "no conversations were loaded"))]
    if data.conversations.frame.empty:
        return None, [present.missing(section, "the conversations file has no conversations yet")]
    page = _page(data, rules)
    if isinstance(page, str) or not page.ok:
        return None, [present.missing(section, WITHHELD)]
    return page, None


def _shown(table: pd.DataFrame, columns: dict, rules) -> pd.DataFrame:
    """The columns a partner reads, under plain headers (the figures are the sealed ones)."""
    out = disclosure.require(table, "conversation table")[list(columns)].rename(columns=columns)
    return disclosure.mark(out, rules)


def _unit(page) -> str:
    return "people" if page.unit == "people" else "conversations"


@_personal
def conversations_section(data: ConversationData, rules: disclosure.Rules | None = None) -> Blocks:
    """How many conversations there were (or people, where the file gives them), by setting and who."""
    rules = _check(data, rules)
    page, instead = _protected(data, rules, "who the campaign listened to")
    if instead:
        return instead
    total = page.conversations[()]
    blocks: Blocks = []
    if not bool(total["suppressed"].iloc[0]):
        n = int(total["n"].iloc[0])
        blocks.append(present.notice(f"Listeners recorded about {n:,} conversations "
                                     f"(counts are rounded to the nearest {rules.round_to})."))
    unit = _unit(page)
    sw = page.setting_who.sort_values(["setting", "who"])
    blocks.append(present.table(_shown(sw, {"setting": "Where", "who": "Who", unit: unit.capitalize(),
                                            "suppressed": "Hidden to protect privacy"}, rules),
                                caption=f"{unit.capitalize()} by where they happened and who took part",
                                sortable=True))
    return blocks


def _ranking(page) -> pd.DataFrame:
    overall = page.themes[()]
    order = overall.assign(_k=overall["count"].astype("Float64").fillna(-1)).sort_values(
        ["_k", "title"], ascending=[False, True]).drop(columns="_k")
    return order


@_personal
def themes_section(data: ConversationData, rules: disclosure.Rules | None = None) -> Blocks:
    """The themes ranked by how many conversations raised them, with 95% intervals and a chart."""
    rules = _check(data, rules)
    page, instead = _protected(data, rules, "themes raised")
    if instead:
        return instead
    ranking = _ranking(page)
    shown = _shown(ranking, {"title": "Theme", "count": "Conversations raising it", "pct": "Share of conversations, %",
                             "ci_lower": "95% interval from", "ci_upper": "95% interval to",
                             "suppressed": "Hidden to protect privacy"}, rules)
    fig = theme_chart(ranking)
    return [present.figure(fig, alt=("Bar chart of the share of conversations that raised each theme, "
                                     "largest first, with 95% intervals."),
                           caption="Themes raised in conversations, most often first", data=shown),
            present.notice(INTERVALS)]


def _by(data: ConversationData, page, key: str, rules, place=None) -> pd.DataFrame:
    table = page.themes[(key,)]
    cols = {"title": "Theme"}
    if key == theme_tables.WARD:
        names = ward24_names(place) if place is not None else {}
        table = words.name_codes(table, key, names, "ward_name")
        cols["ward_name"] = "Ward"
    elif key == "wave":
        named = words.wave_names(data.conversations.frame.attrs.get("waves") or [])
        table = table.assign(wave_name=[str(named.get(w, w)) for w in table["wave"]])
        cols["wave_name"] = "Wave"
    else:
        cols["who"] = "Who"
    cols.update({"count": "Conversations raising it", "pct": "Share, %",
                 "suppressed": "Hidden to protect privacy"})
    return _shown(table, cols, rules)


@_personal
def theme_groups_section(place, data: ConversationData, rules: disclosure.Rules | None = None) -> Blocks:
    """Each theme's share of conversations by who took part, by ward and between waves."""
    rules = _check(data, rules)
    page, instead = _protected(data, rules, "themes by group, ward and wave")
    if instead:
        return instead
    waves = data.conversations.frame.attrs.get("waves") or []
    blocks: Blocks = []
    for key, caption in (("who", "Themes by who took part"), (theme_tables.WARD, "Themes by ward of home"),
                         ("wave", "Themes in each wave of listening")):
        if key == "wave" and len(waves) < 2:
            blocks.append(present.missing("themes between waves", "the conversations come from one wave so far"))
            continue
        if set(data.conversations.frame[key].astype(str)) <= {NOT_KNOWN}:
            blocks.append(present.missing(caption.lower(), _NOBODY[key]))
            continue
        blocks.append(present.table(_by(data, page, key, rules, place), caption=caption, sortable=True))
    if len(waves) >= 2:
        blocks += _change(data, page, waves, rules)
    return blocks


def _change(data: ConversationData, page, waves, rules) -> Blocks:
    change = theme_tables.theme_change(page, waves)
    if change.empty:
        return [present.missing("change in themes between waves", "no two waves have conversations yet")]
    named = words.wave_names(waves)
    first, second = (str(named.get(w, w)) for w in (change["wave_1"].iloc[0], change["wave_2"].iloc[0]))
    shown = _shown(change, {"title": "Theme", "pct_1": f"{first}, %", "pct_2": f"{second}, %",
                            "change_pts": "Change (percentage points)", "change_lower": "95% interval from",
                            "change_upper": "95% interval to", "suppressed": "Hidden to protect privacy"}, rules)
    return [present.table(shown, caption=f"Change in the share of conversations raising each theme, "
                                         f"from {first} to {second}")]


def quotes_section(data: ConversationData) -> Blocks:
    """Approved quotes, each with its theme only; the refusals (rows and rules, never the words)
    go to the adviser's notes."""
    if not isinstance(data, ConversationData):
        raise TypeError(f"data must be a ConversationData, not {type(data).__name__}")
    if data.quotes is None:
        reason = data.missing.get(QUOTES) or data.missing.get(CONVERSATIONS, "no quotes were loaded")
        return [present.missing("quotes", reason)]
    titles = {t.code: t.title for t in data.conversations.codebook}
    ok = data.quotes[data.quotes["shown"]]
    blocks: Blocks = []
    if ok.empty:
        blocks.append(present.missing("quotes", "no approved quote passed the checks"))
    else:
        shown = pd.DataFrame({"Theme": [titles.get(t, t) for t in ok["theme"]], "What was said": list(ok["quote"])})
        blocks.append(present.table(shown, caption="In their own words: quotes people agreed to share"))
    refused = data.quotes[~data.quotes["shown"]]
    lines = [f"Row {r.row}: not shown ({r.refused})." for r in refused.itertuples()]
    lines += [f"Row {r.row}: shown, but check these capitalised words name no one: {r.flagged}."
              for r in ok.itertuples() if r.flagged]
    if lines:
        blocks.append(present.adviser_note("Quotes refused or flagged", "\n".join(lines)))
    return blocks


def coding_note(data: ConversationData, rules: disclosure.Rules | None = None) -> Blocks:
    """For the adviser: how well the codebook coded the notes (rule counts, uncoded rows), what was
    adjusted on loading (counts, no values), and the disclosure audit. Never a note."""
    rules = _check(data, rules)
    problems = [present.adviser_note(f"Why {what} could not be used", data.adviser[key])
                for key, what in ((CONVERSATIONS, "the conversations"), (QUOTES, "the quotes"))
                if key in data.adviser]
    if data.conversations is None:
        return problems
    c = data.conversations
    coding = c.coding
    text = (f"{len(coding.themes) - len(coding.uncoded)} of {len(coding.themes)} conversations "
            f"({100 * coding.coded_share:.0f}%) were given at least one theme.")
    if len(coding.uncoded):
        rows = ", ".join(f"row {r.row} ({r.conversation_id})" for r in coding.uncoded.itertuples())
        text += f" No theme matched: {rows}. Add rules to the codebook or theme codes in the file."
    blocks: Blocks = [present.adviser_note("Coding of the conversations", text),
                      present.adviser_note("Conversations each codebook rule matched", coding.rule_counts)]
    excl = c.frame.attrs.get("exclusions") or []
    if excl:
        kinds: dict[str, int] = {}
        for p in excl:
            label = f"{p['column']}: {p['message']}" if p.get("column") else p["message"]
            kinds[label] = kinds.get(label, 0) + 1
        blocks.append(present.adviser_note("Conversations adjusted on loading",
                                           "\n".join(f"{n} x {k}" for k, n in kinds.items())))
    page = _page(data, rules)
    note = page if isinstance(page, str) else page.note
    blocks.append(present.adviser_note("Disclosure audit of the conversation tables", note))
    return blocks + problems
