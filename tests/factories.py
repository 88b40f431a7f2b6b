"""factory_boy factories. Identity numbers are generated valid (check digits computed)."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from stdnum.jp import cn as corporate_number

from partners.models import (
    Coordinator,
    LocalGovernment,
    Membership,
    Organisation,
    Prefecture,
    VerificationStatus,
)
from sankangaku.accounts.adapters import MFAAdapter
from sankangaku.accounts.models import User

PASSWORD = "Sankangaku-test-2026"


def valid_corporate_number(n: int) -> str:
    base = f"{n:012d}"
    return corporate_number.calc_check_digit(base) + base


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"利用者 {n}")
    preferred_language = "ja"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = "company"
    name = factory.Sequence(lambda n: f"組織{n}")
    prefecture = factory.LazyFunction(lambda: Prefecture.objects.get(code=13))
    location = factory.LazyFunction(lambda: LocalGovernment.objects.get(code="131016"))
    verification_status = VerificationStatus.VERIFIED


class CompanyFactory(OrganisationFactory):
    kind = "company"
    corporate_number = factory.Sequence(lambda n: valid_corporate_number(100_000 + n))
    legal_form = "kk"
    industry = "it"
    company_size = "medium"
    website = factory.Sequence(lambda n: f"https://company{n}.example.co.jp")


class MunicipalityFactory(OrganisationFactory):
    kind = "municipality"
    name = "長野県松本市"
    prefecture = factory.LazyFunction(lambda: Prefecture.objects.get(code=20))
    local_government = factory.LazyFunction(lambda: LocalGovernment.objects.get(code="202029"))
    location = factory.SelfAttribute("local_government")


class SchoolFactory(OrganisationFactory):
    kind = "school"
    school_kind = "junior_high"
    grade_from = 1
    grade_to = 3
    student_count = 420
    prefecture = factory.LazyFunction(lambda: Prefecture.objects.get(code=20))
    location = factory.LazyFunction(lambda: LocalGovernment.objects.get(code="202029"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(CompanyFactory)
    role = "member"


def give_totp(user: User) -> Authenticator:
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.TOTP,
        data={"secret": MFAAdapter().encrypt("JBSWY3DPEHPK3PXP")},
    )


class CoordinatorFactory(factory.django.DjangoModelFactory):
    """A nationwide coordinator with TOTP already set up (pass mfa=False to skip it)."""

    class Meta:
        model = Coordinator
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, display_name="コーディネーター")

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if create and extracted is not False:
            give_totp(self.user)

    @factory.post_generation
    def prefectures(self, create, extracted, **kwargs):
        if create and extracted:
            self.prefectures.set(extracted)


def make_posting(
    organisation: Organisation,
    *,
    title: str = "地域の課題を一緒に考えるパートナー募集",
    body: str = "地域の高齢者の見守りと買い物支援について、一緒に取り組む企業を探しています。",
    direction: str = "issue",
    publish: bool = True,
    actor: User | None = None,
    themes: list | None = None,
    **data,
):
    """A posting written and (by default) published through the real services."""
    from partners import services

    if actor is None:
        membership = organisation.memberships.select_related("user").first()
        actor = membership.user if membership else UserFactory()
    fields = {
        "direction": direction,
        "title": title,
        "body": body,
        "place_scope": "prefecture",
        "prefecture": organisation.prefecture,
        **data,
    }
    posting = services.posting_create(
        organisation=organisation, actor=actor, data=fields, themes=themes or []
    )
    if publish:
        services.posting_publish(posting=posting, actor=actor)
    return posting
