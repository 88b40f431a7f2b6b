"""Co-creation projects born from accepted proposals.

A project belongs to its organisations (ProjectParty), never to a person: contacts are named
per party and can be handed over when staff rotate (異動). It is `forming` until every party
has signed the current text of the agreement (連携協定 / MoU) and, when it involves school
visits or minors, the safety and consent checklist is complete; then it is `active`, and
later `completed` or `cancelled`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .storage import private_storage


class ProjectState(models.TextChoices):
    FORMING = "forming", _("Forming")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Project(models.Model):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    proposal = models.OneToOneField(
        "matching.MatchProposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project",
    )
    posting = models.ForeignKey(
        "partners.Posting", on_delete=models.PROTECT, related_name="projects"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ProjectState.choices, default=ProjectState.FORMING
    )
    # School visits or minors: the safety and consent checklist gates `active`.
    involves_minors = models.BooleanField(_("involves school visits or minors"), default=False)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["state", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"pk": self.pk})


class PartyRole(models.TextChoices):
    """What each kind of organisation brings (the issue's typed roles)."""

    COMPANY = "company", _("Company: resources and funding")
    MUNICIPALITY = "municipality", _("Municipality: issue owner, field and budget")
    SCHOOL = "school", _("School: grade, unit and students")


class ProjectParty(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="project_parties"
    )
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_contacts",
        verbose_name=_("contact person"),
    )
    commitments = models.TextField(_("commitments"), blank=True, max_length=2000)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("project party")
        verbose_name_plural = _("project parties")
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="project_party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.organisation_id} ({self.role})"


class Agreement(models.Model):
    """A light partnership agreement (連携協定). Changing the text makes a new version, and
    sign-offs count only for the version they signed."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="agreement")
    version = models.PositiveIntegerField(default=1)
    purpose = models.TextField(_("purpose"), max_length=4000)
    roles = models.TextField(_("roles of each party"), max_length=4000)
    period = models.TextField(_("period"), max_length=1000)
    costs = models.TextField(_("costs and funding route"), max_length=2000)
    intellectual_property = models.TextField(
        _("intellectual property and publicity"), max_length=2000
    )
    personal_data = models.TextField(_("personal data and photos"), max_length=2000)
    safety = models.TextField(_("safety"), max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    TEXT_FIELDS = (
        "purpose",
        "roles",
        "period",
        "costs",
        "intellectual_property",
        "personal_data",
        "safety",
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.project_id} v{self.version}"


class AgreementSignoff(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signoffs")
    party = models.ForeignKey(ProjectParty, on_delete=models.CASCADE, related_name="signoffs")
    version = models.PositiveIntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement sign-off")
        verbose_name_plural = _("agreement sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party", "version"], name="agreement_signoff_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.party_id} signed v{self.version}"


class SafetyChecklist(models.Model):
    """Required before a project with school visits or minors becomes active."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="checklist")
    insurance = models.BooleanField(_("insurance arranged"), default=False)
    responsibility_split = models.BooleanField(
        _("responsibilities on site agreed (who supervises the students)"), default=False
    )
    photo_consent = models.BooleanField(
        _("photo and publication consent from guardians"), default=False
    )
    prior_meeting = models.BooleanField(_("prior meeting held with the school"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    ITEMS = ("insurance", "responsibility_split", "photo_consent", "prior_meeting")

    class Meta:
        verbose_name = _("safety and consent checklist")
        verbose_name_plural = _("safety and consent checklists")

    def __str__(self) -> str:
        return f"{self.project_id} checklist"

    @property
    def complete(self) -> bool:
        return all(getattr(self, item) for item in self.ITEMS)


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("date"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.due_on} {self.title}"


class HandoverMemo(models.Model):
    """Written by an organisation's administrator when a contact leaves: the partners read
    it, so nothing is lost in 異動."""

    party = models.ForeignKey(ProjectParty, on_delete=models.CASCADE, related_name="handovers")
    previous_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    new_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    memo = models.TextField(_("hand-over memo"), max_length=4000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hand-over memo")
        verbose_name_plural = _("hand-over memos")

    def __str__(self) -> str:
        return f"{self.party_id} hand-over {self.created_at:%Y-%m-%d}"


# --- Message thread ------------------------------------------------------------------------


def message_attachment_upload_to(instance: "ProjectMessage", filename: str) -> str:
    # `filename` is always generated by projects.attachments; never the uploader's.
    return f"project_messages/{instance.project_id}/{filename}"


class ProjectMessage(models.Model):
    """A message in a project's thread, or a progress note (a message flagged as one)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The organisation the author wrote for (a person may belong to two parties).
    party = models.ForeignKey(
        ProjectParty, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=4000)
    is_progress_note = models.BooleanField(_("progress note"), default=False)
    attachment = models.FileField(
        _("attachment"),
        upload_to=message_attachment_upload_to,
        storage=private_storage,
        blank=True,
        max_length=200,
    )
    # What the download is called and what it is; the stored name is random.
    attachment_name = models.CharField(max_length=120, blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("notify")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("project message")
        verbose_name_plural = _("project messages")
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.body[:40]}"


# --- Completion reports and case studies ---------------------------------------------------


def report_photo_upload_to(instance: "ReportPhoto", filename: str) -> str:
    # Public storage under a random name (partners.uploads.random_image_name): the photos
    # may become part of a public case study.
    return f"reports/{filename}"


class CompletionReport(models.Model):
    """One party's outcome report (one page, short fields); `consent_public` is this
    organisation's agreement to publish a case study."""

    party = models.OneToOneField(ProjectParty, on_delete=models.CASCADE, related_name="report")
    done = models.TextField(_("what was done"), max_length=2000)
    students_involved = models.PositiveIntegerField(_("students involved"), default=0)
    events_held = models.PositiveIntegerField(_("events held"), default=0)
    funds_used = models.CharField(_("funds used"), max_length=200, blank=True)
    sdgs = models.ManyToManyField(
        "partners.Theme",
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "sdg"},
        verbose_name=_("SDGs touched"),
    )
    next_steps = models.TextField(_("what next"), max_length=2000, blank=True)
    consent_public = models.BooleanField(_("we agree to publish a case study"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    MAX_PHOTOS = 3

    class Meta:
        verbose_name = _("completion report")
        verbose_name_plural = _("completion reports")

    def __str__(self) -> str:
        return f"{self.party_id} report"


class ReportPhoto(models.Model):
    report = models.ForeignKey(CompletionReport, on_delete=models.CASCADE, related_name="photos")
    # Re-encoded by partners.uploads.process_image; its width and height are stored here.
    image = models.ImageField(upload_to=report_photo_upload_to)
    thumbnail = models.ImageField(upload_to=report_photo_upload_to)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return self.image.name


class CaseStudy(models.Model):
    """A public case study (事例), generated from the parties' reports once the project is
    completed and every party consented; unpublished when any party withdraws."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="case_study")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    prefecture = models.ForeignKey(
        "partners.Prefecture",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prefecture"),
    )
    organisations = models.ManyToManyField(
        "partners.Organisation", related_name="case_studies", verbose_name=_("organisations")
    )
    sdgs = models.ManyToManyField("partners.Theme", blank=True, related_name="+")
    photos = models.ManyToManyField(ReportPhoto, blank=True, related_name="+")
    students_involved = models.PositiveIntegerField(default=0)
    events_held = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        indexes = [models.Index(fields=["is_published", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"pk": self.pk})


class ProjectInvitation(models.Model):
    """A party invites another organisation to join; one of its administrators answers. On
    acceptance it becomes a party (and signs the agreement like everyone else)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.CASCADE, related_name="project_invitations"
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("project invitation")
        verbose_name_plural = _("project invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"],
                condition=models.Q(status="pending"),
                name="project_invitation_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.organisation_id} ({self.status})"
