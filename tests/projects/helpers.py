"""Shared set-up for the project feature tests."""

import io

from PIL import Image

from projects import services
from projects.models import Project, SafetyChecklist
from tests.projects.test_projects import _accepted_triad, _sign_all


def active_triad(personas) -> Project:
    """A company + municipality + school project that every party signed: active."""
    project = _accepted_triad(personas)
    _sign_all(project, personas)
    services.checklist_update(
        project=project, actor=personas.teacher, items=dict.fromkeys(SafetyChecklist.ITEMS, True)
    )
    project.refresh_from_db()
    assert project.state == "active"
    return project


def png_bytes(size: tuple[int, int] = (64, 48), colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
