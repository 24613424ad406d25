"""A facility's yearly intensities against its peers'.

Peers are the other facilities that report the same output metric (kg, metres,
pieces or pairs; intensities in different units do not compare) and share the
facility's process class: wet processing (dyeing, printing, finishing, laundry,
tanning) or dry. Those two facts decide most of a textile facility's energy and
water per unit of output. A peer counts when it reported output that year.

The comparison reads every peer's totals, whoever looks: what leaves this module
is the peers' median and their number, and only when there are at least
``calc.validation.MIN_PEERS`` of them. No peer is named and no single value shown.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from loomlight.calc.kpi import energy_gj, intensity
from loomlight.calc.validation import MIN_PEERS, peer_flag
from loomlight.reference.metrics import metrics
from loomlight.registry.models import WET_PROCESSES, Facility
from loomlight.reporting.models import ActivityValue

#: Energy metrics that are not energy used on site.
ENERGY_EXCLUDED = frozenset({"electricity_exported", "rec_irec", "rec_ppa"})
#: Water that is not withdrawn.
WATER_EXCLUDED = frozenset({"water_recycled"})


def is_energy_used(code: str, category: str) -> bool:
    return category in ("energy", "fuel") and code not in ENERGY_EXCLUDED


def is_water_withdrawn(code: str, category: str) -> bool:
    return category == "water" and code not in WATER_EXCLUDED


@dataclass(frozen=True)
class Totals:
    """A facility's year: energy used [GJ], water withdrawn [m³], output per production metric."""

    energy_gj: float = 0.0
    water_m3: float = 0.0
    output: dict[str, float] | None = None

    @property
    def output_metric(self) -> str | None:
        """The production metric with the largest total: the facility's main output."""
        return max(self.output, key=self.output.get, default=None) if self.output else None


def yearly_totals(facility_ids, year: int) -> dict[int, Totals]:
    """{facility id: Totals} from one grouped query over the stored canonical values."""
    category = {code: m.category for code, m in metrics().items()}
    wanted = [c for c, cat in category.items() if is_energy_used(c, cat) or is_water_withdrawn(c, cat) or cat == "production"]
    rows = (ActivityValue.objects.filter(facility_id__in=facility_ids, period__year=year, metric__in=wanted)
            .values_list("facility_id", "metric", "unit").annotate(total=Sum("value")).order_by())
    energy: dict[int, float] = defaultdict(float)
    water: dict[int, float] = defaultdict(float)
    output: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for facility_id, code, unit, total in rows:
        cat = category[code]
        if is_energy_used(code, cat):
            energy[facility_id] += energy_gj(total, unit)
        elif is_water_withdrawn(code, cat):
            water[facility_id] += total
        else:
            output[facility_id][code] += total
    ids = set(energy) | set(water) | set(output)
    return {i: Totals(energy[i], water[i], dict(output[i]) if i in output else None) for i in ids}


def is_wet(processes) -> bool:
    """Whether a facility with these processes does wet processing."""
    return bool(WET_PROCESSES & set(processes or ()))


@dataclass(frozen=True)
class PeerComparison:
    kpi: str                  # "energy_intensity" or "water_intensity"
    value: float | None       # this facility's intensity
    median: float | None      # the peers' median, None when too few peers
    peers: int                # peers with this intensity
    flag: str                 # "high", "low" or ""


def peer_comparisons(facility, year: int) -> dict:
    """{"output_metric", "wet", "peers", "min_peers", "kpis": {kpi: PeerComparison}} for ``facility`` in ``year``."""
    wet = is_wet(facility.processes)
    candidates = [pk for pk, processes in Facility.objects.values_list("pk", "processes") if is_wet(processes) == wet]
    totals = yearly_totals(candidates + [facility.pk], year)
    own = totals.get(facility.pk, Totals())
    metric = own.output_metric
    result = {"output_metric": metric, "wet": wet, "min_peers": MIN_PEERS, "kpis": {}}
    peers = [t for pk, t in totals.items() if pk != facility.pk and metric and t.output_metric == metric and t.output[metric] > 0]
    result["peers"] = len(peers)
    if not metric:
        return result
    output = own.output[metric]
    for kpi, of in (("energy_intensity", lambda t: t.energy_gj), ("water_intensity", lambda t: t.water_m3)):
        value = intensity(of(own), output) if of(own) else None
        values = [intensity(of(t), t.output[metric]) for t in peers if of(t)]
        median = statistics.median(values) if len(values) >= MIN_PEERS else None
        result["kpis"][kpi] = PeerComparison(kpi, value, median, len(values), peer_flag(value, values))
    return result
