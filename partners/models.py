"""Organisations (company, municipality, school), their people, and reference data."""

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
    prefecture = models.ForeignKey(
        Prefecture,
        on_delete=models.PROTECT,
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
        return self.prefecture.display_name


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
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
