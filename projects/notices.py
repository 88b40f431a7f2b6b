"""What project changes tell people, through the one notifications path."""

from collections import defaultdict

from django.urls import reverse

from partners.models import Membership, Role
from partners.notices import organisation_admins
from sankangaku.accounts.models import User
from sankangaku.notifications.kinds import Kind
from sankangaku.notifications.services import notify

from .models import Project, ProjectParty


def _party_users(party: ProjectParty) -> list[User]:
    """The party's contact, or its administrators while it has none."""
    if party.contact_id:
        return [party.contact]
    return organisation_admins(party.organisation_id)


def _users_by_party(
    project: Project, *, parties: list[ProjectParty] | None = None
) -> list[tuple[ProjectParty, list[User]]]:
    """Each party with its contact, or its administrators while it has none: two queries
    for the whole project (parties, then the administrators of every party without a
    contact), not one per party. `parties` (with their contacts) saves the first."""
    if parties is None:
        parties = list(project.parties.select_related("contact"))
    without_contact = {party.organisation_id for party in parties if not party.contact_id}
    admins: dict[int, list[User]] = defaultdict(list)
    if without_contact:
        for membership in Membership.objects.filter(
            organisation_id__in=without_contact, role=Role.ADMIN
        ).select_related("user"):
            admins[membership.organisation_id].append(membership.user)
    return [
        (party, [party.contact] if party.contact_id else admins[party.organisation_id])
        for party in parties
    ]


def _everyone(project: Project, *, except_user=None) -> list[User]:
    users = [user for _party, people in _users_by_party(project) for user in people]
    return [user for user in users if except_user is None or user.pk != except_user.pk]


def _payload(subject: Project, *, parties: list[ProjectParty] | None = None, **extra) -> dict:
    if parties is None:
        parties = list(subject.parties.select_related("organisation"))
    return {
        "title": subject.title,
        "organisations": [p.organisation.name for p in parties],
        **extra,
    }


def _loaded_parties(project: Project) -> list[ProjectParty] | None:
    """The parties as access.get_project_for prefetched them (with organisations and
    contacts), or None when this copy of the project has none loaded. Only for notices
    sent by services that do not change the parties (a stale list would be wrong)."""
    if "parties" not in getattr(project, "_prefetched_objects_cache", {}):
        return None
    parties = list(project.parties.all())
    loaded = all(
        ProjectParty.organisation.is_cached(p)
        and (not p.contact_id or ProjectParty.contact.is_cached(p))
        for p in parties
    )
    return parties if loaded else None


def _group(project: Project) -> tuple[str, str]:
    return (f"project:{project.pk}", project.title)


def project_formed(project: Project, *, actor) -> None:
    notify(
        Kind.PROJECT_FORMED,
        key=f"project-formed:{project.pk}",
        users=_everyone(project),
        actor=actor,
        payload=_payload(project, minors=project.involves_minors),
        url=project.get_absolute_url(),
        group=_group(project),
    )


def agreement_signed(project: Project, *, party: ProjectParty, actor) -> None:
    notify(
        Kind.AGREEMENT_SIGNED,
        key=f"agreement-signed:{project.pk}:p{party.pk}:v{project.agreement.version}",
        users=_everyone(project, except_user=actor),
        actor=actor,
        payload=_payload(project, party=party.organisation.name),
        url=project.get_absolute_url(),
        group=_group(project),
    )


def _state(project: Project, *, actor, state: str) -> None:
    notify(
        Kind.PROJECT_STATE,
        key=f"project-state:{project.pk}:{state}",
        users=_everyone(project, except_user=actor),
        actor=actor,
        payload=_payload(project, state=state, reason=project.cancel_reason),
        url=project.get_absolute_url(),
        group=_group(project),
    )


def project_started(project: Project, *, actor) -> None:
    _state(project, actor=actor, state="active")


def project_completed(project: Project, *, actor) -> None:
    project.refresh_from_db()
    _state(project, actor=actor, state="completed")


def project_cancelled(project: Project, *, actor) -> None:
    project.refresh_from_db()
    _state(project, actor=actor, state="cancelled")


def party_handed_over(party: ProjectParty, *, actor) -> None:
    project = party.project
    notify(
        Kind.HANDOVER,
        key=f"project-handover:{party.pk}:{party.handovers.first().pk}",
        users=_everyone(project, except_user=actor),
        actor=actor,
        payload=_payload(
            project,
            organisation=party.organisation.name,
            contact=party.contact.display_name if party.contact_id else "",
            count=1,
            project=True,
        ),
        url=project.get_absolute_url(),
        group=_group(project),
    )


def contact_needed(party: ProjectParty) -> None:
    """A contact left: the organisation's administrators are asked to name a successor."""
    project = party.project
    notify(
        Kind.HANDOVER,
        key=f"project-contact-needed:{party.pk}:{project.state_changed_at}:{party.handovers.count()}",
        users=organisation_admins(party.organisation_id),
        payload=_payload(
            project, organisation=party.organisation.name, count=1, project=True, needed=True
        ),
        url=project.get_absolute_url(),
        group=_group(project),
    )


def message_posted(message, *, mentioned: list[User]) -> None:
    """Mentioned people are told by name (mention=True); the contacts of the other parties
    get one notice per message. Nobody gets both, and the author gets neither."""
    project = message.project
    author_id = message.author_id
    mentioned = [user for user in mentioned if user.pk != author_id]
    common = {
        "actor": message.author,
        "url": reverse("projects:messages", kwargs={"pk": project.pk}),
        "group": _group(project),
    }
    author = message.author.display_name if message.author_id else ""
    excerpt = message.body[:200]
    # Posting a message changes no party: the request's copy of them saves two queries.
    parties = _loaded_parties(project)
    if mentioned:
        notify(
            Kind.MESSAGE,
            key=f"message-mention:{message.pk}",
            users=mentioned,
            payload=_payload(
                project, parties=parties, mention=True, author=author, excerpt=excerpt
            ),
            **common,
        )
    skip = {author_id, *(user.pk for user in mentioned)}
    others = [
        user
        for party, people in _users_by_party(project, parties=parties)
        if party.pk != message.party_id
        for user in people
        if user.pk not in skip
    ]
    notify(
        Kind.MESSAGE,
        key=f"message:{message.pk}",
        users=others,
        payload=_payload(project, parties=parties, mention=False, author=author, excerpt=excerpt),
        **common,
    )


def reports_requested(project: Project, *, actor) -> None:
    """The project is completed: each party's contact is asked for its completion report."""
    for party in project.parties.select_related("contact", "organisation"):
        notify(
            Kind.REPORT_REQUESTED,
            key=f"report-requested:{project.pk}:p{party.pk}",
            users=_party_users(party),
            actor=actor,
            payload=_payload(project, organisation=party.organisation.name),
            url=reverse("projects:report", kwargs={"pk": project.pk, "party_pk": party.pk}),
            group=_group(project),
        )


def case_study_published(case_study, *, actor) -> None:
    project = case_study.project
    notify(
        Kind.CASE_STUDY_PUBLISHED,
        key=f"case-study-published:{case_study.pk}:{case_study.published_at:%Y%m%d%H%M%S%f}",
        users=_everyone(project),
        actor=actor,
        payload=_payload(project, case_title=case_study.title),
        url=case_study.get_absolute_url(),
        group=_group(project),
    )


def project_invited(invitation, *, actor) -> None:
    project = invitation.project
    notify(
        Kind.PROJECT_INVITATION,
        key=f"project-invitation:{invitation.pk}",
        users=organisation_admins(invitation.organisation_id),
        actor=actor,
        payload=_payload(project, message=invitation.message, invited=invitation.organisation.name),
        # Not yet a party: the invitation page shows the project's outline, not its thread.
        url=reverse("projects:invitation", kwargs={"pk": invitation.pk}),
        group=_group(project),
    )


def project_invitation_answered(invitation, *, actor, accepted: bool) -> None:
    project = invitation.project
    notify(
        Kind.PROJECT_INVITATION,
        key=f"project-invitation-answer:{invitation.pk}",
        users=_everyone(project, except_user=actor),
        actor=actor,
        payload=_payload(
            project, invited=invitation.organisation.name, answered=True, accepted=accepted
        ),
        url=project.get_absolute_url(),
        group=_group(project),
    )


def milestone_due(milestone) -> None:
    project = milestone.project
    notify(
        Kind.MILESTONE_DUE,
        # One reminder per milestone and date: moving the date reminds again.
        key=f"milestone-due:{milestone.pk}:{milestone.due_on.isoformat()}",
        users=_everyone(project),
        payload=_payload(project, milestone=milestone.title, due=milestone.due_on.isoformat()),
        url=project.get_absolute_url(),
        group=_group(project),
    )
