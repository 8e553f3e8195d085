"""Fixtures of the analysis tests: the small listening survey (tests/helpers/survey.py) loaded."""
from __future__ import annotations

import pytest

from ccdata.analysis import survey
from ccdata.io.local.survey import load_questions
from helpers.geocoding import fake_geocoder
from helpers.survey import QUESTIONS, build_rows, responses_csv, write


@pytest.fixture
def questions(tmp_path):
    return load_questions(write(tmp_path, "q.csv", QUESTIONS))


@pytest.fixture
def responses(tmp_path, questions):
    path = write(tmp_path, "r.csv", responses_csv(build_rows()))
    return survey.load_responses(path, questions, geocoder=fake_geocoder)
