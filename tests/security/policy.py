"""The authorization policy of the portal as one table: role × scope × object × action.

Written from the product rules (STYLE.md rule 11, CONTRIBUTING "One access module", the
docstrings of partners/access.py and the issues), not from the code that enforces them:
tests/security/test_policy_matrix.py asks the running app every question in this table,
plainly and as htmx, and expects these answers.

Principals (role × scope), one column each:

    anon          not signed in
    own_admin     administrator of the organisation that owns the object ("A")
    own_member    plain member of A
    other_admin   administrator of another organisation ("B", no relation to the object)
    other_member  plain member of B
    coord_in      coordinator whose region covers A (Tokyo)
    coord_out     coordinator of another region (Okinawa)
    staff         Django staff user, member of no organisation, not a coordinator

Outcomes:

    OK     200: the page (or its htmx fragment)
    DONE   the action happened: 302 (200 for rows marked `htmx_fragment` when requested with
           HX-Request) and the database changed
    KEPT   allowed, but there was nothing to do (already verified, last administrator, a
           decision a coordinator may not make here): 302 and nothing written
    FORM   allowed, but the input is refused by the form: 200 with the errors, nothing written
    MOVED  302 elsewhere for a GET (e.g. "register an organisation first")
    LOGIN  302 to the sign-in page, nothing written
    ADMIN  302 to the Django admin's sign-in page
    DENY   403: an insider (member, covering coordinator) without the capability
    HIDE   404: an outsider, who must not learn that the object exists

The rules in words:
- Public pages (directory, profiles, open public postings, published case studies, the open
  API) answer everyone; drafts, members-only and coordinators-only postings follow their
  visibility.
- Members read what their organisation owns; only administrators change its settings,
  people and invitations; members (any role) write postings and projects' working
  material; only administrators sign, invite other organisations, hand over and close.
- Coordinators see and verify organisations in their region and review its postings and
  introductions; they may close projects there; they never act for an organisation.
  Coordinator pages are 404 for everyone else.
- A notification, an import job, a project invitation belong to one recipient / creator /
  invited organisation: everyone else gets 404.
- Anyone with a valid signed token (calendar feed, unsubscribe link, membership invitation)
  may use it; the token is the credential.
"""

from dataclasses import dataclass

OK, DONE, KEPT, FORM, MOVED = "OK", "DONE", "KEPT", "FORM", "MOVED"
LOGIN, ADMIN, DENY, HIDE = "LOGIN", "ADMIN", "DENY", "HIDE"
OUTCOMES = {OK, DONE, KEPT, FORM, MOVED, LOGIN, ADMIN, DENY, HIDE}

PRINCIPALS = (
    "anon",
    "own_admin",
    "own_member",
    "other_admin",
    "other_member",
    "coord_in",
    "coord_out",
    "staff",
)


@dataclass(frozen=True)
class Rule:
    url_name: str  # the URL pattern the rule is about (namespaced name)
    method: str  # "get" or "post"
    outcomes: dict[str, str]  # principal → outcome
    htmx_fragment: bool = False  # an allowed htmx POST answers 200 with a fragment


def _row(url_name: str, method: str, *outcomes: str, htmx_fragment: bool = False) -> Rule:
    assert len(outcomes) == len(PRINCIPALS), url_name
    assert set(outcomes) <= OUTCOMES, outcomes
    return Rule(url_name, method, dict(zip(PRINCIPALS, outcomes, strict=True)), htmx_fragment)


# Shorthands for the commonest shapes.
def _public(url_name: str) -> Rule:
    return _row(url_name, "get", OK, OK, OK, OK, OK, OK, OK, OK)


def _signed_in(url_name: str, method: str = "get", outcome: str = OK) -> Rule:
    return _row(url_name, method, LOGIN, *[outcome] * 7)


def _coordinators(url_name: str, method: str = "get", in_: str = OK, out: str = OK) -> Rule:
    return _row(url_name, method, LOGIN, HIDE, HIDE, HIDE, HIDE, in_, out, HIDE)


# (object, action) → rule. Columns: anon, own_admin, own_member, other_admin, other_member,
# coord_in, coord_out, staff.
# fmt: off
POLICY: dict[tuple[str, str], Rule] = {
    # --- Organisations and their settings ------------------------------------------------
    ("site", "home"): _public("partners:home"),
    ("organisation", "directory"): _public("partners:list"),
    ("organisation", "municipality_options"): _public("partners:municipality_options"),
    ("organisation", "view"): _public("partners:detail"),
    ("organisation", "register_form"): _signed_in("partners:create"),
    ("organisation", "switch"): _signed_in("partners:switch", "post", KEPT),
    ("organisation", "my_dashboard"): _signed_in("partners:dashboard"),
    ("organisation.settings", "edit_form"): _row(
        "partners:edit", "get", LOGIN, OK, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("organisation.settings", "edit"): _row(
        "partners:edit", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("organisation.settings", "logo_form"): _row(
        "partners:logo", "get", LOGIN, OK, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("organisation.settings", "logo_remove"): _row(
        "partners:logo", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    # A is verified already: the administrator may ask, and nothing needs doing.
    ("organisation.settings", "request_verification"): _row(
        "partners:request_verification", "post",
        LOGIN, KEPT, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("organisation.settings", "postings_export"): _row(
        "partners:postings_export", "get", LOGIN, OK, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("organisation.members", "list"): _row(
        "partners:members", "get", LOGIN, OK, OK, HIDE, HIDE, OK, HIDE, HIDE),
    ("organisation.members", "invite"): _row(
        "partners:invite", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("organisation.members", "change_role"): _row(
        "partners:member_role", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("organisation.members", "remove"): _row(
        "partners:member_remove", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("organisation.members", "transfer_admin"): _row(
        "partners:transfer_admin", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    # The last administrator cannot leave (KEPT); a coordinator is not a member (403).
    ("organisation.members", "leave"): _row(
        "partners:leave", "post", LOGIN, KEPT, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("organisation.invitations", "resend"): _row(
        "partners:invitation_resend", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("organisation.invitations", "revoke"): _row(
        "partners:invitation_revoke", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    # The emailed token is the credential: any signed-in holder sees the invitation.
    ("organisation.invitations", "open_by_token"): _signed_in("partners:invitation"),
    ("organisation.verification", "queue"): _coordinators("partners:verification_queue"),
    # V (pending, Tokyo) has no member among the principals.
    ("organisation.verification", "decide"): _coordinators(
        "partners:verification_decide", "post", DONE, HIDE),
    # --- Postings ------------------------------------------------------------------------
    ("posting", "search"): _public("partners:posting_list"),
    ("posting", "similar"): _public("partners:posting_similar"),
    ("posting.published", "view"): _public("partners:posting_detail"),
    ("posting.draft", "view"): _row(
        "partners:posting_detail", "get", HIDE, OK, OK, HIDE, HIDE, OK, HIDE, HIDE),
    ("posting.members_only", "view"): _row(
        "partners:posting_detail", "get", HIDE, OK, OK, OK, OK, OK, OK, OK),
    ("posting.coordinators_only", "view"): _row(
        "partners:posting_detail", "get", HIDE, OK, OK, HIDE, HIDE, OK, OK, HIDE),
    ("posting", "edit_form"): _row(
        "partners:posting_edit", "get", LOGIN, OK, OK, HIDE, HIDE, DENY, HIDE, HIDE),
    ("posting", "edit"): _row(
        "partners:posting_edit", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("posting.draft", "publish"): _row(
        "partners:posting_publish", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("posting", "close"): _row(
        "partners:posting_close", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("posting", "confirm_form"): _row(
        "partners:posting_confirm", "get", LOGIN, OK, OK, HIDE, HIDE, DENY, HIDE, HIDE),
    ("posting", "confirm"): _row(
        "partners:posting_confirm", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("posting", "set_contact"): _row(
        "partners:posting_contact", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    # Coordinators and staff belong to no organisation: nothing of their own to list or
    # post for.
    ("posting", "mine"): _row(
        "partners:posting_mine", "get", LOGIN, OK, OK, OK, OK, HIDE, HIDE, HIDE),
    ("posting", "create_form"): _row(
        "partners:posting_create", "get", LOGIN, OK, OK, OK, OK, MOVED, MOVED, MOVED),
    ("posting", "create"): _row(
        "partners:posting_create", "post", LOGIN, DONE, DONE, DONE, DONE, KEPT, KEPT, KEPT),
    # An open call is answered by other organisations; its own people and those without an
    # organisation to answer for see it but may not (403).
    ("posting.open_call", "respond_form"): _row(
        "partners:call_respond", "get", LOGIN, DENY, DENY, OK, OK, DENY, DENY, DENY),
    ("posting.open_call", "respond"): _row(
        "partners:call_respond", "post", LOGIN, DENY, DENY, DONE, DONE, DENY, DENY, DENY),
    ("posting.open_call", "responses"): _row(
        "partners:call_responses", "get", LOGIN, OK, OK, HIDE, HIDE, DENY, HIDE, HIDE),
    ("posting.open_call", "shortlist"): _row(
        "partners:call_response_decide", "post",
        LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("posting.review", "queue"): _coordinators("partners:posting_review_queue"),
    ("posting.review", "decide"): _row(
        "partners:posting_review_decide", "post",
        LOGIN, DENY, DENY, HIDE, HIDE, DONE, HIDE, HIDE),
    # --- Proposals (introductions) -------------------------------------------------------
    ("proposal.suggested", "request_introduction"): _row(
        "matching:request", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("proposal", "view"): _row(
        "matching:proposal", "get", LOGIN, OK, OK, HIDE, HIDE, OK, HIDE, HIDE),
    ("proposal", "decide"): _row(
        "matching:proposal_decide", "post", LOGIN, DENY, DENY, HIDE, HIDE, DONE, HIDE, HIDE,
        htmx_fragment=True),
    # A covering coordinator sees the proposal but is no party's editor: 403.
    ("proposal.approved", "respond"): _row(
        "matching:proposal_respond", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("proposal", "mine"): _signed_in("matching:proposal_mine"),
    ("proposal", "create_form"): _coordinators("matching:proposal_create"),
    # A posting outside the coordinator's region is refused by the form.
    ("proposal", "create"): _coordinators("matching:proposal_create", "post", DONE, FORM),
    ("proposal", "review_queue"): _coordinators("matching:review"),
    # The queue offers only the coordinator's own region: elsewhere the choice is invalid.
    ("proposal", "review_bulk"): _coordinators("matching:review_bulk", "post", DONE, KEPT),
    ("proposal", "triads"): _coordinators("matching:triads"),
    # --- Projects and their parts --------------------------------------------------------
    ("project", "list"): _signed_in("projects:list"),
    ("project", "export"): _coordinators("projects:export"),
    ("project", "view"): _row(
        "projects:detail", "get", LOGIN, OK, OK, HIDE, HIDE, OK, HIDE, HIDE),
    ("project", "calendar"): _row(
        "projects:calendar", "get", LOGIN, OK, OK, HIDE, HIDE, OK, HIDE, HIDE),
    ("project", "my_calendar_feed"): _public("projects:user_calendar"),
    ("project.agreement", "edit_form"): _row(
        "projects:agreement", "get", LOGIN, OK, OK, HIDE, HIDE, DENY, HIDE, HIDE),
    ("project.agreement", "edit"): _row(
        "projects:agreement", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("project.agreement", "sign"): _row(
        "projects:sign", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("project.checklist", "update"): _row(
        "projects:checklist", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("project.milestone", "add"): _row(
        "projects:milestone_add", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("project.milestone", "done"): _row(
        "projects:milestone_done", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE,
        htmx_fragment=True),
    ("project", "complete"): _row(
        "projects:complete", "post", LOGIN, DONE, DENY, HIDE, HIDE, DONE, HIDE, HIDE),
    ("project", "cancel"): _row(
        "projects:cancel", "post", LOGIN, DONE, DENY, HIDE, HIDE, DONE, HIDE, HIDE),
    ("project.party", "handover_form"): _row(
        "projects:handover", "get", LOGIN, OK, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    ("project.party", "handover"): _row(
        "projects:handover", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    # Like the completion report: any member of the party writes what it commits to.
    ("project.party", "commitments_form"): _row(
        "projects:commitments", "get", LOGIN, OK, OK, HIDE, HIDE, DENY, HIDE, HIDE),
    ("project.party", "commitments"): _row(
        "projects:commitments", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    ("project.invitation", "send"): _row(
        "projects:invite", "post", LOGIN, DONE, DENY, HIDE, HIDE, DENY, HIDE, HIDE),
    # A's project invited B: only B's administrators see and answer it.
    ("project.invitation", "view"): _row(
        "projects:invitation", "get", LOGIN, HIDE, HIDE, OK, HIDE, HIDE, HIDE, HIDE),
    ("project.invitation", "answer"): _row(
        "projects:invitation", "post", LOGIN, HIDE, HIDE, DONE, HIDE, HIDE, HIDE, HIDE),
    ("project.message", "list"): _row(
        "projects:messages", "get", LOGIN, OK, OK, HIDE, HIDE, OK, HIDE, HIDE),
    ("project.message", "post"): _row(
        "projects:messages", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE,
        htmx_fragment=True),
    ("project.attachment", "download"): _row(
        "projects:message_attachment", "get", LOGIN, OK, OK, HIDE, HIDE, OK, HIDE, HIDE),
    ("project.report", "edit_form"): _row(
        "projects:report", "get", LOGIN, OK, OK, HIDE, HIDE, DENY, HIDE, HIDE),
    ("project.report", "edit"): _row(
        "projects:report", "post", LOGIN, DONE, DONE, HIDE, HIDE, DENY, HIDE, HIDE),
    # --- Case studies --------------------------------------------------------------------
    ("case_study", "list"): _public("cases:list"),
    ("case_study.published", "view"): _public("cases:detail"),
    ("case_study.unpublished", "view"): _row(
        "cases:detail", "get", HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE),
    # --- Notifications (own_admin's) -----------------------------------------------------
    ("notification", "inbox"): _signed_in("notifications:inbox"),
    ("notification", "badge"): _signed_in("notifications:badge"),
    ("notification", "read"): _row(
        "notifications:read", "post", LOGIN, DONE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE,
        htmx_fragment=True),
    ("notification", "open"): _row(
        "notifications:open", "get", LOGIN, MOVED, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE),
    # Marks the requester's own notifications: both administrators have an unread one.
    ("notification", "read_all"): _row(
        "notifications:read_all", "post", LOGIN, DONE, KEPT, DONE, KEPT, KEPT, KEPT, KEPT),
    ("notification", "preferences_form"): _signed_in("notifications:preferences"),
    ("notification", "preferences"): _signed_in("notifications:preferences", "post", DONE),
    ("notification", "unsubscribe_by_token"): _public("notifications:unsubscribe"),
    # --- Imports and exports (coord_in's import job) -------------------------------------
    ("import_job", "upload_form"): _coordinators("partners:bulk"),
    ("import_job", "template"): _coordinators("partners:import_template"),
    ("import_job", "view"): _coordinators("partners:import_detail", "get", OK, HIDE),
    ("import_job", "status"): _coordinators("partners:import_status", "get", OK, HIDE),
    ("import_job", "start"): _coordinators("partners:import_start", "post", DONE, HIDE),
    ("export", "organisations"): _coordinators("partners:export_organisations"),
    ("export", "postings"): _coordinators("partners:export_postings"),
    ("export", "proposals"): _coordinators("partners:export_proposals"),
    # --- Coordinator dashboard -----------------------------------------------------------
    ("dashboard", "view"): _coordinators("dashboard:index"),
    ("dashboard", "nudge"): _row(
        "dashboard:nudge", "post", LOGIN, HIDE, HIDE, HIDE, HIDE, DONE, HIDE, HIDE,
        htmx_fragment=True),
    # --- Accounts ------------------------------------------------------------------------
    ("account", "profile_form"): _signed_in("accounts:profile"),
    ("account", "profile"): _signed_in("accounts:profile", "post", DONE),
    # Anonymous visitors keep their choice in a cookie; signed-in users on their account.
    ("account", "language"): _row(
        "language_set", "post", KEPT, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    # --- Django admin (framework; staff with TOTP only) ----------------------------------
    ("admin", "index"): _row(
        "admin:index", "get", ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, OK),
    # --- The open API (read-only, public) ------------------------------------------------
    ("api.organisation", "view"): _public("api-v1:organisation_detail"),
    ("api.posting", "view"): _public("api-v1:posting_detail"),
    # The API is anonymous open data: a draft or a members-only posting does not exist
    # there, whoever's cookie comes along.
    ("api.posting.draft", "view"): _row(
        "api-v1:posting_detail", "get", HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE),
    ("api.posting.members_only", "view"): _row(
        "api-v1:posting_detail", "get", HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE),
    ("api.case_study.unpublished", "view"): _row(
        "api-v1:case_study_detail", "get", HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE),
}
# fmt: on

# --- URL classification (test_url_inventory.py) -----------------------------------------

# URL names that answer everyone, and why. (Pages in POLICY are classified already.)
PUBLIC: dict[str, str] = {
    "api-v1:openapi-json": "the open API's schema",
    "api-v1:openapi-view": "the open API's documentation page",
    "api-v1:organisation_list": "open data: verified organisations",
    "api-v1:posting_list": "open data: open public postings",
    "api-v1:theme_list": "open data: reference themes",
    "api-v1:theme_detail": "open data: reference themes",
    "api-v1:prefecture_list": "open data: reference prefectures",
    "api-v1:prefecture_detail": "open data: reference prefectures",
    "api-v1:municipality_list": "open data: reference municipalities",
    "api-v1:municipality_detail": "open data: reference municipalities",
    "api-v1:case_study_list": "open data: published case studies",
    "api-v1:api-root": "django-ninja's index of the open API",
}

# Framework URLs: authentication and MFA (django-allauth), the Django admin, static and
# media files. Prefixes of URL names or of routes; each covers every pattern under it.
FRAMEWORK_NAME_PREFIXES: dict[str, str] = {
    "admin:": "Django admin: staff only, TOTP required (StaffMFARequiredMiddleware)",
    "account_": "django-allauth: sign-up, sign-in, email verification, password reset",
    "mfa_": "django-allauth MFA: TOTP, recovery codes, WebAuthn",
}
# Patterns without a name are classified by their route.
FRAMEWORK_ROUTE_PREFIXES: dict[str, str] = {
    "admin/": "Django admin patterns without a name (object redirects, the catch-all)",
    "media/": "uploaded public media (logos), served by Django only when DEBUG",
}
# Present only in some configurations, so never reported as stale.
OPTIONAL_FRAMEWORK_ROUTE_PREFIXES = {"media/"}


def policy_url_names() -> set[str]:
    return {rule.url_name for rule in POLICY.values()}
