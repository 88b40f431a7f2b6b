"""`manage.py benchmark_matching`: time the matching engine at 1,000 – 100,000 organisations.

It never touches the configured database's data. On the PostgreSQL server of the `default`
connection it creates a scratch database `<NAME>_matchbench` (dropped first if it exists),
points the `default` connection at it for the duration of the run, migrates it and loads the
reference data. For each size N in --orgs it then empties the organisation tables, generates
N synthetic organisations (≈ 40 % companies, 30 % municipalities, 30 % schools, all 47
prefectures), each with one OPEN issue and one OPEN strength posting (2·N postings), and
measures:

- the index build (matching.loading.build_index): seconds, RSS growth, peak RSS;
- retrieval: Index.rank(post, limit=50) for --samples random issue postings;
- one posting's proposals as proposals_compute_for_posting computes them, without the DB
  writes: rank(limit=10) + triads(limit=10), for --samples random issue postings;
- the full recompute (matching.services.proposals_recompute_all, which writes MatchProposal
  rows): all postings for N ≤ 10,000, else a random sample (--recompute-limit, default 2,000)
  passed as `chunk` and extrapolated to all postings;
- the scaling curve: the same sample recomputed with 1, 2, … processes (--processes):
  proposals_recompute_all builds the index once and forks processes that share it and
  each recompute and store whole chunks of RECOMPUTE_CHUNK postings (matching/README.md),
  with the load average of each run; the sample needs several chunks to spread.

Figures are printed, never asserted (QUALITY.md targets at 100,000 organisations: one
posting's proposals p95 < 200 ms; the full recompute < 10 min on 2 cores with near-linear
speed-up). With --json the last line of the output is one JSON object with every figure.

The Japanese text is composed from the phrase pools of partners' benchmark_search: every
distinct phrase is analysed with SudachiPy once and each posting's search_tokens (what the
engine reads) are the concatenation of its phrases' precomputed tokens.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sankangaku_matchbase \\
        python manage.py benchmark_matching --orgs 1000,10000,100000 --json
"""

from __future__ import annotations

import functools
import gc
import json
import os
import random
import resource
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from partners.management.commands.benchmark_search import (
    CAPACITY,
    COMMON_ISSUE,
    COMMON_STRENGTH,
    COMPANY_WORDS,
    CONDITIONS,
    CONSTRAINTS,
    FUNDING_WEIGHTS,
    PARTNERSHIP_FORMS,
    POOLS,
    SCHOOL_SUFFIXES,
    PhraseCache,
    ThemePool,
    _zipf,
)
from sankangaku.benchmarking import percentile, scratch_database

ALIAS = "default"
BATCH_SIZE = 5_000
SCRATCH_SUFFIX = "_matchbench"
FULL_RECOMPUTE_MAX_ORGS = 10_000
DEFAULT_RECOMPUTE_SAMPLE = 2_000
# Four chunks of RECOMPUTE_CHUNK postings: the processes share the work by whole chunks.
DEFAULT_PARALLEL_SAMPLE = 4_000
WARMUP_QUERIES = 5
TARGET_PROPOSALS_P95_MS = 200
TARGET_RECOMPUTE_SECONDS = 600

KIND_WEIGHTS = {"company": 40, "municipality": 30, "school": 30}
DEPARTMENTS = ("企画課", "観光課", "教育委員会", "福祉課", "農林課", "防災課", "商工課", "環境課")
INDUSTRIES = (
    "manufacturing",
    "it",
    "finance",
    "retail",
    "construction",
    "energy",
    "transport",
    "food",
    "tourism",
    "health",
    "consulting",
    "nonprofit",
)
STUDENTS = {
    "elementary": (60, 700),
    "junior_high": (60, 600),
    "high": (200, 1000),
    "university": (800, 15000),
    "technical_college": (500, 1200),
}


# --- Helpers --------------------------------------------------------------------------------


def _rss_mb() -> float | None:
    """Current resident set size in MB: psutil when installed, else /proc/self/status."""
    try:
        import psutil  # type: ignore[import-untyped]

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        pass
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _peak_rss_mb() -> float:
    """ru_maxrss of this process (kilobytes on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _machine_busy_seconds() -> float | None:
    """CPU-seconds all processes of the machine have been busy since boot (/proc/stat)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal …: everything but idle and iowait.
    busy = sum(fields[:3]) + sum(fields[5:8])
    return busy / os.sysconf("SC_CLK_TCK")


class CpuWatch:
    """How much CPU this process, its children and everything else used during a phase:
    other work on the machine (another benchmark, a build) inflates timings and, with 2
    cores, hides any parallel speed-up. PostgreSQL backends serving us count as "other"."""

    def __enter__(self) -> CpuWatch:
        self.started = time.perf_counter()
        self.busy = _machine_busy_seconds()
        self.times = os.times()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.started
        busy = _machine_busy_seconds()
        times = os.times()
        self.own = (times.user - self.times.user) + (times.system - self.times.system)
        self.children = (times.children_user - self.times.children_user) + (
            times.children_system - self.times.children_system
        )
        self.other = (
            max(0.0, busy - self.busy - self.own - self.children)
            if busy is not None and self.busy is not None
            else None
        )

    def figures(self) -> dict[str, float | None]:
        return {
            "wall_seconds": round(self.wall, 2),
            "own_cpu_seconds": round(self.own + self.children, 2),
            "other_cpu_cores": round(self.other / self.wall, 2)
            if self.other is not None and self.wall > 0
            else None,
        }

    def note(self) -> str:
        cores = self.figures()["other_cpu_cores"]
        return f"[other processes: {cores} cores busy on average]" if cores is not None else ""


def _stats(samples_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(percentile(samples_ms, 0.95), 2),
        "max_ms": round(max(samples_ms), 2),
        "mean_ms": round(statistics.fmean(samples_ms), 2),
        "n": len(samples_ms),
    }


# CPU-seconds of each timed build (the wall seconds are returned by _install_build_timer).
BUILD_CPU_SECONDS: list[float] = []


def _install_build_timer() -> list[float]:
    """Wrap matching.services.build_index so that the index (re)build inside
    proposals_recompute_all is timed separately from the per-posting work."""
    from matching import services

    original = getattr(services.build_index, "__wrapped__", services.build_index)
    seconds: list[float] = []

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        cpu = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - started)
            BUILD_CPU_SECONDS.append(time.process_time() - cpu)

    services.build_index = timed
    return seconds


def _remove_build_timer() -> None:
    from matching import services

    services.build_index = getattr(services.build_index, "__wrapped__", services.build_index)


# --- The command ----------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Benchmark the matching engine (index build, retrieval, proposals, full recompute, "
        "parallel speed-up) on a scratch PostgreSQL database (<NAME>_matchbench) with N "
        "synthetic organisations per size. Prints figures; never asserts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--orgs",
            default="1000,10000,100000",
            help="comma-separated organisation counts (each org has 2 postings); "
            "default 1000,10000,100000",
        )
        parser.add_argument(
            "--samples", type=int, default=200, help="timed queries per measurement"
        )
        parser.add_argument(
            "--recompute-limit",
            type=int,
            default=None,
            help=(
                "postings timed through proposals_recompute_all(chunk=...) and extrapolated; "
                f"0 = all. Default: all up to {FULL_RECOMPUTE_MAX_ORGS:,} organisations, "
                f"else {DEFAULT_RECOMPUTE_SAMPLE:,}"
            ),
        )
        parser.add_argument(
            "--parallel-sample",
            type=int,
            default=DEFAULT_PARALLEL_SAMPLE,
            help=f"postings recomputed by 1 vs 2 processes (default {DEFAULT_PARALLEL_SAMPLE})",
        )
        parser.add_argument(
            "--processes",
            default="1,2",
            help="the scaling curve: recompute the parallel sample with each of these numbers "
            "of processes (default 1,2)",
        )
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="N",
            help="cProfile N proposals queries per size and print the top functions",
        )
        parser.add_argument("--seed", type=int, default=20260415)
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch database (last size) afterwards"
        )
        parser.add_argument(
            "--json", action="store_true", help="print all figures as JSON on the last line"
        )

    # -- entry point --------------------------------------------------------------------------

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[ALIAS]
        if connection.vendor != "postgresql":
            raise CommandError(
                "benchmark_matching runs on PostgreSQL only (it creates a scratch database "
                f"next to the configured one); the '{ALIAS}' database is {connection.vendor}. "
                "Set DATABASE_URL=postgres://USER@HOST:PORT/NAME; a scratch database "
                f"NAME{SCRATCH_SUFFIX} is created on that server and NAME itself is not touched."
            )
        try:
            sizes = [int(part) for part in str(options["orgs"]).split(",") if part.strip()]
        except ValueError as exc:
            raise CommandError("--orgs takes whole numbers separated by commas.") from exc
        if not sizes or min(sizes) < 100:
            raise CommandError("--orgs needs sizes of at least 100 organisations.")
        try:
            options["processes"] = [int(part) for part in str(options["processes"]).split(",")]
        except ValueError as exc:
            raise CommandError("--processes takes whole numbers separated by commas.") from exc
        if options["samples"] < 1 or min(options["processes"]) < 1:
            raise CommandError("--samples and --processes must be ≥ 1.")

        self.verbose = options["verbosity"] > 0
        self.figures: dict[str, Any] = {
            "seed": options["seed"],
            "samples": options["samples"],
            "cpus": os.cpu_count(),
            "processes": options["processes"],
            "sizes": {},
        }
        with scratch_database(SCRATCH_SUFFIX, keep=options["keep"], say=self.say) as name:
            self.figures["database"] = name
            self._prepare_schema()
            for number, size in enumerate(sizes):
                self.say("")
                self.say(f"=== {size:,} organisations ({2 * size:,} postings) ===")
                figures: dict[str, Any] = {"organisations": size}
                self.figures["sizes"][str(size)] = figures
                rng = random.Random(options["seed"] + number)
                self._generate(size, rng, figures)
                self._measure(size, rng, figures, options)
                figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
        self._report()
        if options["json"]:
            self.stdout.write(json.dumps(self.figures, ensure_ascii=False, sort_keys=True))

    def say(self, line: str = "") -> None:
        if self.verbose:
            self.stdout.write(line)
            self.stdout.flush()

    # -- schema ---------------------------------------------------------------------------------

    def _prepare_schema(self) -> None:
        started = time.perf_counter()
        call_command("migrate", database=ALIAS, interactive=False, verbosity=0)
        from partners.management.commands.load_reference_data import reference_data_load

        reference_data_load()
        self.figures["schema_seconds"] = round(time.perf_counter() - started, 2)
        self.say(f"Migrated and loaded reference data in {self.figures['schema_seconds']} s.")

    # -- generation ---------------------------------------------------------------------------

    def _generate(self, size: int, rng: random.Random, figures: dict[str, Any]) -> None:
        from partners.models import (
            LocalGovernment,
            Organisation,
            OrganisationKind,
            Posting,
            Theme,
            VerificationStatus,
        )

        started = time.perf_counter()
        with connections[ALIAS].cursor() as cursor:
            # Empty what the previous size left (proposals, postings, organisations …).
            cursor.execute("TRUNCATE partners_organisation RESTART IDENTITY CASCADE")
        now = timezone.now()
        today = timezone.localdate()
        cache = PhraseCache()

        municipalities = list(
            LocalGovernment.objects.exclude(level=LocalGovernment.Level.PREFECTURE).select_related(
                "prefecture"
            )
        )
        by_prefecture: dict[int, list[LocalGovernment]] = {}
        for lg in municipalities:
            by_prefecture.setdefault(lg.prefecture_id, []).append(lg)
        prefecture_codes = sorted(by_prefecture)
        themes_by_slug = {t.slug: t for t in Theme.objects.all()}
        sdg_by_number = {t.number: t for t in themes_by_slug.values() if t.number}

        def place(index: int) -> LocalGovernment:
            # Every fourth organisation goes round the 47 prefectures, so all are present;
            # the others are spread like the municipalities themselves.
            if index % 4 == 0:
                return rng.choice(by_prefecture[prefecture_codes[(index // 4) % 47]])
            return rng.choice(municipalities)

        kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=size)
        used_governments: set[str] = set()
        organisations: list[Organisation] = []
        for index, kind in enumerate(kinds):
            lg = place(index)
            organisation = Organisation(
                kind=kind,
                prefecture_id=lg.prefecture_id,
                location=lg,
                verification_status=VerificationStatus.VERIFIED,
                verified_at=now,
            )
            if kind == OrganisationKind.MUNICIPALITY:
                if lg.code not in used_governments:
                    used_governments.add(lg.code)
                    organisation.local_government = lg
                    organisation.name = f"{lg.prefecture.name}{lg.name}"
                else:  # more municipal bodies than municipalities: a department
                    organisation.name = f"{lg.prefecture.name}{lg.name}{rng.choice(DEPARTMENTS)}"
            elif kind == OrganisationKind.COMPANY:
                words = rng.sample(COMPANY_WORDS, 2)
                organisation.name = f"株式会社{words[0]}{words[1]}{index}"
                organisation.legal_form = rng.choice(["kk", "kk", "kk", "gk", "npo"])
                organisation.industry = rng.choice(INDUSTRIES)
            else:
                school_kind, suffix, grade_from, grade_to = rng.choices(
                    SCHOOL_SUFFIXES, weights=[35, 25, 25, 10, 5]
                )[0]
                organisation.name = f"{lg.name}立第{index}{suffix}"
                organisation.school_kind = school_kind
                organisation.grade_from = grade_from
                organisation.grade_to = grade_to
                organisation.student_count = rng.randint(*STUDENTS[school_kind])
            organisations.append(organisation)
        Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
        with connections[ALIAS].cursor() as cursor:
            # auto_now_add stamped them all "now" (all new); spread them over two years.
            cursor.execute(
                "UPDATE partners_organisation SET created_at = now() - "
                "make_interval(days => (random() * 730)::int)"
            )

        pool_names = list(POOLS)
        pool_weights = [POOLS[name].weight for name in pool_names]
        funding_routes = list(FUNDING_WEIGHTS)
        funding_weights = list(FUNDING_WEIGHTS.values())
        Through = Posting.themes.through

        def pick(phrases: tuple[str, ...]) -> str:
            return rng.choices(phrases, weights=_zipf(len(phrases)))[0]

        def sentences(pool: ThemePool, direction: str, count: int) -> list[str]:
            phrases = pool.issue if direction == "issue" else pool.strength
            chosen = [pick(phrases) for _ in range(count)]
            if pool.rare and rng.random() < 0.05:
                chosen.append(rng.choice(pool.rare))
            return list(dict.fromkeys(chosen))

        def compose(parts: list[list[str]]) -> tuple[str, str]:
            tokens: list[str] = []
            ngrams: list[str] = []
            for phrases in parts:
                for phrase in phrases:
                    analysed = cache.get(phrase)
                    tokens.extend(analysed.tokens)
                    ngrams.extend(analysed.ngrams)
            return " ".join(tokens), " ".join(ngrams)

        def posting_for(organisation: Organisation, direction: str, pool_name: str) -> tuple:
            from matching.analysis import content_tokens

            kind = organisation.kind
            pool = POOLS[pool_name]
            second = None
            if rng.random() < 0.3:
                second = POOLS[rng.choices(pool_names, weights=pool_weights)[0]]
                if second is pool:
                    second = None
            titles = pool.issue_titles if direction == "issue" else pool.strength_titles
            title_parts = [pick(titles)]
            if kind == "municipality" and rng.random() < 0.4:
                title_parts.insert(0, f"【{organisation.location.name}】")
            body_parts = sentences(pool, direction, rng.randint(2, 4))
            if second is not None:
                body_parts += sentences(second, direction, rng.randint(1, 2))
            common = COMMON_ISSUE if direction == "issue" else COMMON_STRENGTH
            if rng.random() < 0.85:
                body_parts.append(pick(common))
            body_parts = list(dict.fromkeys(body_parts))
            fields: dict[str, list[str]] = {}
            if direction == "issue":
                fields["situation"] = sentences(pool, "issue", 1)
                fields["desired_outcome"] = [pick(common)]
                if rng.random() < 0.6:
                    fields["constraints"] = [rng.choice(CONSTRAINTS)]
                if rng.random() < 0.7:
                    fields["partnership_forms"] = [rng.choice(PARTNERSHIP_FORMS)]
            else:
                fields["offer_what"] = sentences(pool, "strength", 1)
                if rng.random() < 0.7:
                    fields["conditions"] = [rng.choice(CONDITIONS)]
                if rng.random() < 0.5:
                    fields["capacity"] = [rng.choice(CAPACITY)]

            theme_ids = [themes_by_slug[pool.slugs[0]].pk]
            if len(pool.slugs) > 1 and rng.random() < 0.5:
                theme_ids.append(themes_by_slug[pool.slugs[1]].pk)
            if second is not None and rng.random() < 0.5:
                theme_ids.append(themes_by_slug[second.slugs[0]].pk)
            if rng.random() < 0.6:
                theme_ids.append(sdg_by_number[rng.choice(pool.sdgs)].pk)
            theme_ids = list(dict.fromkeys(theme_ids))
            key = tuple(sorted(theme_ids))
            if key not in cache.theme_tokens:
                names = " ".join(t.name_ja for t in themes_by_slug.values() if t.pk in key)
                cache.theme_tokens[key] = content_tokens(names)

            # Same order as partners.services.postings.SEARCH_FIELDS (title twice).
            ordered = [title_parts, title_parts, body_parts]
            ordered += [
                fields.get(name, [])
                for name in (
                    "situation",
                    "desired_outcome",
                    "constraints",
                    "assets",
                    "partnership_forms",
                    "offer_what",
                    "offer_for_whom",
                    "conditions",
                    "capacity",
                )
            ]
            tokens, ngrams = compose(ordered)
            tokens = " ".join(filter(None, [tokens, " ".join(cache.theme_tokens[key])]))

            posting = Posting(
                organisation=organisation,
                direction=direction,
                title="".join(title_parts),
                body="".join(body_parts),
                status="open",
                visibility="public",
            )
            for name, phrases in fields.items():
                setattr(posting, name, "".join(phrases))
            roll = rng.random()
            if roll < 0.65:
                posting.place_scope = "municipality"
                posting.prefecture_id = organisation.prefecture_id
                posting.location_id = organisation.location_id
            elif roll < 0.85:
                posting.place_scope = "prefecture"
                posting.prefecture_id = organisation.prefecture_id
            elif roll < 0.95:
                posting.place_scope = "nationwide"
            else:
                posting.place_scope = "online"
            posting.online_ok = rng.random() < 0.4
            if kind == "school":
                posting.school_year = today.year
                posting.student_count = organisation.student_count
                posting.grade_from = organisation.grade_from
                posting.grade_to = organisation.grade_to
            elif rng.random() < 0.5:
                posting.starts_on = today + timedelta(days=rng.randint(-120, 120))
                posting.ends_on = posting.starts_on + timedelta(days=rng.randint(30, 365))
            if kind == "municipality" and direction == "issue":
                posting.budget_status = rng.choice(["this_year", "next_year", "none"])
                if posting.budget_status != "none":
                    posting.budget_max = rng.choice([300_000, 1_000_000, 5_000_000])
            if kind == "company" and direction == "strength" and rng.random() < 0.4:
                posting.budget_min = rng.choice([0, 100_000, 500_000, 2_000_000])
            posting.funding_route = rng.choices(funding_routes, weights=funding_weights)[0]
            published = now - timedelta(seconds=rng.randint(0, 365 * 86_400))
            posting.published_at = published
            posting.last_confirmed_at = published
            posting.expires_on = today + timedelta(days=rng.randint(30, 365))
            posting.search_tokens = tokens
            posting.search_ngrams = ngrams
            return posting, theme_ids

        created = 0
        through_rows = 0
        insert_seconds = 0.0
        for offset in range(0, size, BATCH_SIZE // 2):
            batch: list[Posting] = []
            batch_themes: list[list[int]] = []
            for organisation in organisations[offset : offset + BATCH_SIZE // 2]:
                # An organisation works in one field; what it offers is often in the same one.
                focus = rng.choices(pool_names, weights=pool_weights)[0]
                offer = (
                    focus
                    if rng.random() < 0.6
                    else rng.choices(pool_names, weights=pool_weights)[0]
                )
                for direction, pool_name in (("issue", focus), ("strength", offer)):
                    posting, theme_ids = posting_for(organisation, direction, pool_name)
                    batch.append(posting)
                    batch_themes.append(theme_ids)
            insert_started = time.perf_counter()
            Posting.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            Through.objects.bulk_create(
                [
                    Through(posting_id=posting.pk, theme_id=theme_id)
                    for posting, theme_ids in zip(batch, batch_themes, strict=True)
                    for theme_id in theme_ids
                ],
                batch_size=BATCH_SIZE * 2,
            )
            insert_seconds += time.perf_counter() - insert_started
            through_rows += sum(len(ids) for ids in batch_themes)
            created += len(batch)
            if created % 40_000 == 0:
                self.say(f"  {created:>7,} postings ({time.perf_counter() - started:6.1f} s)")
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("ANALYZE")

        prefectures = len({o.prefecture_id for o in organisations})
        kind_counts = {k: kinds.count(k) for k in KIND_WEIGHTS}
        figures.update(
            postings=created,
            posting_theme_rows=through_rows,
            kinds=kind_counts,
            prefectures=prefectures,
            distinct_phrases_analysed=len(cache.entries),
            generation_seconds=round(time.perf_counter() - started, 1),
            insert_seconds=round(insert_seconds, 1),
        )
        self.say(
            f"Generated {size:,} organisations ({kind_counts}, {prefectures} prefectures) and "
            f"{created:,} OPEN postings in {figures['generation_seconds']} s (INSERT "
            f"{figures['insert_seconds']} s). Text composed from phrase pools: each of the "
            f"{len(cache.entries)} distinct phrases was analysed by SudachiPy once and the "
            "postings' search_tokens were concatenated from the precomputed tokens."
        )

    # -- measurement --------------------------------------------------------------------------

    def _measure(
        self,
        size: int,
        rng: random.Random,
        figures: dict[str, Any],
        options: dict[str, Any],
    ) -> None:
        from matching.loading import build_index
        from matching.services import PAIRS_PER_POSTING, TRIADS_PER_POSTING, index_forget

        # 1. Index build.
        index_forget()
        gc.collect()
        rss_before = _rss_mb()
        started = time.perf_counter()
        index = build_index()
        build_seconds = time.perf_counter() - started
        gc.collect()
        rss_after = _rss_mb()
        figures["build"] = {
            "seconds": round(build_seconds, 2),
            "rss_before_mb": _round(rss_before),
            "rss_after_mb": _round(rss_after),
            "rss_growth_mb": _round(
                rss_after - rss_before if rss_after is not None and rss_before else None
            ),
            "peak_rss_mb": round(_peak_rss_mb(), 1),
            "orgs": len(index.orgs),
            "posts": len(index.posts),
            "word_features": int(index.offer_matrix.shape[1]),
            "char_features": int(index.char_matrix.shape[1]),
            "nnz_offer_need_char": [
                int(index.offer_matrix.nnz),
                int(index.need_matrix.nnz),
                int(index.char_matrix.nnz),
            ],
        }
        b = figures["build"]
        self.say(
            f"Index build {b['seconds']} s; RSS {b['rss_before_mb']} → {b['rss_after_mb']} MB "
            f"(+{b['rss_growth_mb']} MB), peak RSS {b['peak_rss_mb']} MB; "
            f"{b['word_features']:,} word / {b['char_features']:,} char n-gram features."
        )

        issues = sorted(pk for pk, post in index.posts.items() if post.direction == "issue")
        samples = options["samples"]
        queries = [index.posts[pk] for pk in rng.sample(issues, min(samples, len(issues)))]
        warmup = [index.posts[pk] for pk in rng.sample(issues, min(WARMUP_QUERIES, len(issues)))]

        # 2. Retrieval: top 50 candidates.
        for post in warmup:
            index.rank(post, limit=50)
        with CpuWatch() as watch:
            samples_ms = _timed(lambda post: index.rank(post, limit=50), queries)
        figures["retrieval"] = {**_stats(samples_ms), "cpu": watch.figures()}
        r = figures["retrieval"]
        self.say(
            f"Retrieval rank(limit=50), {r['n']} issue postings: p50 {r['p50_ms']} ms, "
            f"p95 {r['p95_ms']} ms, max {r['max_ms']} ms {watch.note()}"
        )

        # 3. One posting's proposals, as proposals_compute_for_posting computes them.
        def proposals(post: Any) -> None:
            index.rank(post, limit=PAIRS_PER_POSTING)
            index.triads(post, limit=TRIADS_PER_POSTING)

        for post in warmup:
            proposals(post)
        queries = [index.posts[pk] for pk in rng.sample(issues, min(samples, len(issues)))]
        with CpuWatch() as watch:
            samples_ms = _timed(proposals, queries)
        figures["proposals"] = {**_stats(samples_ms), "cpu": watch.figures()}
        p = figures["proposals"]
        verdict = "meets" if p["p95_ms"] < TARGET_PROPOSALS_P95_MS else "MISSES"
        self.say(
            f"Proposals rank(10) + triads(10), {p['n']} issue postings: p50 {p['p50_ms']} ms, "
            f"p95 {p['p95_ms']} ms, max {p['max_ms']} ms ({verdict} p95 < "
            f"{TARGET_PROPOSALS_P95_MS} ms, a target set at 100,000 organisations) "
            f"{watch.note()}"
        )
        if options["profile"]:
            self._profile(index, rng, issues, options["profile"], figures)
        all_ids = sorted(index.posts)
        index = queries = warmup = None  # free the index before the recompute builds its own
        gc.collect()

        # 4. Full recompute (writes MatchProposal rows).
        self._recompute(size, rng, all_ids, figures, options)
        # 5. Parallel speed-up.
        self._parallel(rng, all_ids, figures, options)

    def _profile(
        self, index: Any, rng: random.Random, issues: list[int], count: int, figures: dict
    ) -> None:
        """Where one posting's proposals spend their time (cProfile, by own time)."""
        import cProfile
        import io
        import pstats

        from matching.services import PAIRS_PER_POSTING, TRIADS_PER_POSTING

        queries = [index.posts[pk] for pk in rng.sample(issues, min(count, len(issues)))]
        profiler = cProfile.Profile()
        profiler.enable()
        for post in queries:
            index.rank(post, limit=PAIRS_PER_POSTING)
            index.triads(post, limit=TRIADS_PER_POSTING)
        profiler.disable()
        stats = pstats.Stats(profiler)
        total = stats.total_tt  # type: ignore[attr-defined]
        rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:15]  # type: ignore[attr-defined]
        figures["profile"] = [
            {
                "function": _short_function(func),
                "calls": calls,
                "own_seconds": round(own, 3),
                "cumulative_seconds": round(cumulative, 3),
            }
            for func, (_primitive, calls, own, cumulative, _callers) in rows
        ]
        out = io.StringIO()
        out.write(
            f"cProfile of {len(queries)} proposals queries ({total / len(queries) * 1000:.0f} ms "
            "each under the profiler), top functions by own time:\n"
        )
        for entry in figures["profile"]:
            share = entry["own_seconds"] / total * 100 if total else 0
            out.write(
                f"  {share:5.1f} %  {entry['own_seconds']:8.3f} s own "
                f"{entry['cumulative_seconds']:8.3f} s cum {entry['calls']:>8} calls  "
                f"{entry['function']}\n"
            )
        self.say(out.getvalue().rstrip())

    def _recompute(
        self,
        size: int,
        rng: random.Random,
        all_ids: list[int],
        figures: dict[str, Any],
        options: dict[str, Any],
    ) -> None:
        from matching.services import index_forget, proposals_recompute_all

        limit = options["recompute_limit"]
        if limit is None:
            limit = 0 if size <= FULL_RECOMPUTE_MAX_ORGS else DEFAULT_RECOMPUTE_SAMPLE
        sample = None if limit <= 0 or limit >= len(all_ids) else rng.sample(all_ids, limit)
        builds = _install_build_timer()
        try:
            with CpuWatch() as watch:
                result = proposals_recompute_all(chunk=sample)
            seconds = watch.wall
        finally:
            _remove_build_timer()
            index_forget()
            gc.collect()
        build = sum(builds)
        per_posting = (seconds - build) / max(1, result["postings"])
        total = len(all_ids)
        entry: dict[str, Any] = {
            "postings_timed": result["postings"],
            "proposals_stored": result["proposals"],
            "seconds": round(seconds, 2),
            "index_build_seconds": round(build, 2),
            "per_posting_ms": round(per_posting * 1000, 2),
            "all_postings": total,
            "extrapolated": sample is not None,
            "cpu": watch.figures(),
        }
        if sample is None:
            entry["total_seconds"] = round(seconds, 2)
        else:
            # The index is built once whatever the number of postings; the rest is linear.
            entry["total_seconds"] = round(build + per_posting * total, 1)
            entry["naive_linear_seconds"] = round(seconds * total / len(sample), 1)
        entry["postings_per_second"] = round(total / entry["total_seconds"], 1)
        entry["postings_per_second_excluding_build"] = round(1 / per_posting, 1)
        # QUALITY.md states its target for 100,000 postings (N organisations have 2·N).
        entry["seconds_per_100k_postings"] = round(build + per_posting * 100_000, 1)
        figures["recompute"] = entry
        if sample is None:
            self.say(
                f"Full recompute of all {total:,} postings: {seconds:.1f} s (index build "
                f"{build:.1f} s, {per_posting * 1000:.1f} ms per posting, "
                f"{entry['postings_per_second']} postings/s, {result['proposals']:,} proposals) "
                f"{watch.note()}"
            )
        else:
            self.say(
                f"Recompute of a random sample of {len(sample):,} postings (chunk=…): "
                f"{seconds:.1f} s, of which index build {build:.1f} s → "
                f"{per_posting * 1000:.1f} ms per posting. EXTRAPOLATED to all {total:,} "
                f"postings (one build + {total:,} × per posting): {entry['total_seconds']:,.0f} s "
                f"= {entry['total_seconds'] / 60:.1f} min, {entry['postings_per_second']} "
                f"postings/s, 1 process (naive linear scaling of the sample incl. its build: "
                f"{entry['naive_linear_seconds']:,.0f} s) {watch.note()}"
            )

    def _parallel(
        self,
        rng: random.Random,
        all_ids: list[int],
        figures: dict[str, Any],
        options: dict[str, Any],
    ) -> None:
        """The scaling curve: the same sample recomputed by proposals_recompute_all with 1, 2, …
        processes (the index is built once, in this process; the others are forked from it,
        share it copy-on-write and each rank, re-rank and store whole chunks)."""
        from matching.services import RECOMPUTE_CHUNK, index_forget, proposals_recompute_all

        count = min(options["parallel_sample"], len(all_ids))
        if count < RECOMPUTE_CHUNK * max(options["processes"]):
            self.say(
                f"Note: {count:,} postings make fewer chunks ({RECOMPUTE_CHUNK:,} postings) than "
                "processes, so some processes get no work (raise --parallel-sample)."
            )
        sample = sorted(rng.sample(all_ids, count))
        runs: dict[str, dict[str, Any]] = {}
        for processes in options["processes"]:
            builds = _install_build_timer()
            try:
                with CpuWatch() as watch:
                    result = proposals_recompute_all(chunk=sample, processes=processes)
            finally:
                _remove_build_timer()
                index_forget()
                gc.collect()
            build = sum(builds)
            compute = watch.wall - build
            postings = max(1, result["postings"])
            per_posting = compute / postings
            build_cpu = BUILD_CPU_SECONDS[-1] if BUILD_CPU_SECONDS else 0.0
            run = {
                "processes": processes,
                "wall_seconds": round(watch.wall, 2),
                "build_seconds": round(build, 2),
                "compute_seconds": round(compute, 2),
                "per_posting_ms": round(per_posting * 1000, 2),
                "proposals": result["proposals"],
                # Everything the run used (this process and its forked children) per second.
                "cpu_cores_used": round((watch.own + watch.children) / watch.wall, 2),
                "cpu": watch.figures(),
                # CPU per posting, load-independent: this process (with 1 process, all the
                # work; else it waits) and the forked processes (ranking and storing).
                "parent_cpu_ms_per_posting": round((watch.own - build_cpu) / postings * 1000, 2),
                "workers_cpu_ms_per_posting": round(watch.children / postings * 1000, 2),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "projected_full_recompute_seconds": round(build + per_posting * len(all_ids), 1),
                "projected_seconds_per_100k_postings": round(build + per_posting * 100_000, 1),
            }
            runs[str(processes)] = run
            first = runs[str(options["processes"][0])]
            run["speedup_excluding_build"] = round(
                first["compute_seconds"] / compute if compute > 0 else 0.0, 2
            )
            verdict = (
                "meets"
                if run["projected_seconds_per_100k_postings"] < TARGET_RECOMPUTE_SECONDS
                else "MISSES"
            )
            self.say(
                f"Recompute of {count:,} postings with {processes} process(es): {watch.wall:.1f} s "
                f"(index build {build:.1f} s, once) → {per_posting * 1000:.2f} ms per posting, "
                f"×{run['speedup_excluding_build']} vs {options['processes'][0]} excluding the "
                f"build; {run['cpu_cores_used']} cores used; CPU per posting: "
                f"{run['parent_cpu_ms_per_posting']} ms here, {run['workers_cpu_ms_per_posting']} "
                f"ms in forked processes. Projected per 100,000 postings: "
                f"{run['projected_seconds_per_100k_postings'] / 60:.1f} min ({verdict} < "
                f"{TARGET_RECOMPUTE_SECONDS // 60} min); all {len(all_ids):,} postings "
                f"{run['projected_full_recompute_seconds'] / 60:.1f} min. Load average "
                f"{'/'.join(str(x) for x in run['load_average'])} {watch.note()}"
            )
        last = runs[str(options["processes"][-1])]
        figures["parallel"] = {
            "sample": count,
            "runs": runs,
            "speedup_excluding_build": last["speedup_excluding_build"],
            "projected_full_recompute_seconds": last["projected_full_recompute_seconds"],
            "projected_seconds_per_100k_postings": last["projected_seconds_per_100k_postings"],
            "cpu_parallel": last["cpu"],
        }

    # -- report -------------------------------------------------------------------------------

    def _report(self) -> None:
        sizes = self.figures["sizes"]
        if not sizes:
            return
        names = list(sizes)
        rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
            ("postings", lambda f: f"{f['postings']:,}"),
            ("generation s", lambda f: f"{f['generation_seconds']}"),
            ("index build s", lambda f: f"{f['build']['seconds']}"),
            ("RSS growth by build MB", lambda f: f"{f['build']['rss_growth_mb']}"),
            ("peak RSS after build MB", lambda f: f"{f['build']['peak_rss_mb']}"),
            ("retrieval top-50 p50 ms", lambda f: f"{f['retrieval']['p50_ms']}"),
            ("retrieval top-50 p95 ms", lambda f: f"{f['retrieval']['p95_ms']}"),
            ("proposals p50 ms", lambda f: f"{f['proposals']['p50_ms']}"),
            ("proposals p95 ms (< 200)", lambda f: f"{f['proposals']['p95_ms']}"),
            ("proposals max ms", lambda f: f"{f['proposals']['max_ms']}"),
            (
                "recompute postings timed",
                lambda f: (
                    f"{f['recompute']['postings_timed']:,}"
                    + (" (sample)" if f["recompute"]["extrapolated"] else " (all)")
                ),
            ),
            ("recompute ms/posting", lambda f: f"{f['recompute']['per_posting_ms']}"),
            (
                "recompute all, 1 proc s",
                lambda f: (
                    f"{f['recompute']['total_seconds']:,}"
                    + (" (extrap.)" if f["recompute"]["extrapolated"] else "")
                ),
            ),
            ("recompute postings/s", lambda f: f"{f['recompute']['postings_per_second']}"),
            (
                "recompute ms/posting by processes",
                lambda f: " | ".join(
                    f"{n}: {r['per_posting_ms']}" for n, r in f["parallel"]["runs"].items()
                ),
            ),
            (
                "CPU ms/posting here | forked",
                lambda f: " ; ".join(
                    f"{n}: {r['parent_cpu_ms_per_posting']} | {r['workers_cpu_ms_per_posting']}"
                    for n, r in f["parallel"]["runs"].items()
                ),
            ),
            (
                "speed-up excl. build",
                lambda f: " | ".join(
                    f"{n}: ×{r['speedup_excluding_build']}"
                    for n, r in f["parallel"]["runs"].items()
                ),
            ),
            (
                "per 100k postings s (<600)",
                lambda f: " | ".join(
                    f"{n}: {r['projected_seconds_per_100k_postings']:,.0f}"
                    for n, r in f["parallel"]["runs"].items()
                ),
            ),
            (
                "other procs' cores: proposals",
                lambda f: f"{f['proposals']['cpu']['other_cpu_cores']}",
            ),
            (
                "other procs' cores: last run",
                lambda f: f"{f['parallel']['cpu_parallel']['other_cpu_cores']}",
            ),
            ("load average after", lambda f: "/".join(str(x) for x in f["load_average"])),
        ]
        self.say("")
        self.say(f"Summary ({self.figures['cpus']} CPUs; organisations per column)")
        self.say(f"  {'':<33}" + "".join(f"{int(n):>22,}" for n in names))
        for label, cell in rows:
            values = []
            for name in names:
                try:
                    values.append(cell(sizes[name]))
                except (KeyError, TypeError):
                    values.append("—")
            self.say(f"  {label:<33}" + "".join(f"{v:>22}" for v in values))
        self.say(
            "  Retrieval = Index.rank(limit=50); proposals = rank(limit=10) + triads(limit=10) "
            "(no DB writes); recompute = proposals_recompute_all (writes MatchProposal rows, "
            "builds the index once per call; its forked processes share it)."
        )


def _timed(function: Callable[[Any], Any], items: list[Any]) -> list[float]:
    samples = []
    for item in items:
        started = time.perf_counter()
        function(item)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _short_function(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":  # a built-in
        return name
    for marker in ("site-packages/", os.getcwd() + "/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    return f"{filename}:{line}({name})"


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None
