from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """A sustainable-manufacturing programme (e.g. an alliance, a UNIDO project)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    implementer = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("implementer"),
        on_delete=models.PROTECT,
        related_name="implemented_programmes",
        null=True,
        blank=True,
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    parks = models.ManyToManyField("registry.IndustrialPark", verbose_name=_("industrial parks"), blank=True, related_name="programmes")
    facilities = models.ManyToManyField("registry.Facility", verbose_name=_("facilities"), blank=True, related_name="programmes")

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from loomlight.registry.models import PROGRAMME_IMPLEMENTER_KINDS, organisation_kind_errors

        errors = organisation_kind_errors(self.implementer if self.implementer_id else None, PROGRAMME_IMPLEMENTER_KINDS, "implementer")
        if errors:
            raise ValidationError(errors)
