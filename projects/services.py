"""Project transitions: one service function each, atomic, audited, notifying on commit.

    forming ──(every party signed the current agreement, checklist complete if minors)──▶ active
    forming | active ──cancel──▶ cancelled        active ──complete──▶ completed

Activation happens by itself in the transaction that meets its last condition (the last
signature or the last checklist tick), so nobody has to remember a final click.
"""

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import AuditEvent, Membership, OrganisationKind, Posting, Theme
from partners.services import ServiceError
from partners.uploads import ProcessedImage, random_image_name

from . import notices
from .attachments import PreparedAttachment
from .models import (
    Agreement,
    AgreementSignoff,
    CaseStudy,
    CompletionReport,
    Milestone,
    PartyRole,
    Project,
    ProjectMessage,
    ProjectParty,
    ProjectState,
    ReportPhoto,
    SafetyChecklist,
)

_ROLE_FOR_KIND = {
    OrganisationKind.COMPANY: PartyRole.COMPANY,
    OrganisationKind.MUNICIPALITY: PartyRole.MUNICIPALITY,
    OrganisationKind.SCHOOL: PartyRole.SCHOOL,
}


def _audit(project: Project, *, actor: Any, action: str, **data: Any) -> None:
    if Project.posting.is_cached(project):
        organisation_id = project.posting.organisation_id
    else:
        # Not the whole posting (its long texts and analysed columns) for one key: every
        # message posted came here without it.
        organisation_id = Posting.objects.values_list("organisation_id", flat=True).get(
            pk=project.posting_id
        )
    AuditEvent.objects.create(
        actor=actor,
        organisation_id=organisation_id,
        action=f"project.{action}",
        data={"project": project.pk, **data},
    )


def _move(project: Project, *, before: list[str], after: str, **fields: Any) -> bool:
    return bool(
        Project.objects.filter(pk=project.pk, state__in=before).update(
            state=after, state_changed_at=timezone.now(), **fields
        )
    )


def _agreement_template(project: Project, posting: Posting, parties: list[ProjectParty]) -> dict:
    """A starting text for the agreement, in the language of whoever formed the project;
    the parties edit it before signing."""
    names = "、".join(party.organisation.name for party in parties)
    period = _("From the start of the project until its completion report.")
    if posting.starts_on or posting.ends_on:
        period = f"{posting.starts_on or '…'} – {posting.ends_on or '…'}"
    return {
        "purpose": _("%(names)s work together on “%(title)s”.")
        % {"names": names, "title": posting.title},
        "roles": "\n".join(
            f"{party.organisation.name}: {party.get_role_display()}" for party in parties
        ),
        "period": period,
        "costs": _(
            "Each party bears its own costs unless agreed otherwise in writing. "
            "Funding route: %(route)s."
        )
        % {"route": posting.get_funding_route_display()},
        "intellectual_property": _(
            "Results belong to the party that created them; joint results are shared. "
            "Any party may present the project publicly after telling the others."
        ),
        "personal_data": _(
            "Personal data is used only for the project. Photos of students are published "
            "only with the consent of their guardians and the school."
        ),
        "safety": _(
            "Activities with students are supervised by the school. "
            "Each party insures its own staff and activities."
        ),
    }


@transaction.atomic
def project_form_from_proposal(proposal: Any, *, actor: Any) -> Project:
    """Every party accepted: the project is formed, with a draft agreement to sign. Runs in
    the transaction of the last acceptance. Idempotent: a second call returns the project."""
    existing = Project.objects.filter(proposal=proposal).first()
    if existing is not None:
        return existing
    posting = proposal.posting
    organisations = [posting.organisation, proposal.partner]
    if proposal.second_partner_id:
        organisations.append(proposal.second_partner)
    project = Project.objects.create(
        title=posting.title,
        summary=posting.body[:4000],
        proposal=proposal,
        posting=posting,
        starts_on=posting.starts_on,
        ends_on=posting.ends_on,
        involves_minors=any(o.kind == OrganisationKind.SCHOOL for o in organisations),
        state_changed_at=timezone.now(),
    )
    contacts = {posting.organisation_id: posting.contact}
    for partner_posting in (proposal.partner_posting, proposal.second_partner_posting):
        if partner_posting is not None:
            contacts[partner_posting.organisation_id] = partner_posting.contact
    parties = [
        ProjectParty.objects.create(
            project=project,
            organisation=organisation,
            role=_ROLE_FOR_KIND.get(organisation.kind, PartyRole.COMPANY),
            contact=contacts.get(organisation.pk),
        )
        for organisation in organisations
    ]
    Agreement.objects.create(project=project, **_agreement_template(project, posting, parties))
    if project.involves_minors:
        SafetyChecklist.objects.create(project=project)
    _audit(project, actor=actor, action="formed", proposal=proposal.pk)
    notices.project_formed(project, actor=actor)
    return project


def _activate_if_ready(project: Project, *, actor: Any) -> bool:
    project.refresh_from_db()
    if project.state != ProjectState.FORMING or not readiness(project)["ready"]:
        return False
    if not _move(project, before=[ProjectState.FORMING], after=ProjectState.ACTIVE):
        return False
    _audit(project, actor=actor, action="active", **{"from": "forming", "to": "active"})
    notices.project_started(project, actor=actor)
    return True


def readiness(project: Project) -> dict[str, Any]:
    """What still stands between a forming project and `active`."""
    agreement = project.agreement
    signed = set(
        AgreementSignoff.objects.filter(agreement=agreement, version=agreement.version).values_list(
            "party_id", flat=True
        )
    )
    checklist = (
        SafetyChecklist.objects.filter(project=project).first() if project.involves_minors else None
    )
    return readiness_of(
        project=project,
        parties=list(project.parties.select_related("organisation")),
        signed_party_ids=signed,
        checklist=checklist,
    )


def readiness_of(
    *,
    project: Project,
    parties: list[ProjectParty],
    signed_party_ids: set[int],
    checklist: SafetyChecklist | None,
) -> dict[str, Any]:
    """`readiness` from rows the caller has already loaded (the project page has them all):
    the parties (with organisations), the ids of those that signed the current version, and
    the checklist (None if there is none)."""
    unsigned = [party for party in parties if party.pk not in signed_party_ids]
    checklist_missing = project.involves_minors and (checklist is None or not checklist.complete)
    return {
        "unsigned": unsigned,
        "checklist_missing": checklist_missing,
        "ready": not unsigned and not checklist_missing,
    }


@transaction.atomic
def agreement_update(*, project: Project, actor: Any, data: dict[str, str]) -> Agreement:
    """Edit the agreement while forming. A changed text is a new version: earlier signatures
    no longer count, and everyone signs again."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.state != ProjectState.FORMING:
        raise ServiceError(_("The agreement can only be changed while the project is forming."))
    agreement = Agreement.objects.select_for_update().get(project=locked)
    changed = [field for field in Agreement.TEXT_FIELDS if getattr(agreement, field) != data[field]]
    if not changed:
        return agreement
    for field in Agreement.TEXT_FIELDS:
        setattr(agreement, field, data[field])
    agreement.version += 1
    agreement.updated_by = actor
    agreement.save()
    _audit(
        locked, actor=actor, action="agreement_changed", version=agreement.version, fields=changed
    )
    return agreement


@transaction.atomic
def agreement_sign(*, project: Project, party: ProjectParty, actor: Any, version: int) -> bool:
    """An administrator signs the agreement for their organisation. `version` is the text they
    read: if someone changed it meanwhile, they must read it again. False when already signed."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.state != ProjectState.FORMING:
        raise ServiceError(_("The agreement can only be signed while the project is forming."))
    agreement = Agreement.objects.get(project=locked)
    if version != agreement.version:
        raise ServiceError(
            _("The agreement was changed while you were reading it. Please read it again.")
        )
    signoff, created = AgreementSignoff.objects.get_or_create(
        agreement=agreement, party=party, version=agreement.version, defaults={"signed_by": actor}
    )
    if not created:
        return False
    _audit(
        locked,
        actor=actor,
        action="agreement_signed",
        party=party.organisation_id,
        version=agreement.version,
    )
    notices.agreement_signed(locked, party=party, actor=actor)
    _activate_if_ready(locked, actor=actor)
    return True


@transaction.atomic
def checklist_update(*, project: Project, actor: Any, items: dict[str, bool]) -> SafetyChecklist:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.state not in (ProjectState.FORMING, ProjectState.ACTIVE):
        raise ServiceError(_("This project is closed."))
    checklist, _created = SafetyChecklist.objects.get_or_create(project=locked)
    for item in SafetyChecklist.ITEMS:
        setattr(checklist, item, bool(items.get(item)))
    checklist.updated_by = actor
    checklist.save()
    _audit(
        locked,
        actor=actor,
        action="checklist_updated",
        **{i: bool(items.get(i)) for i in SafetyChecklist.ITEMS},
    )
    _activate_if_ready(locked, actor=actor)
    return checklist


@transaction.atomic
def project_complete(*, project: Project, actor: Any) -> bool:
    if not _move(project, before=[ProjectState.ACTIVE], after=ProjectState.COMPLETED):
        return False
    _audit(project, actor=actor, action="completed", **{"from": "active", "to": "completed"})
    notices.project_completed(project, actor=actor)
    notices.reports_requested(project, actor=actor)
    # Reports written (with consent) while the project was active publish it now.
    case_study_sync(project=project, actor=actor)
    return True


@transaction.atomic
def project_cancel(*, project: Project, actor: Any, reason: str) -> bool:
    reason = (reason or "").strip()[:500]
    if not reason:
        raise ServiceError(_("Please say why the project is cancelled."))
    before = Project.objects.filter(pk=project.pk).values_list("state", flat=True).first()
    if not _move(
        project,
        before=[ProjectState.FORMING, ProjectState.ACTIVE],
        after=ProjectState.CANCELLED,
        cancel_reason=reason,
    ):
        return False
    _audit(
        project,
        actor=actor,
        action="cancelled",
        reason=reason,
        **{"from": before, "to": "cancelled"},
    )
    notices.project_cancelled(project, actor=actor)
    return True


@transaction.atomic
def milestone_add(*, project: Project, actor: Any, title: str, due_on: Any) -> Milestone:
    if project.state not in (ProjectState.FORMING, ProjectState.ACTIVE):
        raise ServiceError(_("This project is closed."))
    milestone = Milestone.objects.create(
        project=project, title=title, due_on=due_on, created_by=actor
    )
    _audit(project, actor=actor, action="milestone_added", milestone=milestone.pk)
    return milestone


@transaction.atomic
def milestone_set_done(*, milestone: Milestone, actor: Any, done: bool) -> Milestone:
    Milestone.objects.filter(pk=milestone.pk).update(done_at=timezone.now() if done else None)
    milestone.refresh_from_db()
    _audit(
        milestone.project,
        actor=actor,
        action="milestone_done" if done else "milestone_reopened",
        milestone=milestone.pk,
    )
    return milestone


@transaction.atomic
def party_handover(*, party: ProjectParty, actor: Any, new_contact: Any, memo: str) -> ProjectParty:
    """An organisation's administrator names a successor and writes what the partners and the
    successor need to know."""
    memo = (memo or "").strip()
    if not memo:
        raise ServiceError(_("Please write a short hand-over memo for the partners."))
    if not Membership.objects.filter(organisation=party.organisation, user=new_contact).exists():
        raise ServiceError(_("The new contact must be a member of the organisation."))
    locked = ProjectParty.objects.select_for_update().get(pk=party.pk)
    previous = locked.contact
    locked.contact = new_contact
    locked.save(update_fields=["contact"])
    locked.handovers.create(
        previous_contact=previous, new_contact=new_contact, memo=memo[:4000], written_by=actor
    )
    _audit(
        locked.project,
        actor=actor,
        action="handover",
        party=locked.organisation_id,
        to=new_contact.pk,
    )
    notices.party_handed_over(locked, actor=actor)
    return locked


# A party's commitments are part of the working arrangement: written and changed while the
# project is forming or running, kept as the record once it has ended.
COMMITMENT_STATES = (ProjectState.FORMING, ProjectState.ACTIVE)
COMMITMENTS_CLOSED = gettext_lazy(
    "Commitments can be changed only while the project is forming or running."
)


@transaction.atomic
def party_commitments_update(*, party: ProjectParty, actor: Any, text: str) -> bool:
    """A party writes down what it brings (people, funding, the field, class hours) for its
    partners to read on the project page. False when the text did not change (nothing is
    written or recorded). The project's history records who changed it; partners are not
    notified, as they are not for milestones: the page is where the arrangement lives."""
    text = (text or "").strip()
    locked = ProjectParty.objects.select_for_update().get(pk=party.pk)
    project = (
        Project.objects.select_related("posting")
        .only("state", "posting__organisation")
        .get(pk=locked.project_id)
    )
    if project.state not in COMMITMENT_STATES:
        raise ServiceError(COMMITMENTS_CLOSED)
    if locked.commitments == text:
        return False
    locked.commitments = text
    locked.save(update_fields=["commitments"])
    _audit(project, actor=actor, action="commitments_changed", party=locked.organisation_id)
    return True


def contacts_left(*, organisation: Any, user: Any) -> int:
    """A member left: their projects stay with the organisation without a contact, and the
    administrators are asked to name a successor (partners' membership_remove calls this
    through the `member_left` signal)."""
    parties = list(
        ProjectParty.objects.filter(
            organisation=organisation,
            contact=user,
            project__state__in=[ProjectState.FORMING, ProjectState.ACTIVE],
        ).select_related("project__posting")
    )
    for party in parties:
        ProjectParty.objects.filter(pk=party.pk).update(contact=None)
        _audit(party.project, actor=user, action="contact_left", party=organisation.pk)
        notices.contact_needed(party)
    return len(parties)


# --- Messages ------------------------------------------------------------------------------

MESSAGE_STATES = (ProjectState.FORMING, ProjectState.ACTIVE, ProjectState.COMPLETED)


@transaction.atomic
def message_post(
    *,
    project: Project,
    author: Any,
    party: ProjectParty | None,
    body: str,
    is_progress_note: bool = False,
    attachment: PreparedAttachment | None = None,
    mentions: list[Any] = (),  # type: ignore[assignment]
) -> ProjectMessage:
    """Add a message (or progress note) to the thread. `attachment` is already validated
    (projects.attachments) and `mentions` already limited to the project's people; mentioned
    people and the other parties' contacts are notified in this transaction."""
    body = (body or "").strip()
    if not body:
        raise ServiceError(_("Please write a message."))
    if project.state not in MESSAGE_STATES:
        raise ServiceError(_("This project is closed."))
    message = ProjectMessage(
        project=project, author=author, party=party, body=body, is_progress_note=is_progress_note
    )
    if attachment is not None:
        message.attachment.save(
            attachment.storage_name, ContentFile(attachment.content), save=False
        )
        message.attachment_name = attachment.download_name
        message.attachment_type = attachment.content_type
    try:
        # project, author and party are instances the caller loaded (the database's
        # foreign keys still hold): checking that they exist cost three queries.
        message.full_clean(exclude=["attachment", "mentions", "project", "author", "party"])
        message.save()
    except Exception:
        # Django has no on-rollback hook; at least the failures raised here leave no file.
        # (A rollback further up leaves an orphan under a random private name, never served.)
        if message.attachment:
            message.attachment.storage.delete(message.attachment.name)
        raise
    if mentions:
        # add(), not set(): the message is new, so there is nothing to read and remove.
        message.mentions.add(*mentions)
    _audit(
        project,
        actor=author,
        action="message_posted",
        message=message.pk,
        progress=is_progress_note,
        attachment=bool(attachment),
    )
    notices.message_posted(message, mentioned=list(mentions))
    return message


# --- Completion reports and case studies ---------------------------------------------------

REPORT_STATES = (ProjectState.ACTIVE, ProjectState.COMPLETED)
REPORT_FIELDS = ("done", "students_involved", "events_held", "funds_used", "next_steps")


@transaction.atomic
def report_save(
    *,
    project: Project,
    party: ProjectParty,
    actor: Any,
    data: dict[str, Any],
    sdgs: list[Theme],
    add_photos: list[ProcessedImage] = (),  # type: ignore[assignment]
    remove_photo_ids: list[int] = (),  # type: ignore[assignment]
    consent_public: bool | None = None,
) -> CompletionReport:
    """Create or update a party's completion report. `consent_public` None leaves the
    consent as it is (members who are not administrators cannot change it). Publishes or
    unpublishes the case study in the same transaction."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.state not in REPORT_STATES:
        raise ServiceError(
            _("A report can be written once the project is active, and not if it was cancelled.")
        )
    report = CompletionReport.objects.filter(party=party).first() or CompletionReport(party=party)
    consent_before = report.consent_public
    for field in REPORT_FIELDS:
        setattr(report, field, data[field])
    if consent_public is not None:
        report.consent_public = consent_public
    report.updated_by = actor
    report.full_clean(exclude=["party"])
    report.save()
    report.sdgs.set([theme for theme in sdgs if theme.kind == Theme.Kind.SDG])
    removed = list(report.photos.filter(pk__in=list(remove_photo_ids)))
    if len(report.photos.all()) - len(removed) + len(add_photos) > CompletionReport.MAX_PHOTOS:
        raise ServiceError(
            _("A report can have at most %(count)s photos.")
            % {"count": CompletionReport.MAX_PHOTOS}
        )
    old_files = [name for photo in removed for name in (photo.image.name, photo.thumbnail.name)]
    for photo in removed:
        photo.delete()
    for image in add_photos:
        photo = ReportPhoto(report=report, width=image.width, height=image.height)
        photo.image.save(random_image_name(image.extension), ContentFile(image.content), save=False)
        small = image.thumbnails.get(512) or next(iter(image.thumbnails.values()), image.content)
        photo.thumbnail.save(random_image_name(image.extension), ContentFile(small), save=False)
        photo.save()
    if old_files:
        storage = ReportPhoto._meta.get_field("image").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in old_files])
    _audit(
        locked,
        actor=actor,
        action="report_saved",
        party=party.organisation_id,
        consent=report.consent_public,
        **({"consent_changed": True} if consent_before != report.consent_public else {}),
    )
    case_study_sync(project=locked, actor=actor)
    return report


def case_study_ready(project: Project) -> bool:
    """Completed, and every party has a report with consent to publish."""
    if project.state != ProjectState.COMPLETED:
        return False
    parties = list(project.parties.values_list("pk", flat=True))
    consenting = CompletionReport.objects.filter(party__in=parties, consent_public=True).count()
    return bool(parties) and consenting == len(parties)


def _case_study_content(project: Project) -> dict[str, Any]:
    parties = list(
        project.parties.select_related("organisation__prefecture", "report").order_by("pk")
    )
    reports = [party.report for party in parties if hasattr(party, "report")]
    lines = []
    for party in parties:
        report = getattr(party, "report", None)
        if report is not None:
            lines.append(f"【{party.organisation.name}】{report.done}")
            if report.next_steps:
                lines.append(_("Next: %(next)s") % {"next": report.next_steps})
    lead = project.posting.organisation
    prefecture_id = lead.prefecture_id or next(
        (p.organisation.prefecture_id for p in parties if p.organisation.prefecture_id), None
    )
    return {
        "title": project.title[:200],
        "summary": "\n\n".join(lines),
        "prefecture_id": prefecture_id,
        "students_involved": sum(r.students_involved for r in reports),
        "events_held": max((r.events_held for r in reports), default=0),
        "organisations": [party.organisation for party in parties],
        "sdgs": list(
            Theme.objects.filter(
                kind=Theme.Kind.SDG,
                pk__in=CompletionReport.sdgs.through.objects.filter(
                    completionreport__in=reports
                ).values("theme_id"),
            )
        ),
        "photos": list(ReportPhoto.objects.filter(report__in=reports)),
    }


def case_study_sync(*, project: Project, actor: Any, notify: bool = True) -> CaseStudy | None:
    """Publish the case study when ready (regenerated from the current reports), unpublish
    it when not. Call inside the transaction that changed a report or the project's state.
    `notify=False` is for demo data."""
    project.refresh_from_db(fields=["state"])
    case_study = CaseStudy.objects.select_for_update().filter(project=project).first()
    if not case_study_ready(project):
        if case_study is not None and case_study.is_published:
            case_study.is_published = False
            case_study.save(update_fields=["is_published", "updated_at"])
            _audit(project, actor=actor, action="case_study_unpublished", case=case_study.pk)
        return case_study
    content = _case_study_content(project)
    organisations = content.pop("organisations")
    sdgs = content.pop("sdgs")
    photos = content.pop("photos")
    newly = case_study is None or not case_study.is_published
    if case_study is None:
        case_study = CaseStudy(project=project)
    for field, value in content.items():
        setattr(case_study, field, value)
    if newly:
        case_study.is_published = True
        case_study.published_at = timezone.now()
    case_study.save()
    case_study.organisations.set(organisations)
    case_study.sdgs.set(sdgs)
    case_study.photos.set(photos)
    if newly:
        _audit(project, actor=actor, action="case_study_published", case=case_study.pk)
        if notify:
            notices.case_study_published(case_study, actor=actor)
    return case_study


@transaction.atomic
def project_invite(*, project: Project, actor: Any, organisation: Any, message: str = "") -> Any:
    """A party invites another organisation to join the project (forming or active)."""
    from .models import ProjectInvitation

    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.state not in (ProjectState.FORMING, ProjectState.ACTIVE):
        raise ServiceError(_("This project is closed."))
    if locked.parties.filter(organisation=organisation).exists():
        raise ServiceError(_("This organisation is already part of the project."))
    if not organisation.is_verified:
        raise ServiceError(_("Only verified organisations can be invited."))
    invitation, created = ProjectInvitation.objects.get_or_create(
        project=locked,
        organisation=organisation,
        status=ProjectInvitation.Status.PENDING,
        defaults={"invited_by": actor, "message": (message or "").strip()[:1000]},
    )
    if not created:
        raise ServiceError(_("This organisation has already been invited."))
    _audit(locked, actor=actor, action="invited", organisation=organisation.pk)
    notices.project_invited(invitation, actor=actor)
    return invitation


@transaction.atomic
def project_invitation_answer(*, invitation: Any, actor: Any, accept: bool) -> bool:
    """An administrator of the invited organisation answers. False when already answered."""
    from .models import ProjectInvitation

    locked = Project.objects.select_for_update().get(pk=invitation.project_id)
    status = ProjectInvitation.Status.ACCEPTED if accept else ProjectInvitation.Status.DECLINED
    answered = ProjectInvitation.objects.filter(
        pk=invitation.pk, status=ProjectInvitation.Status.PENDING
    ).update(status=status, answered_by=actor, answered_at=timezone.now())
    if not answered:
        return False
    if accept:
        if locked.state not in (ProjectState.FORMING, ProjectState.ACTIVE):
            raise ServiceError(_("This project is closed."))
        organisation = invitation.organisation
        ProjectParty.objects.get_or_create(
            project=locked,
            organisation=organisation,
            defaults={
                "role": _ROLE_FOR_KIND.get(organisation.kind, PartyRole.COMPANY),
                "contact": actor,
            },
        )
        if organisation.kind == OrganisationKind.SCHOOL and not locked.involves_minors:
            # A school joining brings students: the checklist now gates (or should be done).
            Project.objects.filter(pk=locked.pk).update(involves_minors=True)
            SafetyChecklist.objects.get_or_create(project=locked)
    _audit(
        locked,
        actor=actor,
        action="joined" if accept else "invitation_declined",
        organisation=invitation.organisation_id,
    )
    notices.project_invitation_answered(invitation, actor=actor, accepted=accept)
    return True


def milestones_remind_due(*, today: Any = None) -> int:
    """Remind the parties of milestones due within MILESTONE_REMIND_DAYS that are not done
    (periodic, daily). Idempotent: one reminder per milestone and date."""
    from datetime import timedelta

    from django.conf import settings

    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.MILESTONE_REMIND_DAYS)
    due = Milestone.objects.filter(
        done_at__isnull=True,
        due_on__gte=today,
        due_on__lte=horizon,
        project__state__in=[ProjectState.FORMING, ProjectState.ACTIVE],
    ).select_related("project")
    count = 0
    for milestone in due:
        with transaction.atomic():
            notices.milestone_due(milestone)
        count += 1
    return count
