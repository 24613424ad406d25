"""Answers from data: the value of a framework question's ``from_data`` source for a subject and a calendar year,
computed from what the platform already stores, so that the assessment form shows it "from data" with its basis
(still open to the assessor).

``values_for(subject, year, sources)`` computes only the sources asked for, each kind of stored data read once
(a fixed number of queries, whatever the number of months, samples or products). A gap is a gap: a source without
data has the value None and a ``reason``, never 0.

The sources are ``calc.assessment.tree.DATA_SOURCES`` (source -> unit, subject kinds); docs/data-sources.md
gives each one's definition and source. Injury rates:

    rate = injuries × base / hours worked        base = 200,000 h or 1,000,000 h

References: OSHA, 29 CFR Part 1904 (Recording and Reporting Occupational Injuries and Illnesses), the incidence
rate as OSHA's interpretation letter of 23 August 2016 on Part 1904 states it: 200,000 hours are 100 employees
× 40 hours a week × 50 weeks a year; ILO, Resolution concerning statistics of occupational injuries (resulting
from occupational accidents), 16th ICLS (1998), §(a) the frequency rate per 1,000,000 hours worked, the base
GRI 403: Occupational Health and Safety 2018, Disclosure 403-9, also uses (docs/data-sources.md).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from loomlight.calc import periods
from loomlight.calc.assessment.tree import DATA_SOURCES
from loomlight.calc.chemicals import DeclarationState, ProductUse, conformant_share, declaration_state
from loomlight.calc.wastewater import Outcome
from loomlight.registry.validators import FIRST_YEAR, LAST_DATE
from loomlight.registry.models import DataKind, Facility, IndustrialPark, SharedFacility, SharedFacilityKind
from loomlight.site import periods as site_periods
from loomlight.site.numbers import number


@dataclass(frozen=True)
class FromData:
    """A source's value for a subject and year: ``value`` [``unit``] or None with the ``reason``; ``basis`` says,
    in the reader's language, what it was computed from; ``months`` of ``months_expected`` had data."""

    source: str
    value: float | None
    unit: str
    basis: str
    months: int
    months_expected: int
    complete: bool
    reason: str | None = None
    #: of ``months``, how many are verified (``reporting.ReportingPeriod``); None for data without a verification
    #: state of their own (lab results, the chemical inventory)
    months_verified: int | None = None
    #: the data kinds (``registry.models.DataKind``) the value is made of: a viewer sees it only with the right to
    #: all of them (docs/architecture.md, "Data kinds of derived figures")
    kinds: frozenset[str] = frozenset()


#: Hours in the base of each injury rate [h]: OSHA 29 CFR 1904 (100 full-time workers × 40 h × 50 weeks) and the
#: ILO / GRI 403-9 convention of 1,000,000 hours worked.
RATE_BASES = {"200k": 200_000.0, "1m": 1_000_000.0}
#: Each injury rate: (injury metric, base).
RATES = {
    "ltifr_200k": ("injuries_lost_time", RATE_BASES["200k"]),
    "ltifr_1m": ("injuries_lost_time", RATE_BASES["1m"]),
    "trir_200k": ("injuries_recordable", RATE_BASES["200k"]),
    "trir_1m": ("injuries_recordable", RATE_BASES["1m"]),
}
#: Each intensity: (the stored inventory column, its group in ``Inventory.reported``, factor to the source's unit:
#: GJ/kg -> MJ/kg and m³/kg -> L/kg are both × 1,000).
INTENSITIES = {
    "energy_intensity": ("energy_gj", "energy", 1000.0),
    "water_intensity": ("water_withdrawn_m3", "water", 1000.0),
}
REDUCTIONS = {"energy_intensity_reduction": "energy_intensity", "water_intensity_reduction": "water_intensity"}
#: The data kinds each source is made of (the monthly workforce values are environmental data, as every monthly
#: value: the policy reads them with the facility's environmental data).
KINDS = {
    **dict.fromkeys(("ltifr_200k", "ltifr_1m", "trir_200k", "trir_1m", "women_share", "energy_intensity",
                     "water_intensity", "energy_intensity_reduction", "water_intensity_reduction"),
                    frozenset({DataKind.ENVIRONMENTAL.value})),
    "zdhc_wastewater_compliance": frozenset({DataKind.WASTEWATER.value}),
    "cetp_compliance": frozenset({DataKind.WASTEWATER.value}),
    "mrsl_conformance": frozenset({DataKind.CHEMICALS.value}),
    "park_tenants_foundational": frozenset({DataKind.ASSESSMENTS.value}),
    "park_tenants_intermediate": frozenset({DataKind.ASSESSMENTS.value}),
}
#: The framework whose verified tenant assessments give a park's share of tenants meeting a level.
TENANT_FRAMEWORK = "facility_env"
#: Sources computed from the tenants' verified assessments.
FROM_ASSESSMENTS = ("park_tenants_foundational", "park_tenants_intermediate")
WORKFORCE = ("hours_worked", "injuries_lost_time", "injuries_recordable", "headcount_female", "headcount_male")


def subject_kind(subject) -> str | None:
    """"facility", "shared_facility" or "park": the subject kinds of ``DATA_SOURCES``."""
    if isinstance(subject, Facility):
        return "facility"
    if isinstance(subject, SharedFacility):
        return "shared_facility"
    if isinstance(subject, IndustrialPark):
        return "park"
    return None


def values_for(subject, year: int, sources) -> dict[str, FromData]:
    """{source: FromData} of ``subject`` (a Facility, SharedFacility or IndustrialPark) for calendar ``year``, for
    the ``sources`` asked (names of ``DATA_SOURCES``; each computed once, whatever its repetitions).

    ``year`` is a year a record may name (``registry.validators``: FIRST_YEAR to the year of LAST_DATE), else
    ValueError: the caller (an assessment cycle) has checked it already."""
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_DATE.year:
        raise ValueError(f"year must be a year from {FIRST_YEAR} to {LAST_DATE.year}, not {year!r}")
    context = _Context(subject, year)
    out = {}
    for source in dict.fromkeys(sources):
        out[source] = context.value(source)
    return out


class _Context:
    """What the sources of one subject and year read, each kind of stored data read once, when first needed."""

    def __init__(self, subject, year: int):
        self.subject, self.year = subject, year
        self.kind = subject_kind(subject)
        self.today = site_periods.today()
        self.deadline = site_periods.deadline_day()
        self.expected = len(periods.due_months(year, self.today, self.deadline))
        self._cache: dict = {}

    def _once(self, name, read):
        if name not in self._cache:
            self._cache[name] = read()
        return self._cache[name]

    def gap(self, source: str, reason: str, *, months: int = 0, basis: str = "") -> FromData:
        unit = DATA_SOURCES[source][0] if source in DATA_SOURCES else ""
        return FromData(source, None, unit, basis, months, self.expected, False, reason, None,
                        KINDS.get(source, frozenset()))

    def found(self, source: str, value: float, basis: str, months: int, *, expected: int | None = None,
              complete: bool | None = None, verified: int | None = None) -> FromData:
        expected = self.expected if expected is None else expected
        if complete is None:
            complete = periods.year_complete(self.year, months, self.today, self.deadline)
        if verified is not None:
            basis = ngettext("%(basis)s; %(verified)s of %(months)s month verified",
                             "%(basis)s; %(verified)s of %(months)s months verified", months) % {
                "basis": basis, "verified": number(verified), "months": number(months)}
        return FromData(source, value, DATA_SOURCES[source][0], basis, months, expected, complete, None, verified,
                        KINDS[source])

    def tenants_meeting(self, source: str) -> FromData:
        """The share of the park's tenant facilities whose own verified facility environmental assessment of the
        year reached the level (or a higher one); a tenant without a verified assessment does not meet it."""
        from loomlight.assessments.models import Assessment
        from loomlight.registry.models import Facility

        level = "foundational" if source == "park_tenants_foundational" else "intermediate"
        meeting = ("foundational", "intermediate", "aspirational") if level == "foundational" else ("intermediate", "aspirational")
        tenants = self._once("tenants", lambda: Facility.objects.filter(park=self.subject).count())
        if not tenants:
            return self.gap(source, _("the park has no tenant facility recorded"))
        levels = self._once("tenant_levels", lambda: list(
            Assessment.objects.filter(facility__park=self.subject, year=self.year, framework_code=TENANT_FRAMEWORK,
                                      status="verified").values_list("level_reached", flat=True)))
        met = sum(1 for reached in levels if reached in meeting)
        value = met / tenants * 100.0
        what = _("the foundational level") if level == "foundational" else _("the intermediate level")
        basis = ngettext("%(year)s: %(met)s of %(tenants)s tenant facility reached %(what)s in its verified facility environmental assessment (%(verified)s verified) = %(value)s %%",
                         "%(year)s: %(met)s of %(tenants)s tenant facilities reached %(what)s in their verified facility environmental assessments (%(verified)s verified) = %(value)s %%",
                         tenants) % {"year": self.year, "met": number(met), "tenants": number(tenants), "what": what,
                                     "verified": number(len(levels)), "value": number(value, decimals=1)}
        return self.found(source, value, basis, 12, expected=12, complete=len(levels) == tenants)

    def value(self, source: str) -> FromData:
        if source not in DATA_SOURCES:
            return self.gap(source, _("%(source)s is not a source of data the platform knows.") % {"source": source})
        kinds = DATA_SOURCES[source][1]
        if self.kind not in kinds:
            return self.gap(source, _("%(source)s is computed only for %(kinds)s.") % {
                "source": source, "kinds": ", ".join(str(KIND_NAMES[k]) for k in kinds)})
        if source in FROM_ASSESSMENTS:
            return self.tenants_meeting(source)
        if source in RATES:
            return self.rate(source)
        if source == "women_share":
            return self.women_share(source)
        if source in INTENSITIES:
            return self.intensity(source)
        if source in REDUCTIONS:
            return self.reduction(source)
        if source == "zdhc_wastewater_compliance":
            return self.zdhc(source)
        if source == "mrsl_conformance":
            return self.mrsl(source)
        return self.cetp(source)

    # --- monthly workforce values -----------------------------------------------------------------------------

    def workforce(self) -> dict[str, dict[int, float]]:
        """{metric: {month: value}} of the year's workforce metrics: one query."""
        def read():
            from loomlight.reporting.models import ActivityValue

            out: dict[str, dict[int, float]] = defaultdict(dict)
            rows = ActivityValue.objects.filter(facility=self.subject, period__year=self.year, metric__in=WORKFORCE)
            for period, metric, value in rows.values_list("period", "metric", "value"):
                out[metric][period.month] = out[metric].get(period.month, 0.0) + value
            return out
        return self._once("workforce", read)

    def verified_months(self) -> set[int]:
        """The months of the year whose ``ReportingPeriod`` is verified: one query."""
        def read():
            from loomlight.reporting.models import PeriodStatus, ReportingPeriod

            return {p.month for p in ReportingPeriod.objects.filter(
                facility=self.subject, period__year=self.year, status=PeriodStatus.VERIFIED).values_list("period", flat=True)}
        return self._once("verified", read)

    def rate(self, source: str) -> FromData:
        metric, base = RATES[source]
        values = self.workforce()
        hours_by_month, injuries_by_month = values.get("hours_worked", {}), values.get(metric, {})
        what = INJURY_WORDS[metric]
        if not any(hours_by_month.values()):
            return self.gap(source, _("no hours worked reported in %(year)s") % {"year": self.year})
        counted = sorted(m for m, h in hours_by_month.items() if h > 0 and m in injuries_by_month)
        left_out = sum(1 for m, h in hours_by_month.items() if h > 0 and m not in injuries_by_month)
        left_note = (ngettext("%(n)s month with hours worked but no count of %(what)s left out of both sums",
                              "%(n)s months with hours worked but no count of %(what)s left out of both sums",
                              left_out) % {"n": number(left_out), "what": what}) if left_out else ""
        if not counted:
            return self.gap(source, _("no count of %(what)s reported for the months of %(year)s with hours worked")
                            % {"what": what, "year": self.year}, basis=left_note)
        hours = sum(hours_by_month[m] for m in counted)
        injuries = sum(injuries_by_month[m] for m in counted)
        value = injuries * base / hours
        basis = ngettext("%(period)s: %(hours)s, %(injuries)s (%(months)s of %(expected)s month reported); "
                         "%(count)s × %(base)s / %(hours_number)s = %(value)s",
                         "%(period)s: %(hours)s, %(injuries)s (%(months)s of %(expected)s months reported); "
                         "%(count)s × %(base)s / %(hours_number)s = %(value)s", self.expected) % {
            "period": self.months_label(counted), "hours": hours_worked(hours), "injuries": injury_count(metric, injuries),
            "months": number(len(counted)), "expected": number(self.expected), "count": number(injuries),
            "base": number(base), "hours_number": number(hours), "value": number(value, max_decimals=2)}
        if left_note:
            basis = _("%(basis)s; %(note)s") % {"basis": basis, "note": left_note}
        return self.found(source, value, basis, len(counted), verified=len(self.verified_months() & set(counted)))

    def women_share(self, source: str) -> FromData:
        values = self.workforce()
        women, men = values.get("headcount_female", {}), values.get("headcount_male", {})
        both = sorted(set(women) & set(men))
        if not both:
            return self.gap(source, _("no month of %(year)s reports both women and men employed") % {"year": self.year})
        month = both[-1]
        total = women[month] + men[month]
        label = self.months_label([month])
        if total == 0:
            return self.gap(source, _("%(month)s reports no one employed") % {"month": label}, months=len(both))
        value = 100.0 * women[month] / total
        basis = _("%(month)s, the latest month of %(year)s that reports both: %(women)s women, %(men)s men; "
                  "%(women)s / %(total)s = %(value)s %%") % {
            "month": label, "year": self.year, "women": number(women[month]), "men": number(men[month]),
            "total": number(total), "value": number(value, max_decimals=1)}
        return self.found(source, value, basis, len(both), verified=len(self.verified_months() & set(both)))

    # --- stored inventories -----------------------------------------------------------------------------------

    def inventories(self) -> dict[int, dict[int, dict]]:
        """{year: {month: stored inventory columns}} of the year and the one before: one query."""
        def read():
            from loomlight.inventories.models import Inventory
            from loomlight.inventories.services import gwp_set

            out: dict[int, dict[int, dict]] = {self.year: {}, self.year - 1: {}}
            rows = (Inventory.objects.filter(facility=self.subject, period__year__in=(self.year - 1, self.year),
                                             gwp_set=gwp_set())
                    .values("period", "energy_gj", "water_withdrawn_m3", "production_kg", "production_m",
                            "production_pieces", "production_pairs", "reported", "status"))
            for row in rows:
                out[row["period"].year][row["period"].month] = row
            return out
        return self._once("inventories", read)

    def _intensity(self, source: str, rows: dict[int, dict], months) -> tuple[float | None, list[int], float, float]:
        """(intensity [source unit], the months counted, numerator [stored unit], output [kg]) over ``months`` of
        ``rows``: the platform's definition (``analytics.portfolio.sums``: the energy or water of the months that
        report output in kg, over those kg), and a month that did not report the energy or water is left out."""
        column, group, factor = INTENSITIES[source]
        counted = [m for m in months if m in rows and rows[m]["production_kg"] > 0 and _reported(rows[m], group)]
        amount = sum(rows[m][column] for m in counted)
        output = sum(rows[m]["production_kg"] for m in counted)
        return (amount * factor / output if output else None), counted, amount, output

    def _intensity_gap(self, source: str, rows: dict[int, dict], year: int) -> str:
        column, group, _factor = INTENSITIES[source]
        if not rows:
            return _("no inventory months stored for %(year)s") % {"year": year}
        if not any(r["production_kg"] > 0 for r in rows.values()):
            other = [OUTPUT_WORDS[c] for c in ("production_m", "production_pieces", "production_pairs")
                     if any(r[c] > 0 for r in rows.values())]
            if other:
                return _("no output by mass (kg) reported in %(year)s: output in %(units)s, which an intensity per kg "
                         "cannot use") % {"year": year, "units": ", ".join(str(o) for o in other)}
            return _("no output reported in %(year)s") % {"year": year}
        return _("no month of %(year)s reports both output in kg and %(what)s") % {
            "year": year, "what": GROUP_WORDS[group]}

    def intensity(self, source: str) -> FromData:
        rows = self.inventories()[self.year]
        value, counted, amount, output = self._intensity(source, rows, range(1, 13))
        if value is None:
            return self.gap(source, self._intensity_gap(source, rows, self.year))
        basis = self._intensity_basis(source, counted, amount, output, value)
        return self.found(source, value, basis, len(counted), verified=_verified(rows, counted))

    def _intensity_basis(self, source: str, counted, amount: float, output: float, value: float) -> str:
        what = (_("%(amount)s GJ of energy") if source == "energy_intensity" else _("%(amount)s m³ of water withdrawn")) % {
            "amount": number(amount)}
        return ngettext("%(period)s: %(what)s over %(output)s kg of output (%(months)s of %(expected)s month with "
                        "both) = %(value)s %(unit)s",
                        "%(period)s: %(what)s over %(output)s kg of output (%(months)s of %(expected)s months with "
                        "both) = %(value)s %(unit)s", self.expected) % {
            "period": self.months_label(counted), "what": what, "output": number(output), "months": number(len(counted)),
            "expected": number(self.expected), "value": number(value, max_decimals=2), "unit": UNIT_WORDS[source]}

    def reduction(self, source: str) -> FromData:
        intensity = REDUCTIONS[source]
        stored = self.inventories()
        this_rows, last_rows = stored[self.year], stored[self.year - 1]
        if not this_rows:
            return self.gap(source, _("no inventory months stored for %(year)s") % {"year": self.year})
        # like with like (calc.periods.comparison): a year whose data reach December against the year before; else
        # January to its latest month with data against the same months of the year before
        shown, before = periods.comparison(self.year, [datetime.date(self.year, m, 1) for m in this_rows])
        months = [m for _y, m in shown.months]
        this, counted, _a, _o = self._intensity(intensity, this_rows, months)
        # the year before over the very months counted this year (a month missing this year is left out of both)
        last, counted_before, _a, _o = self._intensity(intensity, last_rows, counted or months)
        label = site_periods.comparison_label(shown, before)
        if this is None:
            return self.gap(source, _("%(label)s: %(why)s") % {
                "label": label, "why": self._intensity_gap(intensity, this_rows, self.year)})
        if last is None:
            return self.gap(source, _("%(label)s: %(why)s") % {
                "label": label, "why": self._intensity_gap(intensity, {m: last_rows[m] for m in months if m in last_rows},
                                                           self.year - 1)}, months=len(counted))
        value = 100.0 * (last - this) / last
        unit = UNIT_WORDS[intensity]
        basis = _("%(label)s: %(this)s %(unit)s (%(months)s) against %(last)s %(unit)s (%(months_before)s); "
                  "(%(last)s − %(this)s) / %(last)s = %(value)s %%") % {
            "label": label, "this": number(this, max_decimals=2), "last": number(last, max_decimals=2), "unit": unit,
            "months": month_count(len(counted)), "months_before": month_count(len(counted_before)),
            "value": number(value, max_decimals=1)}
        if value < 0:
            basis = _("%(basis)s (the intensity rose)") % {"basis": basis}
        complete = len(counted) == shown.length and len(counted_before) == shown.length
        return self.found(source, value, basis, len(counted), expected=shown.length, complete=complete,
                          verified=_verified(this_rows, counted))

    # --- wastewater -------------------------------------------------------------------------------------------

    def _judged(self, plants=None):
        """The year's samples of the points that leave the site (``rules.LEGAL_POINTS``) of the subject, or of
        ``plants``, each judged by ``wastewater.selectors.compliance``: a fixed number of queries."""
        from loomlight.wastewater import selectors as wastewater
        from loomlight.wastewater.models import SamplingEvent
        from loomlight.wastewater.rules import LEGAL_POINTS, SiteRules

        if plants is None:
            site = {"facility": self.subject} if self.kind == "facility" else {"shared_facility": self.subject}
            rules = {("facility", self.subject.pk) if self.kind == "facility" else ("shared", self.subject.pk):
                     (SiteRules(facility=self.subject) if self.kind == "facility" else SiteRules(shared=self.subject))}
            events = SamplingEvent.objects.filter(**site)
        else:
            rules = SiteRules.many(plants=plants)
            events = SamplingEvent.objects.filter(shared_facility__in=plants)
        events = list(events.filter(sampled_on__year=self.year, sampling_point__in=LEGAL_POINTS)
                      .prefetch_related("results").order_by("sampled_on", "pk"))
        return wastewater.judged(events, rules) if events else []

    def _share(self, source: str, tallies: dict, months: int, what: str) -> FromData:
        judged = tallies[Outcome.PASS] + tallies[Outcome.FAIL]
        not_judged = tallies["other"]
        note = (ngettext("%(n)s result not judged (inconclusive or no limit)",
                         "%(n)s results not judged (inconclusive or no limit)", not_judged)
                % {"n": number(not_judged)}) if not_judged else ""
        if not judged:
            reason = (_("no result of %(year)s could be judged against %(what)s") if not_judged
                      else _("no wastewater result recorded in %(year)s")) % {"year": self.year, "what": what}
            return self.gap(source, reason, months=months, basis=note)
        value = 100.0 * tallies[Outcome.PASS] / judged
        basis = ngettext("%(year)s: %(passed)s of %(judged)s result meets %(what)s (%(samples)s in %(months)s) "
                         "= %(value)s %%",
                         "%(year)s: %(passed)s of %(judged)s results meet %(what)s (%(samples)s in %(months)s) "
                         "= %(value)s %%", judged) % {
            "year": self.year, "passed": number(tallies[Outcome.PASS]), "judged": number(judged), "what": what,
            "samples": ngettext("%(n)s sample", "%(n)s samples", tallies["samples"]) % {"n": number(tallies["samples"])},
            "months": month_count(months), "value": number(value, max_decimals=1)}
        if note:
            basis = _("%(basis)s; %(note)s") % {"basis": basis, "note": note}
        # samples are not monthly: the year's share can still change until the year is over
        return self.found(source, value, basis, months, complete=periods.year_over(self.year, self.today, self.deadline))

    def zdhc(self, source: str) -> FromData:
        pairs = self._judged()
        tallies = {Outcome.PASS: 0, Outcome.FAIL: 0, "other": 0, "samples": len(pairs)}
        for _event, c in pairs:
            keys = [v.key for v in c["sets"] if v.family == "zdhc:foundational"]
            for row in c["rows"]:
                outcome = row["cells"][keys[0]]["outcome"] if keys else Outcome.NO_LIMIT
                tallies[outcome if outcome in (Outcome.PASS, Outcome.FAIL) else "other"] += 1
        months = len({e.sampled_on.month for e, _c in pairs})
        return self._share(source, tallies, months, _("the ZDHC foundational limit"))

    def cetp(self, source: str) -> FromData:
        from loomlight.wastewater.selectors import EXCEEDANCE_FAMILIES, EXCEEDANCE_KINDS

        if self.kind == "park":
            plants = list(SharedFacility.objects.filter(park=self.subject, kind=SharedFacilityKind.CETP).select_related("park"))
            if not plants:
                return self.gap(source, _("the park has no central effluent treatment plant recorded"))
        elif self.subject.kind != SharedFacilityKind.CETP:
            return self.gap(source, _("this shared facility is not a central effluent treatment plant"))
        else:
            plants = [self.subject]
        pairs = self._judged(plants)
        tallies = {Outcome.PASS: 0, Outcome.FAIL: 0, "other": 0, "samples": len(pairs)}
        for _event, c in pairs:
            counted = [v.key for v in c["sets"] if v.kind in EXCEEDANCE_KINDS or v.family in EXCEEDANCE_FAMILIES]
            for row in c["rows"]:
                outcomes = {row["cells"][k]["outcome"] for k in counted}
                if Outcome.FAIL in outcomes:
                    tallies[Outcome.FAIL] += 1
                elif Outcome.PASS in outcomes:
                    tallies[Outcome.PASS] += 1
                else:
                    tallies["other"] += 1
        months = len({e.sampled_on.month for e, _c in pairs})
        return self._share(source, tallies, months, _("every limit that binds the plant and the ZDHC foundational limit"))

    # --- chemicals --------------------------------------------------------------------------------------------

    def mrsl(self, source: str) -> FromData:
        from loomlight.chemicals.models import ChemicalUse

        on = min(self.today, datetime.date(self.year, 12, 31))
        used: dict[int, float] = defaultdict(float)
        products: dict[int, ProductUse] = {}
        months: set[int] = set()
        rows = (ChemicalUse.objects.filter(product__facility=self.subject, period__year=self.year)
                .values_list("product_id", "period", "quantity_kg", "product__name", "product__mrsl_level",
                             "product__declaration_reference", "product__declaration_valid_until"))
        for pk, period, quantity, name, level, reference, valid_until in rows:
            used[pk] += quantity
            months.add(period.month)
            products[pk] = (name, level, bool(reference), valid_until)
        if not products:
            return self.gap(source, _("no chemical use recorded in %(year)s") % {"year": self.year})
        uses = [ProductUse(name, used[pk], level, on_file, until) for pk, (name, level, on_file, until) in products.items()]
        states = [declaration_state(u, on) for u in uses]
        conformant = states.count(DeclarationState.VALID)
        expired = states.count(DeclarationState.EXPIRED)
        missing = states.count(DeclarationState.MISSING)
        value = 100.0 * conformant / len(uses)
        basis = ngettext("%(year)s: %(conformant)s of %(products)s product used is declared ZDHC MRSL conformant "
                         "with a declaration valid on %(on)s = %(value)s %%",
                         "%(year)s: %(conformant)s of %(products)s products used are declared ZDHC MRSL conformant "
                         "with a declaration valid on %(on)s = %(value)s %%", len(uses)) % {
            "year": self.year, "conformant": number(conformant), "products": number(len(uses)),
            "on": date_format(on),
            "value": number(value, max_decimals=1)}
        notes = []
        if expired:
            notes.append(ngettext("%(n)s declaration expired, not counted as conformant",
                                     "%(n)s declarations expired, not counted as conformant", expired) % {
                "n": number(expired)})
        if missing:
            notes.append(ngettext("%(n)s product claims a level without a declaration on file, not counted",
                                     "%(n)s products claim a level without a declaration on file, not counted",
                                     missing) % {"n": number(missing)})
        share = conformant_share(uses, on)
        if share is not None:
            notes.append(_("by mass: %(share)s %%") % {"share": number(100.0 * share, max_decimals=1)})
        for note in notes:
            basis = _("%(basis)s; %(note)s") % {"basis": basis, "note": note}
        return self.found(source, value, basis, len(months))

    # --- words ------------------------------------------------------------------------------------------------

    def months_label(self, months) -> str:
        """The run of ``months`` of the year, from the first to the last: "2025", "Mar–Sep 2025", "Dec 2025"."""
        first, last = min(months), max(months)
        kind = periods.YEAR if (first, last) == (1, 12) else periods.YEAR_TO_DATE
        return site_periods.period_label(periods.Period(datetime.date(self.year, first, 1),
                                                       datetime.date(self.year, last, 1), kind))


def month_count(n: int) -> str:
    """"1 month", "3 months"."""
    return ngettext("%(n)s month", "%(n)s months", n) % {"n": number(n)}


def hours_worked(hours: float) -> str:
    """"600,000 hours worked"."""
    return ngettext("%(n)s hour worked", "%(n)s hours worked", round(hours)) % {"n": number(hours)}


def injury_count(metric: str, n: float) -> str:
    """"3 lost-time injuries", "1 recordable injury"."""
    if metric == "injuries_lost_time":
        return ngettext("%(n)s lost-time injury", "%(n)s lost-time injuries", round(n)) % {"n": number(n)}
    return ngettext("%(n)s recordable injury", "%(n)s recordable injuries", round(n)) % {"n": number(n)}


def _verified(rows: dict[int, dict], months) -> int:
    """How many of ``months`` of the stored inventory ``rows`` are verified (``Inventory.status``)."""
    from loomlight.reporting.models import PeriodStatus

    return sum(1 for m in months if rows[m]["status"] == PeriodStatus.VERIFIED)


def _reported(row: dict, group: str) -> bool:
    """Whether a stored month reported ``group`` ("energy", "water"); a month stored before this was recorded
    (None) is read as the pages read it: as reported."""
    return row["reported"] is None or group in row["reported"].split()


KIND_NAMES = {"facility": _lazy("facilities"), "shared_facility": _lazy("shared facilities"), "park": _lazy("industrial parks")}
INJURY_WORDS = {"injuries_lost_time": _lazy("lost-time injuries"), "injuries_recordable": _lazy("recordable injuries")}
GROUP_WORDS = {"energy": _lazy("energy"), "water": _lazy("water withdrawn")}
OUTPUT_WORDS = {"production_m": _lazy("metres"), "production_pieces": _lazy("pieces"), "production_pairs": _lazy("pairs")}
UNIT_WORDS = {"energy_intensity": _lazy("MJ/kg"), "water_intensity": _lazy("L/kg")}
