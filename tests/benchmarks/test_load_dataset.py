"""The load benchmark's data builder at a tiny size, and its figures from a request log
(sankangaku/loadtest). Behaviour only: no timings are asserted."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from partners.management.commands.benchmark_load import Command
from partners.models import Membership, Posting
from projects.models import ProjectMessage, ProjectParty
from sankangaku.loadtest import analysis, runner
from sankangaku.loadtest.dataset import MARKER_DOMAIN, dataset_build


@pytest.mark.django_db
def test_dataset_builds_signed_in_people_with_their_drafts_and_projects(reference_data, client):
    plan = dataset_build(organisations=3, users=4, postings=40, background=3, messages=4)

    assert plan["counts"]["organisations"] == 3
    assert plan["counts"]["users"] == 4
    assert Posting.objects.count() == plan["counts"]["postings"] == 40
    assert ProjectMessage.objects.count() == 4
    assert plan["postings"] and plan["organisations"]
    assert {person["language"] for person in plan["users"]} == {"ja", "en"}
    for person in plan["users"]:
        assert person["email"].endswith(MARKER_DOMAIN)
        session = SessionStore(session_key=person["session"])
        assert session.get("_auth_user_id") == str(person["id"])
        membership = Membership.objects.get(user_id=person["id"])
        assert membership.organisation_id == person["organisation"]
        drafts = Posting.objects.filter(pk__in=person["drafts"])
        assert {(p.status, p.created_by_id) for p in drafts} == {("draft", person["id"])}
        assert all(
            ProjectParty.objects.filter(
                project_id=project, organisation_id=membership.organisation_id
            )
            for project in person["projects"]
        )
    # The session made up front signs the person in, as the load uses it.
    person = plan["users"][0]
    client.cookies[settings.SESSION_COOKIE_NAME] = person["session"]
    assert client.get(f"/projects/{person['projects'][0]}/").status_code == 200


def _record(t, ms=10.0, ok=True, status=200, group="list", error=""):
    return {
        "t": t,
        "ms": ms,
        "ok": ok,
        "status": status,
        "group": group,
        "name": f"{group}:x",
        "error": error,
    }


def test_summary_leaves_out_the_warmup_and_counts_errors_per_type():
    records = [_record(1000 + i / 10) for i in range(300)]  # 30 s at 10 req/s
    records.append(_record(1025, ok=False, status=500, error="500"))
    summary = analysis.summarise(records, skip_seconds=10)

    assert summary["requests"] == 201
    assert 9 <= summary["requests_per_second"] <= 11
    assert summary["overall"]["p95_ms"] == 10.0
    assert summary["errors"] == 1
    assert summary["error_types"] == [{"name": "list:x", "status": 500, "error": "500", "count": 1}]


def test_summary_gives_each_full_buckets_p95_against_the_target():
    # 40 s: a slow first 10 s (250 ms), a fast one (20 ms), 10 s in which no request started
    # (everyone waiting: not under target), a fast one, and a last, partial bucket that is
    # left out like the throughput's.
    records = [_record(1000 + i / 10, ms=250.0) for i in range(100)]
    records += [_record(1010 + i / 10, ms=20.0) for i in range(100)]
    records += [_record(1030 + i / 10, ms=20.0) for i in range(100)]
    records.append(_record(1040.5, ms=900.0))
    summary = analysis.summarise(records)

    assert summary["buckets"] == 4
    assert summary["bucket_p95_min_ms"] == 20.0
    assert summary["bucket_p95_max_ms"] == 250.0
    assert summary["buckets_p95_under_target"] == 2


def test_outage_measures_the_gap_and_what_visitors_saw():
    records = [_record(100 + i) for i in range(10)]
    records += [
        _record(111, ok=False, status=503, error="503 friendly"),
        _record(112, ok=False, status=503, error="503 friendly (lang ja)"),
        _record(113, ms=500, ok=False, status=500, error="500"),
    ]
    records += [_record(115 + i) for i in range(5)]
    gap = analysis.outage(records, restart_at=110.5)

    assert gap["failed_during_gap"] == 3
    assert gap["friendly_503"] == 2
    assert gap["friendly_503_in_users_language"] == 1
    assert gap["not_friendly"] == 1
    assert gap["recovery_seconds"] == pytest.approx(3.0)
    assert gap["failed_after_gap"] == 0


def test_cpu_a_request_overall_and_minute_by_minute():
    # Samples every 5 s; after a 10-s warm-up, two minutes and a bit at 100 requests a
    # second. Gunicorn uses 0.5 CPU s a second in the first minute and 1.0 in the second;
    # PostgreSQL 0.2 throughout; the machine's cores are 75 % busy and 5 % taken by the host;
    # the speed probe reads 8 ms in the first minute, 12 ms (a slower machine) in the second.
    step = runner.MEMORY_SAMPLE_SECONDS

    def used(t: float) -> float:
        return 0.5 * (min(t, 1070) - 1000) + 1.0 * max(0.0, t - 1070)

    samples = []
    for index in range(0, 135 // step + 1):
        t = 1000.0 + index * step
        # Worker 1 ends after the 1095 sample; worker 2, its replacement, counts from zero.
        gunicorn = {1: used(t)} if t < 1100 else {2: used(t) - used(1095)}
        samples.append(
            {
                "t": t,
                "gunicorn_cpu": sum(gunicorn.values()),
                "gunicorn_cpu_by_pid": gunicorn,
                "postgres_cpu_by_pid": {9: 0.2 * index * step},
                "worker_cpu_by_pid": {7: 0.0},
                "locust_cpu_by_pid": {5: 0.0},
                "machine_cpu": {"user": 1.5 * t, "idle": 0.4 * t, "steal": 0.1 * t},
                "probe_ms": 8.0 if t <= 1070 else 12.0,
            }
        )
    records = [_record(1000 + i / 100) for i in range(13500)]
    command = Command()
    command.options = {"warmup": 10}

    cpu = command._cpu(samples[:-1], samples[-1], records)

    assert cpu["cpu_ms_per_request_by_minute"] == [7.0, 12.0]
    assert cpu["probe_ms_by_minute"] == [8.0, 12.0]
    assert cpu["cpu_ms_per_request"]["postgres"] == 2.0
    assert cpu["machine"] == {"busy_percent": 75.0, "idle_percent": 20.0, "steal_percent": 5.0}


def test_machine_speed_probe_gives_a_median_and_a_best_time():
    speed = runner.SpeedProbe().summary(rounds=3)
    assert 0 < speed["best_ms"] <= speed["median_ms"]


def test_only_2xx_and_3xx_writes_count_as_acknowledged():
    writes = [
        {"kind": "message", "status": 200, "ok": True},
        {"kind": "create-draft", "status": 302, "ok": True},
        {"kind": "message", "status": 503, "ok": False},
        {"kind": "message", "status": 0, "ok": False},
    ]
    assert [w["status"] for w in analysis.acknowledged(writes)] == [200, 302]
