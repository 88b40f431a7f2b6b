"""Test-wide set-up: fast hashing, eager Celery, reference data once, and the personas of
STYLE.md rule 19."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.management import call_command

from sankangaku.celery import app as celery_app
from tests import factories


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Matching runs on change only in the tests about it (tests/matching enable it), and
    # never reuses an index built from another test's data.
    settings.MATCHING_COMPUTE_ON_CHANGE = False
    settings.MATCHING_INDEX_MAX_AGE = 0
    from matching.services import index_forget
    from sankangaku.forms import reference_forget

    index_forget()
    # Choice fields' per-process copies of reference data (sankangaku.forms).
    reference_forget()
    # The cache is the test Redis: clear it so allauth's rate limits from one test do not
    # leak into the next.
    cache.clear()
    # Most tests run tasks in-process; delivery tests start a real worker themselves.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


def pytest_collection_modifyitems(config, items):
    # Browser journeys flush the database (live server); run them last.
    items.sort(key=lambda item: "e2e" in item.keywords)


@pytest.fixture
def reference_data(db):
    """Prefectures, local governments and themes (loaded once per database, reloaded after
    a flushing test)."""
    from partners.models import Prefecture

    if not Prefecture.objects.exists():
        call_command("load_reference_data", verbosity=0)


@dataclass
class Personas:
    company_admin: object
    company_member: object
    municipal_officer: object
    teacher: object
    coordinator: object
    outsider: object
    company: object
    municipality: object
    school: object
    other_company: object

    def user(self, name: str):
        return None if name == "anonymous" else getattr(self, name)


PERSONA_NAMES = [
    "company_admin",
    "company_member",
    "municipal_officer",
    "teacher",
    "coordinator",
    "outsider",
    "anonymous",
]


@pytest.fixture
def personas(reference_data) -> Personas:
    company = factories.CompanyFactory(name="テスト株式会社")
    municipality = factories.MunicipalityFactory()
    school = factories.SchoolFactory(name="テスト市立第一中学校")
    other_company = factories.CompanyFactory(name="よその株式会社")
    company_admin = factories.UserFactory(display_name="会社 管理者")
    company_member = factories.UserFactory(display_name="会社 メンバー")
    municipal_officer = factories.UserFactory(display_name="自治体 職員")
    teacher = factories.UserFactory(display_name="学校 教員")
    outsider = factories.UserFactory(display_name="部外者")
    coordinator = factories.CoordinatorFactory().user
    factories.MembershipFactory(user=company_admin, organisation=company, role="admin")
    factories.MembershipFactory(user=company_member, organisation=company, role="member")
    factories.MembershipFactory(user=municipal_officer, organisation=municipality, role="admin")
    factories.MembershipFactory(user=teacher, organisation=school, role="admin")
    factories.MembershipFactory(user=outsider, organisation=other_company, role="admin")
    return Personas(
        company_admin=company_admin,
        company_member=company_member,
        municipal_officer=municipal_officer,
        teacher=teacher,
        coordinator=coordinator,
        outsider=outsider,
        company=company,
        municipality=municipality,
        school=school,
        other_company=other_company,
    )
