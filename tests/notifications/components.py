"""Real components for the delivery tests: an SMTP sink, Redis servers and Celery workers.

Nothing here is mocked; conftest.py has the fixtures that set them up. The sink is aiosmtpd
on a free port, counting messages by their `X-Sankangaku-Key` header; workers are `celery
worker` subprocesses on the notifications queue, reading the *test* database, so they can be
SIGKILLed like a real container. Tests that need Redis to go away start a private
redis-server: the shared one on 6379 serves other test runs and is never stopped.
"""

import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import redis
from django.db import connection
from kombu import pools

from sankangaku.celery import app as celery_app

REPO = Path(__file__).resolve().parents[2]
QUEUE = "notifications"

# Seconds instead of minutes, the same in this process (the sweep) and in the workers.
FAST_RETRIES = {
    "NOTIFICATIONS_MAX_ATTEMPTS": 6,
    "NOTIFICATIONS_RETRY_BASE_SECONDS": 0.05,
    "NOTIFICATIONS_RETRY_MAX_SECONDS": 2.0,
    "NOTIFICATIONS_CLAIM_TIMEOUT": 2.0,
    "NOTIFICATIONS_SWEEP_GRACE_SECONDS": 0.0,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], bool], *, timeout: float, every: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


# --- SMTP sink --------------------------------------------------------------------------------


class SinkHandler:
    """Accepts and records messages, or refuses them as told.

    `fail_next(n, 451)` answers 451 (temporary) to the next n messages; `fail_always(550)`
    answers with that code to every message until `accept()`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.keys: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self._fail_next = 0
        self._fail_code = 451
        self._fail_always: int | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        key = email.message_from_bytes(envelope.content)["X-Sankangaku-Key"] or ""
        with self._lock:
            code = self._fail_always
            if code is None and self._fail_next > 0:
                self._fail_next -= 1
                code = self._fail_code
            if code is not None:
                self.refused[key] += 1
                return f"{code} {code // 100}.0.0 Refused by the test sink"
            self.keys[key] += 1
        return "250 2.0.0 OK"

    def fail_next(self, count: int, code: int = 451) -> None:
        with self._lock:
            self._fail_next, self._fail_code = count, code

    def fail_always(self, code: int) -> None:
        with self._lock:
            self._fail_always = code

    def accept(self) -> None:
        with self._lock:
            self._fail_always, self._fail_next = None, 0

    def delivered(self) -> Counter[str]:
        with self._lock:
            return Counter(self.keys)

    @property
    def distinct(self) -> int:
        with self._lock:
            return len(self.keys)

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.keys.values())

    @property
    def duplicates(self) -> int:
        with self._lock:
            return sum(count - 1 for count in self.keys.values())


@dataclass
class Sink:
    host: str
    port: int
    handler: SinkHandler

    def __getattr__(self, name):
        return getattr(self.handler, name)


# --- Redis and the broker ---------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of this test alone, which it may stop and start at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._pings, timeout=10), "private redis-server did not start"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)

    def _pings(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False


def _forget_broker_connections() -> None:
    """Make the app build its connection and producer pools afresh from the current URL."""
    pools.reset()  # closes every pooled broker connection of this process
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Publish from this process to the broker at `url` for the duration."""
    saved = celery_app.conf.broker_url
    _forget_broker_connections()
    celery_app.conf.broker_url = url
    try:
        yield
    finally:
        _forget_broker_connections()
        celery_app.conf.broker_url = saved


# --- Workers ----------------------------------------------------------------------------------


def _test_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


@dataclass
class Workers:
    """Starts `celery worker` subprocesses on the notifications queue; one at a time."""

    log_dir: Path
    sink: Sink
    broker_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    log: Path | None = None
    started: int = 0
    kills: int = 0

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "CELERY"))}
        env |= {
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": self.broker_url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.sink.host,
            "EMAIL_PORT": str(self.sink.port),
            "EMAIL_USE_TLS": "0",
            "PYTHONUNBUFFERED": "1",
        }
        env |= {name: str(value) for name, value in FAST_RETRIES.items()}
        env |= self.extra_env
        return env

    def start(self, *, wait_ready: bool = True) -> None:
        assert self.process is None, "one worker at a time"
        self.started += 1
        self.log = self.log_dir / f"worker-{self.started}.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sankangaku",
                "worker",
                "-Q",
                QUEUE,
                "-c",
                "2",
                "--pool",
                "prefork",
                "-n",
                f"ntf{self.started}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=REPO,
            env=self.env(),
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes the pool too
        )
        if wait_ready:
            ready = wait_for(lambda: b" ready." in self.log.read_bytes(), timeout=30, every=0.05)
            assert ready, self.tail()

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, like a killed container."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        self.kills += 1

    def stop(self) -> None:
        """At the end of a test: no warm shutdown, which would only wait for the pool."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def outcomes(self) -> Counter[str]:
        """What the deliver tasks of every worker so far returned (from their INFO logs)."""
        found: Counter[str] = Counter()
        for log in self.log_dir.glob("worker-*.log"):
            for line in log.read_text(errors="replace").splitlines():
                if "notification_deliver[" in line and " succeeded in " in line:
                    found[line.rsplit(":", 1)[-1].strip().strip("'")] += 1
        return found

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log and self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
