"""The processes of a load run: gunicorn, a Celery worker and locust; memory samples; the
database restart; the check that no acknowledged write was lost.

Called by `manage.py benchmark_load` (partners/management/commands/benchmark_load.py), which
has already pointed the `default` connection at the run's scratch database.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from sankangaku.benchmarking import database_url

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
READY_SECONDS = 60
STOP_SECONDS = 30
MEMORY_SAMPLE_SECONDS = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def server_environment(*, port: int, redis_url: str, secret_key: str) -> dict[str, str]:
    """Production-like settings for gunicorn and the worker, by environment only.

    DEBUG=0 (WhiteNoise, secure `__Host-` cookies, HSTS), the run's throw-away SECRET_KEY
    (the one the sessions of the data set were signed with), only
    127.0.0.1 allowed. SECURE_SSL_REDIRECT=0 is the existing switch for plain HTTP (as in
    docker-compose.yml): without it every request would be redirected to https://. Emails go
    to Django's dummy backend (the worker still renders and "sends" them).
    """
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(connections["default"].settings_dict),
        "CONN_MAX_AGE": str(settings.DATABASES["default"].get("CONN_MAX_AGE") or 60),
        "REDIS_URL": redis_url,
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def server_cookie_names(env: dict[str, str]) -> dict[str, str]:
    """Cookie names as the server's settings make them (DEBUG=0: `__Host-` prefixed), read
    from a child with the server's environment rather than guessed here."""
    script = (
        "from django.conf import settings as s; import json; print(json.dumps({"
        "'session_cookie': s.SESSION_COOKIE_NAME, 'csrf_cookie': s.CSRF_COOKIE_NAME, "
        "'language_cookie': s.LANGUAGE_COOKIE_NAME}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _executable(name: str) -> str:
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        raise FileNotFoundError(f"No {name} next to {sys.executable}: pip install -e '.[dev]'")
    return str(path)


def _stop(process: subprocess.Popen, *, grace: float = STOP_SECONDS) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextmanager
def process(command: list[str], *, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A child in its own session (so its children can be killed as a group), logging to
    `log`; stopped with SIGTERM (then SIGKILL of the group) on exit."""
    with open(log, "w") as out:
        child = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield child
        finally:
            _stop(child)


def collectstatic(env: dict[str, str], log: Path) -> None:
    """DEBUG=0 serves the manifest-hashed files WhiteNoise finds in STATIC_ROOT."""
    with open(log, "w") as out:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
        )


def gunicorn_command(*, port: int, workers: int) -> list[str]:
    return [
        _executable("gunicorn"),
        "sankangaku.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "30",
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",
    ]


def worker_command(node: str) -> list[str]:
    return [
        _executable("celery"),
        "-A",
        "sankangaku",
        "worker",
        "-Q",
        "default,matching,notifications",
        "-c",
        "2",
        "--pool",
        "prefork",
        "-l",
        "warning",
        "--purge",
        "-n",
        f"{node}@%h",
    ]


def wait_until_serving(port: int, child: subprocess.Popen, log: Path) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < READY_SECONDS:
        if child.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {child.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {READY_SECONDS} s:\n{_tail(log)}")


def wait_until_worker_started(log: Path, child: subprocess.Popen) -> float:
    """Until the worker printed its banner (at -l warning it never says "ready"); tasks
    published before it consumes simply wait in Redis."""
    started = time.perf_counter()
    while time.perf_counter() - started < READY_SECONDS:
        if child.poll() is not None:
            raise RuntimeError(f"The Celery worker exited with {child.returncode}:\n{_tail(log)}")
        if "[queues]" in _tail(log, 200):
            return time.perf_counter() - started
        time.sleep(0.5)
    raise RuntimeError(f"The Celery worker did not start within {READY_SECONDS} s:\n{_tail(log)}")


class MemorySampler(threading.Thread):
    """RSS and CPU time of each process tree (the parent and its children), every few seconds.

    `roots` maps a label to a process id (the process and its children are sampled) or to a
    function returning process ids (those processes only: PostgreSQL's backends for the
    run's database, say). CPU time is kept per process (`<label>_cpu_by_pid`), so that
    `cpu_seconds_between` counts processes that appeared between two samples too.
    """

    def __init__(
        self,
        roots: dict[str, int | Callable[[], list[int]]],
        probe: SpeedProbe | None = None,
    ) -> None:
        super().__init__(daemon=True)
        self.roots = dict(roots)
        self.probe = probe
        self.samples: list[dict[str, Any]] = []
        self._stop_event = threading.Event()

    def sample(self) -> dict[str, Any]:
        import psutil

        row: dict[str, Any] = {"t": time.time()}
        for label, root in list(self.roots.items()):
            try:
                if callable(root):
                    tree = [psutil.Process(pid) for pid in root()]
                else:
                    parent = psutil.Process(root)
                    tree = [parent, *parent.children(recursive=True)]
                row[label] = sum(p.memory_info().rss for p in tree if p.is_running())
                row[f"{label}_processes"] = len(tree)
                row[f"{label}_pids"] = sorted(p.pid for p in tree)
                row[f"{label}_cpu_by_pid"] = {p.pid: sum(p.cpu_times()[:2]) for p in tree}
                row[f"{label}_cpu"] = sum(row[f"{label}_cpu_by_pid"].values())
            except psutil.Error:
                row[label] = None
        # The whole machine's CPU seconds by state (user, system, idle, steal, …): how busy
        # the cores were, and how much time the host took for other guests.
        row["machine_cpu"] = psutil.cpu_times()._asdict()
        return row

    def run(self) -> None:
        while not self._stop_event.wait(MEMORY_SAMPLE_SECONDS):
            row = self.sample()
            if self.probe is not None:
                # One render every few seconds (≈ 0.2 % of a core): the machine's speed
                # under the load, beside the load's own cost.
                row["probe_ms"] = self.probe.once()
            self.samples.append(row)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=MEMORY_SAMPLE_SECONDS * 2)


def cpu_seconds_between(label: str, samples: list[dict[str, Any]]) -> float | None:
    """CPU seconds the `label` processes used from the first of `samples` to the last: per
    process, its last reading minus its first (zero for one that started in between), so a
    process that ended in between counts up to its last reading."""
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    seen = False
    for index, sample in enumerate(samples):
        readings = sample.get(f"{label}_cpu_by_pid")
        if readings is None:
            continue
        seen = True
        for pid, cpu in readings.items():
            first.setdefault(pid, cpu if index == 0 else 0.0)
            last[pid] = cpu
    return sum(last[pid] - first[pid] for pid in last) if seen else None


# A fixed piece of the server's kind of work: a Django template with a loop, filters,
# escaping and a translated string, rendered in this process with no database or network.
_PROBE_TEMPLATE = (
    "{% load i18n %}<ul>{% for row in rows %}<li class=\"{% cycle 'a' 'b' %}\">"
    "{{ row.name|upper }} · {{ row.text|truncatechars:40 }} · {{ row.n|floatformat:1 }} "
    "{% translate 'Projects' %}</li>{% endfor %}</ul>"
)


class SpeedProbe:
    """CPU milliseconds for one fixed template render of 300 rows: a yardstick for this
    machine's speed, which drifts from hour to hour and for a second or so at a time (the
    best of seven renders measured 9.5 ms in one call, 14.8 ms in the next). A run's figures compare
    with another's only together with it. CPU time, not wall time: waiting for a core does
    not count, a slower core (or one whose caches others share) does."""

    def __init__(self) -> None:
        from django.template import Context, Engine

        engine = Engine(libraries={"i18n": "django.templatetags.i18n"})
        self._template = engine.from_string(_PROBE_TEMPLATE)
        rows = [
            {"name": f"組織{i}", "text": "地域の課題と企業の強み" * 3, "n": i / 7}
            for i in range(300)
        ]
        self._context = Context({"rows": rows})
        self.once()  # translations and lookups loaded

    def once(self) -> float:
        started = time.process_time()
        self._template.render(self._context)
        return round((time.process_time() - started) * 1000, 2)

    def summary(self, rounds: int = 30) -> dict[str, float]:
        """The median and the best of `rounds` renders (≈ 0.3 s in all), for idle cores."""
        times = sorted(self.once() for _ in range(rounds))
        return {"median_ms": times[len(times) // 2], "best_ms": times[0]}


def machine_share(samples: list[dict[str, Any]]) -> dict[str, float] | None:
    """Percentages of all CPUs' time between the first and the last of `samples`: busy
    (user, system, …), idle (with iowait) and stolen by the host (`steal`: the guest was
    ready to run but another guest had the core)."""
    readings = [s["machine_cpu"] for s in samples if s.get("machine_cpu")]
    if len(readings) < 2:
        return None
    delta = {key: readings[-1][key] - readings[0][key] for key in readings[0]}
    total = sum(delta.values())
    if total <= 0:
        return None
    idle = delta.get("idle", 0.0) + delta.get("iowait", 0.0)
    steal = delta.get("steal", 0.0)
    return {
        "busy_percent": round(100 * (total - idle - steal) / total, 1),
        "idle_percent": round(100 * idle / total, 1),
        "steal_percent": round(100 * steal / total, 1),
    }


def database_backends(database: str) -> Callable[[], list[int]]:
    """Process ids of the PostgreSQL backends serving `database` (a server on this machine;
    an empty list when it is elsewhere or the query fails)."""

    def pids() -> list[int]:
        import psycopg

        settings_dict = {**connections["default"].settings_dict, "NAME": "postgres"}
        try:
            with psycopg.connect(database_url(settings_dict), connect_timeout=2) as conn:
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid()",
                    [database],
                ).fetchall()
        except psycopg.Error:
            return []
        return [row[0] for row in rows]

    return pids


def run_locust(
    *,
    port: int,
    users: int,
    seconds: int,
    plan_path: Path,
    out_path: Path,
    user_rate: float,
    log: Path,
    on_start: Callable[[int], None] | None = None,
) -> int:
    env = {
        **os.environ,
        "LOADTEST_PLAN": str(plan_path),
        "LOADTEST_OUT": str(out_path),
        "LOADTEST_USER_RATE": str(user_rate),
    }
    command = [
        _executable("locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 3)),
        "--run-time",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "10",
        "--exit-code-on-error",
        "0",
    ]
    with process(command, env=env, log=log) as child:
        if on_start is not None:
            on_start(child.pid)
        child.wait(timeout=seconds + 120)
        return child.returncode


def read_log(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    records: list[dict[str, Any]] = []
    writes: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if "write" in row:
                writes.append(row["write"])
            else:
                records.append(row)
    return records, writes


def writes_check(writes: list[dict[str, Any]]) -> dict[str, Any]:
    """Is every acknowledged write (2xx/3xx) in the database? Also counts the writes that
    failed for the visitor but were committed anyway (not an error: the visitor was told it
    may not have been saved)."""
    from partners.models import Posting
    from projects.models import ProjectMessage
    from sankangaku.notifications.models import Notification

    from .analysis import acknowledged

    connections.close_all()  # the connection may predate a database restart
    acked = acknowledged(writes)
    result: dict[str, Any] = {"attempted": len(writes), "acknowledged": len(acked)}
    lost: list[dict[str, Any]] = []
    by_kind: dict[str, dict[str, int]] = {}

    def tally(kind: str, key: str) -> None:
        by_kind.setdefault(kind, {"acknowledged": 0, "lost": 0, "unacknowledged_but_saved": 0})
        by_kind[kind][key] += 1

    for write in acked:
        kind = write["kind"]
        if kind == "edit-draft":
            continue  # below, per posting
        tally(kind, "acknowledged")
        if kind == "message":
            found = ProjectMessage.objects.filter(body__contains=write["token"]).exists()
        elif kind == "create-draft":
            found = Posting.objects.filter(title__contains=write["token"]).exists()
        elif kind == "mark-read":
            found = Notification.objects.filter(
                pk=write["notification"], read_at__isnull=False
            ).exists()
        else:
            continue
        if not found:
            tally(kind, "lost")
            lost.append(write)
    # An acknowledged edit survives if the posting holds its text, or that of a later
    # attempt by the same person (each person edits only their own drafts, one at a time).
    edits: dict[int, list[dict[str, Any]]] = {}
    for write in writes:
        if write["kind"] == "edit-draft":
            edits.setdefault(write["posting"], []).append(write)
    bodies = dict(Posting.objects.filter(pk__in=list(edits)).values_list("pk", "body"))
    for posting, attempts in edits.items():
        attempts.sort(key=lambda w: w["t"])
        acked_positions = [i for i, w in enumerate(attempts) if w in acked]
        if not acked_positions:
            continue
        last = acked_positions[-1]
        body = bodies.get(posting, "")
        if not any(w["token"] in body for w in attempts[last:]):
            tally("edit-draft", "lost")
            lost.append(attempts[last])
    for write in writes:
        if write["kind"] == "edit-draft" and write in acked:
            tally("edit-draft", "acknowledged")
    for write in writes:
        if write in acked:
            continue
        if write["kind"] == "message":
            saved = ProjectMessage.objects.filter(body__contains=write["token"]).exists()
        elif write["kind"] == "create-draft":
            saved = Posting.objects.filter(title__contains=write["token"]).exists()
        else:
            saved = False
        if saved:
            tally(write["kind"], "unacknowledged_but_saved")
    result["by_kind"] = by_kind
    result["lost"] = len(lost)
    result["lost_sample"] = lost[:5]
    return result


def empty_redis(redis_url: str) -> None:
    """Empty the run's Redis database (its cache and broker) before the servers start.

    The data set is built afresh in a database of the same name each run, with the same
    keys: what an earlier run cached by key (signed-in users, memberships, unread counts)
    would otherwise be taken for this run's rows."""
    import redis

    redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5).flushdb()


def worker_queue_backlog(redis_url: str) -> dict[str, int] | None:
    """Messages still waiting in the worker's queues (Redis lists) after the run."""
    try:
        import redis

        client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        return {q: int(client.llen(q)) for q in ("default", "matching", "notifications")}
    except Exception:  # noqa: BLE001 - a report line, not a failure
        return None
