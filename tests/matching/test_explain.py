"""Explanations name the shared themes in the reader's language, with one query for a whole
list of proposals (a query per proposal was an N+1 on the posting page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from matching import explain

pytestmark = pytest.mark.django_db

PAIR = {"signals": {"theme": 0.5}, "shared_themes": ["tourism", "sdg-11"]}
TRIAD = {
    "first": {"signals": {"theme": 0.4}, "shared_themes": ["education"]},
    "second": {"signals": {"theme": 0.3}, "shared_themes": ["tourism", "no-such-theme"]},
}


def test_one_query_names_every_theme_of_a_list_triad_halves_included(reference_data):
    with CaptureQueriesContext(connection) as queries, translation.override("ja"):
        names = explain.theme_names([PAIR, TRIAD, {}])
    assert len(queries.captured_queries) == 1
    assert names == {"tourism": "観光", "education": "教育"}  # SDGs are shown as chips


def test_nothing_shared_asks_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert explain.theme_names([{"signals": {}}, {"shared_themes": ["sdg-3"]}]) == {}
    assert queries.captured_queries == []


@pytest.mark.parametrize(("language", "expected"), [("ja", "観光"), ("en", "Tourism")])
def test_sentences_name_the_themes_in_the_readers_language(reference_data, language, expected):
    with translation.override(language):
        names = explain.theme_names([PAIR, TRIAD])
        pair = explain.sentences(PAIR, names=names)
        second = explain.sentences(TRIAD["second"], names=names)
    assert any(expected in line for line in pair)
    assert not any("sdg-11" in line for line in pair)
    # A slug whose theme was deleted since the proposal was computed reads as the slug.
    assert any(expected in line and "no-such-theme" in line for line in second)
