"""A facility's chemical inventory: products with their declared ZDHC MRSL conformance,
and the quantity of each used per month."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UseArea(models.TextChoices):
    PRODUCTION = "production", _("Production")
    ETP = "etp", _("Effluent treatment")
    UTILITIES = "utilities", _("Utilities and maintenance")
    LABORATORY = "laboratory", _("Laboratory")
    SANITATION = "sanitation", _("Cleaning and sanitation")


class MrslLevel(models.IntegerChoices):
    NONE = 0, _("No conformance declared")
    LEVEL_1 = 1, _("ZDHC MRSL conformance level 1")
    LEVEL_2 = 2, _("ZDHC MRSL conformance level 2")
    LEVEL_3 = 3, _("ZDHC MRSL conformance level 3")


#: GHS hazard statements: codes separated by commas or semicolons (H315, H319); the API documents the same pattern.
HAZARD_PATTERN = r"(H\d{3}[A-Za-z]{0,2})(\s*[,;]\s*H\d{3}[A-Za-z]{0,2})*"
HAZARD_STATEMENTS = RegexValidator(
    rf"^{HAZARD_PATTERN}$",
    _("List GHS hazard statements as codes separated by commas, e.g. H315, H319."),
)


class ChemicalProduct(models.Model):
    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="chemical_products")
    name = models.CharField(_("product name"), max_length=200)
    supplier = models.CharField(_("supplier"), max_length=200)
    use_area = models.CharField(_("used in"), max_length=16, choices=UseArea.choices, default=UseArea.PRODUCTION)
    hazard_statements = models.CharField(_("GHS hazard statements"), max_length=200, blank=True, validators=[HAZARD_STATEMENTS])
    mrsl_level = models.PositiveSmallIntegerField(_("MRSL conformance declared"), choices=MrslLevel.choices, default=MrslLevel.NONE)
    declaration_reference = models.CharField(_("declaration reference"), max_length=200, blank=True,
                                             help_text=_("Certificate or Gateway reference of the conformance declaration."))
    declaration_valid_until = models.DateField(_("declaration valid until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["facility", "name"]
        verbose_name = _("chemical product")
        verbose_name_plural = _("chemical products")
        constraints = [models.UniqueConstraint(fields=["facility", "name", "supplier"], name="chemical_product_unique",
                                               violation_error_message=_("This product of this supplier is already in the inventory."))]

    def __str__(self) -> str:
        return f"{self.name} ({self.supplier})"


class ChemicalUse(models.Model):
    product = models.ForeignKey(ChemicalProduct, on_delete=models.CASCADE, related_name="uses")
    period = models.DateField(_("month"))
    quantity_kg = models.FloatField(_("quantity [kg]"))
    original_value = models.FloatField(_("reported value"))
    original_unit = models.CharField(_("reported unit"), max_length=32)

    class Meta:
        ordering = ["product", "period"]
        constraints = [
            models.UniqueConstraint(fields=["product", "period"], name="chemical_use_unique_month"),
            models.CheckConstraint(condition=Q(quantity_kg__gte=0), name="chemical_use_not_negative"),
            models.CheckConstraint(condition=Q(period__day=1), name="chemical_use_period_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.period:%Y-%m} {self.quantity_kg:g} kg"
