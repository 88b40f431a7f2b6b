"""Writes for partners: organisations, memberships, invitations, verification.

Every service validates, writes inside a transaction, records an AuditEvent and enqueues
follow-up work (emails) only after commit.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sankangaku.accounts.models import User

from .. import notices
from ..access import memberships_forget
from ..models import (
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    Theme,
    VerificationStatus,
)
from ..signals import member_left
from ..uploads import ProcessedImage, random_image_name

# Free-mail and ISP domains never prove that someone works for a company.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.co.jp",
        "yahoo.com",
        "ymail.ne.jp",
        "outlook.com",
        "outlook.jp",
        "hotmail.com",
        "hotmail.co.jp",
        "live.jp",
        "live.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "ocn.ne.jp",
        "so-net.ne.jp",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "zoho.com",
        "gmx.com",
    }
)


class ServiceError(ValidationError):
    """A rule of the domain was broken; the message is shown to the user as it is."""


def _audit(
    *, actor: User | None, organisation: Organisation | None, action: str, **data: Any
) -> None:
    AuditEvent.objects.create(actor=actor, organisation=organisation, action=action, data=data)


def _domain_of(value: str) -> str:
    host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    return host.lower().removeprefix("www.")


def _within(domain: str, parent: str) -> bool:
    return bool(parent) and (domain == parent or domain.endswith("." + parent))


def email_domain_proves(*, organisation: Organisation, email: str) -> bool:
    """Whether a verified email address at this domain proves membership of the organisation.

    municipality: any *.lg.jp address (LGWAN domains are issued only to local governments);
    school: *.ed.jp or *.ac.jp, or the school's own website domain;
    company: the domain of the company's website (free-mail domains never count).
    """
    domain = email.rpartition("@")[2].lower().strip()
    if not domain:
        return False
    website_domain = _domain_of(organisation.website) if organisation.website else ""
    if organisation.kind == OrganisationKind.MUNICIPALITY:
        return domain.endswith(".lg.jp")
    if organisation.kind == OrganisationKind.SCHOOL:
        return (
            domain.endswith(".ed.jp")
            or domain.endswith(".ac.jp")
            or _within(domain, website_domain)
        )
    if organisation.kind == OrganisationKind.COMPANY:
        return (
            domain not in FREE_MAIL_DOMAINS
            and website_domain not in FREE_MAIL_DOMAINS
            and (_within(domain, website_domain))
        )
    return False


def _verified_emails(user: User) -> list[str]:
    return list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )


def organisation_try_auto_verify(*, organisation: Organisation, user: User) -> bool:
    """Verify `organisation` when one of `user`'s verified emails proves it. Idempotent."""
    if organisation.is_verified or organisation.verification_status == VerificationStatus.REJECTED:
        return organisation.is_verified
    for email in _verified_emails(user):
        if email_domain_proves(organisation=organisation, email=email):
            organisation.verification_status = VerificationStatus.VERIFIED
            organisation.verified_at = timezone.now()
            organisation.verified_by = None
            organisation.verification_method = "email_domain"
            organisation.verification_note = email.rpartition("@")[2]
            organisation.save(
                update_fields=[
                    "verification_status",
                    "verified_at",
                    "verified_by",
                    "verification_method",
                    "verification_note",
                    "updated_at",
                ]
            )
            _audit(
                actor=user,
                organisation=organisation,
                action="organisation.auto_verified",
                domain=organisation.verification_note,
            )
            return True
    return False


def _apply_fields(organisation: Organisation, data: dict[str, Any]) -> None:
    for field, value in data.items():
        setattr(organisation, field, value)


def _save_validated(organisation: Organisation) -> None:
    organisation.full_clean(exclude=["logo", "logo_thumbnail"])
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as exc:  # a concurrent twin slipped past full_clean
        raise ServiceError(_("This organisation is already registered.")) from exc


@transaction.atomic
def organisation_create(
    *, user: User, kind: str, data: dict[str, Any], themes: list[Theme] | None = None
) -> Organisation:
    """Create an organisation with `user` as its first admin, then try to verify it from
    the user's email domain."""
    organisation = Organisation(kind=kind)
    _apply_fields(organisation, data)
    _save_validated(organisation)
    if themes is not None:
        organisation.themes.set(themes)
    Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
    memberships_forget(user)
    _audit(actor=user, organisation=organisation, action="organisation.created", kind=kind)
    organisation_try_auto_verify(organisation=organisation, user=user)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    actor: User,
    data: dict[str, Any],
    themes: list[Theme] | None = None,
) -> Organisation:
    changed = sorted(k for k, v in data.items() if getattr(organisation, k) != v)
    _apply_fields(organisation, data)
    _save_validated(organisation)
    if themes is not None:
        organisation.themes.set(themes)
    _audit(actor=actor, organisation=organisation, action="organisation.updated", fields=changed)
    return organisation


@transaction.atomic
def organisation_set_logo(
    *, organisation: Organisation, actor: User, image: ProcessedImage
) -> Organisation:
    """Store an already validated and re-encoded logo under random names."""
    old = [f.name for f in (organisation.logo, organisation.logo_thumbnail) if f]
    organisation.logo.save(
        random_image_name(image.extension), ContentFile(image.content), save=False
    )
    thumbnail = image.thumbnails[min(image.thumbnails)] if image.thumbnails else image.content
    small = image.thumbnails.get(256, thumbnail)
    organisation.logo_thumbnail.save(
        random_image_name(image.extension), ContentFile(small), save=False
    )
    organisation.save(update_fields=["logo", "logo_thumbnail", "updated_at"])
    _audit(actor=actor, organisation=organisation, action="organisation.logo_changed")
    storage = organisation.logo.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in old])
    return organisation


@transaction.atomic
def organisation_remove_logo(*, organisation: Organisation, actor: User) -> Organisation:
    old = [f.name for f in (organisation.logo, organisation.logo_thumbnail) if f]
    storage = organisation.logo.storage
    organisation.logo = ""
    organisation.logo_thumbnail = ""
    organisation.save(update_fields=["logo", "logo_thumbnail", "updated_at"])
    _audit(actor=actor, organisation=organisation, action="organisation.logo_removed")
    transaction.on_commit(lambda: [storage.delete(name) for name in old])
    return organisation


@transaction.atomic
def organisation_request_verification(*, organisation: Organisation, actor: User) -> Organisation:
    """Put an unverified organisation into the coordinators' queue (first try the domain)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.verification_status in (
        VerificationStatus.VERIFIED,
        VerificationStatus.PENDING,
    ):
        return organisation
    if organisation_try_auto_verify(organisation=organisation, user=actor):
        return organisation
    organisation.verification_status = VerificationStatus.PENDING
    organisation.verification_requested_at = timezone.now()
    organisation.save(
        update_fields=["verification_status", "verification_requested_at", "updated_at"]
    )
    _audit(actor=actor, organisation=organisation, action="organisation.verification_requested")
    return organisation


@transaction.atomic
def organisation_decide_verification(
    *, organisation: Organisation, coordinator: User, approve: bool, note: str
) -> bool:
    """Approve or refuse verification. Returns False (and changes nothing) when another
    coordinator already decided: the row is locked, so two decisions cannot both land."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.verification_status not in (
        VerificationStatus.PENDING,
        VerificationStatus.UNVERIFIED,
    ):
        return False
    note = note.strip()
    if not approve and not note:
        raise ServiceError(_("Please write a note saying why verification is refused."))
    locked.verification_status = (
        VerificationStatus.VERIFIED if approve else VerificationStatus.REJECTED
    )
    locked.verified_at = timezone.now() if approve else None
    locked.verified_by = coordinator
    locked.verification_method = "coordinator"
    locked.verification_note = note
    locked.save(
        update_fields=[
            "verification_status",
            "verified_at",
            "verified_by",
            "verification_method",
            "verification_note",
            "updated_at",
        ]
    )
    _audit(
        actor=coordinator,
        organisation=locked,
        action="organisation.verified" if approve else "organisation.verification_refused",
        note=note,
    )
    notices.verification_decided(locked, actor=coordinator)
    organisation.refresh_from_db()
    return True


# --- People -----------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _token_hash(token)


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, actor: User, email: str, role: str
) -> Invitation:
    """Invite `email` to join. The token travels only in the email; we keep its hash."""
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ServiceError(_("This person is already a member."))
    if organisation.invitations.filter(email=email, status=Invitation.Status.PENDING).exists():
        raise ServiceError(
            _("An invitation to this address is already pending. You can send it again.")
        )
    token, token_hash = _new_token()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        sent_at=timezone.now(),  # queued in the outbox in this same transaction
    )
    _audit(
        actor=actor, organisation=organisation, action="invitation.created", email=email, role=role
    )
    notices.invitation_sent(invitation, token=token)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """A fresh token and expiry; the old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ServiceError(_("This invitation has already been answered or withdrawn."))
    token, invitation.token_hash = _new_token()
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["token_hash", "expires_at", "sent_at"])
    _audit(
        actor=actor,
        organisation=invitation.organisation,
        action="invitation.resent",
        email=invitation.email,
    )
    notices.invitation_sent(invitation, token=token)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    updated = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED, responded_at=timezone.now()
    )
    if updated:
        _audit(
            actor=actor,
            organisation=invitation.organisation,
            action="invitation.revoked",
            email=invitation.email,
        )
    invitation.refresh_from_db()
    return invitation


def invitation_get_by_token(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=_token_hash(token))
        .first()
    )


def _check_invitation_for(invitation: Invitation, user: User) -> None:
    if invitation.status != Invitation.Status.PENDING:
        raise ServiceError(_("This invitation has already been answered or withdrawn."))
    if invitation.is_expired:
        raise ServiceError(_("This invitation has expired. Ask the organisation to send it again."))
    if invitation.email.lower() not in {e.lower() for e in _verified_emails(user)}:
        raise ServiceError(
            _(
                "This invitation was sent to %(email)s. Sign in with that address, or add and "
                "verify it in your account settings."
            )
            % {"email": invitation.email}
        )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_invitation_for(invitation, user)
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    memberships_forget(user)
    invitation.status = Invitation.Status.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    _audit(
        actor=user,
        organisation=invitation.organisation,
        action="invitation.accepted",
        email=invitation.email,
        role=membership.role,
    )
    organisation_try_auto_verify(organisation=invitation.organisation, user=user)
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_invitation_for(invitation, user)
    invitation.status = Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    _audit(
        actor=user,
        organisation=invitation.organisation,
        action="invitation.declined",
        email=invitation.email,
    )
    return invitation


def _lock_memberships(organisation: Organisation) -> list[Membership]:
    # Locking every membership row of the organisation serialises admin changes, so two
    # admins cannot demote each other at once and leave nobody in charge.
    return list(
        Membership.objects.select_for_update().filter(organisation=organisation).order_by("pk")
    )


def _admin_count(memberships: list[Membership]) -> int:
    return sum(1 for m in memberships if m.role == Role.ADMIN)


@transaction.atomic
def membership_change_role(*, membership: Membership, actor: User, role: str) -> Membership:
    if role not in Role.values:
        raise ServiceError(_("Choose a valid role."))
    memberships = _lock_memberships(membership.organisation)
    target = next(m for m in memberships if m.pk == membership.pk)
    if target.role == Role.ADMIN and role != Role.ADMIN and _admin_count(memberships) == 1:
        raise ServiceError(_("An organisation needs at least one administrator."))
    if target.role != role:
        target.role = role
        target.save(update_fields=["role"])
        _audit(
            actor=actor,
            organisation=target.organisation,
            action="membership.role_changed",
            user=target.user_id,
            role=role,
        )
        memberships_forget(actor, target.user)
    return target


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """Remove a member (or leave, when actor is the member)."""
    memberships = _lock_memberships(membership.organisation)
    target = next((m for m in memberships if m.pk == membership.pk), None)
    if target is None:
        return
    if target.role == Role.ADMIN and _admin_count(memberships) == 1:
        raise ServiceError(
            _("The last administrator cannot leave. Make someone else administrator first.")
        )
    action = "membership.left" if target.user_id == actor.pk else "membership.removed"
    target.delete()
    memberships_forget(actor, membership.user)
    from .postings import posting_handover_on_leave  # postings build on organisations

    posting_handover_on_leave(organisation=membership.organisation, user=membership.user)
    # Apps that build on partners (projects) hand over what the person was contact for.
    member_left.send(sender=Membership, organisation=membership.organisation, user=membership.user)
    _audit(
        actor=actor, organisation=membership.organisation, action=action, user=membership.user_id
    )


@transaction.atomic
def membership_transfer_admin(
    *, organisation: Organisation, actor: User, to: Membership
) -> Membership:
    """Make `to` an administrator and step the actor down to member."""
    memberships = _lock_memberships(organisation)
    mine = next((m for m in memberships if m.user_id == actor.pk), None)
    target = next((m for m in memberships if m.pk == to.pk), None)
    if mine is None or mine.role != Role.ADMIN or target is None:
        raise ServiceError(_("Only an administrator can hand over the role."))
    if target.pk == mine.pk:
        raise ServiceError(_("Choose another member."))
    target.role = Role.ADMIN
    target.save(update_fields=["role"])
    mine.role = Role.MEMBER
    mine.save(update_fields=["role"])
    memberships_forget(actor)
    _audit(
        actor=actor,
        organisation=organisation,
        action="membership.admin_transferred",
        to=target.user_id,
    )
    return target
