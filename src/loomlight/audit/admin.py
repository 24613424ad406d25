from django.contrib import admin

from loomlight.audit.models import AuditAction, AuditEvent
from loomlight.audit.services import audit_record, snapshot


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes are recorded in the audit trail like the app's own.

    Used only for the few models the operator manages in the admin (programmes,
    memberships); registry records are edited through the app's services.
    """

    def save_model(self, request, obj, form, change):
        self._before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        action = AuditAction.UPDATE if change else AuditAction.CREATE
        audit_record(actor=request.user, action=action, obj=obj, before=self._before, after=snapshot(obj), via="admin")

    def delete_model(self, request, obj):
        before = snapshot(obj)
        audit_record(actor=request.user, action=AuditAction.DELETE, obj=obj, before=before, after=None, via="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_repr", "via")
    list_filter = ("action", "object_type", "via")
    search_fields = ("object_repr", "object_id")
