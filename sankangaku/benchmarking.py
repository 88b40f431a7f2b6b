"""Helpers shared by the `benchmark_*` management commands (tests/benchmarks/README.md).

Benchmarks never touch the configured database's data: `scratch_database` creates a
throw-away PostgreSQL database next to it, on the same server, and points the `default`
connection at it for the duration of the run (the way Django's test runner does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections

ALIAS = "default"


def admin_connection_params(settings_dict: dict[str, Any]) -> dict[str, Any]:
    """psycopg.connect() arguments for the server's `postgres` maintenance database."""
    params: dict[str, Any] = {"dbname": "postgres", "autocommit": True}
    for key, name in (
        ("HOST", "host"),
        ("PORT", "port"),
        ("USER", "user"),
        ("PASSWORD", "password"),
    ):
        if settings_dict.get(key):
            params[name] = settings_dict[key]
    return params


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for `settings_dict`, to hand the database to a subprocess (a worker).

    The host is percent-encoded, so a Unix-socket directory works too (django-environ
    decodes it). Only plain string/number OPTIONS survive, which covers sslmode and friends.
    """
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(str(settings_dict.get("HOST") or ""), safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    name = quote(str(settings_dict["NAME"]), safe="")
    options = {
        key: value
        for key, value in (settings_dict.get("OPTIONS") or {}).items()
        if isinstance(value, str | int)
    }
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{host}{port}/{name}{query}"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


@contextmanager
def scratch_database(suffix: str, *, keep: bool, say: Callable[[str], None]) -> Iterator[str]:
    """Create `<NAME><suffix>` on the `default` connection's PostgreSQL server and point
    `default` (and settings.DATABASES) at it; yields its name.

    The scratch database is dropped first if a previous run left it, and dropped again on
    exit unless `keep`. The configured database NAME is never opened, so it need not exist.
    The caller migrates it. Connections are closed on entry and exit, so nothing opened
    inside the block outlives it. Raises CommandError unless `default` is PostgreSQL.
    """
    import psycopg

    connection = connections[ALIAS]
    if connection.vendor != "postgresql":
        raise CommandError(
            f"Benchmarks create a scratch PostgreSQL database; the '{ALIAS}' database is "
            f"{connection.vendor}. Set DATABASE_URL=postgres://USER@HOST:PORT/NAME: a database "
            f"NAME{suffix} is created on that server and NAME itself is not touched."
        )
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    if not original:
        raise CommandError(f"The '{ALIAS}' database has no NAME.")
    scratch = f"{original}{suffix}"
    if len(scratch.encode()) > 63:
        raise CommandError(f"Scratch database name {scratch!r} is too long for PostgreSQL.")
    admin = admin_connection_params(settings_dict)

    def run_admin(sql: str) -> None:
        with psycopg.connect(**admin) as conn:
            conn.execute(sql)

    say(f"Scratch database {scratch} (the database {original} is not touched).")
    try:
        run_admin(f"DROP DATABASE IF EXISTS {quote_ident(scratch)} WITH (FORCE)")
        run_admin(f"CREATE DATABASE {quote_ident(scratch)}")
    except psycopg.Error as exc:
        raise CommandError(f"Could not create the scratch database {scratch}: {exc}") from exc
    # settings.DATABASES["default"] is normally the connection's settings_dict itself; set
    # both anyway, so code that reads either sees the scratch database.
    connections.close_all()
    settings_dict["NAME"] = scratch
    settings.DATABASES[ALIAS]["NAME"] = scratch
    try:
        yield scratch
    finally:
        connections.close_all()
        settings_dict["NAME"] = original
        settings.DATABASES[ALIAS]["NAME"] = original
        if keep:
            say(f"Kept the scratch database {scratch} (--keep); drop it yourself:")
            say(f"  psql -c 'DROP DATABASE {scratch}'")
        else:
            run_admin(f"DROP DATABASE IF EXISTS {quote_ident(scratch)} WITH (FORCE)")
            say(f"Dropped the scratch database {scratch}.")
