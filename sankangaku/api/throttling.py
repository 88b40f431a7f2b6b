"""Per-client rate limit for the open API, counted in Django's cache (Redis in production).

ninja's own SimpleRateThrottle keeps a list of timestamps per client and rewrites it on every
request (read, modify, write: concurrent requests undercount) and keeps per-request state on
the throttle object, which ninja shares between requests. This one counts in fixed windows
with the cache's atomic add/incr and keeps nothing on the instance but the last wait, per
thread. A fixed window lets a client send up to twice the rate across a window boundary;
that is acceptable for a read-only API.

Fails open: when Redis is down (sankangaku.cache.ResilientRedisCache drops writes and
refuses incr), requests are allowed, as allauth's limits are.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/m" → (120, 60). Units: s, m, h, d (also sec, min, hour, day)."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip()[:1]]


class ClientRateThrottle(BaseThrottle):
    """settings.API_THROTTLE_RATE requests per client IP (see settings.NINJA_NUM_PROXIES for
    how the IP is found behind proxies). The rate is read per request, so tests and
    operators can change it without a restart of the URLconf."""

    cache_prefix = "api:throttle"

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        limit, period = parse_rate(settings.API_THROTTLE_RATE)
        now = time.time()
        window = int(now // period)
        key = f"{self.cache_prefix}:{self.get_ident(request)}:{period}:{window}"
        # add() is a no-op when the key exists; incr() is atomic in Redis.
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:
            # The key vanished (evicted) or the cache is unavailable: fail open.
            count = 0
        self._local.wait = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
