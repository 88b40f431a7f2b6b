"""Registering and editing organisations through the real pages, and the public directory."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from partners.models import Membership, Organisation
from tests import factories

pytestmark = pytest.mark.django_db

VALID_CN = factories.valid_corporate_number(123_456_789)


def company_form(**overrides):
    data = {
        "kind": "company",
        "name": "信州みらい電機株式会社",
        "name_kana": "しんしゅうみらいでんき",
        "corporate_number": VALID_CN,
        "legal_form": "kk",
        "industry": "manufacturing",
        "company_size": "medium",
        "prefecture": "20",
        "location": "202029",
        "description": "松本市の電子部品メーカーです。",
        "website": "https://mirai-denki.example.jp",
        "themes": [],
    }
    data.update(overrides)
    return data


def test_company_registration_makes_the_user_admin(client, personas):
    client.force_login(personas.outsider)
    response = client.post(reverse("partners:create"), company_form())
    organisation = Organisation.objects.get(name="信州みらい電機株式会社")
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert Membership.objects.get(organisation=organisation).role == "admin"
    assert organisation.verification_status == "unverified"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("corporate_number", "1234567890123"),  # wrong check digit
        ("corporate_number", "12345"),
        ("corporate_number", "abcdefghijklm"),
        ("corporate_number", ""),
        ("location", "131016"),  # Chiyoda is not in Nagano
        ("prefecture", "99"),
        ("website", "javascript:alert(1)"),
        ("name", ""),
    ],
)
def test_bad_company_input_gets_a_message_and_changes_nothing(client, personas, field, value):
    client.force_login(personas.outsider)
    before = Organisation.objects.count()
    response = client.post(reverse("partners:create"), company_form(**{field: value}))
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode() or "errorlist" in (
        response.content.decode()
    )
    assert Organisation.objects.count() == before


def test_full_width_corporate_number_is_normalised(client, personas):
    client.force_login(personas.outsider)
    full_width = VALID_CN.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    client.post(reverse("partners:create"), company_form(corporate_number=full_width))
    assert Organisation.objects.get(name="信州みらい電機株式会社").corporate_number == VALID_CN


def test_duplicate_corporate_number_is_refused(client, personas):
    client.force_login(personas.outsider)
    response = client.post(
        reverse("partners:create"),
        company_form(corporate_number=personas.company.corporate_number),
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode() or "既に" in (
        response.content.decode()
    )


def test_municipality_is_chosen_by_code_and_only_once(client, personas, reference_data):
    client.force_login(personas.outsider)
    data = {"kind": "municipality", "prefecture": "20", "local_government_code": "２０３０４１"}
    response = client.post(reverse("partners:create"), data)
    assert response.status_code == 302
    organisation = Organisation.objects.get(local_government_id="203041")
    assert organisation.name.endswith("村")
    again = client.post(reverse("partners:create"), data)
    assert again.status_code == 200
    assert Organisation.objects.filter(local_government_id="203041").count() == 1


def test_municipality_code_with_bad_check_digit(client, personas):
    client.force_login(personas.outsider)
    response = client.post(
        reverse("partners:create"),
        {"kind": "municipality", "prefecture": "13", "local_government_code": "131017"},
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(kind="municipality", prefecture_id=13).exists()


def test_school_code_must_match_prefecture(client, personas):
    client.force_login(personas.teacher)
    data = {
        "kind": "school",
        "name": "あおば中学校",
        "school_kind": "junior_high",
        "prefecture": "20",
        "location": "202029",
    }
    data["school_code"] = "C113210000019"  # prefecture 13 (Tokyo), school in Nagano (20)
    response = client.post(reverse("partners:create"), data)
    assert response.status_code == 200
    assert not Organisation.objects.filter(school_code="C113210000019").exists()
    data["school_code"] = "c120210000019"
    response = client.post(reverse("partners:create"), data)
    assert response.status_code == 302
    assert Organisation.objects.filter(school_code="C120210000019").exists()


def test_municipality_options_fragment(client, reference_data):
    response = client.get(
        reverse("partners:municipality_options"),
        {"prefecture": "20"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "松本市" in body and "長野県" not in body
    with_pref = client.get(
        reverse("partners:municipality_options"), {"prefecture": "20", "with_prefecture": "1"}
    )
    assert "長野県" in with_pref.content.decode()
    assert (
        client.get(reverse("partners:municipality_options"), {"prefecture": "x"}).status_code == 200
    )


def test_admin_edits_profile(client, personas):
    client.force_login(personas.company_admin)
    url = reverse("partners:edit", args=[personas.company.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        company_form(
            name="テスト株式会社（新）", corporate_number=personas.company.corporate_number
        ),
    )
    assert response.status_code == 302
    personas.company.refresh_from_db()
    assert personas.company.name == "テスト株式会社（新）"


def test_mass_assignment_is_ignored(client, personas):
    client.force_login(personas.company_admin)
    url = reverse("partners:edit", args=[personas.company.pk])
    personas.company.verification_status = "unverified"
    personas.company.save()
    client.post(
        url,
        company_form(
            corporate_number=personas.company.corporate_number,
            verification_status="verified",
            kind="school",
            verified_by=personas.company_admin.pk,
        ),
    )
    personas.company.refresh_from_db()
    assert personas.company.verification_status == "unverified"
    assert personas.company.kind == "company"
    assert personas.company.verified_by is None


def test_directory_filters_and_htmx_partial(client, personas):
    url = reverse("partners:list")
    page = client.get(url, {"kind": "school"}).content.decode()
    assert "テスト市立第一中学校" in page and "テスト株式会社" not in page
    partial = client.get(url, {"q": "テスト"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<section id="organisation-results"')
    assert "<html" not in body
    assert client.get(url, {"prefecture": "nope", "page": "x"}).status_code == 200


def test_directory_query_count_is_fixed(client, personas):
    for _ in range(15):
        factories.CompanyFactory()
    # Queries: session-less anonymous request →
    # 1 count for the paginator, 1 page of keys, 1 for the cards' versions (partners.cards),
    # 1 for the prefecture filter choices, the first time in a process only
    # (sankangaku.forms.ReferenceChoiceField); cards not cached yet: +2 (the organisations
    # with prefecture, location and stats, their themes).
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("partners:list"))
    assert response.status_code == 200
    assert len(queries) == 6, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("partners:list"))
    assert len(queries) == 3, [q["sql"] for q in queries]
    grid = re.compile(rb'<div class="card-grid">.*?</div>', re.S)  # the nonce differs
    assert grid.search(again.content).group() == grid.search(response.content).group()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), "#3366cc").save(buffer, "PNG")
    return buffer.getvalue()


def test_logo_upload_and_public_profile(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.company_admin)
    url = reverse("partners:logo", args=[personas.company.pk])
    upload = SimpleUploadedFile("../../etc/passwd.png", _png(), content_type="image/png")
    response = client.post(url, {"logo": upload})
    assert response.status_code == 302
    personas.company.refresh_from_db()
    assert "passwd" not in personas.company.logo.name
    assert personas.company.logo_thumbnail
    client.logout()
    profile = client.get(personas.company.get_absolute_url()).content.decode()
    assert personas.company.logo.url in profile


def test_hostile_logo_gets_message_and_no_change(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.company_admin)
    url = reverse("partners:logo", args=[personas.company.pk])
    upload = SimpleUploadedFile(
        "logo.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
    )
    response = client.post(url, {"logo": upload})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    personas.company.refresh_from_db()
    assert not personas.company.logo


def test_oversized_logo_is_refused_before_reading(client, personas):
    client.force_login(personas.company_admin)
    url = reverse("partners:logo", args=[personas.company.pk])
    response = client.post(
        url,
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(20 * 1024 * 1024),
    )
    assert response.status_code == 200
    assert "5" in response.content.decode()
    personas.company.refresh_from_db()
    assert not personas.company.logo


def test_logo_post_without_csrf_token_is_refused(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.company_admin)
    upload = SimpleUploadedFile("a.png", _png(), content_type="image/png")
    response = client.post(reverse("partners:logo", args=[personas.company.pk]), {"logo": upload})
    assert response.status_code == 403
    personas.company.refresh_from_db()
    assert not personas.company.logo
