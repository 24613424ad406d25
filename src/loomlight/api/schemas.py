"""API schemas. Input schemas only parse (and refuse unknown fields); the rules
live in the models and services, which name the field at fault. Foreign keys
are ids in both directions. Output schemas are separate from input schemas.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from ninja import Field, Schema
from django.utils.translation import gettext as _
from pydantic import ConfigDict, PlainValidator, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from loomlight.registry import policy
from loomlight.registry.validators import text_problem

T = TypeVar("T")

#: A record id in the input (bounded so that the database is never asked about an impossible one).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _text_problem(value) -> str | None:
    """The first problem of a text anywhere in ``value`` (a NUL, an unpaired surrogate), or None."""
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return next((p for p in map(_text_problem, value) if p), None)
    return None


class In(Schema):
    """An input schema: unknown fields refused, numbers finite, text storable (no NUL, no lone
    surrogate: registry.validators.text_problem, the rule of every path)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value):
        if problem := _text_problem(value):
            raise PydanticCustomError("invalid_text", problem)
        return value


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def optional(**constraints):
    """A field of a PATCH schema: leave it out to keep the stored value. Its type says what may be sent
    (``name: str = optional()`` refuses null; ``latitude: float | None = optional()`` clears with null),
    and the document shows no default, since null is not a value the field takes."""
    return Field(None, json_schema_extra=_no_default, **constraints)


#: A month in a path, YYYY-MM in ASCII digits (registry.validators.parse_month checks its range too).
PERIOD_PATH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

#: A number as JSON, or as the decimal text a form or a spreadsheet gives (ASCII digits, a point for decimals).
NUMBER_TEXT = r"^ *[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)? *$"
_NUMBER_TEXT = re.compile(NUMBER_TEXT)


def _number(value):
    """A number, or its text (kept as text: the services parse it with calc.units.parse_number, as the form's)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("not_a_number", _("Give a number, with a point for decimals, e.g. 1234.5."))
    if isinstance(value, str) and (len(value) > 40 or not _NUMBER_TEXT.match(value)):
        raise PydanticCustomError("not_a_number", _("Give a number, with a point for decimals, e.g. 1234.5."))
    if isinstance(value, int | float):
        try:
            value = float(value)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            raise PydanticCustomError("finite_number", _("Give a finite number."))
    return value


Number = Annotated[float | str, PlainValidator(_number), WithJsonSchema(
    {"anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMBER_TEXT, "maxLength": 40}]})]


# --- lists ------------------------------------------------------------------

class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


class Page(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    results: list[T]


class OrganisationFilters(PageQuery):
    search: str = ""
    kind: str = ""


class ParkFilters(PageQuery):
    search: str = ""
    country: str = ""


class FacilityFilters(PageQuery):
    search: str = ""
    country: str = ""
    park: str = Field("", description="A park id, or “none” for facilities outside any park.")
    process: str = ""
    tier: str = ""


# --- me ---------------------------------------------------------------------

class MembershipOut(Schema):
    id: int
    role: str
    scope_type: str
    scope_id: int
    scope_name: str

    @staticmethod
    def resolve_scope_type(obj) -> str:
        return next(kind for kind in ("programme", "organisation", "park", "facility") if getattr(obj, f"{kind}_id"))

    @staticmethod
    def resolve_scope_id(obj) -> int:
        return obj.scope.pk

    @staticmethod
    def resolve_scope_name(obj) -> str:
        return str(obj.scope)


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_operator: bool = Field(alias="is_superuser")
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj):
        return policy.memberships(obj)


# --- organisations ----------------------------------------------------------

class OrganisationIn(In):
    name: str
    kind: str
    country: str = ""
    website: str = ""


class OrganisationPatch(In):
    name: str | None = None
    kind: str | None = None
    country: str | None = None
    website: str | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    website: str
    created_at: datetime.datetime


# --- parks ------------------------------------------------------------------

class ParkIn(In):
    name: str
    name_local: str = ""
    country: str
    province: str = ""
    latitude: float | None = None
    longitude: float | None = None
    area_ha: Decimal | None = None
    operator: Id | None = Field(None, description="Organisation id.")
    year_established: int | None = None
    programme: Id | None = Field(None, description="Programme to enrol the park in (needed when you administer several).")


class ParkPatch(In):
    name: str | None = None
    name_local: str | None = None
    country: str | None = None
    province: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    area_ha: Decimal | None = None
    operator: Id | None = None
    year_established: int | None = None


class ParkOut(Schema):
    id: int
    name: str
    name_local: str
    country: str
    province: str
    latitude: float | None
    longitude: float | None
    area_ha: Decimal | None
    operator: int | None = Field(alias="operator_id")
    year_established: int | None
    created_at: datetime.datetime


# --- facilities -------------------------------------------------------------

class FacilityIn(In):
    name: str
    name_local: str = ""
    organisation: Id | None = Field(None, description="Organisation id (the owner).")
    address: str = ""
    country: str
    latitude: float | None = None
    longitude: float | None = None
    park: Id | None = Field(None, description="Industrial park id.")
    tier: int
    processes: list[str]
    product_types: list[str] = []
    headcount_female: int = 0
    headcount_male: int = 0
    os_hub_id: str = ""
    programme: Id | None = Field(None, description="Programme to enrol the facility in (needed when you administer several).")


class FacilityPatch(In):
    name: str | None = None
    name_local: str | None = None
    organisation: Id | None = None
    address: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    park: Id | None = None
    tier: int | None = None
    processes: list[str] | None = None
    product_types: list[str] | None = None
    headcount_female: int | None = None
    headcount_male: int | None = None
    os_hub_id: str | None = None


class FacilityOut(Schema):
    id: int
    name: str
    name_local: str
    organisation: int | None = Field(alias="organisation_id")
    address: str
    country: str
    latitude: float | None
    longitude: float | None
    park: int | None = Field(alias="park_id")
    tier: int
    processes: list[str]
    product_types: list[str]
    headcount_female: int
    headcount_male: int
    os_hub_id: str
    created_at: datetime.datetime


# --- shared facilities ------------------------------------------------------

class SharedFacilityIn(In):
    kind: str
    name: str
    capacity: str = ""
    serves: list[Id] = Field([], description="Ids of the facilities served (in the same park).")


class SharedFacilityPatch(In):
    kind: str | None = None
    name: str | None = None
    capacity: str | None = None
    serves: list[Id] | None = Field(None, description="Replaces the facilities served.")


class SharedFacilityOut(Schema):
    id: int
    park: int = Field(alias="park_id")
    kind: str
    name: str
    capacity: str
    serves: list[int] = Field(description="Ids of the facilities served that you may see.")

    @staticmethod
    def resolve_serves(obj) -> list[int]:
        return sorted(f.pk for f in obj.serves.all())  # prefetched from the caller's visible set


# --- consent ----------------------------------------------------------------

class ConsentIn(In):
    grantee: Id = Field(description="Organisation id (a brand or a financier).")
    data_kinds: list[str]
    valid_from: datetime.date
    valid_until: datetime.date | None = None


class ConsentOut(Schema):
    id: int
    facility: int = Field(alias="facility_id")
    facility_name: str
    grantee: int = Field(alias="grantee_id")
    grantee_name: str = Field(..., description="The organisation the data are shared with.")
    data_kinds: list[str]
    valid_from: datetime.date
    valid_until: datetime.date | None
    granted_at: datetime.datetime
    granted_by: str | None = Field(..., description="Who granted it (a username): shown to the facility's managers and "
                                   "programme admins, null for the grantee.")
    revoked_at: datetime.datetime | None
    revoked_by: str | None = Field(..., description="Who revoked it, shown as granted_by; null while in force.")
    is_active: bool

    @staticmethod
    def resolve_facility_name(obj) -> str:
        return obj.facility.name

    @staticmethod
    def resolve_grantee_name(obj) -> str:
        return obj.grantee.name

    @staticmethod
    def resolve_granted_by(obj) -> str | None:
        return obj.granted_by.username if getattr(obj, "shows_staff", False) else None

    @staticmethod
    def resolve_revoked_by(obj) -> str | None:
        return obj.revoked_by.username if obj.revoked_by_id and getattr(obj, "shows_staff", False) else None

    @staticmethod
    def resolve_is_active(obj) -> bool:
        return obj.is_active()
