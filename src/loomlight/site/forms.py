"""Helpers shared by the apps' views: one loop from form to service."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def errors_onto_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message if target or field == NON_FIELD_ERRORS else f"{field}: {message}")
    else:
        for message in exc.messages:
            form.add_error(None, message)


def submit(form: forms.BaseForm, write: Callable[[dict], object], fields: list[str] | tuple[str, ...]):
    """Validate the form, then call the service ``write`` with its cleaned values.

    Returns what the service returns, or None when the form or the service refused
    (the errors are then on the form and nothing was saved).
    """
    if not form.is_valid():
        return None
    try:
        return write({name: form.cleaned_data[name] for name in fields if name in form.cleaned_data})
    except ValidationError as exc:
        errors_onto_form(form, exc)
        return None
