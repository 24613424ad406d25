"""Reads of business cases: what a user sees, the finance pipeline's totals and the items of an abatement-cost
curve, always of the cases ``access.cases_visible`` lets the user read.

Small numbers: a brand or a financier (who sees cases through consents) gets no total of a park, a country or a
programme made of fewer than ``MIN_FACILITIES`` facilities (PRODUCT.md: "below the threshold (5 peers, 3
facilities) nothing leaves"), and no curve of such a scope; a facility's own figures are the cases it sees.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet

from loomlight.interventions import access
from loomlight.interventions.models import FINANCED_STAGES, STAGE_ORDER, BusinessCase, MeasuredSavings
from loomlight.registry import policy
from loomlight.registry.models import Role

#: The fewest facilities behind a group's figure shown to who sees through consent (PRODUCT.md; the peers'
#: threshold is ``calc.validation.MIN_PEERS``).
MIN_FACILITIES = 3

SCOPES = ("facility", "park", "country", "programme")


class ScopeError(ValueError):
    """A scope that is not one of SCOPES, or an id that does not fit it: ``field`` names which."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def cases_visible(user) -> QuerySet[BusinessCase]:
    return access.cases_visible(user)


def sees_through_consent(user) -> bool:
    """Whether the user reads some cases only by a consent (a brand or financier viewer): small groups are withheld."""
    if not policy._active(user) or user.is_superuser:
        return False
    return any(m.role in (Role.BRAND_VIEWER, Role.FINANCIER_VIEWER) for m in policy.memberships(user))


def in_scope(cases: QuerySet[BusinessCase], scope: str, ident) -> QuerySet[BusinessCase]:
    """The ``cases`` of one facility, park (its own cases and its tenants'), country or programme."""
    if scope not in SCOPES:
        raise ScopeError("scope", "not one of facility, park, country, programme")
    if scope == "country":
        if not isinstance(ident, str) or len(ident) != 2 or not ident.isalpha():
            raise ScopeError("id", "a country is named by its two-letter code")
        code = ident.upper()
        return cases.filter(Q(facility__country=code) | Q(park__country=code))
    try:
        pk = int(ident)
    except (TypeError, ValueError):
        raise ScopeError("id", "give the number of the facility, park or programme") from None
    if scope == "facility":
        return cases.filter(facility_id=pk)
    if scope == "park":
        return cases.filter(Q(park_id=pk) | Q(facility__park_id=pk))
    from loomlight.programmes.models import Programme

    parks = Programme.parks.through.objects.filter(programme_id=pk).values("industrialpark_id")
    return cases.filter(Q(programme_id=pk) | Q(facility__in=policy.facilities_in_programme(pk).values("pk"))
                        | Q(park_id__in=parks))


def _measured(case_ids) -> dict[int, Decimal]:
    """{case id: money saved by its latest accepted measurement} (a case measured twice counts once)."""
    out: dict[int, Decimal] = {}
    rows = (MeasuredSavings.objects.filter(case_id__in=case_ids, accepted=True, avoided_money__isnull=False)
            .order_by("case_id", "-at", "-pk").values_list("case_id", "avoided_money"))
    for case_id, money in rows:
        out.setdefault(case_id, money)
    return out


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _group_keys(case: BusinessCase) -> list[tuple[str, object, str]]:
    """(scope, id, name) of the groups a case counts in."""
    keys = []
    if case.facility_id:
        keys.append(("facility", case.facility_id, case.facility.name))
        if case.facility.park_id:
            keys.append(("park", case.facility.park_id, case.facility.park.name))
    else:
        keys.append(("park", case.park_id, case.park.name))
    keys.append(("country", case.country, case.country))
    if case.programme_id:
        keys.append(("programme", case.programme_id, case.programme.name))
    return keys


def pipeline(user) -> dict:
    """The finance pipeline of the cases the user sees: per stage (count, amount) and per facility, park, country
    and programme (and currency): cases, investment mobilised (Σ amount of financed, implemented and verified
    cases), expected savings per year (Σ the result's savings_per_year) and measured savings (Σ the latest
    accepted measurement's money saved). A group of fewer than MIN_FACILITIES facilities other than a facility is
    withheld from who sees through consent (``withheld`` counts them)."""
    cases = list(cases_visible(user).select_related("facility", "facility__park", "park", "programme")
                 .order_by("pk"))
    measured = _measured([c.pk for c in cases])
    stages = {s: {"stage": s, "count": 0, "amount": defaultdict(Decimal)} for s in STAGE_ORDER}
    groups: dict = {}
    for case in cases:
        entry = stages[case.stage]
        entry["count"] += 1
        if case.amount is not None:
            entry["amount"][case.currency] += case.amount
        for scope, ident, name in _group_keys(case):
            key = (scope, ident, case.currency)
            group = groups.get(key)
            if group is None:
                group = groups[key] = {"scope": scope, "id": ident, "name": name, "currency": case.currency,
                                       "cases": 0, "facilities": set(), "investment_mobilised": Decimal("0"),
                                       "savings_expected_per_year": 0.0, "savings_measured": Decimal("0"),
                                       "cases_measured": 0}
            group["cases"] += 1
            group["facilities"].add(case.facility_id or f"park-{case.park_id}")
            if case.stage in FINANCED_STAGES and case.amount is not None:
                group["investment_mobilised"] += case.amount
            expected = _number(case.figure("savings_per_year"))
            if expected is not None:
                group["savings_expected_per_year"] += expected
            if case.pk in measured:
                group["savings_measured"] += measured[case.pk]
                group["cases_measured"] += 1
    small = sees_through_consent(user)
    rows, withheld = [], 0
    for group in groups.values():
        count = len(group.pop("facilities"))
        if small and group["scope"] != "facility" and count < MIN_FACILITIES:
            withheld += 1
            continue
        group["facility_count"] = count
        rows.append(group)
    rows.sort(key=lambda g: (SCOPES.index(g["scope"]), str(g["name"]), g["currency"]))
    return {"stages": [{"stage": s["stage"], "count": s["count"], "amount": dict(s["amount"])} for s in stages.values()],
            "groups": rows, "withheld": withheld, "min_facilities": MIN_FACILITIES}


def _category(code: str) -> str:
    try:
        from loomlight.reference.interventions import intervention

        return intervention(code).category
    except (KeyError, ImportError):
        return "other"


def curve_items(user, scope: str, ident) -> list:
    """One ``calc.macc.Item`` per visible case of the scope, for ``calc.macc.curve``: its eac and tco2e_per_year
    from the stored result. A case whose figures were not computed has ``tco2e_per_year`` None, so that the curve
    lists it apart ("not computed"), never as a bar. Empty for who sees through consent when the scope (other
    than one facility) holds fewer than MIN_FACILITIES facilities."""
    from loomlight.calc.macc import Item

    cases = list(in_scope(cases_visible(user), scope, ident).select_related("facility", "park").order_by("pk"))
    if sees_through_consent(user) and scope != "facility":
        if len({c.facility_id or f"park-{c.park_id}" for c in cases}) < MIN_FACILITIES:
            return []
    items = []
    for case in cases:
        eac = _number(case.figure("eac"))
        tco2e = _number(case.figure("tco2e_per_year"))
        items.append(Item(key=str(case.pk), label=case.title, category=_category(case.intervention),
                          tco2e_per_year=tco2e if eac is not None else None, eac=eac if eac is not None else 0.0,
                          facility=str(case.subject), group=case.intervention))
    return items
