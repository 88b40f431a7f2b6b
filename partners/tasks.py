"""Emails about organisations. Until the notifications outbox lands (issue 6) these tasks
send directly; they are thin, take ids, and are safe to repeat."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from sankangaku.accounts.models import User

from .models import Invitation, Membership, Organisation, Role


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
