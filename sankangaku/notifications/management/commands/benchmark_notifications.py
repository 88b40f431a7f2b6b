"""`manage.py benchmark_notifications`: email delivery through a real worker to a local SMTP sink.

It never touches the configured database's data nor the configured Redis database. On the
PostgreSQL server of the `default` connection it creates a scratch database `<NAME>_notifbench`
(sankangaku.benchmarking.scratch_database), migrates it, and then:

1. starts an aiosmtpd sink in this process (a thread on 127.0.0.1, a free port) that counts
   messages by their X-Sankangaku-Key header, and their bytes;
2. starts a real Celery worker as a subprocess, as production runs it:
   `celery -A sankangaku worker -Q notifications -c 2 --pool prefork -l warning`, with
   DATABASE_URL pointing at the scratch database, EMAIL_URL at the sink, DEBUG=0 (with a
   throw-away SECRET_KEY) and REDIS_URL on a *separate* Redis database number (--redis-db,
   default: the configured one + 1). This process publishes to that same Redis database.
   It refuses to run if a worker already answers there, and purges that database's
   `notifications` queue (leftovers of an aborted run) before starting;
3. instant delivery: N users (--recipients) each get one `posting_review_result` through
   `notify()`, called in transactions of --batch events; the clock runs from the first commit
   until every row is `sent` (polling the database). Per-email latency is created_at → sent_at;
4. digest run: M users (--digest-recipients) each with 3 items waiting for the daily digest
   in 2 groups (rows bulk-inserted as notify() writes them for a daily preference), then the
   `digests_send` task (cadence daily) is enqueued as beat would, and the clock runs until
   every Digest has sent_at. It checks that nobody got two digests (database and sink);
5. prints a summary against the QUALITY.md targets (≥ 50 emails/s; a 10,000-recipient digest
   run < 5 min) with "met"/"missed". With --json the last line is one JSON object.

Figures are printed, never asserted. Every user has the marker domain @notifbench.invalid.
The worker is stopped at the end (SIGTERM, then SIGKILL of its process group after 30 s) and
the scratch database dropped unless --keep.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sankangaku_nb \\
    REDIS_URL=redis://127.0.0.1:6379/7 python manage.py benchmark_notifications
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone

from sankangaku.benchmarking import database_url, percentile, scratch_database

SCRATCH_SUFFIX = "_notifbench"
QUEUE = "notifications"
MARKER_DOMAIN = "notifbench.invalid"
INSTANT_KEY_PREFIX = "notifbench-review:"
DIGEST_KEY_PREFIX = "digest:"  # digests.digest_deliver's key: digest:<cadence>:<period>:u<id>
INSERT_BATCH = 5_000
POLL_SECONDS = 0.25
STALL_SECONDS = 120  # no progress for this long: give up on the phase, report what arrived
WORKER_READY_SECONDS = 60
WORKER_STOP_SECONDS = 30

TARGET_EMAILS_PER_SECOND = 50
TARGET_DIGEST_RECIPIENTS = 10_000
TARGET_DIGEST_SECONDS = 300

FAMILY_NAMES = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
GIVEN_NAMES = ("陽菜", "蓮", "結衣", "湊", "葵", "大翔", "美咲", "健太", "由美", "誠")
POSTING_TITLES = (
    "観光客の滞在時間を延ばしたい",
    "地域の防災力を高めたい",
    "放課後の子どもの居場所づくり",
    "高齢者の見守り体制を強化したい",
    "耕作放棄地の活用策を募集します",
    "庁内業務のDXを推進したい",
    "出前授業を無償で提供します",
    "空き家を活用した移住体験住宅",
)
REVIEW_NOTES = (
    "連絡先の記載がありません。担当者の部署と電話番号を追記してください。",
    "対象地域を市町村単位で具体的に記載してください。",
    "費用負担の考え方（無償・有償）を明記してください。",
)


# --- The SMTP sink ------------------------------------------------------------------------------


class SinkHandler:
    """aiosmtpd handler: accepts everything, counts messages per X-Sankangaku-Key."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.keys: Counter[str] = Counter()
        self.messages = 0
        self.bytes = 0
        self._parser = BytesHeaderParser()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content or b""
        key = self._parser.parsebytes(content).get("X-Sankangaku-Key", "")
        with self.lock:
            self.messages += 1
            self.bytes += len(content)
            self.keys[str(key)] += 1
        return "250 Message accepted for delivery"

    def snapshot(self, prefix: str) -> dict[str, Any]:
        """Messages whose key starts with `prefix`: count, distinct keys, duplicates."""
        with self.lock:
            counts = {key: n for key, n in self.keys.items() if key.startswith(prefix)}
        return {
            "messages": sum(counts.values()),
            "distinct_keys": len(counts),
            "duplicates": sum(n - 1 for n in counts.values() if n > 1),
            "counts": counts,
        }


@contextmanager
def smtp_sink(say: Callable[[str], None]) -> Iterator[tuple[SinkHandler, int]]:
    from aiosmtpd.controller import Controller

    handler = SinkHandler()
    # aiosmtpd's readiness check connects to the configured port, so it cannot bind port 0
    # itself: take a free port from the OS first (the gap before it binds is harmless here).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # aiosmtpd logs every SMTP command at INFO: thousands of lines, and time spent in the sink.
    mail_log = logging.getLogger("mail.log")
    level = mail_log.level
    mail_log.setLevel(logging.WARNING)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    say(f"SMTP sink listening on 127.0.0.1:{port}.")
    try:
        yield handler, port
    finally:
        controller.stop()
        mail_log.setLevel(level)


# --- The command --------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Benchmark notification delivery (render + send) through a real Celery worker "
        "(prefork, concurrency 2) to a local SMTP sink, on a scratch PostgreSQL database "
        "(<NAME>_notifbench) and a separate Redis database: instant emails/s and latency, and "
        "a daily digest run. Prints figures; never asserts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recipients", type=int, default=2_000, help="instant emails")
        parser.add_argument(
            "--digest-recipients", type=int, default=10_000, help="users with a daily digest"
        )
        parser.add_argument(
            "--batch", type=int, default=50, help="notify() calls per transaction (50)"
        )
        parser.add_argument(
            "--redis-db",
            type=int,
            default=None,
            help="Redis database number for the run (default: REDIS_URL's number + 1, mod 16)",
        )
        parser.add_argument(
            "--timeout", type=int, default=1800, help="seconds each phase may take (1800)"
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch database afterwards"
        )
        parser.add_argument(
            "--json", action="store_true", help="print all figures as JSON on the last line"
        )

    # -- entry point ------------------------------------------------------------------------------

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbose = options["verbosity"] > 0
        if options["recipients"] < 1 or options["digest_recipients"] < 0 or options["batch"] < 1:
            raise CommandError("--recipients and --batch must be ≥ 1, --digest-recipients ≥ 0.")
        if connections["default"].vendor != "postgresql":
            raise CommandError(
                "benchmark_notifications needs PostgreSQL (the worker shares the scratch "
                "database with this process). Set DATABASE_URL=postgres://USER@HOST:PORT/NAME; "
                f"a scratch database NAME{SCRATCH_SUFFIX} is created and NAME is not touched."
            )
        if not settings.REDIS_URL:
            raise CommandError(
                "benchmark_notifications needs a real broker: set REDIS_URL (e.g. "
                "redis://127.0.0.1:6379/0). The run uses a separate Redis database number "
                "(--redis-db), not the configured one."
            )
        celery_bin = Path(sys.executable).with_name("celery")
        if not celery_bin.exists():
            raise CommandError(f"No celery executable next to {sys.executable}.")

        self.options = options
        self.figures: dict[str, Any] = {
            "recipients": options["recipients"],
            "digest_recipients": options["digest_recipients"],
            "batch": options["batch"],
            "cpus": os.cpu_count(),
            "load_average_start": [round(x, 2) for x in os.getloadavg()],
        }
        redis_url = self._redis_url(options["redis_db"])
        self.figures["redis_url"] = redis_url
        with (
            self._broker(redis_url),
            scratch_database(SCRATCH_SUFFIX, keep=options["keep"], say=self.say) as name,
        ):
            self.figures["database"] = name
            started = time.perf_counter()
            call_command("migrate", interactive=False, verbosity=0)
            self.figures["migrate_seconds"] = round(time.perf_counter() - started, 2)
            self.say(f"Migrated in {self.figures['migrate_seconds']} s.")
            with (
                smtp_sink(self.say) as (sink, port),
                self._worker(celery_bin, redis_url=redis_url, smtp_port=port),
            ):
                self.sink = sink
                self._instant()
                if options["digest_recipients"]:
                    self._digest()
                self.figures["sink_total"] = {"messages": sink.messages, "bytes": sink.bytes}
        self.figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        self._report()
        if options["json"]:
            self.stdout.write(json.dumps(self.figures, ensure_ascii=False, sort_keys=True))

    def say(self, line: str = "") -> None:
        if self.verbose:
            self.stdout.write(line)

    # -- broker ---------------------------------------------------------------------------------

    @staticmethod
    def _redis_url(redis_db: int | None) -> str:
        parts = urlsplit(settings.REDIS_URL)
        path = parts.path.strip("/")
        configured = int(path) if path.isdigit() else 0
        number = (configured + 1) % 16 if redis_db is None else redis_db
        if number == configured:
            raise CommandError(
                f"--redis-db {number} is the configured Redis database; the benchmark purges "
                "its notifications queue, so give it another number."
            )
        return urlunsplit(parts._replace(path=f"/{number}"))

    @contextmanager
    def _broker(self, redis_url: str) -> Iterator[None]:
        """Publish to the benchmark's Redis database from this process, then restore."""
        from sankangaku.celery import app

        original = app.conf.broker_url
        if app.conf.task_always_eager:
            raise CommandError("Celery runs tasks eagerly here; set REDIS_URL.")
        _use_broker(app, redis_url)
        try:
            try:
                # Another worker on this Redis database would take our tasks and run them
                # against its own database: refuse rather than guess (and purge nothing).
                others = app.control.ping(timeout=1.0)
            except Exception as exc:  # kombu's connection errors vary by transport
                raise CommandError(f"Redis at {redis_url} is not usable: {exc}") from exc
            if others:
                names = ", ".join(sorted(name for reply in others for name in reply))
                raise CommandError(
                    f"Celery workers already listen on {redis_url} ({names}); choose another "
                    "--redis-db."
                )
            purged = self._queue_length(app, purge=True)
            if purged:
                self.say(f"Purged {purged} leftover messages from the {QUEUE} queue.")
            yield
        finally:
            _use_broker(app, original)

    @staticmethod
    def _queue_length(app: Any, *, purge: bool = False) -> int:
        with app.connection_for_write() as conn:
            channel = conn.default_channel
            if purge:
                return channel.queue_purge(QUEUE) or 0
            return channel.client.llen(QUEUE)

    # -- the worker -----------------------------------------------------------------------------

    @contextmanager
    def _worker(self, celery_bin: Path, *, redis_url: str, smtp_port: int) -> Iterator[None]:
        from sankangaku.celery import app

        node = f"notifbench-{os.getpid()}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(connections["default"].settings_dict),
            "REDIS_URL": redis_url,
            # EMAIL_URL wins over EMAIL_BACKEND/EMAIL_HOST/… in settings and over a local .env.
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            # As production runs it; a throw-away key only signs this run's unsubscribe links.
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "LOG_LEVEL": "WARNING",
        }
        command = [
            str(celery_bin),
            "-A",
            "sankangaku",
            "worker",
            "-Q",
            QUEUE,
            "-c",
            "2",
            "--pool",
            "prefork",
            "-l",
            "warning",
            "-n",
            f"{node}@%h",
        ]
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in the finally below)
            mode="w+", prefix="notifbench-worker-", suffix=".log", delete=False
        )
        started = time.perf_counter()
        # Its own session: Ctrl-C here does not reach it, and its pool children can be killed
        # as one process group if the warm shutdown hangs.
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.worker = process
        self.worker_log = log.name
        try:
            while True:
                if process.poll() is not None:
                    raise CommandError(
                        f"The worker exited with {process.returncode}:\n{self._worker_log_tail()}"
                    )
                replies = app.control.ping(timeout=0.5)
                if any(name.startswith(f"{node}@") for reply in replies for name in reply):
                    break
                if time.perf_counter() - started > WORKER_READY_SECONDS:
                    raise CommandError(
                        f"The worker did not answer within {WORKER_READY_SECONDS} s:\n"
                        f"{self._worker_log_tail()}"
                    )
            self.figures["worker_start_seconds"] = round(time.perf_counter() - started, 2)
            self.say(
                f"Worker {node} ready in {self.figures['worker_start_seconds']} s "
                f"(prefork, concurrency 2, queue {QUEUE}, broker {redis_url}); log {log.name}."
            )
            yield
        finally:
            if process.poll() is None:
                process.terminate()  # warm shutdown: finishes the tasks in hand
                try:
                    process.wait(WORKER_STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            self.say(f"Worker stopped (exit code {process.returncode}).")
            log.close()

    def _worker_log_tail(self, lines: int = 30) -> str:
        text = Path(self.worker_log).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _worker_cpu_seconds(self) -> float:
        """User + system CPU of the worker and its pool processes so far (Linux /proc).

        On a shared machine wall-clock rates depend on everyone else's load; CPU seconds per
        email do not, and 2 / that is what the worker could do with both cores to itself
        (PostgreSQL's and Redis's share of the work is not included)."""
        tick = os.sysconf("SC_CLK_TCK")
        pids = {self.worker.pid}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.worker.pid:  # ppid
                    pids.add(int(entry.name))
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return total

    # -- data -----------------------------------------------------------------------------------

    @staticmethod
    def _users(prefix: str, count: int) -> list[Any]:
        from sankangaku.accounts.models import User

        password = make_password(None)  # unusable, like an account that never set one
        users = [
            User(
                email=f"{prefix}{i:06d}@{MARKER_DOMAIN}",
                display_name=(
                    f"{FAMILY_NAMES[i % len(FAMILY_NAMES)]} "
                    f"{GIVEN_NAMES[(i // len(FAMILY_NAMES)) % len(GIVEN_NAMES)]}"
                ),
                # Japanese first; about one in five reads English.
                preferred_language="en" if i % 5 == 4 else "ja",
                password=password,
            )
            for i in range(count)
        ]
        return User.objects.bulk_create(users, batch_size=INSERT_BATCH)

    # -- phase 1: instant delivery --------------------------------------------------------------

    def _instant(self) -> None:
        from sankangaku.notifications.kinds import Kind
        from sankangaku.notifications.models import EmailState, Notification
        from sankangaku.notifications.services import notify

        count = self.options["recipients"]
        batch = self.options["batch"]
        users = self._users("instant", count)
        self.say(f"Instant: {count:,} users created; calling notify() in batches of {batch}.")

        first_commit: list[datetime] = []
        cpu_before = self._worker_cpu_seconds()
        produce_started = time.perf_counter()
        for start in range(0, count, batch):
            with transaction.atomic():
                if not first_commit:
                    # Registered first, so it runs right after the commit, before the enqueues.
                    transaction.on_commit(lambda: first_commit.append(timezone.now()))
                for i, user in enumerate(users[start : start + batch], start=start):
                    posting_pk = 100_000 + i
                    title = POSTING_TITLES[i % len(POSTING_TITLES)]
                    published = i % 4 != 3
                    notify(
                        Kind.POSTING_REVIEW_RESULT,
                        key=f"{INSTANT_KEY_PREFIX}{posting_pk}",
                        users=[user],
                        payload={
                            "title": title,
                            "published": published,
                            "note": "" if published else REVIEW_NOTES[i % len(REVIEW_NOTES)],
                        },
                        url=reverse("partners:posting_detail", kwargs={"pk": posting_pk}),
                        group=(f"posting:{posting_pk}", title),
                    )
        last_commit = timezone.now()
        produce_seconds = time.perf_counter() - produce_started
        self.say(
            f"  notify() + commit + enqueue for {count:,} events in {produce_seconds:.1f} s "
            f"({count / produce_seconds:,.0f}/s); waiting for delivery…"
        )

        rows = Notification.objects.filter(kind=Kind.POSTING_REVIEW_RESULT)

        def progress() -> tuple[int, dict[str, int]]:
            states = dict(
                rows.order_by()
                .values("email_state")
                .annotate(n=Count("pk"))
                .values_list("email_state", "n")
            )
            return states.get(EmailState.SENT, 0) + states.get(EmailState.DEAD, 0), states

        complete, states = self._wait("instant", progress, count)
        cpu = self._worker_cpu_seconds() - cpu_before
        timings = rows.filter(sent_at__isnull=False).aggregate(
            first_sent=Min("sent_at"), last_sent=Max("sent_at")
        )
        latencies = [
            (sent - created).total_seconds()
            for created, sent in rows.filter(sent_at__isnull=False).values_list(
                "created_at", "sent_at"
            )
        ]
        sent = states.get(EmailState.SENT, 0)
        sink = self.sink.snapshot(INSTANT_KEY_PREFIX)
        errors = list(rows.exclude(last_error="").values_list("last_error", flat=True)[:3])
        figures: dict[str, Any] = {
            "complete": complete,
            "states": states,
            "sent": sent,
            "produce_seconds": round(produce_seconds, 2),
            "produce_per_second": round(count / produce_seconds, 1),
            "sink_messages": sink["messages"],
            "sink_distinct_keys": sink["distinct_keys"],
            "sink_duplicates": sink["duplicates"],
            "errors_sample": errors,
        }
        if sent and first_commit:
            backlog = rows.filter(sent_at__gt=last_commit).count()
            elapsed = (timings["last_sent"] - first_commit[0]).total_seconds()
            spread = (timings["last_sent"] - timings["first_sent"]).total_seconds()
            figures |= {
                "seconds_first_commit_to_all_sent": round(elapsed, 2),
                "emails_per_second": round(sent / elapsed, 1),
                # The worker's own pace, independent of how fast this process produced.
                "emails_per_second_first_to_last_sent": round((sent - 1) / spread, 1)
                if spread > 0
                else None,
                "seconds_last_commit_to_all_sent": round(
                    (timings["last_sent"] - last_commit).total_seconds(), 2
                ),
                # The worker alone: what was still queued when this process stopped producing
                # (and competing for the CPUs), divided by the time it took to drain it.
                "backlog_at_last_commit": backlog,
                "emails_per_second_draining_backlog": round(
                    backlog / (timings["last_sent"] - last_commit).total_seconds(), 1
                )
                if backlog >= 50
                else None,
                "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
                "latency_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
                "latency_max_ms": round(max(latencies) * 1000, 1),
                "mean_bytes": round(self.sink.bytes / max(self.sink.messages, 1)),
                "worker_cpu_ms_per_email": round(cpu * 1000 / sent, 1),
                "emails_per_second_if_2_cpus_free": round(2 * sent / cpu, 1) if cpu else None,
            }
        self.figures["instant"] = figures

    # -- phase 2: the digest run ----------------------------------------------------------------

    def _digest(self) -> None:
        from sankangaku.notifications.kinds import Channel, Kind
        from sankangaku.notifications.models import Digest, EmailState, Notification
        from sankangaku.notifications.tasks import digests_send

        count = self.options["digest_recipients"]
        started = time.perf_counter()
        users = self._users("digest", count)
        rows: list[Notification] = []
        for i, user in enumerate(users):
            # Two postings of the user's: new partner suggestions for both, and one expired.
            for n, (kind, posting, payload) in enumerate(
                (
                    (Kind.NEW_SUGGESTIONS, 2 * i, {"count": 1 + i % 5}),
                    (Kind.POSTING_EXPIRED, 2 * i, {}),
                    (Kind.NEW_SUGGESTIONS, 2 * i + 1, {"count": 1 + i % 3}),
                )
            ):
                posting_pk = 200_000 + posting
                title = POSTING_TITLES[posting % len(POSTING_TITLES)]
                # What notify() writes for a user whose preference for the kind is daily.
                rows.append(
                    Notification(
                        recipient=user,
                        email=user.email,
                        language=user.preferred_language,
                        kind=kind,
                        payload={"title": title, **payload},
                        url=reverse("partners:posting_detail", kwargs={"pk": posting_pk}),
                        group_key=f"posting:{posting_pk}",
                        group_label=title,
                        idempotency_key=f"notifbench-digest:{posting_pk}:{n}:u{user.pk}",
                        channel=Channel.DAILY,
                        email_state=EmailState.DIGEST,
                    )
                )
        Notification.objects.bulk_create(rows, batch_size=INSERT_BATCH)
        self.say(
            f"Digest: {count:,} users with {len(rows):,} waiting items created in "
            f"{time.perf_counter() - started:.1f} s; enqueuing digests_send(cadence=daily)…"
        )

        cpu_before = self._worker_cpu_seconds()
        enqueued_at = timezone.now()
        digests_send.apply_async(kwargs={"cadence": Channel.DAILY})

        def progress() -> tuple[int, dict[str, int]]:
            digests = Digest.objects.filter(cadence=Channel.DAILY)
            return digests.filter(sent_at__isnull=False).count(), {
                "digests": digests.count(),
                "sent": digests.filter(sent_at__isnull=False).count(),
            }

        complete, _states = self._wait("digest", progress, count)
        cpu = self._worker_cpu_seconds() - cpu_before
        digests = Digest.objects.filter(cadence=Channel.DAILY)
        timings = digests.aggregate(last_sent=Max("sent_at"), first_created=Min("created_at"))
        sent = digests.filter(sent_at__isnull=False).count()
        twice_in_db = (
            digests.order_by()
            .values("recipient_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        sink = self.sink.snapshot(DIGEST_KEY_PREFIX)
        # Per user, not per key: a second digest in another period would have another key.
        per_user: Counter[str] = Counter()
        for key, n in sink["counts"].items():
            per_user[key.rsplit(":u", 1)[-1]] += n
        items = dict(
            Notification.objects.filter(channel=Channel.DAILY)
            .order_by()
            .values("email_state")
            .annotate(n=Count("pk"))
            .values_list("email_state", "n")
        )
        figures: dict[str, Any] = {
            "complete": complete,
            "digests": digests.count(),
            "sent": sent,
            "items": items,
            "sink_messages": sink["messages"],
            "sink_users": len(per_user),
            "sink_duplicates": sink["duplicates"],
            "users_with_two_digests_db": twice_in_db,
            "users_with_two_digests_sink": sum(1 for n in per_user.values() if n > 1),
        }
        if sent and timings["last_sent"]:
            elapsed = (timings["last_sent"] - enqueued_at).total_seconds()
            figures |= {
                "seconds_enqueue_to_all_sent": round(elapsed, 2),
                "seconds_to_first_digest_row": round(
                    (timings["first_created"] - enqueued_at).total_seconds(), 2
                ),
                "digests_per_second": round(sent / elapsed, 1),
                # Linear extrapolation when run with fewer than the target's 10,000 people.
                "seconds_at_10000": round(elapsed * TARGET_DIGEST_RECIPIENTS / sent, 1),
                "worker_cpu_ms_per_digest": round(cpu * 1000 / sent, 1),
                "seconds_at_10000_if_2_cpus_free": round(
                    cpu * TARGET_DIGEST_RECIPIENTS / sent / 2, 1
                ),
            }
        self.figures["digest"] = figures

    # -- waiting --------------------------------------------------------------------------------

    def _wait(
        self, label: str, progress: Callable[[], tuple[int, dict[str, int]]], expected: int
    ) -> tuple[bool, dict[str, int]]:
        """Poll until `expected` are done; False if the phase times out or stalls."""
        started = last_change = last_report = time.perf_counter()
        done_before = -1
        while True:
            done, states = progress()
            now = time.perf_counter()
            if done >= expected:
                return True, states
            if done != done_before:
                done_before, last_change = done, now
            if self.worker.poll() is not None:
                raise CommandError(
                    f"The worker exited with {self.worker.returncode} during the {label} phase:\n"
                    f"{self._worker_log_tail()}"
                )
            if now - started > self.options["timeout"] or now - last_change > STALL_SECONDS:
                from sankangaku.celery import app

                queued = self._queue_length(app)
                self.say(
                    f"  {label}: gave up after {now - started:.0f} s at {done:,}/{expected:,}; "
                    f"{queued:,} tasks still in the broker queue"
                )
                if not queued:
                    # Seen on a shared Redis: a test run's cache.clear() is a FLUSHDB.
                    self.say(
                        f"  {label}: the queue is empty but work is missing: someone emptied "
                        "this Redis database (FLUSHDB?); rerun with another --redis-db."
                    )
                self.figures.setdefault("stalls", []).append(
                    {"phase": label, "done": done, "queued": queued}
                )
                return False, states
            if now - last_report >= 5:
                last_report = now
                self.say(f"  {label}: {done:,}/{expected:,} after {now - started:.0f} s {states}")
            time.sleep(POLL_SECONDS)

    # -- report ---------------------------------------------------------------------------------

    def _report(self) -> None:
        f = self.figures
        instant = f["instant"]
        self.say("")
        self.say(
            f"Machine: {f['cpus']} CPUs, load average {f['load_average_start']} at the start, "
            f"{f['load_average_end']} at the end (other work inflates these figures)."
        )
        self.say(
            f"Instant delivery, {f['recipients']:,} emails (posting_review_result, notify() in "
            f"transactions of {f['batch']}):"
        )
        self.say(
            f"  produced in {instant['produce_seconds']} s ({instant['produce_per_second']:,}/s); "
            f"states {instant['states']}"
        )
        if "emails_per_second" in instant:
            self.say(
                f"  first commit → all sent {instant['seconds_first_commit_to_all_sent']} s = "
                f"{instant['emails_per_second']} emails/s (worker pace, first → last sent: "
                f"{instant['emails_per_second_first_to_last_sent']} emails/s; last commit → all "
                f"sent {instant['seconds_last_commit_to_all_sent']} s)"
            )
            if instant["emails_per_second_draining_backlog"]:
                self.say(
                    f"  worker alone, draining the {instant['backlog_at_last_commit']:,} emails "
                    f"still queued at the last commit: "
                    f"{instant['emails_per_second_draining_backlog']} emails/s"
                )
            self.say(
                f"  latency created → sent: p50 {instant['latency_p50_ms']} ms, p95 "
                f"{instant['latency_p95_ms']} ms, max {instant['latency_max_ms']} ms; "
                f"≈ {instant['mean_bytes']:,} bytes per email"
            )
            self.say(
                f"  worker CPU {instant['worker_cpu_ms_per_email']} ms per email → "
                f"≈ {instant['emails_per_second_if_2_cpus_free']} emails/s if it had both CPUs "
                f"to itself (database and Redis time not counted)"
            )
        self.say(
            f"  sink: {instant['sink_messages']:,} messages, {instant['sink_distinct_keys']:,} "
            f"distinct keys, {instant['sink_duplicates']} duplicates"
        )
        if instant["errors_sample"]:
            self.say(f"  errors (sample): {instant['errors_sample']}")

        digest = f.get("digest")
        if digest:
            self.say(
                f"Digest run, {f['digest_recipients']:,} recipients × 3 items in 2 groups "
                f"(daily), digests_send → one digest_deliver task each:"
            )
            if "seconds_enqueue_to_all_sent" in digest:
                self.say(
                    f"  enqueue → all sent {digest['seconds_enqueue_to_all_sent']} s = "
                    f"{digest['digests_per_second']} digests/s (first Digest row after "
                    f"{digest['seconds_to_first_digest_row']} s)"
                )
                self.say(
                    f"  worker CPU {digest['worker_cpu_ms_per_digest']} ms per digest → "
                    f"≈ {digest['seconds_at_10000_if_2_cpus_free']} s for 10,000 if it had both "
                    f"CPUs to itself"
                )
            self.say(
                f"  {digest['sent']:,}/{digest['digests']:,} digests sent; items {digest['items']}"
            )
            self.say(
                f"  sink: {digest['sink_messages']:,} messages to {digest['sink_users']:,} users, "
                f"{digest['sink_duplicates']} duplicates; users with two digests: "
                f"{digest['users_with_two_digests_db']} (database), "
                f"{digest['users_with_two_digests_sink']} (sink)"
            )

        self.say("")
        self.say("QUALITY.md: notification delivery, one worker of concurrency 2")
        verdicts: dict[str, str] = {}
        rate = instant.get("emails_per_second")
        ok = bool(instant["complete"] and rate and rate >= TARGET_EMAILS_PER_SECOND)
        verdicts["emails_per_second"] = "met" if ok else "missed"
        self.say(
            f"  ≥ {TARGET_EMAILS_PER_SECOND} emails/s: {rate} emails/s "
            f"({'complete' if instant['complete'] else 'INCOMPLETE'}) — "
            f"{verdicts['emails_per_second']}"
        )
        if digest:
            seconds = digest.get("seconds_at_10000")
            ok = bool(digest["complete"] and seconds and seconds < TARGET_DIGEST_SECONDS)
            verdicts["digest_run"] = "met" if ok else "missed"
            measured = digest.get("seconds_enqueue_to_all_sent")
            extrapolated = (
                ""
                if f["digest_recipients"] == TARGET_DIGEST_RECIPIENTS
                else f" (extrapolated from {f['digest_recipients']:,}: {seconds} s)"
            )
            self.say(
                f"  {TARGET_DIGEST_RECIPIENTS:,}-recipient digest run < {TARGET_DIGEST_SECONDS} "
                f"s: {measured} s{extrapolated} "
                f"({'complete' if digest['complete'] else 'INCOMPLETE'}) — "
                f"{verdicts['digest_run']}"
            )
        f["verdicts"] = verdicts


def _use_broker(app: Any, url: str) -> None:
    """Point this process's Celery app at `url`. The connection and producer pools are
    created lazily from broker_url and then cached, so drop them (Celery does the same after
    a fork, in Celery._after_fork)."""
    app.conf.broker_url = url
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
