"""The sections of the listening page, each returned as a list of display blocks.

The notebook ``notebooks/listening.ipynb`` loads a place's listening survey and pupil
extracts once with :func:`load`, then calls one function per section. Every figure
passes through :mod:`ccdata.analysis.disclosure` (in :mod:`ccdata.analysis.survey` and
:mod:`ccdata.analysis.pupils`) before it reaches a block; free-text answers are never shown.
A section whose data are missing says so and why instead of showing an empty chart.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ccdata import present, publish
from ccdata.analysis import disclosure, labels, linked, pupils, survey, survey_options
from ccdata.errors import CcdataError, MissingDataError, ValidationError
from ccdata.present import charts
from ccdata.present import labels as words
from ccdata.views.common import ward24_names
from ccdata.views.listening_tables import (
    change_interval,
    change_shown,
    one_question_per_row,
    options_by_wave,
    readable,
)

Blocks = list  # list[present.Block]

#: Section names used in "no data" notes.
SURVEY = "the listening survey"
PUPILS = "pupil data"
WARD_MAP = "the ward map"
CHANGE = "change between waves"


@dataclass
class ListeningData:
    """What :func:`load` read for a place.

    ``questions`` and ``responses`` come from :func:`ccdata.analysis.survey.load_place_survey`,
    ``pupil_records`` from :func:`ccdata.analysis.pupils.load_place_pupils` (de-identified: no
    pupil id, no postcode). Any of them may be ``None``; ``missing`` then says why,
    keyed by :data:`SURVEY` or :data:`PUPILS`.
    """

    questions: pd.DataFrame | None = None
    responses: pd.DataFrame | None = None
    pupil_records: pd.DataFrame | None = None
    missing: dict[str, str] = field(default_factory=dict)
    #: Files the place names that could not be used (refused before or while reading), one
    #: line each for the adviser; the report then fails (see :class:`RefusedFiles`).
    refused: list[str] = field(default_factory=list)

    @property
    def has_survey(self) -> bool:
        return self.questions is not None and self.responses is not None


def _reason(exc: CcdataError) -> str:
    """Why a file could not be used, without quoting any cell value.

    A :class:`ValidationError` lists the problems with the offending values, and in a
    personal file a value may identify someone, so only the file and the number of
    problems are given; the adviser sees the full list when loading the file directly.
    """
    if isinstance(exc, ValidationError):
        n = len(exc.problems)
        columns = sorted({str(p.column) for p in exc.problems if p.column})
        found = "it is not a spreadsheet file that can be read" if not columns and n == 1 \
            and exc.problems[0].row is None else f"{n:,} problem{'s were' if n != 1 else ' was'} found in it"
        where = f" (in the column{'s' if len(columns) > 1 else ''} {', '.join(columns)})" if columns else ""
        return (f"The file set up for this section could not be read: {found}{where}. "
                "Your adviser has the details.")
    if getattr(exc, "reason", None):  # refused before opening (a folder, a pipe, too big): said in words
        return (f"The file set up for this section could not be used: {exc.reason}. "
                "Your adviser has the details.")
    if isinstance(exc, MissingDataError):
        return str(exc)
    return f"the file could not be used ({type(exc).__name__})"


def load(place) -> ListeningData:
    """Read a place's listening survey and pupil extracts, recording what is missing.

    Parameters
    ----------
    place : ccdata.geo.places.Place

    Returns
    -------
    ListeningData

    Raises
    ------
    TypeError
        ``place`` is not a Place (it has no ``local_path``).
    """
    if not hasattr(place, "local_path") or not hasattr(place, "id"):
        raise TypeError(f"place must be a ccdata Place (ccdata.place(...)), not {type(place).__name__}")
    data = ListeningData()
    named = (getattr(place, "definition", None) or {}).get("local") or {}
    try:
        data.questions, data.responses = survey.load_place_survey(place)
    except CcdataError as exc:  # missing or unreadable files: the page says so
        data.missing[SURVEY] = _reason(exc)
        if named.get("survey_responses") or named.get("survey_questions"):
            data.refused.append(f"the listening survey: {_first_line(exc)}")
    try:
        data.pupil_records = pupils.load_place_pupils(place)
    except CcdataError as exc:
        data.missing[PUPILS] = _reason(exc)
        if named.get("pupils"):
            data.refused.append(f"the pupil extracts: {_first_line(exc)}")
    return data


def _first_line(exc: Exception) -> str:
    """One line for the adviser; a file's problems named by row and column, never by value
    (a value in a personal file may identify someone)."""
    if isinstance(exc, ValidationError):
        shown = []
        for p in exc.problems[:3]:
            where = "".join([f", row {p.row:,}" if p.row is not None else "",
                             f", column {p.column!r}" if p.column is not None else ""])
            shown.append(f"{p.file}{where}: {p.message}")
        more = f" and {len(exc.problems) - 3:,} more" if len(exc.problems) > 3 else ""
        return f"{len(exc.problems):,} problem(s): " + "; ".join(shown) + more
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@dataclass(frozen=True, repr=False)
class RefusedFiles(present.Block):
    """A block that also tells the report, in its output's metadata, which named files
    could not be used (:data:`ccdata.publish.REFUSED_METADATA`); on the page it is the
    block it wraps."""

    refused: tuple[str, ...] = ()

    def _repr_mimebundle_(self, include=None, exclude=None):
        # no data here: IPython adds the block's HTML; the metadata travels with it
        return {}, {publish.REFUSED_METADATA: list(self.refused)}


#: Runs a section with every table treated as personal data (only sealed tables are shown):
#: ``present.personal`` is a context manager, and so also a decorator.
_personal = present.personal("the listening page")


def _check(data, rules) -> disclosure.Rules:
    if not isinstance(data, ListeningData):
        raise TypeError(f"data must be a ListeningData from ccdata.views.listening.load, not {type(data).__name__}")
    return disclosure._check_rules(rules)


PUPILS_WITHHELD = ("the pupil figures are withheld to protect privacy: a hidden figure could have been worked "
                   "out from the other tables on this page")
WITHHELD = ("the survey figures are withheld to protect privacy: a hidden figure could have been worked "
            "out from the other tables on this page")


def _page(data: ListeningData, rules: disclosure.Rules) -> linked.SurveyPage:
    """Every survey table of the page, protected together and audited (worked out once per rules)."""
    cache = data.__dict__.setdefault("_pages", {})
    if rules not in cache:
        try:
            cache[rules] = linked.survey_page(data.responses, data.questions, rules)
        except labels.LabelError as exc:  # a label column holding postcodes or ids: nothing is shown
            cache[rules] = _Refused(str(exc))
    return cache[rules]


@dataclass
class _Refused:
    """A survey page that could not be published at all (the reason is for the adviser)."""

    note: str
    ok: bool = False
    audit: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["figure", "lower", "upper", "width", "threshold", "protected"]))


def _published(frame, what: str):
    """Only tables sealed by :mod:`ccdata.analysis.disclosure` reach a block."""
    return disclosure.require(frame, what)


def _no_survey(data: ListeningData, section: str) -> Blocks:
    return [present.missing(section, data.missing.get(SURVEY, "no survey answers were loaded"))]


def _named_waves(data: ListeningData, frame: pd.DataFrame, columns=("wave",)) -> pd.DataFrame:
    """``frame`` with each wave column replaced by ``<column>_name``: the wave as partners read it
    ("Wave 1, spring 2024"), numbered over every wave of the survey. The names are a text column
    added to the sealed table (the disclosure seal allows that), never a changed figure."""
    waves = data.responses.attrs.get("waves") or list(dict.fromkeys(data.responses["wave"]))
    names = words.wave_names(waves)
    out = frame.copy()
    for col in columns:
        at = out.columns.get_loc(col)
        named = [str(names.get(w, w)) for w in out.pop(col)]
        out.insert(at, f"{col}_name", pd.Series(named, index=out.index, dtype=object))
    return out


def _answered(data: ListeningData) -> pd.Series:
    """Per response: True when it answers at least one closed question."""
    closed = [q for q in data.questions.loc[data.questions["type"] != survey.FREE_TEXT, "question_id"]
              if q in data.responses.columns]
    if not closed or data.responses.empty:
        return pd.Series(False, index=data.responses.index)
    return data.responses[closed].notna().any(axis=1)


def no_answers(data: ListeningData) -> str | None:
    """Why the survey has nothing to show, in one plain sentence; None when some question was answered."""
    if data.responses.empty:
        return "the listening survey has no answers yet (its responses file has only the column headings)"
    if not _answered(data).any():
        n = len(data.responses)
        return (f"the listening survey has no answers yet: the {n:,} response{'' if n == 1 else 's'} in its file "
                f"{'leaves' if n == 1 else 'leave'} every question blank")
    return None


def _unanswered_waves(data: ListeningData) -> list[str]:
    """Waves in which nobody answered any closed question (they are never compared)."""
    answered = _answered(data)
    waves = data.responses.attrs.get("waves") or list(dict.fromkeys(data.responses["wave"]))
    return [w for w in waves if not answered[data.responses["wave"] == w].any()]


def _protected(data: ListeningData, rules: disclosure.Rules, section: str):
    """``(page, None)`` with the page's protected tables, or ``(None, blocks)`` to show instead
    (no survey loaded, no answers yet, or every figure withheld by the audit)."""
    if not data.has_survey:
        return None, _no_survey(data, section)
    if no_answers(data):
        return None, [present.missing(section, no_answers(data))]
    page = _page(data, rules)
    if not page.ok:
        return None, [present.missing(section, WITHHELD)]
    return page, None


def overview(data: ListeningData, rules: disclosure.Rules | None = None) -> Blocks:
    """The disclosure rules in plain words, and which data this page lacks."""
    rules = _check(data, rules)
    blocks = [present.notice(disclosure.note(rules))]
    if data.missing:
        block = present.section_missing_list(data.missing)
        blocks.append(RefusedFiles(block.html, tuple(data.refused)) if data.refused else block)
    return blocks


@_personal
def headlines_section(data: ListeningData, rules: disclosure.Rules | None = None) -> Blocks:
    """One sentence per question: the share of positive answers across the place and all waves."""
    rules = _check(data, rules)
    page, instead = _protected(data, rules, "headline findings")
    if instead:
        return instead
    overall = _published(page.overall, "headline findings")
    multiple = set(survey_options.multiple_choice(data.questions))
    if overall.empty and not multiple:
        return [present.missing("headline findings", "no question in the survey names positive answers")]
    # one sentence per question in the survey's order; a multiple-choice question is told
    # option by option (its options do not add up, so one "positive" share would hide them)
    single = dict(zip(overall.loc[~overall["question_id"].isin(multiple), "question_id"],
                      survey.headlines(overall[~overall["question_id"].isin(multiple)])))
    sentences = []
    for qid in data.questions["question_id"]:
        if qid in single:
            sentences.append(single[qid])
        elif qid in multiple and data.responses[qid].notna().any():
            sentences.append(survey_options.option_sentence(
                survey_options.option_shares(data.responses, data.questions, qid, rules=rules)))
    return [present.bullets(sentences)]


def _ticked_words(data: ListeningData) -> dict[str, str]:
    """For each multiple-choice question, what its share "positive" counts, in words."""
    out = {}
    for q in data.questions[data.questions["type"] == survey.MULTIPLE].itertuples(index=False):
        if q.positive:
            out[q.question_id] = (f"{str(q.question_text).rstrip()} (ticked at least one of: "
                                  f"{', '.join(map(str, q.positive))})")
    return out


def _options_by_wave(data: ListeningData, qid: str, rules: disclosure.Rules) -> Blocks:
    """A table of the share who ticked each option of a multiple-choice question, by wave."""
    shares = survey_options.option_shares(data.responses, data.questions, qid, by="wave", rules=rules)
    if shares.empty:
        return []
    shares = _named_waves(data, shares.rename(columns={"group": "wave"}))
    text = str(shares["question_text"].iloc[0]).rstrip()
    return [present.table(options_by_wave(shares, rules), caption=f"{text} The share who ticked each answer "
                                                                  "(people could tick more than one), by wave")]


@_personal
def questions_section(data: ListeningData, rules: disclosure.Rules | None = None) -> Blocks:
    """A chart per question of the share positive in each wave, with the data behind it."""
    rules = _check(data, rules)
    page, instead = _protected(data, rules, "questions by wave")
    if instead:
        return instead
    by_wave = _published(page.by_wave, "questions by wave")
    if by_wave.empty:
        return [present.missing("questions by wave", "no question in the survey names positive answers")]
    blocks: Blocks = []
    ticked = _ticked_words(data)
    by_wave = one_question_per_row(_named_waves(data, by_wave), ticked, rules)
    for qid, rows in by_wave.groupby("question_id", sort=False):
        text = rows["question_text"].iloc[0]
        blocks.append(present.figure(
            charts.plot_positive(by_wave, qid, group="wave_name"),
            alt=f"Bar chart of the share of positive answers in each survey wave, with 95% intervals: {text}",
            caption=text, data=rows[["wave_name", "n", "pct_positive", "ci_lower", "ci_upper"]]))
        if qid in ticked:
            blocks += _options_by_wave(data, qid, rules)
    return blocks


@_personal
def change_section(data: ListeningData, rules: disclosure.Rules | None = None) -> Blocks:
    """Change between the last two waves, in percentage points, with a test."""
    rules = _check(data, rules)
    if not data.has_survey:
        return _no_survey(data, CHANGE)
    if no_answers(data):
        return [present.missing(CHANGE, no_answers(data))]
    waves = data.responses.attrs.get("waves") or list(dict.fromkeys(data.responses["wave"]))
    if len(waves) < 2:
        return [present.missing(CHANGE, "the survey has only one wave so far")]
    page = _page(data, rules)
    if not page.ok:
        return [present.missing(CHANGE, WITHHELD)]
    empty = _unanswered_waves(data)
    # a wave nobody answered never replaces the last real one: say so in one sentence
    named = words.wave_names(waves)
    note = [present.notice(f"Nobody has answered in {', '.join(str(named.get(w, w)) for w in empty)} "
                           f"yet, so {'they are' if len(empty) > 1 else 'it is'} not compared.")] if empty else []
    change = _published(page.change, CHANGE)
    if change.empty:
        return [present.missing(CHANGE, "no question has answers in two waves yet")] + note
    change = _named_waves(data, change, ("wave_1", "wave_2"))
    pairs = list(dict.fromkeys(zip(change["wave_1_name"], change["wave_2_name"])))
    caption = (f"Change from {pairs[0][0]} to {pairs[0][1]}" if len(pairs) == 1
               else "Change between the last two waves with answers to each question")
    # the change printed is the difference of the two shares printed; one pair of waves is
    # named in the caption, not in every row
    change = one_question_per_row(change_interval(change_shown(change, rules), rules), _ticked_words(data), rules)
    # the verdict is the one change rule's (the interval excludes zero): a p-value beside it is
    # another test, which can disagree with it, so it is not shown
    drop = [c for c in ("question_id", "p_value") if c in change.columns]
    drop += ["wave_1_name", "wave_2_name"] if len(pairs) == 1 else []
    return [present.table(readable(change.drop(columns=drop)), caption=caption)] + note


def _ward_shapes(place, codes: list[str]):
    """Ward 2024 boundaries for the place (or, when it is not drawn with 2024 wards, for
    the wards respondents live in), named; raises MissingDataError when not built."""
    shapes = place.table("boundaries_ward24")
    wards = place.wards
    if not wards.empty and set(wards["vintage"].astype(str)) == {"2024"}:
        keep = set(wards["ward_code"])
    else:
        keep = set(codes)
    return shapes[shapes["ward24_code"].isin(keep)]


@_personal
def wards_section(place, data: ListeningData, rules: disclosure.Rules | None = None,
                  question_id: str = "") -> Blocks:
    """A map of one question's share positive by ward of home, and the table for every question.

    Parameters
    ----------
    place : ccdata.geo.places.Place
        For the ward boundaries and names.
    data : ListeningData
    rules : disclosure.Rules, optional
    question_id : str
        The question to map; empty for the first question with positive answers. A
        question not in the survey gives a note naming the ones that are (the table is
        still shown).
    """
    rules = _check(data, rules)
    if not isinstance(question_id, str):
        raise TypeError(f"question_id must be a str, not {type(question_id).__name__}")
    page, instead = _protected(data, rules, "answers by ward")
    if instead:
        return instead
    by_ward = _published(page.by_ward, "answers by ward")
    if by_ward.empty:
        return [present.missing("answers by ward", "no question in the survey names positive answers")]
    mappable = list(dict.fromkeys(by_ward["question_id"]))
    qid = question_id or mappable[0]
    names = ward24_names(place)
    blocks: Blocks = []
    if qid not in mappable:
        blocks.append(present.missing(WARD_MAP, f"question {qid!r} is not a question with positive answers in "
                                      f"this survey; choose one of {', '.join(mappable)}"))
    else:
        codes = [c for c in by_ward["ward24_code"].unique() if c != survey.NOT_KNOWN]
        try:
            shapes = _ward_shapes(place, codes)
        except MissingDataError as exc:
            shapes = None
            blocks.append(present.missing(WARD_MAP, f"ward boundaries are not available ({exc}); the table "
                                          "below has the same figures"))
        if shapes is not None and shapes.empty:
            blocks.append(present.missing(WARD_MAP, "none of the wards has a May 2024 boundary; the table "
                                          "below has the same figures"))
        elif shapes is not None:
            names = {**names, **dict(zip(shapes["ward24_code"], shapes["ward24_name"]))}
            rows = by_ward[by_ward["question_id"] == qid]
            text = rows["question_text"].iloc[0]
            shown = words.name_codes(rows, "ward24_code", names, "ward_name")[
                ["ward_name", "n", "pct_positive", "ci_lower", "ci_upper"]]
            blocks.append(present.figure(
                charts.plot_ward_map(shapes, by_ward, qid, name_col="ward24_name"),
                alt=(f"Map of the wards of {place.name} shaded by the share of positive answers to: {text} "
                     "Wards with too few answers are hatched grey."),
                caption=f"By ward of home: {text}", data=shown))
    # one table per question, its words in the caption; partners read the ward's name
    # (the codes are in the adviser's exports)
    table = one_question_per_row(by_ward, _ticked_words(data), rules)
    for qid, rows in table.groupby("question_id", sort=False):
        text = str(rows["question_text"].iloc[0])
        shown = words.name_codes(rows.drop(columns=["question_id", "question_text"]), "ward24_code", names,
                                 "ward_name")
        shown = shown[["ward_name"] + [c for c in shown.columns if c != "ward_name"]]
        if shown["benchmark"].isna().all():
            shown = shown.drop(columns=["benchmark", "compared"])
        blocks.append(present.table(readable(shown), caption=f"Share positive by ward: {text}", sortable=True))
    return blocks


GROUPS = "answers by school and year group"
#: Words for the respondents' own groupings, in the order they are shown.
GROUP_WORDS = {"school": "school", "year_group": "year group"}


@_personal
def groups_section(data: ListeningData, rules: disclosure.Rules | None = None) -> Blocks:
    """Each question's share positive by school and by year group, protected as one linked set.

    A school too small to show could be worked out from the year-group table (its
    year minus the other schools), so both tables and the place figure of each
    question are protected together and audited
    (:func:`ccdata.analysis.linked.survey_breakdowns`); a question whose figures the
    audit cannot protect is withheld, and the audit goes to the adviser's notes.
    """
    rules = _check(data, rules)
    if not data.has_survey:
        return _no_survey(data, GROUPS)
    if no_answers(data):
        return [present.missing(GROUPS, no_answers(data))]
    by = tuple(k for k in GROUP_WORDS if k in data.responses.columns and data.responses[k].notna().any())
    if not by:
        return [present.missing(GROUPS, "the survey responses say nobody's school or year group")]
    try:
        sets = linked.survey_breakdowns(data.responses, data.questions, by=by, rules=rules)
    except labels.LabelError as exc:  # a school or year column holding postcodes or ids
        return [present.missing(GROUPS, WITHHELD),
                present.adviser_note("Disclosure audit of the school and year-group tables", str(exc))]
    if not sets:
        return [present.missing(GROUPS, "no question in the survey names positive answers")]
    texts = dict(zip(data.questions["question_id"], data.questions["question_text"]))
    blocks: Blocks = []
    notes = []
    for qid, result in sets.items():
        notes.append(f"{texts.get(qid, qid)}: {result.note}")
        if not result.ok:
            blocks.append(present.missing(f"{GROUPS}: {texts.get(qid, qid)}", WITHHELD))
            continue
        for key in by:
            table = _published(result.tables[(key,)], GROUPS)
            blocks.append(present.table(readable(table[[key, "n", "pct_positive", "ci_lower", "ci_upper",
                                                        "suppressed", "suppression"]]),
                                        caption=f"{texts.get(qid, qid)}: share positive by {GROUP_WORDS[key]}"))
    blocks.append(present.adviser_note("Disclosure audit of the school and year-group tables", "\n\n".join(notes)))
    return blocks


@_personal
def pupils_section(place, data: ListeningData, rules: disclosure.Rules | None = None,
                   measure: str = "persistent_absence") -> Blocks:
    """Whole-place pupil rates, where one measure is concentrated, and rates by deprivation decile.

    Parameters
    ----------
    place : ccdata.geo.places.Place
        For the deprivation deciles of home LSOAs.
    data : ListeningData
    rules : disclosure.Rules, optional
    measure : str
        One of :data:`ccdata.analysis.pupils.MEASURES`.

    Raises
    ------
    ValueError
        An unknown measure.
    """
    rules = _check(data, rules)
    if measure not in pupils.MEASURES:
        raise ValueError(f"measure must be one of {list(pupils.MEASURES)}, not {measure!r}")
    if data.pupil_records is None:
        return [present.missing(PUPILS, data.missing.get(PUPILS, "no pupil extracts were loaded"))]
    records = data.pupil_records
    label = pupils.MEASURES[measure]
    blocks: Blocks = []
    try:
        deprivation = place.deprivation()
    except MissingDataError as exc:
        deprivation = None
        no_deciles = str(exc)
    try:
        tables = pupils.page(records, measure, deprivation=deprivation, rules=rules)
    except labels.LabelError as exc:  # a ward column holding postcodes or ids: nothing is shown
        return [present.missing(PUPILS, PUPILS_WITHHELD),
                present.adviser_note("Disclosure audit of the pupil tables", str(exc))]
    note = present.adviser_note("Disclosure audit of the pupil tables", tables.note)
    if not tables.ok:  # a hidden figure could still be worked out: no pupil figure is published
        return [present.missing(PUPILS, PUPILS_WITHHELD), note]
    blocks += [present.table(readable(_published(tables.summary, "pupil summary")),
                             caption="All pupils in the extracts"),
               present.table(readable(words.name_codes(_published(tables.by_ward, "pupil concentration"),
                                                       "ward24_code", ward24_names(place), "ward_name")),
                             caption=f"Where is it concentrated: {label}")]
    if tables.by_decile is None:
        blocks.append(present.missing(f"{label} by deprivation decile", no_deciles))
    else:
        blocks.append(present.table(readable(_published(tables.by_decile, "pupil rates by deprivation decile")),
                                    caption=(f"{label[0].upper()}{label[1:]} by deprivation decile "
                                             "of home (1 = most deprived 10% in England)")))
    return blocks + [note]


def privacy_section(data: ListeningData, rules: disclosure.Rules | None = None, notes=None) -> Blocks:
    """The disclosure rules, what was excluded on loading (counts, no values) and data notes.

    ``notes`` is the :class:`ccdata.views.common.Notes` of the run; call this section last
    so it lists every note raised while the page was produced.
    """
    rules = _check(data, rules)
    blocks: Blocks = [present.notice(disclosure.note(rules))]
    with present.personal("the listening page"):
        blocks += _exclusions(data)
    if data.has_survey:
        blocks += audit_section(data, rules)
    if notes is not None:
        blocks.append(notes.block())
    return blocks


def _exclusions(data: ListeningData) -> Blocks:
    """Counts of what was excluded on loading (about people too, so protected like any figure)."""
    blocks: Blocks = []
    if data.has_survey:
        blocks.append(present.table(_published(survey.exclusions(data.responses), "survey exclusions"),
                                    caption="Survey answers excluded or adjusted on loading"))
        dropped = data.responses.attrs.get("free_text_dropped")
        if dropped:
            blocks.append(present.notice("Free-text answers are never shown on this page; they stay with "
                                         "the partnership."))
    if data.pupil_records is not None:
        blocks.append(present.table(_published(pupils.exclusions(data.pupil_records), "pupil exclusions"),
                                    caption="Pupil records excluded or adjusted on loading"))
    return blocks


def audit_section(data: ListeningData, rules: disclosure.Rules | None = None) -> Blocks:
    """The disclosure audit of every survey table on the page, for the adviser's notes."""
    rules = _check(data, rules)
    if not data.has_survey:
        return []
    page = _page(data, rules)
    table = page.audit.rename(columns={"figure": "hidden figure", "lower": "smallest possible",
                                       "upper": "largest possible", "width": "range",
                                       "threshold": "range needed", "protected": "protected"})
    return [present.adviser_note("Disclosure audit of the survey tables",
                                 page.note if table.empty else present.Block(
                                     present.table(table, caption=page.note).html))]
