"""`manage.py seed_demo`: fictional demo organisations, their people, a coordinator, and
the organisations' postings (stated issues and strengths).

Idempotent: organisations are found by their identity (法人番号, local government, 学校コード),
people by email and postings by (organisation, title), so a second run creates nothing and
prints the same logins.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from stdnum.jp import cn as corporate_number

from partners import demo_data, demo_postings
from partners.demo_data import DemoOrganisation
from partners.demo_postings import DemoPosting, month_end
from partners.forms import FORM_FOR_KIND, PostingForm, organisation_form_data
from partners.identifiers import SCHOOL_CODE_KINDS
from partners.models import (
    Coordinator,
    Membership,
    Organisation,
    OrganisationKind,
    PlaceScope,
    Posting,
    PostingStatus,
    Prefecture,
    Role,
    Theme,
    VerificationStatus,
)
from partners.services import (
    organisation_create,
    organisation_decide_verification,
    organisation_request_verification,
    posting_close,
    posting_create,
    posting_expire_stale,
    posting_publish,
)
from sankangaku.accounts.models import User
from sankangaku.celery import app as celery_app

DEFAULT_SEED = 2026
VERIFICATION_NOTE = "デモデータ"

# How many days before the run each demo posting was published, by the state it is left in
# (see demo_postings.STATES). "stale" lands 4–13 days before its expiry date, inside the
# reminder window, so its owner is asked to confirm it; "expired" is past its expiry date and
# is swept to expired at the end of the run, as the periodic job would.
PUBLISHED_DAYS_AGO: dict[str, tuple[int, int]] = {
    "open": (1, 60),
    "draft": (0, 20),
    "review": (0, 6),
    "closed": (25, 70),
    "stale": (77, 86),
    "expired": (95, 115),
}
# Open calls are recent, so their deadlines (publication + call_days, at month end) are ahead.
OPEN_CALL_DAYS_AGO = (2, 20)

# The first kind code of each school kind (B1 elementary, C1 junior high, D1 high, …).
_KIND_CODE: dict[str, str] = {}
for _code, _kind in SCHOOL_CODE_KINDS.items():
    _KIND_CODE.setdefault(_kind, _code)


def demo_corporate_number(spec: DemoOrganisation) -> str:
    """The 13-digit 法人番号: check digit first, then the 12-digit base."""
    return corporate_number.calc_check_digit(spec.corporate_base) + spec.corporate_base


def demo_school_code(spec: DemoOrganisation) -> str:
    """kind (2) + prefecture (2) + founder (1) + number (7) + check digit (1).

    MEXT's check-digit algorithm is not known (see partners.identifiers), so the digit here is
    only a stable stand-in: the sum of the digits before it, modulo 10.
    """
    body = f"{_KIND_CODE[spec.school_kind]}{spec.location[:2]}{spec.school_founder}"
    body += spec.school_number
    return body + str(sum(int(c) for c in body if c.isdigit()) % 10)


@dataclass
class SeedResult:
    organisations: int = 0
    organisations_new: int = 0
    users: int = 0
    users_new: int = 0
    memberships_new: int = 0
    pending: int = 0
    postings: int = 0
    postings_new: int = 0
    posting_statuses: dict[str, int] = field(default_factory=dict)
    cases: int = 0
    cases_new: int = 0


@dataclass(frozen=True)
class Timing:
    """When a demo posting was written, published and (if so) closed."""

    created_at: datetime
    published_at: datetime
    closed_at: datetime


@contextmanager
def notifications_silenced() -> Iterator[None]:
    """Run follow-up tasks in-process and drop their emails while seeding.

    Approving verifications enqueues a "you are verified" email per organisation, and
    expiring the demo postings meant to be expired a "your posting expired" email each. The
    demo recipients live at reserved example domains, so those emails inform nobody: the
    console backend would bury the login block under dozens of messages, and with REDIS_URL
    set a worker would try real SMTP delivery to addresses that cannot exist. Forcing eager
    execution keeps the tasks off the broker (no worker needed) and the dummy backend
    discards them. Celery's per-task log lines would be the same noise, so they are muted
    for the duration.
    """
    previous = celery_app.conf.task_always_eager
    loggers = [logging.getLogger(name) for name in ("celery.app.trace", "kombu.connection")]
    levels = [logger.level for logger in loggers]
    celery_app.conf.task_always_eager = True
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        # Matching runs once over everything at the end, not after each of 170 postings.
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            MATCHING_COMPUTE_ON_CHANGE=False,
        ):
            yield
    finally:
        celery_app.conf.task_always_eager = previous
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class DemoSeeder:
    """Creates what is missing of the demo data; call `run()` inside a transaction."""

    def __init__(self, *, seed: int, now: datetime | None = None) -> None:
        self.rng = random.Random(seed)
        # A generator of its own for the postings' dates, so that adding postings never
        # changes the people's names (and the other way round).
        self.posting_rng = random.Random(f"postings-{seed}")
        self.now = now or timezone.now()
        self.result = SeedResult()
        self._password_hash: str | None = None
        self._sdg_ids = dict(Theme.objects.filter(kind=Theme.Kind.SDG).values_list("number", "pk"))
        self.users: dict[str, User] = {}
        self.organisations: dict[str, Organisation] = {}  # by the admin's email

    def run(self) -> SeedResult:
        coordinator = self.person(demo_data.COORDINATOR_EMAIL)
        Coordinator.objects.get_or_create(user=coordinator)  # no prefectures: nationwide
        self.ensure_verified_address(coordinator)
        for spec in demo_data.ORGANISATIONS:
            self.organisations[spec.admin] = self.organisation(spec, coordinator=coordinator)
        self.result.pending = Organisation.objects.filter(
            verification_status=VerificationStatus.PENDING
        ).count()
        self.postings()
        return self.result

    # --- people -------------------------------------------------------------------------

    def person(self, email: str) -> User:
        """The user with `email`, created (without an email address yet) if missing."""
        # Draw the name even for existing users so that every later name stays the same
        # whichever users already exist.
        display_name = f"{self.rng.choice(demo_data.FAMILY_NAMES)} "
        display_name += self.rng.choice(demo_data.GIVEN_NAMES)
        self.result.users += 1
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            # Existing users are left alone: a re-run must not reset a password someone
            # changed, nor log anyone out by rehashing.
            self.users[email.lower()] = user
            return user
        if self._password_hash is None:
            # One PBKDF2 hash (~1 s) shared by every new demo user instead of one per user,
            # which would take half a minute; acceptable only because they share a published
            # password anyway.
            self._password_hash = make_password(demo_data.DEMO_PASSWORD)
        user = User(email=email.lower(), display_name=display_name, preferred_language="ja")
        user.password = self._password_hash
        user.save()
        self.result.users_new += 1
        self.users[email.lower()] = user
        return user

    def ensure_verified_address(self, user: User) -> None:
        """A verified primary allauth address, so the user can sign in under mandatory
        verification."""
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    # --- organisations ------------------------------------------------------------------

    def organisation(self, spec: DemoOrganisation, *, coordinator: User) -> Organisation:
        admin = self.person(spec.admin)
        members = [self.person(email) for email in spec.members]
        self.result.organisations += 1
        organisation = self.find(spec)
        if organisation is None:
            organisation = self.create(spec, admin=admin)
            self.result.organisations_new += 1
        # Extra members are added directly rather than invited: an invitation means an email
        # and a token for people who do not exist.
        for user, role in [(admin, Role.ADMIN), *((m, Role.MEMBER) for m in members)]:
            _membership, created = Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": role}
            )
            self.result.memberships_new += created
        # Verification is decided here, explicitly, before anyone has a verified address:
        # organisation_create and organisation_request_verification would otherwise verify
        # by email domain (a company's own domain, a school's website), and the pending
        # organisations would silently leave the queue.
        if organisation.verification_status == VerificationStatus.UNVERIFIED:
            if spec.pending:
                organisation_request_verification(organisation=organisation, actor=admin)
            else:
                organisation_decide_verification(
                    organisation=organisation,
                    coordinator=coordinator,
                    approve=True,
                    note=VERIFICATION_NOTE,
                )
        for user in (admin, *members):
            self.ensure_verified_address(user)
        return organisation

    def find(self, spec: DemoOrganisation) -> Organisation | None:
        organisations = Organisation.objects.filter(kind=spec.kind)
        if spec.kind == OrganisationKind.COMPANY:
            return organisations.filter(corporate_number=demo_corporate_number(spec)).first()
        if spec.kind == OrganisationKind.MUNICIPALITY:
            return organisations.filter(local_government_id=spec.location).first()
        return organisations.filter(school_code=demo_school_code(spec)).first()

    def create(self, spec: DemoOrganisation, *, admin: User) -> Organisation:
        """Register through the same form and service as a person on the sign-up page, so
        the demo data passes exactly the validation real input does."""
        form = FORM_FOR_KIND[spec.kind](data=self.form_data(spec))
        if not form.is_valid():
            raise CommandError(
                f"Demo data for {spec.name or spec.location} is invalid:\n{form.errors.as_text()}"
            )
        return organisation_create(
            user=admin,
            kind=spec.kind,
            data=organisation_form_data(form),
            themes=list(form.cleaned_data["themes"]),
        )

    def form_data(self, spec: DemoOrganisation) -> dict[str, Any]:
        try:
            themes = [self._sdg_ids[number] for number in spec.sdgs]
        except KeyError as exc:
            raise CommandError(
                f"SDG {exc.args[0]} is missing; run `manage.py load_reference_data`."
            ) from None
        data: dict[str, Any] = {
            "prefecture": int(spec.location[:2]),
            "description": spec.description,
            "website": spec.website,
            "themes": themes,
        }
        if spec.kind == OrganisationKind.MUNICIPALITY:
            # Chosen by code; the form derives the name, kana and location from the
            # reference table (MunicipalityForm.identity_data).
            data["local_government_code"] = spec.location
            return data
        data.update(name=spec.name, name_kana=spec.name_kana, location=spec.location)
        if spec.kind == OrganisationKind.COMPANY:
            data.update(
                corporate_number=demo_corporate_number(spec),
                legal_form=spec.legal_form,
                industry=spec.industry,
                company_size=spec.company_size,
            )
        else:
            grade_from, grade_to = spec.grades or (None, None)
            data.update(
                school_code=demo_school_code(spec),
                school_kind=spec.school_kind,
                grade_from=grade_from,
                grade_to=grade_to,
                student_count=spec.student_count,
            )
        return data

    # --- postings -----------------------------------------------------------------------

    def postings(self) -> None:
        """Create the missing demo postings through the same services as the posting pages,
        then expire what has outlived its expiry date."""
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        existing = set(
            Posting.objects.filter(organisation__in=list(self.organisations.values())).values_list(
                "organisation_id", "title"
            )
        )
        written: list[Posting] = []
        for spec in demo_postings.all_postings():
            # Drawn for every posting, existing or not, so each keeps the same dates
            # whichever others exist.
            timing = self.timing(spec)
            organisation = self.organisations[demo_postings.ORGANISATION_ADMINS[spec.org]]
            self.result.postings += 1
            if (organisation.pk, spec.title) in existing:
                continue
            posting = self.posting(spec, organisation=organisation, timing=timing, themes=themes)
            # The services stamp the real time of creation; a demo reads better when what
            # was published weeks ago was also written then. Display-only, so set directly.
            posting.created_at = timing.created_at
            written.append(posting)
            self.result.postings_new += 1
        Posting.objects.bulk_update(written, ["created_at"], batch_size=500)
        posting_expire_stale(now=self.now)
        self.result.posting_statuses = dict(
            Counter(
                Posting.objects.filter(
                    organisation__in=list(self.organisations.values())
                ).values_list("status", flat=True)
            )
        )

    def timing(self, spec: DemoPosting) -> Timing:
        rng = self.posting_rng
        first, last = OPEN_CALL_DAYS_AGO if spec.is_open_call else PUBLISHED_DAYS_AGO[spec.state]
        day = timezone.localdate(self.now) - timedelta(days=rng.randint(first, last))
        # Office hours, Japan time; never later than now.
        published_at = timezone.make_aware(datetime.combine(day, clock(9)))
        published_at = min(
            published_at + timedelta(minutes=rng.randint(0, 9 * 60)),
            self.now - timedelta(minutes=5),
        )
        created_at = published_at - timedelta(minutes=rng.randint(30, 3 * 24 * 60))
        closed_at = min(
            published_at + timedelta(days=rng.randint(10, 20)), self.now - timedelta(hours=1)
        )
        return Timing(created_at=created_at, published_at=published_at, closed_at=closed_at)

    def posting(
        self,
        spec: DemoPosting,
        *,
        organisation: Organisation,
        timing: Timing,
        themes: dict[str, Theme],
    ) -> Posting:
        """Write the posting through the same form and services as the posting pages, so
        the demo data passes exactly the validation real input does."""
        values = self.posting_form_values(
            spec, organisation, themes=themes, published_at=timing.published_at
        )
        form = PostingForm(data=values, organisation=organisation, direction=spec.direction)
        if not form.is_valid():
            raise CommandError(f"Demo posting {spec.title!r} is invalid:\n{form.errors.as_text()}")
        ignored = sorted(
            name for name, value in values.items() if value and name not in form.fields
        )
        if ignored:
            # The form asks only what fits the organisation's kind and the direction; data
            # for anything else is a mistake in demo_postings, not something to drop quietly.
            raise CommandError(f"Demo posting {spec.title!r} sets fields it cannot: {ignored}")
        author = self.users[spec.author or demo_postings.ORGANISATION_ADMINS[spec.org]]
        posting = posting_create(
            organisation=organisation,
            actor=author,
            data=form.posting_data(),
            themes=list(form.cleaned_data["themes"]),
        )
        if spec.state != "draft":
            # Verified organisations open directly (unless the author asked for a review);
            # the others' postings wait in the coordinators' queue.
            status = posting_publish(posting=posting, actor=author, now=timing.published_at)
            if spec.state == "closed" and status == PostingStatus.OPEN:
                posting_close(posting=posting, actor=author, now=timing.closed_at)
        return posting

    def posting_form_values(
        self,
        spec: DemoPosting,
        organisation: Organisation,
        *,
        themes: dict[str, Theme],
        published_at: datetime,
    ) -> dict[str, Any]:
        """What a person would submit on the posting form ("" for an empty field)."""
        try:
            theme_ids = [themes[slug].pk for slug in spec.themes]
        except KeyError as exc:
            raise CommandError(
                f"Theme {exc.args[0]} is missing; run `manage.py load_reference_data`."
            ) from None
        scope, prefecture_id, location_id = self.place(spec, organisation)
        starts_on, ends_on = spec.period()
        grade_from, grade_to = spec.grades or (None, None)
        budget_min, budget_max = spec.budget or (None, None)
        deadline = None
        if spec.call_days is not None:
            deadline = month_end(timezone.localdate(published_at) + timedelta(days=spec.call_days))
        values: dict[str, Any] = {
            "title": spec.title,
            "body": spec.body,
            "themes": theme_ids,
            "situation": spec.situation,
            "desired_outcome": spec.desired_outcome,
            "constraints": spec.constraints,
            "assets": spec.assets,
            "partnership_forms": spec.partnership_forms,
            "offer_what": spec.offer_what,
            "offer_for_whom": spec.offer_for_whom,
            "conditions": spec.conditions,
            "capacity": spec.capacity,
            "place_scope": scope,
            "prefecture": prefecture_id,
            "location": location_id,
            "online_ok": spec.online_ok,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "school_year": spec.school_year,
            "terms": list(spec.terms),
            "grade_from": grade_from,
            "grade_to": grade_to,
            "student_count": spec.student_count,
            "class_hours": spec.class_hours,
            "budget_status": spec.budget_status,
            "funding_route": spec.funding,
            "budget_min": budget_min,
            "budget_max": budget_max,
            "visibility": spec.visibility,
            "wants_review": spec.state == "review",
            "is_open_call": spec.is_open_call,
            "call_budget": spec.call_budget,
            "call_deadline": deadline,
            "selection_criteria": spec.selection_criteria,
        }
        return {name: "" if value is None else value for name, value in values.items()}

    @staticmethod
    def place(spec: DemoPosting, organisation: Organisation) -> tuple[str, int | None, str | None]:
        """(place scope, prefecture, municipality). By default a posting is about its
        organisation's own place: a prefectural government's prefecture, a company's
        prefecture, everyone else's municipality."""
        scope = spec.place
        if not scope:
            own_prefecture = organisation.kind == OrganisationKind.COMPANY or (
                organisation.kind == OrganisationKind.MUNICIPALITY
                and organisation.location_id is None
            )
            scope = PlaceScope.PREFECTURE if own_prefecture else PlaceScope.MUNICIPALITY
        if scope == PlaceScope.MUNICIPALITY:
            code = spec.place_code or organisation.location_id
            if not code:
                raise CommandError(f"Demo posting {spec.title!r} names no municipality.")
            return scope, int(code[:2]), code
        if scope == PlaceScope.PREFECTURE:
            return scope, spec.pref or organisation.prefecture_id, None
        return scope, None, None

    # --- completed projects and case studies ---------------------------------------------

    def case_studies(self) -> None:
        """A few completed projects whose parties all reported and consented, so /cases/
        has something to show. Rows are written directly (the workflow that leads there
        needs proposals, signatures and checklists) and the case study is generated by the
        same service as in real life, without notifications. Idempotent by (lead, title)."""
        from projects import services as project_services
        from projects.models import (
            Agreement,
            AgreementSignoff,
            CompletionReport,
            PartyRole,
            Project,
            ProjectParty,
            ProjectState,
        )

        sdgs = {theme.number: theme for theme in Theme.objects.filter(kind=Theme.Kind.SDG)}
        for spec in demo_data.DEMO_CASES:
            self.result.cases += 1
            organisations = [self.organisations[report.admin] for report in spec.reports]
            lead = organisations[0]
            if Project.objects.filter(title=spec.title, posting__organisation=lead).exists():
                continue
            posting = (
                Posting.objects.filter(organisation=lead)
                .order_by("-direction", "pk")  # an issue first
                .first()
            )
            finished = self.now - timedelta(days=20 + 15 * self.result.cases)
            project = Project.objects.create(
                title=spec.title,
                summary=spec.summary,
                posting=posting,
                state=ProjectState.COMPLETED,
                involves_minors=any(o.kind == OrganisationKind.SCHOOL for o in organisations),
                starts_on=(finished - timedelta(days=120)).date(),
                ends_on=finished.date(),
                state_changed_at=finished,
            )
            parties = [
                ProjectParty.objects.create(
                    project=project,
                    organisation=organisation,
                    role=PartyRole(organisation.kind),
                    contact=self.users[report.admin],
                    commitments=report.commitments,
                )
                for organisation, report in zip(organisations, spec.reports, strict=True)
            ]
            agreement = Agreement.objects.create(
                project=project,
                **project_services._agreement_template(project, posting, parties),
            )
            for party, report in zip(parties, spec.reports, strict=True):
                author = self.users[report.admin]
                AgreementSignoff.objects.create(
                    agreement=agreement, party=party, version=1, signed_by=author
                )
                written = CompletionReport.objects.create(
                    party=party,
                    done=report.done,
                    students_involved=report.students,
                    events_held=report.events,
                    funds_used=report.funds,
                    next_steps=report.next_steps,
                    consent_public=True,
                    updated_by=author,
                )
                written.sdgs.set([sdgs[number] for number in report.sdgs])
            case = project_services.case_study_sync(project=project, actor=None, notify=False)
            if case is not None:
                case.published_at = finished + timedelta(days=7)
                case.save(update_fields=["published_at"])
            self.result.cases_new += 1


class Command(BaseCommand):
    help = (
        "Create fictional demo organisations (companies, municipalities, schools), their "
        "members, a coordinator and their postings (issues and strengths), then print the "
        "demo logins. Safe to run again: nothing that exists is created twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=(
                f"Seed for the random choices (the demo people's names, when postings were "
                f"published); default {DEFAULT_SEED}. Organisations, emails and postings are "
                f"fixed, so another seed never duplicates them, and existing people keep "
                f"their names."
            ),
        )

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        started = time.monotonic()
        if (
            not Prefecture.objects.exists()
            or Theme.objects.filter(kind=Theme.Kind.SDG).count() < 17
        ):
            self.stdout.write("参照データを読み込みます / Loading reference data first …")
            call_command("load_reference_data", stdout=self.stdout, stderr=self.stderr)
        # One transaction: all or nothing, and far fewer disk syncs on SQLite. The emails that
        # verification enqueues on commit run when it closes, still inside the silencer.
        with notifications_silenced(), transaction.atomic():
            seeder = DemoSeeder(seed=seed)
            result = seeder.run()
            # Not part of run(): tests that delete the demo organisations call run() alone,
            # and projects protect their organisations from deletion.
            seeder.case_studies()
        from matching.services import proposals_recompute_all

        matching = proposals_recompute_all()
        self.stdout.write(
            f"マッチング / Matching: {matching['proposals']} suggestions for "
            f"{matching['postings']} postings ({matching['seconds']} s)"
        )
        self.print_logins(result, elapsed=time.monotonic() - started)

    def print_logins(self, result: SeedResult, *, elapsed: float) -> None:
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"デモデータの準備ができました / Demo data ready ({elapsed:.1f} s): "
                f"{result.organisations} organisations ({result.organisations_new} new), "
                f"{result.users} users ({result.users_new} new), "
                f"{result.memberships_new} new memberships; "
                f"{result.pending} waiting for verification; "
                f"{result.postings} postings ({result.postings_new} new); "
                f"{result.cases} case studies ({result.cases_new} new)."
            )
        )
        statuses = ", ".join(
            f"{label} ({status}) {result.posting_statuses.get(status, 0)}"
            for status, label in PostingStatus.choices
        )
        write(f"  投稿の状態 / Postings by status: {statuses}")
        write("")
        write("=" * 72)
        write("デモ用ログイン / Demo logins")
        write(f"  サイト / Site:           {settings.SITE_URL}/")
        write(f"  ログイン / Sign in:      {settings.SITE_URL}{reverse('account_login')}")
        write(f"  パスワード / Password:   {demo_data.DEMO_PASSWORD}  (全員共通 / all users)")
        for login in demo_data.DEMO_LOGINS:
            membership = (
                Membership.objects.filter(user__email__iexact=login.email)
                .select_related("organisation")
                .order_by("created_at")
                .first()
            )
            organisation = (
                membership.organisation.name
                if membership
                else "全国担当・組織なし / nationwide, no organisation"
            )
            write("")
            write(f"  [{login.label_ja} / {login.label_en}]")
            write(f"    メール / Email:        {login.email}")
            write(f"    パスワード / Password: {demo_data.DEMO_PASSWORD}")
            write(f"    組織 / Organisation:   {organisation}")
        write("")
        write(
            "  ※ コーディネーターは、コーディネーター用ページに初めてアクセスしたときに"
            "認証アプリ (TOTP) の設定を求められます。"
        )
        write(
            "    The coordinator must set up an authenticator app (TOTP) on the first visit "
            "to the coordinator pages."
        )
        write("=" * 72)
