"""`manage.py seed_demo`: fictional demo organisations, their people, their postings and the
printed logins."""

import io
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Q
from django.test.utils import override_settings
from django.utils import timezone

from partners import demo_data, demo_postings
from partners.identifiers import (
    school_code_parts,
    validate_corporate_number,
    validate_local_government_code,
)
from partners.management.commands.seed_demo import DemoSeeder, notifications_silenced
from partners.models import (
    AuditEvent,
    Coordinator,
    LocalGovernment,
    Membership,
    Organisation,
    Posting,
    Prefecture,
    Theme,
    VerificationStatus,
)
from sankangaku.accounts.models import User
from sankangaku.celery import app as celery_app

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker) -> Iterator[str]:
    """Seed once for the read-only tests of a class, and roll it all back after the last.

    Each test still runs in its own savepoint (django_db), so one that writes cannot disturb
    the next. Seeding per test would cost ~5 s each on PostgreSQL.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        if not Prefecture.objects.exists():
            call_command("load_reference_data", verbosity=0)
        # Class fixtures run before conftest's function-scoped fast hasher; use the same one,
        # or the tests could not check these passwords.
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            output = run_seed()
        yield output
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            User,
            Membership,
            EmailAddress,
            Coordinator,
            AuditEvent,
            Posting,
        )
    }


class TestSeededDemo:
    """One seeded database, shared by tests that only read it (or re-run the command)."""

    def test_creates_all_three_kinds_in_at_least_ten_prefectures(self, seeded):
        organisations = Organisation.objects.all()
        assert organisations.count() == len(demo_data.ORGANISATIONS)
        assert set(organisations.values_list("kind", flat=True)) == {
            "company",
            "municipality",
            "school",
        }
        assert organisations.values("prefecture").distinct().count() >= 10

    def test_covers_village_to_prefecture_and_elementary_to_university(self, seeded):
        levels = set(
            Organisation.objects.filter(kind="municipality").values_list(
                "local_government__level", flat=True
            )
        )
        assert {"village", "town", "city", "prefecture"} <= levels
        school_kinds = set(Organisation.objects.values_list("school_kind", flat=True))
        assert {"elementary", "junior_high", "high", "technical_college", "university"} <= (
            school_kinds
        )

    def test_demo_logins_authenticate_with_a_verified_primary_address(self, seeded):
        for login in demo_data.DEMO_LOGINS:
            user = authenticate(email=login.email, password=demo_data.DEMO_PASSWORD)
            assert user is not None, login.email
            assert EmailAddress.objects.filter(
                user=user, email=login.email, verified=True, primary=True
            ).exists()

    def test_every_demo_user_can_sign_in(self, seeded):
        emails = {demo_data.COORDINATOR_EMAIL}
        for spec in demo_data.ORGANISATIONS:
            emails |= {spec.admin, *spec.members}
        assert set(User.objects.values_list("email", flat=True)) == emails
        assert EmailAddress.objects.filter(verified=True, primary=True).count() == len(emails)
        assert not User.objects.filter(is_staff=True).exists()

    def test_coordinator_is_nationwide_and_not_staff(self, seeded):
        coordinator = Coordinator.objects.get(user__email=demo_data.COORDINATOR_EMAIL)
        assert coordinator.is_active
        assert not coordinator.prefectures.exists()
        assert not coordinator.user.is_staff

    def test_each_other_login_is_admin_of_an_organisation_of_its_kind(self, seeded):
        expected = {
            "Company admin": "company",
            "Municipal officer": "municipality",
            "Teacher": "school",
        }
        for login in demo_data.DEMO_LOGINS[1:]:
            membership = Membership.objects.get(user__email=login.email)
            assert membership.role == "admin"
            assert membership.organisation.kind == expected[login.label_en]
            assert membership.organisation.is_verified

    def test_output_lists_the_four_logins_the_password_and_the_site(self, seeded):
        for login in demo_data.DEMO_LOGINS:
            assert login.email in seeded
        assert demo_data.DEMO_PASSWORD in seeded
        assert settings.SITE_URL in seeded
        assert "TOTP" in seeded

    def test_second_run_creates_nothing_and_prints_the_logins_again(self, seeded):
        before = counts()
        output = run_seed()
        assert counts() == before
        for login in demo_data.DEMO_LOGINS:
            assert login.email in output
        assert "(0 new)" in output
        assert f"{len(demo_postings.all_postings())} postings (0 new)" in output

    def test_another_seed_does_not_duplicate_anything(self, seeded):
        before = counts()
        run_seed("--seed", "7")
        assert counts() == before

    def test_every_corporate_number_validates(self, seeded):
        companies = Organisation.objects.filter(kind="company")
        assert companies.exists()
        for company in companies:
            assert validate_corporate_number(company.corporate_number) == company.corporate_number
            assert company.legal_form
            assert company.industry
            assert company.company_size

    def test_every_school_code_validates_with_its_kind_and_prefecture(self, seeded):
        schools = Organisation.objects.filter(kind="school")
        assert schools.exists()
        for school in schools:
            parts = school_code_parts(school.school_code)
            assert parts.school_kind == school.school_kind
            assert parts.prefecture_code == school.prefecture_id
            assert parts.founder in {"1", "2", "3"}

    def test_places_are_consistent(self, seeded):
        for organisation in Organisation.objects.select_related("location", "local_government"):
            if organisation.kind == "municipality":
                government = organisation.local_government
                validate_local_government_code(government.code)
                assert organisation.prefecture_id == government.prefecture_id
                if government.level == LocalGovernment.Level.PREFECTURE:
                    assert organisation.location is None
                    assert organisation.name == government.name
                else:
                    assert organisation.location == government
                    assert organisation.name == str(government)
            else:
                assert organisation.local_government is None
                assert organisation.location.prefecture_id == organisation.prefecture_id
                assert organisation.location.level != LocalGovernment.Level.PREFECTURE

    def test_every_organisation_has_sdg_themes_and_a_short_description(self, seeded):
        for organisation in Organisation.objects.prefetch_related("themes"):
            themes = list(organisation.themes.all())
            assert themes, organisation.name
            assert all(theme.kind == Theme.Kind.SDG for theme in themes)
            assert 2 <= organisation.description.count("。") <= 4, organisation.name

    def test_demo_addresses_use_reserved_domains_only(self, seeded):
        reserved = ("example.jp", "example.com")
        for email in User.objects.values_list("email", flat=True):
            domain = email.rpartition("@")[2]
            assert domain in reserved or domain.endswith(tuple("." + d for d in reserved))
        for website in Organisation.objects.exclude(website="").values_list("website", flat=True):
            assert ".example.jp" in website

    def test_some_organisations_wait_for_a_coordinator(self, seeded):
        pending = Organisation.objects.filter(verification_status=VerificationStatus.PENDING)
        assert pending.count() == sum(spec.pending for spec in demo_data.ORGANISATIONS) >= 2
        assert all(o.verification_requested_at for o in pending)
        verified = Organisation.objects.filter(verification_status=VerificationStatus.VERIFIED)
        assert verified.count() + pending.count() == Organisation.objects.count()
        coordinator = User.objects.get(email=demo_data.COORDINATOR_EMAIL)
        for organisation in verified:
            assert organisation.verified_by == coordinator
            assert organisation.verification_method == "coordinator"
            assert organisation.verification_note == "デモデータ"

    # --- postings -----------------------------------------------------------------------

    def test_at_least_150_postings_both_directions_from_every_kind(self, seeded):
        postings = Posting.objects.all()
        assert postings.count() == len(demo_postings.all_postings()) >= 150
        assert set(postings.values_list("organisation__kind", "direction")) == {
            (kind, direction)
            for kind in ("company", "municipality", "school")
            for direction in ("issue", "strength")
        }
        assert not Organisation.objects.filter(postings__isnull=True).exists()
        assert f"{postings.count()} postings ({postings.count()} new)" in seeded

    def test_postings_span_regions_and_themes(self, seeded):
        prefectures = Posting.objects.exclude(prefecture=None).values("prefecture").distinct()
        assert prefectures.count() >= 10
        slugs = set(Posting.objects.exclude(themes=None).values_list("themes__slug", flat=True))
        assert len({slug for slug in slugs if slug.startswith("sdg-")}) >= 12
        assert len({slug for slug in slugs if not slug.startswith("sdg-")}) >= 15

    def test_every_posting_is_valid_short_and_analysed(self, seeded):
        for posting in Posting.objects.prefetch_related("themes"):
            posting.full_clean()
            assert len(posting.title) <= 120
            assert len(posting.body) <= 4000
            assert 2 <= posting.body.count("。") <= 5, posting.title
            assert 1 <= len(posting.themes.all()) <= 4, posting.title
            assert "{" not in posting.title + posting.body, posting.title
            assert posting.search_tokens
            assert posting.search_ngrams

    def test_titles_are_distinct_and_no_two_postings_share_title_and_body(self, seeded):
        per_organisation = list(Posting.objects.values_list("organisation", "title"))
        assert len(per_organisation) == len(set(per_organisation))
        texts = list(Posting.objects.values_list("title", "body"))
        assert len(texts) == len(set(texts))
        # Stronger than needed: the composer never repeats a title across organisations.
        titles = [title for _organisation, title in per_organisation]
        assert len(titles) == len(set(titles))

    def test_issues_and_strengths_fill_their_own_framing(self, seeded):
        issue_fields = ["situation", "desired_outcome", "constraints", "assets"]
        strength_fields = ["offer_what", "offer_for_whom", "conditions", "capacity"]
        for posting in Posting.objects.all():
            own, other = (
                (issue_fields + ["partnership_forms"], strength_fields)
                if posting.direction == "issue"
                else (strength_fields, issue_fields + ["partnership_forms"])
            )
            assert any(getattr(posting, name) for name in own), posting.title
            assert not any(getattr(posting, name) for name in other), posting.title
        strengths = Posting.objects.filter(direction="strength")
        assert not strengths.filter(is_open_call=True).exists()

    def test_places_fit_the_organisation(self, seeded):
        for posting in Posting.objects.select_related("organisation", "location"):
            organisation = posting.organisation
            if posting.place_scope == "municipality":
                assert posting.location.prefecture_id == posting.prefecture_id
                assert posting.location.level != LocalGovernment.Level.PREFECTURE
            elif posting.place_scope == "prefecture":
                assert posting.prefecture_id
                assert posting.location_id is None
            else:
                assert posting.prefecture_id is None
                assert posting.location_id is None
            if posting.place_scope == "online":
                assert posting.online_ok
            if organisation.kind == "municipality":
                # A municipality posts about its own place.
                if organisation.location_id:
                    assert posting.location_id == organisation.location_id
                else:
                    assert posting.place_scope == "prefecture"
                    assert posting.prefecture_id == organisation.prefecture_id
        company_strengths = Posting.objects.filter(
            organisation__kind="company", direction="strength"
        )
        reaching_far = company_strengths.filter(
            Q(place_scope__in=["nationwide", "online"]) | Q(online_ok=True)
        )
        assert reaching_far.count() >= 10

    def test_school_postings_fit_the_school_and_the_school_year(self, seeded):
        terms_of_kind = {
            "elementary": {"1学期", "2学期", "3学期"},
            "junior_high": {"1学期", "2学期", "3学期"},
            "high": {"1学期", "2学期", "3学期"},
            "technical_college": {"前期", "後期"},
            "university": {"前期", "後期"},
        }
        schools = Posting.objects.filter(organisation__kind="school").select_related("organisation")
        for posting in schools:
            school = posting.organisation
            if posting.grade_from is not None:
                assert school.grade_from <= posting.grade_from <= posting.grade_to
                assert posting.grade_to <= school.grade_to
            assert set(posting.terms) <= terms_of_kind[school.school_kind], posting.title
            if posting.school_year:
                assert posting.school_year in (2026, 2027)
                assert date(posting.school_year, 4, 1) <= posting.starts_on
                assert posting.starts_on <= posting.ends_on
                assert posting.ends_on <= date(posting.school_year + 1, 3, 31)
            if posting.terms:
                assert posting.school_year
        by_year = Counter(schools.values_list("school_year", flat=True))
        assert by_year[2027] > by_year[2026] > 0
        assert schools.exclude(grade_from=None).exclude(student_count=None).count() >= 30
        assert schools.filter(direction="issue").exclude(class_hours=None).count() >= 15
        others = Posting.objects.exclude(organisation__kind="school")
        assert not others.filter(
            Q(school_year__isnull=False) | Q(grade_from__isnull=False) | ~Q(terms=[])
        ).exists()

    def test_budgets_and_funding_routes_fit_who_posts(self, seeded):
        assert not (
            Posting.objects.exclude(organisation__kind="municipality")
            .exclude(budget_status="")
            .exists()
        )
        municipal_issues = Posting.objects.filter(
            organisation__kind="municipality", direction="issue"
        )
        assert not municipal_issues.filter(budget_status="").exists()
        assert set(municipal_issues.values_list("budget_status", flat=True)) == {
            "this_year",
            "next_year",
            "none",
        }
        for low, high in Posting.objects.exclude(budget_min=None).values_list(
            "budget_min", "budget_max"
        ):
            assert low <= high
        furusato = Posting.objects.filter(funding_route="corporate_furusato").select_related(
            "organisation"
        )
        assert {posting.organisation.kind for posting in furusato} == {"company", "municipality"}
        for posting in furusato:
            if posting.organisation.kind == "company":
                # Offered to municipalities elsewhere: never the head office's own.
                assert posting.direction == "strength"
                assert posting.prefecture_id != posting.organisation.prefecture_id
                assert "対象外" in posting.conditions
        routes = set(Posting.objects.values_list("funding_route", flat=True))
        assert {"commission", "sponsorship", "in_kind", "volunteer", "undecided"} <= routes

    def test_a_few_open_calls_from_companies_and_municipalities_with_future_deadlines(self, seeded):
        calls = Posting.objects.filter(is_open_call=True).select_related("organisation")
        assert 5 <= calls.count() <= 8
        assert {call.organisation.kind for call in calls} == {"company", "municipality"}
        for call in calls:
            assert call.direction == "issue"
            assert call.status == "open"
            assert call.call_budget
            assert call.selection_criteria
            assert call.call_deadline > timezone.localdate()
            assert call.call_deadline > call.published_at.date()

    def test_states_cover_the_whole_life_cycle(self, seeded, settings):
        statuses = Counter(Posting.objects.values_list("status", flat=True))
        assert set(statuses) == {"open", "draft", "in_review", "closed", "expired"}
        assert statuses["open"] >= 0.6 * sum(statuses.values())
        today = timezone.localdate()
        open_postings = Posting.objects.filter(status="open")
        due = open_postings.filter(
            expires_on__lte=today + timedelta(days=settings.POSTING_REMIND_DAYS)
        )
        assert 5 <= due.count() <= open_postings.count() // 4
        assert not open_postings.filter(expires_on__lt=today).exists()
        for posting in Posting.objects.filter(status="expired"):
            assert posting.expires_on < today
        for posting in Posting.objects.filter(status="closed"):
            assert posting.published_at < posting.closed_at <= timezone.now()
        unpublished = Posting.objects.filter(status__in=["draft", "in_review"])
        assert not unpublished.exclude(published_at=None).exists()
        # Freshness varies: some published this week, some two months ago.
        published = sorted(open_postings.values_list("published_at", flat=True))
        assert timezone.now() - published[-1] < timedelta(days=7)
        assert timezone.now() - published[0] > timedelta(days=60)
        for created, published_at in Posting.objects.exclude(published_at=None).values_list(
            "created_at", "published_at"
        ):
            assert created < published_at

    def test_unverified_organisations_postings_wait_for_a_coordinator(self, seeded):
        pending = Posting.objects.filter(organisation__verification_status="pending")
        assert pending.filter(status="in_review").count() >= 5
        assert set(pending.values_list("status", flat=True)) == {"draft", "in_review"}
        asked = Posting.objects.filter(
            status="in_review", wants_review=True, organisation__verification_status="verified"
        )
        assert asked.exists()

    def test_a_few_postings_are_for_members_or_coordinators_only(self, seeded):
        visibility = Counter(Posting.objects.values_list("visibility", flat=True))
        assert visibility["members"] >= 3
        assert visibility["coordinators"] >= 2
        assert visibility["public"] >= 0.85 * sum(visibility.values())

    def test_postings_are_written_by_members_of_their_organisation(self, seeded):
        members = set(Membership.objects.values_list("user", "organisation"))
        authors = set(Posting.objects.values_list("contact", "organisation"))
        assert authors <= members
        assert Posting.objects.filter(
            contact__memberships__role="member",
            contact__memberships__organisation=F("organisation"),
        ).exists()


def test_same_seed_gives_the_same_names_and_posting_dates(reference_data):
    """Names and publication dates follow the seed; which postings exist never does."""
    now = timezone.now()

    def seed(value: int) -> tuple[list[str], dict[str, object]]:
        DemoSeeder(seed=value, now=now).run()
        names = list(User.objects.order_by("email").values_list("display_name", flat=True))
        dates = dict(Posting.objects.values_list("title", "published_at"))
        Organisation.objects.all().delete()
        User.objects.all().delete()
        return names, dates

    first_names, first_dates = seed(7)
    assert seed(7) == (first_names, first_dates)
    other_names, other_dates = seed(8)
    assert other_names != first_names
    assert other_dates.keys() == first_dates.keys()
    assert other_dates != first_dates


def test_composed_postings_are_plain_deterministic_data():
    postings = demo_postings.all_postings()
    assert postings == demo_postings.all_postings()
    assert len(demo_postings.composed_postings()) >= 50
    for posting in postings:
        assert posting.org in demo_postings.ORGANISATION_ADMINS
        assert posting.state in demo_postings.STATES
        assert "{" not in "".join(
            str(value) for value in vars(posting).values() if isinstance(value, str)
        )


def test_loads_reference_data_when_missing(db):
    assert not Prefecture.objects.exists()
    run_seed()
    assert Prefecture.objects.count() == 47
    assert Organisation.objects.count() == len(demo_data.ORGANISATIONS)


def test_verification_emails_are_discarded_and_settings_restored(
    reference_data, django_capture_on_commit_callbacks
):
    backend = settings.EMAIL_BACKEND
    eager = celery_app.conf.task_always_eager
    # The test transaction never commits, so run the on-commit work (the verification
    # emails) explicitly, still inside the silencer as the command's own commit would be.
    with notifications_silenced(), django_capture_on_commit_callbacks(execute=True) as hooks:
        run_seed()
    assert hooks
    assert mail.outbox == []
    assert backend == settings.EMAIL_BACKEND
    assert celery_app.conf.task_always_eager == eager
