"""Audit events as people read them: labels and values in the reader's language, not raw fields.

``describe(events)`` turns a page of AuditEvents into ``Entry``s: what changed (the record's kind and name, the
facility), and each change as a label (the model field's translated verbose_name) with the values before and
after, written for the reader ("Electricity purchased: 310,000 → 320,000 kWh"): numbers through
``site.numbers.number`` with their unit, metric and parameter codes as the catalogues' translated names, choices
as their labels, dates with ``date_format``, references to other records as their names, lists of codes as
names. Noise (creation times, hashes, computed fields) is left out.

Per-model knowledge is the tables below (``UNITS``, ``HIDDEN_BY_TYPE``, ``CODES``, ``SUBJECTS``); an unknown
type falls back to its fields' verbose names, or to the snapshot's keys in words. Names of referenced records
are read once per page: one query per referenced model, whatever the number of events (the list page's query
count is pinned in tests/audit/test_trail.py).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy as _

from loomlight.audit.models import AuditAction, AuditEvent
from loomlight.site.numbers import number
from loomlight.site.units import unit_label

#: The kinds of record the page filters by, in words (object_type, label).
KINDS = [
    ("reporting.activityvalue", _("Monthly values")),
    ("reporting.importjob", _("Excel imports")),
    ("reporting.reportingperiod", _("Months (submitted, verified, returned, reopened)")),
    ("reporting.applicablemetrics", _("Metrics that apply")),
    ("reporting.fuelproperty", _("Fuel properties")),
    ("wastewater.samplingevent", _("Sampling events")),
    ("wastewater.labresult", _("Lab results")),
    ("wastewater.discharge", _("Discharge routes")),
    ("wastewater.dischargepermit", _("Discharge permits")),
    ("wastewater.permitlimit", _("Permit limits")),
    ("wastewater.intakelimit", _("Intake limits")),
    ("chemicals.chemicalproduct", _("Chemical products")),
    ("chemicals.chemicaluse", _("Chemical use")),
    ("evidence.evidence", _("Evidence")),
    ("inventories.target", _("Targets")),
    ("registry.facility", _("Facilities")),
    ("registry.industrialpark", _("Industrial parks")),
    ("registry.sharedfacility", _("Shared facilities")),
    ("registry.organisation", _("Organisations")),
    ("registry.consent", _("Consent")),
    ("registry.sharedfacilityconsent", _("Consent for shared facilities")),
    ("registry.membership", _("Memberships")),
    ("api.apitoken", _("API tokens")),
    ("auth.user", _("Logins and passwords")),
    ("accounts.address", _("Client addresses")),
    ("biomass.supplier", _("Biomass suppliers")),
    ("biomass.supplystream", _("Biomass supply streams")),
    ("biomass.chainstep", _("Value-chain steps")),
    ("biomass.screening", _("Biomass screenings")),
]

#: How a change came in (code, label, the ``via`` values it covers).
CHANNELS = [
    ("web", _("Web form"), ("web", "form")),
    ("upload", _("Excel upload"), ("upload",)),
    ("api", _("API"), ("api",)),
    ("demo", _("Demo"), ("demo",)),
    ("system", _("System"), ("cli", "admin", "system", "worker")),
]

#: Fields never shown: when and by whom a row was written (the entry says it), files' hashes and storage names,
#: computed fields.
HIDDEN = {"id", "created_at", "created_by", "entered_at", "entered_by", "set_at", "set_by", "sha256", "content_type",
          "file", "conversion", "submitted_at", "submitted_by", "verified_at", "verified_by", "updated_at", "password",
          "facility", "hashed", "key_hash", "digest"}
HIDDEN_BY_TYPE = {
    # the canonical value and unit are computed from what was reported; the metric, month and facility are the
    # entry's subject; the source is its channel
    "reporting.activityvalue": {"value", "unit", "source", "metric", "qualifier", "period"},
    "reporting.reportingperiod": {"period"},
    "chemicals.chemicaluse": {"quantity_kg", "product", "period"},
    "wastewater.labresult": {"event", "parameter"},
    "wastewater.permitlimit": {"permit", "parameter"},
    "wastewater.intakelimit": {"parameter"},
    # a screening's framework is its version (shown); the hash and which answers came from the chain are machinery
    "biomass.screening": {"framework_hash", "from_chain"},
}
#: A number and the field holding its unit: shown together ("320,000 kWh"); the unit field is not shown alone.
UNITS = {
    "reporting.activityvalue": {"original_value": "original_unit"},
    "reporting.fuelproperty": {"ncv_value": "ncv_unit", "density_value": "density_unit"},
    "wastewater.labresult": {"value": "unit", "detection_limit": "unit"},
    "wastewater.permitlimit": {"limit_min": "unit", "limit_max": "unit"},
    "wastewater.intakelimit": {"limit_min": "unit", "limit_max": "unit"},
    "chemicals.chemicaluse": {"original_value": "original_unit"},
}


def metric_name(code) -> str:
    from loomlight.reference.metrics import metrics

    found = metrics().get(code)
    return gettext(found.name) if found else str(code)


def parameter_name(code) -> str:
    from loomlight.reference.wastewater import parameters

    found = parameters().get(code)
    return gettext(found.name) if found else str(code)


def country_name(code) -> str:
    from loomlight.reference.countries import country_names

    return country_names().get(code, str(code))


def _choices(path: str):
    module, name = path.rsplit(".", 1)
    import importlib

    choices = getattr(importlib.import_module(module), name)
    return lambda code: str(dict(choices.choices).get(code, code))


#: Fields holding codes (or lists of codes) and how each code reads.
CODES = {
    "metric": metric_name,
    "metrics": metric_name,
    "parameter": parameter_name,
    "country": country_name,
    "processes": _choices("loomlight.registry.models.Process"),
    "product_types": _choices("loomlight.registry.models.ProductType"),
    "data_kinds": lambda code: str(dict(_kind_choices()).get(code, code)),
}


def _kind_choices():
    from loomlight.registry.models import DataKind, SharedDataKind

    return [*DataKind.choices, *SharedDataKind.choices]


def kind_label(object_type: str) -> str:
    try:
        return capfirst(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return dict(KINDS).get(object_type, object_type)


def channel_label(via: str) -> str:
    for _code, label, vias in CHANNELS:
        if via in vias:
            return str(label)
    return via


def month_text(day: datetime.date | None) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT") if day else ""


@dataclass
class Change:
    label: str
    before: str = ""
    after: str = ""


@dataclass
class Entry:
    event: AuditEvent
    action: str
    kind: str
    subject: str
    place: str                      # the facility's name, or the park's
    channel: str
    changes: list[Change] = field(default_factory=list)
    import_job_id: int | None = None   # an import: the page opens to its values

    @property
    def changes_text(self) -> str:
        return "; ".join(_change_text(c) for c in self.changes)


def _change_text(change: Change) -> str:
    if change.before and change.after:
        return f"{change.label}: {change.before} → {change.after}"
    return f"{change.label}: {change.after or change.before}"


# --- names of referenced records, read once per page -------------------------------------------------------------

class _Names:
    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[type, dict] = {}

    def want(self, model, pk) -> None:
        if pk not in (None, ""):
            self.wanted[model].add(pk)

    def load(self) -> None:
        for model, pks in self.wanted.items():
            try:
                joined = [f.name for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]
                rows = model._default_manager.filter(pk__in=pks).select_related(*joined)   # str() may name them
                self.found[model] = {obj.pk: str(obj) for obj in rows}
            except (ValueError, TypeError):
                self.found[model] = {}

    def name(self, model, pk) -> str:
        if pk in (None, ""):
            return ""
        return self.found.get(model, {}).get(pk) or f"#{pk}"


def _fields(model) -> dict[str, models.Field]:
    found = {f.attname: f for f in model._meta.concrete_fields}
    found.update({f.name: f for f in model._meta.many_to_many})
    return found


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _keys(event: AuditEvent) -> list[str]:
    before, after = event.before or {}, event.after or {}
    if event.action == AuditAction.UPDATE:
        return [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    return list((after if event.action != AuditAction.DELETE else before) or {})


def _want(event: AuditEvent, names: _Names) -> None:
    model = _model(event.object_type)
    if model is None:
        return
    fields = _fields(model)
    hidden = HIDDEN | HIDDEN_BY_TYPE.get(event.object_type, set())
    for key in [*[k for k in _keys(event) if k not in hidden], *_subject_keys(event)]:
        f = fields.get(key)
        if f is None or not f.is_relation or (f.name in hidden and key not in _subject_keys(event)):
            continue
        for snap in (event.before or {}, event.after or {}):
            value = snap.get(key) if isinstance(snap, dict) else None
            for pk in (value if isinstance(value, list) else [value]):
                names.want(f.related_model, pk)


def _subject_keys(event: AuditEvent) -> list[str]:
    return ["product_id"] if event.object_type == "chemicals.chemicaluse" else []


def _value(f: models.Field | None, key: str, value, names: _Names) -> str:
    """One stored value as the reader reads it."""
    if value is None or value == "" or value == []:
        return ""
    code_reader = CODES.get(f.name if f is not None else key)
    if code_reader is not None:
        items = value if isinstance(value, list) else [value]
        return ", ".join(code_reader(item) for item in items)
    if f is None:
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, (int, float)):
            return number(value)
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if f.is_relation:
        items = value if isinstance(value, list) else [value]
        return ", ".join(names.name(f.related_model, pk) for pk in items)
    if f.choices:
        flat = dict(f.flatchoices)
        return ", ".join(str(flat.get(v, v)) for v in (value if isinstance(value, list) else [value]))
    if isinstance(f, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(f, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "DATETIME_FORMAT")
    if isinstance(f, models.DateField):
        day = parse_date(str(value)[:10])
        if day is None:
            return str(value)
        return month_text(day) if f.name in ("period", "valid_from") and day.day == 1 else date_format(day, "DATE_FORMAT")
    if isinstance(f, (models.FloatField, models.IntegerField, models.DecimalField)) and not isinstance(value, bool):
        try:
            return number(float(value))
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _label(event: AuditEvent, f: models.Field | None, key: str) -> str:
    snap = event.after or event.before or {}
    if event.object_type == "reporting.activityvalue" and key == "original_value":
        qualifier = snap.get("qualifier")
        return metric_name(snap.get("metric")) + (f" ({qualifier})" if qualifier else "")
    if event.object_type == "wastewater.labresult" and key == "value":
        return parameter_name(snap.get("parameter"))
    if event.object_type in ("wastewater.permitlimit", "wastewater.intakelimit") and key in ("limit_min", "limit_max"):
        return f"{parameter_name(snap.get('parameter'))}, {f.verbose_name if f is not None else key}"
    if f is not None:
        return capfirst(str(f.verbose_name))
    return capfirst(key.replace("_", " "))


def _changes(event: AuditEvent, names: _Names) -> list[Change]:
    if event.object_type == "reporting.importjob":
        return _import_counts(event)
    model = _model(event.object_type)
    fields = _fields(model) if model is not None else {}
    units = UNITS.get(event.object_type, {})
    unit_fields = set(units.values())
    hidden = HIDDEN | HIDDEN_BY_TYPE.get(event.object_type, set())
    before, after = event.before or {}, event.after or {}
    keys = _keys(event)
    shown: list[str] = []
    for key in keys:
        f = fields.get(key)
        name = f.name if f is not None else key
        if name in hidden or key in hidden:
            continue
        if key in unit_fields:   # shown with its number; a unit changed alone shows the number again
            key = next((k for k, u in units.items() if u == key and (before.get(k) is not None or after.get(k) is not None)), None)
            if key is None or key in shown:
                continue
        if key not in shown:
            shown.append(key)
    result = []
    for key in shown:
        f = fields.get(key)
        old = _value(f, key, before.get(key), names) if event.action != AuditAction.CREATE else ""
        new = _value(f, key, after.get(key), names) if event.action != AuditAction.DELETE else ""
        unit_key = units.get(key)
        if unit_key:
            old_unit, new_unit = unit_label(before.get(unit_key)), unit_label(after.get(unit_key))
            if new and new_unit:
                new = f"{new} {new_unit}"
            if old and old_unit and (old_unit != new_unit or not new):
                old = f"{old} {old_unit}"
        if event.action == AuditAction.UPDATE and not old:
            old = "—"
        if event.action == AuditAction.UPDATE and not new:
            new = "—"
        if old or new:
            result.append(Change(_label(event, f, key), old, new))
    return result


def _import_counts(event: AuditEvent) -> list[Change]:
    from loomlight.reporting.imports.jobs import ImportJob

    counts = event.after or {}
    fields = {"created": "values_created", "updated": "values_updated", "unchanged": "values_unchanged",
              "flagged": "flag_count"}
    return [Change(capfirst(str(ImportJob._meta.get_field(name).verbose_name)), "", number(counts.get(key) or 0))
            for key, name in fields.items()]


def _subject(event: AuditEvent, names: _Names) -> str:
    snap = event.after or event.before or {}
    if not isinstance(snap, dict):
        return event.object_repr
    kind = event.object_type
    if kind == "reporting.activityvalue":
        qualifier = snap.get("qualifier")
        metric = metric_name(snap.get("metric")) + (f" ({qualifier})" if qualifier else "")
        return f"{metric}, {month_text(event.period)}" if event.period else metric
    if kind == "reporting.reportingperiod":
        return month_text(event.period) or event.object_repr
    if kind == "reporting.importjob":
        return str(snap.get("file") or event.object_repr)
    if kind == "wastewater.labresult":
        return parameter_name(snap.get("parameter"))
    if kind in ("wastewater.permitlimit", "wastewater.intakelimit"):
        return parameter_name(snap.get("parameter"))
    if kind == "chemicals.chemicaluse":
        from loomlight.chemicals.models import ChemicalProduct

        product = names.name(ChemicalProduct, snap.get("product_id"))
        return f"{product}, {month_text(event.period)}" if event.period else product
    if kind in ("reporting.applicablemetrics", "inventories.target", "reporting.fuelproperty") and event.facility_id:
        return kind_label(kind)
    return event.object_repr


def _action(event: AuditEvent) -> str:
    """What happened, in a word: a month's change of state says which ("Submitted", "Verified", "Returned",
    "Reopened"), every other event its action ("Created", "Updated", ...)."""
    if event.object_type == "reporting.reportingperiod" and event.action == AuditAction.UPDATE:
        from loomlight.reporting.models import PeriodStatus

        before, after = (event.before or {}).get("status"), (event.after or {}).get("status")
        if before != after and after in PeriodStatus.values:
            if after == PeriodStatus.DRAFT and before == PeriodStatus.VERIFIED:
                return gettext("Reopened")
            return str(PeriodStatus(after).label)
    return event.get_action_display()


def describe(events) -> list[Entry]:
    """The entries of these events (with ``facility``, ``park`` and ``actor`` selected), in their order."""
    events = list(events)
    names = _Names()
    for event in events:
        _want(event, names)
    names.load()
    entries = []
    for event in events:
        place = event.facility.name if event.facility_id and event.facility else (
            event.park.name if event.park_id and event.park else "")
        entries.append(Entry(
            event=event, action=_action(event), kind=kind_label(event.object_type),
            subject=_subject(event, names), place=place, channel=channel_label(event.via),
            changes=_changes(event, names),
            import_job_id=event.import_job_id if event.object_type == "reporting.importjob" else None,
        ))
    return entries
