"""The demo's business cases (issue 18, point 10): the intervention catalogue applied to demo facilities, cases in
every pipeline stage, financed ones with the demo financier, some shared with it, some implemented with measured
savings (IPMVP Option C), a park's group rooftop solar divided among its tenants, and enough cases for a programme
curve with no-regret and costly measures.

Two steps, like the rest of the demo:

* ``plan_cases(demo, today)`` is pure (no database): ``random.Random`` seeded by the demo's seed decides which
  measures each chosen facility considers (those of the catalogue whose metrics the facility reports and whose
  processes it runs), each case's stage, dates, finance and sharing. It depends on the build day only through the
  last complete year, so that the months it adjusts hold the same values in a demo extended later.
* ``write_cases(...)`` sizes every measure from the facility's own stored months of the baseline year
  (``interventions.baseline.baseline_for``: its quantities and the prices of ``reference.prices``), computes each
  case's ``result`` by ``interventions.document.evaluate_document`` as the services do, and writes the cases, their
  stage history and their audit events in bulk (a service call per case and stage would slow the build). The
  measured savings go through ``interventions.services.savings_measure`` itself: the one rule that may move a case
  to "verified".

Measured savings need data that show them: ``series_factor`` is the share of a month's use the demo's monthly
series keeps at a facility whose case was implemented (``demo/periodic.write_monthly`` applies it): after
``implemented_on`` the metric drops by the measure's share. The demo's months are otherwise a regular function of
production with ±5 % noise (``demo/monthly.py``), which passes ASHRAE Guideline 14 (CV(RMSE) ≤ 15 %); the measured
facilities are chosen among those whose months hold no typing error, no gap and no flagged value in the months
measured. One implemented case is measured at a facility whose baseline months were estimated from bills (its
series gets ±35 % noise before ``implemented_on``): its baseline fails the criteria and the case stays
"implemented", the refused measurement on the record.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from loomlight.calc import periods as calc_periods
from loomlight.demo import monthly

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
#: The metric measured (every demo facility buys grid electricity).
MEASURED_METRIC = "electricity_grid"
#: The noise of the baseline months of the refused case (readings estimated from bills) [fraction, uniform ±].
ESTIMATED_NOISE = 0.35
#: At least this many cases of each stage (the rest drawn by STAGE_WEIGHTS).
STAGE_MINIMUM = 2
STAGE_WEIGHTS = {"idea": 4, "feasibility": 4, "seeking_finance": 4, "financed": 3, "implemented": 1}
#: The finance of a financed case: instrument -> (share of the capex financed low, high).
INSTRUMENTS = {"green_loan": (0.6, 0.8), "loan": (0.5, 0.7), "lease": (1.0, 1.0), "esco": (1.0, 1.0), "grant": (0.2, 0.4)}
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

    def adjustments(self) -> dict[tuple[str, str], tuple[datetime.date, float, str]]:
        """(facility, metric) -> (implemented_on, the measure's share, "accepted" | "refused") of the measured cases."""
        return {(c.facility, c.metric): (c.implemented_on, c.share, c.measured) for c in self.cases if c.measured}


def last_complete_year(today: datetime.date) -> int:
    """The latest year whose every month is due (calc.periods.year_over)."""
    return today.year - 1 if calc_periods.year_over(today.year - 1, today) else today.year - 2


def _facility_metrics(demo, seed: int, year: int) -> dict[str, set[str]]:
    """The metrics each facility reports (from the monthly plan of one month: pure, cheap)."""
    profiles = [monthly.FacilityProfile(f.name, f.country, f.processes, f.headcount_female, f.headcount_male,
                                        cetp=False) for f in demo.facilities]
    metrics: dict[str, set[str]] = {}
    for row in monthly.plan_monthly(profiles, seed, [datetime.date(year, 6, 1)], gaps=False):
        metrics.setdefault(row.facility, set()).add(row.metric)
    return metrics


def fits(intervention, processes, metrics) -> str | None:
    """The metric through which ``intervention`` fits a facility running ``processes`` and reporting ``metrics``
    (None when it does not fit)."""
    if intervention.category not in CATEGORIES or intervention.saving_typical is None:
        return None
    if intervention.applies_to and not set(intervention.applies_to) & set(processes):
        return None
    if intervention.code.startswith("park") or "group" in intervention.code:
        return None
    return next((m for m in intervention.metrics if m in metrics), None)


def _measurable(demo, seed: int, facility: str, start: datetime.date, last: datetime.date) -> bool:
    """Whether the planned months of ``facility`` from ``start`` to ``last`` are all there and regular (no typing
    error: each month's electricity within 12 % of its production times the median ratio)."""
    f = next(f for f in demo.facilities if f.name == facility)
    months = [monthly.month_add(start, k) for k in range(monthly.months_between(start, last) + 1)]
    if any(monthly.is_gap(seed, facility, m) for m in months):
        return False
    profile = monthly.FacilityProfile(f.name, f.country, f.processes, f.headcount_female, f.headcount_male, cetp=False)
    rows = monthly.plan_monthly([profile], seed, months, gaps=False)
    use = {r.period: r.value for r in rows if r.metric == MEASURED_METRIC}
    output = {r.period: r.value for r in rows if r.metric.startswith("production_")}
    ratios = sorted(use[m] / output[m] for m in months)
    median = ratios[len(ratios) // 2]
    return all(abs(r / median - 1) < 0.12 for r in ratios)


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
    with_financier = sorted({c.facility for c in demo.consents if c.grantee == "Lotus Bridge Climate Finance"
                             and "business_cases" in c.data_kinds and not c.revoked})
    last_month = monthly.last_complete_month(today)
    first_month = monthly.window(today)[0]

    # who considers business cases: the manager's facility, those sharing with the financier, others drawn
    names = sorted(f.name for f in demo.facilities if f.name in metrics)
    chosen = [n for n in [manager_facility, *with_financier] if n in names]
    chosen += rng.sample([n for n in names if n not in chosen], CASE_FACILITIES - len(chosen))
    # the facilities measured: regular months from the window's start to the last complete month
    implemented_on = {}
    measurable = [n for n in chosen if patterns[n] in MEASURABLE_PATTERNS and n not in late_starts
                  and n != manager_facility and n not in with_financier]
    rng.shuffle(measurable)
    accepted = [n for n in measurable if _measurable(demo, demo.seed, n, first_month, last_month)][:MEASURED_ACCEPTED]
    refused = [n for n in measurable if n not in accepted][:MEASURED_REFUSED]
    for name in accepted + refused:
        implemented_on[name] = datetime.date(year, rng.randint(3, 6), 1)

    processes = {f.name: f.processes for f in demo.facilities}
    plans: list[dict] = []
    for name in chosen:
        fitting = [(code, m) for code, i in catalogue.items() if (m := fits(i, processes[name], metrics[name]))]
        if not fitting:
            continue
        count = min(len(fitting), rng.randint(*MEASURES_PER_FACILITY))
        picked = rng.sample(fitting, count)
        if name in implemented_on:  # the measured one first: an efficiency measure on electricity
            on_electricity = [(c, m) for c, m in fitting if m == MEASURED_METRIC and catalogue[c].category == "efficiency"]
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
                          "share": catalogue[code].saving_typical})

    stages = _draw_stages(rng, [p for p in plans if not p["measured"]])
    cases = []
    for p in plans:
        stage = {"accepted": "verified", "refused": "implemented"}.get(p["measured"]) or stages.pop(0)
        done = implemented_on.get(p["facility"]) if p["measured"] else None
        cases.append(_dated_case(rng, p, stage, done, today, last_month, p["facility"] in with_financier))
    cases = _share_some_without_consent(rng, cases, with_financier)
    solar_tenants = next((s.serves for s in demo.shared_facilities if s.park == SOLAR_PARK and s.kind == "rooftop_solar"), ())
    return CasesDemo(year=year, cases=tuple(cases), solar_park=SOLAR_PARK, solar_tenants=tuple(solar_tenants))


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
        middle = sorted(start + datetime.timedelta(days=rng.randint(1, (implemented - start).days - 30)) for _ in range(2))
        moves = [start, *middle, implemented - datetime.timedelta(days=rng.randint(10, 25)), implemented, end][:steps + 1]
        implemented_on = implemented
    else:
        start = end - datetime.timedelta(days=rng.randint(60, 360))
        moves = sorted([start, *(start + datetime.timedelta(days=rng.randint(1, (end - start).days)) for _ in range(steps))])
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
                    payback_factor=round(rng.uniform(0.7, 2.2), 2), instrument=instrument, financed_share=share,
                    shared=shared, implemented_on=implemented_on, measured=p["measured"])


def _share_some_without_consent(rng, cases: list[CasePlan], with_financier) -> list[CasePlan]:
    import dataclasses

    candidates = [i for i, c in enumerate(cases) if c.facility not in with_financier
                  and ORDER.index(c.stage) >= ORDER.index("seeking_finance")]
    for i in rng.sample(candidates, min(SHARED_WITHOUT_CONSENT, len(candidates))):
        cases[i] = dataclasses.replace(cases[i], shared=True)
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
