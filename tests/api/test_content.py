"""Each endpoint's content and filters."""

import pytest

from partners.models import Theme

from .conftest import API

pytestmark = pytest.mark.django_db


def _titles(client, params=None) -> list[str]:
    response = client.get(f"{API}/postings", params or {})
    assert response.status_code == 200, response.content
    return [p["title"] for p in response.json()["results"]]


def test_posting_list_shows_open_public_postings_newest_first(client, world):
    body = client.get(f"{API}/postings").json()
    assert body["count"] == 3 and body["capped"] is False
    assert [p["id"] for p in body["results"]] == [
        world.school_issue.pk,
        world.public_strength.pk,
        world.public_issue.pk,
    ]
    issue = next(p for p in body["results"] if p["id"] == world.public_issue.pk)
    assert issue["title"] == "観光の担い手不足を解決したい"
    assert issue["organisation"] == {
        "id": world.personas.municipality.pk,
        "kind": "municipality",
        "name": "長野県松本市",
        "verified": True,
    }
    assert issue["themes"] == ["tourism"]
    assert issue["prefecture"] == {"code": 20, "name": "長野県", "name_en": "Nagano"}
    assert issue["funding_route"] == "corporate_furusato"
    assert issue["url"] == f"https://sankangaku.example/postings/{world.public_issue.pk}/"
    assert "contact" not in issue and "created_by" not in issue


POSTING_FILTERS = [
    ({"direction": "strength"}, ["プログラミング教室を提供できます"]),
    ({"kind": "school"}, ["探究学習のテーマを一緒に考える企業募集"]),
    (
        {"prefecture": 20},
        ["探究学習のテーマを一緒に考える企業募集", "観光の担い手不足を解決したい"],
    ),
    (
        {"region": "chubu"},
        ["探究学習のテーマを一緒に考える企業募集", "観光の担い手不足を解決したい"],
    ),
    ({"region": "kyushu"}, []),
    ({"theme": "tourism"}, ["観光の担い手不足を解決したい"]),
    ({"funding": "corporate_furusato"}, ["観光の担い手不足を解決したい"]),
    ({"grade": 2}, ["探究学習のテーマを一緒に考える企業募集"]),
    ({"q": "観光"}, ["観光の担い手不足を解決したい"]),
    ({"q": "プログラミング", "sort": "newest"}, ["プログラミング教室を提供できます"]),
]


def test_posting_filters_match_the_search_page(client, world):
    # One world for every case: building it (postings through the services) is the slow part.
    for params, expected in POSTING_FILTERS:
        assert _titles(client, params) == expected, params


def test_posting_pages_are_stable_and_linked(client, world):
    first = client.get(f"{API}/postings", {"page_size": 2}).json()
    second = client.get(f"{API}/postings", {"page_size": 2, "page": 2}).json()
    assert first["num_pages"] == 2 and first["previous"] is None
    assert first["next"] == "https://sankangaku.example/api/v1/postings?page_size=2&page=2"
    assert second["next"] is None and second["previous"].endswith("page=1")
    ids = [p["id"] for p in first["results"] + second["results"]]
    assert len(set(ids)) == 3
    assert client.get(f"{API}/postings", {"page": 9}).json()["results"] == []


def test_posting_detail(client, world):
    response = client.get(f"{API}/postings/{world.public_strength.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["direction"] == "strength" and body["online_ok"] is True
    assert body["place_scope"] == "nationwide" and body["prefecture"] is None
    assert body["themes"] == ["sdg-4"]


def test_organisation_list_shows_public_fields_only(client, world):
    body = client.get(f"{API}/organisations").json()
    names = [o["name"] for o in body["results"]]
    assert names == sorted(names)
    assert "未確認の株式会社" in names  # listed, as in the public directory, but not verified
    company = next(o for o in body["results"] if o["id"] == world.personas.company.pk)
    assert set(company) == {
        "id",
        "kind",
        "name",
        "prefecture",
        "municipality",
        "website",
        "verified",
        "member_since",
        "themes",
        "url",
    }
    assert company["website"] == "https://test-company.example.jp"
    assert company["municipality"] == {"code": "131016", "name": "千代田区"}
    assert company["themes"] == ["sdg-4"]
    assert len(company["member_since"]) == 7  # YYYY-MM
    unverified = next(o for o in body["results"] if o["id"] == world.unverified.pk)
    assert unverified["verified"] is False


ORGANISATION_FILTERS = [
    ({"kind": "school"}, ["テスト市立第一中学校"]),
    ({"prefecture": 20, "kind": "municipality"}, ["長野県松本市"]),
    ({"q": "未確認"}, ["未確認の株式会社"]),
    ({"q": "未確認", "verified": "true"}, []),
]


def test_organisation_filters_match_the_directory(client, world):
    for params, expected in ORGANISATION_FILTERS:
        body = client.get(f"{API}/organisations", params).json()
        assert [o["name"] for o in body["results"]] == expected, params


def test_organisation_detail(client, world):
    school = world.personas.school
    body = client.get(f"{API}/organisations/{school.pk}").json()
    assert body["name"] == "テスト市立第一中学校" and body["kind"] == "school"
    assert body["url"] == f"https://sankangaku.example/organisations/{school.pk}/"


def test_themes_prefectures_and_municipalities(client, reference_data):
    themes = client.get(f"{API}/themes", {"kind": "sdg", "page_size": 100}).json()
    assert themes["count"] == 17
    sdg4 = next(t for t in themes["results"] if t["number"] == 4)
    assert sdg4["slug"] == "sdg-4" and sdg4["name_ja"] and sdg4["name_en"]
    assert client.get(f"{API}/themes/tourism").json()["kind"] == "domain"
    Theme.objects.filter(slug="tourism").update(is_active=False)
    assert client.get(f"{API}/themes/tourism").status_code == 404

    prefectures = client.get(f"{API}/prefectures", {"page_size": 100}).json()
    assert prefectures["count"] == 47
    assert [p["code"] for p in prefectures["results"]] == list(range(1, 48))
    assert client.get(f"{API}/prefectures", {"region": "shikoku"}).json()["count"] == 4
    assert client.get(f"{API}/prefectures/47").json()["name_en"] == "Okinawa"

    nagano = client.get(f"{API}/municipalities", {"prefecture": 20, "level": "city"}).json()
    codes = [m["code"] for m in nagano["results"]]
    assert codes == sorted(codes) and "202029" in codes
    matsumoto = client.get(f"{API}/municipalities/202029").json()
    assert matsumoto["name"] == "松本市" and matsumoto["prefecture"] == 20


def test_case_studies_published_only(client, world):
    body = client.get(f"{API}/case-studies").json()
    assert [c["title"] for c in body["results"]] == ["中学生プログラミング事例"]
    case = body["results"][0]
    assert case["organisations"] == [
        {
            "id": world.personas.company.pk,
            "kind": "company",
            "name": "テスト株式会社",
            "verified": True,
        }
    ]
    assert case["sdgs"] == ["sdg-4"] and case["students_involved"] == 30
    assert client.get(f"{API}/case-studies", {"sdg": 4}).json()["count"] == 1
    assert client.get(f"{API}/case-studies", {"sdg": 11}).json()["count"] == 0
    assert client.get(f"{API}/case-studies", {"prefecture": 13}).json()["count"] == 1
    assert client.get(f"{API}/case-studies", {"kind": "school"}).json()["count"] == 0
    assert client.get(f"{API}/case-studies/{world.case.pk}").status_code == 200


def test_list_query_counts_are_fixed(client, world, django_assert_max_num_queries):
    # postings: the ordered keys, the page's postings with their relations, their themes
    # (+ the filter form's look-ups when a prefecture or theme is given).
    with django_assert_max_num_queries(3):
        client.get(f"{API}/postings")
    # organisations: count, the page (prefecture and location joined), themes.
    with django_assert_max_num_queries(3):
        client.get(f"{API}/organisations")
    # case studies: count, the page, organisations, SDGs, photos.
    with django_assert_max_num_queries(5):
        client.get(f"{API}/case-studies")
