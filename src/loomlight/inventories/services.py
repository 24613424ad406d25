"""Compute and store a facility's inventory months; find and queue those that are out of date.

One facility-month is computed from its stored activity values (canonical units) by the same
rules as the portfolio engine and the analysts' command: the GHG figures and their explanation by
``accounting.inventory.facility_month`` (``calc.ghg``), the resource totals by the coefficients
of ``analytics.coefficients``. tests/inventories prove that the stored rows equal the portfolio
engine's on the same data.

Recomputation is per facility and year, in the background (``tasks.py``): after a value is
saved, imported or reconverted (``schedule``), and after ``migrate`` for every facility-year
whose rows were computed with other factors or another GWP set, or whose data changed without
a recomputation (``schedule_stale``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from loomlight.accounting.inventory import Activity, facility_month, factors_version, group, is_ghg_input
from loomlight.analytics.coefficients import COLUMNS, metric_row
from loomlight.analytics.columns import REPORTED_GROUPS, reported_groups
from loomlight.inventories.models import Inventory
from loomlight.reference import grid_factors
from loomlight.reference.metrics import metrics

STORED_SUMS = tuple(c for c in COLUMNS if c not in ("scope1_tco2e", "co2_fossil_t", "ch4_t", "n2o_t", "biogenic_co2_t"))
#: The shape of a stored explanation (``Inventory.explanation["version"]``). 2 (issue 14): each input as reported
#: (value, unit, conversion with its factors), every step, factor and flag with its code and parameters for the
#: reader's language. Rows of another version are stale and recomputed (``stale``).
EXPLANATION_VERSION = 2


def gwp_set() -> str:
    """The GWP set of this deployment's inventories (LOOMLIGHT_GWP_SET, AR5 by default)."""
    return settings.LOOMLIGHT_GWP_SET


@cache
def _coefficients(metric: str, gwp: str) -> tuple[tuple[str, float], ...]:
    return tuple((c, k) for c, k in metric_row(metric, gwp).items() if k and c in STORED_SUMS)


def compute(facility, year: int, *, gwp: str | None = None) -> list[dict]:
    """The inventory months of ``facility`` in ``year`` (field values of ``Inventory``), one per month with data."""
    from loomlight.reporting.models import ActivityValue

    gwp = gwp or gwp_set()
    catalogue = metrics()
    values = (ActivityValue.objects.filter(facility=facility, period__year=year)
              .values_list("period", "metric", "qualifier", "value", "unit", "original_value", "original_unit", "conversion")
              .order_by("period", "metric", "qualifier"))
    sums: dict[datetime.date, dict[str, float]] = defaultdict(lambda: dict.fromkeys(STORED_SUMS, 0.0))
    inputs: dict[datetime.date, list[dict]] = defaultdict(list)
    categories: dict[datetime.date, set[str]] = defaultdict(set)
    activities = []
    for period, metric, qualifier, value, unit, original_value, original_unit, conversion in values:
        if metric not in catalogue:
            continue
        categories[period].add(catalogue[metric].category)
        month = sums[period]
        for column, k in _coefficients(metric, gwp):
            month[column] += value * k
        if is_ghg_input(metric):   # the explanation lists only what the GHG figures used, each as it was reported
            inputs[period].append({"metric": metric, "qualifier": qualifier, "value": value, "unit": unit,
                                   "reported_value": original_value, "reported_unit": original_unit,
                                   "conversion": conversion})
        activities.append(Activity(str(facility.pk), facility.country, period, metric, value, unit))
    version = factors_version()
    now = timezone.now()
    rows = []
    for month in group(activities):
        ghg = facility_month(month, gwp_set=gwp, uncounted=None)   # scope 2 without a grid factor: None, not 0
        s = sums[month.period]
        grid = grid_factors.for_inventory(facility.country, year) if (s["grid_kwh"] or s["instrument_mwh"]) else None
        covered = min(s["instrument_mwh"], s["grid_kwh"] / 1000.0)
        rows.append({
            "period": month.period, "gwp_set": gwp, "factors_version": version, "computed_at": now,
            **{c: ghg[c] for c in ("scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "biogenic_co2_t",
                                   "co2_fossil_t", "ch4_t", "n2o_t")},
            **{c: s[c] for c in STORED_SUMS},
            "instrument_covered_mwh": covered, "instrument_unused_mwh": s["instrument_mwh"] - covered,
            "scope2_uncounted_kwh": s["grid_kwh"] if grid is None and s["grid_kwh"] else 0.0,
            "grid_t_per_mwh": grid.value if grid else None,
            "flags": ghg["flags"], "reported": reported_groups(categories[month.period]),
            "explanation": {
                "version": EXPLANATION_VERSION, "gwp_set": gwp, "factors_version": version,
                "inputs": inputs[month.period],
                "calculations": ghg["explanation"],
                "flags": ghg["flag_codes"],
            },
        })
    return rows


@transaction.atomic
def recompute(facility, years: Iterable[int], *, gwp: str | None = None, partials: bool = True) -> int:
    """Replace the stored months of ``facility`` in ``years`` and, unless ``partials`` is False (the caller
    stores them for many facilities at once), their ``InventoryYear``; returns how many months are stored."""
    from loomlight.registry.models import Facility

    # Two workers recomputing the same facility take turns: the second reads what the first could not see.
    list(Facility.objects.select_for_update().filter(pk=facility.pk).values_list("pk", flat=True))
    from loomlight.reporting.models import ReportingPeriod

    gwp = gwp or gwp_set()
    years = sorted(set(years))
    stored = 0
    for year in years:
        rows = compute(facility, year, gwp=gwp)
        statuses = dict(ReportingPeriod.objects.filter(facility=facility, period__year=year).values_list("period", "status"))
        Inventory.objects.filter(facility=facility, period__year=year).delete()
        Inventory.objects.bulk_create([Inventory(facility=facility, status=statuses.get(row["period"], "draft"), **row)
                                       for row in rows])
        stored += len(rows)
    if partials:
        store_years([facility.pk], years)
    return stored


def store_years(facility_ids: Iterable[int], years: Iterable[int]) -> int:
    """Store the partial sums of these facilities' years (``InventoryYear``), computed by the portfolio engine
    (``analytics.portfolio.sums`` on DuckDB) from their stored months; returns how many are stored."""
    import ibis

    from loomlight.analytics.portfolio import sums
    from loomlight.inventories import selectors
    from loomlight.inventories.models import PARTIAL_SUMS, InventoryYear
    from loomlight.registry.models import Facility

    facility_ids, years = sorted(set(facility_ids)), sorted(set(years))
    if not facility_ids or not years:
        return 0
    groups: dict = {}
    states: dict = {}
    months = selectors.inventory_table(Facility.objects.filter(pk__in=facility_ids), years, reported=groups, states=states)
    rows = selectors.engine().to_pyarrow(sums(ibis.memtable(months), ["facility_id"], grain="year")).to_pylist()
    InventoryYear.objects.filter(facility_id__in=facility_ids, year__in=years).delete()
    gwp = gwp_set()
    reported = {k: None if v is None else " ".join(g for g in REPORTED_GROUPS if g in v) for k, v in groups.items()}
    InventoryYear.objects.bulk_create([
        InventoryYear(facility_id=r["facility_id"], year=r["year"], gwp_set=gwp, facility_months=r["facility_months"],
                      reported=reported.get((r["facility_id"], r["year"])),
                      **_counts(states[r["year"]].of(r["facility_id"]) if r["year"] in states else None),
                      **{c: r[c] for c in PARTIAL_SUMS})
        for r in rows])
    return len(rows)


def _counts(state) -> dict:
    return {"months_verified": state.verified if state else 0, "months_submitted": state.submitted if state else 0}


@transaction.atomic
def status_set(facility, period: datetime.date, status: str) -> None:
    """A reporting period changed state: its stored month takes the state (``Inventory.status``) and its stored
    year recounts its verified and submitted months. Called by every transition (``reporting.services``), in its
    transaction; the facility is locked as by ``recompute``, so that a recomputation under way cannot write the
    state it read before."""
    from loomlight.inventories.models import InventoryYear
    from loomlight.registry.models import Facility
    from loomlight.reporting import verification

    list(Facility.objects.select_for_update().filter(pk=facility.pk).values_list("pk", flat=True))
    Inventory.objects.filter(facility=facility, period=period).update(status=status)
    gwp = gwp_set()
    state = verification.state_of_statuses(Inventory.objects.filter(facility=facility, period__year=period.year, gwp_set=gwp)
                                           .values_list("status", flat=True))
    InventoryYear.objects.filter(facility=facility, year=period.year, gwp_set=gwp).update(**_counts(state))


def schedule(facility_id: int, periods: Iterable[datetime.date | int]) -> None:
    """Queue the recomputation of these months' years once the current transaction commits."""
    years = sorted({p if isinstance(p, int) else p.year for p in periods})
    if not years:
        return
    from loomlight.inventories.tasks import recompute_inventories

    transaction.on_commit(lambda: recompute_inventories.enqueue(facility_id, years))


def stale() -> set[tuple[int, int]]:
    """(facility id, year) pairs whose stored months are missing, extra, or computed otherwise than now."""
    from loomlight.reporting.models import ActivityValue

    gwp, version = gwp_set(), factors_version()
    pairs: set[tuple[int, int]] = set()
    outdated = Inventory.objects.filter(~Q(factors_version=version) | ~Q(gwp_set=gwp))
    pairs.update((f, p.year) for f, p in outdated.values_list("facility_id", "period").distinct())
    # explanations stored in an earlier shape (issue 14 added what was reported and codes for translation)
    explained = Inventory.objects.filter(explanation__version=EXPLANATION_VERSION)
    older = Inventory.objects.exclude(pk__in=explained.values("pk"))
    pairs.update((f, p.year) for f, p in older.values_list("facility_id", "period").distinct())
    months = Inventory.objects.filter(facility=OuterRef("facility"), period=OuterRef("period"), gwp_set=gwp)
    missing = ActivityValue.objects.filter(~Exists(months)).values_list("facility_id", "period").distinct()
    pairs.update((f, p.year) for f, p in missing)
    changed = ActivityValue.objects.filter(Exists(months.filter(computed_at__lt=OuterRef("entered_at"))))
    pairs.update((f, p.year) for f, p in changed.values_list("facility_id", "period").distinct())
    values = ActivityValue.objects.filter(facility=OuterRef("facility"), period=OuterRef("period"))
    orphans = Inventory.objects.filter(~Exists(values)).values_list("facility_id", "period").distinct()
    pairs.update((f, p.year) for f, p in orphans)
    from loomlight.inventories.models import InventoryYear

    with_months = set(Inventory.objects.filter(gwp_set=gwp).values_list("facility_id", "period__year").distinct())
    summed = set(InventoryYear.objects.filter(gwp_set=gwp).values_list("facility_id", "year"))
    pairs.update(with_months ^ summed)
    return pairs


#: Stale facility-years that one run of the task recompute_stale_inventories recomputes (in one transaction):
#: at 20-40 ms each, one to two minutes, well within the worker's time limit (LOOMLIGHT_TASK_TIME_LIMIT);
#: the run queues the next for the facilities after its last. 40,000 facility-years in one run would take
#: 12-25 minutes and be stopped at the limit, rolled back, every time (docs/performance.md).
STALE_BATCH = 2000


def recompute_stale(*, after: int = 0, limit: int | None = None) -> int:
    """Recompute the stale facility-years of facilities with an id above ``after`` now, whole facilities
    in id order until at least ``limit`` are done (all when None); returns how many facility-years."""
    return recompute_stale_batch(after=after, limit=limit)[0]


def recompute_stale_batch(*, after: int = 0, limit: int | None = None) -> tuple[int, int | None]:
    """As ``recompute_stale``; returns (facility-years recomputed, the last facility id recomputed when stale
    facilities remain after it, else None)."""
    from loomlight.registry.models import Facility

    by_facility: dict[int, set[int]] = defaultdict(set)
    for facility_id, year in stale():
        if facility_id > after:
            by_facility[facility_id].add(year)
    chosen: dict[int, set[int]] = {}
    for facility_id in sorted(by_facility):
        if limit is not None and sum(len(years) for years in chosen.values()) >= limit:
            break
        chosen[facility_id] = by_facility[facility_id]
    with transaction.atomic():
        for facility in Facility.objects.filter(pk__in=chosen):
            recompute(facility, chosen[facility.pk], partials=False)
        store_years(chosen, {year for years in chosen.values() for year in years})
    done = sum(len(years) for years in chosen.values())
    return done, (max(chosen) if len(chosen) < len(by_facility) else None)


def schedule_stale(**kwargs) -> None:
    """post_migrate: queue one task that recomputes whatever is stale (nothing to do on an empty database)."""
    from loomlight.inventories.tasks import recompute_stale_inventories

    using = kwargs.get("using", "default")
    transaction.on_commit(lambda: recompute_stale_inventories.enqueue(), using=using)


def target_set(*, by, facility, base_year: int, target_year: int, annual_rate: float, basis: str, boundary: str,
               via: str = "web"):
    """Set (or replace) the facility's emissions target; audited. ValidationError naming the field otherwise."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from loomlight.audit.models import AuditAction
    from loomlight.audit.services import audit_record, snapshot
    from loomlight.inventories.models import Target, TargetBasis
    from loomlight.registry import policy
    from loomlight.registry.policy import Action

    policy.require(by, Action.EDIT, facility)
    errors = {}
    if not 0 < annual_rate < 1:
        errors["annual_rate"] = [_("Give the reduction a year as a percentage between 0 and 100, for example 4.2.")]
    if target_year <= base_year:
        errors["target_year"] = [_("The target year must come after the base year.")]
    base = Inventory.objects.filter(facility=facility, period__year=base_year, gwp_set=gwp_set())
    if not base.exists():
        errors["base_year"] = [_("There is no inventory for %(year)s: choose a year with monthly data.") % {"year": base_year}]
    elif basis == TargetBasis.INTENSITY and not any(
            sum(base.values_list(column, flat=True)) for column in ("production_kg", "production_m", "production_pieces", "production_pairs")):
        errors["basis"] = [_("An intensity target needs output reported in the base year.")]
    if errors:
        raise ValidationError(errors)
    existing = Target.objects.filter(facility=facility).first()
    before = snapshot(existing) if existing else None
    target = existing or Target(facility=facility)
    target.base_year, target.target_year, target.annual_rate = base_year, target_year, annual_rate
    target.basis, target.boundary, target.set_by, target.set_at = basis, boundary, by, timezone.now()
    target.full_clean(exclude=["facility", "set_by"])
    target.save()
    audit_record(actor=by, action=AuditAction.UPDATE if existing else AuditAction.CREATE, obj=target, before=before,
                 after=snapshot(target), via=via)
    return target
