"""Sessions in the database, read through the cache (SESSION_ENGINE).

Every signed-in request reads its session: from Redis this skips one PostgreSQL query per
request (the database stays the record; a cache miss reads it and fills the cache again).

A cached copy is kept for at most CACHE_SECONDS, not for the session's whole life as
Django's cached_db does. Why: logout and session ends delete the database row and the
cached copy, and the cache fails open (sankangaku.cache). Were Redis frozen at the moment of
a logout and its data intact afterwards, the stale copy would let the old cookie back in
until it expired; the cap bounds that window to minutes. A password change needs nothing:
Django compares the session's password hash with the user's on every request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import cached_db

CACHE_SECONDS = 5 * 60


class _CappedCache:
    """The session cache, with every timeout capped at CACHE_SECONDS."""

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    def set(self, key: str, value: Any, timeout: int | None = None, **kwargs: Any) -> None:
        timeout = CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)
        self._cache.set(key, value, timeout, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)

    def __contains__(self, key: str) -> bool:
        return key in self._cache


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _CappedCache(self._cache)
