"""Notification text: subject and body per kind, rendered in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .kinds import SPECS
from .models import Notification


def subject_for(notification: Notification) -> str:
    """The one-line title (email subject, inbox item) in the active language."""
    text = render_to_string(
        f"emails/notifications/{notification.kind}_subject.txt", {"p": notification.payload}
    )
    return " ".join(text.split())


def _links(notification: Notification) -> dict[str, str]:
    from .services import unsubscribe_token

    links = {"url": settings.SITE_URL + (notification.secret_url or notification.url or "/")}
    if notification.recipient_id:
        links["preferences_url"] = settings.SITE_URL + reverse("notifications:preferences")
        if not SPECS[notification.kind].transactional:
            token = unsubscribe_token(user=notification.recipient, kind=notification.kind)
            links["unsubscribe_url"] = settings.SITE_URL + reverse(
                "notifications:unsubscribe", kwargs={"token": token}
            )
    return links


def language_for(notification: Notification) -> str:
    if notification.recipient_id and notification.recipient.preferred_language:
        return notification.recipient.preferred_language
    return notification.language or settings.LANGUAGE_CODE


def email_for(notification: Notification) -> EmailMultiAlternatives:
    links = _links(notification)
    with translation.override(language_for(notification)):
        context = {
            "p": notification.payload,
            "name": notification.recipient.display_name if notification.recipient_id else "",
            **links,
        }
        subject = subject_for(notification)
        body = render_to_string(f"emails/notifications/{notification.kind}.txt", context).strip()
        context |= {"subject": subject, "body": body}
        text = render_to_string("emails/notification.txt", context)
        html = render_to_string("emails/notification.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[notification.email],
        headers=_headers(notification.idempotency_key, links.get("unsubscribe_url")),
    )
    message.attach_alternative(html, "text/html")
    return message


def _headers(key: str, unsubscribe_url: str | None) -> dict[str, str]:
    headers = {"X-Sankangaku-Key": key, "Auto-Submitted": "auto-generated"}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def digest_email_for(digest, items: list[Notification]) -> EmailMultiAlternatives:
    """One email for a digest: items grouped by posting or project, newest group first."""
    user = digest.recipient
    groups: dict[str, dict] = {}
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        for item in items:
            group = groups.setdefault(
                item.group_key or f"item:{item.pk}",
                {"label": item.group_label, "entries": []},
            )
            group["entries"].append(
                {"subject": subject_for(item), "url": settings.SITE_URL + (item.url or "/")}
            )
        context = {
            "name": user.display_name,
            "cadence": digest.cadence,
            "groups": list(groups.values()),
            "count": len(items),
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
            "inbox_url": settings.SITE_URL + reverse("notifications:inbox"),
        }
        subject = " ".join(render_to_string("emails/digest_subject.txt", context).split())
        text = render_to_string("emails/digest.txt", context)
        html = render_to_string("emails/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers=_headers(digest.idempotency_key, None),
    )
    message.attach_alternative(html, "text/html")
    return message
