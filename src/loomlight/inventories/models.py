"""One facility-month of a GHG inventory and its resource totals, as computed from the stored
activity values and the shipped factors (``services.compute``). Never edited by hand: a change
of the data or of the factors recomputes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loomlight.analytics.columns import PARTIAL


class Inventory(models.Model):
    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE,
                                 related_name="inventories")
    period = models.DateField(_("month"))
    gwp_set = models.CharField(_("GWP set"), max_length=8)
    factors_version = models.CharField(_("factor data version"), max_length=300)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    # emissions [t]
    scope1_tco2e = models.FloatField(_("scope 1 [t CO2e]"))
    # null when not counted (electricity in a country without a grid factor): blank, never 0
    scope2_location_tco2e = models.FloatField(_("scope 2, location-based [t CO2e]"), null=True, blank=True)
    scope2_market_tco2e = models.FloatField(_("scope 2, market-based [t CO2e]"), null=True, blank=True)
    biogenic_co2_t = models.FloatField(_("biogenic CO2 [t]"))
    co2_fossil_t = models.FloatField(_("fossil CO2 [t]"))
    ch4_t = models.FloatField(_("CH4 [t]"))
    n2o_t = models.FloatField(_("N2O [t]"))
    # energy
    energy_gj = models.FloatField(_("energy used [GJ]"))
    renewable_gj = models.FloatField(_("renewable energy [GJ]"))
    fuel_gj = models.FloatField(_("fuels [GJ]"))
    grid_kwh = models.FloatField(_("grid electricity [kWh]"))
    solar_kwh = models.FloatField(_("on-site solar used [kWh]"))
    instrument_mwh = models.FloatField(_("renewable instruments [MWh]"))
    instrument_covered_mwh = models.FloatField(_("electricity covered by instruments [MWh]"))
    instrument_unused_mwh = models.FloatField(_("instruments beyond purchases [MWh]"))
    uncounted_gj = models.FloatField(_("energy without an emission factor [GJ]"))
    scope2_uncounted_kwh = models.FloatField(_("electricity without a grid factor [kWh]"))
    grid_t_per_mwh = models.FloatField(_("grid factor [t CO2e/MWh]"), null=True, blank=True)
    # water, waste, output
    water_withdrawn_m3 = models.FloatField(_("water withdrawn [m³]"))
    water_recycled_m3 = models.FloatField(_("water recycled [m³]"))
    wastewater_m3 = models.FloatField(_("wastewater [m³]"))
    waste_kg = models.FloatField(_("waste [kg]"))
    waste_diverted_kg = models.FloatField(_("waste diverted [kg]"))
    production_kg = models.FloatField(_("output [kg]"))
    production_m = models.FloatField(_("output [m]"))
    production_pieces = models.FloatField(_("output [pieces]"))
    production_pairs = models.FloatField(_("output [pairs]"))
    flags = models.TextField(_("flags"), blank=True, default="")
    explanation = models.JSONField(_("explanation"), default=dict)
    #: the groups of data the month reported (``analytics.columns.reported_groups``: "energy water waste ...");
    #: a column of a group not reported reads as not reported, never 0. None: computed before this was recorded.
    reported = models.CharField(_("data reported"), max_length=64, null=True, blank=True)
    #: the month's verification state, as its ``ReportingPeriod`` has it (draft, submitted, verified, returned): set
    #: when the month is computed and by every transition of the period (``services.status_set``), so that a figure
    #: says what it rests on, and verified months are chosen, from the rows read anyway (``reporting.verification``)
    status = models.CharField(_("verification"), max_length=16, default="draft")

    class Meta:
        verbose_name = _("inventory month")
        verbose_name_plural = _("inventory months")
        ordering = ["facility", "period"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "period", "gwp_set"], name="inventory_unique_month"),
            models.CheckConstraint(condition=models.Q(period__day=1), name="inventory_period_is_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.period:%Y-%m} {self.gwp_set}"

    @property
    def total_location_tco2e(self) -> float | None:
        """Scope 1 + 2 (location-based); None when scope 2 was not counted."""
        return None if self.scope2_location_tco2e is None else self.scope1_tco2e + self.scope2_location_tco2e

    @property
    def total_market_tco2e(self) -> float | None:
        return None if self.scope2_market_tco2e is None else self.scope1_tco2e + self.scope2_market_tco2e


class TargetBasis(models.TextChoices):
    ABSOLUTE = "absolute", _("absolute (t CO2e)")
    INTENSITY = "intensity", _("intensity (t CO2e per unit of output)")


class TargetBoundary(models.TextChoices):
    LOCATION = "location", _("scope 1 + 2, location-based")
    MARKET = "market", _("scope 1 + 2, market-based")


class Target(models.Model):
    """A facility's emissions target: a linear path from a base year (``calc.targets.linear_target``).

    One per facility; setting it again replaces it (audited with before and after)."""

    facility = models.OneToOneField("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE,
                                    related_name="emissions_target")
    base_year = models.PositiveSmallIntegerField(_("base year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    annual_rate = models.FloatField(_("reduction a year [share of the base year]"))
    basis = models.CharField(_("basis"), max_length=16, choices=TargetBasis.choices, default=TargetBasis.ABSOLUTE)
    boundary = models.CharField(_("boundary"), max_length=16, choices=TargetBoundary.choices,
                                default=TargetBoundary.LOCATION)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    set_at = models.DateTimeField(_("set"), default=timezone.now)

    class Meta:
        verbose_name = _("emissions target")
        verbose_name_plural = _("emissions targets")
        constraints = [
            models.CheckConstraint(condition=models.Q(annual_rate__gt=0, annual_rate__lt=1), name="target_rate_share"),
            models.CheckConstraint(condition=models.Q(target_year__gt=models.F("base_year")), name="target_after_base"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.annual_rate:.1%} a year from {self.base_year} to {self.target_year}"


class InventoryYear(models.Model):
    """A facility's year as the partial sums of ``analytics.portfolio.sums`` (every additive column, the
    emissions, energy and water of the months that report each output unit, and the number of months),
    computed by the portfolio engine whenever the year's months are. Parks and programmes add these up
    (``portfolio.resum``) instead of reading every month of every facility."""

    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE,
                                 related_name="inventory_years")
    year = models.PositiveSmallIntegerField(_("year"))
    gwp_set = models.CharField(_("GWP set"), max_length=8)
    facility_months = models.PositiveSmallIntegerField(_("months with data"))
    #: the groups of data any month of the year reported (as ``Inventory.reported``); None: not recorded
    reported = models.CharField(_("data reported"), max_length=64, null=True, blank=True)
    #: of ``facility_months``, how many are verified and how many submitted (the rest are draft): kept with the
    #: months' ``Inventory.status``
    months_verified = models.PositiveSmallIntegerField(_("months verified"), default=0)
    months_submitted = models.PositiveSmallIntegerField(_("months submitted"), default=0)
    # and one FloatField per partial sum (PARTIAL_SUMS), added below

    class Meta:
        verbose_name = _("inventory year")
        verbose_name_plural = _("inventory years")
        constraints = [models.UniqueConstraint(fields=["facility", "year", "gwp_set"], name="inventory_year_unique")]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.year} {self.gwp_set}"


#: The partial sums stored per facility-year: floats, so that a programme's 20,000 facility-years load fast; null
#: where nothing of the year could be counted (scope 2 without a grid factor).
PARTIAL_SUMS = tuple(c for c in PARTIAL if c != "facility_months")
for _column in PARTIAL_SUMS:
    InventoryYear.add_to_class(_column, models.FloatField(_column.replace("_", " "), null=True))
