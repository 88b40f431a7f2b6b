"""What the open API accepts and returns. Only public fields exist here: never a person (no
names, emails, contact persons or user ids), never a draft, never verification notes.

Bodies are language-independent: codes for choices, and both Japanese and English names
where the portal has both, so a response (and its ETag) is the same for every reader.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from partners.models import (
    BudgetStatus,
    Direction,
    FundingRoute,
    LocalGovernment,
    OrganisationKind,
    PlaceScope,
    Region,
)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 10_000
# PostgreSQL's bigint: larger ids cannot exist, and would be a database error, not a 404.
MAX_ID = 2**63 - 1

# Free text for the search filters: bounded, and without NUL (PostgreSQL refuses it in text).
NO_NUL = r"^[^\x00]*$"


def search_text(max_length: int) -> Any:
    return Field("", max_length=max_length, pattern=NO_NUL, description="Words to look for.")


def iso_date(description: str) -> Any:
    # A string, checked by the portal's form: pydantic's date would also take 0 or 1.5e9 as
    # a Unix time, which the schema's "format: date" does not promise.
    return Field(
        None,
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        json_schema_extra={"format": "date"},
        description=description,
    )


# --- Query parameters -------------------------------------------------------------------


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page."
    )


class OrganisationQuery(PageQuery):
    q: str = search_text(100)
    kind: OrganisationKind | None = None
    prefecture: int | None = Field(None, ge=1, le=47, description="Prefecture code (JIS X 0401).")
    verified: bool = Field(False, description="Only verified organisations.")


class PostingQuery(PageQuery):
    """The filters of the posting search page (partners.forms.PostingFilterForm)."""

    q: str = search_text(200)
    direction: Direction | None = None
    kind: OrganisationKind | None = Field(None, description="Kind of the posting organisation.")
    region: Region | None = None
    prefecture: int | None = Field(None, ge=1, le=47, description="Prefecture code (JIS X 0401).")
    theme: str | None = Field(
        None, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$", description="Theme slug (see /themes)."
    )
    funding: FundingRoute | None = None
    grade: int | None = Field(None, ge=1, le=12, description="School grade the posting covers.")
    period_from: str | None = iso_date("Active on or after this date (YYYY-MM-DD).")
    period_to: str | None = iso_date("Active on or before this date (YYYY-MM-DD).")
    sort: Literal["relevance", "newest", "deadline"] | None = Field(
        None, description="Default: relevance with words, newest without."
    )


class ThemeQuery(PageQuery):
    kind: Literal["sdg", "domain"] | None = None


class PrefectureQuery(PageQuery):
    region: Region | None = None


class MunicipalityQuery(PageQuery):
    prefecture: int | None = Field(None, ge=1, le=47, description="Prefecture code (JIS X 0401).")
    level: LocalGovernment.Level | None = None


class CaseStudyQuery(PageQuery):
    q: str = search_text(100)
    prefecture: int | None = Field(None, ge=1, le=47, description="Prefecture code (JIS X 0401).")
    sdg: int | None = Field(None, ge=1, le=17, description="SDG number, 1–17.")
    kind: OrganisationKind | None = Field(None, description="Kind of a participating organisation.")


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PrefectureCode = Annotated[int, Field(ge=1, le=47)]
LocalGovernmentCode = Annotated[str, Field(pattern=r"^[0-9]{6}$")]
Slug = Annotated[str, Field(max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]


# --- Responses --------------------------------------------------------------------------


class ErrorItem(Schema):
    loc: list[str | int] = Field(description='Where the problem is, e.g. ["query", "page"].')
    msg: str
    type: str


class ErrorOut(Schema):
    detail: str | list[ErrorItem]


class PrefectureRef(Schema):
    code: int
    name: str
    name_en: str


class MunicipalityRef(Schema):
    code: str
    name: str


class OrganisationRef(Schema):
    id: int
    kind: OrganisationKind
    name: str
    verified: bool


class OrganisationOut(Schema):
    id: int
    kind: OrganisationKind
    name: str
    prefecture: PrefectureRef | None
    municipality: MunicipalityRef | None
    website: str
    verified: bool
    member_since: str = Field(description="Year and month of registration, YYYY-MM.")
    themes: list[str] = Field(description="Theme slugs (see /themes).")
    url: str = Field(description="The public profile page.")


class PostingOut(Schema):
    id: int
    url: str = Field(description="The public posting page.")
    organisation: OrganisationRef
    direction: Direction
    title: str
    body: str
    # Framing of an issue
    situation: str
    desired_outcome: str
    constraints: str
    assets: str
    partnership_forms: str
    # Framing of a strength
    offer_what: str
    offer_for_whom: str
    conditions: str
    capacity: str
    themes: list[str] = Field(description="Theme slugs (see /themes).")
    place_scope: PlaceScope
    prefecture: PrefectureRef | None
    municipality: MunicipalityRef | None
    online_ok: bool
    starts_on: date | None
    ends_on: date | None
    school_year: int | None = Field(description="Year in which the school year starts (April).")
    terms: list[str]
    grade_from: int | None
    grade_to: int | None
    student_count: int | None
    class_hours: int | None
    budget_status: BudgetStatus | Literal[""]
    funding_route: FundingRoute
    budget_min: int | None
    budget_max: int | None
    is_open_call: bool
    call_budget: int | None
    call_deadline: date | None
    selection_criteria: str
    expires_on: date | None
    published_at: datetime | None


class ThemeOut(Schema):
    slug: str
    kind: Literal["sdg", "domain"]
    number: int | None = Field(description="SDG number, 1–17; null for domain themes.")
    name_ja: str
    name_en: str
    color: str


class PrefectureOut(Schema):
    code: int
    name: str
    kana: str
    name_en: str
    region: Region


class MunicipalityOut(Schema):
    code: str = Field(description="全国地方公共団体コード (6 digits).")
    prefecture: int = Field(description="Prefecture code.")
    name: str
    kana: str
    level: LocalGovernment.Level
    latitude: float | None
    longitude: float | None


class CaseStudyOut(Schema):
    id: int
    url: str = Field(description="The public case study page.")
    title: str
    summary: str
    prefecture: PrefectureRef | None
    organisations: list[OrganisationRef]
    sdgs: list[str] = Field(description="Theme slugs (see /themes).")
    students_involved: int
    events_held: int
    published_at: datetime | None


class PageOut(Schema):
    count: int = Field(description="Number of results over all pages.")
    page: int
    page_size: int
    num_pages: int
    next: str | None = Field(description="URL of the next page, if any.")
    previous: str | None = Field(description="URL of the previous page, if any.")


class OrganisationPage(PageOut):
    results: list[OrganisationOut]


class PostingPage(PageOut):
    capped: bool = Field(
        description="More postings matched than the search keeps (count is then the cap): "
        "add a word or a filter."
    )
    results: list[PostingOut]


class ThemePage(PageOut):
    results: list[ThemeOut]


class PrefecturePage(PageOut):
    results: list[PrefectureOut]


class MunicipalityPage(PageOut):
    results: list[MunicipalityOut]


class CaseStudyPage(PageOut):
    results: list[CaseStudyOut]
