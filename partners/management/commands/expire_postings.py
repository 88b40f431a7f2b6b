from django.core.management.base import BaseCommand

from partners.services import posting_expire_stale, posting_send_reminders


class Command(BaseCommand):
    help = "Remind owners of postings that expire soon, then expire unconfirmed ones."

    def handle(self, *args: object, **options: object) -> None:
        reminded = posting_send_reminders()
        expired = posting_expire_stale()
        self.stdout.write(f"Postings: {reminded} reminded, {expired} expired.")
