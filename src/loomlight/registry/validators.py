"""Field rules shared by models, forms, API and CLI (one place for each rule)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loomlight.registry.countries import is_country

OS_HUB_ID_RE = re.compile(r"^[A-Z]{2}[0-9A-Z]{8,28}$")


def validate_country(code: str) -> None:
    if not is_country(code):
        raise ValidationError(
            _("Unknown country code “%(code)s”: use an ISO 3166-1 alpha-2 code such as VN, KH or ET."),
            code="unknown_country",
            params={"code": code},
        )


def validate_codes(values, allowed: dict, label: str) -> None:
    if not isinstance(values, list):
        raise ValidationError(_("%(label)s must be a list."), code="not_a_list", params={"label": label})
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError(
            _("Unknown %(label)s: %(unknown)s. Allowed: %(allowed)s."),
            code="unknown_choice",
            params={"label": label, "unknown": ", ".join(map(str, unknown)), "allowed": ", ".join(allowed)},
        )
    if len(set(values)) != len(values):
        raise ValidationError(_("%(label)s lists a value twice."), code="duplicate_choice", params={"label": label})


def validate_os_hub_id(value: str) -> None:
    if value and not OS_HUB_ID_RE.match(value):
        raise ValidationError(
            _("An Open Supply Hub ID is two capital letters followed by 8 to 28 capital letters or digits, e.g. VN2019123ABC4DE."),
            code="invalid_os_hub_id",
        )
