from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import Channel, Kind


class EmailState(models.TextChoices):
    """Where a notification's email stands. The in-app copy needs no delivery: the row is it."""

    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    DIGEST = "digest", _("Waiting for a digest")
    DIGESTED = "digested", _("Sent in a digest")
    SKIPPED = "skipped", _("Not emailed (preference)")
    DEAD = "dead", _("Failed (dead letter)")


class Notification(models.Model):
    """One recipient, one event: the outbox row, the inbox item and the email's state.

    Written in the transaction of the change that causes it, so a rolled-back change notifies
    no one and a committed one is never lost, whatever the broker was doing at the time.
    `payload` holds the plain strings the message needs (titles, names), so rendering never
    depends on the object still existing, and the message can be rendered in the recipient's
    language at send time.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # For people without an account yet (invitations); otherwise the recipient's address.
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language"), max_length=8)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # Site-relative link to the object; `secret_url` (an invitation link with its token) is
    # used for the email only and wiped once the email is out.
    url = models.CharField(_("link"), max_length=500, blank=True)
    secret_url = models.CharField(max_length=500, blank=True, editable=False)
    # Digests group items by this (e.g. "posting:12"); the label is shown as the heading.
    group_key = models.CharField(max_length=64, blank=True)
    group_label = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    email_state = models.CharField(
        _("email state"), max_length=8, choices=EmailState.choices, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    digest = models.ForeignKey(
        "Digest", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )

    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at"],
                name="notif_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox_idx"),
            models.Index(fields=["email_state", "next_attempt_at"], name="notif_outbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.email} ({self.email_state})"


class Digest(models.Model):
    """One digest email: its key makes a repeated beat run a no-op."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    cadence = models.CharField(max_length=8, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")

    def __str__(self) -> str:
        return self.idempotency_key


class Preference(models.Model):
    """A user's explicit choice for one kind; without a row the role-based default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"
