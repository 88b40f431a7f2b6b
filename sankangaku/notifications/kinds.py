"""What can be notified, and how each kind is delivered by default.

`direct` kinds are replies or decisions addressed to the person (someone is waiting on them);
the rest is news that can wait for a digest. `transactional` kinds (an invitation, the result
of a verification) always go out at once and cannot be switched off: they are the account's
own business, not news.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INVITATION = "invitation", _("Invitation to an organisation")
    VERIFICATION_RESULT = "verification_result", _("Verification result")
    POSTING_REVIEW_RESULT = "posting_review_result", _("Posting review result")
    POSTING_EXPIRING = "posting_expiring", _("Posting about to expire")
    POSTING_EXPIRED = "posting_expired", _("Posting expired")
    NEW_SUGGESTIONS = "new_suggestions", _("New suggested partners")
    INTRODUCTION_REQUESTED = "introduction_requested", _("Introduction requested")
    PROPOSAL_DECIDED = "proposal_decided", _("Proposal approved or rejected")
    PARTY_RESPONDED = "party_responded", _("Partner accepted or declined")
    PROJECT_FORMED = "project_formed", _("Project formed")
    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    PROJECT_STATE = "project_state", _("Project started, completed or cancelled")
    PROJECT_INVITATION = "project_invitation", _("Invitation to join a project")
    MILESTONE_DUE = "milestone_due", _("Milestone due")
    MESSAGE = "message", _("New message or mention")
    REPORT_REQUESTED = "report_requested", _("Completion report requested")
    CASE_STUDY_PUBLISHED = "case_study_published", _("Case study published")
    HANDOVER = "handover", _("Hand-over of a contact")
    CALL_OUTCOME = "call_outcome", _("Outcome of an open call")
    NUDGE = "nudge", _("Reminder from a coordinator")


class Channel(models.TextChoices):
    INSTANT = "instant", _("Email at once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    IN_APP = "in_app", _("In the portal only")


@dataclass(frozen=True)
class KindSpec:
    direct: bool
    transactional: bool = False


SPECS: dict[str, KindSpec] = {
    Kind.INVITATION: KindSpec(direct=True, transactional=True),
    Kind.VERIFICATION_RESULT: KindSpec(direct=True, transactional=True),
    Kind.POSTING_REVIEW_RESULT: KindSpec(direct=True),
    Kind.POSTING_EXPIRING: KindSpec(direct=True),
    Kind.POSTING_EXPIRED: KindSpec(direct=False),
    Kind.NEW_SUGGESTIONS: KindSpec(direct=False),
    Kind.INTRODUCTION_REQUESTED: KindSpec(direct=True),
    Kind.PROPOSAL_DECIDED: KindSpec(direct=True),
    Kind.PARTY_RESPONDED: KindSpec(direct=True),
    Kind.PROJECT_FORMED: KindSpec(direct=True),
    Kind.AGREEMENT_SIGNED: KindSpec(direct=False),
    Kind.PROJECT_STATE: KindSpec(direct=True),
    Kind.PROJECT_INVITATION: KindSpec(direct=True),
    Kind.MILESTONE_DUE: KindSpec(direct=True),
    Kind.MESSAGE: KindSpec(direct=True),
    Kind.REPORT_REQUESTED: KindSpec(direct=True),
    Kind.CASE_STUDY_PUBLISHED: KindSpec(direct=False),
    Kind.HANDOVER: KindSpec(direct=True),
    Kind.CALL_OUTCOME: KindSpec(direct=True),
    Kind.NUDGE: KindSpec(direct=True),
}

# Kinds a user can set a preference for (transactional ones always arrive at once).
CONFIGURABLE_KINDS: list[str] = [k for k in Kind.values if not SPECS[k].transactional]
