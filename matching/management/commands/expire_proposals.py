from django.core.management.base import BaseCommand

from matching.workflow import proposals_expire_stale


class Command(BaseCommand):
    help = (
        "Expire approved proposals whose parties did not all answer within "
        "PROPOSAL_RESPONSE_DAYS (Celery beat runs the same daily). Idempotent."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Expired {proposals_expire_stale()} proposal(s).")
