from django.core.management.base import BaseCommand, CommandParser

from matching.services import proposals_recompute_all, recompute_processes


class Command(BaseCommand):
    help = "Recompute the suggested partners of every open posting."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="processes ranking postings (forked after the index is built once); "
            "default: the CPUs available",
        )

    def handle(self, *args: object, **options: object) -> None:
        processes = options["processes"] or recompute_processes()
        result = proposals_recompute_all(processes=max(1, int(processes)))  # type: ignore[call-overload]
        self.stdout.write(
            f"Proposals: {result['postings']} postings, {result['proposals']} suggestions, "
            f"{result['removed']} stale removed, {result['processes']} processes, "
            f"{result['seconds']} s."
        )
