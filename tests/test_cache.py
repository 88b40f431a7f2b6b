"""The cache fails open: with Redis gone, pages carry on as if every read missed."""

import socket
import time
import warnings

import pytest

from sankangaku.cache import ResilientRedisCache


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_redis_reads_miss_and_writes_are_dropped():
    cache = ResilientRedisCache(
        f"redis://127.0.0.1:{_closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )
    started = time.monotonic()
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    cache.set("k", 1)
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")
    assert time.monotonic() - started < 2


def test_a_live_redis_still_works(settings):
    from django.core.cache import cache

    cache.set("resilient-check", 41)
    assert cache.incr("resilient-check") == 42


def test_one_redis_client_per_connection_pool_serves_every_call(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    cache = ResilientRedisCache(settings.REDIS_URL, {})
    client = cache._cache.get_client("k", write=True)
    assert cache._cache.get_client("other") is client  # not one redis.Redis per call
    cache.set("reuse-check", {"a": 1}, 30)
    assert cache.get("reuse-check") == {"a": 1}
    assert cache.get_many(["reuse-check", "missing"]) == {"reuse-check": {"a": 1}}
    cache.delete("reuse-check")


def test_keys_memcached_would_refuse_are_fine_for_redis(settings):
    # Django checks every key against memcached's rules and warns (CacheKeyWarning); Redis
    # has no such limits, so ResilientRedisCache skips the check.
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    cache = ResilientRedisCache(settings.REDIS_URL, {})
    key = "card:posting:ja " + "x" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache.set(key, "html", 30)
        assert cache.get(key) == "html"
        assert cache.get_many([key]) == {key: "html"}
        cache.delete(key)
