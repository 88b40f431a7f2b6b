"""Cached posting cards (partners.cards): reused while nothing they show has changed, never
stale after an edit, a transition or an organisation's new name, per language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from partners import cards, services
from tests import factories

pytestmark = pytest.mark.django_db


def test_cards_come_in_the_order_asked_and_unknown_keys_are_left_out(personas):
    first = factories.make_posting(personas.company, title="一つ目の課題")
    second = factories.make_posting(personas.company, title="二つ目の課題")
    html = cards.posting_cards([second.pk, 999_999, first.pk])
    assert len(html) == 2
    assert "二つ目の課題" in html[0] and "一つ目の課題" in html[1]
    assert cards.posting_cards([]) == []


def test_a_cached_card_costs_one_query_and_renders_the_same(personas):
    posting = factories.make_posting(personas.company, title="見守りの課題")
    cold = cards.posting_cards([posting.pk])
    with CaptureQueriesContext(connection) as queries:
        warm = cards.posting_cards([posting.pk])
    assert len(queries) == 1  # the versions only: no posting, theme or organisation read
    assert warm == cold


def test_an_edit_shows_at_once(personas):
    posting = factories.make_posting(personas.company, title="古いタイトル")
    cards.posting_cards([posting.pk])
    services.posting_update(
        posting=posting, actor=personas.company_admin, data={"title": "新しいタイトル"}
    )
    (html,) = cards.posting_cards([posting.pk])
    assert "新しいタイトル" in html and "古いタイトル" not in html


def test_a_transition_shows_at_once(personas):
    posting = factories.make_posting(personas.company, is_open_call=True)
    (before,) = cards.posting_cards([posting.pk])
    services.posting_close(posting=posting, actor=personas.company_admin)
    (after,) = cards.posting_cards([posting.pk])
    assert before != after  # the freshness light of an open posting is gone


def test_the_organisations_new_name_shows_at_once(personas):
    posting = factories.make_posting(personas.company)
    cards.posting_cards([posting.pk])
    services.organisation_update(
        organisation=personas.company, actor=personas.company_admin, data={"name": "改名株式会社"}
    )
    (html,) = cards.posting_cards([posting.pk])
    assert "改名株式会社" in html


def test_each_language_has_its_own_card(personas):
    posting = factories.make_posting(personas.company, direction="issue")
    with translation.override("ja"):
        (japanese,) = cards.posting_cards([posting.pk])
    with translation.override("en"):
        (english,) = cards.posting_cards([posting.pk])
    assert "課題" in japanese
    assert "Issue" in english and "課題</span>" not in english


def test_organisation_cards_follow_edits_and_new_trust_signals(personas):
    from partners.models import OrganisationStats
    from partners.services import organisation_update

    (before,) = cards.organisation_cards([personas.company.pk])
    organisation_update(
        organisation=personas.company,
        actor=personas.company_admin,
        data={"description": "地域の物流を支えます"},
    )
    (edited,) = cards.organisation_cards([personas.company.pk])
    assert "地域の物流を支えます" in edited and edited != before
    with CaptureQueriesContext(connection) as queries:
        assert cards.organisation_cards([personas.company.pk]) == [edited]
    assert len(queries) == 1
    OrganisationStats.objects.update_or_create(
        organisation=personas.company,
        defaults={
            "introductions": 4,
            "answered": 4,
            "median_response_hours": 30,
            "computed_at": timezone.now(),
        },
    )
    (with_stats,) = cards.organisation_cards([personas.company.pk])
    assert with_stats != edited  # "usually replies within 2 days"
