"""Demo listening conversations for Demoton, with a codebook and a few approved quotes.

Writes, into :func:`ccdata.demo.local_dir` (beside, not instead of, the survey files):

``conversations.csv``      about 320 conversations in two waves: door-knocking, the
                           school gate, youth groups, a community cafe and the family
                           hub; parents, young people, residents and professionals;
                           home postcode (some rows give a ward name instead) and a
                           short note in plain English of what mattered. A few rows
                           carry theme codes the listeners gave; the notes in
                           :data:`UNCODED_NOTES` are planted so that no rule matches them
``codebook.yaml``          the themes and their matching rules
``approved_quotes.csv``    quotes the adviser approved (one without consent and one
                           naming a person on the names list, both to be refused)
``names.csv``              the names list the adviser keeps: people the campaign knows
                           and organisations

Everything is invented.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ccdata.demo import local_dir
from ccdata.demo.official import demo_geography, demo_postcodes
from ccdata.files import atomic_write_bytes

CONVERSATIONS_FILE = "conversations.csv"
CODEBOOK_FILE = "codebook.yaml"
QUOTES_FILE = "approved_quotes.csv"
NAMES_FILE = "names.csv"
PLACE_WARDS = ("E05900001", "E05900002", "E05900003", "E05900004")
#: Invented person on the names list; a quote naming her must be refused.
KNOWN_PERSON = "Dolores Fictitia"

CODEBOOK = """\
# Themes of the Demoton listening conversations (fictional). Rules are whole words;
# a word ending in * matches any word beginning so; exclusions are blanked out first.
themes:
  - code: play
    title: Safe places to play
    description: Parks, play areas and green spaces children can use safely
    match: [park*, playground*, swings, "somewhere to play", "green space*"]
    exclude: [car park*]
  - code: cost
    title: Cost of living
    description: Bills, food, rent and making ends meet
    match: [bill*, "cost of living", afford*, "food bank*", expensive, rent, "money is tight"]
  - code: health
    title: Health and care
    description: Getting to see a GP, dentist or health visitor
    match: [gp, doctor*, dentist*, "health visitor*", "waiting list*"]
  - code: mental
    title: Mental health and wellbeing
    description: Worry, stress, loneliness and getting support
    parent: health
    match: [anxi*, "mental health", lonel*, stress*, worr*, "low mood"]
  - code: transport
    title: Buses and getting about
    description: Buses, trains and getting to school, work and activities
    match: [bus*, train*, "getting about", "lift to"]
    exclude: [business*]
  - code: teens
    title: Things to do for teenagers
    description: Youth clubs, activities and places for young people to go
    match: [teen*, "youth club*", "nothing to do", "hang out", "young people"]
  - code: safety
    title: Feeling safe
    description: Anti-social behaviour, crime and feeling safe on the street
    match: [unsafe, "anti-social", "antisocial", "feel safe", gang*, drug*, "street light*"]
"""

#: Note templates per theme (several themes may be combined in one note). Invented.
_PHRASES = {
    "play": ["the park near us has broken swings",
             "there is nowhere safe for the kids to play, the playground is full of glass",
             "we need more green space for the little ones", "the kids want somewhere to play after school",
             "the park is lovely in summer but the gate is broken"],
    "cost": ["the bills have gone up so much this year", "money is tight and we have used the food bank twice",
             "we cannot afford after-school clubs", "the rent went up again", "school uniform is so expensive"],
    "health": ["it takes weeks to get a GP appointment", "we cannot find a dentist taking new patients",
               "the health visitor was really helpful", "the waiting list for the children's doctor is long"],
    "mental": ["my daughter gets anxious about school", "I feel lonely since we moved here",
               "she worries about her exams a lot", "mental health support for young people is hard to get",
               "work is stressful and it affects the family"],
    "transport": ["the bus into town is always late", "buses stop at seven so the kids cannot get home",
                  "the train station is too far to walk", "getting about without a car is hard"],
    "teens": ["there is nothing to do for teenagers round here", "the youth club closed last year",
              "the young people just hang out at the shops", "teens need somewhere to go at night"],
    "safety": ["I do not feel safe walking home in the dark", "there is a lot of anti-social behaviour near the shops",
               "the street lights are out on our road", "people are dealing drugs by the flats"],
}
#: Notes planted so that no rule of the codebook matches them (the adviser's uncoded list).
UNCODED_NOTES = ("Happy with how things are, nothing in particular to add.",
                 "Mostly talked about the weather and her new kitchen.",
                 "Wanted to know when the next meeting is.",
                 "Said the area has changed a lot since the eighties.")
#: Extra words some notes get, which match no rule (so the texts vary).
_ENDINGS = ("", "", " Would come to a meeting.", " Has lived here twenty years.", " Asked to be kept informed.",
            " Neighbours say the same.")
_EXCLUDED = ("We talked in the car park outside the school; the car park is always full.",
             "Runs a small business from home and says it is going well.")
SETTINGS = {"Door-knocking": 0.34, "School gate": 0.24, "Youth group": 0.16, "Community cafe": 0.14,
            "Family hub": 0.12}
WHO = {"Parent or carer": 0.46, "Young person": 0.24, "Resident": 0.22, "Professional": 0.08}
AGE = {"Parent or carer": ("25-44", "45-64", "16-24"), "Young person": ("Under 16", "16-24"),
       "Resident": ("25-44", "45-64", "65 and over"), "Professional": ("25-44", "45-64")}
#: Themes more likely to come up, by who.
_LEANING = {"Young person": {"teens": 3.0, "mental": 1.5, "transport": 1.5},
            "Parent or carer": {"play": 2.0, "cost": 1.8, "health": 1.2},
            "Resident": {"safety": 2.0, "transport": 1.2}, "Professional": {"mental": 2.0, "cost": 1.5}}
WAVES = (("Autumn 2024", 150), ("Spring 2025", 170))

QUOTES = [
    ("There is nothing for teenagers to do after six, so they end up on the street.", "teens", "yes"),
    ("The swings have been broken since the summer and nobody comes.", "play", "yes"),
    ("By the time the bills are paid there is nothing left for days out.", "cost", "yes"),
    ("I would go to the youth club if the bus ran later.", "transport", "yes"),
    ("My son worries all the time and we waited months for help.", "mental", "yes"),
    ("The park is where my kids learned to ride their bikes.", "play", "no"),
    (f"{KNOWN_PERSON} at the family hub sorted our housing forms.", "cost", "yes"),
]
NAMES = [("Dolores Fictitia", "person"), ("Barnaby Madeupson", "person"), ("Demoton Family Hub", "organisation"),
         ("Harbour Primary School", "organisation")]


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _pick(rng: np.random.Generator, weights: dict) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _note(rng: np.random.Generator, who: str) -> tuple[str, list[str]]:
    weights = {t: _LEANING.get(who, {}).get(t, 1.0) for t in _PHRASES}
    first = _pick(rng, weights)
    themes = [first]
    if rng.random() < 0.4:
        second = _pick(rng, {t: w for t, w in weights.items() if t != first})
        themes.append(second)
    parts = [_PHRASES[t][int(rng.integers(len(_PHRASES[t])))] for t in themes]
    text = " and ".join(parts)
    return text[0].upper() + text[1:] + "." + _ENDINGS[int(rng.integers(len(_ENDINGS)))], themes


def _conversations(rng: np.random.Generator, postcodes: pd.DataFrame, ward_names: dict) -> list[list]:
    weights = dict(zip(PLACE_WARDS, (0.36, 0.32, 0.26, 0.06)))
    wards = [w for w in PLACE_WARDS if (postcodes["ward24_code"] == w).any()]
    rows, number = [], 0
    for wave, size in WAVES:
        for k in range(size):
            number += 1
            setting, who = _pick(rng, SETTINGS), _pick(rng, WHO)
            if setting == "Youth group":
                who = "Young person" if rng.random() < 0.85 else "Professional"
            age = AGE[who][int(rng.integers(len(AGE[who])))]
            ward = _pick(rng, {w: weights[w] for w in wards})
            in_ward = postcodes[postcodes["ward24_code"] == ward]
            postcode, ward_text = in_ward["postcode"].iloc[int(rng.integers(len(in_ward)))], ""
            if rng.random() < 0.1:  # the listener wrote the ward, not the postcode
                postcode, ward_text = "", ward_names[ward]
            given = ""
            if number % 29 == 0:
                note = UNCODED_NOTES[(number // 29) % len(UNCODED_NOTES)]
            elif number % 41 == 0:
                note = _EXCLUDED[(number // 41) % len(_EXCLUDED)]
                given = "cost"  # the listener coded it by hand
            else:
                note, themes = _note(rng, who)
                if rng.random() < 0.1:
                    given = ";".join(themes)
            people = 1 if setting != "Family hub" or rng.random() < 0.6 else int(rng.integers(2, 4))
            rows.append([f"DC-{number:04d}", wave, setting, who, age, ward_text, postcode, people, note, given])
    return rows


def build(seed: int) -> dict[str, bytes]:
    """The demo conversations, codebook, approved quotes and names list as ``{file name: bytes}``."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    pcs = demo_postcodes()
    pcs = pcs[pcs["ward24_code"].isin(PLACE_WARDS)].reset_index(drop=True)
    geo = demo_geography()
    ward_names = dict(zip(geo["ward24_code"], geo["ward24_name"]))
    rng = np.random.default_rng([int(seed), 27])
    return {
        CONVERSATIONS_FILE: _csv(["Conversation ID", "Wave", "Setting", "Who", "Age band", "Ward", "Postcode",
                                  "Number of people", "Note", "Theme codes"],
                                 _conversations(rng, pcs, ward_names)),
        CODEBOOK_FILE: CODEBOOK.encode("utf-8"),
        QUOTES_FILE: _csv(["quote", "theme", "consent"], [list(q) for q in QUOTES]),
        NAMES_FILE: _csv(["name", "kind"], [list(n) for n in NAMES]),
    }


def generate(seed: int) -> list[Path]:
    """Write the demo conversation files (unchanged files are not rewritten)."""
    folder = local_dir()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in build(seed).items():
        path = folder / name
        if not path.exists() or path.read_bytes() != data:
            atomic_write_bytes(path, data)
        paths.append(path)
    return paths
