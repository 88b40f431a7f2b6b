from django.core.management.base import BaseCommand

from matching.services import proposals_recompute_all


class Command(BaseCommand):
    help = "Recompute the suggested partners of every open posting."

    def handle(self, *args: object, **options: object) -> None:
        result = proposals_recompute_all()
        self.stdout.write(
            f"Proposals: {result['postings']} postings, {result['proposals']} suggestions, "
            f"{result['removed']} stale removed, {result['seconds']} s."
        )
