"""Demo discharge routes, discharge permits and a central plant's intake limits (fictional, for the demo only).

Where a demo site's wastewater goes follows from its place and its kind, the same for every seed:

* a park's tenants send it to their park's central plant; the plants discharge to a river near the park
  (Ziway's plant discharges nothing: zero liquid discharge, so it has no route);
* facilities outside parks discharge to the river near their town or to the town's sewer (TOWN_ROUTES);
* in Viet Nam a few sites tell the story of QCVN 40:2025/BTNMT and its transition (VIET_NAM): a weaving mill on
  the Đào river operating since 2012 (it keeps QCVN 13-MT:2015 until 2031), a laundry on the Vàm Cỏ Đông that
  began operating on 2025-10-01 (its route and samples start then), a denim plant whose start is not recorded, a
  sportswear plant on Từ Sơn's sewer; each holds a permit, and the park's central plant holds one too.

Every permit number, issuing day and limit below, and every intake limit, is invented for the demo: none is a
real permit or a legal limit (the national limits are reference data, reference/discharge_limits.csv).

``plan_discharge`` is pure; ``write_discharge`` writes a plan through the wastewater and evidence services,
each write audited, as the login the plan names (the operator, the facility manager, the park operator).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from loomlight.demo.labs import LabScenario
from loomlight.registry.models import WET_PROCESSES

SURFACE, SEWER, CETP = "surface", "sewer", "cetp"
#: Every route is recorded from the start of 2024, before the first quarterly sample (2024-02-14).
ROUTES_FROM = datetime.date(2024, 1, 1)
#: The demo's monthly data begin here; a facility that began operating later reports from its first month only.
DATA_FROM = datetime.date(2023, 1, 1)

#: Facilities outside parks, by town: (route, receiving water, class of the receiving water). The rivers are the
#: real ones near each town; the classes are demo choices, given only in Viet Nam (the other countries' columns
#: are not shipped, so a class there would mean nothing yet).
TOWN_ROUTES = {
    "Nam Định": (SURFACE, "Đào river", "B"),
    "Từ Sơn": (SEWER, "Từ Sơn public sewer", ""),
    "Đức Hòa": (SURFACE, "Vàm Cỏ Đông river", "B"),
    "Phnom Penh": (SEWER, "Phnom Penh public sewer", ""),
    "Ta Khmau": (SURFACE, "Bassac river", ""),
    "Kampong Chhnang": (SURFACE, "Tonle Sap river", ""),
    "Samut Sakhon": (SURFACE, "Tha Chin river", ""),
    "Nakhon Pathom": (SURFACE, "Tha Chin river", ""),
    "Pathum Thani": (SURFACE, "Rangsit canal", ""),
    "Samut Prakan": (SEWER, "Bang Phli public sewer", ""),
}

#: Each park's central plant: (receiving water, class, began operating), or None when it discharges nothing.
PLANT_ROUTES = {
    "Song Xanh Central Effluent Treatment Plant": ("Đồng Nai river", "A", datetime.date(2009, 6, 1)),
    "Ponleu Central Effluent Treatment Plant": ("Prek Thnot river", "", None),
    "Ziway Zero-Liquid-Discharge Treatment Plant": None,  # zero liquid discharge: its treated water is reused
    "Menengai Effluent Treatment Plant": ("Njoro river", "", None),
}

Limits = tuple[tuple[str, str, float | None, float | None], ...]  # (parameter, unit, minimum, maximum)

# Permit limits: DEMO VALUES, invented for the demo (not any real permit, not QCVN 40:2025 or QCVN 13-MT:2015).
#: A permit for a class B river, stricter than ZDHC's foundational COD (150 mg/L).
DEMO_LIMITS_RIVER: Limits = (
    ("cod", "mg/L", None, 75), ("bod5", "mg/L", None, 30), ("tss", "mg/L", None, 50), ("ph", "pH", 6, 9),
    ("colour_436", "m-1", None, 6), ("total_nitrogen", "mg/L", None, 20), ("ammonium_n", "mg/L", None, 5),
)
#: A newer plant's permit on the same kind of river (demo values).
DEMO_LIMITS_NEW_RIVER: Limits = (
    ("cod", "mg/L", None, 90), ("bod5", "mg/L", None, 30), ("tss", "mg/L", None, 60), ("ph", "pH", 6, 9),
    ("colour_436", "m-1", None, 7), ("total_nitrogen", "mg/L", None, 20), ("ammonium_n", "mg/L", None, 5),
)
#: An older, looser permit (demo values).
DEMO_LIMITS_OLD_RIVER: Limits = (
    ("cod", "mg/L", None, 150), ("bod5", "mg/L", None, 50), ("tss", "mg/L", None, 100), ("ph", "pH", 5.5, 9),
    ("colour_436", "m-1", None, 7), ("total_nitrogen", "mg/L", None, 40), ("ammonium_n", "mg/L", None, 10),
)
#: A permit to discharge to a town's sewer, which goes on to a municipal plant (demo values).
DEMO_LIMITS_SEWER: Limits = (
    ("cod", "mg/L", None, 250), ("bod5", "mg/L", None, 100), ("tss", "mg/L", None, 150), ("ph", "pH", 5.5, 9),
    ("colour_436", "m-1", None, 30), ("total_nitrogen", "mg/L", None, 40), ("ammonium_n", "mg/L", None, 20),
)
#: A central plant's permit for a class A river (demo values).
DEMO_LIMITS_PLANT: Limits = (
    ("cod", "mg/L", None, 75), ("bod5", "mg/L", None, 30), ("tss", "mg/L", None, 50), ("ph", "pH", 6, 9),
    ("colour_436", "m-1", None, 6), ("total_nitrogen", "mg/L", None, 20), ("ammonium_n", "mg/L", None, 5),
)

#: The park operator's intake limits for its tenants: DEMO VALUES (parameter, unit, min, max, from, note).
#: No absolute temperature is set: wastewater_parameters.csv has only the difference to the receiving water.
DEMO_INTAKE = (
    ("cod", "mg/L", None, 500, ROUTES_FROM, "Tenant agreement, annex on intake quality (demo values)"),
    ("bod5", "mg/L", None, 250, ROUTES_FROM, "Tenant agreement, annex on intake quality (demo values)"),
    ("tss", "mg/L", None, 200, ROUTES_FROM, "Tenant agreement, annex on intake quality (demo values)"),
    ("ph", "pH", 5.5, 9, ROUTES_FROM, "Tenant agreement, annex on intake quality (demo values)"),
    ("colour_436", "m-1", None, 50, ROUTES_FROM, "Tenant agreement, annex on intake quality (demo values)"),
    ("cod", "mg/L", None, 400, datetime.date(2026, 1, 1), "Stricter COD from 2026, amended annex (demo values)"),
)

#: A pretreating tenant's wastewater against the treated effluent labs.TREATED describes (demo assumptions).
PRETREATED = (("cod", 3.6), ("bod5", 3.5), ("tss", 2.5), ("colour_436", 4.0), ("total_nitrogen", 1.5), ("ammonium_n", 1.5))


class _Permit(NamedTuple):
    number: str
    issuing_body: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    limits: Limits


class _Story(NamedTuple):
    """A Viet Nam site with a story of its own (demo facts)."""
    operating_since: datetime.date | None
    valid_from: datetime.date
    permit: _Permit | None
    lab: LabScenario


#: (town or park, profile) -> its story. Province names as on the permit's day: Nam Định and Long An merged into
#: Ninh Bình and Tây Ninh on 2025-07-01; since 2025-03-01 provincial environment departments are Departments of
#: Agriculture and Environment.
VIET_NAM = {
    # Operating since 2012: within QCVN 13-MT:2015's transition until 2031. A COD of 112 mg/L on 2025-08-14 is over
    # its permit (75) and within ZDHC foundational (150); it is sampled before and after 2025-09-01.
    ("Nam Định", "woven_mill"): _Story(
        datetime.date(2012, 5, 1), ROUTES_FROM,
        _Permit("214/GP-UBND", "People's Committee of Nam Định Province", datetime.date(2021, 6, 15),
                datetime.date(2031, 6, 14), DEMO_LIMITS_RIVER),
        LabScenario(quality=0.7, pinned=((datetime.date(2025, 8, 14), "cod", 112.0),
                                         (datetime.date(2025, 11, 13), "cod", 64.0)))),
    # Began operating on 2025-10-01, under QCVN 40:2025 from its first day; sampled monthly from then (these three
    # days, then the 15th of every month up to the day the demo is built: labs._later_days).
    ("Đức Hòa", "laundry"): _Story(
        datetime.date(2025, 10, 1), datetime.date(2025, 10, 1),
        _Permit("1032/GP-UBND", "People's Committee of Tây Ninh Province", datetime.date(2025, 9, 22),
                datetime.date(2032, 9, 21), DEMO_LIMITS_NEW_RIVER),
        LabScenario(dates=(datetime.date(2025, 10, 15), datetime.date(2025, 11, 13), datetime.date(2025, 12, 15)))),
    # Its start of operation is not recorded: the pages show both regulations, each with its condition.
    ("Đức Hòa", "denim"): _Story(
        None, ROUTES_FROM,
        _Permit("2785/GP-UBND", "People's Committee of Long An Province", datetime.date(2019, 11, 5),
                datetime.date(2029, 11, 4), DEMO_LIMITS_OLD_RIVER),
        LabScenario()),
    # To the town's sewer; treated well: within its permit.
    ("Từ Sơn", "sportswear"): _Story(
        datetime.date(2017, 3, 1), ROUTES_FROM,
        _Permit("58/GP-SNNMT", "Department of Agriculture and Environment of Bắc Ninh Province", datetime.date(2025, 4, 10),
                datetime.date(2035, 4, 9), DEMO_LIMITS_SEWER),
        LabScenario(quality=0.8)),
}
#: The Viet Nam park's central plant's permit (demo values; a central plant's permit has no evidence file: evidence
#: belongs to a facility).
PLANT_PERMIT = _Permit("1187/GP-BTNMT", "Ministry of Natural Resources and Environment", datetime.date(2022, 8, 30),
                       datetime.date(2032, 8, 29), DEMO_LIMITS_PLANT)
#: Two tenants of the Viet Nam park with a story: one only pretreats (its COD of 612 mg/L on 2025-05-15 is over the
#: plant's intake limit of 500; its 455 mg/L on 2026-02-14 would have met that limit but not the stricter 400 of
#: 2026), one treats well and stays within every limit.
OVER_INTAKE = ("dye_house", LabScenario(quality=1.0, factors=PRETREATED, pinned=(
    (datetime.date(2025, 5, 15), "cod", 612.0), (datetime.date(2026, 2, 14), "cod", 455.0))))
WITHIN_ALL = ("knit_mill", LabScenario(quality=0.8))


@dataclass(frozen=True)
class DischargePlan:
    site: str                    # a facility's name, or a central plant's
    central: bool                # True: the site is a central plant (a shared facility)
    valid_from: datetime.date
    route: str
    receiving_water: str
    receiving_class: str
    cetp: str | None             # the central plant a tenant sends its wastewater to
    operating_since: datetime.date | None
    by: str                      # the demo login that records it


@dataclass(frozen=True)
class PermitPlan:
    site: str
    central: bool
    number: str
    issuing_body: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    limits: Limits
    by: str
    evidence: bool               # a PDF of the permit attached (facilities only)


@dataclass(frozen=True)
class IntakePlan:
    cetp: str
    parameter: str
    unit: str
    limit_min: float | None
    limit_max: float | None
    valid_from: datetime.date
    note: str
    by: str


@dataclass(frozen=True)
class DischargeDemo:
    discharges: tuple[DischargePlan, ...]
    permits: tuple[PermitPlan, ...]
    intake_limits: tuple[IntakePlan, ...]
    labs: tuple[tuple[str, LabScenario], ...]   # facility name -> its lab scenario

    def route(self, facility: str) -> str | None:
        """The facility's latest route."""
        rows = [d for d in self.discharges if d.site == facility and not d.central]
        return max(rows, key=lambda d: d.valid_from).route if rows else None

    def starts(self) -> dict[str, datetime.date]:
        """Facilities that began operating after the demo's data begin -> the first day of their first month."""
        return {d.site: d.operating_since.replace(day=1) for d in self.discharges
                if not d.central and d.operating_since is not None and d.operating_since > DATA_FROM}


def plan_discharge(facilities: Iterable, shared_facilities: Iterable, users: Iterable) -> DischargeDemo:
    """Routes of every facility that samples its wastewater (the wet ones) and of every central plant; permits
    and lab scenarios of the Viet Nam stories; the Viet Nam park's intake limits, set by its park operator.
    ``facilities``, ``shared_facilities``, ``users``: the generator's FacilityPlan, SharedFacilityPlan, UserPlan."""
    facilities, users = tuple(facilities), tuple(users)
    plants = {s.park: s.name for s in shared_facilities if s.kind == CETP}
    login = {u.username: u for u in users}
    park_of_login = login["park"].scope_name if "park" in login else None
    manager_facility = login["manager"].scope_name if "manager" in login else None
    tenant_stories = {}
    for profile, scenario in (OVER_INTAKE, WITHIN_ALL):
        tenant = next((f for f in facilities if f.place == park_of_login and f.profile == profile), None)
        if tenant is not None:
            tenant_stories[tenant.name] = scenario

    discharges, permits, labs = [], [], []
    for f in facilities:
        if not set(f.processes) & WET_PROCESSES:
            continue
        by = "manager" if f.name == manager_facility else "operator"
        if f.park is not None:
            discharges.append(DischargePlan(f.name, False, ROUTES_FROM, CETP, "", "", plants[f.park], None, by))
            if f.name in tenant_stories:
                labs.append((f.name, tenant_stories[f.name]))
            continue
        route, water, water_class = TOWN_ROUTES[f.place]
        story = VIET_NAM.get((f.place, f.profile)) if f.country == "VN" else None
        if story is None:
            discharges.append(DischargePlan(f.name, False, ROUTES_FROM, route, water, water_class, None, None, by))
            continue
        discharges.append(DischargePlan(f.name, False, story.valid_from, route, water, water_class, None,
                                        story.operating_since, by))
        if story.permit is not None:
            permits.append(PermitPlan(f.name, False, *story.permit, by=by, evidence=True))
        if story.lab != LabScenario():
            labs.append((f.name, story.lab))

    intake = []
    for park, plant in sorted(plants.items()):
        route = PLANT_ROUTES[plant]
        by = "park" if park == park_of_login else "operator"
        if route is not None:
            water, water_class, since = route
            discharges.append(DischargePlan(plant, True, ROUTES_FROM, SURFACE, water, water_class, None, since, by))
        if park == park_of_login:
            permits.append(PermitPlan(plant, True, *PLANT_PERMIT, by=by, evidence=False))
            intake += [IntakePlan(plant, p, unit, low, high, since, note, by) for p, unit, low, high, since, note in DEMO_INTAKE]
    return DischargeDemo(tuple(discharges), tuple(permits), tuple(intake), tuple(sorted(labs, key=lambda item: item[0])))


# --- writing -------------------------------------------------------------------------------

def write_discharge(demo: DischargeDemo, *, users: Mapping, facilities: Mapping, plants: Mapping, via: str) -> None:
    """Write ``demo`` through the services: ``users`` by username, ``facilities`` and ``plants`` by name."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from loomlight.evidence.models import EvidenceKind
    from loomlight.evidence.services import evidence_attach
    from loomlight.wastewater import services

    for d in demo.discharges:
        site = {"shared_facility": plants[d.site]} if d.central else {"facility": facilities[d.site]}
        services.discharge_set(by=users[d.by], valid_from=d.valid_from, route=d.route, receiving_water=d.receiving_water,
                               receiving_class=d.receiving_class, cetp=plants[d.cetp] if d.cetp else None,
                               operating_since=d.operating_since, via=via, **site)
    for p in demo.permits:
        site = {"shared_facility": plants[p.site]} if p.central else {"facility": facilities[p.site]}
        by = users[p.by]
        permit = services.permit_save(by=by, number=p.number, issuing_body=p.issuing_body, issued_on=p.issued_on,
                                      valid_until=p.valid_until, via=via, **site)
        for parameter, unit, low, high in p.limits:
            services.permit_limit_set(by=by, permit=permit, parameter=parameter, unit=unit, limit_min=low, limit_max=high,
                                      via=via)
        if p.evidence:
            name = "permit-" + "".join(c if c.isalnum() else "-" for c in p.number) + ".pdf"
            evidence_attach(by=by, facility=facilities[p.site], kind=EvidenceKind.PERMIT,
                            uploaded=SimpleUploadedFile(name, permit_pdf(p), content_type="application/pdf"),
                            discharge_permit=permit, note="Demo permit (fictional)", via=via)
    for i in demo.intake_limits:
        services.intake_limit_set(by=users[i.by], cetp=plants[i.cetp], parameter=i.parameter, unit=i.unit,
                                  valid_from=i.valid_from, limit_min=i.limit_min, limit_max=i.limit_max, note=i.note, via=via)


def permit_pdf(p: PermitPlan) -> bytes:
    """A one-page PDF of the permit, marked as the demo's (a valid PDF 1.4, built by hand: no PDF library needed)."""
    lines = [f"DEMO - fictional discharge permit No. {p.number}", f"Issued by {p.issuing_body} on {p.issued_on}",
             f"Valid until {p.valid_until or 'not stated'}", f"Site: {p.site}", "Limits (demo values):"]
    for parameter, unit, low, high in p.limits:
        if low is not None and high is not None:
            bounds = f"{low:g} - {high:g}"
        else:
            bounds = f"max {high:g}" if high is not None else f"min {low:g}"
        lines.append(f"  {parameter}: {bounds} {unit}")
    return _pdf(lines)


def _pdf_text(text: str) -> str:
    from loomlight.demo.generator import ascii_name  # the generator imports this module: import when used

    latin = ascii_name(text).encode("ascii", "replace").decode("ascii")
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _pdf(lines: list[str]) -> bytes:
    content = "BT /F1 11 Tf 56 780 Td 15 TL " + " ".join(f"({_pdf_text(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return out
