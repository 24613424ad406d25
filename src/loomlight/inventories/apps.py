from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InventoriesConfig(AppConfig):
    name = "loomlight.inventories"
    verbose_name = _("GHG inventories")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from loomlight.inventories.services import schedule_stale

        # New factors ship with a release, and a release runs migrate: that is when inventories
        # computed with the old factors are queued for recomputation.
        post_migrate.connect(schedule_stale, sender=self, dispatch_uid="loomlight.inventories.stale")
