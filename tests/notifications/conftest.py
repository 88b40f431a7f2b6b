"""Fixtures of the delivery tests: each sets up one real component from components.py."""

import logging
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from sankangaku.celery import app as celery_app

from .components import FAST_RETRIES, PrivateRedis, Sink, SinkHandler, Workers, free_port


@pytest.fixture
def smtp_sink(settings) -> Iterator[Sink]:
    """An SMTP server on 127.0.0.1 that Django (this process and the workers) sends to."""
    handler = SinkHandler()
    port = free_port()
    # server_hostname: no getfqdn() lookup, which can stall on a closed network.
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="sink")
    mail_log = logging.getLogger("mail.log")  # aiosmtpd logs every SMTP command at INFO
    level = mail_log.level
    mail_log.setLevel(logging.WARNING)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield Sink("127.0.0.1", port, handler)
    finally:
        controller.stop()
        mail_log.setLevel(level)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A redis-server of this test alone (the shared one on 6379 is never stopped)."""
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def live_celery(settings) -> Iterator[None]:
    """This process publishes to the broker instead of running tasks in-process, with the
    fast retry settings the workers get too."""
    for name, value in FAST_RETRIES.items():
        setattr(settings, name, value)
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = True


@pytest.fixture
def workers(transactional_db, smtp_sink, live_celery, settings, tmp_path) -> Iterator[Workers]:
    """Worker subprocesses against the test Redis; stopped before the database is flushed."""
    pool = Workers(log_dir=tmp_path, sink=smtp_sink, broker_url=settings.REDIS_URL)
    try:
        yield pool
    finally:
        pool.stop()
