"""Registry: organisations, industrial parks, facilities, shared facilities,
memberships (role within a scope) and consent.

Models hold data and constraints only; writes go through services.py, reads
through selectors.py, and every access decision through policy.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loomlight.registry.countries import country_name
from loomlight.registry.validators import validate_codes, validate_country, validate_date, validate_os_hub_id

LATITUDE_VALIDATORS = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE_VALIDATORS = [MinValueValidator(-180), MaxValueValidator(180)]


class OrganisationKind(models.TextChoices):
    MANUFACTURER_GROUP = "manufacturer_group", _("Manufacturer group")
    BRAND = "brand", _("Brand")
    PARK_OPERATOR = "park_operator", _("Park operator")
    PROGRAMME_IMPLEMENTER = "programme_implementer", _("Programme implementer")
    FINANCIER = "financier", _("Financier")
    PUBLIC_AGENCY = "public_agency", _("Public agency")
    NGO = "ngo", _("NGO")


#: The kinds of organisation each reference to an organisation accepts. The models' clean() refuses
#: any other, whichever way a record is written (form, API, operator admin, demo, CLI); the forms list
#: only these; an organisation's kind cannot change while it is referred to in one of these ways.
PARK_OPERATOR_KINDS = frozenset({OrganisationKind.PARK_OPERATOR})
FACILITY_OWNER_KINDS = frozenset({OrganisationKind.MANUFACTURER_GROUP})
CONSENT_GRANTEE_KINDS = frozenset({OrganisationKind.BRAND, OrganisationKind.FINANCIER})
PROGRAMME_IMPLEMENTER_KINDS = frozenset({OrganisationKind.PROGRAMME_IMPLEMENTER})


def _kind_labels(kinds) -> str:
    labels = dict(OrganisationKind.choices)
    return " / ".join(str(labels[k]).lower() for k in OrganisationKind.values if k in kinds)


def organisation_kind_errors(organisation, kinds, field: str) -> dict[str, list[str]]:
    """``{field: [message]}`` when ``organisation`` (or None) is not of one of ``kinds``; else {}."""
    if organisation is None or organisation.kind in kinds:
        return {}
    return {field: [str(_("%(name)s is a %(kind)s organisation; choose a %(allowed)s.") % {
        "name": organisation.name, "kind": str(OrganisationKind(organisation.kind).label).lower(),
        "allowed": _kind_labels(kinds)})]}


class Process(models.TextChoices):
    SPINNING = "spinning", _("Spinning")
    WEAVING = "weaving", _("Weaving")
    KNITTING = "knitting", _("Knitting")
    DYEING = "dyeing", _("Dyeing")
    PRINTING = "printing", _("Printing")
    FINISHING = "finishing", _("Finishing")
    CUT_MAKE_TRIM = "cut_make_trim", _("Cut-make-trim")
    LAUNDRY = "laundry", _("Laundry")
    FOOTWEAR_ASSEMBLY = "footwear_assembly", _("Footwear assembly")
    TANNERY = "tannery", _("Tannery")


#: Processes that use water and heat in baths (dyeing, printing, finishing, washing, tanning):
#: they set a facility's energy and water use apart from dry processes.
WET_PROCESSES = frozenset(p.value for p in (Process.DYEING, Process.PRINTING, Process.FINISHING, Process.LAUNDRY, Process.TANNERY))


class ProductType(models.TextChoices):
    YARN = "yarn", _("Yarn")
    WOVEN_FABRIC = "woven_fabric", _("Woven fabric")
    KNIT_FABRIC = "knit_fabric", _("Knit fabric")
    APPAREL = "apparel", _("Apparel")
    DENIM = "denim", _("Denim")
    SPORTSWEAR = "sportswear", _("Sportswear")
    FOOTWEAR = "footwear", _("Footwear")
    LEATHER = "leather", _("Leather")
    HOME_TEXTILES = "home_textiles", _("Home textiles")
    ACCESSORIES = "accessories", _("Accessories")


class Tier(models.IntegerChoices):
    TIER_1 = 1, _("Tier 1 (finished goods)")
    TIER_2 = 2, _("Tier 2 (materials processing)")
    TIER_3 = 3, _("Tier 3 (raw material processing)")


class SharedFacilityKind(models.TextChoices):
    CETP = "cetp", _("Central effluent treatment plant")
    ROOFTOP_SOLAR = "rooftop_solar", _("Shared rooftop solar")
    STEAM_HEAT = "steam_heat", _("Steam or heat supply")
    WASTE_CENTRE = "waste_centre", _("Waste centre")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    country = models.CharField(_("country"), max_length=2, blank=True, validators=[validate_country])
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def country_name(self) -> str:
        return country_name(self.country) if self.country else ""

    def clean(self) -> None:
        """The kind cannot change while the organisation is referred to as one of its current kind."""
        from django.core.exceptions import ValidationError

        if self.pk is None or not self.kind:
            return
        stored = Organisation.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
        if stored is None or stored == self.kind:
            return
        uses = []
        if self.kind not in PARK_OPERATOR_KINDS and self.operated_parks.exists():
            uses.append(_("the operator of an industrial park"))
        if self.kind not in FACILITY_OWNER_KINDS and self.facilities.exists():
            uses.append(_("the owner of a facility"))
        if self.kind not in CONSENT_GRANTEE_KINDS and self.consents_received.exists():
            uses.append(_("given consent by a facility"))
        if self.kind not in PROGRAMME_IMPLEMENTER_KINDS and self.implemented_programmes.exists():
            uses.append(_("the implementer of a programme"))
        bound = [role for role, kind in ROLE_ORGANISATION_KIND.items() if kind != self.kind]
        if Membership.objects.filter(organisation=self, role__in=bound).exists():
            uses.append(_("the scope of roles that need a %(kind)s") % {"kind": str(OrganisationKind(stored).label).lower()})
        if uses:
            raise ValidationError({"kind": [str(_("%(name)s cannot change its kind: it is %(uses)s.") % {
                "name": self.name, "uses": ", ".join(str(u) for u in uses)})]})


class IndustrialPark(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_local = models.CharField(_("name in the local language"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    province = models.CharField(_("province"), max_length=120, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=LATITUDE_VALIDATORS)
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=LONGITUDE_VALIDATORS)
    area_ha = models.DecimalField(
        _("area [ha]"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    operator = models.ForeignKey(
        Organisation, verbose_name=_("operator"), on_delete=models.PROTECT, null=True, blank=True, related_name="operated_parks"
    )
    year_established = models.PositiveSmallIntegerField(
        _("year established"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("industrial park")
        verbose_name_plural = _("industrial parks")
        constraints = [
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90) | Q(latitude__isnull=True), name="park_latitude_range"),
            models.CheckConstraint(condition=Q(longitude__gte=-180, longitude__lte=180) | Q(longitude__isnull=True), name="park_longitude_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = organisation_kind_errors(self.operator if self.operator_id else None, PARK_OPERATOR_KINDS, "operator")
        if errors:
            raise ValidationError(errors)


class Facility(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_local = models.CharField(_("name in the local language"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("owner"), on_delete=models.PROTECT, null=True, blank=True, related_name="facilities"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=LATITUDE_VALIDATORS)
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=LONGITUDE_VALIDATORS)
    park = models.ForeignKey(
        IndustrialPark, verbose_name=_("industrial park"), on_delete=models.PROTECT, null=True, blank=True, related_name="facilities"
    )
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices)
    processes = models.JSONField(_("processes"), default=list, blank=True)
    product_types = models.JSONField(_("product types"), default=list, blank=True)
    headcount_female = models.PositiveIntegerField(_("women employed"), default=0)
    headcount_male = models.PositiveIntegerField(_("men employed"), default=0)
    os_hub_id = models.CharField(_("Open Supply Hub ID"), max_length=32, blank=True, validators=[validate_os_hub_id])
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "name"], name="facility_unique_name_in_park", condition=Q(park__isnull=False),
                violation_error_message=_("A facility with this name is already registered in this industrial park."),
            ),
            models.UniqueConstraint(
                fields=["os_hub_id"], name="facility_unique_os_hub_id", condition=~Q(os_hub_id="")
            ),
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90) | Q(latitude__isnull=True), name="facility_latitude_range"),
            models.CheckConstraint(condition=Q(longitude__gte=-180, longitude__lte=180) | Q(longitude__isnull=True), name="facility_longitude_range"),
            models.CheckConstraint(condition=Q(tier__in=[1, 2, 3]), name="facility_tier_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        for field, choices in (("processes", Process), ("product_types", ProductType)):
            try:
                validate_codes(getattr(self, field), dict(choices.choices), str(self._meta.get_field(field).verbose_name))
            except ValidationError as exc:
                errors[field] = exc.messages
        if not self.processes and "processes" not in errors:
            errors["processes"] = [str(_("Name at least one process."))]
        if self.park_id and self.park and self.country and self.park.country != self.country:
            errors["country"] = [str(_("The facility is in a park in another country (%(park)s).") % {"park": self.park.country})]
        errors.update(organisation_kind_errors(self.organisation if self.organisation_id else None, FACILITY_OWNER_KINDS, "organisation"))
        if self.os_hub_id and "os_hub_id" not in errors and (
                Facility.objects.filter(os_hub_id=self.os_hub_id).exclude(pk=self.pk).exists()):
            errors["os_hub_id"] = [str(_("This Open Supply Hub ID is already registered for another facility."))]
        if errors:
            raise ValidationError(errors)

    @property
    def headcount_total(self) -> int:
        return self.headcount_female + self.headcount_male

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def process_labels(self) -> list[str]:
        labels = dict(Process.choices)
        return [str(labels.get(p, p)) for p in self.processes]

    def product_type_labels(self) -> list[str]:
        labels = dict(ProductType.choices)
        return [str(labels.get(p, p)) for p in self.product_types]


class SharedFacility(models.Model):
    park = models.ForeignKey(IndustrialPark, verbose_name=_("industrial park"), on_delete=models.CASCADE, related_name="shared_facilities")
    kind = models.CharField(_("kind"), max_length=32, choices=SharedFacilityKind.choices)
    name = models.CharField(_("name"), max_length=200)
    capacity = models.CharField(_("capacity"), max_length=120, blank=True, help_text=_("For example 5,000 m³/day or 2.5 MWp."))
    serves = models.ManyToManyField(Facility, verbose_name=_("facilities served"), blank=True, related_name="shared_services")

    class Meta:
        ordering = ["park__name", "name"]
        verbose_name = _("shared facility")
        verbose_name_plural = _("shared facilities")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "name"], name="shared_facility_unique_name_in_park",
                violation_error_message=_("A shared facility with this name already exists in this park."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", _("Programme admin")
    PARK_OPERATOR = "park_operator", _("Park operator")
    FACILITY_MANAGER = "facility_manager", _("Facility manager")
    FACILITY_DATA_ENTRY = "facility_data_entry", _("Facility data entry")
    ASSESSOR = "assessor", _("Assessor")
    BRAND_VIEWER = "brand_viewer", _("Brand viewer")
    FINANCIER_VIEWER = "financier_viewer", _("Financier viewer")


#: Which scope each role may be given in (Membership.clean() enforces it).
ROLE_SCOPES: dict[str, frozenset[str]] = {
    Role.PROGRAMME_ADMIN: frozenset({"programme"}),
    Role.PARK_OPERATOR: frozenset({"park"}),
    Role.FACILITY_MANAGER: frozenset({"facility", "organisation"}),
    Role.FACILITY_DATA_ENTRY: frozenset({"facility"}),
    Role.ASSESSOR: frozenset({"programme", "facility"}),
    Role.BRAND_VIEWER: frozenset({"organisation"}),
    Role.FINANCIER_VIEWER: frozenset({"organisation"}),
}

#: The organisation kind an organisation-scoped role requires (Membership.clean() enforces it).
ROLE_ORGANISATION_KIND: dict[str, str] = {
    Role.FACILITY_MANAGER: OrganisationKind.MANUFACTURER_GROUP,
    Role.BRAND_VIEWER: OrganisationKind.BRAND,
    Role.FINANCIER_VIEWER: OrganisationKind.FINANCIER,
}

SCOPE_TYPES = ("programme", "organisation", "park", "facility")


class Membership(models.Model):
    """A user's role within exactly one scope (programme, organisation, park or facility)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, null=True, blank=True)
    park = models.ForeignKey(IndustrialPark, verbose_name=_("industrial park"), on_delete=models.CASCADE, null=True, blank=True)
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(programme__isnull=False, organisation__isnull=True, park__isnull=True, facility__isnull=True)
                    | Q(programme__isnull=True, organisation__isnull=False, park__isnull=True, facility__isnull=True)
                    | Q(programme__isnull=True, organisation__isnull=True, park__isnull=False, facility__isnull=True)
                    | Q(programme__isnull=True, organisation__isnull=True, park__isnull=True, facility__isnull=False)
                ),
                name="membership_exactly_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope}"

    @property
    def scope(self):
        return self.programme or self.organisation or self.park or self.facility

    @property
    def scope_type(self) -> str | None:
        """"programme", "organisation", "park" or "facility": the scope that is set (the first, if several)."""
        return next((kind for kind in SCOPE_TYPES if getattr(self, f"{kind}_id")), None)

    def clean(self) -> None:
        """A role is given within the scopes it allows, and an organisation-scoped role within an
        organisation of the kind it needs (ROLE_SCOPES, ROLE_ORGANISATION_KIND). Errors sit on the
        scope's field, coded ``role_scope`` or ``organisation_kind``."""
        from django.core.exceptions import ValidationError

        scope_type = self.scope_type
        if self.role not in ROLE_SCOPES or scope_type is None:
            return  # an unknown role, or no scope: the field and constraint checks say so
        allowed = ROLE_SCOPES[self.role]
        role = str(Role(self.role).label)
        if scope_type not in allowed:
            raise ValidationError({scope_type: ValidationError(
                _("The role %(role)s is given within: %(allowed)s."), code="role_scope",
                params={"role": role, "allowed": ", ".join(sorted(allowed))})})
        wanted = ROLE_ORGANISATION_KIND.get(self.role)
        if scope_type == "organisation" and wanted and self.organisation.kind != wanted:
            raise ValidationError({"organisation": ValidationError(
                _("The role %(role)s needs an organisation of kind %(kind)s."), code="organisation_kind",
                params={"role": role, "kind": str(OrganisationKind(wanted).label).lower()})})


class DataKind(models.TextChoices):
    """Kinds of a facility's data that consent can share with a brand or financier."""

    PROFILE = "profile", _("Facility profile")
    ENVIRONMENTAL = "environmental", _("Environmental data")
    GHG = "ghg", _("GHG inventory")
    WASTEWATER = "wastewater", _("Wastewater results")
    CHEMICALS = "chemicals", _("Chemical inventory")
    ASSESSMENTS = "assessments", _("Assessments")
    BUSINESS_CASES = "business_cases", _("Business cases")
    BIOMASS = "biomass", _("Biomass sourcing")


class ConsentTerms(models.Model):
    """What every consent records, never a flag: who may see which kinds of data, from when until when, who
    granted it and when, who revoked it and when. Concrete consents say whose data (``Consent``: a facility's;
    ``SharedFacilityConsent``: a park's shared facility's) and which kinds they may name (``KINDS``)."""

    KINDS: type[models.TextChoices]

    grantee = models.ForeignKey(Organisation, verbose_name=_("shared with"), on_delete=models.CASCADE,
                                related_name="%(class)ss_received")
    data_kinds = models.JSONField(_("data shared"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="%(class)ss_granted"
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="%(class)ss_revoked"
    )

    class Meta:
        abstract = True
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")), name="%(class)s_dates_ordered",
                violation_error_message=_("The consent ends before it starts: “valid until” must be on or after “valid from”."),
            )
        ]

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return (
            self.revoked_at is None
            and self.valid_from <= on
            and (self.valid_until is None or on <= self.valid_until)
        )

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        for field in ("valid_from", "valid_until"):
            try:
                validate_date(getattr(self, field))
            except ValidationError as exc:
                errors[field] = exc.messages
        if errors:
            raise ValidationError(errors)
        try:
            validate_codes(self.data_kinds, dict(self.KINDS.choices), str(_("data shared")))
        except ValidationError as exc:
            raise ValidationError({"data_kinds": exc.messages}) from None
        if not self.data_kinds:
            raise ValidationError({"data_kinds": [str(_("Choose at least one kind of data to share."))]})
        if self.grantee_id and self.grantee.kind not in CONSENT_GRANTEE_KINDS:
            raise ValidationError({"grantee": [str(_("Consent can be given to a brand or a financier only."))]})

    def data_kind_labels(self) -> list[str]:
        labels = dict(self.KINDS.choices)
        return [str(labels.get(k, k)) for k in self.data_kinds]


class Consent(ConsentTerms):
    """A facility's recorded consent to share named kinds of its data with an organisation."""

    KINDS = DataKind

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="consents")

    class Meta(ConsentTerms.Meta):
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.facility} → {self.grantee}"


class SharedDataKind(models.TextChoices):
    """Kinds of a shared facility's data that its park operator can share with a brand or financier."""

    WASTEWATER = "wastewater", _("Wastewater results")


class SharedFacilityConsent(ConsentTerms):
    """A park operator's recorded consent to share named kinds of a shared facility's data (a central
    effluent treatment plant's lab results) with a brand or financier."""

    KINDS = SharedDataKind

    shared_facility = models.ForeignKey(SharedFacility, verbose_name=_("shared facility"), on_delete=models.CASCADE,
                                        related_name="consents")

    class Meta(ConsentTerms.Meta):
        verbose_name = _("consent for a shared facility")
        verbose_name_plural = _("consents for shared facilities")

    def __str__(self) -> str:
        return f"{self.shared_facility} → {self.grantee}"

