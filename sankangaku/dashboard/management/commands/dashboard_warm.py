"""`manage.py dashboard_warm`: what the beat task does, by hand (roll-up, then cache)."""

from typing import Any

from django.core.management.base import BaseCommand

from sankangaku.dashboard.tasks import dashboard_warm_all


class Command(BaseCommand):
    help = (
        "Rebuild the coordinator dashboard's roll-up, then compute and cache the default "
        "figures for every region."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = dashboard_warm_all()
        self.stdout.write(
            f"Rebuilt the dashboard roll-up and warmed the cache for {count} region(s)."
        )
