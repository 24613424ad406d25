"""Write paths for API tokens. The management command and (later) the web UI call these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loomlight.api.models import ApiToken
from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record


def _token_record(token: ApiToken) -> dict:
    """What the audit trail keeps of a token: never its hash."""
    return {"user": token.user_id, "name": token.name, "prefix": token.prefix, "revoked_at": token.revoked_at and token.revoked_at.isoformat()}


@transaction.atomic
def api_token_issue(*, user, name: str, via: str = "web") -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns the token and the raw secret, which is never stored or shown again."""
    name = (name or "").strip()
    try:
        ApiToken._meta.get_field("name").clean(name, None)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from None
    if not user.is_active:
        raise ValidationError({"user": [_("This user is deactivated.")]})
    token, raw = ApiToken.issue(user=user, name=name)
    audit_record(actor=user, action=AuditAction.CREATE, obj=token, before=None, after=_token_record(token), via=via)
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by, via: str = "web") -> ApiToken:
    """Revoke a token at once. Its owner and operators (superusers) may do this."""
    if not (by.is_authenticated and by.is_active and (by.pk == token.user_id or by.is_superuser)):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("This token was already revoked."))
    before = _token_record(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=token, before=before, after=_token_record(token), via=via)
    return token
