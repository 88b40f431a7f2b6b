"""Emails about organisations. Until the notifications outbox lands (issue 6) these tasks
send directly; they are thin, take ids, and are safe to repeat."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from sankangaku.accounts.models import User

from .models import CallResponse, Invitation, Membership, Organisation, Posting, Role


def _send(*, template: str, to: str, language: str, context: dict[str, object]) -> None:
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}_body.txt", context)
        html = render_to_string(f"emails/{template}_body.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def _language_for(email: str, fallback: str) -> str:
    user = User.objects.filter(email__iexact=email).only("preferred_language").first()
    return user.preferred_language if user else fallback


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_send(*, invitation_id: int, token: str) -> None:
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return
    language = _language_for(invitation.email, settings.LANGUAGE_CODE)
    _send(
        template="invitation",
        to=invitation.email,
        language=language,
        context={
            "invitation": invitation,
            "organisation": invitation.organisation,
            "url": settings.SITE_URL + reverse("partners:invitation", kwargs={"token": token}),
        },
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def verification_result_send(*, organisation_id: int) -> None:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return
    admins = Membership.objects.filter(organisation=organisation, role=Role.ADMIN).select_related(
        "user"
    )
    for membership in admins:
        _send(
            template="verification_result",
            to=membership.user.email,
            language=membership.user.preferred_language,
            context={
                "organisation": organisation,
                "user": membership.user,
                "url": settings.SITE_URL + organisation.get_absolute_url(),
            },
        )


# --- Postings ---------------------------------------------------------------------------


def _posting_recipients(posting: Posting) -> list[User]:
    """The contact person, or the organisation's administrators when there is none."""
    if posting.contact_id:
        return [posting.contact]
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=posting.organisation_id, role=Role.ADMIN
        ).select_related("user")
    ]


def _send_posting_email(template: str, posting_id: int, **extra: object) -> None:
    posting = (
        Posting.objects.select_related("organisation", "contact").filter(pk=posting_id).first()
    )
    if posting is None:
        return
    for user in _posting_recipients(posting):
        _send(
            template=template,
            to=user.email,
            language=user.preferred_language,
            context={
                "posting": posting,
                "user": user,
                "url": settings.SITE_URL + posting.get_absolute_url(),
                **extra,
            },
        )


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def posting_reminder_send(*, posting_id: int) -> None:
    _send_posting_email("posting_expiring", posting_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def posting_expired_send(*, posting_id: int) -> None:
    _send_posting_email("posting_expired", posting_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def posting_review_result_send(*, posting_id: int) -> None:
    _send_posting_email("posting_review_result", posting_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def posting_handover_send(*, organisation_id: int, posting_ids: list[int]) -> None:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return
    postings = list(Posting.objects.filter(pk__in=posting_ids, contact__isnull=True))
    if not postings:
        return
    for membership in Membership.objects.filter(
        organisation=organisation, role=Role.ADMIN
    ).select_related("user"):
        _send(
            template="posting_handover",
            to=membership.user.email,
            language=membership.user.preferred_language,
            context={
                "organisation": organisation,
                "postings": postings,
                "user": membership.user,
                "url": settings.SITE_URL + reverse("partners:posting_mine"),
            },
        )


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def call_outcome_send(*, call_id: int) -> None:
    """Every respondent hears the outcome of an open call."""
    call = Posting.objects.select_related("organisation").filter(pk=call_id).first()
    if call is None:
        return
    for response in CallResponse.objects.filter(call=call).select_related("organisation"):
        for membership in Membership.objects.filter(
            organisation=response.organisation, role=Role.ADMIN
        ).select_related("user"):
            _send(
                template="call_outcome",
                to=membership.user.email,
                language=membership.user.preferred_language,
                context={
                    "call": call,
                    "response": response,
                    "user": membership.user,
                    "url": settings.SITE_URL + call.get_absolute_url(),
                },
            )


@shared_task
def postings_expire_and_remind() -> dict[str, int]:
    """Periodic (daily): remind owners before expiry, then expire what was not confirmed.
    Also `manage.py expire_postings`."""
    from .services import posting_expire_stale, posting_send_reminders

    return {"reminded": posting_send_reminders(), "expired": posting_expire_stale()}
