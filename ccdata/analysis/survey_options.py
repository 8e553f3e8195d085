"""Multiple-choice survey questions, reported option by option.

People tick several answers to a multiple-choice question, so its options do not add up
and one "share positive" would hide what they said ("76% gave a positive answer" to
"Which of these did you do?" says nothing about which). Each option is its own figure:
the share of the people who answered the question who ticked it, protected by
:mod:`ccdata.analysis.disclosure` and worked out from the published (rounded) counts.
"""
from __future__ import annotations

import pandas as pd

from ccdata.analysis import disclosure, labels, linked
from ccdata.analysis.survey import (
    ANSWER_SEP,
    MULTIPLE,
    _by,
    _check_responses,
    _closed,
)
from ccdata.io.local.survey import check_questions

#: The columns of :func:`option_shares`.
COLUMNS = ("question_id", "question_text", "group", "option", "n", "ticked", "pct_ticked", "suppressed",
           "suppression")


def multiple_choice(questions: pd.DataFrame) -> list[str]:
    """Ids of the multiple-choice questions, in question order."""
    questions = check_questions(questions)
    return list(questions.loc[questions["type"] == MULTIPLE, "question_id"])


def option_shares(responses: pd.DataFrame, questions: pd.DataFrame, question_id: str, by: str | None = None,
                  *, rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """The share of respondents who ticked each option of a multiple-choice question.

    Parameters
    ----------
    responses, questions : DataFrame
        From :func:`ccdata.analysis.survey.load_responses` and ``load_questions``.
    question_id : str
        A question of type ``multiple``.
    by : str, optional
        One of :data:`ccdata.analysis.survey.BREAKDOWNS` (``"wave"``...); ``None`` for the
        whole place (group ``"All"``).
    rules : disclosure.Rules, optional

    Returns
    -------
    DataFrame
        One row per group and option, options in the question's order: ``question_id,
        question_text, group, option, n`` (people who answered the question), ``ticked``,
        ``pct_ticked`` (0-100, from the rounded counts), ``suppressed, suppression``.
        Sealed by :mod:`ccdata.analysis.disclosure`.

    Raises
    ------
    KeyError
        An unknown question id.
    ValueError
        A question that is not multiple choice, or an unknown breakdown.
    """
    _check_responses(responses)
    if not isinstance(question_id, str):
        raise TypeError(f"question_id must be a str, not {type(question_id).__name__}")
    q = _closed(check_questions(questions), question_id).iloc[0]
    if q["type"] != MULTIPLE:
        raise ValueError(f"question {question_id!r} is of type {q['type']!r}; only multiple-choice questions "
                         "are reported option by option")
    keys = _by(by)
    if keys:  # a postcode or id in a label column must never become a heading
        labels.check(responses[keys[0]], keys[0])
    # The page publishes each option for the whole place and per wave (and any breakdown
    # asked for): every table of an option is protected as one linked set, so a figure hidden
    # in one cannot be worked out from another ("all waves minus the other wave").
    linked_keys = [()] + [(k,) for k in dict.fromkeys(
        [*(["wave"] if "wave" in responses.columns else []), *keys])]
    wanted = tuple(keys)
    answers = responses[q["question_id"]]
    ok = answers.notna()
    ticks = answers[ok].map(lambda a: set(str(a).split(ANSWER_SEP)))
    parts = []
    for opt in q["options"]:
        records = responses.loc[ok, [k[0] for k in linked_keys if k]].copy()
        records["ticked"] = ticks.map(lambda t, o=opt: o in t)
        protected = linked.protect_breakdowns(records, "ticked", linked_keys, rules,
                                              names=("n", "ticked", "pct_ticked"),
                                              label=f"{q['question_id']} {opt}: ")
        table = protected.tables[wanted].copy()
        if not protected.ok:  # a hidden figure could still be pinned down: show none of them
            table["ticked"] = pd.NA
            table["pct_ticked"] = pd.NA
            table["suppressed"] = True
            table["suppression"] = "withheld: could be worked out from the other tables"
        table["group"] = (table[keys[0]].astype("object") if keys else "All")
        table["option"] = opt
        parts.append(table)
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(COLUMNS))
    order = (responses.attrs.get("waves") if keys == ["wave"] else None) or sorted(table["group"].unique(), key=str)
    rank = {g: i for i, g in enumerate(order)}
    table["_g"] = table["group"].map(lambda g: rank.get(g, len(rank)))
    table["_o"] = table["option"].map({o: i for i, o in enumerate(q["options"])})
    table = table.sort_values(["_g", "_o"], kind="stable").reset_index(drop=True)
    table["question_id"], table["question_text"] = q["question_id"], q["question_text"]
    table["n"] = table["n"].astype("Int64")
    table["ticked"] = table["ticked"].astype("Int64")
    table["pct_ticked"] = pd.array(table["pct_ticked"], dtype="Float64")
    return disclosure.mark(table[list(COLUMNS)], rules, sources=parts)


def option_sentence(shares: pd.DataFrame) -> str:
    """One plain sentence for the whole-place rows of :func:`option_shares`.

    ``"Which of these...? People could tick more than one: Sport 30%, Library 12%, ...
    (about 395 people answered)."``; an option too small to show reads "too few to show".

    Raises
    ------
    ValueError
        A table that is not sealed, or holds more than one question or group.
    """
    if not isinstance(shares, pd.DataFrame) or "pct_ticked" not in shares.columns:
        raise TypeError("shares must be a table from ccdata.analysis.survey_options.option_shares")
    if not disclosure.is_protected(shares):
        raise ValueError("shares has not been through disclosure control")
    if shares.empty:
        raise ValueError("shares is empty: the question has no answers")
    if shares["question_id"].nunique() != 1 or shares["group"].nunique() != 1:
        raise ValueError("option_sentence takes the rows of one question and one group")
    text = str(shares["question_text"].iloc[0]).rstrip()
    parts = [f"{r.option} {'too few to show' if r.suppressed or pd.isna(r.pct_ticked) else f'{r.pct_ticked:.0f}%'}"
             for r in shares.itertuples(index=False)]
    n = shares["n"].dropna()
    answered = f" (about {int(n.iloc[0]):,} people answered)" if len(n) else ""
    return f"{text} People could tick more than one answer: {', '.join(parts)}{answered}."
