"""How to ask each question of the policy table: the URL and the (valid) POST data for an
(object, action), against one side of the world (see _authz_world.py).

The matrix asks them against A ("own"); the tampering tests ask the same questions with
A's users against B's ids. POST data is valid, so an allowed request really changes
something and a refused one is refused for who asks, not for what they sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from partners.forms import FORM_FOR_KIND, PostingForm
from projects.forms import AgreementForm
from sankangaku.notifications.kinds import CONFIGURABLE_KINDS

from ._authz_world import Side, World, feed_token_for, unsubscribe_token_for


@dataclass(frozen=True)
class Request:
    url: str
    data: dict[str, Any] | None = None  # POST body; None for GET


def form_data(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser would submit for `form` untouched (its initial values)."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
            continue
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def organisation_edit_data(side: Side) -> dict[str, Any]:
    org = side.org
    form = FORM_FOR_KIND[org.kind](instance=org)
    return form_data(form) | {"description": "説明を書き換えました。"}


def posting_edit_data(posting: Any) -> dict[str, Any]:
    form = PostingForm(
        instance=posting, organisation=posting.organisation, direction=posting.direction
    )
    return form_data(form) | {"title": "書き換えたタイトル"}


def posting_create_data(side: Side) -> dict[str, Any]:
    # The open posting's content, as a new issue.
    data = posting_edit_data(side.open)
    return data | {"direction": "issue", "title": "新しい課題の投稿"}


def agreement_data(side: Side) -> dict[str, Any]:
    return form_data(AgreementForm(instance=side.project.agreement)) | {
        "purpose": "目的を書き換えました。"
    }


def report_data() -> dict[str, Any]:
    return {
        "done": "生徒と地域の地図を作りました。",
        "students_involved": "12",
        "events_held": "2",
        "funds_used": "",
        "next_steps": "",
    }


def preferences_data() -> dict[str, Any]:
    return dict.fromkeys(CONFIGURABLE_KINDS, "in_app")


def _r(name: str, *args: Any, data: dict[str, Any] | None = None) -> Request:
    return Request(reverse(name, args=args), data)


Recipe = Callable[[World, Side], Request]

# (object, action) → recipe. Every key of policy.POLICY has one.
REQUESTS: dict[tuple[str, str], Recipe] = {
    ("site", "home"): lambda w, s: _r("partners:home"),
    ("organisation", "directory"): lambda w, s: _r("partners:list"),
    ("organisation", "municipality_options"): lambda w, s: Request(
        reverse("partners:municipality_options") + "?prefecture=13"
    ),
    ("organisation", "view"): lambda w, s: _r("partners:detail", s.org.pk),
    ("organisation", "register_form"): lambda w, s: _r("partners:create"),
    ("organisation", "switch"): lambda w, s: _r("partners:switch", data={"organisation": s.org.pk}),
    ("organisation", "my_dashboard"): lambda w, s: _r("partners:dashboard"),
    ("organisation.settings", "edit_form"): lambda w, s: _r("partners:edit", s.org.pk),
    ("organisation.settings", "edit"): lambda w, s: _r(
        "partners:edit", s.org.pk, data=organisation_edit_data(s)
    ),
    ("organisation.settings", "logo_form"): lambda w, s: _r("partners:logo", s.org.pk),
    ("organisation.settings", "logo_remove"): lambda w, s: _r(
        "partners:logo", s.org.pk, data={"remove": "1"}
    ),
    ("organisation.settings", "request_verification"): lambda w, s: _r(
        "partners:request_verification", s.org.pk, data={}
    ),
    ("organisation.settings", "postings_export"): lambda w, s: _r(
        "partners:postings_export", s.org.pk
    ),
    ("organisation.members", "list"): lambda w, s: _r("partners:members", s.org.pk),
    ("organisation.members", "invite"): lambda w, s: _r(
        "partners:invite", s.org.pk, data={"email": "new.person@example.jp", "role": "member"}
    ),
    ("organisation.members", "change_role"): lambda w, s: _r(
        "partners:member_role", s.org.pk, s.member_membership.pk, data={"role": "admin"}
    ),
    ("organisation.members", "remove"): lambda w, s: _r(
        "partners:member_remove", s.org.pk, s.member_membership.pk, data={}
    ),
    ("organisation.members", "transfer_admin"): lambda w, s: _r(
        "partners:transfer_admin", s.org.pk, s.member_membership.pk, data={}
    ),
    ("organisation.members", "leave"): lambda w, s: _r("partners:leave", s.org.pk, data={}),
    ("organisation.invitations", "resend"): lambda w, s: _r(
        "partners:invitation_resend", s.org.pk, s.invitation.pk, data={}
    ),
    ("organisation.invitations", "revoke"): lambda w, s: _r(
        "partners:invitation_revoke", s.org.pk, s.invitation.pk, data={}
    ),
    ("organisation.invitations", "open_by_token"): lambda w, s: _r(
        "partners:invitation", s.invitation_token
    ),
    ("organisation.verification", "queue"): lambda w, s: _r("partners:verification_queue"),
    ("organisation.verification", "decide"): lambda w, s: _r(
        "partners:verification_decide", w.pending.pk, data={"decision": "approve", "note": ""}
    ),
    ("posting", "search"): lambda w, s: _r("partners:posting_list"),
    ("posting", "similar"): lambda w, s: Request(
        reverse("partners:posting_similar") + "?title=観光&body=周遊"
    ),
    ("posting.published", "view"): lambda w, s: _r("partners:posting_detail", s.open.pk),
    ("posting.draft", "view"): lambda w, s: _r("partners:posting_detail", s.draft.pk),
    ("posting.members_only", "view"): lambda w, s: _r("partners:posting_detail", s.members_only.pk),
    ("posting.coordinators_only", "view"): lambda w, s: _r(
        "partners:posting_detail", s.coordinators_only.pk
    ),
    ("posting", "edit_form"): lambda w, s: _r("partners:posting_edit", s.open.pk),
    ("posting", "edit"): lambda w, s: _r(
        "partners:posting_edit", s.open.pk, data=posting_edit_data(s.open)
    ),
    ("posting.draft", "publish"): lambda w, s: _r("partners:posting_publish", s.draft.pk, data={}),
    ("posting", "close"): lambda w, s: _r("partners:posting_close", s.open.pk, data={}),
    ("posting", "confirm_form"): lambda w, s: _r("partners:posting_confirm", s.open.pk),
    ("posting", "confirm"): lambda w, s: _r("partners:posting_confirm", s.open.pk, data={}),
    ("posting", "set_contact"): lambda w, s: _r(
        "partners:posting_contact", s.open.pk, data={"contact": s.member.pk}
    ),
    ("posting", "mine"): lambda w, s: _r("partners:posting_mine"),
    ("posting", "create_form"): lambda w, s: Request(
        reverse("partners:posting_create") + "?direction=issue"
    ),
    ("posting", "create"): lambda w, s: _r("partners:posting_create", data=posting_create_data(s)),
    ("posting.open_call", "respond_form"): lambda w, s: _r("partners:call_respond", s.call.pk),
    ("posting.open_call", "respond"): lambda w, s: _r(
        "partners:call_respond",
        s.call.pk,
        data={"idea": "私たちの案", "who": "担当チーム", "when": "来年度", "cost": "500000"},
    ),
    ("posting.open_call", "responses"): lambda w, s: _r("partners:call_responses", s.call.pk),
    ("posting.open_call", "shortlist"): lambda w, s: _r(
        "partners:call_response_decide",
        s.call.pk,
        s.call_response.pk,
        data={"decision": "shortlist"},
    ),
    ("posting.review", "queue"): lambda w, s: _r("partners:posting_review_queue"),
    ("posting.review", "decide"): lambda w, s: _r(
        "partners:posting_review_decide", s.review.pk, data={"decision": "approve", "note": ""}
    ),
    ("proposal.suggested", "request_introduction"): lambda w, s: _r(
        "matching:request", s.proposal_suggested.pk, data={"message": "ぜひ紹介を"}
    ),
    ("proposal", "view"): lambda w, s: _r("matching:proposal", s.proposal_requested.pk),
    ("proposal", "decide"): lambda w, s: _r(
        "matching:proposal_decide", s.proposal_requested.pk, data={"decision": "approve"}
    ),
    ("proposal.approved", "respond"): lambda w, s: _r(
        "matching:proposal_respond", s.proposal_approved.pk, data={"answer": "accept"}
    ),
    ("proposal", "mine"): lambda w, s: _r("matching:proposal_mine"),
    ("proposal", "create_form"): lambda w, s: _r("matching:proposal_create"),
    ("proposal", "create"): lambda w, s: _r(
        "matching:proposal_create",
        data={"posting": s.open.pk, "partner_posting": w.other.open.pk, "note": ""},
    ),
    ("proposal", "review_queue"): lambda w, s: _r("matching:review"),
    ("proposal", "review_bulk"): lambda w, s: _r(
        "matching:review_bulk",
        data={"proposals": [s.proposal_requested.pk], "decision": "approve", "note": ""},
    ),
    ("proposal", "triads"): lambda w, s: _r("matching:triads"),
    ("project", "list"): lambda w, s: _r("projects:list"),
    ("project", "export"): lambda w, s: _r("projects:export"),
    ("project", "view"): lambda w, s: _r("projects:detail", s.project.pk),
    ("project", "calendar"): lambda w, s: _r("projects:calendar", s.project.pk),
    ("project", "my_calendar_feed"): lambda w, s: _r("projects:user_calendar", feed_token_for(w)),
    ("project.agreement", "edit_form"): lambda w, s: _r("projects:agreement", s.project.pk),
    ("project.agreement", "edit"): lambda w, s: _r(
        "projects:agreement", s.project.pk, data=agreement_data(s)
    ),
    ("project.agreement", "sign"): lambda w, s: _r(
        "projects:sign",
        s.project.pk,
        data={"party": s.party.pk, "version": s.project.agreement.version},
    ),
    ("project.checklist", "update"): lambda w, s: _r(
        "projects:checklist", s.project.pk, data={"insurance": "on"}
    ),
    ("project.milestone", "add"): lambda w, s: _r(
        "projects:milestone_add",
        s.project.pk,
        data={
            "title": "新しい節目",
            "due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    ),
    ("project.milestone", "done"): lambda w, s: _r(
        "projects:milestone_done", s.project.pk, s.milestone.pk, data={"done": "1"}
    ),
    ("project", "complete"): lambda w, s: _r("projects:complete", s.active_project.pk, data={}),
    ("project", "cancel"): lambda w, s: _r(
        "projects:cancel", s.project.pk, data={"reason": "予算がつかなかったため"}
    ),
    ("project.party", "handover_form"): lambda w, s: _r(
        "projects:handover", s.project.pk, s.party.pk
    ),
    ("project.party", "handover"): lambda w, s: _r(
        "projects:handover",
        s.project.pk,
        s.party.pk,
        data={"new_contact": s.member.pk, "memo": "引き継ぎのメモです。"},
    ),
    ("project.party", "commitments_form"): lambda w, s: _r(
        "projects:commitments", s.project.pk, s.party.pk
    ),
    ("project.party", "commitments"): lambda w, s: _r(
        "projects:commitments",
        s.project.pk,
        s.party.pk,
        data={"commitments": "会場と職員2名を提供します。"},
    ),
    ("project.invitation", "send"): lambda w, s: _r(
        "projects:invite", s.project.pk, data={"organisation": w.invitee.pk, "message": ""}
    ),
    ("project.invitation", "view"): lambda w, s: _r("projects:invitation", s.project_invitation.pk),
    ("project.invitation", "answer"): lambda w, s: _r(
        "projects:invitation", s.project_invitation.pk, data={"answer": "decline"}
    ),
    ("project.message", "list"): lambda w, s: _r("projects:messages", s.project.pk),
    ("project.message", "post"): lambda w, s: _r(
        "projects:messages", s.project.pk, data={"body": "よろしくお願いします。"}
    ),
    ("project.attachment", "download"): lambda w, s: _r(
        "projects:message_attachment", s.project.pk, s.message.pk
    ),
    ("project.report", "edit_form"): lambda w, s: _r(
        "projects:report", s.active_project.pk, s.active_party.pk
    ),
    ("project.report", "edit"): lambda w, s: _r(
        "projects:report", s.active_project.pk, s.active_party.pk, data=report_data()
    ),
    ("case_study", "list"): lambda w, s: _r("cases:list"),
    ("case_study.published", "view"): lambda w, s: _r("cases:detail", s.case_published.pk),
    ("case_study.unpublished", "view"): lambda w, s: _r("cases:detail", s.case_unpublished.pk),
    ("notification", "inbox"): lambda w, s: _r("notifications:inbox"),
    ("notification", "badge"): lambda w, s: _r("notifications:badge"),
    ("notification", "read"): lambda w, s: _r("notifications:read", s.notification.pk, data={}),
    ("notification", "open"): lambda w, s: _r("notifications:open", s.notification.pk),
    ("notification", "read_all"): lambda w, s: _r("notifications:read_all", data={}),
    ("notification", "preferences_form"): lambda w, s: _r("notifications:preferences"),
    ("notification", "preferences"): lambda w, s: _r(
        "notifications:preferences", data=preferences_data()
    ),
    ("notification", "unsubscribe_by_token"): lambda w, s: _r(
        "notifications:unsubscribe", unsubscribe_token_for(w)
    ),
    ("import_job", "upload_form"): lambda w, s: _r("partners:bulk"),
    ("import_job", "template"): lambda w, s: _r("partners:import_template", "organisations"),
    ("import_job", "view"): lambda w, s: _r("partners:import_detail", w.coord_in_job.pk),
    ("import_job", "status"): lambda w, s: _r("partners:import_status", w.coord_in_job.pk),
    ("import_job", "start"): lambda w, s: _r("partners:import_start", w.coord_in_job.pk, data={}),
    ("export", "organisations"): lambda w, s: _r("partners:export_organisations"),
    ("export", "postings"): lambda w, s: _r("partners:export_postings"),
    ("export", "proposals"): lambda w, s: _r("partners:export_proposals"),
    ("dashboard", "view"): lambda w, s: _r("dashboard:index"),
    ("dashboard", "nudge"): lambda w, s: _r("dashboard:nudge", "posting", s.open.pk, data={}),
    ("account", "profile_form"): lambda w, s: _r("accounts:profile"),
    ("account", "profile"): lambda w, s: _r(
        "accounts:profile", data={"display_name": "新しい名前", "preferred_language": "en"}
    ),
    ("account", "language"): lambda w, s: _r("language_set", data={"language": "en"}),
    ("admin", "index"): lambda w, s: _r("admin:index"),
    ("api.organisation", "view"): lambda w, s: _r("api-v1:organisation_detail", s.org.pk),
    ("api.posting", "view"): lambda w, s: _r("api-v1:posting_detail", s.open.pk),
    ("api.posting.draft", "view"): lambda w, s: _r("api-v1:posting_detail", s.draft.pk),
    ("api.posting.members_only", "view"): lambda w, s: _r(
        "api-v1:posting_detail", s.members_only.pk
    ),
    ("api.case_study.unpublished", "view"): lambda w, s: _r(
        "api-v1:case_study_detail", s.case_unpublished.pk
    ),
}
