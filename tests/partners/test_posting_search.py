"""Search: Japanese normalisation, filters, visibility, pagination, htmx, query counts."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Prefecture, Theme
from partners.selectors import posting_search
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def postings(personas):
    return {
        "kids": factories.make_posting(
            personas.school,
            title="子どもの見守り活動",
            direction="issue",
            body="放課後の子どもの安全を地域で見守る取り組みです。",
        ),
        "kids_company": factories.make_posting(
            personas.company,
            title="子供向けプログラミング教室",
            direction="strength",
            body="社員が出前授業で子供たちにプログラミングを教えます。",
        ),
        "tourism": factories.make_posting(
            personas.municipality,
            title="観光DXの推進",
            direction="issue",
            body="観光客の動態データを活用したいと考えています。",
            place_scope="municipality",
            location=personas.municipality.location,
        ),
        "members_only": factories.make_posting(
            personas.company,
            title="子ども食堂への協賛（会員限定）",
            direction="strength",
            body="子ども食堂に食材を提供します。",
            visibility="members",
        ),
        "draft": factories.make_posting(
            personas.company,
            title="子どもの下書き",
            publish=False,
        ),
    }


def titles(qs):
    return {p.title for p in qs}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("子供", {"子どもの見守り活動", "子供向けプログラミング教室"}),
        ("子ども", {"子どもの見守り活動", "子供向けプログラミング教室"}),
        ("取組", {"子どもの見守り活動"}),
        ("取り組み", {"子どもの見守り活動"}),
        ("ＤＸ", {"観光DXの推進"}),
        ("観光 データ", {"観光DXの推進"}),
        ("見守り 観光", set()),
    ],
)
def test_japanese_normalisation(postings, query, expected):
    assert titles(posting_search(user=AnonymousUser(), q=query)) == expected


def test_character_ngram_fallback_finds_unknown_words(postings):
    # "グラミン" is not a word, but its characters occur in プログラミング.
    assert titles(posting_search(user=AnonymousUser(), q="グラミン")) == {
        "子供向けプログラミング教室"
    }


def test_visibility_and_drafts(postings, personas):
    anonymous = titles(posting_search(user=AnonymousUser(), q="子ども"))
    member = titles(posting_search(user=personas.outsider, q="子ども"))
    assert "子ども食堂への協賛（会員限定）" not in anonymous
    assert "子ども食堂への協賛（会員限定）" in member
    assert "子どもの下書き" not in member


def test_filters(postings, personas):
    anonymous = AnonymousUser()
    assert titles(posting_search(user=anonymous, direction="strength", q="子供")) == {
        "子供向けプログラミング教室"
    }
    assert titles(posting_search(user=anonymous, kind="municipality")) == {"観光DXの推進"}
    nagano = Prefecture.objects.get(code=20)
    assert "観光DXの推進" in titles(posting_search(user=anonymous, prefecture=nagano))
    assert titles(posting_search(user=anonymous, region="chubu")) >= {"観光DXの推進"}
    assert titles(posting_search(user=anonymous, region="kyushu")) == set()
    theme = Theme.objects.get(slug="sdg-4")
    postings["kids"].themes.add(theme)
    assert titles(posting_search(user=anonymous, theme=theme)) == {"子どもの見守り活動"}


def test_list_page_plain_htmx_and_bad_parameters(client, postings):
    url = reverse("partners:posting_list")
    page = client.get(url, {"q": "子供", "direction": "issue", "kind": "school"})
    assert page.status_code == 200
    assert "子どもの見守り活動" in page.content.decode()
    assert "子供向けプログラミング教室" not in page.content.decode()
    partial = client.get(url, {"q": "子供"}, headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<section id="posting-results"')
    assert "HX-Request" in partial["Vary"]
    bad = client.get(
        url,
        {
            "prefecture": "abc",
            "theme": "nope",
            "grade": "x",
            "period_from": "2027-99-99",
            "sort": "random",
            "page": "-1",
            "q": "子供",
        },
    )
    assert bad.status_code == 200
    assert "子どもの見守り活動" in bad.content.decode()


def test_pagination(client, personas):
    for n in range(25):
        factories.make_posting(personas.company, title=f"防災の取り組み {n}", body="防災訓練")
    url = reverse("partners:posting_list")
    first = client.get(url, {"q": "防災"}).content.decode()
    second = client.get(url, {"q": "防災", "page": "2"}).content.decode()
    assert first.count('class="org-card posting-card"') == 20
    assert second.count('class="org-card posting-card"') == 5


def test_list_query_count_is_fixed(client, personas):
    for n in range(12):
        factories.make_posting(personas.company, title=f"観光の課題 {n}", body="観光")
    url = reverse("partners:posting_list")
    # Queries (anonymous): 1 count, 1 page of postings with organisation, prefecture and
    # location, 1 prefetch of themes, 2 choice lists of the filter form (prefectures,
    # themes). With text: +1 exists() probe for the n-gram fallback.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 5, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"q": "観光"}).status_code == 200
    assert len(queries) == 6, [q["sql"] for q in queries]
