"""A place's progress: every source it has gathered into series, their changes and what it lacks.

:func:`for_place` reads each source through the place's accessors (outcomes file, pupil
extracts, DWP child poverty after and before housing costs, the listening survey, the two
IoD editions) and hands the series to :mod:`ccdata.analysis.trends`, which holds the series
builders and the one change rule; a source the place does not have becomes a plain sentence
in :attr:`Progress.lacking`, never an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ccdata.analysis import (
    child_poverty,
    deprivation,
    disclosure,
    linked,
    pupil_years,
    survey,
    survey_options,
)
from ccdata.analysis import outcomes as outcome_figures
from ccdata.analysis.trends import (
    CHILD_POVERTY,
    CHILD_POVERTY_BHC,
    PUPIL_MEASURES,
    SERIES_COLUMNS,
    baselines,
    changes,
    child_poverty_series,
    dwp_gaps,
    outcome_series,
    pupil_series,
    survey_series,
    targets,
)
from ccdata.errors import BaselineError, MissingDataError
from ccdata.io import dwp_releases
from ccdata.io.local import outcomes as reader


@dataclass
class Progress:
    """What the progress page shows about a place.

    Attributes
    ----------
    series : DataFrame
        :data:`ccdata.analysis.trends.SERIES_COLUMNS`, one row per measure, area and period
        (protected figures only: hidden ones are missing, with the reason).
    changes : DataFrame
        :data:`ccdata.analysis.trends.CHANGE_COLUMNS`, one row per measure and area with at
        least two periods.
    iod : DataFrame
        Each neighbourhood's IMD decile in 2019 and 2025 (empty when either is missing).
    targets : DataFrame
        ``measure, title, target, period, latest, latest_value`` for declared targets.
    lacking : list of str
        Plain sentences: series the place does not have, and DWP years not in the data folder.
    notes : list of str
        For the adviser: the disclosure audit, baselines not found, data problems.
    """

    series: pd.DataFrame
    changes: pd.DataFrame
    iod: pd.DataFrame
    targets: pd.DataFrame
    lacking: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _ward_names(place) -> dict[str, str]:
    wards = getattr(place, "wards", None)
    if isinstance(wards, pd.DataFrame) and {"ward_code", "ward_name"} <= set(wards.columns):
        return dict(zip(wards["ward_code"].astype(str), wards["ward_name"].astype(str)))
    return {}


@dataclass
class _Found:
    """What :func:`for_place` gathers source by source: series, tables they were worked out from
    (sealed), sentences on what the page lacks, and notes for the adviser, in page order."""

    parts: list = field(default_factory=list)
    sealed: list = field(default_factory=list)
    lacking: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def _outcomes(place, vocab, rules, names, found: _Found) -> None:
    path = place.local_path("outcomes")
    if path is None:
        found.lacking.append("The partnership's own outcome figures (school readiness, phonics, attainment, "
                             "attendance) are not here yet: no outcomes file has been named for this place.")
        return
    raw, exclusions = reader.read_outcomes(path, vocab)
    figures = outcome_figures.protect(raw, rules)
    found.notes.append(figures.note)
    found.notes += [str(p) for p in exclusions]
    if figures.withheld:
        found.lacking.append("Some outcome figures are not shown because they could not be protected well enough.")
    found.parts.append(outcome_series(figures, raw, names))
    found.sealed.append(figures.local)


def _pupils(place, rules, names, found: _Found) -> None:
    try:
        folder = place.local_path("pupils")
    except MissingDataError as exc:
        found.notes.append(str(exc))
        return
    if folder is None:
        return
    try:
        pupils = pupil_years.load_years(folder, collection=place.collection)
    except MissingDataError as exc:
        found.lacking.append("Pupil extracts (attendance, free school meals, exclusions) describe one year only, "
                             "so they are not compared over time here.")
        found.notes.append(str(exc))
        return
    if len(pupils.attrs.get("years", [])) < 2:
        found.lacking.append("Pupil extracts hold one year only, so they are not compared over time yet.")
        return
    part, more, msgs = pupil_series(pupils, rules, names)
    found.parts.append(part)
    found.sealed.extend(more)
    found.notes += msgs


def _child_poverty(place, found: _Found) -> None:
    try:
        cp = child_poverty.for_place(place)
        found.parts.append(child_poverty_series(cp, place.name, place.lad_name))
    except MissingDataError as exc:
        found.lacking.append("Child poverty over time is not available: the DWP figures are not in the data folder.")
        found.notes.append(str(exc))
    try:  # before housing costs: a series of its own, shown when the data folder holds it
        cp = child_poverty.for_place(place, dwp_releases.RELATIVE_BHC)
        found.parts.append(child_poverty_series(cp, place.name, place.lad_name, dwp_releases.RELATIVE_BHC))
    except MissingDataError as exc:
        found.notes.append(str(exc))


def _listening(place, rules, wave_names, found: _Found) -> None:
    try:
        questions, responses = survey.load_place_survey(place)
    except MissingDataError as exc:
        found.lacking.append("No listening survey has been named for this place, so residents' and pupils' "
                             "answers are not followed over time here.")
        found.notes.append(str(exc))
        return
    waves = responses.attrs.get("waves") or list(dict.fromkeys(responses["wave"]))
    if len(waves) < 2:
        found.lacking.append("The listening survey has one wave so far, so its answers are not compared over time.")
        return
    page = linked.survey_page(responses, questions, rules)
    found.notes.append(f"Listening survey: {page.note}")
    if not page.ok:
        found.lacking.append("The listening survey's answers are not shown: they could not be protected well "
                             "enough.")
        return
    named = {**(wave_names(waves) if wave_names else {}), "place": place.name}
    multiple = survey_options.multiple_choice(questions)
    found.parts.append(survey_series(page.by_wave, waves, named, skip=multiple))
    if multiple:
        found.lacking.append("Questions where people could tick several answers are told answer by "
                             "answer on the listening page, not followed here.")
    found.sealed.append(page.by_wave)


def _iod_and_network(place, found: _Found) -> pd.DataFrame:
    """The two IoD editions compared (empty when one is missing); whether a relationship survey is named."""
    try:
        iod = deprivation.compare_editions(place)
    except MissingDataError as exc:
        iod = pd.DataFrame()
        found.lacking.append("The Indices of Deprivation cannot be compared over time: an edition is missing.")
        found.notes.append(str(exc))
    try:
        has_network = place.local_path("relationships") is not None
    except MissingDataError:
        has_network = False
    if not has_network:
        found.lacking.append("No relationship survey has been named for this place, so how organisations work "
                             "together is not followed over time here.")
    return iod


def for_place(place, rules: disclosure.Rules | None = None, *, wave_names=None) -> Progress:
    """Every series of ``place`` with two or more periods, its changes and what it lacks.

    ``wave_names``: a function from a list of survey waves to ``{wave: name}`` (the pages'
    :func:`ccdata.present.labels.wave_names`), so waves read as on the listening page.

    A malformed ``baseline:`` or ``targets:`` does not stop the page: each series then
    starts at its earliest period (or shows no target), and the adviser's notes say why.

    Computed once per place, rules and ``wave_names`` while the place's definition, its
    own files and the processed tables stay the same (the progress page and the annual
    report of one run share it): see :meth:`ccdata.geo.places.Place.remembered`.
    """
    rules = disclosure.check_rules(rules)
    named = getattr(wave_names, "__qualname__", "<")
    if not hasattr(place, "remembered") or (wave_names is not None and "<" in named):
        return _for_place(place, rules, wave_names)  # a lambda or local function has no lasting name
    key = f"progress.for_place:{rules!r}:{getattr(wave_names, '__module__', '')}.{named}"
    return place.remembered(key, lambda: _for_place(place, rules, wave_names), files=place.local_files())


def _for_place(place, rules: disclosure.Rules, wave_names) -> Progress:
    definition = getattr(place, "definition", {}) or {}
    config_notes = []
    try:
        base = baselines(definition)
    except BaselineError as exc:  # the page still shows every series, from its earliest period
        base = {}
        config_notes.append(f"places.yaml: {exc}; each series starts at its earliest period.")
    vocab = reader.load_vocabulary()
    names = {**_ward_names(place), "place": place.name, "la": place.lad_name}
    forms = {k: v.period for k, v in vocab.items()}
    forms[CHILD_POVERTY] = forms[CHILD_POVERTY_BHC] = reader.FINANCIAL
    forms.update({mid: reader.ACADEMIC for mid, _, _ in PUPIL_MEASURES.values()})
    found = _Found()
    _outcomes(place, vocab, rules, names, found)
    _pupils(place, rules, names, found)
    _child_poverty(place, found)
    _listening(place, rules, wave_names, found)
    parts, sealed, lacking, notes = found.parts, found.sealed, found.lacking, found.notes
    series = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=SERIES_COLUMNS)
    lacking += dwp_gaps(series)
    iod = _iod_and_network(place, found)
    table = changes(series, base, forms)
    for r in table[table["reason"].str.startswith("the baseline")].itertuples():
        notes.append(f"{r.title} ({r.area_name}): {r.reason}.")
    try:
        tg = targets(definition, vocab)
    except BaselineError as exc:
        tg = pd.DataFrame(columns=["measure", "target", "period"])
        config_notes.append(f"places.yaml: {exc}; no target is shown.")
    notes = config_notes + notes
    if len(tg):
        latest = table[table["area_type"] == reader.PLACE].set_index("measure")
        tg = tg.assign(title=[vocab[m].title for m in tg["measure"]],
                       latest=[latest["latest"].get(m, "") for m in tg["measure"]],
                       latest_value=[latest["latest_value"].get(m, np.nan) for m in tg["measure"]])
    if sealed:  # figures from pupil records: the tables stay sealed as worked out from the protected ones
        series = disclosure.mark(series, rules, sources=sealed)
        table = disclosure.mark(table, rules, sources=sealed)
    return Progress(series, table, iod, tg, lacking, [n for n in notes if n])
