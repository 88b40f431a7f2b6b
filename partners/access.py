"""The one place that answers "may this user do this to that?" (STYLE.md rule 11).

Rules:
- Outsiders get 404 for anything that is not public, so they cannot learn it exists.
- Members whose role lacks the capability get 403.
- Coordinators act on organisations in their prefectures (all prefectures when unscoped) and
  must have set up multi-factor authentication before they reach any coordinator page.

Views use the `organisation_action` and `coordinator_required` decorators; templates read
`capabilities_for`. Tests in tests/partners/test_access_matrix.py check every persona
against every action.
"""

import contextlib
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from sankangaku.accounts.mfa import user_has_mfa
from sankangaku.accounts.models import User

from .models import (
    Membership,
    Organisation,
    Posting,
    PostingStatus,
    Role,
    VerificationStatus,
    Visibility,
)


class Action(StrEnum):
    VIEW = "view"  # the public profile
    VIEW_MEMBERS = "view_members"
    EDIT_PROFILE = "edit_profile"
    MANAGE_MEMBERS = "manage_members"  # invite, change roles, remove, transfer admin
    REQUEST_VERIFICATION = "request_verification"
    LEAVE = "leave"
    EDIT_POSTINGS = "edit_postings"
    VERIFY = "verify"  # coordinators only


ROLE_CAPABILITIES: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(
        {
            Action.VIEW,
            Action.VIEW_MEMBERS,
            Action.EDIT_PROFILE,
            Action.MANAGE_MEMBERS,
            Action.REQUEST_VERIFICATION,
            Action.LEAVE,
            Action.EDIT_POSTINGS,
        }
    ),
    Role.MEMBER: frozenset({Action.VIEW, Action.VIEW_MEMBERS, Action.LEAVE, Action.EDIT_POSTINGS}),
}

# What a coordinator may do to organisations in their scope without being a member.
COORDINATOR_CAPABILITIES = frozenset({Action.VIEW, Action.VIEW_MEMBERS, Action.VERIFY})


MEMBERSHIPS_SECONDS = 5 * 60


def memberships_key(user_id: int) -> str:
    """The cache key of a user's memberships (read with the user: partners.auth_backends)."""
    return f"auth:memberships:{user_id}"


def memberships_of(user: User) -> list[Membership]:
    """All of the user's memberships with their organisations, by organisation name.

    Read once per user object, i.e. once per request (the header, the permission checks and
    the views all ask): people belong to a handful of organisations. Between requests the
    list is kept in the cache for MEMBERSHIPS_SECONDS; every save or delete of a membership
    or an organisation drops its members' copies (`memberships_forget`, connected in
    partners.apps), so a removed member loses access at their next request.
    """
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        key = memberships_key(user.pk)
        cached = cache.get(key)
        if cached is None:
            cached = list(
                Membership.objects.filter(user=user)
                .select_related("organisation")
                .order_by("organisation__name", "organisation_id")
            )
            cache.set(key, cached, MEMBERSHIPS_SECONDS)
        user._membership_cache = cached
    return cached


def memberships_forget(*users: User | int) -> None:
    """Drop the copies of these users' memberships (users or their keys) after a change:
    the per-request one at once, the cached one now and again after the commit (a request
    in between could have stored the rows as they were before the change)."""
    keys = []
    for user in users:
        if isinstance(user, int):
            keys.append(memberships_key(user))
            continue
        keys.append(memberships_key(user.pk))
        # `del`, not __dict__: request.user is a lazy proxy that forwards attribute access.
        with contextlib.suppress(AttributeError):
            del user._membership_cache
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def membership_for(user: User, organisation: Organisation) -> Membership | None:
    return next((m for m in memberships_of(user) if m.organisation_id == organisation.pk), None)


def is_coordinator(user: User) -> bool:
    if not user.is_authenticated:
        return False
    coordinator = getattr(user, "coordinator", None)
    return coordinator is not None and coordinator.is_active


def coordinator_prefecture_codes(user: User) -> set[int] | None:
    """The prefectures a coordinator covers; None means the whole country."""
    codes = set(user.coordinator.prefectures.values_list("code", flat=True))
    return codes or None


def coordinator_covers(user: User, organisation: Organisation) -> bool:
    if not is_coordinator(user):
        return False
    codes = coordinator_prefecture_codes(user)
    return codes is None or organisation.prefecture_id in codes


def coordinators_covering(organisation: Organisation) -> list[User]:
    """Active coordinators whose region includes the organisation (the unscoped ones too)."""
    from .models import Coordinator

    coordinators = (
        Coordinator.objects.filter(is_active=True, user__is_active=True)
        .filter(Q(prefectures__isnull=True) | Q(prefectures=organisation.prefecture_id))
        .select_related("user")
        .distinct()
    )
    return [coordinator.user for coordinator in coordinators]


def capabilities_for(user: User, organisation: Organisation) -> frozenset[Action]:
    capabilities: set[Action] = set()
    if organisation.verification_status != VerificationStatus.REJECTED:
        capabilities.add(Action.VIEW)
    membership = membership_for(user, organisation)
    if membership is not None:
        capabilities |= ROLE_CAPABILITIES[membership.role]
    if coordinator_covers(user, organisation):
        capabilities |= COORDINATOR_CAPABILITIES
    return frozenset(capabilities)


def _is_insider(user: User, organisation: Organisation) -> bool:
    return membership_for(user, organisation) is not None or coordinator_covers(user, organisation)


def get_organisation_for(user: User, pk: int, *, action: Action) -> Organisation:
    """The organisation `pk` if `user` may do `action` to it.

    Raises Http404 for outsiders (and for anything that does not exist), PermissionDenied
    for insiders whose role lacks the capability.
    """
    organisation = get_object_or_404(
        Organisation.objects.select_related("prefecture", "location__prefecture"), pk=pk
    )
    if action in capabilities_for(user, organisation):
        return organisation
    if not _is_insider(user, organisation):
        raise Http404
    raise PermissionDenied


def organisation_action(action: Action) -> Callable[..., Callable[..., HttpResponse]]:
    """View decorator: loads the organisation from the `pk` URL argument for `action` and
    passes it to the view as `organisation`. Anonymous visitors are sent to log in, except
    for public actions."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
            organisation = get_organisation_for(request.user, pk, action=action)
            if action == Action.VERIFY and not user_has_mfa(request.user):
                return mfa_setup_redirect(request)
            return view(request, *args, organisation=organisation, **kwargs)

        if action == Action.VIEW:
            return wrapped
        return login_required(wrapped)

    return decorator


def mfa_setup_redirect(request: HttpRequest) -> HttpResponse:
    messages.warning(
        request,
        _("Coordinators must set up two-factor authentication before using coordinator pages."),
    )
    return redirect("mfa_activate_totp")


def coordinator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Coordinator pages: signed in, an active coordinator (else 404), and MFA set up."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_coordinator(request.user):
            raise Http404
        if not user_has_mfa(request.user):
            return mfa_setup_redirect(request)
        return view(request, *args, **kwargs)

    return login_required(wrapped)


# --- Postings ---------------------------------------------------------------------------


class PostingAction(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # edit, publish, close, confirm, name the contact
    REVIEW = "review"  # coordinators: publish or return a posting waiting for review
    RESPOND = "respond"  # answer an open call on behalf of one's own organisation
    MANAGE_RESPONSES = "manage_responses"  # shortlist and choose answers to one's own call
    SEE_PROPOSALS = "see_proposals"  # the engine's suggested partners for this posting
    REQUEST_INTRODUCTION = "request_introduction"  # ask coordinators to introduce a partner


# Outsiders may see a posting in these states, subject to its visibility.
PUBLIC_POSTING_STATES = frozenset({PostingStatus.OPEN, PostingStatus.CLOSED})


def posting_visible_q(user: User) -> Q:
    """Postings in PUBLIC_POSTING_STATES that `user` may see as an outsider (search, lists)."""
    allowed = [Visibility.PUBLIC]
    if user.is_authenticated:
        allowed.append(Visibility.MEMBERS)
    if is_coordinator(user):
        allowed.append(Visibility.COORDINATORS)
    return Q(status__in=PUBLIC_POSTING_STATES, visibility__in=allowed)


def _posting_insider(user: User, posting: Posting) -> bool:
    return _is_insider(user, posting.organisation)


def posting_capabilities_for(user: User, posting: Posting) -> frozenset[PostingAction]:
    capabilities: set[PostingAction] = set()
    organisation = posting.organisation
    membership = membership_for(user, organisation)
    covering = coordinator_covers(user, organisation)
    visible_outside = posting.status in PUBLIC_POSTING_STATES and (
        posting.visibility == Visibility.PUBLIC
        or (posting.visibility == Visibility.MEMBERS and user.is_authenticated)
        or (posting.visibility == Visibility.COORDINATORS and is_coordinator(user))
    )
    if membership is not None or covering or visible_outside:
        capabilities.add(PostingAction.VIEW)
    if membership is not None:
        capabilities.add(PostingAction.SEE_PROPOSALS)
    if membership is not None and Action.EDIT_POSTINGS in ROLE_CAPABILITIES[membership.role]:
        capabilities |= {
            PostingAction.EDIT,
            PostingAction.MANAGE_RESPONSES,
            PostingAction.REQUEST_INTRODUCTION,
        }
    if covering:
        capabilities |= {PostingAction.REVIEW, PostingAction.SEE_PROPOSALS}
    if (
        visible_outside
        and membership is None
        and posting.is_open_call
        and posting.status == PostingStatus.OPEN
        and user.is_authenticated
        and any(Action.EDIT_POSTINGS in ROLE_CAPABILITIES[m.role] for m in memberships_of(user))
    ):
        capabilities.add(PostingAction.RESPOND)
    return frozenset(capabilities)


def get_posting_for(user: User, pk: int, *, action: PostingAction) -> Posting:
    """The posting `pk` if `user` may do `action` to it: 404 for those who may not see it,
    403 for those who see it but may not act."""
    # What every posting page shows; the contact person (editors only) is read when shown.
    # Each further join made PostgreSQL's planning of this query dearer (measured: 1.2 ms
    # with the contact and the organisation's prefecture, 0.4 ms without).
    # get_object_or_404 (a get()) rather than .first(): first() orders by the model's
    # ordering, and compiling ORDER BY beside ≈ 90 selected columns cost ≈ 0.5 ms of CPU.
    posting = get_object_or_404(
        Posting.objects.select_related("organisation", "prefecture", "location__prefecture"),
        pk=pk,
    )
    capabilities = posting_capabilities_for(user, posting)
    if action in capabilities:
        return posting
    if PostingAction.VIEW not in capabilities:
        raise Http404
    if action != PostingAction.RESPOND and not _posting_insider(user, posting):
        raise Http404
    raise PermissionDenied


def posting_action(action: PostingAction) -> Callable[..., Callable[..., HttpResponse]]:
    """View decorator like `organisation_action`, for postings; passes `posting`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
            posting = get_posting_for(request.user, pk, action=action)
            if action == PostingAction.REVIEW and not user_has_mfa(request.user):
                return mfa_setup_redirect(request)
            return view(request, *args, posting=posting, **kwargs)

        if action == PostingAction.VIEW:
            return wrapped
        return login_required(wrapped)

    return decorator


def organisations_that_can_post(user: User) -> list[Organisation]:
    """Organisations on whose behalf `user` may write postings."""
    return [
        m.organisation
        for m in memberships_of(user)
        if Action.EDIT_POSTINGS in ROLE_CAPABILITIES[m.role]
    ]


class ProposalAction(StrEnum):
    """What people may do to a proposal once someone has asked for it (state ≠ suggested).
    Suggested rows are judged through their posting (`get_proposal_for`)."""

    VIEW = "view"  # parties' members, and coordinators covering any party
    DECIDE = "decide"  # coordinators covering the posting's organisation: approve / reject
    RESPOND = "respond"  # members of a party whose answer is pending: accept / decline


def proposal_party_ids(proposal: Any) -> list[int]:
    """The organisations of a proposal: the posting's, the partner and the second partner."""
    ids = [proposal.posting.organisation_id, proposal.partner_id]
    if proposal.second_partner_id:
        ids.append(proposal.second_partner_id)
    return ids


def proposal_parties_answered_for(user: User, proposal: Any) -> set[int]:
    """The proposal's organisations `user` may answer for: those where they edit postings."""
    if not user.is_authenticated:
        return set()
    party_ids = proposal_party_ids(proposal)
    return {
        m.organisation_id
        for m in memberships_of(user)
        if m.organisation_id in party_ids and Action.EDIT_POSTINGS in ROLE_CAPABILITIES[m.role]
    }


def proposal_capabilities_for(user: User, proposal: Any) -> frozenset[ProposalAction]:
    from matching.models import MatchProposal, ProposalResponse

    if not user.is_authenticated or proposal.state == MatchProposal.State.SUGGESTED:
        return frozenset()
    capabilities: set[ProposalAction] = set()
    party_ids = proposal_party_ids(proposal)
    member_of = proposal_parties_answered_for(user, proposal)
    covering = is_coordinator(user) and (
        (codes := coordinator_prefecture_codes(user)) is None
        or bool(
            codes
            & set(
                Organisation.objects.filter(pk__in=party_ids).values_list(
                    "prefecture_id", flat=True
                )
            )
        )
    )
    if member_of or covering:
        capabilities.add(ProposalAction.VIEW)
    if (
        proposal.state == MatchProposal.State.REQUESTED
        and is_coordinator(user)
        and coordinator_covers(user, proposal.posting.organisation)
    ):
        capabilities.add(ProposalAction.DECIDE)
    if (
        proposal.state == MatchProposal.State.APPROVED
        and member_of
        and ProposalResponse.objects.filter(
            proposal=proposal,
            organisation_id__in=member_of,
            answer=ProposalResponse.Answer.PENDING,
        ).exists()
    ):
        capabilities.add(ProposalAction.RESPOND)
    return frozenset(capabilities)


def get_workflow_proposal_for(user: User, pk: int, *, action: ProposalAction) -> Any:
    """A proposal in the workflow if `user` may do `action`: 404 for those who may not see
    it (outsiders learn nothing, not even that it exists), 403 for parties who may not act."""
    from matching.models import MatchProposal

    proposal = get_object_or_404(
        MatchProposal.objects.select_related(
            "posting__organisation", "partner", "second_partner", "partner_posting"
        ),
        pk=pk,
    )
    capabilities = proposal_capabilities_for(user, proposal)
    if action in capabilities:
        return proposal
    if ProposalAction.VIEW not in capabilities:
        raise Http404
    raise PermissionDenied


def get_proposal_for(user: User, pk: int, *, action: PostingAction) -> Any:
    """A match proposal, judged by what the user may do to its posting (404/403 as above)."""
    from matching.models import MatchProposal  # matching builds on partners

    proposal = MatchProposal.objects.filter(pk=pk).only("pk", "posting_id").first()
    if proposal is None:
        raise Http404
    get_posting_for(user, proposal.posting_id, action=action)
    return MatchProposal.objects.select_related("posting__organisation", "partner").get(pk=pk)


# --- Projects ---------------------------------------------------------------------------------


class ProjectAction(StrEnum):
    VIEW = "view"  # parties' members, and coordinators covering any party
    EDIT = "edit"  # parties' members: agreement text, milestones, checklist
    SIGN = "sign"  # a party's administrators sign the agreement for it
    HANDOVER = "handover"  # a party's administrators name a new contact
    CLOSE = "close"  # complete or cancel: parties' administrators and covering coordinators
    INVITE = "invite"  # a party's administrators invite another organisation to join


def project_capabilities_for(user: User, project: Any) -> frozenset[ProjectAction]:
    """What `user` may do to a project; `admin_of` (party ids) rides along for views."""
    if not user.is_authenticated:
        return frozenset()
    parties = list(project.parties.all())
    memberships = {m.organisation_id: m for m in memberships_of(user)}
    member_parties = [p for p in parties if p.organisation_id in memberships]
    admin_parties = [p for p in member_parties if memberships[p.organisation_id].role == Role.ADMIN]
    capabilities: set[ProjectAction] = set()
    covering = False
    if is_coordinator(user):
        codes = coordinator_prefecture_codes(user)
        covering = codes is None or any(p.organisation.prefecture_id in codes for p in parties)
    if member_parties or covering:
        capabilities.add(ProjectAction.VIEW)
    if member_parties:
        capabilities.add(ProjectAction.EDIT)
    if admin_parties:
        capabilities |= {
            ProjectAction.SIGN,
            ProjectAction.HANDOVER,
            ProjectAction.CLOSE,
            ProjectAction.INVITE,
        }
    if covering:
        capabilities.add(ProjectAction.CLOSE)
    return frozenset(capabilities)


def get_project_for(user: User, pk: int, *, action: ProjectAction) -> Any:
    """The project `pk` if `user` may do `action`: 404 for outsiders, 403 for parties who
    may not act."""
    from projects.models import Project, ProjectParty  # projects build on partners

    # Only what every project page shows: the parties with their organisations and contacts
    # in one query. Not the posting (a page links to it by project.posting_id; the few
    # services that need it load it): joining its fifty columns and its organisation's
    # cost more CPU than the rest of this function.
    project = get_object_or_404(
        Project.objects.select_related("agreement").prefetch_related(
            Prefetch(
                "parties", queryset=ProjectParty.objects.select_related("organisation", "contact")
            )
        ),
        pk=pk,
    )
    capabilities = project_capabilities_for(user, project)
    if action in capabilities:
        return project
    if ProjectAction.VIEW not in capabilities:
        raise Http404
    raise PermissionDenied


def user_party_ids(user: User, project: Any, *, admin: bool = False) -> list[int]:
    """The project's parties (ProjectParty ids) that `user` belongs to (as admin)."""
    memberships = {m.organisation_id: m for m in memberships_of(user)}
    return [
        p.pk
        for p in project.parties.all()
        if p.organisation_id in memberships
        and (not admin or memberships[p.organisation_id].role == Role.ADMIN)
    ]


def projects_covered_q(user: User) -> Q:
    """Projects a coordinator covers: a party's organisation is in their prefectures (every
    project when unscoped). Matches nothing for anyone who is not an active coordinator."""
    if not is_coordinator(user):
        return Q(pk__in=[])
    codes = coordinator_prefecture_codes(user)
    if codes is None:
        return Q(pk__isnull=False)
    return Q(parties__organisation__prefecture_id__in=codes)


def get_project_party_for(user: User, pk: int, party_pk: int, *, admin: bool = False) -> Any:
    """(project, party) when `user` may write for that party of project `pk` (its completion
    report): 404 for outsiders and for a party not in the project, 403 for insiders who are
    not members (or, with `admin`, administrators) of that party's organisation."""
    project = get_project_for(user, pk, action=ProjectAction.VIEW)
    party = next((p for p in project.parties.all() if p.pk == party_pk), None)
    if party is None:
        raise Http404
    if party_pk not in user_party_ids(user, project, admin=admin):
        raise PermissionDenied
    return project, party


def get_project_message_for(user: User, pk: int, message_pk: int) -> Any:
    """A message of project `pk` (to download its attachment): 404 unless `user` may read
    the project's thread and the message belongs to it."""
    project = get_project_for(user, pk, action=ProjectAction.VIEW)
    message = project.messages.filter(pk=message_pk).first()
    if message is None:
        raise Http404
    return message


def get_project_invitation_for(user: User, pk: int) -> Any:
    """A pending or answered invitation to join a project, for an administrator of the invited
    organisation; 404 for everyone else."""
    from projects.models import ProjectInvitation

    invitation = (
        ProjectInvitation.objects.select_related("project__posting", "organisation")
        .filter(pk=pk)
        .first()
    )
    if invitation is None or not user.is_authenticated:
        raise Http404
    membership = membership_for(user, invitation.organisation)
    if membership is None or membership.role != Role.ADMIN:
        raise Http404
    return invitation
