"""Background work of accounts: the password reset e-mail (sent after the request's commit)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task


@task()
def password_reset_mail_send(*, user_id: int, domain: str, use_https: bool, language: str) -> str:
    """Make the one-use link for ``user_id`` and e-mail it in ``language`` (the language of the
    page the request came from). The link expires after PASSWORD_RESET_TIMEOUT seconds and
    stops working once the password is set."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "skipped"
    context = {
        "user": user,
        "domain": domain,
        "protocol": "https" if use_https else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    with translation.override(language):
        subject = "".join(render_to_string("site/password_reset_subject.txt", context).splitlines())
        body = render_to_string("site/password_reset_email.txt", context)
    send_mail(subject, body, None, [user.email])
    return "sent"
