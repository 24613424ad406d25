"""The operator's admin (/operator/). Registry records are read-only here: they are
edited through the app, whose services check the policy and keep the audit trail.
Memberships are managed here, audited."""

from django.contrib import admin

from loomlight.audit.admin import AuditedAdmin, ReadOnlyAdmin
from loomlight.registry.models import (
    Consent,
    Facility,
    IndustrialPark,
    Membership,
    Organisation,
    SharedFacility,
    SharedFacilityConsent,
)


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "country")
    list_filter = ("kind", "country")
    search_fields = ("name",)


@admin.register(IndustrialPark)
class IndustrialParkAdmin(ReadOnlyAdmin):
    list_display = ("name", "country", "province", "operator")
    search_fields = ("name", "name_local")


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ("name", "country", "park", "tier")
    list_filter = ("country", "tier")
    search_fields = ("name", "name_local", "os_hub_id")


@admin.register(SharedFacility)
class SharedFacilityAdmin(ReadOnlyAdmin):
    list_display = ("name", "park", "kind")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("facility", "grantee", "valid_from", "valid_until", "revoked_at")


@admin.register(SharedFacilityConsent)
class SharedFacilityConsentAdmin(ReadOnlyAdmin):
    list_display = ("shared_facility", "grantee", "valid_from", "valid_until", "revoked_at")


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "role", "programme", "organisation", "park", "facility")
    list_filter = ("role",)
    search_fields = ("user__username",)
    autocomplete_fields = ("facility", "park", "organisation")
