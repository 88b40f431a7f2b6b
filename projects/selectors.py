"""Reads for projects. Querysets start from what the user may see (partners.access)."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from partners import access
from partners.models import Organisation
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
