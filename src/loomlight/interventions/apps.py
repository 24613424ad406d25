from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "loomlight.interventions"
    verbose_name = _("Business cases")
