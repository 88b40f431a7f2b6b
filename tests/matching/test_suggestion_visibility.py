"""Suggested partners are shown to the posting's organisation, so they must never reveal a
partner posting its owner meant for coordinators only (found by the canary leak scan)."""

import pytest

from matching import services
from matching.models import MatchProposal
from matching.selectors import suggestion_list_for_posting
from partners.models import Visibility
from tests import factories

pytestmark = pytest.mark.django_db

HIDDEN_TITLE = "観光客の動態データ分析（コーディネーター限定）"


@pytest.fixture
def issue_and_hidden_strength(personas):
    hidden = factories.make_posting(
        personas.company,
        direction="strength",
        title=HIDDEN_TITLE,
        body="スマートフォンの位置情報から観光客の周遊を分析し、観光施策を支援します。",
        visibility=Visibility.COORDINATORS,
    )
    factories.make_posting(
        personas.school,
        direction="strength",
        title="中学生による観光マップづくり",
        body="生徒が地域の観光資源を調べ、観光客向けのマップを作ります。",
    )
    issue = factories.make_posting(
        personas.municipality,
        title="観光客の周遊を増やしたい",
        body="観光客が一部の名所に集中しています。データを使って周遊を促したい。",
    )
    services.proposals_compute_for_posting(posting_id=issue.pk)
    return issue, hidden


def test_engine_matches_it_but_the_list_leaves_it_out(issue_and_hidden_strength):
    issue, hidden = issue_and_hidden_strength
    # The engine still proposes the pair (coordinators may broker it) ...
    assert MatchProposal.objects.filter(posting=issue, partner_posting=hidden).exists()
    # ... but the organisation's lists never carry it, as a pair or inside a triad.
    for kind in ("pair", "triad"):
        shown = suggestion_list_for_posting(posting=issue, kind=kind)
        assert all(s.proposal.partner_posting_id != hidden.pk for s in shown)
        assert all(s.proposal.second_partner_posting_id != hidden.pk for s in shown)


def test_the_posting_page_does_not_show_its_title(client, personas, issue_and_hidden_strength):
    issue, _hidden = issue_and_hidden_strength
    client.force_login(personas.municipal_officer)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert 'id="partners-heading"' in page
    assert HIDDEN_TITLE not in page
