"""``loomlight manage notifications_sweep``: store the notifications due now and send their e-mails, once.

For cron, when the worker does not schedule the sweep (LOOMLIGHT_NOTIFICATIONS_EVERY_MINUTES=0); safe to run
beside the worker's own sweeps (each notification is stored and e-mailed once).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from loomlight.notifications.services import notifications_sweep


class Command(BaseCommand):
    help = "Store the notifications due now and send their e-mails (idempotent)"

    def handle(self, **options) -> None:
        result = notifications_sweep()
        self.stdout.write(f"{result.created} notifications stored, {result.emailed} e-mailed, {result.failed} failed")
