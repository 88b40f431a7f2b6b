"""The data set of the load benchmark, and the plan handed to locust.

`dataset_build` writes, into the (scratch) database `default` points at:

- `organisations` load organisations of rotating kinds (company, municipality, school), all
  verified, and `background` more organisations so lists and matching have company;
- `users` people spread round-robin over the load organisations (the first of each is its
  admin, every third person reads the portal in English), each with a verified address;
- `postings` postings whose Japanese text is composed from the phrase pools of
  `benchmark_search` and analysed with SudachiPy as the posting service does; about 40 % belong
  to the load organisations, and every person has a few drafts of their own to edit;
- proposals for the load organisations' open postings (the matching engine, as in production);
- one active project per three load organisations (every load organisation is a party of one),
  with an agreement and `messages` messages posted through the message service, which also
  fills people's inboxes (mentions and contacts are notified);
- one signed-in session per person, made with `django.contrib.auth.login` the way a sign-in
  does (signals included), so the load needs no password, email verification or MFA round
  trip.

Everything runs eagerly with emails discarded (seed_demo's `notifications_silenced`). The
plan is a JSON-safe dict: cookie names, the people with their session keys and ids, and the
ids the simulated users pick from.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.http import HttpRequest
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.crypto import get_random_string

MARKER_DOMAIN = "loadtest.invalid"
KINDS = ("company", "municipality", "school")
# A CSRF cookie holds a 32-character secret of these characters (Django's CSRF_ALLOWED_CHARS).
CSRF_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
DRAFTS_PER_USER = 3
PROPOSAL_POSTINGS_PER_ORGANISATION = 25
FAMILY_NAMES = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
GIVEN_NAMES = ("陽菜", "蓮", "結衣", "湊", "葵", "大翔", "美咲", "健太", "由美", "誠")
COMPANY_WORDS = ("未来", "共創", "まちづくり", "みらい", "地域", "ネクスト", "つなぐ", "あおば")
MESSAGES = (
    "来週の打ち合わせの日程を調整させてください。",
    "先日の現地視察の記録を共有します。ご確認ください。",
    "授業の進め方について、学校側の案をお送りします。",
    "予算の見込みが固まりましたので、ご報告します。",
    "参加者アンケートの集計結果がまとまりました。",
    "次回のワークショップの会場を押さえました。",
)


def posting_form_data(*, kind: str, title: str, body: str) -> dict[str, str]:
    """What the posting form needs for a nationwide issue draft, for any organisation kind.

    The load's "create a draft" and "edit a draft" requests post exactly this (plus the
    direction when creating); `dataset_build` checks it against PostingForm first.
    """
    data = {
        "title": title,
        "body": body,
        "place_scope": "nationwide",
        "funding_route": "undecided",
        "visibility": "public",
    }
    if kind == "municipality":
        data["budget_status"] = ""
    return data


def _say_nothing(line: str) -> None:
    pass


def dataset_build(
    *,
    organisations: int = 6,
    users: int = 30,
    postings: int = 3_000,
    background: int = 40,
    messages: int = 300,
    seed: int = 2026,
    secret_key: str | None = None,
    say: Callable[[str], None] = _say_nothing,
) -> dict[str, Any]:
    """Write the load data set into the `default` database (migrated, with reference data)
    and return the plan for locust. Not idempotent: run it on an empty scratch database.

    Sessions are signed with `secret_key` (default: this process's SECRET_KEY): pass the
    SECRET_KEY the server will run with, or it reads every session as signed out."""
    from partners.management.commands.seed_demo import notifications_silenced

    if organisations < 1 or users < organisations:
        raise ValueError("Need at least one organisation and one person per organisation.")
    rng = random.Random(seed)
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 2)
        say(f"  {name}: {timings[name]} s")
        return now

    with notifications_silenced():
        with transaction.atomic():
            orgs, background_orgs = _organisations(rng, organisations, background)
            people = _people(rng, orgs, users)
        mark = lap("organisations and people", started)
        with transaction.atomic():
            _check_form_data(orgs)
            posting_ids = _postings(rng, orgs, background_orgs, people, postings)
        mark = lap("postings", mark)
        proposals = _proposals(orgs)
        mark = lap("proposals", mark)
        with transaction.atomic():
            projects = _projects(rng, orgs, people, messages)
        mark = lap("projects, messages and notifications", mark)
        with override_settings(SECRET_KEY=secret_key or settings.SECRET_KEY):
            sessions = _sessions(people)
        mark = lap("sessions", mark)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    lap("analyze", mark)
    return _plan(
        rng=rng,
        orgs=orgs,
        background_orgs=background_orgs,
        people=people,
        sessions=sessions,
        projects=projects,
        posting_ids=posting_ids,
        proposals=proposals,
        timings=timings,
    )


# --- organisations and people -----------------------------------------------------------------


def _organisations(rng: random.Random, count: int, background: int) -> tuple[list, list]:
    from partners.models import (
        LocalGovernment,
        Organisation,
        OrganisationKind,
        SchoolKind,
        VerificationStatus,
    )

    now = timezone.now()
    municipalities = list(
        LocalGovernment.objects.exclude(level=LocalGovernment.Level.PREFECTURE).select_related(
            "prefecture"
        )
    )
    if not municipalities:
        raise ValueError("No local governments: load the reference data first.")
    unused = rng.sample(municipalities, min(len(municipalities), count + background))
    school_kind = SchoolKind.values[0]

    def build(index: int, kind: str, prefix: str) -> Organisation:
        lg = unused.pop()
        organisation = Organisation(
            kind=kind,
            prefecture_id=lg.prefecture_id,
            location=lg,
            verification_status=VerificationStatus.VERIFIED,
            verified_at=now,
            description=f"{prefix}の組織です。地域の課題解決に取り組んでいます。",
        )
        if kind == OrganisationKind.MUNICIPALITY:
            organisation.name = f"{lg.prefecture.name}{lg.name}"
            organisation.local_government = lg
        elif kind == OrganisationKind.COMPANY:
            words = rng.sample(COMPANY_WORDS, 2)
            organisation.name = f"株式会社{words[0]}{words[1]}{prefix}{index}"
            organisation.legal_form = "kk"
        else:
            organisation.name = f"{lg.name}立第{index}{prefix}学校"
            organisation.school_kind = school_kind
        return organisation

    load = [build(i, KINDS[i % len(KINDS)], "負荷") for i in range(count)]
    others = [build(i, KINDS[i % len(KINDS)], "背景") for i in range(background)]
    Organisation.objects.bulk_create(load + others)
    return load, others


def _people(rng: random.Random, orgs: list, count: int) -> list[dict[str, Any]]:
    from allauth.account.models import EmailAddress

    from partners.models import Membership, Role
    from sankangaku.accounts.models import User

    # One PBKDF2 hash for everyone: nobody signs in with a password during the load.
    password = make_password(get_random_string(24))
    people: list[dict[str, Any]] = []
    for index in range(count):
        organisation = orgs[index % len(orgs)]
        language = "en" if index % 3 == 2 else "ja"
        user = User.objects.create(
            email=f"load{index:03d}@{MARKER_DOMAIN}",
            display_name=f"{rng.choice(FAMILY_NAMES)} {rng.choice(GIVEN_NAMES)}",
            preferred_language=language,
            password=password,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        role = Role.ADMIN if index < len(orgs) else Role.MEMBER
        Membership.objects.create(user=user, organisation=organisation, role=role)
        people.append(
            {"user": user, "organisation": organisation, "language": language, "role": role}
        )
    return people


# --- postings -------------------------------------------------------------------------------


def _check_form_data(orgs: list) -> None:
    """The load's write requests must be valid, or the run would measure form errors."""
    from partners.forms import PostingForm

    for organisation in orgs:
        form = PostingForm(
            data=posting_form_data(kind=organisation.kind, title="確認", body="確認です。"),
            organisation=organisation,
            direction="issue",
        )
        if not form.is_valid():
            raise ValueError(
                f"The load's posting form data is invalid for a {organisation.kind}: "
                f"{form.errors.as_text()}"
            )


def _postings(
    rng: random.Random, orgs: list, background_orgs: list, people: list, total: int
) -> dict[str, list[int]]:
    from matching.analysis import char_ngrams, content_tokens
    from partners.management.commands.benchmark_search import (
        COMMON_ISSUE,
        COMMON_STRENGTH,
        POOLS,
    )
    from partners.models import Posting, Theme
    from partners.services.postings import posting_text

    now = timezone.now()
    today = timezone.localdate()
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    sdgs = {theme.number: theme for theme in themes.values() if theme.number}
    pool_names = [name for name, pool in POOLS.items() if pool.slugs[0] in themes]
    weights = [POOLS[name].weight for name in pool_names]
    admins = {p["organisation"].pk: p["user"] for p in people if p["role"] == "admin"}

    def compose(organisation: Any, direction: str, status: str, author: Any) -> tuple:
        pool = POOLS[rng.choices(pool_names, weights=weights)[0]]
        titles = pool.issue_titles if direction == "issue" else pool.strength_titles
        phrases = pool.issue if direction == "issue" else pool.strength
        common = COMMON_ISSUE if direction == "issue" else COMMON_STRENGTH
        body = "".join(dict.fromkeys(rng.choices(phrases, k=3) + [rng.choice(common)]))
        posting = Posting(
            organisation=organisation,
            direction=direction,
            title=rng.choice(titles),
            body=body,
            status=status,
            visibility=rng.choices(["public", "members", "coordinators"], [85, 10, 5])[0],
            place_scope=rng.choice(["municipality", "prefecture", "nationwide", "online"]),
            funding_route="undecided",
            contact=author,
            created_by=author,
        )
        if posting.place_scope in ("municipality", "prefecture"):
            posting.prefecture_id = organisation.prefecture_id
        if posting.place_scope == "municipality":
            posting.location_id = organisation.location_id
        if status != "draft":
            posting.published_at = now - timedelta(minutes=rng.randint(60, 200 * 24 * 60))
            posting.last_confirmed_at = posting.published_at
            posting.expires_on = today + timedelta(days=rng.randint(10, 90))
        chosen = [themes[pool.slugs[0]]]
        if rng.random() < 0.6:
            chosen.append(sdgs[rng.choice(pool.sdgs)])
        text = posting_text(posting)
        names = " ".join(theme.name_ja for theme in chosen)
        posting.search_tokens = " ".join(content_tokens(text) + content_tokens(names))
        posting.search_ngrams = " ".join(char_ngrams(text))
        return posting, chosen

    rows: list[tuple[Any, list]] = []
    drafts: dict[int, list[int]] = {}
    # Every person's own drafts, to edit during the load.
    for person in people:
        for _ in range(DRAFTS_PER_USER):
            rows.append(compose(person["organisation"], "issue", "draft", person["user"]))
    load_share = int(total * 0.4)
    for index in range(max(0, total - len(rows))):
        if index < load_share:
            organisation = orgs[index % len(orgs)]
            author = admins[organisation.pk]
        else:
            organisation = rng.choice(background_orgs)
            author = None
        issue_share = {"municipality": 0.8, "school": 0.7, "company": 0.25}[organisation.kind]
        direction = "issue" if rng.random() < issue_share else "strength"
        status = rng.choices(["open", "closed", "draft"], [90, 5, 5])[0]
        rows.append(compose(organisation, direction, status, author))
    Posting.objects.bulk_create([posting for posting, _ in rows], batch_size=1_000)
    through = Posting.themes.through
    through.objects.bulk_create(
        [
            through(posting_id=posting.pk, theme_id=theme.pk)
            for posting, chosen in rows
            for theme in chosen
        ],
        batch_size=5_000,
    )
    for posting, _ in rows[: len(people) * DRAFTS_PER_USER]:
        drafts.setdefault(posting.created_by_id, []).append(posting.pk)
    load_ids = {o.pk for o in orgs}
    return {
        "public_open": [p.pk for p, _ in rows if p.status == "open" and p.visibility == "public"],
        "load_open": [
            p.pk
            for p, _ in rows
            if p.status == "open" and p.organisation_id in load_ids and p.visibility == "public"
        ],
        "drafts_by_user": {str(user_id): ids for user_id, ids in drafts.items()},
        "total": len(rows),
    }


def _proposals(orgs: list) -> int:
    """Suggestions for some of each load organisation's open postings, computed by the
    matching engine exactly as its task does."""
    from matching.services import index_get, proposals_compute_for_posting
    from partners.models import Posting

    index = index_get(fresh=True)
    stored = 0
    for organisation in orgs:
        ids = (
            Posting.objects.filter(organisation=organisation, status="open")
            .order_by("pk")
            .values_list("pk", flat=True)[:PROPOSAL_POSTINGS_PER_ORGANISATION]
        )
        for posting_id in ids:
            stored += proposals_compute_for_posting(posting_id=posting_id, index=index)
    return stored


# --- projects and messages ------------------------------------------------------------------


def _projects(rng: random.Random, orgs: list, people: list, messages: int) -> list[dict]:
    from partners.models import Posting
    from projects import services as project_services
    from projects.models import Agreement, PartyRole, Project, ProjectParty, ProjectState

    by_org: dict[int, list] = {}
    for person in people:
        by_org.setdefault(person["organisation"].pk, []).append(person)
    groups = [orgs[start : start + 3] for start in range(0, len(orgs), 3)]
    if len(groups) > 1 and len(groups[-1]) < 2:
        groups[-2].extend(groups.pop())
    today = timezone.localdate()
    projects: list[dict] = []
    for number, group in enumerate(groups, start=1):
        lead = group[0]
        posting = Posting.objects.filter(organisation=lead).exclude(status="draft").first()
        project = Project.objects.create(
            title=f"負荷試験の共創プロジェクト{number}",
            summary="地域の課題を企業と学校が一緒に解決するプロジェクトです。",
            posting=posting,
            state=ProjectState.ACTIVE,
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=150),
            state_changed_at=timezone.now() - timedelta(days=30),
        )
        parties = [
            ProjectParty.objects.create(
                project=project,
                organisation=organisation,
                role=PartyRole(organisation.kind),
                contact=by_org[organisation.pk][0]["user"],
            )
            for organisation in group
        ]
        Agreement.objects.create(
            project=project, **project_services._agreement_template(project, posting, parties)
        )
        projects.append(
            {
                "project": project,
                "organisations": [o.pk for o in group],
                "parties": {party.organisation_id: party for party in parties},
            }
        )
    # Messages round-robin over the projects, each mentioning one or two people.
    for index in range(messages):
        entry = projects[index % len(projects)]
        project = entry["project"]
        members = [
            person for person in people if person["organisation"].pk in entry["organisations"]
        ]
        author = rng.choice(members)
        mentioned = [p["user"] for p in rng.sample(members, min(2, len(members)))]
        project_services.message_post(
            project=project,
            author=author["user"],
            party=entry["parties"][author["organisation"].pk],
            body=f"{rng.choice(MESSAGES)}（{index + 1}）",
            mentions=[user for user in mentioned if user.pk != author["user"].pk],
        )
    return projects


# --- sessions and the plan ------------------------------------------------------------------


def _sessions(people: list) -> dict[int, str]:
    """One signed-in session per person, through django.contrib.auth.login (so the
    user_logged_in receivers stamp it as a sign-in would)."""
    keys: dict[int, str] = {}
    backend = settings.AUTHENTICATION_BACKENDS[0]
    for person in people:
        request = HttpRequest()
        request.META = {"REMOTE_ADDR": "127.0.0.1", "SERVER_NAME": "127.0.0.1"}
        request.session = SessionStore()
        login(request, person["user"], backend=backend)
        request.session.save()
        keys[person["user"].pk] = request.session.session_key
    return keys


def _plan(
    *,
    rng: random.Random,
    orgs: list,
    background_orgs: list,
    people: list,
    sessions: dict[int, str],
    projects: list[dict],
    posting_ids: dict[str, Any],
    proposals: int,
    timings: dict[str, float],
) -> dict[str, Any]:
    from partners.models import Prefecture, Theme
    from sankangaku.notifications.models import Notification

    project_of: dict[int, list[int]] = {}
    for entry in projects:
        for organisation_id in entry["organisations"]:
            project_of.setdefault(organisation_id, []).append(entry["project"].pk)
    users = []
    for person in people:
        user = person["user"]
        unread = list(
            Notification.objects.filter(recipient=user, read_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        users.append(
            {
                "id": user.pk,
                "email": user.email,
                "language": person["language"],
                "organisation": person["organisation"].pk,
                "kind": person["organisation"].kind,
                "session": sessions[user.pk],
                "csrf": get_random_string(32, CSRF_CHARS),
                "projects": project_of.get(person["organisation"].pk, []),
                "drafts": posting_ids["drafts_by_user"].get(str(user.pk), []),
                "unread": unread,
            }
        )
    public = posting_ids["public_open"]
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "language_cookie": settings.LANGUAGE_COOKIE_NAME,
        "users": users,
        "postings": rng.sample(public, min(len(public), 1_000)),
        "load_postings": posting_ids["load_open"][:500],
        "organisations": [o.pk for o in orgs + background_orgs],
        "prefectures": list(Prefecture.objects.values_list("code", flat=True)),
        "themes": list(Theme.objects.filter(is_active=True).values_list("slug", flat=True)),
        "counts": {
            "organisations": len(orgs),
            "background_organisations": len(background_orgs),
            "users": len(people),
            "postings": posting_ids["total"],
            "proposals": proposals,
            "projects": len(projects),
            "notifications": Notification.objects.count(),
        },
        "timings": timings,
    }
