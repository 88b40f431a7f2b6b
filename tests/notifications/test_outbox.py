"""The notifications outbox: rows in the business transaction, delivery by preference,
inbox, unsubscribe and digests. Delivery under faults (real SMTP, Redis and worker) is in
test_reliability.py."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache, caches
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from partners import services as partner_services
from sankangaku.notifications import delivery, digests
from sankangaku.notifications.kinds import Channel, Kind
from sankangaku.notifications.models import Digest, EmailState, Notification, Preference
from sankangaku.notifications.preferences import channels_for
from sankangaku.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    unread_count,
    unread_keys,
    unsubscribe_token,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _notify(user, *, key="event:1", kind=Kind.POSTING_REVIEW_RESULT, group=("", ""), **payload):
    payload = {"title": "空き家の活用", "published": True, "note": "", **payload}
    return notify(kind, key=key, users=[user], payload=payload, url="/postings/1/", group=group)


# --- The outbox row and the email ---------------------------------------------------------


def test_a_decision_notifies_each_admin_once_in_their_language(
    personas, django_capture_on_commit_callbacks
):
    personas.company_admin.preferred_language = "en"
    personas.company_admin.save()
    organisation = factories.CompanyFactory(verification_status="pending")
    factories.MembershipFactory(
        user=personas.company_admin, organisation=organisation, role="admin"
    )
    factories.MembershipFactory(user=personas.company_member, organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.organisation_decide_verification(
            organisation=organisation, coordinator=personas.coordinator, approve=True, note=""
        )
    row = Notification.objects.get()
    assert row.recipient == personas.company_admin  # admins only, not every member
    assert row.kind == Kind.VERIFICATION_RESULT
    assert row.email_state == EmailState.SENT
    assert row.attempts == 1
    (message,) = mail.outbox
    assert message.to == [personas.company_admin.email]
    assert "is now verified" in message.subject
    assert message.extra_headers["X-Sankangaku-Key"] == row.idempotency_key
    assert organisation.get_absolute_url() in message.body
    html = message.alternatives[0][0]
    assert "Open in Sankangaku" in html
    # Transactional kinds cannot be unsubscribed, so they carry no unsubscribe link.
    assert "List-Unsubscribe" not in message.extra_headers


def test_the_same_event_twice_notifies_once(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(personas.company_admin)
        _notify(personas.company_admin)
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_notifies_no_one(personas, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify(personas.company_admin)
        raise RuntimeError("the change failed")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_inactive_people_are_not_notified(personas):
    personas.company_admin.is_active = False
    personas.company_admin.save()
    assert _notify(personas.company_admin) == 0


def test_invitation_link_is_emailed_then_wiped(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.invitation_create(
            organisation=personas.company,
            actor=personas.company_admin,
            email="someone@example.jp",
            role="member",
        )
    row = Notification.objects.get()
    assert row.recipient is None and row.email == "someone@example.jp"
    assert re.search(r"/invitations/[^/\s]+/", mail.outbox[-1].body)
    assert row.secret_url == ""  # the token is not kept once the email is out


def test_a_kind_switched_off_after_the_event_is_not_emailed(personas):
    with transaction.atomic():
        _notify(personas.company_admin)
    row = Notification.objects.get()
    assert row.email_state == EmailState.PENDING  # on_commit did not run in this test
    Preference.objects.create(
        user=personas.company_admin, kind=Kind.POSTING_REVIEW_RESULT, channel=Channel.IN_APP
    )
    assert delivery.deliver(row.pk) == delivery.Outcome.SKIPPED
    assert mail.outbox == []


def test_a_claimed_row_is_not_sent_twice(personas):
    with transaction.atomic():
        _notify(personas.company_admin)
    row = Notification.objects.get()
    assert delivery.deliver(row.pk) == delivery.Outcome.SENT
    assert delivery.deliver(row.pk) == delivery.Outcome.NOT_CLAIMED
    assert len(mail.outbox) == 1


def test_sweep_releases_stale_claims_and_resends_pending(personas, settings):
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    with transaction.atomic():
        _notify(personas.company_admin, key="a")
        _notify(personas.company_member, key="b")
    stale = Notification.objects.get(recipient=personas.company_member)
    Notification.objects.filter(pk=stale.pk).update(
        email_state=EmailState.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    result = delivery.sweep()
    assert result["released"] == 1
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
    assert len(mail.outbox) == 2


def test_transient_failure_backs_off_and_permanent_failure_dead_letters(personas, settings):
    import smtplib
    from unittest import mock

    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    with transaction.atomic():
        _notify(personas.company_admin)
    row = Notification.objects.get()
    busy = smtplib.SMTPResponseException(451, b"try again later")
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=busy):
        assert delivery.deliver(row.pk) == delivery.Outcome.RETRY
    row.refresh_from_db()
    assert row.email_state == EmailState.PENDING and row.next_attempt_at > timezone.now()
    assert "451" in row.last_error
    # Not due yet: nobody may claim it early.
    assert delivery.deliver(row.pk) == delivery.Outcome.NOT_CLAIMED
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=None)
    refused = smtplib.SMTPRecipientsRefused({row.email: (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
        assert delivery.deliver(row.pk) == delivery.Outcome.DEAD
    row.refresh_from_db()
    assert row.email_state == EmailState.DEAD and row.attempts == 2


# --- Preferences ------------------------------------------------------------------------------


def test_defaults_follow_the_role(personas):
    teacher = channels_for(personas.teacher)
    assert set(teacher.values()) == {Channel.WEEKLY}
    coordinator = channels_for(personas.coordinator)
    assert set(coordinator.values()) == {Channel.DAILY}
    company = channels_for(personas.company_admin)
    assert company[Kind.INTRODUCTION_REQUESTED] == Channel.INSTANT
    assert company[Kind.NEW_SUGGESTIONS] == Channel.DAILY
    officer = channels_for(personas.municipal_officer)
    assert officer == company
    assert Kind.INVITATION not in company  # transactional: always emailed


def test_digest_preference_holds_the_email_back(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(personas.teacher)
    row = Notification.objects.get()
    assert (row.channel, row.email_state) == (Channel.WEEKLY, EmailState.DIGEST)
    assert mail.outbox == []


def test_preferences_page_saves_and_rejects_bad_input(client, personas):
    client.force_login(personas.company_admin)
    url = reverse("notifications:preferences")
    page = client.get(url)
    assert page.status_code == 200
    assert str(Kind.INVITATION.label) not in page.content.decode()
    form = dict.fromkeys(channels_for(personas.company_admin), Channel.INSTANT)
    bad = {**form, Kind.MESSAGE: "carrier-pigeon"}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "aria-invalid" in response.content.decode()
    assert not Preference.objects.exists()
    response = client.post(url, {**form, Kind.MESSAGE: Channel.WEEKLY})
    assert response.status_code == 302
    assert channels_for(personas.company_admin)[Kind.MESSAGE] == Channel.WEEKLY


def test_preferences_need_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- Unsubscribe -----------------------------------------------------------------------------


def test_unsubscribe_without_login_changes_only_that_kind(personas):
    Preference.objects.create(user=personas.company_admin, kind=Kind.MESSAGE, channel=Channel.DAILY)
    url = reverse(
        "notifications:unsubscribe",
        kwargs={"token": unsubscribe_token(user=personas.company_admin, kind=Kind.NEW_SUGGESTIONS)},
    )
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    assert not Preference.objects.filter(kind=Kind.NEW_SUGGESTIONS).exists()  # GET is harmless
    # RFC 8058 one-click: a mail client's POST carries no CSRF token.
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    channels = channels_for(personas.company_admin)
    assert channels[Kind.NEW_SUGGESTIONS] == Channel.IN_APP
    assert channels[Kind.MESSAGE] == Channel.DAILY
    assert channels[Kind.INTRODUCTION_REQUESTED] == Channel.INSTANT


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "e30:1:abc"])
def test_a_tampered_unsubscribe_link_gets_a_message(client, personas, token):
    response = client.post(reverse("notifications:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400
    assert "無効" in response.content.decode() or "not valid" in response.content.decode()
    assert not Preference.objects.exists()


def test_emails_carry_a_working_unsubscribe_link(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(personas.company_admin)
    header = mail.outbox[-1].extra_headers["List-Unsubscribe"]
    path = re.search(r"<https?://[^/]+(/[^>]+)>", header).group(1)
    assert path in mail.outbox[-1].body
    assert Client().post(path).status_code == 200
    assert channels_for(personas.company_admin)[Kind.POSTING_REVIEW_RESULT] == Channel.IN_APP


# --- Inbox --------------------------------------------------------------------------------------


def test_inbox_lists_only_ones_own_and_marks_read(client, personas):
    with transaction.atomic():
        _notify(personas.company_admin, key="mine", title="自分の投稿")
        _notify(personas.company_member, key="theirs", title="他人の投稿")
    client.force_login(personas.company_admin)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "自分の投稿" in page and "他人の投稿" not in page
    assert 'class="badge">1<' in page
    mine = Notification.objects.get(recipient=personas.company_admin)
    theirs = Notification.objects.get(recipient=personas.company_member)
    # Someone else's notification: 404, and it stays unread.
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    partial = client.post(reverse("notifications:read", args=[mine.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert partial["HX-Trigger"] == "notifications-changed"
    mine.refresh_from_db()
    assert mine.read_at is not None
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert 'class="badge"' not in badge


def test_the_unread_count_is_cached_and_every_change_shows_at_once(
    personas, django_assert_num_queries, django_capture_on_commit_callbacks
):
    user = personas.company_admin
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, key="first")
    with django_assert_num_queries(1):
        assert unread_count(user) == 1
    with django_assert_num_queries(0):
        assert unread_count(user) == 1
    # A count read before the next change but stored after it is never taken for current.
    version_key, count_key = unread_keys(user.pk)
    version_before = cache.get(version_key)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, key="second")
    cache.set(count_key, (version_before, 1))
    assert unread_count(user) == 2
    first = Notification.objects.get(idempotency_key__startswith="first")
    assert notification_mark_read(user=user, notification_id=first.pk)
    assert unread_count(user) == 1
    assert unread_count(personas.company_member) == 0
    assert notifications_mark_all_read(user=user) == 1
    assert unread_count(user) == 0


def test_the_header_count_comes_in_the_signed_in_users_round_trip_to_the_cache(
    client, personas, monkeypatch
):
    with transaction.atomic():
        _notify(personas.company_admin, key="one")
    client.force_login(personas.company_admin)
    client.get(reverse("notifications:badge"))  # the user, memberships and count now cached
    reads = []
    backend = caches["default"]
    real_get_many = backend.get_many

    def counting_get_many(keys, *args, **kwargs):
        reads.append(list(keys))
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", counting_get_many)
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert 'class="badge">1<' in badge
    assert len(reads) == 1  # user, memberships and the count together
    assert set(unread_keys(personas.company_admin.pk)) <= set(reads[0])


def test_a_snapshot_of_the_count_is_used_once_and_dropped_by_the_requests_own_changes(
    personas, django_capture_on_commit_callbacks
):
    from partners.auth_backends import ModelBackend

    user = personas.company_admin
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, key="one")
        _notify(user, key="two")
    assert unread_count(user) == 2  # cached
    signed_in = ModelBackend().get_user(user.pk)
    first = Notification.objects.filter(recipient=user).first()
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_mark_read(user=signed_in, notification_id=first.pk)
    assert unread_count(signed_in) == 1  # not the snapshot's 2
    signed_in = ModelBackend().get_user(user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_mark_all_read(user=signed_in) == 1
    assert unread_count(signed_in) == 0
    # Another request's change after this one read its snapshot shows on the next read.
    signed_in = ModelBackend().get_user(user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, key="three")
    assert unread_count(signed_in) == 0  # the request's own view of the start
    assert unread_count(signed_in) == 1  # used once


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, personas):
    with transaction.atomic():
        _notify(personas.company_admin)
    row = Notification.objects.get()
    client.force_login(personas.company_admin)
    response = client.get(reverse("notifications:open", args=[row.pk]))
    assert response.status_code == 302 and response.url == "/postings/1/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_mark_all_read_and_the_unread_filter(client, personas):
    with transaction.atomic():
        for n in range(3):
            _notify(personas.company_admin, key=f"k{n}")
    client.force_login(personas.company_admin)
    assert client.post(reverse("notifications:read_all")).status_code == 302
    page = client.get(reverse("notifications:inbox"), {"show": "unread"}).content.decode()
    with translation.override("ja"):
        assert translation.gettext("Nothing unread.") in page


def test_inbox_page_number_out_of_range_is_not_an_error(client, personas):
    client.force_login(personas.company_admin)
    assert client.get(reverse("notifications:inbox"), {"page": "999"}).status_code == 200
    assert client.get(reverse("notifications:inbox"), {"page": "x"}).status_code == 200


# --- Digests ----------------------------------------------------------------------------------


def _age(row_filter, days: float) -> None:
    Notification.objects.filter(**row_filter).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def test_weekly_digest_groups_never_repeats_and_is_never_empty(personas):
    teacher = personas.teacher
    teacher.preferred_language = "en"
    teacher.save()
    with transaction.atomic():
        _notify(teacher, key="a", group=("posting:1", "空き家の活用"), title="空き家の活用")
        _notify(teacher, key="b", group=("posting:1", "空き家の活用"), title="空き家の活用")
        _notify(
            teacher,
            key="c",
            kind=Kind.POSTING_EXPIRED,
            group=("posting:2", "防災教育"),
            title="防災教育",
        )
    _age({"recipient": teacher}, 3)
    now = timezone.now()
    assert digests.recipients_due(Channel.WEEKLY) == [teacher.pk]
    assert digests.recipients_due(Channel.DAILY) == []
    assert digests.digest_deliver(user_id=teacher.pk, cadence=Channel.WEEKLY, now=now) == 3
    (message,) = mail.outbox
    assert message.to == [teacher.email]
    assert "weekly" in message.subject and "3 updates" in message.subject
    body = message.body
    assert body.count("■ 空き家の活用") == 1 and body.count("■ 防災教育") == 1
    assert "has expired" in body  # rendered in the teacher's language
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.DIGESTED}
    # A second run in the same week, and a run next week with nothing new: no email.
    assert digests.digest_deliver(user_id=teacher.pk, cadence=Channel.WEEKLY, now=now) == 0
    later = now + timedelta(days=7)
    assert digests.digest_deliver(user_id=teacher.pk, cadence=Channel.WEEKLY, now=later) == 0
    assert len(mail.outbox) == 1
    assert Digest.objects.count() == 1


def test_instant_items_never_appear_in_a_digest(personas, django_capture_on_commit_callbacks):
    admin = personas.company_admin
    with django_capture_on_commit_callbacks(execute=True):
        _notify(admin, key="direct")  # a direct reply: instant for companies
        notify(
            Kind.NEW_SUGGESTIONS,
            key="news",
            users=[admin],
            payload={"title": "空き家の活用", "count": 2},
            url="/postings/1/",
        )
    assert len(mail.outbox) == 1
    assert digests.digest_deliver(user_id=admin.pk, cadence=Channel.DAILY) == 1
    assert len(mail.outbox) == 2
    assert "「空き家の活用」" not in mail.outbox[1].subject
    states = dict(Notification.objects.values_list("idempotency_key", "email_state"))
    assert states == {f"direct:u{admin.pk}": "sent", f"news:u{admin.pk}": "digested"}


def test_digest_task_enqueues_one_digest_per_person(personas):
    from sankangaku.notifications.tasks import digests_send

    with transaction.atomic():
        _notify(personas.teacher, key="t1")
        _notify(personas.teacher, key="t2")
        _notify(personas.coordinator, key="c1")
    assert digests_send(cadence=Channel.WEEKLY) == 1
    assert digests_send(cadence=Channel.DAILY) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas.teacher.email, personas.coordinator.email]
    )
