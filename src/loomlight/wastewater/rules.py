"""The limits a site's samples are judged against: read once per site (its discharge records, permits and their
limits, the intake limits of the plants it sends to), then asked per sample day.

The rules themselves are in calc.discharge (pure); this module only turns rows into its inputs, with a fixed
number of queries per site whatever the number of samples."""

from __future__ import annotations

import datetime
from bisect import bisect_right

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


class SiteRules:
    """The discharge facts of one facility or shared facility (a central plant)."""

    def __init__(self, *, facility=None, shared=None):
        self.facility, self.shared = facility, shared
        site = {"facility": facility} if facility is not None else {"shared_facility": shared}
        self.country = facility.country if facility is not None else shared.park.country
        self.discharges = list(Discharge.objects.filter(**site).select_related("cetp").order_by("valid_from", "pk"))
        self._days = [d.valid_from for d in self.discharges]
        self.permits = list(DischargePermit.objects.filter(**site).prefetch_related("limits", "evidence"))
        self._permits = [calc.Permit(str(p.pk), p.number, p.issuing_body, p.issued_on, p.valid_until,
                                     {lim.parameter: _limit(lim, "permit") for lim in p.limits.all()}) for p in self.permits]
        plants = {d.cetp_id: d.cetp for d in self.discharges if d.cetp_id}
        rows = IntakeLimit.objects.filter(cetp_id__in=plants) if plants else IntakeLimit.objects.none()
        self._intake: dict[int, list[calc.IntakeLimit]] = {}
        for row in rows:
            self._intake.setdefault(row.cetp_id, []).append(calc.IntakeLimit(row.parameter, row.valid_from, _limit(row, "intake")))
        self.plants = plants

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
        direct = self.direct_on(event)
        table = applicable(zdhc_limits(ZDHC), direct_discharge=direct)
        for level in STANDARDS[ZDHC][1]:
            limits = {p: lim for (p, lvl), lim in table.items() if lvl == level}
            out.append(calc.LimitSet(key=f"zdhc:{level}", family=f"zdhc:{level}", kind="zdhc", limits=limits,
                                     why=calc.Why("zdhc", reference=level, route="direct" if direct else "indirect")))
        return out
