"""A teacher writes a learning-goal posting (an issue) with the framing template, is warned
about a similar open posting while typing, publishes it and finds it again through the search
with filters: with htmx, and once more with JavaScript switched off."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from partners import services
from partners.models import Direction, PlaceScope, Posting, PostingStatus, Theme, Visibility
from tests import factories
from tests.e2e.conftest import HtmxQuiet, Traffic

NAGANO = "20"
MATSUMOTO = "202029"

SCHOOL_NAME = "松本市立あがた中学校"
TITLE = "2年生の探究学習：観光の課題を地域の企業と考えたい"
# The posting writes 子ども and 取り組み; the search below types 子供 and 取組.
BODY = (
    "2年生の総合的な学習の時間で、子どもたちが地域の観光の課題を探究します。"
    "観光に関わる企業の方と一緒に取り組み、生徒の提案を形にしたいと考えています。"
)
QUERY = "子供 取組"

OTHER_TITLE = "中学生の地域探究学習で観光の課題を一緒に考えてくれる企業を募集"
OTHER_BODY = (
    "市内の中学校の総合的な学習の時間で、子どもたちが地域の観光の課題を探究する取り組みを"
    "進めています。生徒と一緒に考えてくれる企業を探しています。"
)

FRAMING = {
    "situation": "観光客は戻りつつあるが、生徒は地域の観光の仕事をほとんど知らない。",
    "desired_outcome": "生徒が観光の課題を調べ、企業に向けて改善案を発表する。",
    "constraints": "授業は火曜の5・6時間目。校外学習は年2回まで。",
    "assets": "生徒へのアンケート結果と、市の観光統計を使える。",
    "partnership_forms": "出前授業、職場見学、生徒の提案への講評(オンライン可)。",
}


def _ja(message) -> str:  # type: ignore[no-untyped-def]
    """What the Japanese UI shows for a source string or a lazy choice label (translated or,
    where the catalogue lacks it, the English source)."""
    with translation.override("ja"):
        return gettext(message) if isinstance(message, str) else str(message)


@pytest.fixture
def teacher(transactional_db, reference_data):
    """A verified junior high school in Matsumoto whose teacher administers it."""
    school = factories.SchoolFactory(name=SCHOOL_NAME)
    user = factories.UserFactory(display_name="信州 太郎")
    factories.MembershipFactory(user=user, organisation=school, role="admin")
    return user


@pytest.fixture
def other_posting(transactional_db, reference_data):
    """An open posting by another verified organisation (Matsumoto's city office), written
    much like the teacher's: the similar-posting warning must show it."""
    city = factories.MunicipalityFactory()
    officer = factories.UserFactory(display_name="市役所 花子")
    factories.MembershipFactory(user=officer, organisation=city, role="admin")
    posting = services.posting_create(
        organisation=city,
        actor=officer,
        data={
            "direction": Direction.ISSUE,
            "title": OTHER_TITLE,
            "body": OTHER_BODY,
            "place_scope": PlaceScope.MUNICIPALITY,
            "prefecture": city.prefecture,
            "location": city.location,
            "visibility": Visibility.PUBLIC,
        },
    )
    assert services.posting_publish(posting=posting, actor=officer) == PostingStatus.OPEN
    return posting


def _log_in(page, url: str, user) -> None:
    page.goto(f"{url}{reverse('account_login')}")
    login = page.locator("main form[method=post]:has([name=password])")
    login.locator("[name=login]").fill(user.email)
    login.locator("[name=password]").fill(factories.PASSWORD)
    login.locator("button[type=submit]").click()
    page.wait_for_url(f"{url}{reverse('partners:dashboard')}")


def test_teacher_publishes_a_learning_goal_and_finds_it(
    browser, page, traffic, live_server, teacher, other_posting
):
    # Imported here so that, without playwright, the browser fixture skips (or fails) first.
    from playwright.sync_api import expect

    url = live_server.url
    # The query must only meet the posting through Sudachi's normalised forms.
    assert all(word not in f"{TITLE}{BODY}" for word in QUERY.split())
    tourism = Theme.objects.get(slug="tourism")
    quality_education = Theme.objects.get(slug="sdg-4")

    _log_in(page, url, teacher)

    # 1. Write a posting: an issue (what we need).
    page.goto(f"{url}{reverse('partners:posting_create')}")
    page.locator("main a[href='?direction=issue']").click()
    page.wait_for_url(re.compile(r"/postings/new/\?direction=issue$"))
    form = page.locator("main form[method=post]:has([name=title])")
    expect(form.locator("[name=direction]")).to_have_value("issue")

    # 2. Typing the title asks the server (debounced, htmx) for look-alike open postings.
    title = form.locator("[name=title]")
    title.fill(TITLE)
    title.press("End")  # the keyup htmx listens to (fill() only fires input events)
    similar = page.locator("#similar-postings")
    expect(similar).to_contain_text(OTHER_TITLE, timeout=10_000)
    expect(similar.get_by_role("link", name=OTHER_TITLE)).to_be_visible()
    expect(similar).to_contain_text(_ja("Similar postings already exist"))
    body = form.locator("[name=body]")
    body.fill(BODY)
    # Wait for the debounced look-up the body triggers, so submitting later cannot abort it.
    with page.expect_response(lambda r: "/postings/similar/" in r.url, timeout=10_000):
        body.press("End")
    expect(similar.get_by_role("link", name=OTHER_TITLE)).to_be_visible()

    # 3. The framing template for an issue, the school's own fields, place, funding, themes.
    for name, text in FRAMING.items():
        form.locator(f"textarea[name={name}]").fill(text)
    assert form.locator("[name=offer_what]").count() == 0  # strength framing is not asked
    form.locator("[name=school_year]").fill("2027")
    form.locator("[name=terms][value='2学期']").check()
    form.locator("[name=grade_from]").fill("2")
    form.locator("[name=grade_to]").fill("2")
    form.locator("[name=student_count]").fill("120")
    form.locator("[name=class_hours]").fill("10")

    # The place starts from the school's own municipality.
    form.locator("[name=place_scope]").select_option(PlaceScope.MUNICIPALITY)
    expect(form.locator("[name=prefecture]")).to_have_value(NAGANO)
    expect(form.locator(f"[name=location] option[value='{MATSUMOTO}']")).to_be_attached()
    expect(form.locator("[name=location]")).to_have_value(MATSUMOTO)

    form.locator("[name=funding_route]").select_option("in_kind")
    form.get_by_role("checkbox", name=tourism.name_ja, exact=True).check()
    form.get_by_role("checkbox", name=quality_education.name_ja, exact=True).check()
    form.locator("[name=visibility]").select_option(Visibility.PUBLIC)
    form.locator("button[type=submit]:not([name])").click()

    # A draft, saved with everything the form asked.
    page.wait_for_url(re.compile(r"/postings/\d+/$"))
    posting = Posting.objects.get(title=TITLE)
    assert page.url == f"{url}{posting.get_absolute_url()}"
    assert posting.status == PostingStatus.DRAFT
    assert posting.organisation.name == SCHOOL_NAME
    assert posting.direction == Direction.ISSUE
    assert posting.contact == teacher
    assert {name: getattr(posting, name) for name in FRAMING} == FRAMING
    assert (posting.school_year, posting.terms) == (2027, ["2学期"])
    assert (posting.grade_from, posting.grade_to) == (2, 2)
    assert (posting.student_count, posting.class_hours) == (120, 10)
    assert (posting.place_scope, posting.prefecture_id, posting.location_id) == (
        PlaceScope.MUNICIPALITY,
        int(NAGANO),
        MATSUMOTO,
    )
    assert posting.funding_route == "in_kind"
    assert set(posting.themes.all()) == {tourism, quality_education}
    assert posting.visibility == Visibility.PUBLIC
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text(FRAMING["desired_outcome"])

    # 4. The school is verified: publishing opens the posting at once.
    header = page.locator("main article header")
    expect(header.get_by_text(_ja(PostingStatus.DRAFT.label), exact=True)).to_be_visible()
    publish = page.locator(
        f"main form[action='{reverse('partners:posting_publish', args=[posting.pk])}']"
    )
    expect(publish.locator("button[type=submit]")).to_have_text(_ja("Publish"))
    publish.locator("button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text(_ja("Published. Partners can now find it."))
    expect(header.get_by_text(_ja(PostingStatus.OPEN.label), exact=True)).to_be_visible()
    expect(publish).to_have_count(0)
    assert Posting.objects.get(title=TITLE).status == PostingStatus.OPEN

    # 5. Search: the query written differently still finds both look-alikes...
    page.goto(f"{url}{reverse('partners:posting_list')}")
    page.evaluate("window.stillTheSamePage = true")  # gone if a search reloads the page
    htmx = HtmxQuiet(page)
    search = page.get_by_role("search")
    results = page.locator("#posting-results")
    search.locator("[name=q]").fill(QUERY)
    search.locator("[name=q]").press("Enter")
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(results.get_by_role("link", name=OTHER_TITLE)).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    # ...and the filters leave only the school's issue (the city office is not a school).
    search.locator("[name=direction]").select_option(Direction.ISSUE)
    search.locator("[name=kind]").select_option("school")
    with page.expect_response(
        lambda r: (
            r.request.headers.get("hx-request") == "true"
            and "kind=school" in r.url
            and "direction=issue" in r.url
        )
    ) as swapped:
        search.locator("button[type=submit]").click()
    assert swapped.value.ok
    # Typing (debounced), each filter and the button all ask htmx for the results (queued,
    # the last wins): let them all answer before the reload below, which would abort them.
    htmx.settle()
    expect(results.get_by_role("link", name=OTHER_TITLE)).to_have_count(0)
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(results).to_contain_text(SCHOOL_NAME)
    # hx-push-url: the address bar holds the search, so it can be bookmarked or shared.
    expect(page).to_have_url(re.compile(r"[?&]kind=school(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]direction=issue(&|$)"))
    assert "q=" in page.url
    assert page.evaluate("window.stillTheSamePage === true")  # htmx swapped the results only
    page.reload()  # the pushed URL renders the same results on its own
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(results.get_by_role("link", name=OTHER_TITLE)).to_have_count(0)
    expect(page.get_by_role("search").locator("[name=q]")).to_have_value(QUERY)

    # 6. The same search without JavaScript (and signed out): plain GET pages work.
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    try:
        plain = context.new_page()
        plain_traffic = Traffic(url)
        plain.on("request", plain_traffic.on_request)
        plain.on("response", plain_traffic.on_response)
        plain.on("requestfailed", plain_traffic.on_request_failed)
        query = urlencode({"q": QUERY, "kind": "school", "direction": "issue"})
        plain.goto(f"{url}{reverse('partners:posting_list')}?{query}")
        plain_results = plain.locator("#posting-results")
        expect(plain_results.get_by_role("link", name=TITLE)).to_be_visible()
        expect(plain_results.get_by_role("link", name=OTHER_TITLE)).to_have_count(0)
        plain_results.get_by_role("link", name=TITLE).click()
        plain.wait_for_url(f"{url}{posting.get_absolute_url()}")
        expect(plain.locator("h1")).to_have_text(TITLE)
    finally:
        context.close()

    # 7. Everything came from the live server and nothing failed.
    for recorded in (traffic, plain_traffic):
        assert recorded.foreign() == []
        assert recorded.errors == []
        assert recorded.failed == []
    assert any("/postings/similar/" in u for u in traffic.requests)
