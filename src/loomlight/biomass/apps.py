from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiomassConfig(AppConfig):
    name = "loomlight.biomass"
    label = "biomass"
    verbose_name = _("Biomass sourcing")
