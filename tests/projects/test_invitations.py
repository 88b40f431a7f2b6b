"""More organisations join a project by invitation; the invited administrators answer."""

import pytest
from django.urls import reverse

from partners.services import ServiceError
from projects import services
from projects.models import ProjectInvitation
from sankangaku.notifications.models import Notification
from tests import factories
from tests.projects.test_projects import _accepted_triad

pytestmark = pytest.mark.django_db


def _newcomer():
    organisation = factories.CompanyFactory(name="新しい株式会社")
    admin = factories.UserFactory(display_name="新 管理者")
    factories.MembershipFactory(user=admin, organisation=organisation, role="admin")
    member = factories.UserFactory()
    factories.MembershipFactory(user=member, organisation=organisation, role="member")
    return organisation, admin, member


def test_invite_accept_makes_a_party_who_must_sign(personas):
    project = _accepted_triad(personas)
    organisation, admin, _member = _newcomer()
    invitation = services.project_invite(
        project=project, actor=personas.company_admin, organisation=organisation, message="ぜひ"
    )
    told = Notification.objects.get(kind="project_invitation", recipient=admin)
    assert told.url == reverse("projects:invitation", args=[invitation.pk])
    with pytest.raises(ServiceError):
        services.project_invite(
            project=project, actor=personas.company_admin, organisation=organisation
        )
    with pytest.raises(ServiceError):
        services.project_invite(
            project=project, actor=personas.company_admin, organisation=personas.school
        )
    assert services.project_invitation_answer(invitation=invitation, actor=admin, accept=True)
    assert not services.project_invitation_answer(invitation=invitation, actor=admin, accept=False)
    party = project.parties.get(organisation=organisation)
    assert party.contact == admin and party.role == "company"
    assert party in services.readiness(project)["unsigned"]


def test_invitation_pages_and_permissions(client, personas):
    project = _accepted_triad(personas)
    organisation, admin, member = _newcomer()
    invite = reverse("projects:invite", args=[project.pk])
    client.force_login(personas.company_member)  # a member, not an administrator
    assert client.post(invite, {"organisation": organisation.pk}).status_code == 403
    client.force_login(personas.outsider)
    assert client.post(invite, {"organisation": organisation.pk}).status_code == 404
    client.force_login(personas.company_admin)
    bad = client.post(invite, {"organisation": "999999"})
    assert bad.status_code == 422
    assert not ProjectInvitation.objects.exists()
    assert client.post(invite, {"organisation": organisation.pk}).status_code == 302
    invitation = ProjectInvitation.objects.get()

    page = reverse("projects:invitation", args=[invitation.pk])
    for user in (member, personas.outsider, personas.company_admin):
        client.force_login(user)
        assert client.get(page).status_code == 404
    client.force_login(admin)
    assert project.title in client.get(page).content.decode()
    # The invitee cannot read the project itself before joining.
    assert client.get(project.get_absolute_url()).status_code == 404
    assert client.post(page, {"answer": "maybe"}).status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert client.post(page, {"answer": "accept"}).status_code == 302
    assert client.get(project.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "typed",
    [
        "https://sankangaku.example/organisations/{pk}/",
        "/en/organisations/{pk}/edit/",
        "{pk}",
        "{full_width_pk}",
        " {corporate} ",
    ],
)
def test_the_invited_organisation_is_named_by_its_address_or_numbers(client, personas, typed):
    project = _accepted_triad(personas)
    organisation, _admin, _member = _newcomer()
    type(organisation).objects.filter(pk=organisation.pk).update(corporate_number="7010001088960")
    full_width_pk = str(organisation.pk).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    client.force_login(personas.company_admin)
    response = client.post(
        reverse("projects:invite", args=[project.pk]),
        {
            "organisation": typed.format(
                pk=organisation.pk, full_width_pk=full_width_pk, corporate="7010001088960"
            )
        },
    )
    assert response.status_code == 302
    assert ProjectInvitation.objects.get().organisation == organisation


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("株式会社テスト", "組織のプロフィールページのアドレスを貼り付けるか"),
        (
            "https://sankangaku.example/postings/3/",
            "組織のプロフィールページのアドレスを貼り付けるか",
        ),
        ("999999", "このアドレスまたは番号の組織はありません。"),
        ("9999999999999", "このアドレスまたは番号の組織はありません。"),
    ],
)
def test_an_unknown_organisation_is_explained_and_nothing_is_sent(client, personas, typed, message):
    project = _accepted_triad(personas)
    client.force_login(personas.company_admin)
    response = client.post(
        reverse("projects:invite", args=[project.pk]),
        {"organisation": typed},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ProjectInvitation.objects.exists()
