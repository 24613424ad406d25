from django.contrib import admin

from loomlight.audit.admin import AuditedAdmin
from loomlight.programmes.models import Programme


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ("name", "code", "implementer", "start_year", "end_year")
    filter_horizontal = ("parks", "facilities")
    search_fields = ("name", "code")
