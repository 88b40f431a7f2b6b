"""manage.py evaluate_matching CASES.jsonl [--distractors FILE.jsonl] [--k 1,5,10] [--json]

Loads the cases as organisations and postings inside a transaction that is rolled back,
runs the engine, and prints recall@k, MRR, triad recovery and the text-only baseline. The
last line is always one JSON object with the figures.
"""

import json
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from matching.evaluation import CaseError, run


class Command(BaseCommand):
    help = "Evaluate the matching engine on labelled partnership cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cases", help="JSON Lines file of labelled cases")
        parser.add_argument("--distractors", help="JSON Lines file of distractor organisations")
        parser.add_argument("--k", default="1,5,10", help="cut-offs for recall, e.g. 1,5,10")
        parser.add_argument("--json", action="store_true", help="print only the JSON line")

    def handle(self, *args: object, **options: object) -> None:
        try:
            ks = sorted({int(k) for k in str(options["k"]).split(",") if k.strip()})
        except ValueError as exc:
            raise CommandError("--k takes whole numbers separated by commas, e.g. 1,5,10") from exc
        if not ks or min(ks) < 1:
            raise CommandError("--k takes whole numbers of at least 1, e.g. 1,5,10")
        self._ensure_database()
        started = time.perf_counter()
        try:
            result = run(str(options["cases"]), distractors_path=options.get("distractors"), ks=ks)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {exc.filename}") from exc
        except CaseError as exc:
            raise CommandError(str(exc)) from exc
        result["seconds"] = round(time.perf_counter() - started, 2)
        if not options["json"]:
            self._report(result, ks)
        self.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=True))

    def _ensure_database(self) -> None:
        """A fresh checkout has an empty SQLite file: create the tables and reference data
        first, so the harness runs with the default settings too."""
        from partners.models import Prefecture

        if Prefecture._meta.db_table not in connection.introspection.table_names():
            self.stderr.write("Creating the database tables first (migrate)…")
            call_command("migrate", verbosity=0)
        if not Prefecture.objects.exists():
            call_command("load_reference_data", verbosity=0)

    def _report(self, result: dict, ks: list[int]) -> None:
        def line(label: str, metrics: dict) -> str:
            recalls = "  ".join(
                f"R@{k} {metrics[f'recall@{k}'] if metrics[f'recall@{k}'] is not None else '-'}"
                for k in ks
            )
            return f"{label:<28} {recalls}  MRR {metrics['mrr']}  pairs {metrics['pairs']}"

        self.stdout.write(
            f"{result['cases']} cases, {result['organisations']} organisations, "
            f"{result['seconds']} s"
        )
        self.stdout.write(line("engine", result))
        self.stdout.write(line("baseline (char TF-IDF)", result["baseline"]))
        for direction, metrics in result["per_direction"].items():
            self.stdout.write(line(f"  {direction}", metrics))
            base = result["baseline"]["per_direction"].get(direction)
            if base:
                self.stdout.write(line("    baseline", base))
        self.stdout.write(
            f"triad@10 engine {result['triad@10']}  baseline {result['baseline']['triad@10']}"
        )
