"""Organisations (company, municipality, school), their people, and reference data."""

import math

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# --- Reference data (loaded by `manage.py load_reference_data`, never typed by hand) -------


class Region(models.TextChoices):
    HOKKAIDO = "hokkaido", _("Hokkaido")
    TOHOKU = "tohoku", _("Tohoku")
    KANTO = "kanto", _("Kanto")
    CHUBU = "chubu", _("Chubu")
    KINKI = "kinki", _("Kinki")
    CHUGOKU = "chugoku", _("Chugoku")
    SHIKOKU = "shikoku", _("Shikoku")
    KYUSHU = "kyushu", _("Kyushu and Okinawa")


class Prefecture(models.Model):
    """One of the 47 prefectures; `code` is the JIS X 0401 number (1 = Hokkaido … 47)."""

    code = models.PositiveSmallIntegerField(primary_key=True)
    name = models.CharField(_("name"), max_length=10, unique=True)
    kana = models.CharField(_("kana"), max_length=20)
    name_en = models.CharField(_("English name"), max_length=20)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "ja").startswith("en") else self.name


class LocalGovernment(models.Model):
    """A prefecture or municipality with its 全国地方公共団体コード (6 digits, check digit)."""

    class Level(models.TextChoices):
        PREFECTURE = "prefecture", _("Prefecture")
        CITY = "city", _("City")
        SPECIAL_WARD = "special_ward", _("Special ward")
        WARD = "ward", _("Ward of a designated city")
        TOWN = "town", _("Town")
        VILLAGE = "village", _("Village")

    code = models.CharField(_("local government code"), max_length=6, primary_key=True)
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="local_governments"
    )
    name = models.CharField(_("name"), max_length=40)
    kana = models.CharField(_("kana"), max_length=60, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("local government")
        verbose_name_plural = _("local governments")

    def __str__(self) -> str:
        if self.level == self.Level.PREFECTURE:
            return self.name
        return f"{self.prefecture.name}{self.name}"


class Theme(models.Model):
    """An SDG goal (1–17, with its official colour) or a domain theme; editable by staff."""

    class Kind(models.TextChoices):
        SDG = "sdg", _("SDG")
        DOMAIN = "domain", _("Domain theme")

    slug = models.SlugField(unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("SDG number"), null=True, blank=True)
    name_ja = models.CharField(_("Japanese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    color = models.CharField(_("colour"), max_length=7, default="#5a6b7b")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "position", "slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=Q(kind="sdg"), name="theme_unique_sdg_number"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "ja").startswith("en") else self.name_ja


# --- Organisations ----------------------------------------------------------------------


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company / NPO")
    MUNICIPALITY = "municipality", _("Municipality")
    SCHOOL = "school", _("School")


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not verified")
    PENDING = "pending", _("Waiting for a coordinator")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Verification refused")


class LegalForm(models.TextChoices):
    KABUSHIKI = "kk", _("Kabushiki kaisha (株式会社)")
    GODO = "gk", _("Godo kaisha (合同会社)")
    YUGEN = "yk", _("Yugen kaisha (有限会社)")
    NPO = "npo", _("NPO corporation (NPO法人)")
    GENERAL_ASSOCIATION = "ippan_shadan", _("General incorporated association (一般社団法人)")
    GENERAL_FOUNDATION = "ippan_zaidan", _("General incorporated foundation (一般財団法人)")
    PUBLIC_INTEREST = "koeki", _("Public interest corporation (公益法人)")
    COOPERATIVE = "kumiai", _("Cooperative (協同組合)")
    OTHER = "other", _("Other")


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    IT = "it", _("IT and communications")
    FINANCE = "finance", _("Finance and insurance")
    RETAIL = "retail", _("Retail and wholesale")
    CONSTRUCTION = "construction", _("Construction and real estate")
    ENERGY = "energy", _("Energy and utilities")
    TRANSPORT = "transport", _("Transport and logistics")
    FOOD = "food", _("Food and agriculture")
    TOURISM = "tourism", _("Tourism and hospitality")
    HEALTH = "health", _("Health and welfare")
    MEDIA = "media", _("Media and advertising")
    EDUCATION = "education", _("Education services")
    CONSULTING = "consulting", _("Consulting and professional services")
    NONPROFIT = "nonprofit", _("Non-profit activities")
    OTHER = "other", _("Other")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("1–19 employees")
    SMALL = "small", _("20–99 employees")
    MEDIUM = "medium", _("100–299 employees")
    LARGE = "large", _("300–999 employees")
    ENTERPRISE = "enterprise", _("1,000 employees or more")


class SchoolKind(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    ELEMENTARY = "elementary", _("Elementary school")
    JUNIOR_HIGH = "junior_high", _("Junior high school")
    COMPULSORY = "compulsory", _("Compulsory education school")
    HIGH = "high", _("High school")
    SECONDARY = "secondary", _("Secondary school")
    SPECIAL_NEEDS = "special_needs", _("Special needs school")
    UNIVERSITY = "university", _("University")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    TECHNICAL_COLLEGE = "technical_college", _("College of technology (高専)")
    VOCATIONAL = "vocational", _("Vocational school")


def logo_upload_to(instance: "Organisation", filename: str) -> str:
    # The name is always generated by partners.uploads; never the uploader's.
    return f"logos/{filename}"


class Organisation(models.Model):
    """A company/NPO, a municipality or a school: one table, kind-specific fields validated
    by `partners.forms` and `partners.identifiers`."""

    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=120)
    name_kana = models.CharField(_("name in kana"), max_length=200, blank=True)
    # Required by every form; NULL only for organisations imported without a known place
    # (e.g. evaluation cases whose company location is unknown).
    prefecture = models.ForeignKey(
        Prefecture,
        on_delete=models.PROTECT,
        null=True,
        related_name="organisations",
        verbose_name=_("prefecture"),
    )
    # For a company this is its head office (used by funding-route rules such as
    # 企業版ふるさと納税, which a company cannot give to its own head-office municipality).
    location = models.ForeignKey(
        LocalGovernment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="located_organisations",
        verbose_name=_("municipality"),
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="organisations", verbose_name=_("SDGs and themes")
    )
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True)
    logo_thumbnail = models.ImageField(upload_to=logo_upload_to, blank=True, editable=False)

    verification_status = models.CharField(
        _("verification"),
        max_length=12,
        choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verification_method = models.CharField(_("verification method"), max_length=20, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    verification_requested_at = models.DateTimeField(null=True, blank=True)

    # company
    # NULL (not "") when absent, so the conditional unique constraint ignores it.
    corporate_number = models.CharField(  # noqa: DJ001
        _("corporate number (法人番号)"), max_length=13, null=True, blank=True
    )
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, blank=True
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    company_size = models.CharField(
        _("size"), max_length=12, choices=CompanySize.choices, blank=True
    )
    # municipality
    local_government = models.OneToOneField(
        LocalGovernment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("local government"),
    )
    # school
    school_code = models.CharField(  # noqa: DJ001 - NULL when absent, as above
        _("school code (学校コード)"), max_length=13, null=True, blank=True
    )
    school_kind = models.CharField(
        _("school kind"), max_length=20, choices=SchoolKind.choices, blank=True
    )
    grade_from = models.PositiveSmallIntegerField(_("from grade"), null=True, blank=True)
    grade_to = models.PositiveSmallIntegerField(_("to grade"), null=True, blank=True)
    student_count = models.PositiveIntegerField(_("number of students"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=Q(corporate_number__isnull=False),
                name="organisation_unique_corporate_number",
                violation_error_message=_(
                    "An organisation with this corporate number is already registered."
                ),
            ),
            models.UniqueConstraint(
                fields=["school_code"],
                condition=Q(school_code__isnull=False),
                name="organisation_unique_school_code",
                violation_error_message=_("A school with this school code is already registered."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "verification_status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", kwargs={"pk": self.pk})

    @property
    def is_verified(self) -> bool:
        """Only verified organisations may publish (later issues rely on this)."""
        return self.verification_status == VerificationStatus.VERIFIED

    @property
    def place_label(self) -> str:
        if self.location_id:
            return str(self.location)
        return self.prefecture.display_name if self.prefecture_id else ""


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "created_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Invitation(models.Model):
    """An emailed invitation to join an organisation. Only a hash of the token is stored."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Coordinator(models.Model):
    """A platform coordinator. With no prefectures they cover the whole country."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator"
    )
    prefectures = models.ManyToManyField(Prefecture, blank=True, related_name="coordinators")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")

    def __str__(self) -> str:
        return str(self.user)


class AuditEvent(models.Model):
    """Who did what to which organisation, and when. Written by services only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        # A project page lists its history (projects.selectors.history_for).
        indexes = [models.Index(models.F("data__project"), name="audit_data_project")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


# --- Postings: stated issues and strengths -----------------------------------------------


class Direction(models.TextChoices):
    ISSUE = "issue", _("Issue (what we need)")
    STRENGTH = "strength", _("Strength (what we can offer)")


class PostingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for coordinator review")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Signed-in members")
    COORDINATORS = "coordinators", _("Coordinators only")


class PlaceScope(models.TextChoices):
    MUNICIPALITY = "municipality", _("A municipality")
    PREFECTURE = "prefecture", _("A prefecture")
    NATIONWIDE = "nationwide", _("Nationwide")
    ONLINE = "online", _("Online")


class FundingRoute(models.TextChoices):
    CORPORATE_FURUSATO = (
        "corporate_furusato",
        _("Corporate hometown tax donation (企業版ふるさと納税)"),
    )
    COMMISSION = "commission", _("Commission (委託)")
    SPONSORSHIP = "sponsorship", _("Sponsorship (協賛)")
    IN_KIND = "in_kind", _("In kind (現物・人的支援)")
    VOLUNTEER = "volunteer", _("Volunteer / pro bono")
    UNDECIDED = "undecided", _("Undecided")


class BudgetStatus(models.TextChoices):
    THIS_YEAR = "this_year", _("Budget secured this fiscal year")
    NEXT_YEAR = "next_year", _("Budget to be requested for next fiscal year")
    NONE = "none", _("No budget")


class TermChoice(models.TextChoices):
    """School terms; stored in Japanese because that is how schools name them."""

    FIRST = "1学期", _("1st term")
    SECOND = "2学期", _("2nd term")
    THIRD = "3学期", _("3rd term")
    FIRST_SEMESTER = "前期", _("First semester")
    SECOND_SEMESTER = "後期", _("Second semester")
    WHOLE_YEAR = "通年", _("Whole year")


class Posting(models.Model):
    """A stated issue (課題) or strength (強み) of an organisation.

    It belongs to the organisation, not to the person who wrote it: `contact` may change
    (hand-over) and may be empty after someone leaves. `search_tokens` and `search_ngrams`
    hold the text as analysed by matching.analysis, for the search box.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="postings",
        verbose_name=_("organisation"),
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("summary"), max_length=4000)
    # Framing template: an issue.
    situation = models.TextField(_("current situation"), max_length=2000, blank=True)
    desired_outcome = models.TextField(_("desired outcome"), max_length=2000, blank=True)
    constraints = models.TextField(_("constraints"), max_length=2000, blank=True)
    assets = models.TextField(_("data or assets available"), max_length=2000, blank=True)
    partnership_forms = models.TextField(
        _("acceptable forms of partnership"), max_length=2000, blank=True
    )
    # Framing template: a strength.
    offer_what = models.TextField(_("what exactly we offer"), max_length=2000, blank=True)
    offer_for_whom = models.TextField(_("for whom"), max_length=2000, blank=True)
    conditions = models.TextField(_("conditions"), max_length=2000, blank=True)
    capacity = models.TextField(_("capacity"), max_length=2000, blank=True)

    themes = models.ManyToManyField(
        Theme, blank=True, related_name="postings", verbose_name=_("themes")
    )
    place_scope = models.CharField(
        _("place"), max_length=12, choices=PlaceScope.choices, default=PlaceScope.MUNICIPALITY
    )
    prefecture = models.ForeignKey(
        Prefecture,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postings",
        verbose_name=_("prefecture"),
    )
    location = models.ForeignKey(
        LocalGovernment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postings",
        verbose_name=_("municipality"),
    )
    online_ok = models.BooleanField(_("online is fine"), default=False)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    # Schools
    school_year = models.PositiveSmallIntegerField(
        _("school year"),
        null=True,
        blank=True,
        help_text=_("The year in which the school year starts in April, e.g. 2027."),
    )
    terms = models.JSONField(_("terms"), default=list, blank=True)
    grade_from = models.PositiveSmallIntegerField(_("from grade"), null=True, blank=True)
    grade_to = models.PositiveSmallIntegerField(_("to grade"), null=True, blank=True)
    student_count = models.PositiveIntegerField(_("number of students"), null=True, blank=True)
    class_hours = models.PositiveSmallIntegerField(_("class hours"), null=True, blank=True)
    # Municipalities
    budget_status = models.CharField(
        _("budget"), max_length=10, choices=BudgetStatus.choices, blank=True
    )
    funding_route = models.CharField(
        _("funding route"),
        max_length=20,
        choices=FundingRoute.choices,
        default=FundingRoute.UNDECIDED,
    )
    budget_min = models.PositiveIntegerField(_("budget from (yen)"), null=True, blank=True)
    budget_max = models.PositiveIntegerField(_("budget up to (yen)"), null=True, blank=True)

    visibility = models.CharField(
        _("who can see it"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PostingStatus.choices, default=PostingStatus.DRAFT
    )
    wants_review = models.BooleanField(
        _("ask a coordinator to review before publishing"), default=False
    )
    review_note = models.TextField(_("review note"), blank=True)

    # Open call (逆指名): an issue with a budget, deadline and selection criteria fixed up front.
    is_open_call = models.BooleanField(_("open call for proposals"), default=False)
    call_budget = models.PositiveIntegerField(_("call budget (yen)"), null=True, blank=True)
    call_deadline = models.DateField(_("proposal deadline"), null=True, blank=True)
    selection_criteria = models.TextField(_("selection criteria"), max_length=2000, blank=True)

    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    last_confirmed_at = models.DateTimeField(_("last confirmed"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    search_tokens = models.TextField(blank=True, editable=False)
    search_ngrams = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        indexes = [
            models.Index(fields=["status", "visibility", "-published_at"]),
            models.Index(fields=["status", "expires_on"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partners:posting_detail", kwargs={"pk": self.pk})

    @property
    def freshness(self) -> str:
        """The card's traffic light: "fresh", "needs_confirmation" (expires within the
        reminder window), "expired", or "" for drafts and closed postings."""
        today = timezone.localdate()
        if self.status == PostingStatus.EXPIRED or (
            self.status == PostingStatus.OPEN and self.expires_on and self.expires_on < today
        ):
            return "expired"
        if self.status != PostingStatus.OPEN:
            return ""
        if self.expires_on and (self.expires_on - today).days <= settings.POSTING_REMIND_DAYS:
            return "needs_confirmation"
        return "fresh"

    def get_freshness_display(self) -> str:
        return {
            "fresh": _("Fresh"),
            "needs_confirmation": _("Needs confirmation"),
            "expired": _("Expired"),
        }.get(self.freshness, "")

    @property
    def terms_display(self) -> str:
        labels = dict(TermChoice.choices)
        return "・".join(str(labels.get(term, term)) for term in self.terms or [])

    @property
    def framing(self) -> list[tuple[str, str]]:
        """The framing answers that were filled in, as (label, text) pairs."""
        names = (
            ["situation", "desired_outcome", "constraints", "assets", "partnership_forms"]
            if self.direction == Direction.ISSUE
            else ["offer_what", "offer_for_whom", "conditions", "capacity"]
        )
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in names
            if getattr(self, name)
        ]


class CallResponse(models.Model):
    """A short structured proposal answering an open call."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        CHOSEN = "chosen", _("Chosen")
        NOT_CHOSEN = "not_chosen", _("Not chosen")

    call = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="call_responses"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    idea = models.TextField(_("idea"), max_length=2000)
    who = models.TextField(_("who would do it"), max_length=1000)
    when = models.TextField(_("when"), max_length=500)
    cost = models.PositiveIntegerField(_("cost (yen)"), null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("response to an open call")
        verbose_name_plural = _("responses to open calls")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"], name="call_response_one_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.call}"


# --- Trust signals and bulk import (issue #7) ---------------------------------------------


class OrganisationStats(models.Model):
    """Trust signals of an organisation, computed periodically by `partners.trust` (beat task
    and `manage.py compute_trust_signals`); pages only read this row, never compute it."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    # Introductions (approved proposals) the organisation was asked to answer in the window,
    # counting only answered ones and those whose answer period lapsed.
    introductions = models.PositiveIntegerField(_("introductions"), default=0)
    answered = models.PositiveIntegerField(_("answered"), default=0)
    median_response_hours = models.FloatField(_("median response time (hours)"), null=True)
    completed_projects = models.PositiveIntegerField(_("completed projects"), default=0)
    published_case_studies = models.PositiveIntegerField(_("published case studies"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("organisation statistics")
        verbose_name_plural = _("organisation statistics")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.answered}/{self.introductions}"

    @property
    def response_rate(self) -> int | None:
        """Percentage of introductions answered, or None without any."""
        if not self.introductions:
            return None
        return round(100 * self.answered / self.introductions)

    @property
    def reply_days(self) -> int | None:
        """ "Usually replies within N days": the median rounded up, at least one day."""
        if self.median_response_hours is None:
            return None
        return max(1, math.ceil(self.median_response_hours / 24))


class ImportJob(models.Model):
    """A coordinator's CSV import: previewed (dry run), then run all-or-nothing by Celery.

    The parsed rows are kept as JSON (not the uploaded file), so nothing private is written
    to public media; `errors` holds row-level problems as {"row", "column", "message"}.
    """

    class Kind(models.TextChoices):
        ORGANISATIONS = "organisations", _("Organisations")
        POSTINGS = "postings", _("Issues and strengths")

    class Status(models.TextChoices):
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        SUCCEEDED = "succeeded", _("Imported")
        FAILED = "failed", _("Failed; nothing was saved")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    publish = models.BooleanField(_("publish imported postings"), default=False)
    rows = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    published_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED, self.Status.INVALID}

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 0
