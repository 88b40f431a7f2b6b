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
