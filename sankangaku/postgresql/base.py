"""Django's PostgreSQL backend, reading `timestamptz` values with psycopg's C parser.

Django registers a `timestamptz` loader of its own on every connection
(`django.db.backends.postgresql.psycopg_any.BaseTzLoader`): a Python subclass of psycopg's
pure-Python loader, so every timestamp a query returns is parsed in Python, even where
psycopg's C extension (psycopg[binary], as in our locks) is installed. Reading 11,420
values of `created_at` through the ORM (20 queries, this machine) took 169 ms that way and
35 ms with psycopg's C loader (≈ 15 against ≈ 3 µs a value, the queries' own cost
included), and a page reads dozens (every posting, message
and notification has one or two), ≈ 2.5 % of the CPU of the load test's pages by py-spy.

When the connection's session time zone is UTC (always with USE_TZ = True and no TIME_ZONE
in DATABASES: Django sets it when it connects), psycopg's own loader returns what Django's
would: an aware datetime in `datetime.UTC`. So this backend registers psycopg's
C loader on the connection in that case and leaves Django's anywhere else (another time
zone, USE_TZ = False, psycopg without its C extension).

psycopg's C loader class cannot be subclassed, and Django checks the `timezone` attribute
of the connection's loader on every cursor (re-registering its own on a mismatch), so the
class registered is a stand-in that carries `timezone` and `format` and whose instances
are psycopg's C loader.
"""

from __future__ import annotations

import datetime
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg.pq import Format

_TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid
_C_LOADER = psycopg.adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT)
HAS_C_LOADER = psycopg.pq.__impl__ in {"c", "binary"}


class UTCTimestamptzLoader:
    """Stands for psycopg's C `timestamptz` loader on a connection whose time zone is UTC."""

    timezone = datetime.UTC  # what Django compares with its own on each cursor
    format = Format.TEXT

    def __new__(cls, oid: int, context: Any = None) -> Any:
        return _C_LOADER(oid, context)


class DatabaseWrapper(base.DatabaseWrapper):
    def init_connection_state(self) -> None:
        super().init_connection_state()  # sets the session time zone
        if HAS_C_LOADER and self.timezone is datetime.UTC:
            self.connection.adapters.register_loader("timestamptz", UTCTimestamptzLoader)
