from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Locked out")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    IMPORT = "import", _("Imported")


class AuditEvent(models.Model):
    """One change: who, when, what, and the fields before and after."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=64, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    via = models.CharField(_("via"), max_length=16, default="web")
    # Where the change belongs, filled by audit_record from the object (audit.services.place) so that who may read
    # an event is one indexed query (audit.selectors). No database constraint: an event outlives what it names.
    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.DO_NOTHING,
                                 db_constraint=False, null=True, blank=True, related_name="+")
    park = models.ForeignKey("registry.IndustrialPark", verbose_name=_("industrial park"), on_delete=models.DO_NOTHING,
                             db_constraint=False, null=True, blank=True, related_name="+",
                             help_text=_("Only for a park's own records (the park, its shared facilities and their data)."))
    period = models.DateField(_("month"), null=True, blank=True)
    import_job = models.ForeignKey("reporting.ImportJob", verbose_name=_("import"), on_delete=models.DO_NOTHING,
                                   db_constraint=False, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id", "-at"]),
                   models.Index(fields=["facility", "period"], name="audit_facility_period"),
                   models.Index(fields=["facility", "-at"], name="audit_facility_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
