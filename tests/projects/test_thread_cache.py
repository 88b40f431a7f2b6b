"""The thread's messages are cached as HTML (projects.thread): what changes shows at once,
each language has its own copy, and nothing of one viewer reaches another."""

import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import services, thread
from projects.forms import field_groups_forget
from projects.models import ProjectMessage
from sankangaku.accounts.models import User
from tests import factories
from tests.projects.helpers import active_triad

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# The form's CSRF token is masked afresh on every render.
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


@pytest.fixture
def project(personas):
    User.objects.update(preferred_language="en")
    return active_triad(personas)


def _url(project) -> str:
    return reverse("projects:messages", args=[project.pk])


def _post(project, personas, body: str, **kwargs) -> ProjectMessage:
    return services.message_post(
        project=project,
        author=personas.company_admin,
        party=project.parties.get(organisation=personas.company),
        body=body,
        **kwargs,
    )


def _read(client, project, user, **params) -> str:
    client.force_login(user)
    response = client.get(_url(project), params, **HTMX)
    assert response.status_code == 200
    return CSRF.sub(r"\1…", response.content.decode())


def test_a_second_reading_renders_no_message(client, personas, project):
    for i in range(3):
        _post(project, personas, f"連絡 {i}")
    first = _read(client, project, personas.teacher)
    with mock.patch.object(thread, "render_to_string", wraps=thread.render_to_string) as render:
        second = _read(client, project, personas.teacher)
    assert render.call_count == 0
    assert first == second


def test_cached_and_fresh_html_are_the_same(client, personas, project):
    _post(project, personas, "一行目\n<b>二行目</b> & 三", mentions=[personas.teacher])
    cached_once = _read(client, project, personas.municipal_officer)
    cached = _read(client, project, personas.municipal_officer)
    cache.clear()
    field_groups_forget()
    fresh = _read(client, project, personas.municipal_officer)
    assert cached == fresh == cached_once
    assert "一行目<br>&lt;b&gt;二行目&lt;/b&gt; &amp; 三" in fresh
    assert f"Notified: {personas.teacher.display_name}" in fresh


def test_a_new_message_shows_at_once(client, personas, project):
    _post(project, personas, "最初の連絡")
    assert "最初の連絡" in _read(client, project, personas.teacher)
    _post(project, personas, "次の連絡")
    page = _read(client, project, personas.teacher)
    assert "次の連絡" in page and "最初の連絡" in page


def test_a_posted_message_shows_in_the_returned_thread(client, personas, project):
    _post(project, personas, "最初の連絡")
    _read(client, project, personas.teacher)
    response = client.post(_url(project), {"body": "htmxで送信"}, **HTMX)
    assert response.status_code == 200
    assert "htmxで送信" in response.content.decode()


def test_an_edited_message_shows_at_once(client, personas, project):
    message = _post(project, personas, "古い本文")
    assert "古い本文" in _read(client, project, personas.teacher)
    # Staff can correct a message in the admin.
    ProjectMessage.objects.filter(pk=message.pk).update(body="新しい本文", is_progress_note=True)
    page = _read(client, project, personas.teacher)
    assert "新しい本文" in page and "古い本文" not in page
    assert "Progress note" in page


def test_renamed_people_and_organisations_show_at_once(client, personas, project):
    _post(project, personas, "よろしく", mentions=[personas.teacher])
    _read(client, project, personas.municipal_officer)
    User.objects.filter(pk=personas.company_admin.pk).update(display_name="改名した著者")
    User.objects.filter(pk=personas.teacher.pk).update(display_name="改名した先生")
    personas.company.__class__.objects.filter(pk=personas.company.pk).update(name="改名した会社")
    page = _read(client, project, personas.municipal_officer)
    assert "<strong>改名した著者</strong>" in page
    assert "· 改名した会社" in page
    assert "Notified: 改名した先生" in page


def test_a_former_member_shows_at_once(client, personas, project):
    message = _post(project, personas, "退職前の連絡")
    _read(client, project, personas.teacher)
    ProjectMessage.objects.filter(pk=message.pk).update(author=None, party=None)
    page = _read(client, project, personas.teacher)
    assert "<strong>Former member</strong>" in page
    assert personas.company.name not in page.split("退職前の連絡")[0].rsplit("<li", 1)[-1]


def test_each_language_gets_its_own_copy(client, personas, project):
    _post(project, personas, "進捗です", is_progress_note=True)
    english = _read(client, project, personas.teacher)
    officer = User.objects.get(pk=personas.municipal_officer.pk)
    officer.preferred_language = "ja"
    officer.save(update_fields=["preferred_language"])
    japanese = _read(client, project, officer)
    assert '<span class="badge">Progress note</span>' in english
    assert '<span class="badge">進捗報告</span>' in japanese
    # And the English copy is still English afterwards.
    assert english == _read(client, project, personas.teacher)


def test_viewer_specific_parts_follow_the_viewer(client, personas, project):
    _post(project, personas, "みなさんへ")
    # A party's member fills the cache; the coordinator reads the same messages, without the
    # form that only parties' members get.
    member_page = _read(client, project, personas.teacher)
    coordinator_page = _read(client, project, personas.coordinator)
    assert "みなさんへ" in member_page and "みなさんへ" in coordinator_page
    assert 'name="body"' in member_page
    assert 'name="body"' not in coordinator_page
    # The mention field lists the project's people, whoever cached the messages.
    assert f">{personas.municipal_officer.display_name}</option>" in member_page


def test_an_outsider_still_gets_404_when_the_thread_is_cached(client, personas, project):
    _post(project, personas, "内部の連絡")
    _read(client, project, personas.teacher)
    client.force_login(personas.outsider)
    response = client.get(_url(project), **HTMX)
    assert response.status_code == 404
    assert "内部の連絡" not in response.content.decode()


def test_the_mention_field_opens_no_server_side_cursor(client, personas, project):
    _post(project, personas, "連絡")
    client.force_login(personas.teacher)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(project), **HTMX)
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "DECLARE" in q["sql"].upper()]


def test_the_mention_field_follows_the_projects_people(client, personas, project):
    page = _read(client, project, personas.teacher)
    assert ">新しい担当者</option>" not in page
    newcomer = factories.UserFactory(display_name="新しい担当者")
    factories.MembershipFactory(user=newcomer, organisation=personas.company)
    page = _read(client, project, personas.teacher)
    assert f'<option value="{newcomer.pk}">新しい担当者</option>' in page


def test_a_form_with_errors_is_rendered_afresh(client, personas, project):
    _read(client, project, personas.teacher)  # the empty form's groups are remembered
    response = client.post(_url(project), {"body": "", "mentions": [personas.teacher.pk]}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in page
    assert f'<option value="{personas.teacher.pk}" selected>' in page
    # And the next empty form is empty again.
    assert 'aria-invalid="true"' not in _read(client, project, personas.teacher)
