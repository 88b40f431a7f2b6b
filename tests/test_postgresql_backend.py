"""The PostgreSQL backend reads timestamps with psycopg's C parser and returns what Django's
own loader would (sankangaku.postgresql)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from psycopg.pq import Format

from sankangaku.postgresql.base import HAS_C_LOADER, UTCTimestamptzLoader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

TIMESTAMPS = [
    datetime.datetime(2026, 12, 2, 16, 55, 42, 652091, tzinfo=datetime.UTC),
    datetime.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9))),
    datetime.datetime(1, 1, 1, tzinfo=datetime.UTC),
]


def test_the_connection_reads_timestamps_with_psycopgs_c_loader():
    assert HAS_C_LOADER, "the locks install psycopg[binary]"
    connection.ensure_connection()
    with connection.cursor() as cursor:
        # Django checks the loader on every cursor and re-registers its own on a mismatch.
        loader = cursor.cursor.adapters.get_loader(
            cursor.cursor.adapters.types["timestamptz"].oid, Format.TEXT
        )
        assert loader is UTCTimestamptzLoader
        cursor.execute("SELECT now()")
        instance = cursor.cursor._tx.get_loader(cursor.cursor.adapters.types["timestamptz"].oid, 0)
        assert type(instance).__module__.startswith(("psycopg_binary", "psycopg_c"))


def test_timestamps_come_back_as_the_same_instants_in_utc():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v FROM unnest(%s::timestamptz[]) WITH ORDINALITY AS t(v, i) ORDER BY i",
            [TIMESTAMPS],
        )
        read = [row[0] for row in cursor.fetchall()]
    assert read == TIMESTAMPS
    assert all(value.tzinfo is datetime.UTC for value in read)


def test_models_round_trip_their_timestamps(reference_data):
    from tests import factories

    organisation = factories.CompanyFactory()
    stored = type(organisation).objects.values_list("created_at", flat=True).get(pk=organisation.pk)
    assert stored == organisation.created_at
    assert stored.tzinfo is datetime.UTC
    assert timezone.localtime(stored).utcoffset() == datetime.timedelta(hours=9)
