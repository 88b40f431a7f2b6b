"""Completion reports per party, and the public case study once everyone consents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import AuditEvent, Theme
from partners.services import ServiceError
from projects import services
from projects.models import CaseStudy, CompletionReport, ReportPhoto
from sankangaku.accounts.models import User
from sankangaku.notifications.models import Notification
from tests.projects.helpers import active_triad, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    User.objects.update(preferred_language="en")  # assert on the English messages
    return active_triad(personas)


def _party(project, organisation):
    return project.parties.get(organisation=organisation)


def _form(**extra):
    data = {
        "done": "中学2年生と地域の観光マップを作成しました。",
        "students_involved": "32",
        "events_held": "3",
        "funds_used": "市の事業費 20万円",
        "next_steps": "来年度も継続します。",
    }
    return data | extra


def _report(project, party, actor, *, consent=True):
    return services.report_save(
        project=project,
        party=party,
        actor=actor,
        data={
            "done": f"{party.organisation.name}の取り組み",
            "students_involved": 10,
            "events_held": 2,
            "funds_used": "",
            "next_steps": "",
        },
        sdgs=list(Theme.objects.filter(kind="sdg", number__in=[4, 11])),
        consent_public=consent,
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),  # administrator of the school
        ("company_admin", 403),  # a party, but not the school
        ("coordinator", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_report_page_per_persona(client, personas, project, persona, status):
    user = personas.user(persona)
    if user:
        client.force_login(user)
    url = reverse("projects:report", args=[project.pk, _party(project, personas.school).pk])
    assert client.get(url).status_code == status
    assert client.post(url, _form()).status_code == (302 if status == 200 else status)
    assert CompletionReport.objects.count() == (1 if status == 200 else 0)


def test_a_party_not_in_the_project_is_404(client, personas, project):
    client.force_login(personas.teacher)
    url = reverse("projects:report", args=[project.pk, 999_999])
    assert client.get(url).status_code == 404


def test_a_teacher_fills_the_report_on_one_page_with_photos(client, personas, project):
    client.force_login(personas.teacher)
    party = _party(project, personas.school)
    url = reverse("projects:report", args=[project.pk, party.pk])
    sdg4 = Theme.objects.get(kind="sdg", number=4)
    photo = SimpleUploadedFile("IMG_0001.jpg", png_bytes(), content_type="image/jpeg")
    response = client.post(url, _form(sdgs=[sdg4.pk], consent_public="on", photo_1=photo))
    assert response.status_code == 302
    report = CompletionReport.objects.get(party=party)
    assert (report.students_involved, report.events_held, report.consent_public) == (32, 3, True)
    assert list(report.sdgs.all()) == [sdg4]
    stored = report.photos.get()
    assert stored.image.name.startswith("reports/") and "IMG_0001" not in stored.image.name
    assert stored.image.url.startswith("/media/")
    # Shown to insiders on the project page; no case study yet (not completed).
    page = client.get(project.get_absolute_url()).content.decode()
    assert stored.thumbnail.url in page
    assert not CaseStudy.objects.exists()
    # Removing the photo.
    client.post(url, _form(consent_public="on", remove_photo=[stored.pk]))
    assert not ReportPhoto.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"students_involved": "-1"}, "greater than or equal to 0"),
        ({"events_held": "-5"}, "greater than or equal to 0"),
        ({"done": ""}, "This field is required"),
        ({"students_involved": ""}, "This field is required"),
        ({"students_involved": "many"}, "Enter a whole number"),
    ],
)
def test_bad_report_input_gets_a_message_and_saves_nothing(
    client, personas, project, data, expected
):
    client.force_login(personas.teacher)
    url = reverse("projects:report", args=[project.pk, _party(project, personas.school).pk])
    response = client.post(url, _form(**data))
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not CompletionReport.objects.exists()


def test_a_non_image_photo_is_refused_and_nothing_is_saved(client, personas, project):
    client.force_login(personas.teacher)
    url = reverse("projects:report", args=[project.pk, _party(project, personas.school).pk])
    fake = SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    response = client.post(url, _form(photo_1=fake))
    assert response.status_code == 200
    assert "The file is not an image" in response.content.decode()
    assert not CompletionReport.objects.exists()
    assert not ReportPhoto.objects.exists()


def test_an_oversized_photo_is_refused(client, personas, project, settings):
    settings.LOGO_MAX_BYTES = 2048
    client.force_login(personas.teacher)
    url = reverse("projects:report", args=[project.pk, _party(project, personas.school).pk])
    big = SimpleUploadedFile("big.png", png_bytes((800, 800), "red") + b"\0" * 4096)
    response = client.post(url, _form(photo_1=big))
    assert response.status_code == 200
    assert "The file is too large" in response.content.decode()
    assert not CompletionReport.objects.exists()


def test_a_member_who_is_not_admin_cannot_change_the_consent(client, personas, project):
    client.force_login(personas.company_member)
    url = reverse("projects:report", args=[project.pk, _party(project, personas.company).pk])
    assert client.post(url, _form(consent_public="on")).status_code == 302
    report = CompletionReport.objects.get()
    assert report.consent_public is False  # the extra field is ignored


def test_no_report_before_the_project_is_active(client, personas):
    from tests.projects.test_projects import _accepted_triad

    User.objects.update(preferred_language="en")
    forming = _accepted_triad(personas)
    client.force_login(personas.teacher)
    url = reverse("projects:report", args=[forming.pk, _party(forming, personas.school).pk])
    assert client.post(url, _form()).status_code == 302
    assert not CompletionReport.objects.exists()
    with pytest.raises(ServiceError):
        _report(forming, _party(forming, personas.school), personas.teacher)


def test_completion_asks_every_party_for_its_report(personas, project):
    services.project_complete(project=project, actor=personas.coordinator)
    asked = Notification.objects.filter(kind="report_requested")
    assert {n.recipient for n in asked} >= {
        personas.municipal_officer,
        personas.teacher,
    }
    assert asked.count() == project.parties.count()
    assert all("/reports/" in n.url for n in asked)


def test_case_study_appears_only_after_completion_and_every_consent(client, personas, project):
    admins = {
        personas.company.pk: personas.company_admin,
        personas.municipality.pk: personas.municipal_officer,
        personas.school.pk: personas.teacher,
    }
    parties = list(project.parties.all())
    for party in parties:
        _report(project, party, admins[party.organisation_id])
    assert not CaseStudy.objects.exists()  # still active
    # One party withdraws before completion: completing publishes nothing.
    _report(project, parties[0], admins[parties[0].organisation_id], consent=False)
    services.project_complete(project=project, actor=personas.coordinator)
    assert not CaseStudy.objects.filter(is_published=True).exists()
    client.logout()
    assert "観光" not in client.get(reverse("cases:list")).content.decode()
    # The last consent publishes it in the same transaction.
    _report(project, parties[0], admins[parties[0].organisation_id], consent=True)
    case = CaseStudy.objects.get(is_published=True)
    assert set(case.organisations.all()) == {p.organisation for p in parties}
    assert case.prefecture_id == project.posting.organisation.prefecture_id
    assert case.students_involved == 30
    assert {t.number for t in case.sdgs.all()} == {4, 11}
    assert "テスト株式会社の取り組み" in case.summary
    assert AuditEvent.objects.filter(action="project.case_study_published").count() == 1
    told = Notification.objects.filter(kind="case_study_published")
    assert {n.recipient for n in told} >= {personas.teacher, personas.municipal_officer}
    listing = client.get(reverse("cases:list")).content.decode()
    assert case.get_absolute_url() in listing
    detail = client.get(case.get_absolute_url()).content.decode()
    for party in parties:
        assert party.organisation.get_absolute_url() in detail
    # Withdrawing afterwards unpublishes it.
    _report(project, parties[1], admins[parties[1].organisation_id], consent=False)
    case.refresh_from_db()
    assert not case.is_published
    assert client.get(case.get_absolute_url()).status_code == 404
    assert case.get_absolute_url() not in client.get(reverse("cases:list")).content.decode()


def test_a_cancelled_project_never_gets_a_case_study(personas, project):
    parties = list(project.parties.all())
    services.project_cancel(project=project, actor=personas.coordinator, reason="予算")
    with pytest.raises(ServiceError):
        _report(project, parties[0], personas.company_admin)
    assert not CaseStudy.objects.exists()
