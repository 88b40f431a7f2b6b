"""`manage.py seed_demo`: fictional demo organisations, their people and the printed logins."""

import io
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from partners import demo_data
from partners.identifiers import (
    school_code_parts,
    validate_corporate_number,
    validate_local_government_code,
)
from partners.management.commands.seed_demo import notifications_silenced
from partners.models import (
    AuditEvent,
    Coordinator,
    LocalGovernment,
    Membership,
    Organisation,
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
    the next. Seeding per test would cost ~1.5 s each on PostgreSQL.
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
        for model in (Organisation, User, Membership, EmailAddress, Coordinator, AuditEvent)
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


def test_same_seed_gives_the_same_names(reference_data):
    def names() -> list[str]:
        return list(User.objects.order_by("email").values_list("display_name", flat=True))

    run_seed("--seed", "7")
    first = names()
    Organisation.objects.all().delete()
    User.objects.all().delete()
    run_seed("--seed", "7")
    assert names() == first
    Organisation.objects.all().delete()
    User.objects.all().delete()
    run_seed("--seed", "8")
    assert names() != first


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
