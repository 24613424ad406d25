"""The limits a site's samples are judged against: read once per site (its discharge records, permits and their
limits, the intake limits of the plants it sends to), then asked per sample day.

The rules themselves are in calc.discharge (pure); this module only turns rows into its inputs, with a fixed
number of queries per site whatever the number of samples."""

from __future__ import annotations

import datetime
from bisect import bisect_right
from functools import cache

from django.db.models import Q

from loomlight.calc import discharge as calc
from loomlight.calc.wastewater import Limit, applicable
from loomlight.reference import discharge as reference
from loomlight.reference.wastewater import STANDARDS, limits as zdhc_limits
from loomlight.wastewater.models import Discharge, DischargePermit, DischargeRoute, DischargeType, IntakeLimit, SamplingPoint

#: The sampling points the law, a permit or a plant's intake rules judge: what leaves the site.
LEGAL_POINTS = frozenset({SamplingPoint.DISCHARGE, SamplingPoint.TREATED, SamplingPoint.CETP_OUTFLOW})

ZDHC = "zdhc_wwg"


def _limit(row, level: str) -> Limit:
    return Limit(row.parameter, level, row.limit_min, row.limit_max, row.unit, "all")


@cache
def _zdhc_sets(direct: bool) -> tuple[calc.LimitSet, ...]:
    """ZDHC's levels as sets, for a direct or an indirect discharger (the same for every sample)."""
    table = applicable(zdhc_limits(ZDHC), direct_discharge=direct)
    return tuple(
        calc.LimitSet(key=f"zdhc:{level}", family=f"zdhc:{level}", kind="zdhc",
                      limits={p: lim for (p, lvl), lim in table.items() if lvl == level},
                      why=calc.Why("zdhc", reference=level, route="direct" if direct else "indirect"))
        for level in STANDARDS[ZDHC][1])


class SiteRules:
    """The discharge facts of one facility or shared facility (a central plant). Build many at once with many()."""

    def __init__(self, *, facility=None, shared=None, _loaded=None):
        self.facility, self.shared = facility, shared
        self.country = facility.country if facility is not None else shared.park.country
        if _loaded is None:
            site = {"facility": facility} if facility is not None else {"shared_facility": shared}
            discharges = list(Discharge.objects.filter(**site).select_related("cetp").order_by("valid_from", "pk"))
            permits = list(DischargePermit.objects.filter(**site).prefetch_related("limits", "evidence"))
            plants = {d.cetp_id for d in discharges if d.cetp_id}
            intake = list(IntakeLimit.objects.filter(cetp_id__in=plants)) if plants else []
        else:
            discharges, permits, intake = _loaded
        self.discharges = discharges
        self._days = [d.valid_from for d in discharges]
        self.permits = permits
        self._permits = [calc.Permit(str(p.pk), p.number, p.issuing_body, p.issued_on, p.valid_until,
                                     {lim.parameter: _limit(lim, "permit") for lim in p.limits.all()}) for p in permits]
        self._intake: dict[int, list[calc.IntakeLimit]] = {}
        for row in intake:
            self._intake.setdefault(row.cetp_id, []).append(calc.IntakeLimit(row.parameter, row.valid_from, _limit(row, "intake")))
        self.judged: dict[int, dict] = {}   # compliance() of each event, kept for the request this object lives in

    @classmethod
    def many(cls, *, facilities=(), plants=()) -> dict[tuple[str, int], SiteRules]:
        """{("facility" | "shared", pk): SiteRules} for many sites in a fixed number of queries (a park's page)."""
        facilities, plants = list(facilities), list(plants)
        site_q = Q(facility__in=facilities) | Q(shared_facility__in=plants)
        discharges = list(Discharge.objects.filter(site_q).select_related("cetp").order_by("valid_from", "pk"))
        permits = list(DischargePermit.objects.filter(site_q).prefetch_related("limits", "evidence"))
        cetps = {d.cetp_id for d in discharges if d.cetp_id}
        intake = list(IntakeLimit.objects.filter(cetp_id__in=cetps)) if cetps else []

        def key(row):
            return ("facility", row.facility_id) if row.facility_id else ("shared", row.shared_facility_id)

        by_site: dict[tuple[str, int], tuple[list, list]] = {}
        for d in discharges:
            by_site.setdefault(key(d), ([], []))[0].append(d)
        for p in permits:
            by_site.setdefault(key(p), ([], []))[1].append(p)
        out = {}
        for site, kind in [*((f, "facility") for f in facilities), *((p, "shared") for p in plants)]:
            own_discharges, own_permits = by_site.get((kind, site.pk), ([], []))
            own_cetps = {d.cetp_id for d in own_discharges if d.cetp_id}
            loaded = (own_discharges, own_permits, [r for r in intake if r.cetp_id in own_cetps])
            out[(kind, site.pk)] = cls(facility=site, _loaded=loaded) if kind == "facility" else cls(shared=site, _loaded=loaded)
        return out

    def discharge_on(self, day: datetime.date) -> Discharge | None:
        """The discharge record in force on ``day``: the latest valid from that day or before."""
        i = bisect_right(self._days, day)
        return self.discharges[i - 1] if i else None

    def current(self) -> Discharge | None:
        return self.discharges[-1] if self.discharges else None

    def site_on(self, day: datetime.date) -> calc.Site:
        d = self.discharge_on(day)
        if d is None:
            return calc.Site(self.country, None)
        return calc.Site(self.country, d.route, d.receiving_class, d.receiving_water, d.operating_since)

    def direct_on(self, event) -> bool:
        """Whether ZDHC's direct-discharge limits apply: from the discharge record of the sample's day, else as
        the sampling event says."""
        d = self.discharge_on(event.sampled_on)
        if d is None:
            return event.discharge_type == DischargeType.DIRECT
        return d.route == DischargeRoute.SURFACE

    def sets(self, event) -> list[calc.LimitSet]:
        """Every set of limits ``event``'s results are judged against: national, permit and intake (only at a
        point that leaves the site), then ZDHC's levels."""
        day = event.sampled_on
        out: list[calc.LimitSet] = []
        if event.sampling_point in LEGAL_POINTS:
            site = self.site_on(day)
            out.extend(calc.national_sets(reference.regulations(), reference.columns(), reference.limits(), site, day))
            permit = calc.permit_set(self._permits, day)
            if permit is not None:
                out.append(permit)
            d = self.discharge_on(day)
            if d is not None and d.route == DischargeRoute.CETP and d.cetp_id:
                intake = calc.intake_set(str(d.cetp_id), d.cetp.name, self._intake.get(d.cetp_id, ()), day)
                out.append(intake if intake is not None else calc.LimitSet(
                    key=f"intake:{d.cetp_id}", family="intake", kind="intake",
                    why=calc.Why("intake", reference=d.cetp.name)))
        out.extend(_zdhc_sets(self.direct_on(event)))
        return out
