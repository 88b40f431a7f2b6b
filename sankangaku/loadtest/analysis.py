"""Figures from the load's raw request log: plain data in, plain data out (no Django).

A record is what the locustfile writes per request: `t` (start, epoch seconds), `ms`, `name`
("group:endpoint"), `group`, `method`, `status`, `ok`, `error` ("" when ok; "503 friendly",
"500", "exception:ConnectionError" …).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

BUCKET_SECONDS = 10
# The latency target (QUALITY.md): each 10-s bucket's p95 is compared with it, to show whether
# a miss is steady or comes in episodes.
P95_TARGET_MS = 100
GROUP_ORDER = ("list", "detail", "search", "htmx", "write")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list (as sankangaku.benchmarking)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def latency(records: list[dict[str, Any]]) -> dict[str, Any]:
    times = [r["ms"] for r in records]
    if not times:
        return {"requests": 0}
    return {
        "requests": len(times),
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "max_ms": round(max(times), 1),
        "errors": sum(1 for r in records if not r["ok"]),
    }


def summarise(
    records: list[dict[str, Any]], *, skip_seconds: float = 0.0, until: float | None = None
) -> dict[str, Any]:
    """Throughput, latency (overall, per group, per endpoint) and errors.

    Requests that started in the first `skip_seconds` (ramp-up) are left out of every figure;
    `until` (epoch) cuts the end. Sustained throughput is requests per second over the
    measured window; the 10-second buckets show whether it held (min and max bucket), and
    their p95s whether the latency was steady or came in episodes (the range, and how many
    full buckets stayed under P95_TARGET_MS).
    """
    if not records:
        return {"requests": 0}
    first = min(r["t"] for r in records)
    start = first + skip_seconds
    window = [r for r in records if r["t"] >= start and (until is None or r["t"] < until)]
    if not window:
        return {"requests": 0}
    end = max(r["t"] + r["ms"] / 1000 for r in window)
    seconds = max(end - start, 1e-9)
    bucket_times: dict[int, list[float]] = {}
    for r in window:
        bucket_times.setdefault(int((r["t"] - start) // BUCKET_SECONDS), []).append(r["ms"])
    full_buckets = range(int(seconds // BUCKET_SECONDS))
    full = [len(bucket_times.get(i, ())) / BUCKET_SECONDS for i in full_buckets]
    bucket_p95 = [percentile(bucket_times[i], 0.95) for i in full_buckets if i in bucket_times]
    groups = sorted(
        {r["group"] for r in window},
        key=lambda g: (GROUP_ORDER.index(g) if g in GROUP_ORDER else 99, g),
    )
    names = sorted({r["name"] for r in window})
    errors = Counter((r["name"], r["status"], r["error"]) for r in window if not r["ok"])
    return {
        "seconds": round(seconds, 1),
        "requests": len(window),
        "requests_per_second": round(len(window) / seconds, 1),
        "ok_per_second": round(sum(1 for r in window if r["ok"]) / seconds, 1),
        "bucket_rps_min": round(min(full), 1) if full else None,
        "bucket_rps_max": round(max(full), 1) if full else None,
        "bucket_p95_min_ms": round(min(bucket_p95), 1) if bucket_p95 else None,
        "bucket_p95_max_ms": round(max(bucket_p95), 1) if bucket_p95 else None,
        # A full bucket in which no request started (everyone waiting) is not under target.
        "buckets": len(full),
        "buckets_p95_under_target": sum(1 for p in bucket_p95 if p < P95_TARGET_MS),
        "overall": latency(window),
        "groups": {g: latency([r for r in window if r["group"] == g]) for g in groups},
        "endpoints": {n: latency([r for r in window if r["name"] == n]) for n in names},
        "errors": sum(errors.values()),
        "error_types": [
            {"name": name, "status": status, "error": error, "count": count}
            for (name, status, error), count in errors.most_common()
        ],
    }


def outage(records: list[dict[str, Any]], *, restart_at: float) -> dict[str, Any]:
    """What visitors saw around a database restart issued at `restart_at` (epoch seconds).

    The gap runs from the first failed request that was still running at or after the
    restart to the end of the last failed one; recovery is measured from the restart to
    that end (0 when nothing failed). Failures elsewhere in the run are counted separately.
    """
    failed = [r for r in records if not r["ok"]]
    around = [r for r in failed if r["t"] + r["ms"] / 1000 >= restart_at]
    before = [r for r in failed if r["t"] + r["ms"] / 1000 < restart_at]
    if not around:
        return {
            "failed_during_gap": 0,
            "recovery_seconds": 0.0,
            "failed_before_restart": len(before),
        }
    gap_start = min(r["t"] for r in around)
    gap_end = max(r["t"] + r["ms"] / 1000 for r in around)
    succeeded_in_gap = sum(
        1 for r in records if r["ok"] and gap_start <= r["t"] and r["t"] + r["ms"] / 1000 <= gap_end
    )
    after = [r for r in records if r["t"] > gap_end]
    return {
        "failed_during_gap": len(around),
        "succeeded_during_gap": succeeded_in_gap,
        "gap_seconds": round(gap_end - gap_start, 2),
        "recovery_seconds": round(gap_end - restart_at, 2),
        "first_failure_after_restart_s": round(gap_start - restart_at, 2),
        "statuses": dict(Counter(str(r["status"]) for r in around)),
        "error_types": dict(Counter(r["error"] for r in around)),
        "friendly_503": sum(1 for r in around if r["error"].startswith("503 friendly")),
        "friendly_503_in_users_language": sum(1 for r in around if r["error"] == "503 friendly"),
        "not_friendly": sum(1 for r in around if not r["error"].startswith("503 friendly")),
        "failed_before_restart": len(before),
        "failed_after_gap": sum(1 for r in after if not r["ok"]),
        "slowest_in_gap_ms": round(max(r["ms"] for r in around), 1),
    }


def acknowledged(writes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Writes the site acknowledged (2xx/3xx), the ones that must be in the database."""
    return [w for w in writes if w["ok"] and 200 <= w["status"] < 400]
