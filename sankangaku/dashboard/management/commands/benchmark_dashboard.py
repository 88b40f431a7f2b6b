"""`manage.py benchmark_dashboard`: time the coordinator dashboard at 100,000 postings.

On the PostgreSQL server of the `default` connection it creates a scratch database
`<NAME>_dashbench` (sankangaku.benchmarking.scratch_database; the configured database is
not touched), migrates it, loads the reference data and generates organisations, postings
with themes, proposals through every state, responses, projects with messages and audit
events, and case studies. Then it requests the dashboard page through Django's test client
(middleware, view, template: everything but the network) as a nationwide and as a regional
coordinator, cold (the aggregates' cache entry deleted before each request) and warm, and
prints p50/p95/max, the query counts and the load average. Before measuring it rebuilds the
dashboard's roll-up once, as beat does every four minutes, and prints how long that took.
Figures are printed, never asserted (QUALITY.md: dashboard < 300 ms at 100,000 postings).

The generator follows benchmark_search's approach (bulk_create in batches from a seeded
random generator) without the Japanese text: the dashboard never reads it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sankangaku_dash \\
        python manage.py benchmark_dashboard --postings 100000
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sankangaku.benchmarking import percentile, scratch_database

BATCH = 5_000
SUFFIX = "_dashbench"


class Command(BaseCommand):
    help = (
        "Benchmark the coordinator dashboard on a scratch PostgreSQL database filled with N "
        "synthetic postings; prints cold and warm p50/p95. Never asserts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--postings", type=int, default=100_000)
        parser.add_argument("--organisations", type=int, default=3_000)
        parser.add_argument("--cold", type=int, default=10, help="cold requests per case")
        parser.add_argument("--warm", type=int, default=30, help="warm requests per case")
        parser.add_argument("--seed", type=int, default=20261130)
        parser.add_argument("--keep", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["postings"] < 1 or options["organisations"] < 100:
            raise CommandError("--postings must be ≥ 1 and --organisations ≥ 100.")
        self.figures: dict[str, Any] = {"postings_requested": options["postings"]}
        with scratch_database(SUFFIX, keep=options["keep"], say=self.stdout.write):
            started = time.perf_counter()
            call_command("migrate", interactive=False, verbosity=0)
            from partners.management.commands.load_reference_data import reference_data_load

            reference_data_load()
            self.stdout.write(f"Migrated in {time.perf_counter() - started:.1f} s.")
            self._generate(options)
            self._rollup()
            self._measure(options)
        if options["json"]:
            self.stdout.write(json.dumps(self.figures, ensure_ascii=False, sort_keys=True))

    # -- generation ---------------------------------------------------------------------------

    def _generate(self, options: dict[str, Any]) -> None:
        from matching.models import MatchProposal, ProposalResponse
        from partners.models import AuditEvent, Organisation, Posting, Prefecture, Theme
        from projects.models import CaseStudy, Project, ProjectMessage, ProjectParty

        rng = random.Random(options["seed"])
        started = time.perf_counter()
        now = timezone.now()
        today = timezone.localdate()
        codes = list(Prefecture.objects.values_list("code", flat=True))
        # Tokyo, Osaka, Kanagawa, Aichi, Fukuoka, Hokkaido hold more organisations.
        weights = [6 if c in (13, 27, 14, 23, 40, 1) else 1 for c in codes]
        kinds = ["company", "company", "municipality", "school"]
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=rng.choice(kinds),
                    name=f"組織{index}",
                    prefecture_id=rng.choices(codes, weights=weights)[0],
                    verification_status="verified",
                )
                for index in range(options["organisations"])
            ],
            batch_size=BATCH,
        )
        org_ids = [o.pk for o in organisations]
        theme_ids = list(Theme.objects.values_list("pk", flat=True))
        Through = Posting.themes.through

        postings: list[tuple[int, int, str, str]] = []  # pk, organisation, direction, status
        total = options["postings"]
        created = 0
        while created < total:
            batch = []
            for _ in range(min(BATCH, total - created)):
                organisation = rng.choice(organisations)
                roll = rng.random()
                status = "open" if roll < 0.85 else ("closed" if roll < 0.93 else "draft")
                published = now - timedelta(seconds=rng.randint(0, 400 * 86_400))
                batch.append(
                    Posting(
                        organisation_id=organisation.pk,
                        direction="issue" if rng.random() < 0.6 else "strength",
                        title=f"課題{created + len(batch)}",
                        body="…",
                        status=status,
                        place_scope="prefecture",
                        prefecture_id=organisation.prefecture_id,
                        published_at=None if status == "draft" else published,
                        expires_on=today + timedelta(days=rng.randint(-20, 180)),
                    )
                )
            Posting.objects.bulk_create(batch, batch_size=BATCH)
            Through.objects.bulk_create(
                [
                    Through(posting_id=p.pk, theme_id=t)
                    for p in batch
                    for t in rng.sample(theme_ids, rng.choice([1, 1, 2, 3]))
                ],
                batch_size=BATCH * 2,
            )
            postings += [(p.pk, p.organisation_id, p.direction, p.status) for p in batch]
            created += len(batch)
        self.stdout.write(f"  {created:,} postings ({time.perf_counter() - started:.1f} s)")

        # Proposals: three partners for a quarter of the open issues.
        issues = [p for p in postings if p[2] == "issue" and p[3] == "open"]
        chosen = rng.sample(issues, len(issues) // 4)
        proposals = []
        for posting_id, organisation_id, _direction, _status in chosen:
            for partner in rng.sample(org_ids, 3):
                if partner == organisation_id:
                    continue
                made = now - timedelta(seconds=rng.randint(0, 360 * 86_400))
                roll = rng.random()
                state = (
                    "suggested"
                    if roll < 0.85
                    else "requested"
                    if roll < 0.89
                    else "rejected"
                    if roll < 0.91
                    else "approved"
                    if roll < 0.94
                    else "declined"
                    if roll < 0.95
                    else "accepted"
                )
                requested = made + timedelta(hours=rng.randint(1, 400))
                decided = requested + timedelta(hours=rng.randint(1, 300))
                changed = decided + timedelta(hours=rng.randint(1, 300))
                proposals.append(
                    MatchProposal(
                        posting_id=posting_id,
                        partner_id=partner,
                        score=rng.random(),
                        rank=1,
                        engine_version="bench",
                        state=state,
                        requested_at=None if state == "suggested" else requested,
                        decided_at=decided if state not in ("suggested", "requested") else None,
                        state_changed_at=changed if state != "suggested" else None,
                    )
                )
        MatchProposal.objects.bulk_create(proposals, batch_size=BATCH)
        # created_at is auto_now_add: spread it over the year in one statement.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE matching_matchproposal SET created_at = COALESCE(requested_at, now()) "
                "- (random() * interval '10 days')"
            )
        approved = [p for p in proposals if p.state == "approved"]
        ProposalResponse.objects.bulk_create(
            [ProposalResponse(proposal_id=p.pk, organisation_id=p.partner_id) for p in approved],
            batch_size=BATCH,
        )
        accepted = [p for p in proposals if p.state == "accepted"]
        projects = Project.objects.bulk_create(
            [
                Project(
                    title=f"プロジェクト{p.pk}",
                    proposal_id=p.pk,
                    posting_id=p.posting_id,
                    state=rng.choices(["forming", "active", "completed"], weights=[1, 6, 3])[0],
                    state_changed_at=now - timedelta(days=rng.randint(0, 200)),
                )
                for p in accepted
            ],
            batch_size=BATCH,
        )
        ProjectParty.objects.bulk_create(
            [
                ProjectParty(project_id=project.pk, organisation_id=p.partner_id, role="company")
                for project, p in zip(projects, accepted, strict=True)
            ],
            batch_size=BATCH,
        )
        started_projects = [p for p in projects if p.state != "forming"]
        AuditEvent.objects.bulk_create(
            [AuditEvent(action="project.active", data={"project": p.pk}) for p in started_projects],
            batch_size=BATCH,
        )
        ProjectMessage.objects.bulk_create(
            [
                ProjectMessage(project_id=p.pk, body="進捗")
                for p in started_projects
                if rng.random() < 0.5
            ],
            batch_size=BATCH,
        )
        org_prefecture = {o.pk: o.prefecture_id for o in organisations}
        posting_org = {p[0]: p[1] for p in postings}
        CaseStudy.objects.bulk_create(
            [
                CaseStudy(
                    project_id=p.pk,
                    title=p.title,
                    summary="…",
                    prefecture_id=org_prefecture[posting_org[p.posting_id]],
                    is_published=True,
                    published_at=now - timedelta(days=rng.randint(0, 300)),
                )
                for p in projects
                if p.state == "completed" and rng.random() < 0.5
            ],
            batch_size=BATCH,
        )
        with connections["default"].cursor() as cursor:
            cursor.execute("ANALYZE")
        self.figures.update(
            organisations=len(organisations),
            postings=created,
            proposals=len(proposals),
            projects=len(projects),
            generation_seconds=round(time.perf_counter() - started, 1),
        )
        self.stdout.write(
            f"Generated {len(organisations):,} organisations, {created:,} postings, "
            f"{len(proposals):,} proposals, {len(projects):,} projects in "
            f"{self.figures['generation_seconds']} s."
        )

    def _rollup(self) -> None:
        """Build the roll-up the way beat does every few minutes (dashboard_warm), and time it:
        the cold figures below read it."""
        from sankangaku.dashboard.models import MonthlyCount
        from sankangaku.dashboard.services import monthly_counts_rebuild

        seconds = monthly_counts_rebuild()
        rows = MonthlyCount.objects.count()
        self.figures.update(rollup_seconds=round(seconds, 2), rollup_rows=rows)
        self.stdout.write(f"Roll-up rebuilt in {seconds:.2f} s ({rows:,} rows).")

    # -- measurement --------------------------------------------------------------------------

    def _coordinator(self, email: str, codes: list[int]) -> Any:
        from allauth.mfa.models import Authenticator

        from partners.models import Coordinator
        from sankangaku.accounts.models import User

        user = User.objects.create(email=email, display_name=email.split("@")[0])
        coordinator = Coordinator.objects.create(user=user)
        coordinator.prefectures.set(codes)
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
        return user

    def _measure(self, options: dict[str, Any]) -> None:
        from sankangaku.dashboard import selectors
        from sankangaku.dashboard.forms import default_period

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        url = reverse("dashboard:index")  # /coordination/dashboard/, not partners' /dashboard/
        start, end = default_period()
        default = selectors.Filters(date_from=start, date_to=end)
        cases = [
            ("nationwide", [], {}, default),
            ("Hokkaido+Tohoku", [1, 2, 3, 4, 5, 6, 7], {}, default),
            (
                "nationwide, kind+theme",
                [],
                {"kind": "municipality", "theme": "1"},
                selectors.Filters(date_from=start, date_to=end, kind="municipality", theme=1),
            ),
        ]
        self.stdout.write("")
        load = os.getloadavg()
        self.figures["load_average"] = [round(x, 2) for x in load]
        self.stdout.write(
            "Load average (1/5/15 min) before measuring: " + " / ".join(f"{x:.2f}" for x in load)
        )
        self.stdout.write(
            f"{'case':<26} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9} "
            f"{'queries cold/warm':>18}"
        )
        results = {}
        for index, (label, codes, params, filters) in enumerate(cases):
            user = self._coordinator(f"bench{index}@example.jp", codes)
            client = Client()
            client.force_login(user)
            key = filters.cache_key("aggregates", set(codes) or None)
            cold, warm = [], []
            cold_queries = warm_queries = 0
            client.get(url, params)  # connection and template warm-up
            for _ in range(options["cold"]):
                cache.delete(key)
                with CaptureQueriesContext(connection) as queries:
                    begun = time.perf_counter()
                    response = client.get(url, params)
                    cold.append((time.perf_counter() - begun) * 1000)
                cold_queries = len(queries)
                if response.status_code != 200:
                    raise CommandError(f"{label}: status {response.status_code}")
            for _ in range(options["warm"]):
                with CaptureQueriesContext(connection) as queries:
                    begun = time.perf_counter()
                    client.get(url, params)
                    warm.append((time.perf_counter() - begun) * 1000)
                warm_queries = len(queries)
            if cold_queries <= warm_queries:
                # The deleted key was not the view's: "cold" figures would be warm ones.
                raise CommandError(f"{label}: the cold requests were served from the cache.")
            row = {
                "cold_p50_ms": round(percentile(cold, 0.5), 1),
                "cold_p95_ms": round(percentile(cold, 0.95), 1),
                "cold_max_ms": round(max(cold), 1),
                "warm_p50_ms": round(percentile(warm, 0.5), 1),
                "warm_p95_ms": round(percentile(warm, 0.95), 1),
                "warm_max_ms": round(max(warm), 1),
                "queries_cold": cold_queries,
                "queries_warm": warm_queries,
            }
            results[label] = row
            self.stdout.write(
                f"{label:<26} {row['cold_p50_ms']:>9} {row['cold_p95_ms']:>9} "
                f"{row['warm_p50_ms']:>9} {row['warm_p95_ms']:>9} "
                f"{cold_queries:>11}/{warm_queries}"
            )
        # Where the cold time goes (nationwide, default filters), one run each.
        parts = {}
        for name, function in (
            ("funnel", selectors.funnel),
            ("trends", selectors.trends),
            ("themes", selectors.themes),
            ("map", selectors.map_counts),
        ):
            begun = time.perf_counter()
            function(None, default)
            parts[name] = round((time.perf_counter() - begun) * 1000, 1)
        self.stdout.write(f"Cold aggregates, nationwide, ms: {parts}")
        self.figures.update(
            cases=results, aggregate_parts_ms=parts, cache=caches["default"].__class__.__name__
        )
        load = os.getloadavg()
        self.figures["load_average_after"] = [round(x, 2) for x in load]
        self.stdout.write(
            f"Cache backend: {caches['default'].__class__.__name__}. Target: < 300 ms. "
            "Load average after: " + " / ".join(f"{x:.2f}" for x in load)
        )
