"""Search: Japanese normalisation, filters, visibility, pagination, htmx, query counts."""

from datetime import timedelta
from itertools import combinations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners import selectors
from partners.models import Posting, Prefecture, Theme
from partners.selectors import posting_search, posting_similar
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
    # Queries (anonymous), with or without text: 1 capped list of ordered keys (with text:
    # the capped matches and their ts_rank, one statement), 1 for the page's card versions
    # (partners.cards); the first time in a process: +2 choice lists of the filter form
    # (prefectures, themes: sankangaku.forms.ReferenceChoiceField); cards not cached yet: +2
    # (the postings with organisation and places, their themes).
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 6, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 2, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"q": "観光"}).status_code == 200
    assert len(queries) == 2, [q["sql"] for q in queries]
    # Words that find nothing: +1 for the character-bigram fallback. (PostgreSQL only: the
    # SQLite demo matches words as substrings, and 光 is in 観光.)
    if connection.vendor == "postgresql":
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"q": "光の課"}).status_code == 200
        assert len(queries) == 3, [q["sql"] for q in queries]
    # A prefecture and a theme filter: 1 lookup each, validated once for both the search and
    # the form the page shows (not once for each), and the list (nothing matches: no cards).
    prefecture = Prefecture.objects.get(pk=13)
    theme = Theme.objects.filter(is_active=True).first()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, {"prefecture": prefecture.pk, "theme": theme.slug})
    assert page.status_code == 200
    assert len(queries) == 3, [q["sql"] for q in queries]


def _published(posting, minutes_ago):
    """Pin published_at, so "newer" does not depend on the clock's resolution."""
    Posting.objects.filter(pk=posting.pk).update(
        published_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return posting


def test_more_relevant_posting_ranks_above_a_less_relevant_newer_one(personas):
    relevant = _published(
        factories.make_posting(
            personas.municipality,
            title="防災訓練と防災教育",
            body="防災の担い手を育てる防災訓練です。防災マップも作ります。",
        ),
        minutes_ago=60,
    )
    newer = _published(
        factories.make_posting(
            personas.company, title="地域のお祭りの協賛", body="夏祭りと防災の日の準備です。"
        ),
        minutes_ago=5,
    )
    anonymous = AnonymousUser()
    assert [p.pk for p in posting_search(user=anonymous, q="防災")] == [relevant.pk, newer.pk]
    assert [p.pk for p in posting_search(user=anonymous, q="防災", sort="newest")] == [
        newer.pk,
        relevant.pk,
    ]


def test_equally_relevant_postings_are_newest_first(personas):
    older = _published(
        factories.make_posting(personas.company, title="防災 A", body="防災"), minutes_ago=30
    )
    newer = _published(
        factories.make_posting(personas.company, title="防災 B", body="防災"), minutes_ago=3
    )
    assert [p.pk for p in posting_search(user=AnonymousUser(), q="防災")] == [newer.pk, older.pk]


def test_ranking_only_sees_the_newest_matches_within_the_cap(personas, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_CAP", 2)
    oldest = _published(
        factories.make_posting(
            personas.company, title="防災と防災訓練", body="防災、防災、防災の備え。"
        ),
        minutes_ago=90,
    )
    middle = _published(
        factories.make_posting(personas.company, title="防災訓練", body="防災訓練の見直し。"),
        minutes_ago=60,
    )
    newest = _published(
        factories.make_posting(personas.company, title="お祭り", body="防災の日。"),
        minutes_ago=5,
    )
    results = posting_search(user=AnonymousUser(), q="防災")
    # The two newest matches are kept and ranked; the older, more relevant one is beyond the
    # cap: the page says "more than 2" and asks for more words or filters.
    assert [p.pk for p in results] == [middle.pk, newest.pk]
    assert results.capped
    assert oldest.pk not in results.pks


def _more_than(count: int) -> str:
    """The capped count as the (Japanese by default) page shows it."""
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    with translation.override("ja"):
        return translation.gettext("More than %(count)s postings") % {"count": intcomma(count)}


@pytest.mark.parametrize("htmx", [False, True])
def test_capped_count_reads_more_than(client, personas, monkeypatch, htmx):
    monkeypatch.setattr(selectors, "SEARCH_CAP", 3)
    for n in range(4):
        factories.make_posting(personas.company, title=f"防災の取り組み {n}", body="防災訓練")
    url = reverse("partners:posting_list")
    headers = {"HX-Request": "true"} if htmx else {}
    for params in ({"q": "防災"}, {}, {"q": "防災", "sort": "deadline"}):
        page = client.get(url, params, headers=headers).content.decode()
        assert _more_than(3) in page, params
        assert page.count('class="org-card posting-card"') == 3
    exact = client.get(url, {"q": "防災", "direction": "strength"}, headers=headers)
    assert _more_than(3) not in exact.content.decode()


def test_result_count_is_exact_under_the_cap(client, personas):
    for n in range(4):
        factories.make_posting(personas.company, title=f"防災の取り組み {n}", body="防災訓練")
    results = posting_search(user=AnonymousUser(), q="防災")
    assert len(results) == 4
    assert not results.capped
    page = client.get(reverse("partners:posting_list"), {"q": "防災"}).content.decode()
    assert _more_than(selectors.SEARCH_CAP) not in page


def test_pages_stop_at_the_cap(client, personas, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_CAP", 25)
    for n in range(30):
        factories.make_posting(personas.company, title=f"防災の取り組み {n}", body="防災訓練")
    url = reverse("partners:posting_list")
    second = client.get(url, {"q": "防災", "page": "2"}).content.decode()
    assert second.count('class="org-card posting-card"') == 5
    # Past the last page: the paginator shows the last one, as before.
    third = client.get(url, {"q": "防災", "page": "3"}).content.decode()
    assert third.count('class="org-card posting-card"') == 5


def test_search_works_inside_a_subquery(postings):
    # The text filter names the stored vector through the query's own alias (no extra()).
    matched = posting_search(user=AnonymousUser(), q="子供")
    outer = Posting.objects.filter(pk__in=Posting.objects.filter(pk__in=matched.pks).values("pk"))
    assert titles(outer) == {"子どもの見守り活動", "子供向けプログラミング教室"}


def test_similar_postings_use_the_text_filter(personas):
    existing = factories.make_posting(
        personas.company,
        title="高齢者の見守りと買い物支援の取り組み",
        body="地域の高齢者の見守り活動と買い物支援に取り組むパートナーを探しています。",
    )
    similar = posting_similar(
        user=AnonymousUser(),
        title="高齢者の見守りと買い物支援",
        body="地域の高齢者の見守りと買い物の支援を一緒に",
    )
    assert [p.pk for p in similar] == [existing.pk]
    assert (
        posting_similar(
            user=AnonymousUser(), title="高齢者の見守り", body="買い物支援", exclude_pk=existing.pk
        )
        == []
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="evaluates tsqueries in PostgreSQL")
@pytest.mark.django_db
def test_two_of_matches_documents_with_at_least_two_of_the_words():
    # Every subset of five words, as a stored vector, against the query: true exactly when
    # the subset holds two or more of them (one word alone: true when it holds that word).
    words = ["'観光'", "'防災'", "'子供'", "'農業'", "'移住'"]
    subsets = [s for size in range(len(words) + 1) for s in combinations(words, size)]
    with connection.cursor() as cursor:
        for probe, wanted in ((words, 2), (words[:2], 2), (words[:1], 1)):
            query = selectors._two_of(probe)
            for subset in subsets:
                document = " ".join(w.strip("'") for w in subset) or "空"
                cursor.execute(
                    "SELECT to_tsvector('simple', %s) @@ to_tsquery('simple', %s)",
                    [document, query],
                )
                held = len(set(subset) & set(probe))
                assert cursor.fetchone()[0] is (held >= wanted), (query, subset)
