"""Writing postings through the real pages: the framing template, validation of every kind
of bad input, and the similar-posting warning."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Posting
from partners.views.organisations import PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db


def school_issue(**overrides):
    data = {
        "direction": "issue",
        "title": "2年生の探究学習で地域の観光を考えたい",
        "body": "総合的な探究の時間で、生徒が地域の観光課題を調べて提案します。",
        "situation": "観光客が一部の名所に集中しています。",
        "desired_outcome": "生徒の提案を市の観光施策に届けたい。",
        "place_scope": "municipality",
        "prefecture": "20",
        "location": "202029",
        "starts_on": "2027-09-01",
        "ends_on": "2028-02-28",
        "school_year": "2027",
        "terms": ["2学期"],
        "grade_from": "2",
        "grade_to": "2",
        "student_count": "120",
        "class_hours": "10",
        "funding_route": "volunteer",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def test_teacher_writes_a_draft_with_the_framing_template(client, personas):
    client.force_login(personas.teacher)
    page = client.get(reverse("partners:posting_create"), {"direction": "issue"})
    body = page.content.decode()
    assert 'name="situation"' in body and 'name="offer_what"' not in body
    assert 'name="grade_from"' in body and 'name="budget_status"' not in body
    response = client.post(reverse("partners:posting_create"), school_issue())
    posting = Posting.objects.get()
    assert response.status_code == 302
    assert posting.status == "draft"
    assert posting.organisation == personas.school
    assert posting.contact == personas.teacher
    assert posting.terms == ["2学期"]
    assert posting.prefecture_id == 20


def test_company_strength_form_asks_offer_questions(client, personas):
    client.force_login(personas.company_admin)
    body = client.get(reverse("partners:posting_create"), {"direction": "strength"}).content
    assert b'name="offer_what"' in body and b'name="situation"' not in body
    assert b'name="is_open_call"' not in body and b'name="grade_from"' not in body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "あ" * 121),
        ("body", "い" * 4001),
        ("ends_on", "2027-08-01"),  # before starts_on
        ("starts_on", "2027-13-45"),
        ("grade_from", "4"),  # junior high has grades 1–3
        ("grade_to", "0"),
        ("location", "131016"),  # Chiyoda is not in Nagano
        ("prefecture", "48"),
        ("place_scope", "moon"),
        ("school_year", "1999"),
        ("terms", ["夏休み"]),
        ("funding_route", "bitcoin"),
        ("visibility", "secret"),
        ("student_count", "-3"),
        ("themes", ["999999"]),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, personas, field, value):
    client.force_login(personas.teacher)
    response = client.post(reverse("partners:posting_create"), school_issue(**{field: value}))
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode() or "errorlist" in (
        response.content.decode()
    )
    assert not Posting.objects.exists()


def test_script_in_text_is_stored_and_shown_escaped(client, personas):
    client.force_login(personas.teacher)
    client.post(
        reverse("partners:posting_create"), school_issue(title="<script>alert(1)</script>探究")
    )
    posting = Posting.objects.get()
    page = client.get(posting.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_open_call_needs_budget_deadline_and_criteria(client, personas):
    client.force_login(personas.company_admin)
    data = {
        "direction": "issue",
        "title": "新規事業の実証フィールド募集",
        "body": "実証実験に協力いただける自治体を募集します。",
        "place_scope": "nationwide",
        "funding_route": "commission",
        "visibility": "public",
        "is_open_call": "on",
    }
    response = client.post(reverse("partners:posting_create"), data)
    assert response.status_code == 200
    assert not Posting.objects.exists()
    data |= {
        "call_budget": "2000000",
        "call_deadline": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "selection_criteria": "実現可能性",
    }
    assert client.post(reverse("partners:posting_create"), data).status_code == 302
    posting = Posting.objects.get()
    assert posting.is_open_call and posting.prefecture is None


def test_municipality_budget_status(client, personas):
    client.force_login(personas.municipal_officer)
    data = {
        "direction": "issue",
        "title": "空き家の活用アイデア",
        "body": "空き家が増えています。",
        "place_scope": "municipality",
        "prefecture": "20",
        "location": "202029",
        "budget_status": "next_year",
        "funding_route": "corporate_furusato",
        "visibility": "members",
    }
    assert client.post(reverse("partners:posting_create"), data).status_code == 302
    assert Posting.objects.get().budget_status == "next_year"


def test_user_without_organisation_is_sent_to_register(client, reference_data):
    client.force_login(factories.UserFactory())
    response = client.get(reverse("partners:posting_create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:create")


def test_mass_assignment_is_ignored(client, personas):
    client.force_login(personas.teacher)
    client.post(
        reverse("partners:posting_create"),
        school_issue(
            status="open",
            organisation=personas.company.pk,
            published_at="2020-01-01",
            search_tokens="spam",
        ),
    )
    posting = Posting.objects.get()
    assert posting.status == "draft"
    assert posting.organisation == personas.school
    assert posting.published_at is None
    assert "spam" not in posting.search_tokens


def test_similar_postings_warning(client, personas):
    factories.make_posting(
        personas.company,
        title="高齢者の見守りと買い物支援の取り組み",
        body="地域の高齢者の見守り活動と買い物支援に取り組むパートナーを探しています。",
    )
    response = client.get(
        reverse("partners:posting_similar"),
        {"title": "高齢者の買い物支援", "body": "高齢者の見守りと買い物の支援を一緒に"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert body.startswith('<aside id="similar-postings"')
    assert "高齢者の見守りと買い物支援の取り組み" in body
    unrelated = client.get(
        reverse("partners:posting_similar"), {"title": "ロボット教材", "body": "プログラミング"}
    )
    assert "高齢者" not in unrelated.content.decode()


def test_edit_keeps_status_and_reanalyses(client, personas):
    posting = factories.make_posting(
        personas.school, actor=personas.teacher, title="古いタイトル", body="本文"
    )
    client.force_login(personas.teacher)
    data = school_issue(title="防災マップづくり", body="生徒が防災マップを作ります。")
    assert client.post(reverse("partners:posting_edit", args=[posting.pk]), data).status_code == 302
    posting.refresh_from_db()
    assert posting.status == "open"
    assert "防災" in posting.search_tokens.split()


def test_school_year_period_dates_are_dates(client, personas):
    client.force_login(personas.teacher)
    client.post(reverse("partners:posting_create"), school_issue())
    assert Posting.objects.get().starts_on == date(2027, 9, 1)


def test_our_postings_come_a_page_at_a_time(client, personas):
    for n in range(PAGE_SIZE + 3):
        factories.make_posting(personas.company, title=f"下書き {n:02d}", publish=False)
    client.force_login(personas.company_admin)
    url = reverse("partners:posting_mine")
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first.count('name="contact"') == PAGE_SIZE
    assert second.count('name="contact"') >= 3
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert client.get(url, {"page": "x"}).status_code == 200  # a bad page number: page 1


def test_each_contact_picker_selects_its_postings_contact(client, personas):
    from partners.models import Posting

    named = factories.make_posting(personas.company, title="担当あり", publish=False)
    nobody = factories.make_posting(personas.company, title="担当なし", publish=False)
    Posting.objects.filter(pk=named.pk).update(contact=personas.company_member)
    Posting.objects.filter(pk=nobody.pk).update(contact=None)
    client.force_login(personas.company_admin)
    page = client.get(reverse("partners:posting_mine")).content.decode()

    def picker(posting):
        start = page.index(f'id="contact-{posting.pk}"')
        return page[start : page.index("</select>", start)]

    member, admin = personas.company_member, personas.company_admin
    assert f'<option value="{member.pk}" selected>{member.display_name}</option>' in picker(named)
    assert f'<option value="{admin.pk}">' in picker(named)
    assert 'value=""' not in picker(named)
    assert picker(nobody).split(">", 1)[1].startswith('<option value="">')
    assert " selected" not in picker(nobody)
