"""Reads for projects. Querysets start from what the user may see (partners.access)."""

from collections import defaultdict
from typing import Any, NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from partners import access
from partners.models import AuditEvent, Organisation
from sankangaku.accounts.models import User

from .models import CaseStudy, Project, ProjectMessage, ReportPhoto


class ThreadMessage(NamedTuple):
    """What a message's entry in the thread shows, and nothing else: its rendered HTML is
    cached under a digest of these values (projects.thread)."""

    pk: int
    project_id: int
    author_name: str  # "" once the author is gone (or nameless): "Former member"
    organisation_name: str | None  # None: written for no party
    body: str
    is_progress_note: bool
    created_at: Any
    attachment: str  # the stored name; "" without one
    attachment_name: str
    mentioned: tuple[str, ...] = ()


def message_list_for(*, project: Project, progress_only: bool = False) -> QuerySet[ProjectMessage]:
    """The thread of a project the caller already may view (access.get_project_for), newest
    first: page it (its count joins nothing), then give a page to `thread_messages`."""
    messages = project.messages.all()
    if progress_only:
        messages = messages.filter(is_progress_note=True)
    return messages


def thread_messages(messages: QuerySet[ProjectMessage]) -> list[ThreadMessage]:
    """A page of `message_list_for` as plain rows (no model instances), with the names of
    the people each message notified, in the order they were added: two queries."""
    rows = list(
        messages.values_list(
            "pk",
            "project_id",
            "author__display_name",
            "party_id",
            "party__organisation__name",
            "body",
            "is_progress_note",
            "created_at",
            "attachment",
            "attachment_name",
        )
    )
    through = ProjectMessage.mentions.through
    mentioned: dict[int, list[str]] = defaultdict(list)
    if rows:
        for message_id, name in (
            through.objects.filter(projectmessage_id__in=[row[0] for row in rows])
            .order_by("pk")
            .values_list("projectmessage_id", "user__display_name")
        ):
            mentioned[message_id].append(name)
    return [
        ThreadMessage(
            pk=pk,
            project_id=project_id,
            author_name=author_name or "",
            organisation_name=organisation_name if party_id is not None else None,
            body=body,
            is_progress_note=is_progress_note,
            created_at=created_at,
            attachment=attachment or "",
            attachment_name=attachment_name,
            mentioned=tuple(mentioned.get(pk, ())),
        )
        for (
            pk,
            project_id,
            author_name,
            party_id,
            organisation_name,
            body,
            is_progress_note,
            created_at,
            attachment,
            attachment_name,
        ) in rows
    ]


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
    "commitments_changed": _("Commitments changed"),
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


class HistoryEntry(NamedTuple):
    created_at: Any
    actor_name: str | None  # None: the system
    label: str


def history_for(*, project: Project) -> list[HistoryEntry]:
    """The latest HISTORY_LIMIT events of a project, newest first, as plain rows: what the
    page shows of them and no more (no model instances, not the events' data)."""
    rows = (
        AuditEvent.objects.filter(action__startswith="project.", data__project=project.pk)
        .exclude(action__in=[f"project.{action}" for action in HISTORY_HIDDEN])
        .order_by("-created_at", "-pk")
        .values_list("created_at", "actor__display_name", "action")[:HISTORY_LIMIT]
    )
    entries = []
    for created_at, actor_name, action in rows:
        code = action.removeprefix("project.")
        entries.append(HistoryEntry(created_at, actor_name, HISTORY_LABELS.get(code, code)))
    return entries


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
