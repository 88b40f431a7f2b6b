"""Coordinators' CSV of projects, and the public case-study list."""

import csv
import io

import pytest
from django.urls import reverse

from partners.models import Prefecture, Theme
from projects import services
from projects.models import CaseStudy, PartyRole, Project, ProjectParty
from tests import factories
from tests.projects.helpers import active_triad

pytestmark = pytest.mark.django_db


def _project_in(prefecture_code: int, title: str) -> Project:
    organisation = factories.CompanyFactory(prefecture=Prefecture.objects.get(code=prefecture_code))
    posting = factories.make_posting(organisation, title=title)
    project = Project.objects.create(title=title, posting=posting, state="completed")
    ProjectParty.objects.create(project=project, organisation=organisation, role=PartyRole.COMPANY)
    return project


def _rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("company_admin", 404),
        ("teacher", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_export_per_persona(client, personas, persona, status):
    user = personas.user(persona)
    if user:
        client.force_login(user)
    assert client.get(reverse("projects:export")).status_code == status


def test_export_has_a_bom_and_only_the_coordinators_region(client, personas):
    project = active_triad(personas)  # Nagano (20)
    services.milestone_add(
        project=project, actor=personas.teacher, title="発表会", due_on="2027-02-12"
    )
    far = _project_in(47, '=HYPERLINK("http://evil")')
    nagano = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=20)]).user
    client.force_login(nagano)
    response = client.get(reverse("projects:export"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert len(rows[0]) == 7
    assert [row[0] for row in rows[1:]] == [str(project.pk)]
    row = rows[1]
    assert row[1] == project.title
    assert "テスト株式会社" in row[3] and "テスト市立第一中学校" in row[3]
    assert row[6] == "1"
    okinawa = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=47)]).user
    client.force_login(okinawa)
    rows = _rows(client.get(reverse("projects:export")))
    assert [row[0] for row in rows[1:]] == [str(far.pk)]
    assert rows[1][1].startswith("'=")  # no formula for Excel to run
    client.force_login(personas.coordinator)  # nationwide
    assert len(_rows(client.get(reverse("projects:export")))) == 3


def _published_case(title: str, prefecture_code: int, sdg: int) -> CaseStudy:
    project = _project_in(prefecture_code, title)
    case = CaseStudy.objects.create(
        project=project,
        title=title,
        summary=f"{title}の概要",
        prefecture_id=prefecture_code,
        is_published=True,
        published_at=project.created_at,
    )
    case.organisations.set([project.parties.get().organisation])
    case.sdgs.set([Theme.objects.get(kind="sdg", number=sdg)])
    return case


def test_case_list_is_public_filtered_and_paginated(client, reference_data):
    for i in range(14):
        _published_case(f"見守り事例{i:02d}", 20, 3)
    other = _published_case("漁業の事例", 47, 14)
    hidden = _published_case("非公開の事例", 20, 3)
    CaseStudy.objects.filter(pk=hidden.pk).update(is_published=False)
    url = reverse("cases:list")
    page = client.get(url).content.decode()
    assert page.count('class="case-card"') == 12
    assert "非公開の事例" not in page
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="case-card"') == 3
    for params in [{"prefecture": 47}, {"sdg": Theme.objects.get(number=14).pk}, {"q": "漁業"}]:
        response = client.get(url, params, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert '<section id="case-results"' in body and "<html" not in body
        assert other.get_absolute_url() in body
        assert body.count('class="case-card"') == 1
    assert client.get(url, {"kind": "school"}).content.decode().count('class="case-card"') == 0
    assert client.get(url, {"prefecture": "999"}).status_code == 200  # ignored, not an error
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(other.get_absolute_url()).status_code == 200


def test_case_list_has_a_fixed_query_count(client, reference_data, django_assert_num_queries):
    for i in range(3):
        _published_case(f"事例{i}", 20, 4)
    url = reverse("cases:list")
    # count, the page of cases (prefecture joined), then organisations, SDGs and photos
    # prefetched for the page; the filter form's prefectures and SDGs.
    with django_assert_num_queries(7):
        client.get(url)
    for i in range(6):
        _published_case(f"追加の事例{i}", 13, 11)
    with django_assert_num_queries(7):
        client.get(url)
