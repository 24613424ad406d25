"""The demo's business cases (issue 18, point 10): the intervention catalogue applied to demo facilities, cases in
every pipeline stage, financed ones with the demo financier, some shared with it, some implemented with measured
savings (IPMVP Option C), a park's group rooftop solar divided among its tenants, and enough cases for a programme
curve with no-regret and costly measures.

Two steps, like the rest of the demo:

* ``plan_cases(demo, today)`` is pure (no database): ``random.Random`` seeded by the demo's seed decides which
  measures each chosen facility considers (those of the catalogue whose metrics the facility reports and whose
  processes it runs), each case's stage, dates, finance and sharing. It depends on the build day only through the
  last complete year, so that the months it adjusts hold the same values in a demo extended later.
* ``write_cases(...)`` sizes every measure from the facility's own stored months of the baseline year (summed as
  ``interventions.baseline.baseline_for`` sums them) at the prices of ``reference.prices``, computes each case's
  ``result`` by ``interventions.services.evaluate`` (``document.evaluate_document``, as ``case_create`` calls it),
  and writes the cases, their stage history and their audit events in bulk (a service call per case and stage
  would slow the build). The measured savings go through ``interventions.services.savings_measure`` itself: the
  one rule that may move a case to "verified".

Measured savings need data that show them: ``series_factor`` is the share of a month's use the demo's monthly
series keeps at a facility whose case was implemented (``demo/periodic.write_monthly`` applies it): after
``implemented_on`` the metric drops by the measure's share. The demo's months are otherwise a regular function of
production with ±5 % noise (``demo/monthly.py``), which passes ASHRAE Guideline 14 (CV(RMSE) ≤ 15 %); the measured
facilities are chosen among those whose months hold no typing error and no flagged value, and whose intensity
drifts little over the window (Option C would count a drift as saved). One implemented case is measured at a
facility whose baseline months were estimated from bills (its series gets ±35 % noise before
``implemented_on``): its baseline fails the criteria and the case stays "implemented", the refused measurement
on the record.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from loomlight.calc import periods as calc_periods
from loomlight.demo import monthly

FINANCIER = "Lotus Bridge Climate Finance"  # the demo's financier (demo/generator.py's FINANCIER)
#: How many facilities consider business cases, and how many measures each (at most).
CASE_FACILITIES = 20
MEASURES_PER_FACILITY = (1, 3)
#: The categories the demo's facilities consider (social measures have no money or tonnes to size).
CATEGORIES = ("efficiency", "renewable", "fuel_switch", "water")
#: Cases implemented with a measured saving: accepted (→ verified), and refused (baseline fails Guideline 14).
MEASURED_ACCEPTED = 3
MEASURED_REFUSED = 1
#: The monthly pattern of a facility that can be measured: no value typed ten times too large in its latest months.
MEASURABLE_PATTERNS = ("on_time", "not_yet")
#: The largest change of a measured facility's planned intensity between the window's first and last 12 months.
MAX_DRIFT = 0.04
#: The metric measured (every demo facility buys grid electricity).
MEASURED_METRIC = "electricity_grid"
#: The noise of the baseline months of the refused case (readings estimated from bills) [fraction, uniform ±].
ESTIMATED_NOISE = 0.35
#: At least this many cases of each stage (the rest drawn by STAGE_WEIGHTS).
STAGE_MINIMUM = 2
STAGE_WEIGHTS = {"idea": 4, "feasibility": 4, "seeking_finance": 4, "financed": 3, "implemented": 1}
#: The finance of a financed case: instrument -> (share of the capex financed low, high).
INSTRUMENTS = {"green_loan": (0.6, 0.8), "loan": (0.5, 0.7), "lease": (1.0, 1.0), "esco": (1.0, 1.0),
               "grant": (0.2, 0.4)}
LOAN_TERMS = {"green_loan": (0.065, 5), "loan": (0.09, 5)}  # (interest rate, tenor [years]): demo assumptions
DISCOUNT_RATE = 0.10  # demo assumption (a typical hurdle rate of the region's manufacturers)
ESCALATION = 0.02  # yearly growth of energy prices from the second year: demo assumption
#: Cases at facilities with no consent to the financier marked shared anyway (visible to nobody outside).
SHARED_WITHOUT_CONSENT = 2
#: The park whose shared rooftop solar is divided among its tenants, and the rule.
SOLAR_PARK = "Song Xanh Eco-Industrial Park"
SOLAR_RULE = "consumption"


@dataclass(frozen=True)
class CasePlan:
    facility: str  # a facility name ("" for the park's case)
    intervention: str  # catalogue code
    metric: str  # the metric its saving acts on (the first of the catalogue's it reports)
    share: float  # the fraction of the metric's yearly use it saves (the catalogue's typical saving)
    stage: str
    created_on: datetime.date
    stage_days: tuple[datetime.date, ...]  # the day of each move, from idea (the creation) to ``stage``
    payback_factor: float  # the capex as a multiple of the catalogue's reported payback × the saving
    instrument: str = ""
    financed_share: float = 0.0
    shared: bool = False
    implemented_on: datetime.date | None = None
    measured: str = ""  # "accepted" | "refused" | "" (not measured)
    park: str = ""


@dataclass(frozen=True)
class CasesDemo:
    year: int  # the last complete year: the baseline year of every case not implemented
    cases: tuple[CasePlan, ...]
    solar_park: str
    solar_tenants: tuple[str, ...]
    park_case: CasePlan | None = None  # the park's group rooftop solar (financed by a green loan)

    def adjustments(self) -> dict[tuple[str, str], tuple[datetime.date, float, str]]:
        """(facility, metric) -> (implemented_on, the measure's share, "accepted" | "refused") of the measured cases."""
        return {(c.facility, c.metric): (c.implemented_on, c.share, c.measured) for c in self.cases if c.measured}


def last_complete_year(today: datetime.date) -> int:
    """The latest year whose every month is due (calc.periods.year_over)."""
    return today.year - 1 if calc_periods.year_over(today.year - 1, today) else today.year - 2


def profiles(demo) -> dict[str, monthly.FacilityProfile]:
    """The monthly plan's profile of each facility, as ``demo/periodic.write_monthly`` builds them (whether a
    central plant serves it changes the facility's draws)."""
    cetp_parks = {s.park for s in demo.shared_facilities if s.kind == "cetp"}
    served = {name for s in demo.shared_facilities if s.kind == "cetp" for name in s.serves}
    return {f.name: monthly.FacilityProfile(f.name, f.country, f.processes, f.headcount_female, f.headcount_male,
                                            cetp=f.park in cetp_parks and f.name in served)
            for f in demo.facilities}


def _facility_metrics(demo, seed: int, year: int) -> dict[str, set[str]]:
    """The metrics each facility reports (from the monthly plan of one month: pure, cheap)."""
    metrics: dict[str, set[str]] = {}
    for row in monthly.plan_monthly(list(profiles(demo).values()), seed, [datetime.date(year, 6, 1)], gaps=False):
        metrics.setdefault(row.facility, set()).add(row.metric)
    return metrics


#: What the demo's consultant enters where the catalogue gives no figure: code -> (saving share of the metric's
#: yearly use, simple payback [years], lifetime [years]). Demo assumptions, not reference data (like the
#: intensities of demo/monthly.py): a shipped catalogue figure always wins.
DEMO_FIGURES = {
    "steam_trap_maintenance": (0.06, 0.8, 5), "condensate_recovery": (0.08, 1.5, 10),
    "boiler_economiser": (0.06, 2.0, 15), "steam_pipe_insulation": (0.04, 1.2, 15),
    "wastewater_heat_recovery": (0.12, 2.5, 15), "compressed_air_leaks": (0.15, 0.6, 5),
    "variable_speed_drives": (0.10, 2.5, 15), "efficient_motors": (0.05, 4.0, 20), "led_lighting": (0.06, 2.0, 10),
    "low_liquor_ratio_dyeing": (0.20, 4.0, 15), "cooling_water_reuse": (0.15, 2.0, 10),
    "rooftop_solar_pv": (0.15, 6.5, 25), "solar_thermal": (0.15, 6.0, 20), "fossil_to_heat_pump": (0.30, 5.0, 15),
    "coal_oil_to_biomass": (1.0, 3.0, 15), "water_recycling": (0.25, 5.0, 15), "rainwater_harvesting": (0.05, 8.0, 20),
    "water_efficient_machines": (0.20, 5.0, 15),
}


def saving_share(intervention) -> float | None:
    """The fraction of its metric's yearly use a measure saves: the catalogue's typical saving, else the middle of
    its range, else the demo's figure (None when there is none)."""
    if intervention.saving_typical is not None and intervention.saving_typical < 1:
        return intervention.saving_typical
    if intervention.saving_low is not None and intervention.saving_high is not None:
        return (intervention.saving_low + intervention.saving_high) / 2
    figures = DEMO_FIGURES.get(intervention.code)
    return figures[0] if figures else None


def payback_years(intervention) -> float:
    figures = DEMO_FIGURES.get(intervention.code, (None, 3.0, 10))
    return intervention.payback_years_reported or figures[1]


def lifetime_years(intervention) -> int:
    figures = DEMO_FIGURES.get(intervention.code, (None, 3.0, 10))
    return int(intervention.lifetime_years or figures[2])


def priced(country: str, metric: str, year: int) -> bool:
    """Whether reference.prices ships a price of ``metric`` in ``country`` for ``year`` (or an earlier year) that
    converts to USD per the metric's canonical unit."""
    return usd_price(country, metric, year) is not None


def usd_price(country: str, metric: str, year: int, back: int = 3):
    """The latest reference.prices row of ``metric`` in ``country`` for ``year`` or up to ``back`` years before
    that converts to USD per the metric's canonical unit (a tariff of a year whose exchange rate is not shipped
    yet gives way to the year before); None when none does."""
    from loomlight.reference.prices import price

    for y in range(year, year - back - 1, -1):
        found = price(country, metric, y)
        if found is not None and _price_per_canonical(found, metric, monthly.UNITS[metric]) is not None:
            return found
    return None


def fits(intervention, processes, metrics, priced_metric=lambda metric: True) -> str | None:
    """The metric through which ``intervention`` fits a facility running ``processes`` and reporting ``metrics``
    with a shipped price (``priced_metric``); None when it does not fit."""
    if intervention.category not in CATEGORIES or saving_share(intervention) is None:
        return None
    if intervention.applies_to and not set(intervention.applies_to) & set(processes):
        return None
    if intervention.category == "renewable" and "solar" not in intervention.code:
        return None  # certificates and power purchase agreements buy electricity, they save none of it
    if intervention.code.startswith("park") or "group" in intervention.code:
        return None
    return next((m for m in intervention.metrics if m in metrics and priced_metric(m)), None)


def _measurable(demo, seed: int, facility: str, start: datetime.date, last: datetime.date, *,
                regular: bool = True) -> bool:
    """Whether the planned months of ``facility`` from ``start`` to ``last`` are regular (no typing error: each
    month's electricity within 12 % of its production times the median ratio; a month never reported is simply
    not in the regression)."""
    months = [monthly.month_add(start, k) for k in range(monthly.months_between(start, last) + 1)]
    if not regular:
        return True
    rows = monthly.plan_monthly([profiles(demo)[facility]], seed, months, gaps=False)
    use = {r.period: r.value for r in rows if r.metric == MEASURED_METRIC}
    output = {r.period: r.value for r in rows if r.metric.startswith("production_")}
    series = [use[m] / output[m] for m in months]
    ratios = sorted(series)
    median = ratios[len(ratios) // 2]
    if not all(abs(r / median - 1) < 0.12 for r in ratios):
        return False
    # and little drift of its intensity (demo/monthly.py's yearly efficiency gain): Option C would count it as saved
    drift = sum(series[-12:]) / sum(series[:12]) - 1
    return abs(drift) < MAX_DRIFT


def plan_cases(demo, today: datetime.date, catalogue=None) -> CasesDemo:
    """The demo's business cases, decided by the demo's seed and the last complete year of ``today`` alone."""
    from loomlight.reference.interventions import interventions

    catalogue = catalogue if catalogue is not None else interventions()
    year = last_complete_year(today)
    rng = random.Random(f"{demo.seed}:cases:{year}")
    metrics = _facility_metrics(demo, demo.seed, year)
    manager_facility = next((u.scope_name for u in demo.users if u.username == "manager"), None)
    patterns = monthly.assign_patterns([f.name for f in demo.facilities], manager_facility, demo.seed)
    late_starts = set(demo.discharge.starts())
    with_financier = sorted({c.facility for c in demo.consents if c.grantee == FINANCIER
                             and "business_cases" in c.data_kinds and not c.revoked})
    last_month = monthly.last_complete_month(today)
    # the months any build of this last complete year may hold (so that the choice does not depend on the day)
    first_month, end_month = datetime.date(year - 2, 1, 1), datetime.date(year + 1, 12, 1)

    # the facilities measured: regular months over every window a build of this year may hold (the refused one
    # any: its baseline months are estimated anyway)
    names = sorted(f.name for f in demo.facilities if f.name in metrics)
    country = {f.name: f.country for f in demo.facilities}
    candidates = [n for n in names if patterns[n] in MEASURABLE_PATTERNS and n not in late_starts
                  and n != manager_facility and n not in with_financier
                  and priced(country[n], MEASURED_METRIC, year)]
    rng.shuffle(candidates)
    accepted = [n for n in candidates if _measurable(demo, demo.seed, n, first_month, end_month)][:MEASURED_ACCEPTED]
    refused = [n for n in candidates if n not in accepted
               and _measurable(demo, demo.seed, n, first_month, end_month, regular=False)][:MEASURED_REFUSED]
    implemented_on = {name: datetime.date(year, rng.randint(3, 6), 1) for name in accepted + refused}
    # who considers business cases: the manager's facility, those sharing with the financier, those measured,
    # others drawn
    chosen = [n for n in dict.fromkeys([manager_facility, *with_financier, *accepted, *refused]) if n in names]
    chosen += rng.sample([n for n in names if n not in chosen], max(0, CASE_FACILITIES - len(chosen)))

    processes = {f.name: f.processes for f in demo.facilities}
    plans: list[dict] = []
    for name in chosen:
        def priced_here(metric, name=name):
            return priced(country[name], metric, year)

        fitting = [(code, m) for code, i in catalogue.items()
                   if (m := fits(i, processes[name], metrics[name], priced_here))]
        if not fitting:
            continue
        count = min(len(fitting), rng.randint(*MEASURES_PER_FACILITY))
        picked = rng.sample(fitting, count)
        if name in implemented_on:  # the measured one first: an efficiency measure on electricity
            on_electricity = [(c, m) for c, m in fitting
                              if m == MEASURED_METRIC and catalogue[c].category == "efficiency"]
            if not on_electricity:
                implemented_on.pop(name)
            else:
                first = rng.choice(on_electricity)
                picked = [first, *[p for p in picked if p != first]]
        for k, (code, metric) in enumerate(picked):
            measured = ""
            if k == 0 and name in implemented_on:
                measured = "accepted" if name in accepted else "refused"
            plans.append({"facility": name, "intervention": code, "metric": metric, "measured": measured,
                          "share": saving_share(catalogue[code])})

    stages = _draw_stages(rng, [p for p in plans if not p["measured"]])
    cases = []
    for p in plans:
        stage = {"accepted": "verified", "refused": "implemented"}.get(p["measured"]) or stages.pop(0)
        done = implemented_on.get(p["facility"]) if p["measured"] else None
        cases.append(_dated_case(rng, p, stage, done, today, last_month, p["facility"] in with_financier))
    cases = _share_some_without_consent(rng, cases, with_financier)
    cases = _share_one_before_seeking_finance(cases, with_financier)
    solar_tenants = next((s.serves for s in demo.shared_facilities
                          if s.park == SOLAR_PARK and s.kind == "rooftop_solar"), ())
    start = today - datetime.timedelta(days=rng.randint(300, 420))
    days = sorted(start + datetime.timedelta(days=rng.randint(1, 280)) for _ in range(3))
    park_case = CasePlan(facility="", park=SOLAR_PARK, intervention="", metric="electricity_grid", share=0.0,
                         stage="financed", created_on=start, stage_days=(start, *days), payback_factor=1.0,
                         instrument="green_loan", financed_share=0.7)
    return CasesDemo(year=year, cases=tuple(cases), solar_park=SOLAR_PARK, solar_tenants=tuple(solar_tenants),
                     park_case=park_case)


def _draw_stages(rng: random.Random, plans: list) -> list[str]:
    """A stage per case: STAGE_MINIMUM of each (verified only through measurement), the rest drawn by weight."""
    stages = [s for s in STAGE_WEIGHTS for _ in range(STAGE_MINIMUM)]
    names, weights = list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values())
    stages += rng.choices(names, weights, k=max(0, len(plans) - len(stages)))
    stages = stages[:len(plans)]
    rng.shuffle(stages)
    return stages


ORDER = ("idea", "feasibility", "seeking_finance", "financed", "implemented", "verified")


def _dated_case(rng, p: dict, stage: str, implemented: datetime.date | None, today: datetime.date,
                last_month: datetime.date, consenting: bool) -> CasePlan:
    """The case with the day of each move: a measured case moved through finance in the months before its
    implementation and was verified in the days before the build; the others moved over the last year, the latest
    move in the weeks before the build."""
    steps = ORDER.index(stage)
    yesterday = today - datetime.timedelta(days=1)
    end = today - datetime.timedelta(days=rng.randint(3, 20))
    if implemented is not None:
        start = implemented - datetime.timedelta(days=rng.randint(200, 320))
        span = (implemented - start).days - 30
        middle = sorted(start + datetime.timedelta(days=rng.randint(1, span)) for _ in range(2))
        financed = implemented - datetime.timedelta(days=rng.randint(10, 25))
        moves = [start, *middle, financed, implemented, end][:steps + 1]
        implemented_on = implemented
    else:
        start = end - datetime.timedelta(days=rng.randint(60, 360))
        span = (end - start).days
        moves = sorted([start, *(start + datetime.timedelta(days=rng.randint(1, span)) for _ in range(steps))])
        implemented_on = None
        if stage == "implemented":  # implemented this month: no month after it is over yet, nothing to measure
            implemented_on = min(monthly.month_add(last_month, 1), yesterday)
            moves[-1] = implemented_on
            moves = sorted(moves)
    moves = [min(d, yesterday) for d in moves]
    instrument, share = "", 0.0
    if steps >= ORDER.index("financed"):
        instrument = rng.choice(sorted(INSTRUMENTS))
        low, high = INSTRUMENTS[instrument]
        share = round(rng.uniform(low, high), 2)
    shared = consenting and steps >= ORDER.index("seeking_finance") and rng.random() < 0.85
    if consenting and stage == "feasibility":
        shared = True  # marked shared, not yet seeking finance: the financier does not see it yet
    return CasePlan(facility=p["facility"], intervention=p["intervention"], metric=p["metric"], share=p["share"],
                    stage=stage, created_on=moves[0], stage_days=tuple(moves),
                    payback_factor=round(rng.uniform(0.7, 2.5), 2), instrument=instrument, financed_share=share,
                    shared=shared, implemented_on=implemented_on, measured=p["measured"])


def _share_some_without_consent(rng, cases: list[CasePlan], with_financier) -> list[CasePlan]:
    import dataclasses

    candidates = [i for i, c in enumerate(cases) if c.facility not in with_financier
                  and ORDER.index(c.stage) >= ORDER.index("seeking_finance")]
    for i in rng.sample(candidates, min(SHARED_WITHOUT_CONSENT, len(candidates))):
        cases[i] = dataclasses.replace(cases[i], shared=True)
    return cases


def _share_one_before_seeking_finance(cases: list[CasePlan], with_financier) -> list[CasePlan]:
    """A case marked shared at a consenting facility while still at feasibility (the financier does not see it yet):
    the first such case, or the first idea there moved on to feasibility."""
    import dataclasses

    if any(c.shared and c.stage == "feasibility" and c.facility in with_financier for c in cases):
        return cases
    for i, c in enumerate(cases):
        if c.facility in with_financier and c.stage == "idea":
            later = c.stage_days[0] + datetime.timedelta(days=14)
            cases[i] = dataclasses.replace(c, stage="feasibility", shared=True, stage_days=(c.stage_days[0], later))
            break
    return cases


def _noise(seed: int, facility: str, period: datetime.date) -> float:
    return random.Random(f"{seed}:estimated:{facility}:{period.isoformat()}").uniform(-ESTIMATED_NOISE, ESTIMATED_NOISE)


def series_factor(adjustments: dict, seed: int, facility: str, metric: str, period: datetime.date) -> float:
    """What ``demo/periodic.write_monthly`` multiplies a planned month's value by: 1 but at a measured facility's
    metric, where it drops by the measure's share from ``implemented_on`` on, and where the refused case's
    baseline months were estimated (±ESTIMATED_NOISE)."""
    found = adjustments.get((facility, metric))
    if found is None:
        return 1.0
    implemented_on, share, measured = found
    if period >= implemented_on:
        return 1.0 - share
    return 1.0 + _noise(seed, facility, period) if measured == "refused" else 1.0


# --- writing (Django) --------------------------------------------------------------------------------------------

#: The share of a fuel switch's saved heat that comes back as the new energy (the rest is the efficiency of the
#: new heat source): biomass burnt at the same boiler efficiency; a heat pump at a COP of 3; an electric boiler at
#: 98 %. Demo assumptions, stated in the case's title.
SWITCH_TO = {"biomass": ("biomass_wood_chips", 1.0), "heat_pump": ("electricity_grid", 1 / 3.0),
             "electric": ("electricity_grid", 1 / 0.98)}
KWH_PER_GJ = 1000 / 3.6
MONTE_CARLO_DRAWS = 2000  # for the cases shared with the financier: its P10/P50/P90 (seeded)


def _price_per_canonical(price, metric: str, canonical: str) -> float | None:
    """The price [USD per ``canonical`` unit] of a reference.prices row, converted as the case builder converts it
    (``interventions.baseline``: a change of unit, or a fuel's shipped calorific value and density)."""
    from loomlight.interventions.baseline import per_stored_unit

    per = per_stored_unit(metric, canonical, price)
    if price.usd_per_unit is None or per is None:
        return None
    return price.usd_per_unit * per[0]


def _yearly(facilities: dict, year: int) -> dict[tuple[str, str], tuple[float, int, str]]:
    """(facility name, metric) -> (the year's total in its canonical unit, months with a value, unit), from the
    stored months summed as ``interventions.baseline.baseline_for`` sums them, in one query for every facility (a
    month missing is missing, never filled in)."""
    from loomlight.reporting.models import ActivityValue

    names = {f.pk: name for name, f in facilities.items()}
    totals: dict[tuple[str, str], list] = {}
    stored = ActivityValue.objects.filter(facility__in=facilities.values(), period__year=year)
    for facility_id, period, metric, value, unit in stored.values_list("facility_id", "period", "metric", "value",
                                                                      "unit"):
        entry = totals.setdefault((names[facility_id], metric), [0.0, set(), unit])
        entry[0] += value
        entry[1].add(period)
    return {k: (v[0], len(v[1]), v[2]) for k, v in totals.items()}


def _line(country: str, year: int, metric: str, quantity: float, unit: str) -> dict | None:
    found = usd_price(country, metric, year)
    per = _price_per_canonical(found, metric, unit) if found is not None else None
    if per is None:
        return None  # no shipped price: the user would enter one; the demo leaves the measure out
    return {"metric": metric, "quantity": round(quantity, 1), "unit": unit, "price": round(per, 6)}


def case_document(case: CasePlan, intervention, country: str, year: int, used: float, unit: str) -> dict | None:
    """The ``loomlight case`` document of a planned case sized on the facility's ``used`` [unit] of its metric in
    ``year``; None when a price is missing."""
    saved = used * case.share
    lines = [_line(country, year, case.metric, saved, unit)]
    if intervention.category == "fuel_switch":
        target = next((v for k, v in SWITCH_TO.items() if k in intervention.code), None)
        if target is not None:
            added_metric, ratio = target
            added = saved * ratio * (KWH_PER_GJ if added_metric == "electricity_grid" and unit == "GJ" else 1.0)
            added_unit = "kWh" if added_metric == "electricity_grid" else unit
            lines.append(_line(country, year, added_metric, -added, added_unit))
    if any(line is None for line in lines):
        return None
    money = sum(line["quantity"] * line["price"] for line in lines)
    if money <= 0:
        return None
    capex = round(money * payback_years(intervention) * case.payback_factor, -2) or 100.0
    document = {"country": country, "year": year, "capex": capex, "lifetime_years": lifetime_years(intervention),
                "discount_rate": DISCOUNT_RATE, "escalation": ESCALATION, "savings": lines, "currency": "USD"}
    if case.instrument in LOAN_TERMS:
        rate, tenor = LOAN_TERMS[case.instrument]
        document["loan"] = {"share": case.financed_share, "rate": rate, "tenor_years": tenor}
    if case.instrument == "grant":
        document["grant"] = round(capex * case.financed_share, 2)
    if case.shared:
        document["monte_carlo"] = {"draws": MONTE_CARLO_DRAWS, "seed": 1,
                                   "ranges": {"capex": [round(capex * 0.85, 2), round(capex * 1.25, 2)],
                                              "savings[0].price": [round(lines[0]["price"] * 0.85, 6),
                                                                   round(lines[0]["price"] * 1.15, 6)]}}
    return document


def _moment(day: datetime.date, hour: int, latest: datetime.datetime) -> datetime.datetime:
    return min(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC), latest)


def write_cases(demo, facilities: dict, parks: dict, people: dict, today: datetime.date) -> CasesDemo:
    """Write the planned cases (module docstring): sized on the stored months, evaluated by ``evaluate_document``,
    their stage history and audit events in bulk; the measured ones through ``savings_measure``."""
    from decimal import Decimal

    from loomlight.audit.models import AuditAction, AuditEvent
    from loomlight.audit.services import snapshot
    from loomlight.demo.periodic import build_start
    from loomlight.interventions import services
    from loomlight.interventions.models import BusinessCase, StageChange
    from loomlight.reference.interventions import interventions
    from loomlight.registry.models import Organisation

    catalogue = interventions()
    plan_ = plan_cases(demo, today, catalogue)
    latest = build_start(today) - datetime.timedelta(hours=1)
    financier = Organisation.objects.get(name=FINANCIER)
    programme = people["programme"]
    manager_facility = next((u.scope_name for u in demo.users if u.username == "manager"), None)
    yearly = {plan_.year: _yearly(facilities, plan_.year), plan_.year - 1: _yearly(facilities, plan_.year - 1)}
    version = services.data_version()[:200]

    rows: list[tuple[CasePlan, BusinessCase]] = []
    for c in plan_.cases:
        intervention = catalogue[c.intervention]
        year = plan_.year - 1 if c.implemented_on and c.implemented_on.year <= plan_.year else plan_.year
        used, _months, unit = yearly[year].get((c.facility, c.metric), (0.0, 0, ""))
        if used <= 0:
            continue
        document = case_document(c, intervention, demo_country(demo, c.facility), year, used, unit)
        if document is None:
            continue
        if c.intervention in OWN_ROOF_SOLAR:
            document = _own_roof_solar(document, facilities[c.facility], year, used * c.share)
            if document is None:
                continue
        result = services.evaluate(document)  # evaluate_document, as case_create and case_update call it
        creator = people["manager"] if c.facility == manager_facility else people["admin"]
        created = _moment(c.created_on, 9, latest)
        financed = ORDER.index(c.stage) >= ORDER.index("financed")
        case = BusinessCase(
            facility=facilities[c.facility], programme=programme, intervention=c.intervention,
            title=f"{intervention.name}", baseline_year=year, document=document, result=result,
            data_version=version, computed_at=created, stage=c.stage if not c.measured else "implemented",
            financier=financier if financed else None, instrument=c.instrument,
            amount=Decimal(str(round(document["capex"] * c.financed_share, 2))) if financed else None,
            currency="USD", implemented_on=c.implemented_on, shared_with_financiers=c.shared, created_by=creator,
            created_at=created, updated_at=_moment(c.stage_days[-1], 11, latest))
        rows.append((c, case))
    park_case = _park_solar(plan_, parks, facilities, yearly[plan_.year], catalogue, people, programme, latest,
                            version)
    cases = [case for _c, case in rows] + ([park_case[1]] if park_case else [])
    BusinessCase.objects.bulk_create(cases)
    if park_case:
        rows.append(park_case)

    changes, events = [], []
    for c, case in rows:
        moves = c.stage_days[:len(c.stage_days) - (1 if c.measured == "accepted" else 0)]  # verified by measurement
        stages = ORDER[:len(moves)]
        final = {**snapshot(case), "npv": case.figure("npv")}
        final.pop("result", None)
        label = dict(object_type=case._meta.label_lower, object_id=str(case.pk), object_repr=str(case)[:300], via=VIA)
        created = _moment(moves[0], 9, latest)
        events.append(AuditEvent(at=created, actor=case.created_by, action=AuditAction.CREATE, before=None,
                                 after=_state_at(final, "idea"), **label))
        changes.append(StageChange(case=case, from_stage="", to_stage="idea", by=case.created_by, at=created))
        for k in range(1, len(moves)):
            at = _moment(moves[k], 11, latest)
            to = stages[k]
            money = to == "financed"
            changes.append(StageChange(case=case, from_stage=stages[k - 1], to_stage=to, by=case.created_by, at=at,
                                       financier=case.financier if money else None,
                                       instrument=case.instrument if money else "",
                                       amount=case.amount if money else None))
            events.append(AuditEvent(at=at, actor=case.created_by, action=AuditAction.UPDATE,
                                     before=_state_at(final, stages[k - 1]), after=_state_at(final, to), **label))
    StageChange.objects.bulk_create(changes, batch_size=2000)
    AuditEvent.objects.bulk_create(events, batch_size=2000)

    for c, case in rows:
        if c.measured:
            _measure(case, c, people["admin"], latest)
    return plan_


VIA = "demo"


def _state_at(final: dict, stage: str) -> dict:
    """What the audit trail kept of a case at ``stage``: its final state without the finance it had not yet, nor
    the date of an implementation to come."""
    state = {**final, "stage": stage}
    if ORDER.index(stage) < ORDER.index("financed"):
        state.update(financier_id=None, instrument="", amount=None)
    if ORDER.index(stage) < ORDER.index("implemented"):
        state["implemented_on"] = None
    return state


def demo_country(demo, facility: str) -> str:
    return next(f.country for f in demo.facilities if f.name == facility)


def _measure(case, c: CasePlan, by, latest: datetime.datetime) -> None:
    """The case's savings measured through the service (the one rule that verifies a case), dated on its day."""
    from loomlight.audit.models import AuditEvent
    from loomlight.interventions import services

    production = _production_metrics(case.facility)[0]
    measurement = services.savings_measure(by=by, case=case, metric=c.metric, production_metric=production, via=VIA)
    at = _moment(c.stage_days[-1], 14, latest)
    type(measurement).objects.filter(pk=measurement.pk).update(at=at)
    case.stage_changes.filter(to_stage="verified").update(at=at)
    type(case).objects.filter(pk=case.pk, stage="verified").update(updated_at=at)
    AuditEvent.objects.filter(object_type__in=[measurement._meta.label_lower, case._meta.label_lower], via=VIA,
                              object_id__in=[str(measurement.pk), str(case.pk)], at__gt=latest).update(at=at)


def _production_metrics(facility) -> list[str]:
    from loomlight.reporting.models import ActivityValue

    return list(ActivityValue.objects.filter(facility=facility, metric__startswith="production_")
                .values_list("metric", flat=True).distinct()[:1])


TIMEZONES = {"VN": "Asia/Ho_Chi_Minh", "KH": "Asia/Phnom_Penh", "TH": "Asia/Bangkok", "ET": "Africa/Addis_Ababa",
             "KE": "Africa/Nairobi"}


def _kwp(capacity: str) -> float:
    """'7.2 MWp' -> 7200.0 [kWp]."""
    number, unit = capacity.replace(",", "").split()[:2]
    return float(number) * (1000.0 if unit.lower().startswith("mw") else 1.0)


def solar_intervention(catalogue):
    """The catalogue's park group rooftop solar (else its rooftop solar)."""
    renewable = [i for i in catalogue.values()
                 if i.category == "renewable" and "solar" in i.code and "thermal" not in i.code]
    return next((i for i in renewable if "group" in i.code or "park" in i.code), renewable[0] if renewable else None)


#: The catalogue's own-roof solar, sized and counted as the case builder does (interventions.views.SOLAR_PV).
OWN_ROOF_SOLAR = ("rooftop_solar_pv",)
#: The demo's own-roof arrays: tilted 10° to the south (calc.solar.Array's defaults, stored in the case so that
#: "Edit" recomputes the same generation).
ROOF_TILT_DEG, ROOF_AZIMUTH_DEG = 10.0, 180.0


def _own_roof_solar(document: dict, facility, year: int, saved_kwh: float) -> dict | None:
    """The own-roof solar case of ``document`` as the case builder makes it (``interventions.solar``): an array
    sized to generate the measure's ``saved_kwh`` a year at the facility's coordinates (0.1 kWp), its
    self-consumption against the facility's stored monthly grid electricity of ``year``, the saving lines of the
    solar used on site (at the grid price) and exported (no export price shipped: 0), and ``solar.yield``, what
    the generation rests on. None without coordinates or monthly electricity."""
    from loomlight.calc import solar
    from loomlight.interventions.baseline import monthly_grid_kwh
    from loomlight.interventions.solar import rooftop_savings

    load = monthly_grid_kwh(facility, year)
    if facility.latitude is None or facility.longitude is None or load is None:
        return None
    site = solar.Site(latitude=float(facility.latitude), longitude=float(facility.longitude),
                      country=facility.country, timezone=TIMEZONES.get(facility.country, "UTC"))
    one = solar.generation(site, solar.Array(kwp=1.0, tilt_deg=ROOF_TILT_DEG, azimuth_deg=ROOF_AZIMUTH_DEG),
                           year=year)
    kwp = max(round(saved_kwh / one.specific_yield_kwh_per_kwp, 1), 0.1)
    array = solar.Array(kwp=kwp, tilt_deg=ROOF_TILT_DEG, azimuth_deg=ROOF_AZIMUTH_DEG)
    lines, summary = rooftop_savings(site, array, year=year, monthly_load_kwh=load,
                                     price=document["savings"][0]["price"])
    return {**document, "savings": lines,
            "solar": {"kwp": kwp, "tilt_deg": ROOF_TILT_DEG, "azimuth_deg": ROOF_AZIMUTH_DEG, "yield": summary}}


def _park_solar(plan_, parks, facilities, yearly, catalogue, people, programme, latest, version):
    """The park's shared rooftop solar as one park case: its yearly generation (calc.solar) divided among the
    tenants it serves by their electricity use of the year (SOLAR_RULE), kept in the document's ``solar``, with
    its self-consumption against the tenants' summed monthly grid electricity (``interventions.solar``, as an
    own roof's) in ``solar.yield``."""
    from decimal import Decimal

    from loomlight.calc import solar
    from loomlight.interventions import services
    from loomlight.interventions.baseline import monthly_grid_kwh
    from loomlight.interventions.solar import rooftop_savings
    from loomlight.interventions.models import BusinessCase
    from loomlight.registry.models import Organisation, SharedFacility

    park = parks.get(plan_.solar_park)
    intervention = solar_intervention(catalogue)
    plant = SharedFacility.objects.filter(park=park, kind="rooftop_solar").first() if park else None
    if park is None or intervention is None or plant is None:
        return None
    shares = {t: yearly[(t, "electricity_grid")][0] for t in plan_.solar_tenants if (t, "electricity_grid") in yearly}
    kwp = _kwp(plant.capacity)
    site = solar.Site(latitude=float(park.latitude), longitude=float(park.longitude), country=park.country,
                      timezone=TIMEZONES.get(park.country, "UTC"))
    generated = solar.generation(site, solar.Array(kwp=kwp), year=plan_.year)
    annual = float(round(generated.annual_kwh))  # whole kWh, as calc.solar.allocate divides them
    allocation = solar.allocate(annual, shares, rule=SOLAR_RULE)
    line = _line(park.country, plan_.year, "electricity_grid", annual, "kWh")
    loads = [monthly_grid_kwh(facilities[t], plan_.year) for t in shares if t in facilities]
    if line is None or not loads or None in loads:
        return None
    lines, summary = rooftop_savings(site, solar.Array(kwp=kwp), year=plan_.year, price=line["price"],
                                     monthly_load_kwh=[sum(month) for month in zip(*loads, strict=True)])
    capex = round(kwp * (intervention.capex_typical or 800.0), -2)
    c = plan_.park_case
    share = c.financed_share
    document = {"country": park.country, "year": plan_.year, "capex": capex,
                "lifetime_years": int(intervention.lifetime_years or 25), "discount_rate": DISCOUNT_RATE,
                "escalation": ESCALATION, "savings": lines, "currency": "USD",
                "loan": {"share": share, "rate": LOAN_TERMS["green_loan"][0], "tenor_years": 10},
                "solar": {"shared_facility": plant.name, "kwp": kwp, "annual_kwh": annual,
                          "specific_yield_kwh_per_kwp": generated.specific_yield_kwh_per_kwp,
                          "scaled_to": generated.scaled_to, "rule": SOLAR_RULE,
                          "shares": {t: round(v, 1) for t, v in shares.items()},
                          "allocation": allocation, "yield": summary}}
    result = services.evaluate(document)
    created = _moment(c.created_on, 9, latest)
    case = BusinessCase(park=park, programme=programme, intervention=intervention.code,
                        title=f"{plant.name}: {intervention.name}", baseline_year=plan_.year, document=document,
                        result=result, data_version=version, computed_at=created, stage=c.stage,
                        financier=Organisation.objects.get(name=FINANCIER), instrument=c.instrument,
                        amount=Decimal(str(round(capex * share, 2))), currency="USD",
                        shared_with_financiers=False, created_by=people["park"], created_at=created,
                        updated_at=_moment(c.stage_days[-1], 11, latest))
    return c, case


def monthly_factor(demo, day: datetime.date):
    """``series_factor`` of the cases planned on ``day``, for ``demo/periodic.write_monthly``."""
    adjustments = plan_cases(demo, day).adjustments()
    seed = demo.seed

    def factor(facility: str, metric: str, period: datetime.date) -> float:
        return series_factor(adjustments, seed, facility, metric, period)

    return factor
