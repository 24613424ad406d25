"""What the emissions pages, downloads and API read: a facility's stored months and year, peers'
medians, and portfolio rollups of many facilities run on the analytics engine (DuckDB).

Portfolio figures are the rollups of ``analytics.portfolio`` (the same KPI definitions as every
engine) over the stored months of the facilities the caller may see; they never include a
facility whose GHG data the caller may not read.

Every reader of derived figures takes ``kinds``, the data kinds the viewer may read (of the facility, or of
every facility summed: ``policy.data_kinds``, ``policy.common_data_kinds``), and returns only the columns made
of those kinds (``analytics.kinds``): a consent naming "ghg" shows the GHG figures and nothing of the water,
waste, output or workforce data beside them.
"""

from __future__ import annotations

import datetime
import statistics
import threading
from collections import defaultdict

import pyarrow as pa
from django.db.models import Count, Max, Sum

from loomlight.accounting.inventory import is_ghg_input
from loomlight.analytics import engines, kinds as column_kinds, portfolio
from loomlight.analytics.columns import REPORTED_GROUPS, blank_unreported
from loomlight.calc import periods
from loomlight.calc.periods import Period
from loomlight.calc.kpi import yoy_change
from loomlight.calc.targets import linear_target, projection
from loomlight.calc.targets import progress as target_progress
from loomlight.calc.validation import MIN_PEERS
from loomlight.inventories.models import Inventory, InventoryYear, Target, TargetBasis, TargetBoundary
from loomlight.inventories.services import factors_version, gwp_set
from loomlight.registry.models import WET_PROCESSES, Facility
from loomlight.reporting import verification
from loomlight.reporting.models import PeriodStatus

#: The stored columns, in download and API order.
NUMBERS = tuple(f.name for f in Inventory._meta.concrete_fields
                if f.get_internal_type() == "FloatField")
OUTPUTS = {"production_kg": "kg", "production_m": "m", "production_pieces": "piece", "production_pairs": "pair"}
#: The reference path of the pages: a linear 4.2 % of the base year a year, the rate the SBTi names as the
#: minimum for 1.5 °C-aligned absolute contraction of scope 1 and 2 (SBTi Corporate Near-Term Criteria V5,
#: 2021; read in secondary descriptions only, docs/data-sources.md). A reference, not the facility's target.
REFERENCE_RATE = 0.042

_local = threading.local()


def bulk(function):
    """Run ``function`` with Python's cyclic garbage collector paused: a programme's page or download builds the
    rows of 20,000 facilities, all alive until the response is made, and each collection the allocations set off
    would scan them all for nothing (about a tenth of those requests' time, docs/performance.md). Reference
    counting still frees everything; the collector runs again as soon as the function returns."""
    import functools
    import gc

    @functools.wraps(function)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return paused


def engine():
    """One in-process DuckDB connection per thread (DuckDB connections are not shared across threads)."""
    con = getattr(_local, "duckdb", None)
    if con is None:
        con = _local.duckdb = engines.connect("duckdb", threads=2)
    return con


def _basis(rows, verified_only: bool):
    """``rows`` (stored months), of verified months only when ``verified_only`` (``Inventory.status``)."""
    return rows.filter(status=PeriodStatus.VERIFIED) if verified_only else rows


def months(facility, year: int, *, verified_only: bool = False):
    """The stored months (model rows, every column): for computations, never handed to a page as they are."""
    return _basis(Inventory.objects.filter(facility=facility, period__year=year, gwp_set=gwp_set()),
                  verified_only).order_by("period")


def period_states(facilities, period: Period, *, verified_only: bool = False) -> verification.Tally:
    """How many of each facility's months with data of ``period`` are verified, submitted and draft (of verified
    months alone when ``verified_only``): the stored years' counts for a whole year, else the stored months'."""
    raw: dict = {}
    if period.is_whole_year and not verified_only:
        rows = (InventoryYear.objects.filter(facility__in=facilities, year=period.start.year, gwp_set=gwp_set())
                .values_list("facility_id", "year", "facility_months", "months_verified", "months_submitted"))
        _year_states(rows, raw)
    else:
        rows = _basis(Inventory.objects.filter(facility__in=facilities, period__gte=period.start,
                                               period__lte=period.end, gwp_set=gwp_set()), verified_only)
        _month_states(rows.values_list("facility_id", "period", "status"), raw)
    return by_facility(raw)


def _year_states(rows, raw: dict) -> None:
    """Fill ``raw`` {year: Tally} from stored years' (facility id, year, months, verified, submitted)."""
    for facility_id, year, months, verified, submitted in rows:
        tally = raw.get(year)
        if tally is None:
            tally = raw[year] = verification.Tally()
        tally.add(facility_id, verified, submitted, months - verified - submitted)


def _month_states(rows, raw: dict) -> None:
    """Fill ``raw`` {year: Tally} from stored months' (facility id, month, status)."""
    for facility_id, month, status in rows:
        tally = raw.get(month.year)
        if tally is None:
            tally = raw[month.year] = verification.Tally()
        tally.count(facility_id, verification.counted(status))


def by_facility(raw: dict) -> verification.Tally:
    """One ``Tally`` of the years of ``raw`` {year: Tally} added up, by facility."""
    tallies = list(raw.values())
    if len(tallies) == 1:
        return tallies[0]
    out = verification.Tally()
    for tally in tallies:
        out.merge(tally)
    return out


def explanation(stored: dict) -> dict:
    """A stored month's explanation with only the inputs the GHG figures used (rows computed before this rule
    listed every metric of the month)."""
    return {**stored, "inputs": [i for i in stored.get("inputs") or [] if is_ghg_input(i.get("metric", ""))]}


def month_row(row: Inventory, *, kinds) -> dict:
    """One stored month as the columns a viewer with ``kinds`` may read, with its explanation."""
    out = {"period": row.period, "gwp_set": row.gwp_set, "factors_version": row.factors_version,
           "computed_at": row.computed_at}
    out.update(column_kinds.redact({n: getattr(row, n) for n in (*NUMBERS, "total_location_tco2e",
                                                                   "total_market_tco2e", "flags")}, kinds))
    out["not_reported"] = blank_unreported(out, row.reported)     # water of a month without water: None, never 0
    out["status"] = verification.counted(row.status)              # verified, submitted or draft
    if column_kinds.GHG in kinds:
        out["explanation"] = explanation(row.explanation)
    return out


def month_rows(facility, year: int, *, kinds, verified_only: bool = False) -> list[dict]:
    """The stored months of ``year`` as ``month_row``s, each with its verification ``status``."""
    return [month_row(r, kinds=kinds) for r in months(facility, year, verified_only=verified_only)]


def _with_main_output(row: dict) -> dict:
    """``row`` (a ``portfolio.kpis`` result) with its main output: ``output_unit``, ``output``, ``tco2e_per_output``."""
    main = max(OUTPUTS, key=lambda c: row[c] or 0.0)
    unit = OUTPUTS[main] if row[main] else None
    row.update(output_unit=unit, output=row[main] if unit else None,
               tco2e_per_output=row[f"tco2e_per_{unit}"] if unit else None)
    return row


def facility_years(facility, years) -> dict[int, dict]:
    """{year: sums and KPIs} of a facility, by the portfolio's own definitions (``portfolio.kpis`` of its
    stored ``InventoryYear``), with its main output: ``output_unit``, ``output`` and ``tco2e_per_output``."""
    import ibis

    partials = ibis.memtable(partials_table(Facility.objects.filter(pk=facility.pk), years))
    result = {}
    for row in engine().to_pyarrow(portfolio.kpis(portfolio.resum(partials, [], grain="year"))).to_pylist():
        result[row["year"]] = _with_main_output(row)
    return result


def period_partials(facilities, period: Period, *, verified_only: bool = False, states: dict | None = None) -> pa.Table:
    """Partial sums per facility of ``period`` (``portfolio.sums`` by facility): a whole year's are the stored
    ``InventoryYear``s; a part of a year (year to date, trailing 12 months), or verified months only, sums the
    stored months of the period. Given a dict as ``states``, it is filled with {year: the verification states of
    each facility's months (``Tally``)} in the same read."""
    import ibis

    if period.is_whole_year and not verified_only:
        return partials_table(facilities, [period.start.year], states=states)
    months = inventory_table(facilities, period.years, period=period, verified_only=verified_only, states=states)
    return engine().to_pyarrow(portfolio.sums(ibis.memtable(months), ["facility_id"], grain="all"))


def period_reported(facilities, period: Period, *, verified_only: bool = False) -> str | None:
    """The groups of data (``analytics.columns.REPORTED_GROUPS``) any month of ``period`` of any of ``facilities``
    reported; None when some month has not recorded them (stored before they were)."""
    if verified_only:
        values = (_basis(Inventory.objects.filter(facility__in=facilities, period__gte=period.start,
                                                  period__lte=period.end, gwp_set=gwp_set()), True)
                  .values_list("reported", flat=True).distinct())
    elif period.is_whole_year:
        values = (InventoryYear.objects.filter(facility__in=facilities, year=period.start.year, gwp_set=gwp_set())
                  .values_list("reported", flat=True).distinct())
    else:
        values = (Inventory.objects.filter(facility__in=facilities, period__gte=period.start, period__lte=period.end,
                                           gwp_set=gwp_set()).values_list("reported", flat=True).distinct())
    groups: set[str] = set()
    for value in values:
        if value is None:
            return None
        groups.update(value.split())
    return " ".join(g for g in REPORTED_GROUPS if g in groups)


def period_totals(facilities, period: Period, *, kinds, partials: pa.Table | None = None,
                  verified_only: bool = False, states: dict | None = None) -> dict:
    """Sums and KPIs of ``facilities`` over ``period`` (``portfolio.kpis`` of their partial sums) with the main
    output, as the columns made of ``kinds``; a column of data no month of the period reported is None (not
    reported), and ``not_reported`` names them. Empty when no month of the period has data."""
    import ibis

    if partials is None:
        partials = period_partials(facilities, period, verified_only=verified_only, states=states)
    if not partials.num_rows:
        return {}
    rows = engine().to_pyarrow(portfolio.kpis(portfolio.resum(ibis.memtable(partials), [], grain="all"))).to_pylist()
    row = column_kinds.redact(_with_main_output(rows[0]), kinds)
    row["not_reported"] = blank_unreported(row, period_reported(facilities, period, verified_only=verified_only))
    return row


def compared_totals(facilities, shown: Period, before: Period, *, kinds, verified_only: bool = False,
                    states: dict | None = None) -> tuple[dict | None, dict | None, pa.Table]:
    """(totals of ``shown``, totals of ``before``, the partial sums per facility of ``shown``), as ``period_totals``
    (None for a period without data). Two whole years are read in one go, as the stored partial sums of both years
    and one run on the engine; a part of a year, or verified months only, is summed from its stored months. Given
    a dict as ``states``, it is filled, in the same reads, with "shown" and "before": the verification states of
    each facility's months of the period (``reporting.verification.Tally``)."""
    import ibis
    import pyarrow.compute as pc

    if verified_only or not (shown.is_whole_year and before.is_whole_year):
        raw_shown: dict = {}
        raw_before: dict = {}
        this_partials = period_partials(facilities, shown, verified_only=verified_only, states=raw_shown)
        this = period_totals(facilities, shown, kinds=kinds, partials=this_partials, verified_only=verified_only) or None
        last = period_totals(facilities, before, kinds=kinds, verified_only=verified_only, states=raw_before) or None
        if states is not None:
            states.update(shown=by_facility(raw_shown), before=by_facility(raw_before))
        return this, last, this_partials
    reported: dict = {}
    raw: dict = {}
    partials = partials_table(facilities, [before.start.year, shown.start.year], reported=reported, states=raw)
    if states is not None:
        for name, period in (("shown", shown), ("before", before)):
            states[name] = raw.get(period.start.year) or verification.Tally()
    totals = {r["year"]: r for r in engine().to_pyarrow(
        portfolio.kpis(portfolio.resum(ibis.memtable(partials), [], grain="year"))).to_pylist()}
    out = []
    for period in (shown, before):
        row = totals.get(period.start.year)
        if row is not None:
            row = column_kinds.redact(_with_main_output(row), kinds)
            row["not_reported"] = blank_unreported(row, reported.get(period.start.year))
        out.append(row)
    return out[0], out[1], partials.filter(pc.equal(partials["year"], shown.start.year))


#: The comparisons of a facility's emissions page and of a park's or programme's.
COMPARED = ("scope1_tco2e", "total_location_tco2e", "total_market_tco2e", "tco2e_per_output")


def _compare(this: dict, last: dict, kinds) -> dict:
    """{column: relative change} of the compared columns; None where either side is missing or not reported, and
    for an intensity whose output unit differs."""
    change = {k: yoy_change(this.get(k), last.get(k)) for k in column_kinds.readable(COMPARED, kinds)}
    if "tco2e_per_output" in change and this.get("output_unit") != last.get("output_unit"):
        change["tco2e_per_output"] = None
    return change


def facility_year(facility, year: int, *, kinds, kind: str = periods.YEAR, today: datetime.date | None = None,
                  deadline_day: int | None = None, verified_only: bool = False) -> dict:
    """The months of ``year``; the totals and KPIs of the period shown (the year, its months so far, or the trailing
    12 months: ``calc.periods.comparison``) against the comparable period before, each with the verification state
    of its months; peers; trajectory: only what is made of the data ``kinds`` the viewer may read. With
    ``verified_only``, every figure but the peers' median is of the verified months alone."""
    rows = list(months(facility, year, verified_only=verified_only))
    shown, before = periods.comparison(year, [r.period for r in rows], kind=kind)
    one = Facility.objects.filter(pk=facility.pk)
    states: dict = {}
    this, last, _partials = compared_totals(one, shown, before, kinds=kinds, verified_only=verified_only, states=states)
    this, last = this or {}, last or {}
    stale = Inventory.objects.filter(facility=facility, period__year=year).exclude(
        factors_version=factors_version(), gwp_set=gwp_set()).exists()
    charts = _charts(rows)
    if not column_kinds.allowed("energy_gj", kinds):
        del charts["energy_mix"]
    intensity = column_kinds.allowed("tco2e_per_output", kinds)
    # peers compare the calendar year's intensity, by its main output
    year_totals = (this if shown.is_whole_year else facility_years(facility, [year]).get(year, {})) if intensity else {}
    return {
        "year": year, "months": [month_row(r, kinds=kinds) for r in rows], "stale": stale,
        "shown": shown, "before": before, "verified_only": verified_only,
        "verification": {name: states[name].of(facility.pk) for name in ("shown", "before")},
        "this": this, "last": last, "change": _compare(this, last, kinds),
        "peers": peers(facility, year, year_totals.get("output_unit")) if intensity else None,
        "trajectory": trajectory(facility, year, intensity_allowed=intensity, today=today, deadline_day=deadline_day,
                                 verified_only=verified_only),
        "charts": charts,
    }


def _charts(rows) -> dict:
    series: dict[str, dict[str, list]] = {"scopes": defaultdict(lambda: [None] * 12),
                                          "sources": defaultdict(lambda: [None] * 12),
                                          "energy_mix": defaultdict(lambda: [None] * 12)}
    for r in rows:
        i = r.period.month - 1
        series["scopes"]["scope1"][i] = r.scope1_tco2e
        series["scopes"]["scope2_market"][i] = r.scope2_market_tco2e
        series["scopes"]["biogenic"][i] = r.biogenic_co2_t
        for source, calc in (r.explanation.get("calculations") or {}).items():
            steps = calc.get("steps") or []
            value = steps[-1]["value"] if steps else 0.0
            series["sources"][source][i] = (series["sources"][source][i] or 0.0) + value
        fuels = r.fuel_gj - r.renewable_gj + r.solar_kwh * 0.0036
        series["energy_mix"]["fossil_fuels"][i] = max(fuels, 0.0)
        series["energy_mix"]["renewable"][i] = r.renewable_gj
        series["energy_mix"]["grid"][i] = r.grid_kwh * 0.0036
    return {"months": list(range(1, 13)), **{k: dict(v) for k, v in series.items()}}


def _yearly_values(facility, until: int, boundary: str, basis: str, unit_column: str | None, *,
                   verified_only: bool = False) -> dict[int, tuple[float | None, int, int]]:
    """{year: (emissions (scope 1 + the boundary's scope 2; divided by output for an intensity), months with data,
    the last month with data)} up to ``until`` (of verified months alone when ``verified_only``)."""
    scope2 = "scope2_market_tco2e" if boundary == TargetBoundary.MARKET else "scope2_location_tco2e"
    rows = (_basis(Inventory.objects.filter(facility=facility, gwp_set=gwp_set(), period__year__lte=until), verified_only)
            .values_list("period__year").annotate(s1=Sum("scope1_tco2e"), s2=Sum(scope2),
                                                  out=Sum(unit_column or "production_kg"), n=Count("pk"), last=Max("period"))
            .order_by("period__year"))
    # a year whose scope 2 was not counted (no grid factor) has no value, never scope 1 alone
    if basis == TargetBasis.INTENSITY:
        return {y: ((s1 + s2) / out if out and s2 is not None else None, n, last.month) for y, s1, s2, out, n, last in rows}
    return {y: (s1 + s2 if s2 is not None else None, n, last.month) for y, s1, s2, _out, n, last in rows}


def trajectory(facility, year: int, *, intensity_allowed: bool = True, today: datetime.date | None = None,
               deadline_day: int | None = None, verified_only: bool = False) -> dict:
    """The facility's target path (or, without a target, the reference path from its first complete year), its
    values, its progress and a least-squares projection.

    Only a complete year (``calc.periods.year_complete``: over, with 12 months of data) says how a year went: the
    projection is fitted on complete years alone (``fitted_on`` names them), progress is judged on a complete year
    alone, and a year in progress is shown annualised from its months (``annualised``: x 12 / months, stated as
    such), never judged. An intensity target's values are emissions per unit of output: without
    ``intensity_allowed`` (the viewer may not read the output) only the target itself is returned, with
    ``withheld`` set."""
    from django.conf import settings

    today = today or datetime.date.today()
    deadline_day = deadline_day or settings.REPORTING_DEADLINE_DAY
    target = Target.objects.filter(facility=facility).select_related("set_by").first()
    basis = target.basis if target else TargetBasis.ABSOLUTE
    boundary = target.boundary if target else TargetBoundary.LOCATION
    rate = target.annual_rate if target else REFERENCE_RATE
    unit_column = None
    if basis == TargetBasis.INTENSITY:
        outputs = Inventory.objects.filter(facility=facility, period__year=target.base_year, gwp_set=gwp_set()).aggregate(
            **{c: Sum(c) for c in OUTPUTS})
        unit_column = max(OUTPUTS, key=lambda c: outputs[c] or 0.0)
    until = max(year + 3, target.target_year) if target else year + 3
    unit = OUTPUTS.get(unit_column)
    # calc.targets' formulas ("value(y) = 1.25496e+06 + -618.748 x y") are for analysts and tests, never handed to a
    # page: the page words the path and the projection itself (base value, rate, slope, years) through the formatter
    empty = {"years": [], "actual": [], "annualised": [], "path": [], "projection": [], "progress": None, "progress_year": None, "progress_distance": None, "partial": None, "base_year": None,
             "base_value": None, "base_complete": None, "fitted_on": [], "slope": None,
             "rate": rate, "rate_percent": round(rate * 100, 3), "target": target, "basis": basis, "boundary": boundary,
             "unit": unit, "value_unit": f"t CO2e/{unit}" if unit else "t CO2e", "withheld": False,
             # how the page writes these values: tonnes to 0.1 t, intensities (t per kg, per piece) to 6 decimals
             "digits": "-6g" if unit else "1g"}
    if basis == TargetBasis.INTENSITY and not intensity_allowed:
        return {**empty, "unit": None, "value_unit": "", "withheld": True}
    yearly = {y: v for y, v in _yearly_values(facility, year, boundary, basis, unit_column,
                                              verified_only=verified_only).items() if v[0] is not None}
    complete = {y: v for y, (v, n, _last) in yearly.items() if periods.year_complete(y, n, today, deadline_day)}
    values = {y: v for y, (v, _n, _last) in yearly.items()}
    if target:
        base = target.base_year
    else:
        base = min(complete) if complete else (min(values) if values else None)
    if base is None or base not in values:
        return empty
    path = linear_target(base, values[base], rate, until)
    points = {y: v for y, v in complete.items() if y >= base}
    fitted = projection(points, until) if len(points) >= 2 else None
    years = list(range(base, until + 1))
    partial = None
    if year in yearly and year not in complete and year in path.values:
        value, n, last = yearly[year]
        # emissions scale with the months; an intensity (per unit of output) of some months is already a rate
        annual = value if basis == TargetBasis.INTENSITY else periods.annualise(value, n)
        partial = {"year": year, "value": value, "months": n, "period": periods.year_to_date(year, last),
                   "annualised": annual, "path": path.values[year], "gap": annual - path.values[year],
                   "distance": abs(annual - path.values[year]), "scaled": basis != TargetBasis.INTENSITY}
    judged = max((y for y in complete if y <= year and y in path.values), default=None)
    progress = target_progress(path, judged, complete[judged]) if judged is not None else None
    return {**empty,
            "years": years, "actual": [complete.get(y) for y in years],
            "annualised": [partial["annualised"] if partial and y == partial["year"] else None for y in years],
            "path": [path.values[y] for y in years],
            "projection": [fitted.values[y] if fitted and y > max(points) else None for y in years],
            "fitted_on": sorted(points) if fitted else [], "slope": fitted.slope if fitted else None,
            "progress": progress, "progress_year": judged, "partial": partial,
            "progress_distance": abs(progress.gap) if progress else None,
            "base_year": base, "base_value": values[base], "base_complete": base in complete}


def peers(facility, year: int, unit: str | None) -> dict:
    """Median emissions intensity of the facilities whose main output is in the same ``unit`` and that share
    the process class (wet or dry), when there are at least MIN_PEERS of them. No peer is named. The
    intensity is ``portfolio.kpis``'s: emissions of the months reporting that output / that output."""
    if unit is None:
        return {"median": None, "count": 0, "min_peers": MIN_PEERS}
    from loomlight.inventories.models import InventoryYear

    column = next(c for c, u in OUTPUTS.items() if u == unit)
    wet = bool(set(facility.processes) & WET_PROCESSES)
    processes = dict(Facility.objects.values_list("pk", "processes"))
    years = (InventoryYear.objects.filter(year=year, gwp_set=gwp_set()).exclude(facility=facility)
             .values_list("facility_id", f"tco2e_with_output_{unit}", *OUTPUTS))
    outputs = list(OUTPUTS)
    i = outputs.index(column)
    values = []
    for facility_id, emissions, *out in years:
        if bool(set(processes.get(facility_id) or []) & WET_PROCESSES) != wet:
            continue
        if emissions is not None and out[i] and max(range(len(outputs)), key=lambda k: out[k] or 0.0) == i:
            values.append(emissions / out[i])
    if len(values) < MIN_PEERS:
        return {"median": None, "count": len(values), "min_peers": MIN_PEERS}
    return {"median": statistics.median(values), "count": len(values), "min_peers": MIN_PEERS}


# --- portfolios ------------------------------------------------------------------

def inventory_table(facilities, years, *, period: Period | None = None, reported: dict | None = None,
                    verified_only: bool = False, states: dict | None = None) -> pa.Table:
    """The stored months of ``facilities`` in ``years`` (within ``period`` only, if given) as the engine's inventory
    table. Given a dict as ``reported``, it is filled, in the same read, with {(facility id, year): the set of groups
    its months reported, or None when a month did not record them} (``Inventory.reported``); given a dict as
    ``states``, with {year: the verification states of each facility's months (``Tally``)} (``Inventory.status``)."""
    from loomlight.analytics.portfolio import INVENTORY_COLUMNS

    stored = [c for c in INVENTORY_COLUMNS if c not in ("facility_id", "period", "year", "country", "grid_flags")]
    rows = _basis(Inventory.objects.filter(facility__in=facilities, period__year__in=list(years), gwp_set=gwp_set()),
                  verified_only)
    if period is not None:
        rows = rows.filter(period__gte=period.start, period__lte=period.end)
    extra = (("reported",) if reported is not None else ()) + (("status",) if states is not None else ())
    columns = list(zip(*rows.values_list("facility_id", "period", "facility__country", "flags", *stored, *extra)))
    columns = columns or [[] for _ in range(4 + len(stored) + len(extra))]
    if states is not None:
        _month_states(zip(columns[0], columns[1], columns[-1]), states)
        columns = columns[:-1]
    if reported is not None:
        for facility_id, month, groups in zip(columns[0], columns[1], columns[-1]):
            key = (facility_id, month.year)
            if groups is None or (key in reported and reported[key] is None):
                reported[key] = None
            else:
                reported.setdefault(key, set()).update(groups.split())
    data = {"facility_id": pa.array(columns[0], pa.int64()), "period": pa.array(columns[1], pa.date32()),
            "year": pa.array([p.year for p in columns[1]], pa.int64()), "country": pa.array(columns[2], pa.string()),
            "grid_flags": pa.array(columns[3], pa.string())}
    for i, name in enumerate(stored, start=4):
        data[name] = pa.array(columns[i], pa.float64())
    return pa.table({c: data[c] for c in INVENTORY_COLUMNS})


def dimension_table(facilities) -> pa.Table:
    rows = list(facilities.values_list("pk", "name", "park__name", "processes"))
    return pa.table({
        "facility_id": pa.array([r[0] for r in rows], pa.int64()),
        "facility": pa.array([r[1] for r in rows], pa.string()),
        "park": pa.array([r[2] or "" for r in rows], pa.string()),
        "process": pa.array(["wet" if set(r[3] or []) & WET_PROCESSES else "dry" for r in rows], pa.string()),
    })


#: The largest emitters listed on a park's or programme's page; the download lists every facility.
PAGE_FACILITIES = 50


class Portfolio:
    """The stored months of ``facilities`` in ``years``, loaded once, rolled up on DuckDB as often as asked."""

    def __init__(self, facilities, years, *, verified_only: bool = False):
        import ibis

        self.inventory = ibis.memtable(inventory_table(facilities, years, verified_only=verified_only))
        self.dims = ibis.memtable(dimension_table(facilities))

    def rollup(self, by: list[str], grain: str, *, year: int | None = None) -> list[dict]:
        """``portfolio.rollup`` by ``by`` and ``grain`` (of ``year`` only, if given), as dicts in key order."""
        inv = self.inventory if year is None else self.inventory.filter(self.inventory.year == year)
        expr = portfolio.rollup(inv, by, grain=grain, dims=self.dims)
        order = [*by, *({"month": ["period"], "year": ["year"]}.get(grain, []))]
        if order:
            expr = expr.order_by(order)
        return engine().to_pyarrow(expr).to_pylist()


def readable_rows(table: pa.Table, kinds) -> list[dict]:
    """An engine's result as dicts of the columns made of ``kinds``: the others are dropped before the rows are."""
    return table.select(column_kinds.readable(table.column_names, kinds)).to_pylist()


def rollup(facilities, years, by: list[str], grain: str, *, kinds, verified_only: bool = False) -> list[dict]:
    """``portfolio.rollup`` of the stored months of ``facilities`` in ``years`` (verified months only, if asked) on
    DuckDB, as dicts of the columns made of ``kinds`` (what the viewer may read of every facility summed)."""
    return column_kinds.redact_rows(Portfolio(facilities, years, verified_only=verified_only).rollup(by, grain), kinds)


def partials_table(facilities, years, *, reported: dict | None = None, states: dict | None = None,
                   facility_reported: dict | None = None) -> pa.Table:
    """The stored ``InventoryYear`` partial sums of ``facilities`` in ``years``, as the engine's table. Given a dict
    as ``reported``, it is filled, in the same read, with {year: the groups any of the facilities reported that
    year, or None when one of them did not record them} (``InventoryYear.reported``); given a dict as ``states``,
    with {year: the verification states of each facility's months (``Tally``)} (``InventoryYear.months_verified``,
    ...); given a dict as ``facility_reported``, with {(facility id, year): what its year reported}."""
    from loomlight.inventories.models import PARTIAL_SUMS, InventoryYear

    names = ("facility_id", "year", "facility_months", *PARTIAL_SUMS)
    counts = ("months_verified", "months_submitted") if states is not None else ()
    extra = ("reported",) if reported is not None or facility_reported is not None else ()
    rows = (InventoryYear.objects.filter(facility__in=facilities, year__in=list(years), gwp_set=gwp_set())
            .values_list(*names, *counts, *extra))
    columns = list(zip(*rows)) or [()] * (len(names) + len(counts) + len(extra))
    if states is not None:
        n = len(names)
        _year_states(zip(columns[0], columns[1], columns[2], columns[n], columns[n + 1]), states)
    if facility_reported is not None:
        facility_reported.update(zip(zip(columns[0], columns[1]), columns[-1]))
    if reported is not None:
        for year in set(columns[1]):
            reported[year] = set()
        for year, groups in zip(columns[1], columns[-1]):
            if groups is None:
                reported[year] = None
            elif reported[year] is not None:
                reported[year].update(groups.split())
        for year, groups in reported.items():
            reported[year] = None if groups is None else " ".join(g for g in REPORTED_GROUPS if g in groups)
    types = {"facility_id": pa.int64(), "year": pa.int64(), "facility_months": pa.int64()}
    return pa.table({n: pa.array(columns[i], types.get(n, pa.float64())) for i, n in enumerate(names)})


def dimension_table_with_country(facilities) -> pa.Table:
    dims = dimension_table(facilities)
    countries = dict(facilities.values_list("pk", "country"))
    return dims.append_column("country", pa.array([countries[f] for f in dims.column("facility_id").to_pylist()],
                                                  pa.string()))


@bulk
def summary(facilities, year: int, by: list[str], *, kinds, verified_only: bool = False,
            tally: verification.Tally | None = None) -> list[dict]:
    """KPIs of ``year`` by ``by`` (facility_id, facility, park, country, process) from the stored partial sums (of
    the verified months alone, summed from the stored months, when ``verified_only``), as the columns made of
    ``kinds`` (what the viewer may read of every facility summed). Given a ``Tally``, the verification states of
    each facility's months of the year are added to it, from the same read."""
    import ibis

    whole = periods.year(year)
    raw: dict = {}
    stored_reported: dict = {}
    if verified_only:
        partials = ibis.memtable(period_partials(facilities, whole, verified_only=True, states=raw))
    else:
        partials = ibis.memtable(partials_table(facilities, [year], states=raw, facility_reported=stored_reported))
    if tally is not None and raw:
        tally.merge(by_facility(raw))
    expr = portfolio.kpis(portfolio.resum(partials, by, grain="all", dims=ibis.memtable(dimension_table_with_country(facilities))))
    if by:
        expr = expr.order_by(by)
    rows = readable_rows(engine().to_pyarrow(expr), kinds)
    # what was not reported is blank (None), never 0: per facility by its year, else by what any of them reported
    if "facility_id" in by:
        if verified_only:
            reported = {f: period_reported(facilities.filter(pk=f), whole, verified_only=True)
                        for f in {row["facility_id"] for row in rows}}
        else:
            reported = {f: groups for (f, _year), groups in stored_reported.items()}
        for row in rows:
            blank_unreported(row, reported.get(row["facility_id"]))
    elif rows:
        union = period_reported(facilities, whole, verified_only=verified_only)
        for row in rows:
            blank_unreported(row, union)
    return rows


@bulk
def portfolio_year(facilities, year: int, *, kinds, kind: str = periods.YEAR, verified_only: bool = False) -> dict:
    """A park's or programme's year: the totals of the period shown (the year, or its months so far when its
    months with data stop before December, or the trailing 12 months: ``calc.periods.comparison``) against the
    comparable period before, by facility (the largest emitters), country and process class, from the stored
    partial sums of its facilities' years (a part of a year: from their stored months of the period); months from
    the stored months, summed in the database. Only the columns made of ``kinds`` (what the viewer may read of every
    facility summed); a column of data none of them reported in the period is None (not reported). Each figure
    comes with the verification state of its months (``verification``; per facility ``months_verified`` and
    ``months``); with ``verified_only``, every figure is of the verified months alone."""
    import ibis

    by_month = list(_basis(Inventory.objects.filter(facility__in=facilities, period__year=year, gwp_set=gwp_set()),
                           verified_only).values("period").annotate(scope1_tco2e=Sum("scope1_tco2e"), scope2_market_tco2e=Sum("scope2_market_tco2e"),
                                               biogenic_co2_t=Sum("biogenic_co2_t")).order_by("period"))
    shown, before = periods.comparison(year, [r["period"] for r in by_month], kind=kind)
    dims = ibis.memtable(dimension_table_with_country(facilities))
    states: dict = {}
    this, last, this_partials = compared_totals(facilities, shown, before, kinds=kinds, verified_only=verified_only,
                                                states=states)
    this_period = ibis.memtable(this_partials)

    def run(expr, order):
        return readable_rows(engine().to_pyarrow(expr.order_by(order) if order else expr), kinds)

    by_facility = run(portfolio.kpis(portfolio.resum(this_period, ["facility_id", "facility"], grain="all", dims=dims)),
                      ["facility_id"])
    largest = sorted(by_facility, key=lambda r: -(r.get("total_location_tco2e") or 0.0))[:PAGE_FACILITIES]
    for row in largest:
        row["verification"] = states["shown"].of(row["facility_id"])
    by_process = run(portfolio.kpis(portfolio.resum(this_period, ["process"], grain="all", dims=dims)), ["process"])
    reported = this["not_reported"] if this else []
    for row in by_process:
        for column in reported:
            if column in row:
                row[column] = None
    return {
        "year": year, "shown": shown, "before": before, "this": this, "last": last, "verified_only": verified_only,
        "verification": {name: states[name].total() for name in ("shown", "before")},
        "change": _compare(this or {}, last or {}, kinds) if this and last else {},
        "by_month": column_kinds.redact_rows(by_month, kinds),
        "by_facility": largest,
        "by_country": run(portfolio.kpis(portfolio.resum(this_period, ["country"], grain="all", dims=dims)), ["country"]),
        "by_process": by_process,
        "facilities": facilities.count(),
        "reporting": len(by_facility),
    }


def years_with_data(facilities) -> set[int]:
    """The years in which any of ``facilities`` has a stored inventory."""
    return set(InventoryYear.objects.filter(facility__in=facilities, gwp_set=gwp_set())
               .values_list("year", flat=True).distinct())


def month_of(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)
