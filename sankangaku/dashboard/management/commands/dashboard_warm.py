"""`manage.py dashboard_warm`: what the beat task does, by hand."""

from typing import Any

from django.core.management.base import BaseCommand

from sankangaku.dashboard.tasks import dashboard_warm_all


class Command(BaseCommand):
    help = "Compute and cache the coordinator dashboard's default figures for every region."

    def handle(self, *args: Any, **options: Any) -> None:
        count = dashboard_warm_all()
        self.stdout.write(f"Warmed the dashboard cache for {count} region(s).")
