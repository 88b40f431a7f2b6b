"""Delivery survives what production does to it (QUALITY.md, "Reliability").

Real components only: Django's SMTP backend sending to an aiosmtpd sink, Redis as the broker,
`celery worker` subprocesses reading the test database. Each scenario runs at CI size; the
1,000-message versions run with SANKANGAKU_RELIABILITY_FULL=1. `pytest -s` prints the
figures (deliveries, duplicates, kills, elapsed); the assertions are about behaviour, never
speed, except the < 1 s per request while Redis is down, which is the requirement itself.
"""

import os
import random
import time
from collections.abc import Callable

import pytest
import redis
from django.db import transaction
from django.urls import reverse

from partners import services as partner_services
from sankangaku.notifications import delivery
from sankangaku.notifications.models import EmailState, Notification
from sankangaku.notifications.services import enqueue, notifications_resend

from .components import QUEUE, PrivateRedis, broker_at, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FULL = pytest.mark.skipif(
    os.environ.get("SANKANGAKU_RELIABILITY_FULL") != "1",
    reason="1,000-message version: set SANKANGAKU_RELIABILITY_FULL=1",
)


def sizes(ci: int, full: int) -> list:
    return [pytest.param(ci, id=str(ci)), pytest.param(full, id=str(full), marks=FULL)]


class Sweeper:
    """The beat's job, run from the test every `every` seconds while it waits."""

    def __init__(self, every: float = 2.0) -> None:
        self.every = every
        self.last = time.monotonic()
        self.runs = 0
        self.enqueued = 0
        self.released = 0

    def maybe(self) -> None:
        if time.monotonic() - self.last >= self.every:
            result = delivery.sweep()
            self.last = time.monotonic()
            self.runs += 1
            self.enqueued += result["enqueued"]
            self.released += result["released"]


def wait_sweeping(
    condition: Callable[[], bool], sweeper: Sweeper, *, timeout: float, every: float = 0.05
) -> bool:
    def tick() -> bool:
        sweeper.maybe()
        return condition()

    return wait_for(tick, timeout=timeout, every=every)


def all_sent() -> bool:
    return not Notification.objects.exclude(email_state=EmailState.SENT).exists()


def keys() -> set[str]:
    return set(Notification.objects.values_list("idempotency_key", flat=True))


def invite(personas, count: int, prefix: str) -> None:
    """`count` committed invitations through the real service: one outbox row each."""
    for i in range(count):
        partner_services.invitation_create(
            organisation=personas.company,
            actor=personas.company_admin,
            email=f"{prefix}{i}@example.jp",
            role="member",
        )


def settle(sweeper: Sweeper, seconds: float = 1.0) -> None:
    """Give a late duplicate (a send still in flight) the time to show up."""
    wait_sweeping(lambda: False, sweeper, timeout=seconds)


def report(title: str, **figures) -> None:
    print(f"\n[{title}] " + ", ".join(f"{name}={value}" for name, value in figures.items()))


def assert_publishes_to(server: PrivateRedis, shared_url: str) -> None:
    """This process's producer really talks to `server`, not to the shared Redis."""
    private, shared = server.client(), redis.Redis.from_url(shared_url)
    private.delete(QUEUE)
    before = shared.llen(QUEUE)
    assert enqueue(0)  # no row 0: a worker would answer "not claimed"
    assert private.llen(QUEUE) == 1
    assert shared.llen(QUEUE) == before
    private.delete(QUEUE)


# --- a. Redis stopped -------------------------------------------------------------------------


@pytest.mark.parametrize("changes", sizes(100, 1000))
def test_redis_outage_requests_succeed_and_all_are_delivered_once(
    changes, client, personas, private_redis, workers, smtp_sink, settings
):
    started = time.monotonic()
    # The whole of Redis goes away: the broker and the cache.
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": private_redis.url,
        }
    }
    workers.broker_url = private_redis.url
    with broker_at(private_redis.url):
        assert_publishes_to(private_redis, settings.REDIS_URL)
        private_redis.stop()

        client.force_login(personas.company_admin)
        url = reverse("partners:invite", args=[personas.company.pk])
        durations = []
        for i in range(changes):
            before = time.monotonic()
            response = client.post(url, {"email": f"outage{i}@example.jp", "role": "member"})
            durations.append(time.monotonic() - before)
            assert response.status_code == 302, response.content[:500]
            assert "/members/" in response.headers["Location"]
            assert durations[-1] < 1.0, f"request {i} took {durations[-1]:.2f} s"
        assert Notification.objects.filter(email_state=EmailState.PENDING).count() == changes
        assert smtp_sink.total == 0

        private_redis.start()  # empty: whatever had been queued is gone too
        workers.start()
        sweeper = Sweeper()
        expected = keys()
        delivered = wait_sweeping(
            lambda: set(smtp_sink.delivered()) >= expected and all_sent(),
            sweeper,
            timeout=60 + changes / 10,
        )
        settle(sweeper)
    assert delivered, workers.tail()

    counts = smtp_sink.delivered()
    report(
        "redis outage",
        changes=changes,
        max_request_s=f"{max(durations):.3f}",
        mean_request_s=f"{sum(durations) / len(durations):.3f}",
        deliveries=smtp_sink.total,
        duplicates=smtp_sink.duplicates,
        sweeps=sweeper.runs,
        enqueued_by_sweep=sweeper.enqueued,
        elapsed_s=f"{time.monotonic() - started:.1f}",
    )
    assert set(counts) == expected
    assert len(expected) == changes
    assert all(count == 1 for count in counts.values())


# --- b. Workers SIGKILLed ---------------------------------------------------------------------


@pytest.mark.parametrize(("deliveries", "kills"), [(200, 3), pytest.param(1000, 20, marks=FULL)])
def test_sigkilled_workers_lose_nothing_and_duplicate_at_most_once_per_kill(
    deliveries, kills, personas, workers, smtp_sink
):
    started = time.monotonic()
    invite(personas, deliveries, "kill")
    expected = keys()
    assert len(expected) == deliveries

    sweeper = Sweeper()
    step = deliveries // (kills + 1)
    workers.start(wait_ready=False)
    for round_ in range(1, kills + 1):
        # Kill in the middle of the stream, each time a worker has made some progress, at a
        # random moment of its cycle (render, SMTP, database) as a real kill would come.
        target = round_ * step
        progressed = wait_sweeping(
            lambda t=target: smtp_sink.total >= t, sweeper, timeout=60, every=0.005
        )
        assert progressed, workers.tail()
        time.sleep(random.uniform(0, 0.05))
        workers.kill()
        workers.start(wait_ready=False)
    delivered = wait_sweeping(
        lambda: set(smtp_sink.delivered()) >= expected and all_sent(),
        sweeper,
        timeout=60 + deliveries / 5,
    )
    settle(sweeper)
    assert delivered, workers.tail()

    report(
        "worker SIGKILL",
        notifications=deliveries,
        kills=workers.kills,
        deliveries=smtp_sink.total,
        duplicates=smtp_sink.duplicates,
        released_by_sweep=sweeper.released,
        sweeps=sweeper.runs,
        task_outcomes=dict(workers.outcomes()),
        elapsed_s=f"{time.monotonic() - started:.1f}",
    )
    assert workers.kills == kills
    assert set(smtp_sink.delivered()) == expected  # 0 missing
    assert Notification.objects.count() == deliveries  # 0 duplicate rows
    assert smtp_sink.duplicates <= workers.kills


# --- c. SMTP refuses --------------------------------------------------------------------------


@pytest.mark.parametrize("messages", sizes(100, 1000))
def test_smtp_451_then_recovery_delivers_all_with_bounded_attempts(
    messages, personas, workers, smtp_sink, settings
):
    """The sink refuses the first messages (451), then accepts. A row needs at least
    15.5 × base (7.75 s) to spend its 6 attempts, far longer than the 50 refusals last,
    so every row must come through, and each refusal costs exactly one more attempt."""
    started = time.monotonic()
    base = 0.5
    refusals = min(messages // 2, 50)
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = base
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = base * 16
    workers.extra_env = {
        "NOTIFICATIONS_RETRY_BASE_SECONDS": str(base),
        "NOTIFICATIONS_RETRY_MAX_SECONDS": str(base * 16),
    }
    smtp_sink.fail_next(refusals, 451)
    workers.start(wait_ready=False)  # boots while the rows are written
    invite(personas, messages, "busy")
    expected = keys()
    # No sweep: the retries schedule themselves.
    delivered = wait_for(
        lambda: set(smtp_sink.delivered()) >= expected and all_sent(),
        timeout=60 + messages / 5,
        every=0.05,
    )
    assert delivered, workers.tail()

    attempts = list(Notification.objects.values_list("attempts", flat=True))
    refused = sum(smtp_sink.refused.values())
    report(
        "smtp 451 then recovery",
        messages=messages,
        refused_451=refused,
        deliveries=smtp_sink.total,
        duplicates=smtp_sink.duplicates,
        attempts_total=sum(attempts),
        attempts_max=max(attempts),
        elapsed_s=f"{time.monotonic() - started:.1f}",
    )
    assert refused == refusals
    assert set(smtp_sink.delivered()) == expected
    assert smtp_sink.duplicates == 0
    assert max(attempts) <= settings.NOTIFICATIONS_MAX_ATTEMPTS
    # Every attempt is one send: each refusal cost one retry, nothing more.
    assert sum(attempts) == messages + refused


def test_smtp_451_forever_dead_letters_after_max_attempts(personas, workers, smtp_sink, settings):
    started = time.monotonic()
    smtp_sink.fail_always(451)
    workers.start(wait_ready=False)
    invite(personas, 1, "never")
    (row,) = Notification.objects.all()
    assert wait_for(
        lambda: Notification.objects.filter(pk=row.pk, email_state=EmailState.DEAD).exists(),
        timeout=30,
    ), workers.tail()
    sweeper = Sweeper(every=0.2)
    settle(sweeper)  # neither the retry path nor the sweep touches it again

    row.refresh_from_db()
    report(
        "smtp 451 forever",
        attempts=row.attempts,
        refused=smtp_sink.refused[row.idempotency_key],
        elapsed_s=f"{time.monotonic() - started:.1f}",
    )
    assert row.email_state == EmailState.DEAD
    assert row.attempts == settings.NOTIFICATIONS_MAX_ATTEMPTS
    assert smtp_sink.refused[row.idempotency_key] == settings.NOTIFICATIONS_MAX_ATTEMPTS
    assert "451" in row.last_error
    assert smtp_sink.total == 0


def test_smtp_550_dead_letters_at_once_and_admin_resend_delivers(personas, workers, smtp_sink):
    started = time.monotonic()
    smtp_sink.fail_always(550)
    workers.start(wait_ready=False)
    invite(personas, 1, "refused")
    (row,) = Notification.objects.all()
    assert wait_for(
        lambda: Notification.objects.filter(pk=row.pk, email_state=EmailState.DEAD).exists(),
        timeout=30,
    ), workers.tail()
    sweeper = Sweeper(every=0.2)
    settle(sweeper)  # not retried, not swept

    row.refresh_from_db()
    assert row.attempts == 1
    assert smtp_sink.refused[row.idempotency_key] == 1
    assert "550" in row.last_error

    smtp_sink.accept()
    assert notifications_resend(notification_ids=[row.pk]) == 1
    assert wait_for(
        lambda: Notification.objects.filter(pk=row.pk, email_state=EmailState.SENT).exists(),
        timeout=30,
    ), workers.tail()
    settle(sweeper)

    row.refresh_from_db()
    report(
        "smtp 550 + resend",
        attempts_before_resend=1,
        refused=smtp_sink.refused[row.idempotency_key],
        deliveries=smtp_sink.total,
        attempts_after_resend=row.attempts,
        elapsed_s=f"{time.monotonic() - started:.1f}",
    )
    assert smtp_sink.delivered() == {row.idempotency_key: 1}
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.last_error == ""


# --- d. Rolled back ---------------------------------------------------------------------------


class Abandoned(Exception):
    pass


def test_rolled_back_change_sends_nothing_through_a_real_worker(personas, workers, smtp_sink):
    workers.start(wait_ready=False)
    with pytest.raises(Abandoned), transaction.atomic():
        invite(personas, 1, "rolledback")
        assert Notification.objects.count() == 1  # written, inside the transaction
        raise Abandoned
    assert Notification.objects.count() == 0

    # A committed change afterwards proves the worker and sink were listening all along.
    invite(personas, 1, "committed")
    (row,) = Notification.objects.all()
    assert wait_for(lambda: smtp_sink.total >= 1 and all_sent(), timeout=30), workers.tail()
    settle(Sweeper())
    report("rollback", rows=Notification.objects.count(), deliveries=smtp_sink.total)
    assert smtp_sink.delivered() == {row.idempotency_key: 1}  # the committed one only
