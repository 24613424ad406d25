"""The demo's biomass part (issue 19, point 8): the suppliers, supply streams, value chains and screenings of the
facilities whose boilers burn biomass, a coal facility's fuel-switch business case, the biomass guideline with an
open comment period and a few public comments, and the consent that lets the demo brand read one facility's
sourcing.

Two steps, like the rest of the demo:

* ``plan_biomass(demo, today)`` is pure (no database): ``random.Random`` seeded by the demo's seed decides which
  risk profile (``PROFILES``) each biomass facility's streams follow, their shares and dates. The facilities are
  those whose monthly series burns wood chips or rice husk (``demo/monthly.py``'s ``BOILER_FUELS``); the coal
  facility whose case is opened is the first (by name) of those burning coal.
* ``write_biomass(...)`` writes the plan through the services only: ``biomass.services`` (suppliers, streams,
  steps, screenings started, answered and completed, so the stored rating is the risk engine's), the switch
  page's own path (``biomass.switch.switch_input`` → ``biomass.document.switch_document`` → ``switch.case_input``
  → ``interventions.services.case_create``), ``consultations.services`` (the guideline, its period, comments
  and one removal of personal details). The screenings and comments are then dated on their planned days (their
  records and audit events alike, as demo/generator.py dates consents).

Every figure here that is not the facility's own data is a demo assumption, marked "demo assumption": the
profiles' distances, shares and answers, the boiler efficiencies, prices and investment of the switch. Nothing is
shipped as reference data. The demo's monthly series report one boiler fuel per facility; a second biomass burnt
with it (pellets with wood chips, cashew shells with rice husk) is reported under that metric, its part of the
deliveries given by the stream's share (a demo assumption too).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from loomlight.demo import monthly

VIA = "demo"
#: The monthly series' biomass fuels (demo/monthly.py BOILER_FUELS) and the fossil fuel whose switch is opened.
BIOMASS_METRICS = ("biomass_wood_chips", "biomass_rice_husk")
COAL_METRIC = "coal_bituminous"
BRAND = "Verdalia Apparel"  # demo/generator.py BRANDS[0], the demo brand's organisation
#: The switch case was opened this many days before the build (demo assumption).
SWITCH_OPENED_DAYS = 20


@dataclass(frozen=True)
class StepPlan:
    role: str
    name: str
    known: bool
    distance_km: float | None   # to the next step [km] (demo assumption)
    mode: str = "road"
    province: str = ""


@dataclass(frozen=True)
class Profile:
    """One kind of supplier: its chain (origin first) and the answers a screening gives beyond the chain's own
    (``biomass.chain.prefill`` answers the chain questions). ``expected`` is the overall rating the risk engine
    gives these answers (checked by tests/demo/test_biomass.py, never used to write)."""

    code: str
    supplier: str               # the direct supplier's name pattern ({place})
    supplier_role: str
    biomass_type: str
    steps: tuple[StepPlan, ...]
    answers: dict
    expected: str
    first_answers: dict = field(default_factory=dict)   # a repeat's first, poorer screening: answers changed
    certification_scheme: str = ""


# --- the risk profiles (every answer, distance and name a demo assumption) ------------------------------------

_LOW_REST = {
    "legality.licence": "yes", "deforestation.converted": "no_existing_use", "biodiversity.protected_area": "outside",
    "competing.uses": ["none"], "labour.child_forced": "none_audited", "labour.safety": "managed",
    "community.grievance": "yes", "community.impacts": "none", "storage.cover": "roofed", "storage.fire": "yes",
    "combustion.dust_control": "bag_filter_esp", "combustion.stack_test": "within_limit", "combustion.contaminated": "no",
}

PROFILES = {
    # a certified rice-husk mill nearby: every step documented, 28 + 8 km by road, GGL-certified → low
    "rice_mill": Profile(
        "rice_mill", "{place} Rice Mill", "producer", "rice_husk",
        (StepPlan("producer", "{place} Rice Mill", True, 28.0), StepPlan("trader", "{place} Husk Traders", True, 8.0)),
        {"feedstock.type": "rice_husk", "feedstock.category": "agro_industrial_residue",
         "legality.land_rights": "residue_of_own_site", "certification.scheme": "ggl", "certification.valid": "yes",
         **_LOW_REST},
        "low", certification_scheme="Green Gold Label"),
    # wood chips from plantations, the plots named but their history on the supplier's word only: 2 intermediaries,
    # 130 km → medium
    "plantation_chips": Profile(
        "plantation_chips", "{place} Wood Chip Trading", "trader", "wood_chips",
        (StepPlan("producer", "Acacia smallholder plantations", True, 60.0),
         StepPlan("processor", "{place} Chipping Yard", True, 45.0),
         StepPlan("trader", "{place} Wood Chip Trading", True, 25.0)),
        {"feedstock.type": "wood_chips", "feedstock.category": "plantation_roundwood", "origin.geolocation": "yes",
         "legality.permits": "yes", "legality.land_rights": "undocumented", "deforestation.natural_forest": "no",
         "certification.scheme": "none", **_LOW_REST, "deforestation.converted": "no_declared"},
        "medium"),
    # pellets whose sawdust comes from sawmills nobody names: no chain of custody, the labour at the origin and the
    # way from it unknown → unknown (never low); a repeat after the collector's papers came still unknown at origin
    "pellets": Profile(
        "pellets", "{place} Pellet Supply", "trader", "wood_pellets",
        (StepPlan("producer", "", False, None),
         StepPlan("collector", "Sawdust collectors", True, 35.0),
         StepPlan("processor", "{place} Pellet Mill", True, 80.0),
         StepPlan("trader", "{place} Pellet Supply", True, 20.0)),
        {"feedstock.type": "wood_pellets", "feedstock.category": "wood_industry_residue", "legality.licence": "yes",
         "legality.land_rights": "undocumented", "certification.scheme": "none", "deforestation.natural_forest": "no",
         "biodiversity.protected_area": "outside", "competing.uses": ["none"], "community.grievance": "yes",
         "storage.cover": "covered", "storage.fire": "yes", "combustion.dust_control": "cyclone_scrubber",
         "combustion.stack_test": "within_limit", "combustion.contaminated": "no"},
        "unknown"),
    # firewood cut in natural forest, without permits: two knock-outs → high
    "forest_firewood": Profile(
        "forest_firewood", "{place} Firewood Depot", "trader", "natural_forest_wood",
        (StepPlan("collector", "Village woodcutters", True, 40.0), StepPlan("trader", "{place} Firewood Depot", True, 15.0)),
        {"feedstock.type": "natural_forest_wood", "feedstock.category": "natural_forest_wood", "origin.intermediaries": 1,
         "origin.geolocation": "no", "legality.licence": "no", "legality.permits": "no",
         "legality.land_rights": "undocumented", "deforestation.converted": "no_declared",
         "deforestation.natural_forest": "yes", "biodiversity.protected_area": "bordering",
         "competing.uses": ["local_fuel"], "certification.scheme": "none", "labour.child_forced": "none_declared",
         "labour.safety": "partly", "community.grievance": "no", "community.impacts": "minor_addressed",
         "storage.cover": "open", "storage.fire": "no", "combustion.dust_control": "cyclone_scrubber",
         "combustion.stack_test": "no_test", "combustion.contaminated": "no"},
        "high"),
    # a cashew processor's shells, also pressed for shell oil (a competing use): first screened with its labour
    # unknown, screened again months later with its audit → medium
    "cashew": Profile(
        "cashew", "{place} Cashew Processing", "processor", "cashew_nut_shells",
        (StepPlan("collector", "Cashew growers' cooperative", True, 55.0),
         StepPlan("processor", "{place} Cashew Processing", True, 30.0)),
        {"feedstock.type": "cashew_nut_shells", "feedstock.category": "agro_industrial_residue",
         "origin.intermediaries": 1,   # the chain starts at a collector, so it does not count them: entered by hand
         "legality.land_rights": "residue_of_own_site", "certification.scheme": "none",
         **_LOW_REST, "competing.uses": ["materials"]},
        "medium", first_answers={"labour.child_forced": None, "labour.safety": None, "community.grievance": None}),
}

#: The streams of each biomass fuel: (profile, share of the metric's deliveries) per stream (demo assumptions).
#: A wood-chip boiler's mixes, a rice-husk boiler's mixes; each facility draws one.
MIXES = {
    "biomass_wood_chips": (
        (("plantation_chips", 0.7), ("pellets", 0.3)),
        (("plantation_chips", 0.8), ("forest_firewood", 0.2)),
        (("pellets", 0.6), ("forest_firewood", 0.4)),
        (("plantation_chips", 1.0),),
    ),
    "biomass_rice_husk": (
        (("rice_mill", 0.75), ("cashew", 0.25)),
        (("rice_mill", 1.0),),
        (("cashew", 1.0),),
    ),
}
#: The profiles screened twice (a poorer first screening, then the one answered above), and when each screening was
#: made [months before the build] (demo assumptions).
REPEATED = ("cashew", "pellets")
FIRST_SCREENING_MONTHS, SECOND_SCREENING_MONTHS = (7, 9), (1, 2)
ONE_SCREENING_MONTHS = (1, 8)
#: A repeat of the pellets: its first screening knew nothing of the collectors either (chain answers cleared).
PELLETS_FIRST = {"origin.chain_known": "own_supplier_only", "legality.licence": None, "storage.fire": None}


@dataclass(frozen=True)
class StreamPlan:
    facility: str
    profile: str
    metric: str                 # the fuel metric its deliveries are reported under: the one the facility's months burn
    share: float | None
    screened_on: tuple[datetime.date, ...]   # one day per screening, oldest first


@dataclass(frozen=True)
class CommentPlan:
    section: str
    language: str
    body: str
    name: str
    organisation: str
    email: str
    day: datetime.date
    redact: bool = False


@dataclass(frozen=True)
class BiomassDemo:
    streams: tuple[StreamPlan, ...]
    switch_facility: str | None
    period_opens: datetime.date
    period_closes: datetime.date
    comments: tuple[CommentPlan, ...]


#: The switch's assumptions (demo assumptions: no efficiency, biomass price or investment is shipped with a source).
SWITCH_ASSUMPTIONS = {"biomass_type": "rice_husk", "old_efficiency": 75.0, "new_efficiency": 80.0, "moisture": 10.0,
                      "distance_km": 40.0, "mode": "truck", "controls_before": "cyclone", "controls_after": "bag_filter",
                      "currency": "USD", "price_to": 45.0}
SWITCH_CASE = {"capex": 180000.0, "lifetime_years": 15, "discount_rate": 10.0}   # demo assumptions
#: The comment period: opened some days before the build, closing some weeks after it (demo assumptions).
PERIOD_OPENED_DAYS, PERIOD_CLOSES_DAYS = 12, 24
#: The public comments (invented texts; one sender later asks for their details to be removed).
COMMENTS = (
    ("screening", "en", "The knock-out for natural-forest wood is clear, but small factories buying firewood from "
     "village traders need a transition period and a list of legal suppliers.", "Dara Chen", "Mekong Textile Forum",
     "dara.chen@example.org", False),
    ("moisture_and_heating_value", "vi", "Nên bổ sung hướng dẫn đo độ ẩm trấu tại cổng nhà máy bằng máy đo cầm tay.",
     "Nguyễn Thị Lan", "Hiệp hội Dệt may Bình Dương", "", False),
    ("value_chain_risks", "km", "សូមបន្ថែមការណែនាំអំពីរបៀបពិនិត្យអ្នកប្រមូលអុសនៅតាមភូមិ។", "", "", "", False),
    ("certification", "th", "ควรระบุว่าใบรับรองระดับประเทศใดบ้างที่ยอมรับได้สำหรับแกลบและซังข้าวโพด",
     "Somchai P.", "", "somchai@example.org", True),
    ("fuel_switch", "en", "Please show the ash handling cost beside the fuel cost when a boiler switches from coal.",
     "", "Lotus Energy Consultants", "", False),
)


def _month_back(today: datetime.date, months: int) -> datetime.date:
    return monthly.month_add(today.replace(day=1), -months)


def _day_in(rng: random.Random, first: datetime.date, today: datetime.date) -> datetime.date:
    """A day of the month ``first`` (never on or after ``today``)."""
    return min(first + datetime.timedelta(days=rng.randint(2, 25)), today - datetime.timedelta(days=1))


def biomass_facilities(demo) -> dict[str, str]:
    """Facility name -> the biomass fuel metric its monthly series burns (a month of the plan: pure, cheap)."""
    from loomlight.demo.cases import profiles

    rows = monthly.plan_monthly(list(profiles(demo).values()), demo.seed, [datetime.date(2025, 6, 1)], gaps=False)
    return {r.facility: r.metric for r in rows if r.metric in BIOMASS_METRICS or r.metric == COAL_METRIC}


def plan_biomass(demo, today: datetime.date) -> BiomassDemo:
    """The biomass part, decided by the demo's seed and ``today`` alone."""
    rng = random.Random(f"{demo.seed}:biomass")
    fuels = biomass_facilities(demo)
    streams = []
    for k, name in enumerate(sorted(n for n, m in fuels.items() if m in BIOMASS_METRICS)):
        mixes = MIXES[fuels[name]]
        mix = mixes[k % len(mixes)]          # every mix (so every profile) appears; the rest in turn
        for code, share in mix:
            if code in REPEATED:
                days = (_day_in(rng, _month_back(today, rng.randint(*FIRST_SCREENING_MONTHS)), today),
                        _day_in(rng, _month_back(today, rng.randint(*SECOND_SCREENING_MONTHS)), today))
            else:
                days = (_day_in(rng, _month_back(today, rng.randint(*ONE_SCREENING_MONTHS)), today),)
            streams.append(StreamPlan(name, code, fuels[name], share if len(mix) > 1 else None, days))
    coal = sorted(n for n, m in fuels.items() if m == COAL_METRIC)
    opens = today - datetime.timedelta(days=PERIOD_OPENED_DAYS)
    comments = tuple(
        CommentPlan(section, language, body, name, organisation, email,
                    opens + datetime.timedelta(days=1 + i * 2), redact)
        for i, (section, language, body, name, organisation, email, redact) in enumerate(COMMENTS))
    return BiomassDemo(streams=tuple(streams), switch_facility=coal[0] if coal else None, period_opens=opens,
                       period_closes=today + datetime.timedelta(days=PERIOD_CLOSES_DAYS), comments=comments)


def with_biomass_consent(consents: tuple, manager_facility: str) -> tuple:
    """The plan's consents with ``biomass`` (and ``environmental``, for the tonnes, where it is not named yet) added
    to the demo manager's active consent to the demo brand, so that the brand's portfolio shows that facility's
    sourcing."""
    from dataclasses import replace

    out, done = [], False
    for c in consents:
        if not done and c.facility == manager_facility and c.grantee == BRAND and not c.revoked:
            added = tuple(k for k in ("environmental", "biomass") if k not in c.data_kinds)
            c, done = replace(c, data_kinds=(*c.data_kinds, *added)), True
        out.append(c)
    return tuple(out)


def _place(facility) -> str:
    """The supplier names' place: the facility's province or town (its address's last part), else its country."""
    parts = [p.strip() for p in (facility.address or "").split(",") if p.strip()]
    return parts[-1] if parts else facility.country


def screening_answers(profile: Profile, *, first: bool) -> dict:
    """The answers a screening of ``profile`` saves (None clears one); the first of a repeat its poorer ones."""
    answers = dict(profile.answers)
    if first:
        answers.update(profile.first_answers)
        if profile.code == "pellets":
            answers.update(PELLETS_FIRST)
    return answers


# --- the writes ---------------------------------------------------------------------------------------------------

def write_biomass(demo, facilities: dict, users: dict, programme, today: datetime.date) -> BiomassDemo:
    """Write the plan (module docstring) through the services, acting as the people who would."""
    plan_ = plan_biomass(demo, today)
    manager_facility = next((u.scope_name for u in demo.users if u.username == "manager"), None)
    dated: list[tuple[object, datetime.date]] = []
    for s in plan_.streams:
        by = users["manager"] if s.facility == manager_facility else users["admin"]
        dated += _write_stream(s, facilities[s.facility], by, today)
    if plan_.switch_facility is not None:
        case = _write_switch(facilities[plan_.switch_facility], users["admin"])
        if case is not None:
            _date_case(case, today - datetime.timedelta(days=SWITCH_OPENED_DAYS), today)
    _write_consultation(plan_, users, programme)
    _date_records(dated, today)
    return plan_


def _write_stream(s: StreamPlan, facility, by, today: datetime.date) -> list:
    from loomlight.biomass import services
    from loomlight.biomass.models import Supplier

    profile = PROFILES[s.profile]
    place = _place(facility)
    supplier_name = profile.supplier.format(place=place)
    supplier = (Supplier.objects.filter(facility=facility, name=supplier_name).first()
                or services.supplier_create(by=by, facility=facility, data={
                    "name": supplier_name, "country": facility.country, "role": profile.supplier_role}, via=VIA))
    stream = services.stream_create(by=by, facility=facility, via=VIA, data={
        "supplier": supplier, "biomass_type": profile.biomass_type, "metric": s.metric,
        "share": s.share, "certification_scheme": profile.certification_scheme})
    for step in profile.steps:
        services.step_add(by=by, stream=stream, via=VIA, data={
            "role": step.role, "name": step.name.format(place=place), "country": facility.country if step.name else "",
            "known": step.known, "distance_km": step.distance_km, "mode": step.mode if step.distance_km is not None else ""})
    dated = []
    for i, day in enumerate(s.screened_on):
        screening = services.screening_start(by=by, stream=stream, via=VIA)
        services.screening_answer(by=by, screening=screening, via=VIA,
                                  answers=screening_answers(profile, first=i < len(s.screened_on) - 1))
        screening = services.screening_complete(by=by, screening=screening, screened_on=day, via=VIA)
        dated.append((screening, day))
    return dated


def switch_data(base) -> dict | None:
    """The switch page's cleaned form data for a facility's baseline: its coal of the baseline year [GJ] and its
    price where shipped (the page's pre-fill), the rest SWITCH_ASSUMPTIONS."""
    row = base.metrics.get(COAL_METRIC) if base is not None else None
    if row is None or not row.quantity:
        return None
    data = {"from_metric": COAL_METRIC, "quantity": round(row.quantity, 3), **SWITCH_ASSUMPTIONS}
    if row.price is not None and row.unit == "GJ":
        data["price_from"] = round(row.price, 6)
    return data


def _write_switch(facility, by):
    """The fuel-switch business case, opened as the switch page opens it."""
    from loomlight.biomass import switch
    from loomlight.biomass.document import switch_document
    from loomlight.interventions import services
    from loomlight.interventions.baseline import baseline_for

    base = baseline_for(facility)
    data = switch_data(base)
    if data is None:
        return None
    doc = switch.switch_input(data, facility, base.year)
    out = switch_document(doc)
    return services.case_create(by=by, facility=facility, intervention=switch.SWITCH_INTERVENTION,
                                title=switch.default_title(data, facility), baseline_year=base.year,
                                document=switch.case_input(doc, out, SWITCH_CASE), via=VIA)


def _date_case(case, day: datetime.date, today: datetime.date) -> None:
    """Move the switch case's creation (its record, its first stage change, its audit events) to ``day``."""
    from loomlight.audit.models import AuditEvent
    from loomlight.demo.periodic import build_start

    at = min(datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC),
             build_start(today) - datetime.timedelta(hours=1))
    type(case).objects.filter(pk=case.pk).update(created_at=at, updated_at=at, computed_at=at)
    case.stage_changes.update(at=at)
    AuditEvent.objects.filter(object_type=case._meta.label_lower, object_id=str(case.pk), via=VIA).update(at=at)


def _write_consultation(plan_: BiomassDemo, users: dict, programme) -> None:
    """The guideline (the programme admin its author), its open period, and the public comments, each sent on its
    planned day (``comment_submit``'s ``now``)."""
    from loomlight.consultations import services

    admin = users["admin"]
    guideline = services.biomass_guideline_seed(by=admin, programme=programme, authors=[admin], via=VIA)
    opens = datetime.datetime.combine(plan_.period_opens, datetime.time(8), tzinfo=datetime.UTC)
    closes = datetime.datetime.combine(plan_.period_closes, datetime.time(17), tzinfo=datetime.UTC)
    period = services.period_create(by=admin, guideline=guideline, title="Public comments on the biomass guideline",
                                    opens_at=opens, closes_at=closes, via=VIA,
                                    intro="Comments on the draft Sustainable Biomass Guidelines of the alliance.")
    for i, c in enumerate(plan_.comments):
        at = datetime.datetime.combine(c.day, datetime.time(10, 30), tzinfo=datetime.UTC)
        comment = services.comment_submit(period=period, section=c.section, body=c.body, name=c.name,
                                          organisation=c.organisation, email=c.email,
                                          client_address=f"192.0.2.{10 + i}", now=at)   # TEST-NET-1 addresses
        if c.redact:
            services.comment_redact(by=admin, comment=comment, now=at + datetime.timedelta(days=2), via=VIA)


def _date_records(dated: list, today: datetime.date) -> None:
    """Move each screening's creation and audit events to its planned day (before the build)."""
    from loomlight.audit.models import AuditEvent
    from loomlight.demo.periodic import build_start

    latest = build_start(today) - datetime.timedelta(hours=1)
    for record, day in dated:
        at = min(datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC), latest)
        type(record).objects.filter(pk=record.pk).update(created_at=at)
        AuditEvent.objects.filter(object_type=record._meta.label_lower, object_id=str(record.pk), via=VIA).update(at=at)
