"""Reads for projects. Querysets start from what the user may see (partners.access)."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from partners import access
from partners.models import AuditEvent, Organisation
from sankangaku.accounts.models import User

from .models import CaseStudy, Project, ProjectMessage, ReportPhoto


def message_list_for(*, project: Project, progress_only: bool = False) -> QuerySet[ProjectMessage]:
    """The thread of a project the caller already may view (access.get_project_for)."""
    messages = project.messages.select_related("author", "party__organisation").prefetch_related(
        "mentions"
    )
    if progress_only:
        messages = messages.filter(is_progress_note=True)
    return messages


# What the project page's history says for each audit action (services._audit).
HISTORY_LABELS = {
    "formed": _("Project formed"),
    "active": _("Project started"),
    "agreement_changed": _("Agreement changed"),
    "agreement_signed": _("Agreement signed"),
    "checklist_updated": _("Safety checklist updated"),
    "completed": _("Project completed"),
    "cancelled": _("Project cancelled"),
    "milestone_added": _("Milestone added"),
    "milestone_done": _("Milestone done"),
    "milestone_reopened": _("Milestone reopened"),
    "handover": _("Contact person handed over"),
    "contact_left": _("Contact person left"),
    "report_saved": _("Completion report saved"),
    "case_study_published": _("Case study published"),
    "case_study_unpublished": _("Case study unpublished"),
    "invited": _("Organisation invited"),
    "joined": _("Organisation joined"),
    "invitation_declined": _("Invitation declined"),
}
# Messages have their own thread; the history lists the decisions around them.
HISTORY_HIDDEN = ("message_posted",)
HISTORY_LIMIT = 30


def history_for(*, project: Project) -> list[AuditEvent]:
    """The latest HISTORY_LIMIT events of a project, newest first, each with `label`."""
    events = list(
        AuditEvent.objects.filter(action__startswith="project.", data__project=project.pk)
        .exclude(action__in=[f"project.{action}" for action in HISTORY_HIDDEN])
        .select_related("actor")
        .order_by("-created_at", "-pk")[:HISTORY_LIMIT]
    )
    for event in events:
        code = event.action.removeprefix("project.")
        event.label = HISTORY_LABELS.get(code, code)
    return events


def project_people(*, project: Project) -> QuerySet[User]:
    """Active members of the parties' organisations: who can be notified specifically."""
    organisation_ids = [party.organisation_id for party in project.parties.all()]
    return (
        User.objects.filter(is_active=True, memberships__organisation_id__in=organisation_ids)
        .distinct()
        .order_by("display_name", "pk")
    )


def project_export_list_for(*, user: User) -> QuerySet[Project]:
    """Projects in a coordinator's region, with their milestone counts, for the CSV."""
    covered = Project.objects.filter(access.projects_covered_q(user)).values("pk")
    return (
        Project.objects.filter(pk__in=covered)
        .annotate(milestone_count=Count("milestones"))
        .prefetch_related("parties__organisation")
        .order_by("pk")
    )


def case_study_public_list(
    *, q: str = "", prefecture: Any = None, sdg: Any = None, kind: str = ""
) -> QuerySet[CaseStudy]:
    cases = CaseStudy.objects.filter(is_published=True)
    if q:
        for word in q.split()[:5]:
            cases = cases.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(organisations__name__icontains=word)
            )
    if prefecture is not None:
        cases = cases.filter(prefecture=prefecture)
    if sdg is not None:
        cases = cases.filter(sdgs=sdg)
    if kind:
        cases = cases.filter(organisations__kind=kind)
    # Filters over many-to-many joins can repeat rows; select the ids first.
    return (
        CaseStudy.objects.filter(pk__in=cases.values("pk"))
        .select_related("prefecture")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
            "sdgs",
            Prefetch("photos", queryset=ReportPhoto.objects.order_by("pk")),
        )
        .order_by("-published_at", "-pk")
    )


def case_study_list_for_organisation(*, organisation: Organisation) -> QuerySet[CaseStudy]:
    return organisation.case_studies.filter(is_published=True).order_by("-published_at")
