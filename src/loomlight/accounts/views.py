"""Login, password change and password reset: Django's views with our forms and templates."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from loomlight.accounts import forms
from loomlight.accounts.backends import LOCKED_UNTIL


class LoginView(auth_views.LoginView):
    template_name = "site/login.html"
    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        until = getattr(self.request, LOCKED_UNTIL, None)
        if until is not None and form.has_error(NON_FIELD_ERRORS, forms.LOCKED):
            response.status_code = 429
            response["Retry-After"] = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "site/password_change.html"
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("account")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session logged in; other sessions end
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "site/password_reset.html"
    form_class = forms.PasswordResetForm
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "site/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "site/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "site/password_reset_complete.html"
