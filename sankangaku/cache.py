"""A Redis cache that fails open: when Redis is down or frozen, reads miss and writes are
dropped (logged), so no page fails because of the cache. Everything cached here can be
recomputed, and the timeouts in settings bound how long a frozen Redis can delay a request.
While Redis is away the rate limits that live in the cache (allauth's) do not apply; that
is the price of keeping the site up, and the outage is logged."""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _fail_open(name: str, fallback):
    method = getattr(RedisCache, name)

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except _UNAVAILABLE as exc:
            logger.warning("cache %s skipped, Redis unavailable: %s", name, exc)
            return fallback(*args, **kwargs)

    return wrapper


def _default(key, default=None, *args, **kwargs):
    return default


def _no_such_key(key, *args, **kwargs):
    # Django's contract for incr on a missing key.
    raise ValueError(f"Key {key!r} not found (cache unavailable)")


class _ClientReusingCacheClient(RedisCacheClient):
    """Django's client, but one redis.Redis per connection pool instead of a new one for
    every cache call: building one (its table of some 200 response callbacks) cost more CPU
    than the call itself, ≈ 2 % of a page's CPU under benchmark_load (py-spy). The client
    holds no connection of its own (the pool does, and the pool is fork-safe), so sharing it
    is what redis-py intends."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientReusingCacheClient

    get = _fail_open("get", _default)
    get_many = _fail_open("get_many", lambda *a, **k: {})
    has_key = _fail_open("has_key", lambda *a, **k: False)
    add = _fail_open("add", lambda *a, **k: False)
    set = _fail_open("set", lambda *a, **k: None)
    set_many = _fail_open("set_many", lambda keys, *a, **k: list(keys))
    touch = _fail_open("touch", lambda *a, **k: False)
    delete = _fail_open("delete", lambda *a, **k: False)
    delete_many = _fail_open("delete_many", lambda *a, **k: None)
    incr = _fail_open("incr", _no_such_key)
    clear = _fail_open("clear", lambda *a, **k: False)

    def validate_key(self, key: str) -> None:
        """No check: Django's is memcached's rules (250 characters, no spaces or control
        characters), which Redis does not have, run on every key of every call (Django's
        documented way to drop it is this override)."""
