"""The small listening survey of the survey tests: questions, responses and hand counts."""
from __future__ import annotations

QUESTIONS = """question_id,question_text,type,options,positive,benchmark,benchmark_source
happy,How happy are you with your neighbourhood?,likert,Very happy|Fairly happy|Not very happy|Not at all happy,Very happy|Fairly happy,67,Community Life Survey
safe,Do you feel safe in the park?,single,Yes|No,Yes,,
help,Where do you go for help?,multiple,Family|School|Youth club|Nobody,Family|School|Youth club,,
other,Anything else?,free_text,,,,
"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def responses_csv(rows):
    head = "respondent_id,wave,postcode,school,year_group,happy,safe,help,other\n"
    return head + "".join(",".join(r) + "\n" for r in rows)


def build_rows():
    """Wave 1: 30 respondents in ward 1 (20 happy), 12 in ward 2 (3 happy) -- all dated ISO.
    Wave 2: 40 respondents in ward 1 (32 happy). Hand counts are in the tests."""
    rows = []
    for i in range(30):
        rows.append([f"A{i}", "2024-03-01", "DE1 1AA" if i % 2 else "DE1 1AB", "Oak Primary", "Year 6",
                     "Very happy" if i < 20 else "Not very happy", "Yes" if i < 25 else "No",
                     "Family;School" if i < 10 else "Nobody", f"I am pupil {i}"])
    for i in range(12):
        rows.append([f"B{i}", "2024-03-01", "DE2 2AA", "Elm Academy", "7",
                     "Fairly happy" if i < 3 else "Not at all happy", "Yes", "Youth club", ""])
    for i in range(40):
        rows.append([f"A{i}", "2025-03-01", "DE1 1AA", "Oak Primary", "Y6",
                     "Very happy" if i < 32 else "Not very happy", "Yes" if i < 30 else "No", "Family", ""])
    return rows
