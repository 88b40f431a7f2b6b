"""Journey of the dashboard issue: a coordinator (signed in with TOTP) opens the regional
dashboard, clicks a prefecture on the map, and nudges an overdue introduction request."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchProposal
from sankangaku.notifications.models import Notification
from tests import factories
from tests.e2e.conftest import Traffic
from tests.e2e.test_triad_project_journey import _sign_in

NAGANO = 20


@pytest.fixture
def overdue(transactional_db, reference_data):
    city = factories.MunicipalityFactory(name="長野県松本市")
    officer = factories.UserFactory(display_name="市役所 花子")
    factories.MembershipFactory(user=officer, organisation=city, role="admin")
    company = factories.CompanyFactory(name="松本データ株式会社")
    issue = factories.make_posting(city, title="商店街のにぎわいを取り戻したい", actor=officer)
    proposal = MatchProposal.objects.create(
        posting=issue,
        kind="pair",
        partner=company,
        score=0.6,
        rank=1,
        breakdown={},
        engine_version="test",
        state="requested",
        requested_by=officer,
        requested_at=timezone.now() - timedelta(days=30),
        state_changed_at=timezone.now() - timedelta(days=30),
    )
    coordinator = factories.CoordinatorFactory().user
    colleague = factories.CoordinatorFactory().user  # the reminder goes to the others
    return {"coordinator": coordinator, "colleague": colleague, "proposal": proposal}


def test_coordinator_filters_by_map_and_nudges(page, live_server, traffic: Traffic, overdue):
    url = live_server.url
    proposal = overdue["proposal"]
    _sign_in(page, url, overdue["coordinator"], totp=True)
    page.goto(f"{url}{reverse('dashboard:index')}")

    page.locator(f"a.map-tile[data-prefecture='{NAGANO}']").first.click()
    page.wait_for_url(lambda u: f"prefecture={NAGANO}" in u)
    assert "長野県" in page.locator("main").inner_text()

    nudge = page.locator(f"#nudge-review-{proposal.pk}")
    assert nudge.count() == 1
    nudge.locator("button[type=submit]").click()
    page.locator(f"#nudge-review-{proposal.pk} [role=status]").wait_for()
    reminders = Notification.objects.filter(kind="nudge")
    assert [n.recipient for n in reminders] == [overdue["colleague"]]

    assert traffic.foreign() == []
    assert traffic.failed == []
    assert traffic.errors == []
