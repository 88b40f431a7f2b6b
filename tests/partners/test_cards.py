"""Cached posting cards (partners.cards): reused while nothing they show has changed, never
stale after an edit, a transition or an organisation's new name, per language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from partners import cards, services
from partners.models import Posting, Theme
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


def test_cards_of_a_queryset_keep_its_order_and_read_keys_and_versions_in_one_query(personas):
    older = factories.make_posting(personas.company, title="古い課題")
    newer = factories.make_posting(personas.company, title="新しい課題")
    postings = Posting.objects.filter(pk__in=[older.pk, newer.pk]).order_by("-pk")
    cold = cards.posting_cards_of(postings)
    assert "新しい課題" in cold[0] and "古い課題" in cold[1]
    assert cold == cards.posting_cards([newer.pk, older.pk])
    with CaptureQueriesContext(connection) as queries:
        assert cards.posting_cards_of(postings[:1]) == cold[:1]
    assert len(queries) == 1
    assert cards.posting_cards_of(postings.none()) == []


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


# --- The posting page's own content (cards.posting_body) ---------------------------------


def _page(client, posting):
    response = client.get(reverse("partners:posting_detail", args=[posting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _body(html):
    """The posting's own content: from the article's start to the owner's controls (or the
    organisation's card); the rest of the page changes with each request (CSRF, nonce)."""
    start = html.index('<article class="posting">')
    ends = [
        html.find(mark, start)
        for mark in (
            '<section aria-labelledby="manage-heading"',
            '<section aria-labelledby="org-heading"',
        )
    ]
    return html[start : min(e for e in ends if e != -1)].strip()


def test_the_posting_body_is_rendered_once_and_shown_to_every_reader(client, personas):
    theme = Theme.objects.filter(kind="domain").first()
    posting = factories.make_posting(personas.company, title="見守りの課題", themes=[theme])
    client.force_login(personas.municipal_officer)
    cold = _page(client, posting)
    with CaptureQueriesContext(connection) as queries:
        warm = _page(client, posting)
    assert not [q for q in queries if "partners_posting_themes" in q["sql"]]  # from the cache
    assert _body(warm) == _body(cold)
    assert "見守りの課題" in _body(warm) and theme.name_ja in _body(warm)
    client.force_login(personas.company_admin)  # the owner: same content, their own controls
    owner = _page(client, posting)
    assert _body(owner) == _body(warm)
    assert reverse("partners:posting_edit", args=[posting.pk]) in owner
    assert reverse("partners:posting_edit", args=[posting.pk]) not in warm


def test_an_edit_of_the_text_or_the_themes_shows_on_the_page_at_once(client, personas):
    first, second = Theme.objects.filter(kind="domain")[:2]
    posting = factories.make_posting(personas.company, title="古いタイトル", themes=[first])
    client.force_login(personas.municipal_officer)
    _page(client, posting)
    services.posting_update(
        posting=posting,
        actor=personas.company_admin,
        data={"title": "新しいタイトル"},
        themes=[second],
    )
    body = _body(_page(client, posting))
    assert "新しいタイトル" in body and "古いタイトル" not in body
    assert second.name_ja in body and first.name_ja not in body


def test_a_coordinators_note_on_a_returned_draft_shows_at_once(client, personas):
    posting = factories.make_posting(personas.company, publish=False, wants_review=True)
    services.posting_publish(posting=posting, actor=personas.company_admin)
    posting.refresh_from_db()
    assert posting.status == "in_review"
    client.force_login(personas.company_admin)
    _page(client, posting)
    services.posting_review_decide(
        posting=posting, coordinator=personas.coordinator, approve=False, note="目的を具体的に"
    )
    assert "目的を具体的に" in _page(client, posting)


def test_each_language_has_its_own_posting_body(client, personas):
    posting = factories.make_posting(personas.company, direction="issue")
    client.force_login(personas.municipal_officer)
    japanese = _page(client, posting)
    personas.teacher.preferred_language = "en"
    personas.teacher.save(update_fields=["preferred_language"])
    client.force_login(personas.teacher)
    english = _page(client, posting)
    assert 'class="badge badge-direction-issue">課題<' in japanese
    assert 'class="badge badge-direction-issue">Issue<' in english
