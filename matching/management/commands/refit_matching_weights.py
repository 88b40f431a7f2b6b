from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.feedback import NotEnoughFeedback, refit, weights_save


class Command(BaseCommand):
    help = (
        "Re-fit the matching signal weights from approved/rejected and accepted/declined "
        "proposals, report before/after AUC, and save them as a new version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-pairs", type=int, default=30)
        parser.add_argument(
            "--activate", action="store_true", help="use the new weights from now on"
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            result = refit(min_pairs=int(options["min_pairs"]))
        except NotEnoughFeedback as exc:
            raise CommandError(f"Not enough feedback yet: {exc}") from exc
        saved = weights_save(result=result, activate=bool(options["activate"]))
        self.stdout.write(f"{result.pairs} labelled pairs")
        self.stdout.write(
            f"AUC before {result.before['auc']}  after {result.after['auc']} "
            "(after: 5-fold, out of sample)"
        )
        for name, weight in result.weights.items():
            self.stdout.write(f"  {name:<12} {weight:.4f}")
        self.stdout.write(
            f"Saved as version {saved.version}"
            + (" (active)." if saved.is_active else "; run with --activate to use it.")
        )
