"""Send the daily check-in reminders that are due. Run it every few minutes (cron or a systemd
timer, see the README); running it more often, or on two servers at once, sends nothing twice."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from diary.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send today's check-in reminder to everyone whose chosen local time has come."

    def handle(self, *args, **options) -> None:
        outcome = send_due_reminders(timezone.now(), settings.SITE_URL)
        for username, error in outcome.failures:
            self.stderr.write(f"Reminder to {username} not sent: {error}")
        self.stdout.write(f"{outcome.sent} reminder(s) sent.")
