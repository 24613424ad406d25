from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WastewaterConfig(AppConfig):
    name = "loomlight.wastewater"
    verbose_name = _("Wastewater")
