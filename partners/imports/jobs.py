"""Import jobs: the dry run (`import_job_preview`), the start (`import_job_start`) and the
all-or-nothing run in Celery (`import_job_execute`), with progress in the cache."""

import contextlib
import logging
from datetime import date
from functools import partial
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sankangaku.accounts.models import User

from ..access import coordinator_prefecture_codes
from ..models import (
    ImportJob,
    LocalGovernment,
    Membership,
    Organisation,
    Prefecture,
    Role,
    Theme,
)
from .reading import decode_upload, read_rows
from .rows import CLEANERS, RowErrors

logger = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 200
PROGRESS_EVERY = 10

# --- Applying rows ----------------------------------------------------------------------


class _Rehearsal(Exception):
    """Raised to roll back a dry run."""


class RowFailed(Exception):
    def __init__(self, row: int, error: ValidationError) -> None:
        super().__init__(row)
        self.row = row
        self.error = error


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [
            ("" if field == "__all__" else field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in error.messages]


def _create_organisation(*, actor: User, data: dict[str, Any], job_id: int | None) -> None:
    from ..services.organisations import _audit, _save_validated

    fields = dict(data)
    organisation = Organisation(
        kind=fields.pop("kind"),
        prefecture_id=fields.pop("prefecture", None),
        location_id=fields.pop("location", None),
        local_government_id=fields.pop("local_government", None),
    )
    for name, value in fields.items():
        setattr(organisation, name, value)
    _save_validated(organisation)
    _audit(
        actor=actor,
        organisation=organisation,
        action="organisation.imported",
        kind=organisation.kind,
        job=job_id,
    )


def _create_posting(*, actor: User, data: dict[str, Any], publish: bool) -> bool:
    """Create one posting as a draft; publish it when asked and the organisation is
    verified. Returns whether it was published."""
    from ..services import posting_create, posting_publish

    fields = dict(data)
    organisation = Organisation.objects.get(pk=fields.pop("organisation"))
    sdgs = fields.pop("sdgs", [])
    themes = list(Theme.objects.filter(kind=Theme.Kind.SDG, number__in=sdgs)) if sdgs else []
    for name in ("starts_on", "ends_on"):
        if fields.get(name):
            fields[name] = date.fromisoformat(fields[name])
    fields["prefecture"] = (
        Prefecture.objects.get(pk=fields["prefecture"]) if fields.get("prefecture") else None
    )
    fields["location"] = (
        LocalGovernment.objects.get(pk=fields["location"]) if fields.get("location") else None
    )
    # The organisation's first administrator is the contact, not the importing coordinator.
    admin = (
        Membership.objects.filter(organisation=organisation, role=Role.ADMIN)
        .order_by("created_at")
        .values_list("user_id", flat=True)
        .first()
    )
    fields["contact_id"] = admin
    posting = posting_create(organisation=organisation, actor=actor, data=fields, themes=themes)
    if publish and organisation.is_verified:
        posting_publish(posting=posting, actor=actor)
        return True
    return False


def _apply(
    job: ImportJob, *, actor: User, rows: list[dict[str, Any]], on_row: Any = None
) -> tuple[int, int]:
    """Create every row (the caller holds the transaction). Raises RowFailed."""
    created = published = 0
    for index, row in enumerate(rows, start=1):
        try:
            if job.kind == ImportJob.Kind.ORGANISATIONS:
                _create_organisation(actor=actor, data=row["data"], job_id=job.pk)
            else:
                published += _create_posting(actor=actor, data=row["data"], publish=job.publish)
        except ValidationError as exc:
            raise RowFailed(row["line"], exc) from exc
        created += 1
        if on_row is not None:
            on_row(index)
    return created, published


def _rehearse(job: ImportJob, *, actor: User, rows: list[dict[str, Any]], errors: RowErrors) -> int:
    """Try every row in a transaction that is rolled back; collect what the database refuses
    (duplicates, constraints). Returns how many would be published."""
    published = 0
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    with transaction.atomic():
                        published += _apply(job, actor=actor, rows=[row])[1]
                except RowFailed as failed:
                    for column, message in _messages(failed.error):
                        errors.add(failed.row, column, message)
            raise _Rehearsal
    except _Rehearsal:
        pass
    return published


# --- Services ---------------------------------------------------------------------------


def import_job_preview(
    *, user: User, kind: str, upload: UploadedFile, publish: bool = False
) -> ImportJob:
    """Read and check the upload, rehearse the import, and store the job as `ready` (no
    errors) or `invalid` with its row errors. Nothing else is saved. Raises CsvRejected when
    the file as a whole cannot be used (then no job is stored)."""
    text, encoding = decode_upload(upload)
    records = read_rows(text, kind)
    scope = coordinator_prefecture_codes(user)
    errors = RowErrors()
    rows = []
    for line, values in records:
        data = CLEANERS[kind](line, values, scope=scope, errors=errors)
        if data is not None:
            rows.append({"line": line, "data": data})
    job = ImportJob(
        created_by=user,
        kind=kind,
        filename=(upload.name or "")[:200],
        encoding=encoding,
        publish=publish,
        total=len(records),
    )
    published = _rehearse(job, actor=user, rows=rows, errors=errors) if rows else 0
    job.errors = sorted(errors.items, key=lambda e: e["row"])[:MAX_ERRORS_SHOWN]
    job.status = ImportJob.Status.INVALID if errors.items else ImportJob.Status.READY
    job.rows = rows if not errors.items else []
    job.published_count = published if not errors.items else 0
    job.save()
    return job


def _progress_key(job_id: int) -> str:
    return f"partners:import-job:{job_id}:processed"


def import_job_progress(job: ImportJob) -> int:
    """Rows processed so far: the cache while running, the row otherwise."""
    if job.status == ImportJob.Status.RUNNING:
        try:
            return int(cache.get(_progress_key(job.pk)) or 0)
        except Exception:  # noqa: BLE001 - progress is cosmetic; never fail the page for it
            return 0
    return job.processed


@transaction.atomic
def import_job_start(*, job: ImportJob, user: User) -> bool:
    """Queue a ready job (once: a double submit has one effect). The task runs after commit."""
    from ..tasks import import_job_run

    claimed = ImportJob.objects.filter(
        pk=job.pk, created_by=user, status=ImportJob.Status.READY
    ).update(status=ImportJob.Status.QUEUED)
    if claimed:
        transaction.on_commit(partial(import_job_run.delay, job_id=job.pk))
    return bool(claimed)


def import_job_execute(*, job_id: int) -> str:
    """Run a queued job in one transaction. Idempotent: only a queued job is claimed.
    Returns the final status."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job.status

    def on_row(index: int) -> None:
        if index % PROGRESS_EVERY == 0 or index == len(job.rows):
            with contextlib.suppress(Exception):  # progress is cosmetic
                cache.set(_progress_key(job_id), index, timeout=3600)

    result: dict[str, Any] = {"finished_at": timezone.now()}
    try:
        if job.created_by is None or not job.created_by.is_active:
            raise RowFailed(0, ValidationError(_("The coordinator's account is no longer active.")))
        with transaction.atomic():
            created, published = _apply(job, actor=job.created_by, rows=job.rows, on_row=on_row)
    except RowFailed as failed:
        errors = RowErrors()
        for column, message in _messages(failed.error):
            errors.add(failed.row, column, message)
        result |= {"status": ImportJob.Status.FAILED, "errors": errors.items, "processed": 0}
    except OperationalError:
        # Transient (the database restarted): put it back in the queue and let Celery retry.
        ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.QUEUED)
        raise
    except Exception:
        logger.exception("import job %s failed", job_id)
        result |= {
            "status": ImportJob.Status.FAILED,
            "errors": [{"row": 0, "column": "", "message": _("An unexpected error stopped it.")}],
            "processed": 0,
        }
    else:
        result |= {
            "status": ImportJob.Status.SUCCEEDED,
            "processed": len(job.rows),
            "created_count": created,
            "published_count": published,
        }
    result["finished_at"] = timezone.now()
    ImportJob.objects.filter(pk=job_id).update(**result)
    return result["status"]
