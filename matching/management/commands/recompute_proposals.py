from django.core.management.base import BaseCommand, CommandParser

from matching.services import (
    proposals_recompute_all,
    proposals_recompute_fan_out,
    recompute_processes,
)


class Command(BaseCommand):
    help = "Recompute the suggested partners of every open posting."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="processes recomputing chunks of postings (forked after the index is built "
            "once); default: the CPUs available",
        )
        parser.add_argument(
            "--fan-out",
            action="store_true",
            help="enqueue one task per chunk of postings for the Celery workers of the "
            "matching queue instead (each worker process builds its own index once)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["fan_out"]:
            queued = proposals_recompute_fan_out()
            self.stdout.write(
                f"Proposals: {queued['postings']} postings in {queued['chunks']} chunk tasks "
                f"enqueued, {queued['removed']} stale removed."
            )
            return
        processes = options["processes"] or recompute_processes()
        result = proposals_recompute_all(processes=max(1, int(processes)))  # type: ignore[call-overload]
        self.stdout.write(
            f"Proposals: {result['postings']} postings, {result['proposals']} suggestions, "
            f"{result['removed']} stale removed, {result['processes']} processes, "
            f"{result['seconds']} s."
        )
