"""The facility data dashboard: monthly series per category and the KPIs of the period shown against the
comparable period before it (the year, the year to date or the trailing 12 months: ``calc.periods``); a total of
nothing reported in a period is None (not reported), never 0. Numbers come from the stored canonical values and
loomlight.calc.kpi; the page draws them with ECharts."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext

from loomlight.calc import periods
from loomlight.calc.periods import Period
from loomlight.calc.kpi import energy_gj, intensity, renewable_electricity_share, share, yoy_change
from loomlight.reference.metrics import metrics
from loomlight.reporting import verification
from loomlight.reporting.models import ActivityValue
from loomlight.reporting.peers import is_energy_used, is_water_withdrawn, peer_comparisons
from loomlight.reporting.selectors import year_grid

DIVERTED_ROUTES = ("_recycled", "_reused", "_coprocessed")


def _monthly(rows, year, pick, convert=lambda r: r["value"]) -> dict[str, list[float | None]]:
    """{metric: twelve monthly sums}; None for a month without a value (a gap in the chart, not a zero)."""
    series: dict[str, list[float | None]] = defaultdict(lambda: [None] * 12)
    for r in rows:
        if r["period"].year == year and pick(r):
            month = series[r["metric"]]
            i = r["period"].month - 1
            month[i] = (month[i] or 0.0) + convert(r)
    return dict(series)


def _sum(values) -> float:
    return sum(v for v in values if v is not None)


def _by_month(series: dict[str, list[float | None]]) -> list[float | None]:
    """The twelve monthly totals across metrics; None where no metric has a value."""
    return [None if all(v[i] is None for v in series.values()) else _sum(v[i] for v in series.values()) for i in range(12)]


def _reported(series: dict[str, list[float | None]]) -> dict[str, list[float | None]]:
    """The series with at least one month of data: a year without data is no line, not a line at zero."""
    return {name: values for name, values in series.items() if any(v is not None for v in values)}


def _period_totals(rows, period: Period, category) -> dict:
    """The KPIs of ``period`` from the values ``rows``: each None when nothing of it was reported in the period
    (not reported is a gap, never 0)."""
    rows = [r for r in rows if period.contains(r["period"])]

    def total(pick, convert=lambda r: r["value"]) -> float | None:
        picked = [convert(r) for r in rows if pick(r)]
        return sum(picked) if picked else None

    def in_category(*names):
        return lambda r: category.get(r["metric"]) in names

    energy = total(lambda r: is_energy_used(r["metric"], category.get(r["metric"])), lambda r: energy_gj(r["value"], r["unit"]))
    water = total(lambda r: is_water_withdrawn(r["metric"], category.get(r["metric"])))
    production: dict[str, float] = defaultdict(float)
    for r in rows:
        if category.get(r["metric"]) == "production":
            production[r["metric"]] += r["value"]
    output_metric = max(production, key=production.get, default=None)
    output = production[output_metric] if output_metric else None
    waste = total(in_category("waste"))
    diverted = total(lambda r: category.get(r["metric"]) == "waste" and r["metric"].endswith(DIVERTED_ROUTES))
    electricity: dict[str, float] = defaultdict(float)
    for r in rows:
        if r["metric"].startswith("electricity_"):
            electricity[r["metric"]] += r["value"]
    return {
        "energy_total_gj": energy, "water_total_m3": water, "output_metric": output_metric, "output": output,
        "energy_intensity": intensity(energy, output), "water_intensity": intensity(water, output),
        "renewable_share": renewable_electricity_share(electricity) if electricity else None,
        "waste_total_kg": waste, "diversion_rate": share(diverted or 0.0, waste) if waste is not None else None,
    }


def facility_dashboard(facility, year: int, *, kind: str = periods.YEAR, today=None, verified_only: bool = False) -> dict:
    """The dashboard of ``year``: monthly series of the year and the one before, and the KPIs of the period shown
    against the comparable period before it (``calc.periods.comparison``: the year, the year to date, or with
    ``kind`` TRAILING_12 the trailing 12 months), each with the verification state of its months
    (``reporting.verification``); with ``verified_only``, of the verified months alone."""
    values = ActivityValue.objects.filter(facility=facility)
    if verified_only:
        values = verification.only_verified(values)
    months_with_data = values.filter(period__year=year).dates("period", "month")
    shown, before = periods.comparison(year, months_with_data, kind=kind)
    first = min(before.start, datetime.date(year - 1, 1, 1))
    rows = list(values.filter(period__gte=first, period__lte=shown.end).values("period", "metric", "value", "unit"))
    catalogue = metrics()
    category = {code: m.category for code, m in catalogue.items()}

    def in_category(*names):
        return lambda r: category.get(r["metric"]) in names

    def energy_row(r):
        return is_energy_used(r["metric"], category.get(r["metric"]))

    to_gj = lambda r: energy_gj(r["value"], r["unit"])  # noqa: E731
    result = {"year": year, "years": {}, "shown": shown, "before": before, "verified_only": verified_only,
              "verification": {name: verification.state({(facility.pk, r["period"]) for r in rows if p.contains(r["period"])})
                               for name, p in (("shown", shown), ("before", before))}}
    for y in (year - 1, year):
        energy = _monthly(rows, y, energy_row, to_gj)
        water = _monthly(rows, y, lambda r: is_water_withdrawn(r["metric"], category.get(r["metric"])))
        result["years"][y] = {
            "energy": energy, "water": water, "wastewater": _monthly(rows, y, in_category("wastewater")),
            "waste": _monthly(rows, y, in_category("waste")), "production": _monthly(rows, y, in_category("production")),
            "energy_by_month": _by_month(energy), "water_by_month": _by_month(water),
        }
    this, last = _period_totals(rows, shown, category), _period_totals(rows, before, category)
    this["output_unit"] = catalogue[this["output_metric"]].canonical_unit if this["output_metric"] else ""
    # intensities compare only per the same output metric
    if last["output_metric"] != this["output_metric"]:
        last.update(output=None, energy_intensity=None, water_intensity=None)
    result["this"], result["last"] = this, last
    result["change"] = {
        key: yoy_change(this[key], last[key])
        for key in ("energy_total_gj", "water_total_m3", "output", "energy_intensity", "water_intensity")
    }
    result["grid"] = year_grid(facility, year, today=today)
    result["peers"] = peer_comparisons(facility, year)
    current, previous = result["years"][year], result["years"][year - 1]
    result["charts"] = {
        "months": list(range(1, 13)),
        "energy": current["energy"], "water": current["water"], "wastewater": current["wastewater"],
        "waste": current["waste"], "production": current["production"],
        "energy_yoy": _reported({str(year - 1): previous["energy_by_month"], str(year): current["energy_by_month"]}),
        "water_yoy": _reported({str(year - 1): previous["water_by_month"], str(year): current["water_by_month"]}),
        "names": {code: gettext(catalogue[code].name) for code in
                  set(current["energy"]) | set(current["water"]) | set(current["wastewater"]) | set(current["waste"])
                  | set(current["production"])},
    }
    return result
