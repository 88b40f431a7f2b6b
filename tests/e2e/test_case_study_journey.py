"""Journey (2) of the proposals issue: after a completed project, a teacher files the school's
completion report with a photo from the browser; with every organisation's consent the public
case study appears at /cases/, photo included, linking back to the organisations."""

import pytest
from django.urls import reverse

from matching import workflow
from partners.models import Theme
from projects import services
from projects.models import CaseStudy, Project, SafetyChecklist
from tests import factories
from tests.e2e.conftest import Traffic
from tests.e2e.test_triad_project_journey import _sign_in
from tests.projects.helpers import png_bytes

TITLE = "地域の防災マップを中学生と作る"


@pytest.fixture
def completed(transactional_db, reference_data):
    city = factories.MunicipalityFactory(name="長野県松本市")
    officer = factories.UserFactory(display_name="市役所 花子")
    factories.MembershipFactory(user=officer, organisation=city, role="admin")
    company = factories.CompanyFactory(name="信州測量株式会社")
    company_admin = factories.UserFactory(display_name="企業 一郎")
    factories.MembershipFactory(user=company_admin, organisation=company, role="admin")
    school = factories.SchoolFactory(name="松本市立あがた中学校")
    teacher = factories.UserFactory(display_name="信州 太郎")
    factories.MembershipFactory(user=teacher, organisation=school, role="admin")
    coordinator = factories.CoordinatorFactory().user
    issue = factories.make_posting(city, title=TITLE, actor=officer)
    strength = factories.make_posting(
        company, direction="strength", title="測量", actor=company_admin
    )
    offer = factories.make_posting(school, direction="strength", title="探究学習", actor=teacher)
    proposal = workflow.proposal_create_by_hand(
        coordinator=coordinator,
        posting=issue,
        partner_posting=strength,
        second_partner_posting=offer,
    )
    admins = {city.pk: officer, company.pk: company_admin, school.pk: teacher}
    for organisation_id, user in admins.items():
        workflow.proposal_respond(
            proposal=proposal,
            organisation=proposal.responses.get(organisation_id=organisation_id).organisation,
            user=user,
            accept=True,
        )
    project = Project.objects.get(proposal=proposal)
    for party in project.parties.all():
        services.agreement_sign(
            project=project,
            party=party,
            actor=admins[party.organisation_id],
            version=project.agreement.version,
        )
    services.checklist_update(
        project=project, actor=teacher, items=dict.fromkeys(SafetyChecklist.ITEMS, True)
    )
    assert services.project_complete(project=project, actor=officer)
    sdg = Theme.objects.get(kind=Theme.Kind.SDG, number=11)
    for party in project.parties.exclude(organisation=school):
        services.report_save(
            project=project,
            party=party,
            actor=admins[party.organisation_id],
            data={
                "done": "防災マップの作成を支援しました。",
                "students_involved": 0,
                "events_held": 2,
                "funds_used": "なし",
                "next_steps": "来年度も続けます。",
            },
            sdgs=[sdg],
            consent_public=True,
        )
    assert not CaseStudy.objects.filter(is_published=True).exists()
    return {"project": project, "teacher": teacher, "school": school, "city": city}


def test_teacher_files_report_with_photo_and_case_study_goes_public(
    page, live_server, traffic: Traffic, completed, tmp_path
):
    url = live_server.url
    project = completed["project"]
    party = project.parties.get(organisation=completed["school"])
    photo = tmp_path / "mapping.png"
    photo.write_bytes(png_bytes((320, 240), "orange"))

    _sign_in(page, url, completed["teacher"])
    page.goto(f"{url}{project.get_absolute_url()}")
    page.locator(
        f"a[href='{reverse('projects:report', args=[project.pk, party.pk])}']"
    ).first.click()
    form = page.locator("main form[method=post]")
    form.locator("[name=done]").fill("2年生120人が地域を歩き、防災マップを作って発表しました。")
    form.locator("[name=students_involved]").fill("120")
    form.locator("[name=events_held]").fill("3")
    form.locator("[name=funds_used]").fill("市の予算からバス代")
    form.locator("[name=next_steps]").fill("来年は1年生と続けます。")
    form.locator("input[name=sdgs]").first.check()
    form.locator("[name=photo_1]").set_input_files(str(photo))
    form.locator("[name=consent_public]").check()
    form.locator("button[type=submit]").last.click()
    page.wait_for_load_state()

    case = CaseStudy.objects.get(project=project)
    assert case.is_published

    # Anyone, signed out, finds it in the public list, with the photo and links back.
    page.context.clear_cookies()
    page.goto(f"{url}{reverse('cases:list')}")
    card = page.locator(
        "article.case-card", has=page.locator(f"a[href='{case.get_absolute_url()}']")
    )
    assert TITLE in card.inner_text()
    _wait_until_shown(page, card.locator("img"))
    card.locator(f"a[href='{case.get_absolute_url()}']").click()
    page.wait_for_load_state()
    _wait_until_shown(page, page.locator("main img").first)
    for organisation in (completed["school"], completed["city"]):
        assert page.locator(f"main a[href='{organisation.get_absolute_url()}']").count() >= 1

    assert traffic.foreign() == []
    assert traffic.failed == []
    assert traffic.errors == []


def _wait_until_shown(page, image) -> None:
    """Wait until a (lazily loaded) image has arrived and decoded. The thumbnails load only
    once chromium has laid the page out, sometimes after "networkidle" under a busy machine:
    leaving the page before then cancels them (net::ERR_ABORTED in `traffic.failed`). Waiting
    for the picture itself also proves the photo is there, not merely an <img> tag."""
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=image.element_handle()
    )
