"""Proposals in the product: computed when postings change, stored, shown only to the
posting's organisation and coordinators, and requested by members."""

import contextlib
import time

import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchProposal
from partners import services as partner_services
from partners.models import Prefecture
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_change(settings):
    settings.MATCHING_COMPUTE_ON_CHANGE = True
    settings.MATCHING_DEBOUNCE_SECONDS = 0


@pytest.fixture
def world(personas):
    """A municipality issue about tourism and partners that fit it more or less well."""
    strength = factories.make_posting(
        personas.company,
        direction="strength",
        title="観光客の動態データ分析",
        body="スマートフォンの位置情報から観光客の周遊を分析し、観光施策を支援します。",
    )
    school_offer = factories.make_posting(
        personas.school,
        direction="strength",
        title="中学生による観光マップづくり",
        body="生徒が地域の観光資源を調べ、観光客向けのマップを作ります。",
    )
    other = factories.make_posting(
        personas.other_company,
        direction="strength",
        title="社員の清掃ボランティア",
        body="海岸の清掃活動に社員が参加します。",
    )
    return {"strength": strength, "school_offer": school_offer, "other": other}


def _issue(personas):
    return factories.make_posting(
        personas.municipality,
        title="観光客の周遊を増やしたい",
        body="観光客が一部の名所に集中しています。データを使って周遊を促したい。",
        place_scope="municipality",
        location=personas.municipality.location,
    )


def test_publishing_computes_proposals(
    personas, world, on_change, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue = _issue(personas)
    pairs = list(MatchProposal.objects.filter(posting=issue, kind="pair").order_by("rank"))
    assert pairs, "proposals were computed on publish"
    assert {p.partner.kind for p in pairs} <= {"company", "school"}
    assert pairs[0].partner in (personas.company, personas.school)
    assert pairs[0].engine_version
    assert pairs[0].breakdown["signals"]["geography"] >= 0
    assert "観光" in pairs[0].breakdown["shared_words"] or pairs[0].breakdown["shared_themes"]
    triads = MatchProposal.objects.filter(posting=issue, kind="triad")
    assert triads.filter(partner=personas.company, second_partner=personas.school).exists()


def test_recompute_is_idempotent_and_keeps_requests(personas, world):
    issue = _issue(personas)
    services.proposals_compute_for_posting(posting_id=issue.pk)
    rows = MatchProposal.objects.filter(posting=issue)
    first = sorted(rows.values_list("kind", "partner", "second_partner"))
    proposal = MatchProposal.objects.filter(posting=issue, kind="pair").first()
    services.proposal_request_introduction(
        proposal=proposal, user=personas.municipal_officer, message="ぜひ"
    )
    services.proposals_compute_for_posting(posting_id=issue.pk)
    services.proposals_recompute_all()
    again = sorted(rows.values_list("kind", "partner", "second_partner"))
    assert again == first
    proposal.refresh_from_db()
    assert proposal.state == "requested"


def _stored():
    return sorted(
        MatchProposal.objects.values_list(
            "posting", "kind", "rank", "partner", "second_partner", "score", "state", "breakdown"
        ),
        key=repr,
    )


def _whole_recompute_then_cleared(personas, monkeypatch):
    """The rows of a single-process recompute in chunks of two, then an empty table and no
    index: what a fanned-out recompute must store again."""
    _issue(personas)
    monkeypatch.setattr(services, "RECOMPUTE_CHUNK", 2)
    services.proposals_recompute_all()
    whole = _stored()
    MatchProposal.objects.all().delete()
    services.index_forget()
    return whole


def test_recompute_without_open_postings_stores_nothing(personas):
    services.index_forget()

    result = services.proposals_recompute_all(processes=2)

    assert result["postings"] == 0
    assert result["proposals"] == 0


def test_recompute_in_small_batches_stores_the_same_rows(personas, world, monkeypatch):
    _issue(personas)
    services.proposals_recompute_all()
    whole = _stored()
    assert whole

    monkeypatch.setattr(services, "RECOMPUTE_BATCH", 1)
    services.proposals_recompute_all()

    assert _stored() == whole
    row = MatchProposal.objects.filter(kind="triad").first()
    assert row.state == "suggested" and row.request_message == ""
    assert row.computed_at and row.created_at
    assert set(row.breakdown) == {"fit", "first", "second"}
    assert set(row.breakdown["first"]) == {
        "score",
        "signals",
        "shared_words",
        "shared_themes",
        "distance_km",
        "posting_id",
    }


@pytest.mark.django_db(transaction=True)
def test_recompute_with_forked_processes_stores_the_same_rows(personas, world, monkeypatch):
    # The forked processes store their chunks on connections of their own: committed data.
    _issue(personas)
    monkeypatch.setattr(services, "RECOMPUTE_CHUNK", 2)
    services.proposals_recompute_all()
    whole = _stored()

    # One posting a batch, two a chunk, so that both forked processes get chunks to store.
    monkeypatch.setattr(services, "RECOMPUTE_BATCH", 1)
    result = services.proposals_recompute_all(processes=2)

    assert result["processes"] == 2
    assert _stored() == whole
    assert result["proposals"] == MatchProposal.objects.count()


def test_diversity_is_carried_within_a_chunk_only(personas, world, monkeypatch):
    _issue(personas)
    monkeypatch.setattr(services, "RECOMPUTE_CHUNK", 1)
    services.proposals_recompute_all()
    # With one posting a chunk, no list is pushed down by another's: the stored order is
    # each posting's own ranking.
    for posting_id in MatchProposal.objects.values_list("posting_id", flat=True).distinct():
        scores = list(
            MatchProposal.objects.filter(posting_id=posting_id, kind="pair")
            .order_by("rank")
            .values_list("score", flat=True)
        )
        assert scores == sorted(scores, reverse=True)


def test_fanned_out_chunk_tasks_store_the_same_rows_as_the_full_recompute(
    personas, world, monkeypatch, django_capture_on_commit_callbacks
):
    from matching import tasks

    whole = _whole_recompute_then_cleared(personas, monkeypatch)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = tasks.proposals_recompute_all.delay(fan_out=True).get()

    assert result["chunks"] == len(services.recompute_chunks(list(range(result["postings"]))))
    assert result["chunks"] >= 2
    # One callback enqueues every chunk (the others are the notifications' unread counts).
    enqueues = [c for c in callbacks if c.__qualname__.startswith("proposals_recompute_fan_out")]
    assert len(enqueues) == 1
    assert _stored() == whole


def test_a_chunk_reuses_the_index_built_for_its_run(personas, world, monkeypatch, settings):
    issue = _issue(personas)
    services.index_forget()
    settings.MATCHING_INDEX_MAX_AGE = 0  # age alone would rebuild it every time
    built = []
    real = services.build_index
    monkeypatch.setattr(services, "build_index", lambda **kw: built.append(1) or real(**kw))

    services.proposals_recompute_chunk(posting_ids=[issue.pk], run="first")
    services.proposals_recompute_chunk(posting_ids=[issue.pk], run="first")
    assert len(built) == 1
    services.proposals_recompute_chunk(posting_ids=[issue.pk], run="second")
    assert len(built) == 2  # a later run builds afresh


def test_closing_a_posting_removes_its_suggestions(
    personas, world, on_change, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue = _issue(personas)
    assert MatchProposal.objects.filter(posting=issue).exists()
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.posting_close(posting=issue, actor=personas.municipal_officer)
    assert not MatchProposal.objects.filter(posting=issue, state="suggested").exists()


def test_funding_rule_keeps_head_office_company_out(personas, world):
    matsumoto = personas.municipality.location
    personas.company.location = matsumoto
    personas.company.prefecture = matsumoto.prefecture
    personas.company.save()
    issue = factories.make_posting(
        personas.municipality,
        title="観光客の周遊を増やしたい",
        body="観光客の周遊を促す事業に企業版ふるさと納税を募ります。",
        funding_route="corporate_furusato",
        place_scope="municipality",
        location=matsumoto,
    )
    services.proposals_compute_for_posting(posting_id=issue.pk)
    assert not MatchProposal.objects.filter(posting=issue, partner=personas.company).exists()


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("municipal_officer", True),
        ("coordinator", True),
        ("company_admin", False),
        ("outsider", False),
        ("anonymous", False),
    ],
)
def test_only_the_organisation_and_coordinators_see_suggestions(
    client, personas, world, persona, sees
):
    issue = _issue(personas)
    services.proposals_compute_for_posting(posting_id=issue.pk)
    user = personas.user(persona)
    if user:
        client.force_login(user)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert ('id="partners-heading"' in page) is sees
    assert ("観光客の動態データ分析" in page) is sees


def test_member_requests_an_introduction_once(client, personas, world):
    issue = _issue(personas)
    services.proposals_compute_for_posting(posting_id=issue.pk)
    proposal = MatchProposal.objects.filter(posting=issue, kind="pair").first()
    url = reverse("matching:request", args=[proposal.pk])
    client.force_login(personas.municipal_officer)
    assert client.post(url, {"message": "紹介をお願いします"}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.requested_by) == ("requested", personas.municipal_officer)
    assert client.post(url, {"message": "二度目"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.request_message == "紹介をお願いします"


@pytest.mark.parametrize(
    ("persona", "status"), [("outsider", 404), ("company_admin", 404), ("coordinator", 403)]
)
def test_others_cannot_request(client, personas, world, persona, status):
    issue = _issue(personas)
    services.proposals_compute_for_posting(posting_id=issue.pk)
    proposal = MatchProposal.objects.filter(posting=issue).first()
    client.force_login(personas.user(persona))
    assert client.post(reverse("matching:request", args=[proposal.pk])).status_code == status
    proposal.refresh_from_db()
    assert proposal.state == "suggested"


def test_coordinator_sees_triads_in_region(client, personas, world):
    issue = _issue(personas)
    services.proposals_compute_for_posting(posting_id=issue.pk)
    client.force_login(personas.coordinator)
    page = client.get(reverse("matching:triads")).content.decode()
    assert issue.title in page
    far = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=47)])
    client.force_login(far.user)
    assert issue.title not in client.get(reverse("matching:triads")).content.decode()


@contextlib.contextmanager
def _real_worker():
    """A real Celery worker (in a thread of this process) consuming Redis, tasks not eager."""
    from celery.contrib.testing.worker import start_worker

    from sankangaku.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            queues=["matching", "default"],
            shutdown_timeout=20,
        ):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_computes_proposals_on_publish(personas, world, settings):
    """Through Redis and a real Celery worker (in a thread of this process)."""
    settings.MATCHING_COMPUTE_ON_CHANGE = True
    settings.MATCHING_DEBOUNCE_SECONDS = 0
    with _real_worker():
        issue = _issue(personas)
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline and not MatchProposal.objects.filter(posting=issue).exists()
        ):
            time.sleep(0.2)
    assert MatchProposal.objects.filter(posting=issue, kind="pair").exists()


@pytest.mark.django_db(transaction=True)
def test_real_workers_recompute_the_fanned_out_chunks(personas, world, settings, monkeypatch):
    """The chunk tasks go through Redis to a real Celery worker (in a thread of this
    process) and store the rows of the single-process recompute."""
    whole = _whole_recompute_then_cleared(personas, monkeypatch)
    with _real_worker():
        queued = services.proposals_recompute_fan_out()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _stored() != whole:
            time.sleep(0.3)
    assert queued["chunks"] >= 2
    assert _stored() == whole


def test_new_partners_are_announced_once_a_day(personas, world):
    from sankangaku.notifications.models import Notification

    issue = _issue(personas)
    services.proposals_compute_for_posting(posting_id=issue.pk)
    notices = Notification.objects.filter(kind="new_suggestions")
    assert notices.count() == 1
    notice = notices.get()
    assert notice.recipient == personas.municipal_officer
    assert notice.payload["count"] >= 1
    assert notice.email_state == "digest"  # news waits for the daily digest by default
    services.proposals_compute_for_posting(posting_id=issue.pk)
    assert notices.count() == 1
