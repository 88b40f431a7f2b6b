"""The project thread: who reads and posts, mentions and notices, private attachments."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import Prefecture
from projects import notices, services
from projects.models import ProjectMessage
from sankangaku.accounts.models import User
from sankangaku.notifications.models import Notification
from tests import factories
from tests.projects.helpers import PDF_BYTES, active_triad, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    User.objects.update(preferred_language="en")  # assert on the English messages
    return active_triad(personas)


def _url(project):
    return reverse("projects:messages", args=[project.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("company_admin", 200),
        ("company_member", 200),
        ("municipal_officer", 200),
        ("teacher", 200),
        ("coordinator", 200),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_reading_the_thread_per_persona(client, personas, project, persona, status, htmx):
    user = personas.user(persona)
    if user:
        client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(_url(project), **headers)
    assert response.status_code == status
    if status == 200:
        assert ("<html" in response.content.decode()) is not htmx


def test_a_coordinator_of_another_region_gets_404(client, project):
    far = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=47)]).user
    client.force_login(far)
    assert client.get(_url(project)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("company_member", 302), ("coordinator", 403), ("outsider", 404), ("anonymous", 302)],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_posting_per_persona(client, personas, project, persona, status, htmx):
    user = personas.user(persona)
    if user:
        client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(_url(project), {"body": "来週の打合せは木曜です。"}, **headers)
    if persona == "company_member" and htmx:
        # htmx gets the updated thread region, with the new message and a fresh form.
        assert response.status_code == 200
        page = response.content.decode()
        assert '<section id="message-thread"' in page and "<html" not in page
        assert "来週の打合せは木曜です。" in page
    else:
        assert response.status_code == status
    assert ProjectMessage.objects.count() == (1 if persona == "company_member" else 0)
    if persona == "anonymous":
        assert "/accounts/login/" in response["Location"]


def test_mentions_and_other_parties_are_notified_once(
    personas, project, django_capture_on_commit_callbacks
):
    school = project.parties.get(organisation=personas.school)
    company = project.parties.get(organisation=personas.company)
    message = services.message_post(
        project=project,
        author=personas.company_member,
        party=company,
        body="見学の日程について相談させてください。",
        mentions=[personas.company_admin, personas.teacher],
    )
    rows = Notification.objects.filter(kind="message")
    mentioned = {n.recipient for n in rows.filter(payload__mention=True)}
    assert mentioned == {personas.company_admin, personas.teacher}
    others = {n.recipient for n in rows.filter(payload__mention=False)}
    # The municipality's contact; the school's is already told by name; never the author.
    assert personas.municipal_officer in others
    assert personas.teacher not in others
    assert personas.company_member not in mentioned | others
    assert school.pk != message.party_id
    before = rows.count()
    notices.message_posted(message, mentioned=[personas.company_admin, personas.teacher])
    assert rows.count() == before  # idempotent by key


def test_mentions_are_limited_to_the_projects_people(client, personas, project):
    client.force_login(personas.company_member)
    response = client.post(
        _url(project), {"body": "部外者に通知", "mentions": [personas.outsider.pk]}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not ProjectMessage.objects.exists()


def test_an_empty_or_too_long_message_is_refused(client, personas, project):
    client.force_login(personas.teacher)
    for body in ["", "あ" * 4001]:
        response = client.post(_url(project), {"body": body}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    assert not ProjectMessage.objects.exists()


def test_a_pdf_is_stored_privately_and_downloaded_only_by_insiders(
    client, personas, project, settings
):
    client.force_login(personas.teacher)
    upload = SimpleUploadedFile("../../計画書.pdf", PDF_BYTES, content_type="text/html")
    response = client.post(_url(project), {"body": "計画書です。", "attachment": upload})
    assert response.status_code == 302
    message = ProjectMessage.objects.get()
    assert message.attachment_type == "application/pdf"
    assert message.attachment_name == "計画書.pdf"
    stored = Path(message.attachment.path)
    assert stored.read_bytes() == PDF_BYTES
    assert Path(settings.MEDIA_ROOT) not in stored.parents  # not under the public /media/
    with pytest.raises(ValueError):
        message.attachment.url  # noqa: B018 - private files have no URL
    url = reverse("projects:message_attachment", args=[project.pk, message.pk])
    for user, status in [
        (personas.company_member, 200),
        (personas.coordinator, 200),
        (personas.outsider, 404),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content) == PDF_BYTES
    client.logout()
    assert client.get(url).status_code == 302
    # Another project's id with this message: 404.
    other = factories.CompanyFactory()
    client.force_login(personas.company_admin)
    wrong = reverse("projects:message_attachment", args=[project.pk + 999, message.pk])
    assert client.get(wrong).status_code == 404
    assert other.pk


def test_an_image_is_re_encoded(client, personas, project):
    client.force_login(personas.teacher)
    upload = SimpleUploadedFile("photo.exe", png_bytes(), content_type="application/pdf")
    assert client.post(_url(project), {"body": "写真", "attachment": upload}).status_code == 302
    message = ProjectMessage.objects.get()
    assert message.attachment_type == "image/png"
    assert message.attachment_name == "photo.png"
    assert message.attachment.name.endswith(".png") and "photo" not in message.attachment.name


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<html><script>alert(1)</script></html>", "Only PDF files and JPEG, PNG or WebP"),
        (b"GIF89a" + b"\0" * 40, "GIF images are not accepted"),
        (b"", "The submitted file is empty"),
    ],
)
def test_forged_or_unsupported_attachments_are_refused(
    client, personas, project, content, expected
):
    client.force_login(personas.teacher)
    upload = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")
    response = client.post(
        _url(project), {"body": "資料", "attachment": upload}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not ProjectMessage.objects.exists()


def test_an_oversized_attachment_is_refused_before_saving(client, personas, project, settings):
    settings.PROJECT_ATTACHMENT_MAX_BYTES = 1024
    client.force_login(personas.teacher)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 4096, content_type="application/pdf")
    response = client.post(_url(project), {"body": "大きい資料", "attachment": big})
    assert response.status_code == 200
    assert "The file is too large" in response.content.decode()
    assert not ProjectMessage.objects.exists()
    # A body far beyond the limit is refused from its Content-Length, before it is read.
    huge = SimpleUploadedFile("huge.pdf", PDF_BYTES + b"0" * 200_000)
    response = client.post(_url(project), {"body": "x", "attachment": huge})
    assert response.status_code == 200
    assert "The file is too large" in response.content.decode()
    assert not ProjectMessage.objects.exists()


def test_progress_filter_shows_progress_notes_only(client, personas, project):
    company = project.parties.get(organisation=personas.company)
    for body, progress in [("雑談", False), ("第1回授業を実施", True)]:
        services.message_post(
            project=project,
            author=personas.company_admin,
            party=company,
            body=body,
            is_progress_note=progress,
        )
    client.force_login(personas.teacher)
    page = client.get(_url(project) + "?filter=progress").content.decode()
    assert "第1回授業を実施" in page and "雑談" not in page


def test_the_thread_region_has_a_fixed_query_count(
    client, personas, project, django_assert_num_queries
):
    company = project.parties.get(organisation=personas.company)
    client.force_login(personas.teacher)

    def post(count):
        for i in range(count):
            services.message_post(
                project=project,
                author=personas.company_admin,
                party=company,
                body=f"連絡 {i}",
                mentions=[personas.teacher],
            )

    post(2)
    client.get(_url(project), HTTP_HX_REQUEST="true")  # warm the session and the user
    # The project, its parties with their organisations and contacts, the message count, the
    # page of messages as rows (author's and organisation's names joined), their mentions'
    # names, the people for the mention field (a plain query: no server-side cursor). The
    # session, the user and their memberships come from the cache once warm.
    with django_assert_num_queries(6) as first:
        client.get(_url(project), HTTP_HX_REQUEST="true")
    post(5)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(_url(project), HTTP_HX_REQUEST="true")
