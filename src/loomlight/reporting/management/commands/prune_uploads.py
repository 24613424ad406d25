"""Remove uploaded workbooks that are no longer kept: ``loomlight manage prune_uploads``.

Run it daily (docs/deployment.md has a systemd timer and a cron line). Stored imports keep
their file for LOOMLIGHT_IMPORT_RETENTION_DAYS; refused and failed ones lose it at once (this
also finishes any deletion that failed then). Evidence files are never removed.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from loomlight.reporting.imports.retention import import_files_prune


class Command(BaseCommand):
    help = "Delete uploaded Excel files of imports older than LOOMLIGHT_IMPORT_RETENTION_DAYS, and of refused imports."

    def handle(self, *args, **options):
        pruned = import_files_prune()
        self.stdout.write(
            f"Removed {pruned.total} uploaded file(s): {pruned.stored} of imports stored more than "
            f"{settings.IMPORT_RETENTION_DAYS} days ago, {pruned.not_stored} of refused or failed imports, "
            f"{pruned.abandoned} of imports that never finished, {pruned.orphans} named by no import."
        )
