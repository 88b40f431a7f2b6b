"""Periodic work on projects."""

from celery import shared_task


@shared_task
def milestones_remind() -> int:
    """Daily: remind the parties of milestones that are due soon."""
    from .services import milestones_remind_due

    return milestones_remind_due()
