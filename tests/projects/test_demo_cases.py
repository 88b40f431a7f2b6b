"""seed_demo leaves a few published case studies, so /cases/ is not empty."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from partners import demo_data
from projects.models import CaseStudy, Project
from sankangaku.accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_data_shows_on_the_public_case_list(client, reference_data):
    call_command("seed_demo", stdout=io.StringIO())
    assert mail.outbox == []
    cases = CaseStudy.objects.filter(is_published=True)
    assert cases.count() == len(demo_data.DEMO_CASES) >= 3
    page = client.get(reverse("cases:list")).content.decode()
    for spec in demo_data.DEMO_CASES:
        assert spec.title in page
    case = cases.first()
    detail = client.get(case.get_absolute_url()).content.decode()
    for organisation in case.organisations.all():
        assert organisation.get_absolute_url() in detail
    assert all(p.state == "completed" for p in Project.objects.all())
    # The parties see their reports on the project page.
    teacher = User.objects.get(email=demo_data.DEMO_LOGINS[3].email)
    client.force_login(teacher)
    project = Project.objects.get(parties__organisation__memberships__user=teacher)
    page = client.get(project.get_absolute_url()).content.decode()
    assert project.case_study.get_absolute_url() in page
    client.logout()
    # A second run adds nothing.
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert CaseStudy.objects.count() == len(demo_data.DEMO_CASES)
    assert f"{len(demo_data.DEMO_CASES)} case studies (0 new)" in out.getvalue()


def test_organisation_profile_lists_its_case_studies(client, reference_data):
    from django.core.management import call_command

    from projects.models import CaseStudy

    call_command("seed_demo", verbosity=0)
    case = CaseStudy.objects.filter(is_published=True).first()
    organisation = case.organisations.first()
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert case.get_absolute_url() in page
