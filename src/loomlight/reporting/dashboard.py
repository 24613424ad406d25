"""The facility data dashboard: monthly series per category and the year's KPIs,
this year against last year. Numbers come from the stored canonical values and
loomlight.calc.kpi; the page draws them with ECharts."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext

from loomlight.calc.kpi import energy_gj, intensity, renewable_electricity_share, share, yoy_change
from loomlight.reference.metrics import metrics
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


def _total(series: dict[str, list[float | None]]) -> float:
    return sum(_sum(values) for values in series.values())


def _by_month(series: dict[str, list[float | None]]) -> list[float | None]:
    """The twelve monthly totals across metrics; None where no metric has a value."""
    return [None if all(v[i] is None for v in series.values()) else _sum(v[i] for v in series.values()) for i in range(12)]


def _reported(series: dict[str, list[float | None]]) -> dict[str, list[float | None]]:
    """The series with at least one month of data: a year without data is no line, not a line at zero."""
    return {name: values for name, values in series.items() if any(v is not None for v in values)}


def facility_dashboard(facility, year: int) -> dict:
    rows = list(ActivityValue.objects.filter(facility=facility, period__year__in=(year - 1, year))
                .values("period", "metric", "value", "unit"))
    catalogue = metrics()
    category = {code: m.category for code, m in catalogue.items()}

    def in_category(*names):
        return lambda r: category.get(r["metric"]) in names

    def energy_row(r):
        return is_energy_used(r["metric"], category.get(r["metric"]))

    to_gj = lambda r: energy_gj(r["value"], r["unit"])  # noqa: E731
    result = {"year": year, "years": {}}
    for y in (year - 1, year):
        energy = _monthly(rows, y, energy_row, to_gj)
        water = _monthly(rows, y, lambda r: is_water_withdrawn(r["metric"], category.get(r["metric"])))
        wastewater = _monthly(rows, y, in_category("wastewater"))
        waste = _monthly(rows, y, in_category("waste"))
        production = _monthly(rows, y, in_category("production"))
        electricity = {m: _sum(v) for m, v in _monthly(rows, y, lambda r: r["metric"].startswith("electricity_")).items()}
        output_metric = max(production, key=lambda m: _sum(production[m]), default=None)
        output = _sum(production[output_metric]) if output_metric else None
        waste_total = _total(waste)
        diverted = sum(_sum(v) for m, v in waste.items() if m.endswith(DIVERTED_ROUTES))
        result["years"][y] = {
            "energy": energy, "water": water, "wastewater": wastewater, "waste": waste, "production": production,
            "energy_total_gj": _total(energy), "water_total_m3": _total(water),
            "energy_by_month": _by_month(energy), "water_by_month": _by_month(water),
            "output_metric": output_metric, "output": output,
            "output_unit": catalogue[output_metric].canonical_unit if output_metric else "",
            "energy_intensity": intensity(_total(energy), output),
            "water_intensity": intensity(_total(water), output),
            "renewable_share": renewable_electricity_share(electricity),
            "waste_total_kg": waste_total,
            "diversion_rate": share(diverted, waste_total),
        }
    this, last = result["years"][year], result["years"][year - 1]
    result["this"], result["last"] = this, last
    result["change"] = {
        key: yoy_change(this[key], last[key])
        for key in ("energy_total_gj", "water_total_m3", "output", "energy_intensity", "water_intensity")
    }
    result["grid"] = year_grid(facility, year)
    result["peers"] = peer_comparisons(facility, year)
    result["charts"] = {
        "months": list(range(1, 13)),
        "energy": this["energy"], "water": this["water"], "wastewater": this["wastewater"], "waste": this["waste"],
        "production": this["production"],
        "energy_yoy": _reported({str(year - 1): last["energy_by_month"], str(year): this["energy_by_month"]}),
        "water_yoy": _reported({str(year - 1): last["water_by_month"], str(year): this["water_by_month"]}),
        "names": {code: gettext(catalogue[code].name) for code in
                  set(this["energy"]) | set(this["water"]) | set(this["wastewater"]) | set(this["waste"]) | set(this["production"])},
    }
    return result
