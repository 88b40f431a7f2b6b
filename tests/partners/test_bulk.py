"""CSV export (coordinators' region; administrators' own postings) and CSV import
(dry run, then all-or-nothing in Celery with a progress endpoint)."""

import csv
import io
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners import imports
from partners.identifiers import local_government_check_digit
from partners.models import AuditEvent, ImportJob, Organisation, Posting, Prefecture
from tests import factories

pytestmark = pytest.mark.django_db

ORG_HEADER = "kind,name,municipality_code,corporate_number,legal_form,industry\n"


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode() if response.streaming else None
    text = text or response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _records(response) -> list[dict[str, str]]:
    header, *rows = _rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _csv(text: str, *, encoding: str = "utf-8", name: str = "list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _company_rows(*numbers: int) -> str:
    return ORG_HEADER + "".join(
        f"company,株式会社インポート{n},202029,{factories.valid_corporate_number(900 + n)},kk,it\n"
        for n in numbers
    )


def _upload(client, upload, kind="organisations", publish=False):
    data = {"kind": kind, "file": upload}
    if publish:
        data["publish"] = "on"
    return client.post(reverse("partners:bulk"), data)


def _job(client, coordinator, text, **kwargs) -> ImportJob:
    client.force_login(coordinator)
    response = _upload(client, _csv(text, **{k: v for k, v in kwargs.items() if k == "encoding"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


def _login_in_english(client, user) -> None:
    """So the assertions can match the message text whatever the translations say."""
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client.force_login(user)


# --- Permissions ------------------------------------------------------------------------

COORDINATOR_URLS = [
    ("partners:bulk", []),
    ("partners:export_organisations", []),
    ("partners:export_postings", []),
    ("partners:export_proposals", []),
    ("partners:import_template", ["organisations"]),
]


@pytest.mark.parametrize(("name", "args"), COORDINATOR_URLS)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("company_admin", 404),
        ("company_member", 404),
        ("municipal_officer", 404),
        ("teacher", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_coordinator_pages_per_persona(client, personas, name, args, persona, status):
    user = personas.user(persona)
    if user:
        client.force_login(user)
    assert client.get(reverse(name, args=args)).status_code == status


@pytest.mark.parametrize(
    ("persona", "organisation", "status"),
    [
        ("municipal_officer", "municipality", 200),
        ("teacher", "school", 200),
        ("company_admin", "company", 403),  # only municipalities and schools
        ("company_member", "company", 403),
        ("outsider", "municipality", 404),
        ("teacher", "municipality", 404),
        ("coordinator", "municipality", 403),  # coordinators use their region's export
        ("anonymous", "municipality", 302),
    ],
)
def test_own_postings_export_per_persona(client, personas, persona, organisation, status):
    user = personas.user(persona)
    if user:
        client.force_login(user)
    org = getattr(personas, organisation)
    assert client.get(reverse("partners:postings_export", args=[org.pk])).status_code == status


def test_admin_exports_only_their_own_postings(client, personas):
    factories.make_posting(personas.municipality, title="松本の課題")
    factories.make_posting(personas.school, title="学校の課題", publish=False)
    client.force_login(personas.municipal_officer)
    response = client.get(reverse("partners:postings_export", args=[personas.municipality.pk]))
    assert [row["title"] for row in _records(response)] == ["松本の課題"]


# --- Exports ----------------------------------------------------------------------------


def test_exports_have_a_bom_and_neutralise_formulas(client, personas):
    factories.make_posting(personas.municipality, title='=HYPERLINK("http://evil")')
    client.force_login(personas.coordinator)
    response = client.get(reverse("partners:export_postings"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    assert any(row["title"] == '\'=HYPERLINK("http://evil")' for row in _records(response))
    for name in ("partners:export_organisations", "partners:export_proposals"):
        assert client.get(reverse(name)).content.startswith("\ufeff".encode())


def test_hokkaido_coordinator_sees_nothing_of_okinawa(client, reference_data):
    hokkaido, okinawa = Prefecture.objects.get(code=1), Prefecture.objects.get(code=47)
    north = factories.CompanyFactory(name="北の株式会社", prefecture=hokkaido, location=None)
    south = factories.CompanyFactory(name="南の株式会社", prefecture=okinawa, location=None)
    factories.make_posting(north, title="北の課題")
    factories.make_posting(south, title="南の課題")
    coordinator = factories.CoordinatorFactory(prefectures=[hokkaido]).user
    client.force_login(coordinator)
    organisations = client.get(reverse("partners:export_organisations")).content.decode()
    postings = client.get(reverse("partners:export_postings")).content.decode()
    proposals = client.get(reverse("partners:export_proposals")).content.decode()
    assert "北の株式会社" in organisations and "南の" not in organisations
    assert "北の課題" in postings and "南の" not in postings
    assert "南の" not in proposals


# --- Import: the dry run ----------------------------------------------------------------


def test_upload_page_documents_columns_and_offers_templates(client, personas):
    client.force_login(personas.coordinator)
    page = client.get(reverse("partners:bulk")).content.decode()
    assert "corporate_number" in page and "organisation_code" in page
    template = client.get(reverse("partners:import_template", args=["postings"]))
    assert template.content.startswith("\ufeff".encode())
    assert _rows(template)[0][:3] == ["organisation_code", "organisation_id", "direction"]
    assert client.get(reverse("partners:import_template", args=["nope"])).status_code == 404


def test_valid_file_previews_without_saving(client, personas):
    before = Organisation.objects.count()
    job = _job(client, personas.coordinator, _company_rows(1, 2))
    assert job.status == "ready" and len(job.rows) == 2 and job.errors == []
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.filter(action="organisation.imported").exists()
    page = client.get(reverse("partners:import_detail", args=[job.pk]))
    assert page.status_code == 200


def test_dry_run_reports_row_errors_and_saves_nothing(client, personas):
    unknown = "01999" + local_government_check_digit("01999")
    duplicate = personas.company.corporate_number
    text = (
        ORG_HEADER
        + "company,番号違い,202029,1234567890123,kk,it\n"
        + f"company,どこ,{unknown},{factories.valid_corporate_number(5)},kk,it\n"
        + f"company,重複,202029,{duplicate},kk,it\n"
        + "village,種別違い,202029,,,\n"
        + f"company,良い会社,202029,{factories.valid_corporate_number(6)},kk,it\n"
    )
    before = Organisation.objects.count()
    job = _job(client, personas.coordinator, text)
    assert job.status == "invalid" and job.rows == []
    by_row = {(e["row"], e["column"]) for e in job.errors}
    assert (2, "corporate_number") in by_row
    assert (3, "municipality_code") in by_row
    assert 4 in {row for row, _ in by_row}  # already registered: found by the rehearsal
    assert (5, "kind") in by_row
    assert 6 not in {row for row, _ in by_row}
    assert Organisation.objects.count() == before
    page = client.get(reverse("partners:import_detail", args=[job.pk])).content.decode()
    assert reverse("partners:import_start", args=[job.pk]) not in page


def test_posting_rows_with_bad_dates_are_reported(client, personas):
    text = (
        "organisation_code,direction,title,body,starts_on,ends_on\n"
        "202029,issue,空き家,空き家の活用,2027-13-01,\n"
        "202029,issue,観光,観光の課題,2027/4/1,2027/3/1\n"
    )
    client.force_login(personas.coordinator)
    assert _upload(client, _csv(text), kind="postings").status_code == 302
    job = ImportJob.objects.latest("pk")
    assert {(e["row"], e["column"]) for e in job.errors} == {(2, "starts_on"), (3, "ends_on")}
    assert not Posting.objects.filter(title__in=["空き家", "観光"]).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "errorlist"),  # Django's own "the submitted file is empty"
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV"),
        (b"kind,name\n\xff\xfe\xfd\x80", "could not be read"),
        ("名前,住所\nA,B\n".encode(), "Unknown columns"),
        (b"name,corporate_number\nA,1\n", "Required columns are missing"),
        (b"kind,name,municipality_code\n", "no data rows"),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_is_saved(client, personas, content, message):
    _login_in_english(client, personas.coordinator)
    response = _upload(client, SimpleUploadedFile("x.csv", content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_huge_file_is_refused_before_reading(client, personas, monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_UPLOAD_BYTES", 1000)
    _login_in_english(client, personas.coordinator)
    response = _upload(client, _csv(_company_rows(*range(40))))
    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_formula_cells_are_refused(client, personas):
    text = ORG_HEADER + (
        f'company,"=HYPERLINK(""http://evil"")",202029,'
        f"{factories.valid_corporate_number(7)},kk,it\n"
        f"company,@SUM(A1),202029,{factories.valid_corporate_number(8)},kk,it\n"
    )
    job = _job(client, personas.coordinator, text)
    assert job.status == "invalid"
    assert {(e["row"], e["column"]) for e in job.errors} == {(2, "name"), (3, "name")}


# --- Import: running it -----------------------------------------------------------------


def test_shift_jis_file_imports(client, personas, django_capture_on_commit_callbacks):
    job = _job(client, personas.coordinator, _company_rows(11, 12), encoding="cp932")
    assert job.encoding == "shift_jis" and job.status == "ready"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partners:import_start", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "succeeded" and job.created_count == 2
    created = Organisation.objects.get(name="株式会社インポート11")
    assert created.prefecture_id == 20 and created.location_id == "202029"
    assert not created.memberships.exists()  # the coordinator does not become its admin
    assert AuditEvent.objects.filter(
        action="organisation.imported", organisation=created, actor=personas.coordinator
    ).exists()
    # A second start (double submit) has no effect.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partners:import_start", args=[job.pk]))
    assert Organisation.objects.filter(name__startswith="株式会社インポート").count() == 2


def test_import_is_all_or_nothing(client, personas, django_capture_on_commit_callbacks):
    job = _job(client, personas.coordinator, _company_rows(21, 22, 23))
    # Between the preview and the run, someone registers the third company.
    third = job.rows[2]["data"]["corporate_number"]
    factories.CompanyFactory(name="先に登録", corporate_number=third)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partners:import_start", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "failed" and job.created_count == 0
    assert job.errors and job.errors[0]["row"] == 4
    assert not Organisation.objects.filter(name__startswith="株式会社インポート").exists()
    assert not AuditEvent.objects.filter(action="organisation.imported").exists()


def test_postings_are_drafts_unless_published_for_verified(
    client, personas, django_capture_on_commit_callbacks
):
    unverified = factories.SchoolFactory(name="未確認校", verification_status="unverified")
    text = (
        "organisation_code,organisation_id,direction,title,body,department,sdgs\n"
        "202029,,課題,空き家の活用,空き家を活用したい,建築住宅課,11 17\n"
        f",{unverified.pk},strength,生徒の発想,生徒がアイデアを出します,,4\n"
    )
    client.force_login(personas.coordinator)
    _upload(client, _csv(text), kind="postings", publish=True)
    job = ImportJob.objects.latest("pk")
    assert job.status == "ready", job.errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partners:import_start", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "succeeded" and (job.created_count, job.published_count) == (2, 1)
    issue = Posting.objects.get(title="空き家の活用")
    assert issue.status == "open" and issue.organisation == personas.municipality
    assert issue.body.startswith("【建築住宅課】")
    assert sorted(t.number for t in issue.themes.all()) == [11, 17]
    assert issue.contact == personas.municipal_officer
    assert Posting.objects.get(title="生徒の発想").status == "draft"


def test_posting_rows_outside_the_region_are_unknown(client, reference_data):
    okinawa_town = factories.CompanyFactory(
        prefecture=Prefecture.objects.get(code=47), location=None
    )
    coordinator = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=1)]).user
    text = f"organisation_id,direction,title,body\n{okinawa_town.pk},issue,題,本文\n"
    client.force_login(coordinator)
    _upload(client, _csv(text), kind="postings")
    job = ImportJob.objects.latest("pk")
    assert job.status == "invalid" and job.errors[0]["column"] == "organisation_code"


# --- The progress endpoint --------------------------------------------------------------


def test_status_endpoint_with_and_without_htmx(client, personas):
    job = _job(client, personas.coordinator, _company_rows(31))
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    cache.set(f"partners:import-job:{job.pk}:processed", 1)
    url = reverse("partners:import_status", args=[job.pk])
    full = client.get(url)
    assert full.status_code == 200 and "<html" in full.content.decode()
    partial = client.get(url, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body
    assert 'id="import-status"' in body and 'value="100"' in body and "hx-get" in body
    assert "HX-Request" in partial["Vary"]


def test_status_endpoint_stops_polling_when_done(client, personas):
    job = _job(client, personas.coordinator, _company_rows(32))
    ImportJob.objects.filter(pk=job.pk).update(status="succeeded", created_count=1)
    body = client.get(
        reverse("partners:import_status", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-get" not in body


def test_another_coordinators_job_is_404(client, personas):
    job = _job(client, personas.coordinator, _company_rows(33))
    other = factories.CoordinatorFactory().user
    client.force_login(other)
    for name in ("partners:import_status", "partners:import_detail"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("partners:import_start", args=[job.pk])).status_code == 404


# --- Round trip: export → import → export ------------------------------------------------

ORGANISATION_EXPORT_ONLY = {"id", "kind_label", "verification", "registered_at"}
POSTING_EXPORT_ONLY = {"id", "status", "status_label", "published_at", "expires_on"}


def _hokkaido_coordinator(client, language: str):
    coordinator = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=1)]).user
    coordinator.preferred_language = language
    coordinator.save(update_fields=["preferred_language"])
    client.force_login(coordinator)
    return coordinator


def _hokkaido_places():
    from partners.models import LocalGovernment

    return list(LocalGovernment.objects.filter(prefecture_id=1).order_by("code")[:3])


def _export_file(response, name: str) -> SimpleUploadedFile:
    """The downloaded bytes, unchanged, as the file to upload."""
    return SimpleUploadedFile(name, response.content, content_type="text/csv")


def _import(client, upload, kind, *, publish=False, capture) -> ImportJob:
    response = _upload(client, upload, kind=kind, publish=publish)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert (job.status, job.errors) == ("ready", [])  # the dry run finds nothing to fix
    with capture(execute=True):
        client.post(reverse("partners:import_start", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "succeeded", job.errors
    return job


def _comparable(response, skip: set[str]) -> list[dict[str, str]]:
    rows = [{k: v for k, v in row.items() if k not in skip} for row in _records(response)]
    return sorted(rows, key=lambda row: sorted(row.items()))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_organisations_export_imports_back_as_is(
    client, reference_data, language, django_capture_on_commit_callbacks
):
    sapporo, second, third = _hokkaido_places()
    hokkaido = Prefecture.objects.get(code=1)
    factories.CompanyFactory(
        name="=cmd|' /C calc'!A0",  # formula injection: escaped on export, literal again
        name_kana="カブシキガイシャ",
        prefecture=hokkaido,
        location=sapporo,
        description="1行目\n2行目, 「引用」",
    )
    factories.MunicipalityFactory(
        name=str(second), prefecture=hokkaido, local_government=second, location=second
    )
    factories.SchoolFactory(
        name="北の中学校", prefecture=hokkaido, location=third, school_code="C101310000018"
    )
    coordinator = _hokkaido_coordinator(client, language)
    exported = client.get(reverse("partners:export_organisations"))
    raw = exported.content
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    assert _rows(exported)[0][:4] == ["id", "kind", "kind_label", "name"]
    records = _records(exported)
    assert len(records) == 3
    assert "'=cmd|' /C calc'!A0" in [r["name"] for r in records]
    before = _comparable(exported, ORGANISATION_EXPORT_ONLY)

    # A clean organisation set: the region's organisations are gone, then imported back.
    Organisation.objects.filter(prefecture_id=1).delete()
    job = _import(
        client,
        _export_file(exported, "organisations.csv"),
        "organisations",
        capture=django_capture_on_commit_callbacks,
    )
    assert job.created_count == 3
    assert Organisation.objects.get(kind="company", prefecture_id=1).name == "=cmd|' /C calc'!A0"
    again = client.get(reverse("partners:export_organisations"))
    assert _comparable(again, ORGANISATION_EXPORT_ONLY) == before
    assert coordinator.preferred_language == language


@pytest.mark.parametrize("language", ["ja", "en"])
def test_postings_export_imports_back_as_is(
    client, reference_data, language, django_capture_on_commit_callbacks
):
    from partners.models import Theme

    sapporo, second, _third = _hokkaido_places()
    hokkaido = Prefecture.objects.get(code=1)
    company = factories.CompanyFactory(name="北の株式会社", prefecture=hokkaido, location=sapporo)
    town = factories.MunicipalityFactory(
        name=str(second), prefecture=hokkaido, local_government=second, location=second
    )
    sdgs = list(Theme.objects.filter(kind="sdg", number__in=[11, 17]))
    factories.make_posting(
        town,
        title="除雪の担い手",
        body="【建設課】\n冬の除雪を、地域の企業と一緒に。",
        place_scope="municipality",
        location=second,
        prefecture=hokkaido,
        starts_on=date(2027, 4, 1),
        ends_on=date(2028, 3, 31),
        funding_route="commission",
        budget_min=1_000_000,
        budget_max=3_000_000,
        themes=sdgs,
    )
    factories.make_posting(company, title="=1+2 の技術", direction="strength", visibility="members")
    factories.make_posting(company, title="全国どこでも", place_scope="nationwide", prefecture=None)
    factories.make_posting(company, title="オンラインで", place_scope="online", prefecture=None)
    _hokkaido_coordinator(client, language)
    exported = client.get(reverse("partners:export_postings"))
    assert exported.content.startswith("\ufeff".encode()) and b"\r\n" in exported.content
    records = _records(exported)
    assert len(records) == 4 and "'=1+2 の技術" in [r["title"] for r in records]
    before = _comparable(exported, POSTING_EXPORT_ONLY)

    # A clean posting set: the region's postings are gone, then imported back (published).
    Posting.objects.filter(organisation__prefecture_id=1).delete()
    job = _import(
        client,
        _export_file(exported, "postings.csv"),
        "postings",
        publish=True,
        capture=django_capture_on_commit_callbacks,
    )
    assert (job.created_count, job.published_count) == (4, 4)
    again = client.get(reverse("partners:export_postings"))
    assert _comparable(again, POSTING_EXPORT_ONLY) == before
    assert {r["status"] for r in _records(again)} == {"open"}


def test_posting_code_wins_over_the_id_of_another_database(client, personas):
    """An exported file carries both; in another database the ID may name someone else."""
    text = (
        "organisation_code,organisation_id,direction,title,body\n"
        f"202029,{personas.company.pk},issue,コード優先,本文\n"
    )
    client.force_login(personas.coordinator)
    _upload(client, _csv(text), kind="postings")
    job = ImportJob.objects.latest("pk")
    assert job.status == "ready", job.errors
    assert job.rows[0]["data"]["organisation"] == personas.municipality.pk


def test_export_only_columns_are_skipped_but_unknown_ones_refused(client, personas):
    _login_in_english(client, personas.coordinator)
    number = factories.valid_corporate_number(41)
    ok = (
        "id,kind_label,"
        + ORG_HEADER.strip()
        + f",registered_at\n9,企業,company,読む列,202029,{number},kk,it,2026-01-01\n"
    )
    job = _job(client, personas.coordinator, ok)
    assert job.status == "ready" and "id" not in job.rows[0]["data"]
    response = _upload(client, _csv("kind,name,municipality_code,nonsense\ncompany,a,202029,x\n"))
    assert "Unknown columns" in response.content.decode()
