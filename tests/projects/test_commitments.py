"""Each party's own commitments (issue 5's typed roles): written by that party's members while
the project is forming or running, read by every party and covering coordinator on the
project page, recorded in the history, frozen once the project has ended.

Who may open and post the form, against every role, is in tests/security/policy.py (the
matrix), with id tampering and extra fields in tests/security/test_tampering.py.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from partners.models import AuditEvent
from partners.services import ServiceError
from projects import services
from projects.selectors import history_for
from tests.projects.test_projects import _accepted_triad

pytestmark = pytest.mark.django_db

TEXT = "職員2名と会議室を提供します。\n交通費は当社負担。"


def _party(project, organisation):
    return project.parties.get(organisation=organisation)


def test_a_member_writes_what_the_party_commits_to_and_every_party_reads_it(client, personas):
    project = _accepted_triad(personas)
    party = _party(project, personas.company)
    url = reverse("projects:commitments", args=[project.pk, party.pk])
    client.force_login(personas.company_member)  # a plain member may write it
    form = client.get(url)
    assert form.status_code == 200
    assert "テスト株式会社" in form.content.decode()
    response = client.post(url, {"commitments": f"  {TEXT}  "})
    assert response.status_code == 302
    assert response["Location"].endswith(f"{project.get_absolute_url()}#commitments")
    party.refresh_from_db()
    assert party.commitments == TEXT  # trimmed
    event = AuditEvent.objects.get(action="project.commitments_changed")
    assert (event.actor, event.data["party"]) == (personas.company_member, personas.company.pk)
    with translation.override("ja"):
        assert history_for(project=project)[0].label == "役割・提供内容を変更"

    detail = reverse("projects:detail", args=[project.pk])
    for reader in (personas.teacher, personas.municipal_officer, personas.coordinator):
        client.force_login(reader)
        page = client.get(detail).content.decode()
        assert "職員2名と会議室を提供します。<br>交通費は当社負担。" in page
        # Only the company's own people are offered the link to change it.
        assert url not in page
    client.force_login(personas.company_admin)
    assert url in client.get(detail).content.decode()


def test_saving_the_same_text_records_nothing(personas):
    project = _accepted_triad(personas)
    party = _party(project, personas.school)
    assert services.party_commitments_update(party=party, actor=personas.teacher, text=TEXT)
    assert not services.party_commitments_update(
        party=party, actor=personas.teacher, text=f"{TEXT}\n"
    )
    assert AuditEvent.objects.filter(action="project.commitments_changed").count() == 1


def test_too_long_text_gets_a_message_in_japanese_and_changes_nothing(client, personas):
    project = _accepted_triad(personas)
    party = _party(project, personas.school)
    client.force_login(personas.teacher)
    url = reverse("projects:commitments", args=[project.pk, party.pk])
    response = client.post(url, {"commitments": "あ" * 2001}, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert "2000 文字以下" in response.content.decode()
    party.refresh_from_db()
    assert party.commitments == ""
    assert not AuditEvent.objects.filter(action="project.commitments_changed").exists()


def test_an_ended_project_keeps_its_commitments_as_they_were(client, personas):
    project = _accepted_triad(personas)
    party = _party(project, personas.company)
    services.party_commitments_update(party=party, actor=personas.company_admin, text=TEXT)
    services.project_cancel(project=project, actor=personas.company_admin, reason="予算")
    with pytest.raises(ServiceError):
        services.party_commitments_update(party=party, actor=personas.company_admin, text="x")
    client.force_login(personas.company_admin)
    url = reverse("projects:commitments", args=[project.pk, party.pk])
    assert client.post(url, {"commitments": "変更"}).status_code == 302
    party.refresh_from_db()
    assert party.commitments == TEXT
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "職員2名と会議室を提供します。" in page
    assert url not in page  # no link to a form that would refuse


def test_another_partys_commitments_are_not_a_members_to_write(client, personas):
    project = _accepted_triad(personas)
    school = _party(project, personas.school)
    url = reverse("projects:commitments", args=[project.pk, school.pk])
    client.force_login(personas.company_admin)  # a party of the project, not of the school
    assert client.post(url, {"commitments": "代わりに書く"}).status_code == 403
    client.force_login(personas.outsider)
    assert client.post(url, {"commitments": "代わりに書く"}).status_code == 404
    school.refresh_from_db()
    assert school.commitments == ""


def test_an_ended_project_with_nothing_written_shows_no_empty_section(client, personas):
    project = _accepted_triad(personas)
    detail = reverse("projects:detail", args=[project.pk])
    client.force_login(personas.teacher)
    assert 'id="commitments"' in client.get(detail).content.decode()  # invites writing
    services.project_cancel(project=project, actor=personas.teacher, reason="日程が合わない")
    assert 'id="commitments"' not in client.get(detail).content.decode()
