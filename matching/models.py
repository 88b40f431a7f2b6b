"""Match proposals: who should work with whom, as computed by the engine."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReasonCode(models.TextChoices):
    """Why a request was rejected or a proposal declined; counted per posting so posters can
    improve it."""

    TIMING = "timing", _("Timing does not fit")
    BUDGET_ROUTE = "budget_route", _("Budget or funding route")
    OUTSIDE_AREA = "outside_area", _("Outside our area")
    CAPACITY = "capacity", _("No capacity at the moment")
    HAS_PARTNER = "has_partner", _("Already have a partner")
    NOT_FIT = "not_fit", _("Not a fit")
    OTHER = "other", _("Other")


class MatchProposal(models.Model):
    """An issue (or strength) posting plus one partner (pair) or two (triad).

    Rows in state `suggested` are owned by the engine and replaced on every recompute; any
    other state belongs to people (the proposals issue builds that workflow) and is kept.
    """

    class Kind(models.TextChoices):
        PAIR = "pair", _("Pair")
        TRIAD = "triad", _("Three-way")

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        REQUESTED = "requested", _("Introduction requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    posting = models.ForeignKey(
        "partners.Posting", on_delete=models.CASCADE, related_name="proposals"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.PAIR)
    partner = models.ForeignKey("partners.Organisation", on_delete=models.CASCADE, related_name="+")
    partner_posting = models.ForeignKey(
        "partners.Posting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    second_partner = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    second_partner_posting = models.ForeignKey(
        "partners.Posting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    breakdown = models.JSONField(default=dict)
    engine_version = models.CharField(max_length=20)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    request_message = models.TextField(blank=True, max_length=1000)
    # A coordinator may propose a match by hand; engine rows have no creator.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=2000)
    # Set when rejected by a coordinator or declined by a party.
    reason_code = models.CharField(max_length=16, choices=ReasonCode.choices, blank=True)
    reason_text = models.CharField(max_length=500, blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["posting", "kind", "rank"]
        verbose_name = _("match proposal")
        verbose_name_plural = _("match proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "partner"],
                condition=Q(kind="pair"),
                name="proposal_unique_pair",
            ),
            models.UniqueConstraint(
                fields=["posting", "partner", "second_partner"],
                condition=Q(kind="triad"),
                name="proposal_unique_triad",
            ),
        ]
        indexes = [
            models.Index(fields=["posting", "state", "kind", "rank"]),
            models.Index(
                fields=["state", "requested_at"],
                name="proposal_queue_idx",
                condition=~Q(state="suggested"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} → {self.partner_id}/{self.second_partner_id} ({self.score:.2f})"


class ProposalResponse(models.Model):
    """One party's answer to an approved proposal. The proposal is accepted when every
    party has accepted, and declined as soon as one declines."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    proposal = models.ForeignKey(MatchProposal, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.CASCADE, related_name="proposal_responses"
    )
    answer = models.CharField(max_length=8, choices=Answer.choices, default=Answer.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    reason_code = models.CharField(max_length=16, choices=ReasonCode.choices, blank=True)
    reason_text = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("proposal response")
        verbose_name_plural = _("proposal responses")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"], name="proposal_response_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.organisation_id}: {self.answer}"


class SignalWeights(models.Model):
    """A versioned set of signal weights. The active one is used by the engine; a new one is
    made by `manage.py refit_matching_weights` from coordinators' and parties' decisions."""

    version = models.CharField(max_length=40, unique=True)
    weights = models.JSONField()
    metrics = models.JSONField(default=dict, blank=True)
    labelled_pairs = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signal weights")
        verbose_name_plural = _("signal weights")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="signal_weights_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version}{' (active)' if self.is_active else ''}"
