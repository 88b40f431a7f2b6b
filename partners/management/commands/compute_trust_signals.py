from django.core.management.base import BaseCommand

from partners.trust import trust_signals_compute


class Command(BaseCommand):
    help = (
        "Recompute the trust signals (response rate, projects, case studies) of every organisation."
    )

    def handle(self, *args: object, **options: object) -> None:
        written = trust_signals_compute()
        self.stdout.write(f"Trust signals: {written} organisations updated.")
