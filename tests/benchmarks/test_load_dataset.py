"""The load benchmark's data builder at a tiny size, and its figures from a request log
(sankangaku/loadtest). Behaviour only: no timings are asserted."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from partners.models import Membership, Posting
from projects.models import ProjectMessage, ProjectParty
from sankangaku.loadtest import analysis
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


def test_only_2xx_and_3xx_writes_count_as_acknowledged():
    writes = [
        {"kind": "message", "status": 200, "ok": True},
        {"kind": "create-draft", "status": 302, "ok": True},
        {"kind": "message", "status": 503, "ok": False},
        {"kind": "message", "status": 0, "ok": False},
    ]
    assert [w["status"] for w in analysis.acknowledged(writes)] == [200, 302]
