"""API schemas. Input schemas only parse (and refuse unknown fields); the rules
live in the models and services, which name the field at fault. Foreign keys
are ids in both directions. Output schemas are separate from input schemas.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from ninja import Field, Schema
from django.utils.translation import gettext as _
from pydantic import ConfigDict, PlainValidator, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from loomlight.registry import policy
from loomlight.registry.countries import country_names
from loomlight.registry.models import (
    DataKind,
    Facility,
    IndustrialPark,
    Organisation,
    Process,
    ProductType,
    SharedFacility,
)
from loomlight.registry.validators import FIRST_DATE, LAST_DATE, OS_HUB_ID_RE, text_problem

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


def _has_bool(value) -> bool:
    if isinstance(value, list | tuple):
        return any(map(_has_bool, value))
    return isinstance(value, bool)


class In(Schema):
    """An input schema: unknown fields refused, numbers finite (true and false are not numbers), text
    storable (no NUL, no lone surrogate: registry.validators.text_problem, the rule of every path)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value, info):
        if problem := _text_problem(value):
            raise PydanticCustomError("invalid_text", problem)
        if _has_bool(value) and cls.model_fields[info.field_name].annotation is not bool:
            raise PydanticCustomError("bool_type", _("Give a number or a text here, not true or false."))
        return value


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def optional(**constraints):
    """A field of a PATCH schema: leave it out to keep the stored value. Its type says what may be sent
    (``name: str = optional()`` refuses null; ``latitude: float | None = optional()`` clears with null),
    and the document shows no default, since null is not a value the field takes."""
    return Field(None, json_schema_extra=_no_default, **constraints)


#: A month, YYYY-MM in ASCII digits from 1990 (registry.validators.parse_month checks it, and that it is not in the future).
PERIOD_PATH = r"^(199[0-9]|2[0-9]{3})-(0[1-9]|1[0-2])$"

#: A number as JSON, or as the decimal text a form or a spreadsheet gives (ASCII digits, a point for decimals).
NUMBER_TEXT = r"^ *[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,2})? *$"   # at most 40 characters: finite
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
#: An amount: zero or more (the services refuse a negative one; -0 is read as 0).
Amount = Annotated[float | str, PlainValidator(_number), WithJsonSchema(
    {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": NUMBER_TEXT.replace("[+-]?", "[+]?"), "maxLength": 40}]})]


# --- field types: the document says what the models accept -------------------
#
# Pydantic checks the JSON types; the rules (choices, lengths, ranges, patterns) are the models' and the
# services', which word their refusals in the reader's language and are shared with the forms and the
# import. The document states those rules (derived from the same model fields and constants), so that a
# request it calls valid is accepted, and one it calls invalid refused: schemathesis checks both.

def described(annotation, schema: dict) -> Any:
    """``annotation``, checked by pydantic for its type only, documented with ``schema``."""
    return Annotated[annotation, WithJsonSchema(schema)]


#: Text without NUL (registry.validators.text_problem refuses it, and unpaired surrogates, which JSON Schema cannot name).
TEXT_PATTERN = r"^[^\x00]*$"


def text(**schema) -> Any:
    """Text that can be stored (no NUL), documented with ``schema``."""
    return described(str, {"type": "string", "pattern": TEXT_PATTERN, **schema})


def model_text(model, name: str, **extra) -> Any:
    """A text field as ``model``'s field ``name`` accepts it: its choices, its length, blank or not; no NUL."""
    field = model._meta.get_field(name)
    schema: dict = {"type": "string", "pattern": TEXT_PATTERN}
    if field.choices:
        schema["enum"] = [*([""] if field.blank else []), *(str(value) for value, _label in field.choices)]
    else:
        if field.max_length:
            schema["maxLength"] = field.max_length
        if not field.blank:
            schema["minLength"] = 1
    return described(str, {**schema, **extra})


COUNTRY = {"type": "string", "enum": sorted(country_names())}
Latitude = described(float, {"type": "number", "minimum": -90, "maximum": 90})
Longitude = described(float, {"type": "number", "minimum": -180, "maximum": 180})
Headcount = described(int, {"type": "integer", "minimum": 0, "maximum": 2_147_483_647})
YearEstablished = described(int, {"type": "integer", "minimum": 1900, "maximum": 2100})
Tier = described(int, {"type": "integer", "enum": [1, 2, 3]})
#: A web address the model's URLValidator accepts (http or https): host names of letters, digits and hyphens,
#: a top-level domain of letters, an optional port and path. The validator accepts more (IP addresses, IDNs).
URL_PATTERN = (r"^https?://([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?[.])+[A-Za-z]{2,63}(:[0-9]{1,4})?"
               r"(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$")
#: An area in hectares: at most 8 digits before the point and 2 after (the column's precision), not negative.
AREA_TEXT = r"^[0-9]{1,8}([.][0-9]{1,2})?$"
Area = described(Decimal, {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 99_999_999},
                                     {"type": "string", "pattern": AREA_TEXT}]})


def Codes(values, **extra) -> Any:  # noqa: N802 (a type, named as one)
    """A list of codes, each once (the models' validate_codes)."""
    return described(list[str], {"type": "array", "items": {"type": "string", "enum": list(values)}, "uniqueItems": True, **extra})


#: A date from FIRST_DATE (1990-01-01) to LAST_DATE (2100-12-31): JSON Schema bounds no date, so a pattern says the years.
DATE = {"type": "string", "format": "date", "pattern": r"^(199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$",
        "description": f"From {FIRST_DATE} to {LAST_DATE}."}
DateInRange = described(datetime.date, DATE)
#: A comment or reason the facility reads: some text, not only spaces (and no NUL).
Said = described(str, {"type": "string", "allOf": [{"pattern": r"\S"}, {"pattern": TEXT_PATTERN}]})


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
    search: text() = ""
    kind: text() = ""


class ParkFilters(PageQuery):
    search: text() = ""
    country: text() = ""


class FacilityFilters(PageQuery):
    search: text() = ""
    country: text() = ""
    park: text(description="A park id, or “none” for facilities outside any park.") = ""
    process: text() = ""
    tier: text() = ""


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
    name: model_text(Organisation, "name")
    kind: model_text(Organisation, "kind")
    country: described(str, {"type": "string", "enum": ["", *COUNTRY["enum"]]}) = ""
    website: model_text(Organisation, "website", pattern=f"({URL_PATTERN})|^$") = ""


class OrganisationPatch(In):
    name: model_text(Organisation, "name") = optional()
    kind: model_text(Organisation, "kind") = optional()
    country: described(str, {"type": "string", "enum": ["", *COUNTRY["enum"]]}) = optional()
    website: model_text(Organisation, "website", pattern=f"({URL_PATTERN})|^$") = optional()


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    website: str
    created_at: datetime.datetime


# --- parks ------------------------------------------------------------------

class ParkIn(In):
    name: model_text(IndustrialPark, "name")
    name_local: model_text(IndustrialPark, "name_local") = ""
    country: described(str, COUNTRY)
    province: model_text(IndustrialPark, "province") = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    area_ha: Area | None = Field(None, description="[ha], at most two decimals (a string keeps them exact).")
    operator: Id | None = Field(None, description="Organisation id (a park operator).")
    year_established: YearEstablished | None = None
    programme: Id | None = Field(None, description="Programme to enrol the park in (needed when you administer several).")


class ParkPatch(In):
    name: model_text(IndustrialPark, "name") = optional()
    name_local: model_text(IndustrialPark, "name_local") = optional()
    country: described(str, COUNTRY) = optional()
    province: model_text(IndustrialPark, "province") = optional()
    latitude: Latitude | None = optional()
    longitude: Longitude | None = optional()
    area_ha: Area | None = optional(description="[ha], at most two decimals; null clears it.")
    operator: Id | None = optional(description="Organisation id (a park operator); null clears it.")
    year_established: YearEstablished | None = optional()


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

Processes = Codes(Process.values, minItems=1)
ProductTypes = Codes(ProductType.values)
OsHubId = model_text(Facility, "os_hub_id", pattern=f"({OS_HUB_ID_RE.pattern})|^$")


class FacilityIn(In):
    name: model_text(Facility, "name")
    name_local: model_text(Facility, "name_local") = ""
    organisation: Id | None = Field(None, description="Organisation id (the owner: a manufacturer group).")
    address: model_text(Facility, "address") = ""
    country: described(str, COUNTRY)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    park: Id | None = Field(None, description="Industrial park id (a park in the facility's country).")
    tier: Tier
    processes: Processes
    product_types: ProductTypes = []
    headcount_female: Headcount = 0
    headcount_male: Headcount = 0
    os_hub_id: OsHubId = ""
    programme: Id | None = Field(None, description="Programme to enrol the facility in (needed when you administer several).")


class FacilityPatch(In):
    name: model_text(Facility, "name") = optional()
    name_local: model_text(Facility, "name_local") = optional()
    organisation: Id | None = optional(description="Organisation id (a manufacturer group); null clears it.")
    address: model_text(Facility, "address") = optional()
    country: described(str, COUNTRY) = optional()
    latitude: Latitude | None = optional()
    longitude: Longitude | None = optional()
    park: Id | None = optional(description="Industrial park id; null takes the facility out of its park.")
    tier: Tier = optional()
    processes: Processes = optional()
    product_types: ProductTypes = optional()
    headcount_female: Headcount = optional()
    headcount_male: Headcount = optional()
    os_hub_id: OsHubId = optional()


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
    kind: model_text(SharedFacility, "kind")
    name: model_text(SharedFacility, "name")
    capacity: model_text(SharedFacility, "capacity") = ""
    serves: list[Id] = Field([], max_length=1000, description="Ids of the facilities served (in the same park).")


class SharedFacilityPatch(In):
    kind: model_text(SharedFacility, "kind") = optional()
    name: model_text(SharedFacility, "name") = optional()
    capacity: model_text(SharedFacility, "capacity") = optional()
    serves: list[Id] = optional(max_length=1000, description="Replaces the facilities served.")


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
    data_kinds: Codes(DataKind.values, minItems=1)
    valid_from: DateInRange
    valid_until: DateInRange | None = Field(None, description="On or after valid_from.")


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
