"""Writes of the coordinator dashboard: the one-click nudge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchProposal, ProposalResponse
from partners.access import coordinator_prefecture_codes, coordinators_covering
from partners.models import AuditEvent, Membership, Posting, PostingStatus
from partners.notices import posting_recipients
from projects.models import Project, ProjectState
from sankangaku.accounts.models import User
from sankangaku.notifications.kinds import Kind
from sankangaku.notifications.services import notify

NUDGE_TYPES = ("review", "posting", "response", "project")


@dataclass
class NudgeTarget:
    item_type: str
    obj: Any
    organisation_id: int

    @property
    def key(self) -> str:
        return f"{self.item_type}:{self.obj.pk}"


def nudge_target_for(user: User, item_type: str, pk: int) -> NudgeTarget:
    """The work item `pk` of `item_type` if it lies in the coordinator's region and can
    still be nudged; Http404 otherwise (outsiders learn nothing)."""
    codes = coordinator_prefecture_codes(user)

    def scoped(queryset: Any, org: str) -> Any:
        if codes is not None:
            queryset = queryset.filter(**{f"{org}__prefecture_id__in": codes})
        return queryset.filter(pk=pk).first()

    obj: Any = None
    organisation_id = 0
    if item_type == "review":
        obj = scoped(
            MatchProposal.objects.filter(state=MatchProposal.State.REQUESTED).select_related(
                "posting__organisation"
            ),
            "posting__organisation",
        )
        organisation_id = obj.posting.organisation_id if obj else 0
    elif item_type == "posting":
        obj = scoped(
            Posting.objects.filter(status=PostingStatus.OPEN).select_related("organisation"),
            "organisation",
        )
        organisation_id = obj.organisation_id if obj else 0
    elif item_type == "response":
        obj = scoped(
            ProposalResponse.objects.filter(
                answer=ProposalResponse.Answer.PENDING,
                proposal__state=MatchProposal.State.APPROVED,
            ).select_related("proposal__posting", "organisation"),
            "proposal__posting__organisation",
        )
        organisation_id = obj.proposal.posting.organisation_id if obj else 0
    elif item_type == "project":
        obj = scoped(
            Project.objects.filter(state=ProjectState.ACTIVE).select_related("posting"),
            "posting__organisation",
        )
        organisation_id = obj.posting.organisation_id if obj else 0
    if obj is None:
        raise Http404
    return NudgeTarget(item_type, obj, organisation_id)


def _organisation_users(organisation_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(organisation_id=organisation_id).select_related("user")
    ]


def _project_recipients(project: Project) -> list[User]:
    users: list[User] = []
    for party in project.parties.select_related("contact").order_by("pk"):
        if party.contact_id and party.contact.is_active:
            users.append(party.contact)
        else:
            users.extend(
                m.user
                for m in Membership.objects.filter(
                    organisation_id=party.organisation_id, role="admin"
                ).select_related("user")
            )
    return users


def _send(target: NudgeTarget, *, actor: User, day: str) -> int:
    key = f"nudge:{target.key}:{day}"
    obj = target.obj
    if target.item_type == "posting":
        # The posting's own reminder, worded for its contact: "still current?".
        return notify(
            Kind.POSTING_EXPIRING,
            key=key,
            users=posting_recipients(obj),
            payload={
                "title": obj.title,
                "expires": obj.expires_on.isoformat() if obj.expires_on else "",
            },
            url=reverse("partners:posting_confirm", kwargs={"pk": obj.pk}),
            actor=actor,
        )
    if target.item_type == "review":
        colleagues = [u for u in coordinators_covering(obj.posting.organisation) if u != actor]
        return notify(
            Kind.NUDGE,
            key=key,
            users=colleagues,
            payload={"what": "review", "title": obj.posting.title},
            url=reverse("matching:proposal", kwargs={"pk": obj.pk}),
            actor=actor,
        )
    if target.item_type == "response":
        return notify(
            Kind.NUDGE,
            key=key,
            users=_organisation_users(obj.organisation_id),
            payload={
                "what": "response",
                "title": obj.proposal.posting.title,
                "organisation": obj.organisation.name,
            },
            url=reverse("matching:proposal", kwargs={"pk": obj.proposal_id}),
            actor=actor,
        )
    return notify(
        Kind.NUDGE,
        key=key,
        users=_project_recipients(obj),
        payload={"what": "project", "title": obj.title},
        url=reverse("projects:detail", kwargs={"pk": obj.pk}),
        actor=actor,
    )


def nudge_send(*, actor: User, target: NudgeTarget) -> int:
    """Remind the people a work item waits on; returns how many notifications were written.

    Idempotent per item per day: the item's row is locked, and if an audit event says it was
    nudged today nothing is sent (0). The notification keys carry the day as well, so even
    a lost lock cannot notify anyone twice.
    """
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    with transaction.atomic():
        type(target.obj).objects.select_for_update().filter(pk=target.obj.pk).first()
        if AuditEvent.objects.filter(
            action="dashboard.nudge",
            organisation_id=target.organisation_id,
            created_at__gte=start,
            data__item=target.key,
        ).exists():
            return 0
        sent = _send(target, actor=actor, day=today.isoformat())
        AuditEvent.objects.create(
            actor=actor,
            organisation_id=target.organisation_id,
            action="dashboard.nudge",
            data={"item": target.key, "recipients": sent},
        )
    return sent
