"""Demo listening survey and pupil attendance extracts for Demoton.

Writes, into :func:`ccdata.demo.local_dir`:

``listening_questions.csv``   six questions (likert, single, multiple, free text)
``listening_responses.csv``   two waves of pupils' answers (about 200 each) as a survey
                              tool would export them: demo postcodes, schools, year
                              groups; wave dates in two formats on purpose; a very
                              small school and a ward with few respondents (tiny cells
                              that disclosure control must hide); a free-text question
                              where one answer names an invented person
``pupils/<school>.csv``       one attendance extract per school (pupil id, home
                              postcode, sessions, free school meals, exclusions)

Everything is invented; the postcodes are the demo country's
(:func:`ccdata.demo.official.demo_postcodes`) so they geocode to demo LSOAs and wards.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ccdata.demo import local_dir
from ccdata.demo.official import demo_postcodes
from ccdata.files import atomic_write_bytes

QUESTIONS_FILE = "listening_questions.csv"
RESPONSES_FILE = "listening_responses.csv"
PUPILS_DIR = "pupils"
#: The demo place's wards (places.yaml).
PLACE_WARDS = ("E05900001", "E05900002", "E05900003", "E05900004")
#: School: (share of respondents, year groups). "Brookside Pupil Referral Unit" is tiny on purpose.
SCHOOLS = {"Harbour Primary School": (0.32, (5, 6)), "Mill Lane Primary School": (0.28, (5, 6)),
           "Demoton Academy": (0.37, (7, 8, 9)), "Brookside Pupil Referral Unit": (0.03, (8, 9))}
#: Invented name planted in one free-text answer: it must never appear in any output.
PLANTED_NAME = "Mrs Imaginary Exampleton"
WAVES = (("2024-03-04", "04/03/2024"), ("2025-03-03", "3 March 2025"))

QUESTIONS = [
    ("happy_area", "How happy are you with the area where you live?", "likert",
     "Very happy|Fairly happy|Not very happy|Not at all happy", "Very happy|Fairly happy", "67",
     "Illustrative national figure for adults (not a real statistic)"),
    ("safe_outside", "Do you feel safe when you are outside in your area during the day?", "single",
     "Yes|No|Not sure", "Yes", "", ""),
    ("trusted_adult", "Is there an adult outside your family you could talk to if you were worried?", "single",
     "Yes|No|Not sure", "Yes", "", ""),
    ("places_to_play", "There are good places for young people to spend time near my home.", "likert",
     "Strongly agree|Agree|Disagree|Strongly disagree", "Strongly agree|Agree", "", ""),
    ("activities", "Which of these did you do outside school in the last month?", "multiple",
     "Sport|Arts or music|Youth club|Library|None of these", "Sport|Arts or music|Youth club|Library", "", ""),
    ("comments", "Is there anything else you would like to tell us about your area?", "free_text", "", "", "", ""),
]
_COMMENTS = ("More things to do at the weekend please", "The park needs better lights",
             "I like the library", "Buses are late", "The youth club is good")


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _place_postcodes() -> pd.DataFrame:

    pcs = demo_postcodes()
    return pcs[pcs["ward24_code"].isin(PLACE_WARDS)].reset_index(drop=True)


def _choose(rng, options: list[str], p_positive: float, positive: list[str]) -> str:
    if rng.random() < p_positive:
        return positive[int(rng.integers(len(positive)))]
    rest = [o for o in options if o not in positive]
    return rest[int(rng.integers(len(rest)))]


def _responses(rng: np.random.Generator, postcodes: pd.DataFrame) -> list[list]:
    # the last ward has few respondents, so its figures are small cells
    weights = dict(zip(PLACE_WARDS, (0.38, 0.34, 0.24, 0.04)))
    wards = [w for w in PLACE_WARDS if (postcodes["ward24_code"] == w).any()]
    ward_weights = np.array([weights[w] for w in wards])
    ward_weights = ward_weights / ward_weights.sum()
    # how positive each ward is, and a modest improvement in wave 2
    ward_effect = dict(zip(PLACE_WARDS, (0.05, -0.08, 0.0, -0.1)))
    rows = []
    ids = [f"R{i:04d}" for i in range(1, 400)]
    schools = list(SCHOOLS)
    school_p = np.array([SCHOOLS[s][0] for s in schools])
    planted = False
    for w, ((iso, other_format), size, lift) in enumerate(zip(WAVES, (190, 215), (0.0, 0.07))):
        # about half of wave 2's respondents also answered in wave 1 (same ids)
        chosen = ids[:size] if w == 0 else ids[95:95 + size]
        for rid in chosen:
            ward = wards[int(rng.choice(len(wards), p=ward_weights))]
            in_ward = postcodes[postcodes["ward24_code"] == ward]
            postcode = in_ward["postcode"].iloc[int(rng.integers(len(in_ward)))]
            school = schools[int(rng.choice(len(schools), p=school_p))]
            year = int(rng.choice(SCHOOLS[school][1]))
            base = 0.6 + ward_effect[ward] + lift
            wave_text = other_format if rng.random() < 0.08 else iso
            answers = []
            for qid, _, qtype, options, positive, _, _ in QUESTIONS:
                if qtype == "free_text":
                    if not planted and w == 1:
                        answers.append(f"{PLANTED_NAME} at the youth club really helped me")
                        planted = True
                    elif rng.random() < 0.15:
                        answers.append(_COMMENTS[int(rng.integers(len(_COMMENTS)))])
                    else:
                        answers.append("")
                    continue
                if rng.random() < 0.03:
                    answers.append("")  # skipped the question
                    continue
                opts, pos = options.split("|"), positive.split("|")
                p = {"safe_outside": base + 0.15, "trusted_adult": base + 0.1,
                     "places_to_play": base - 0.15}.get(qid, base)
                if qtype == "multiple":
                    ticked = [o for o in pos if rng.random() < p / 2]
                    answers.append(";".join(ticked) if ticked else "None of these")
                else:
                    answers.append(_choose(rng, opts, min(max(p, 0.05), 0.95), pos))
            # survey tools write year groups in several ways
            year_text = (f"Year {year}", f"Y{year}", str(year))[int(rng.integers(3))]
            rows.append([rid, wave_text, postcode, school, year_text, *answers])
    return rows


def _pupil_extracts(rng: np.random.Generator, postcodes: pd.DataFrame) -> dict[str, bytes]:
    files = {}
    # pupils at the tiny unit live mostly in the most deprived wards; rates differ by ward
    absence_by_ward = dict(zip(PLACE_WARDS, (0.14, 0.26, 0.18, 0.3)))
    for k, (school, (share, _)) in enumerate(SCHOOLS.items()):
        n = max(int(share * 600), 12)
        rows = []
        for i in range(n):
            pc = postcodes.iloc[int(rng.integers(len(postcodes)))]
            possible = int(rng.integers(300, 331))
            absent = rng.random() < absence_by_ward.get(pc["ward24_code"], 0.2) + (0.25 if "Referral" in school else 0)
            missed = int(possible * (rng.uniform(0.10, 0.3) if absent else rng.uniform(0, 0.095)))
            fsm = "Y" if rng.random() < 0.25 + (0.1 if pc["ward24_code"] == "E05900002" else 0) else "N"
            exclusions = int(rng.poisson(0.6 if "Referral" in school else 0.04))
            rows.append([f"DM{k + 1}{i:04d}", pc["postcode"], possible, missed, fsm, exclusions])
        name = school.replace(" ", "_").replace("'", "") + ".csv"
        files[name] = _csv(["pupil_id", "home_postcode", "sessions_possible", "sessions_missed", "fsm",
                            "exclusions"], rows)
    return files


def build(seed: int, postcodes: pd.DataFrame | None = None) -> dict[str, bytes]:
    """The demo listening and pupil files as ``{relative path: bytes}`` (no file I/O).

    ``postcodes`` (``postcode, ward24_code``) defaults to the demo place's postcodes.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    postcodes = _place_postcodes() if postcodes is None else postcodes
    if not {"postcode", "ward24_code"} <= set(postcodes.columns) or postcodes.empty:
        raise ValueError("postcodes must be a non-empty table with postcode and ward24_code")
    rng = np.random.default_rng([int(seed), 7])
    q_rows = [list(q) for q in QUESTIONS]
    files = {QUESTIONS_FILE: _csv(["question_id", "question_text", "type", "options", "positive", "benchmark",
                                   "benchmark_source"], q_rows),
             RESPONSES_FILE: _csv(["respondent_id", "wave", "postcode", "school", "year_group",
                                   *[q[0] for q in QUESTIONS]], _responses(rng, postcodes))}
    for name, data in _pupil_extracts(rng, postcodes).items():
        files[f"{PUPILS_DIR}/{name}"] = data
    return files


def generate(seed: int) -> list[Path]:
    """Write the demo questions, responses and pupil extracts (unchanged files are not rewritten).

    Returns
    -------
    list of Path
        Every file, in :func:`ccdata.demo.local_dir`.
    """

    folder = local_dir()
    paths = []
    for rel, data in build(seed).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            atomic_write_bytes(path, data)
        paths.append(path)
    return paths
