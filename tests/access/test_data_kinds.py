"""Nothing of a data kind that a consent does not name leaves the platform, through any derived view.

Given the test world's facility "Own Dyehouse" with data of every kind, each marked by a canary (a number or
a name that appears nowhere else: 864,297 m³ of water, a chemical product called "Canary Auxiliary QX", ...),
when a brand whose consent names "profile" and one other kind opens every derived view of
tests/access/derived_views.py (pages, htmx partials, CSV, XLSX, API with and without ``explain``), then no
response holds a canary, a column (``data-column`` in pages, keys in JSON, headers in files) or a label of a
kind the consent does not name. The positive control proves that each canary does show once its kind is named,
so the walk can fail. ``test_every_route_is_classified`` makes every route that later issues add join the walk.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from loomlight.analytics import kinds as column_kinds
from loomlight.inventories.models import Inventory
from loomlight.registry.models import Consent, DataKind, SharedFacilityConsent
from tests.access.derived_views import DERIVED, MONTH, NOT_DERIVED, YEAR, Ids

PERIOD = datetime.date(YEAR, MONTH, 1)
SHARED = "shared_wastewater"   # the data of the park's central plant: a kind of its own (its park operator's consent)

#: canary numbers (as digits, after thousands separators are removed) and names, by the kind of data they are
ENV_VALUES = [("water_municipal", 864297, "m³"), ("waste_nonhazardous_landfilled", 753186, "kg"),
              ("production_kg", 419753, "kg"), ("headcount_female", 281473, "person"),
              ("hours_worked", 5928371, "hour"), ("wastewater_cetp", 376219, "m³")]
GHG_VALUES = [("fuel_diesel", 1500, "L"), ("electricity_grid", 310000, "kWh")]
CANARIES = {
    DataKind.ENVIRONMENTAL: [str(v) for _m, v, _u in ENV_VALUES] + ["canary-utility-bill.pdf"],
    DataKind.WASTEWATER: ["917346", "Canary Lab Q9", "Canary Permit 8/GP"],
    DataKind.CHEMICALS: ["538291", "Canary Auxiliary QX"],
    SHARED: ["627183", "Canary CETP Lab Z3"],
    # an assessment's answers (a comment), its verification and its actions
    DataKind.ASSESSMENTS: ["Canary Answer Note K7", "Canary Verification V6", "Canary Action T8"],
    # a business case's title (its figures derive from environmental and GHG data too: interventions.access)
    DataKind.BUSINESS_CASES: ["Canary Case B5"],
    # a biomass supplier's name and a step of its chain (the tonnes that weight the supply are columns of biomass
    # and environmental: biomass_tonnes, analytics.kinds)
    DataKind.BIOMASS: ["Canary Supplier M4", "Canary Collector M5"],
}
#: tonnes of rice husk Own Dyehouse reported for February: what its biomass supply is weighted by (a fuel input
#: like the diesel, shown with a GHG figure's explanation, so not a canary of its own)
BIOMASS_TONNES = 2500
#: every column made of a kind: shown in pages as data-column, in JSON as keys, in files as headers
LABELS = {field.name: str(field.verbose_name) for field in Inventory._meta.concrete_fields}


def _markers_ghg(world) -> list[str]:
    row = Inventory.objects.get(facility=world.own, period=PERIOD)
    return [f"{row.scope2_location_tco2e:.3f}".replace(".", "")]


def _evidence_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("canary-utility-bill.pdf", b"%PDF-1.4\n% a bill\n%%EOF\n", content_type="application/pdf")


def _business_case(world):
    """Own Dyehouse's business case with a canary title, evaluated by the services (its result holds every figure,
    flag and explanation a case shows), seeking finance and shared with financiers."""
    from loomlight.interventions import services as cases

    manager = world.users["manager"]
    case = cases.case_create(by=manager, facility=world.own, intervention="led_lighting", title="Canary Case B5", document={
        "country": "VN", "year": YEAR, "capex": 1000, "lifetime_years": 5, "discount_rate": 0.1,
        "savings": [{"metric": "electricity_grid", "quantity": 1000, "unit": "kWh", "price": 0.1}]})
    for stage in ("feasibility", "seeking_finance"):
        cases.case_stage_set(by=manager, case=case, stage=stage)
    return cases.case_share(by=manager, case=case, shared=True)


def _biomass(world):
    """Own Dyehouse's rice husk from a canary supplier through a canary collector, screened; its February
    deliveries are in the monthly data (BIOMASS_TONNES)."""
    from loomlight.biomass import services as biomass

    manager = world.users["manager"]
    supplier = biomass.supplier_create(by=manager, facility=world.own, data={"name": "Canary Supplier M4"})
    stream = biomass.stream_create(by=manager, facility=world.own, data={"supplier": supplier, "biomass_type": "rice_husk"})
    biomass.step_add(by=manager, stream=stream, data={"role": "collector", "name": "Canary Collector M5", "known": True})
    screening = biomass.screening_start(by=manager, stream=stream)
    screening = biomass.screening_complete(by=manager, screening=screening, screened_on=PERIOD)
    return stream, screening


def _verified_assessment(world):
    """Own Dyehouse's 2025 cycle of the mini framework, answered with a canary comment, verified with a canary
    comment, and an action with a canary title."""
    from loomlight.assessments import services as assessments
    from tests.assessments.conftest import COMPLETE, MINI

    manager, assessor = world.users["manager"], world.users["assessor"]
    mini = assessments.framework_publish(text=MINI.read_text(encoding="utf-8"), file_name="mini.yaml")
    assessment = assessments.assessment_start(by=manager, framework=mini, subject=world.own, year=YEAR)
    assessments.answers_save(by=manager, assessment=assessment, answers=COMPLETE, comments={"ems.policy": "Canary Answer Note K7"})
    assessments.answer_file_attach(by=manager, assessment=assessment, question="ems.policy",
                                   uploaded=SimpleUploadedFile("policy.pdf", b"%PDF-1.4\n% policy\n", content_type="application/pdf"))
    assessments.assessment_submit(by=manager, assessment=assessment)
    assessments.assessment_verify(by=assessor, assessment=assessment, mode="remote", comment="Canary Verification V6")
    assessments.action_create(by=assessor, owner=world.group, title="Canary Action T8", due_date=datetime.date(YEAR, 12, 31),
                              assessment=assessment, question="ems.certified")
    return assessment


@pytest.fixture
def canary(world, django_capture_on_commit_callbacks):
    """The world with a month of every kind of data at Own Dyehouse, a month of diesel at Neighbour Sewing
    (same park), lab results at Own and at the park's central plant, a chemical, evidence and an import."""
    from loomlight.chemicals.services import chemical_product_save, chemical_use_set
    from loomlight.evidence.services import evidence_attach
    from loomlight.reporting import services as reporting
    from loomlight.reporting.imports.jobs import ImportJob
    from loomlight.wastewater.services import discharge_set, lab_result_set, permit_limit_set, permit_save, sampling_event_create

    manager, operator = world.users["manager"], world.users["operator"]
    with django_capture_on_commit_callbacks(execute=True):
        for metric, value, unit in ENV_VALUES + GHG_VALUES:
            reporting.activity_value_set(by=manager, facility=world.own, period=PERIOD, metric=metric, value=value, unit=unit)
        reporting.activity_value_set(by=operator, facility=world.neighbour, period=PERIOD, metric="fuel_diesel",
                                     value=800, unit="L")
        reporting.activity_value_set(by=manager, facility=world.own, period=PERIOD.replace(month=2),
                                     metric="biomass_rice_husk", value=BIOMASS_TONNES, unit="tonne")
    event = sampling_event_create(by=manager, facility=world.own, shared_facility=None, sampled_on=PERIOD,
                                  sampling_point="discharge", discharge_type="indirect", laboratory="Canary Lab Q9")
    lab_result_set(by=manager, event=event, parameter="cod", unit="mg/L", value=917346)
    shared_event = sampling_event_create(by=operator, facility=None, shared_facility=world.cetp, sampled_on=PERIOD,
                                         sampling_point="cetp_outflow", discharge_type="direct",
                                         laboratory="Canary CETP Lab Z3")
    lab_result_set(by=operator, event=shared_event, parameter="bod5", unit="mg/L", value=627183)
    discharge_set(by=manager, facility=world.own, valid_from=datetime.date(2020, 1, 1), route="cetp", cetp=world.cetp)
    permit = permit_save(by=manager, facility=world.own, number="Canary Permit 8/GP", issuing_body="DONRE",
                         issued_on=datetime.date(2020, 1, 1))
    permit_limit_set(by=manager, permit=permit, parameter="cod", limit_max="100", unit="mg/L")
    product = chemical_product_save(by=manager, facility=world.own, data={"name": "Canary Auxiliary QX", "supplier": "S"})
    chemical_use_set(by=manager, product=product, period=PERIOD, value=538291, unit="kg")
    evidence = evidence_attach(by=manager, facility=world.own, kind="utility_bill", uploaded=_evidence_pdf(), period=PERIOD)
    job = ImportJob.objects.create(facility=world.own, year=YEAR, file="imports/none.xlsx", original_name="x.xlsx",
                                   size=1, status="failed", error_count=1, created_by=manager,
                                   errors=[{"code": "not_a_number", "problem": "p", "fix": "f", "value": "x"}])
    assessment = _verified_assessment(world)
    stream, screening = _biomass(world)
    world.ids = Ids(facility=world.own.pk, park=world.park.pk, programme=world.programme.pk,
                    organisation=world.group.pk, shared=world.cetp.pk, event=event.pk, shared_event=shared_event.pk,
                    evidence=evidence.pk, job=job.pk, permit=permit.pk, assessment=assessment.pk,
                    case=_business_case(world).pk, stream=stream.pk, screening=screening.pk)
    world.canaries = {**CANARIES, DataKind.GHG: _markers_ghg(world)}
    return world


def consent(world, kinds, *, shared: bool = False) -> None:
    """The brand's consent from Own Dyehouse names ``profile`` and ``kinds``; with ``shared``, the park operator
    also shares the central plant's results with the brand."""
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", *kinds])
    SharedFacilityConsent.objects.filter(grantee=world.brand).delete()
    if shared:
        SharedFacilityConsent.objects.create(shared_facility=world.cetp, grantee=world.brand, data_kinds=["wastewater"],
                                             valid_from=datetime.date(2020, 1, 1), granted_by=world.users["park_operator"])


# --- reading a response ----------------------------------------------------------------------------

SEPARATOR = re.compile(r"(?<=\d)[,.\s\u00a0\u202f'](?=\d)")


def _text(view, response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if view.fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join("\t".join("" if v is None else str(v) for v in row)
                         for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    return body.decode("utf-8-sig", errors="replace")


def _columns(view, text: str) -> set[str]:
    """The derived columns a response shows: data-column in pages, keys in JSON, headers in files."""
    if view.fmt == "html":
        return set(re.findall(r'data-column="([^"]+)"', text))
    if view.fmt == "json":
        keys: set[str] = set()

        def walk(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    keys.add(k)
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(json.loads(text))
        return keys
    if view.fmt in ("csv", "xlsx"):
        header = next(csv.reader(io.StringIO(text), delimiter="\t" if view.fmt == "xlsx" else ","), [])
        by_label = {label: name for name, label in LABELS.items()}
        return {by_label.get(h, h) for h in header}
    return set()


def leaks(world, view, response, granted: frozenset[str]) -> list[str]:
    text = _text(view, response)
    digits = SEPARATOR.sub("", text)
    found = []
    for kind, markers in world.canaries.items():
        if kind in granted:
            continue
        for marker in markers:
            if (marker.isdigit() and marker in digits) or (not marker.isdigit() and marker in text):
                found.append(f"{view.label()}: {kind} canary {marker!r}")
    for column in _columns(view, text):
        kinds = column_kinds.of(column)
        if kinds is not None and not kinds <= granted:
            found.append(f"{view.label()}: column {column!r} of {sorted(kinds)}")
    return found


def url(view, ids: Ids) -> str:
    query = (view.query.replace("PARK", str(ids.park)).replace("PROGRAMME", str(ids.programme))
             .replace("FACILITY", str(ids.facility)))
    return reverse(view.name, kwargs=view.kwargs(ids)) + (f"?{query}" if query else "")


def walk(client, world, granted: frozenset[str]) -> tuple[list[str], dict[int, int], str]:
    """Every derived view as the brand: the leaks, the count of each status, and all the text it was shown."""
    found, statuses, shown = [], {}, []
    for view in DERIVED:
        response = client.get(url(view, world.ids), **view.headers)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code in (200, 403, 404), f"{view.label()}: {response.status_code}"
        if response.status_code == 200:
            found += leaks(world, view, response, granted)
            shown.append(SEPARATOR.sub("", _text(view, response)))
    return found, statuses, "\n".join(shown)


KIND_SETS = [(kind,) for kind in DataKind.values if kind != DataKind.PROFILE] + [(), ("ghg", "environmental")]


@pytest.mark.parametrize("kinds", KIND_SETS, ids=lambda k: "+".join(k) or "profile-only")
def test_no_derived_view_shows_a_kind_the_consent_does_not_name(client, canary, kinds):
    consent(canary, kinds)
    client.force_login(canary.users["brand"])
    found, statuses, _shown = walk(client, canary, frozenset({"profile", *kinds}))
    assert found == []
    assert statuses.get(200, 0) >= 20   # the walk reached the views the brand may open


def test_every_canary_shows_once_its_kind_is_named(client, canary):
    """The positive control: with every kind named (and the central plant shared), each canary appears in some
    view, so that the walk above would see a leak."""
    consent(canary, [k for k in DataKind.values if k != DataKind.PROFILE], shared=True)
    client.force_login(canary.users["brand"])
    found, _statuses, shown = walk(client, canary, frozenset({*DataKind.values, SHARED}))
    assert found == []
    missing = [(kind, m) for kind, markers in canary.canaries.items() for m in markers
               if m not in shown and SEPARATOR.sub("", m) not in shown]
    assert missing == []


def test_a_ghg_consent_reads_the_ghg_figures_and_their_inputs_only(client, canary):
    """GET /api/v1/facilities/{id}/inventory?explain=true with a consent naming ghg: the scopes, and the
    explanation's inputs are the diesel and the electricity the figures used (not water, waste, output, people)."""
    consent(canary, ["ghg"])
    client.force_login(canary.users["brand"])
    body = client.get(f"/api/v1/facilities/{canary.own.pk}/inventory?year={YEAR}&explain=true").json()
    month = next(m for m in body["months"] if m["period"] == PERIOD.isoformat())
    assert {"scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "biogenic_co2_t"} <= set(month["values"])
    assert not {"water_withdrawn_m3", "waste_kg", "production_kg", "energy_gj", "grid_kwh"} & set(month["values"])
    assert [i["metric"] for i in month["explanation"]["inputs"]] == ["electricity_grid", "fuel_diesel"]
    page = client.get(reverse("inventories:facility_year", args=[canary.own.pk, YEAR])).content.decode()
    assert 'data-column="scope1_tco2e"' in page and 'data-column="water_withdrawn_m3"' not in page
    assert reverse("reporting:dashboard_year", args=[canary.own.pk, YEAR]) not in page   # a link it could not open


def test_a_sum_over_facilities_shows_only_what_every_one_of_them_shares(client, canary):
    """Own shares ghg and environmental data, its park neighbour ghg only: the park's page, download and API
    summary show the emissions of both, and no water, waste or output (not even Own's), while Own's page does."""
    consent(canary, ["ghg", "environmental"])
    Consent.objects.create(facility=canary.neighbour, grantee=canary.brand, data_kinds=["profile", "ghg"],
                           valid_from=datetime.date(2020, 1, 1), granted_by=canary.users["neighbour_manager"])
    client.force_login(canary.users["brand"])
    park_csv = client.get(reverse("inventories:park_download", args=[canary.park.pk, YEAR, "csv"])).content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(park_csv)))
    assert "scope1_tco2e" in header and "water_withdrawn_m3" not in header and "tco2e_per_kg" not in header
    assert len(park_csv.strip().splitlines()) == 3   # the header and both facilities
    summary = client.get(f"/api/v1/inventory/summary?year={YEAR}&by=facility&park={canary.park.pk}").json()
    assert summary["facilities"] == 2 and all("water_withdrawn_m3" not in r for r in summary["rows"])
    park_page = client.get(reverse("inventories:park_year", args=[canary.park.pk, YEAR])).content.decode()
    assert "864297" not in SEPARATOR.sub("", park_page) and 'data-testid="withheld"' in park_page
    own_page = client.get(reverse("inventories:facility_year", args=[canary.own.pk, YEAR])).content.decode()
    assert 'data-column="water_withdrawn_m3"' in own_page and "864297" in SEPARATOR.sub("", own_page)


# --- every route is classified -----------------------------------------------------------------------

def _route_names(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(n for n in (namespace, p.namespace) if n) or None
            if inner == "admin":
                continue   # the operator's Django admin: superusers only
            yield from _route_names(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_route_is_classified():
    """A route that is neither walked as a derived view nor named as not derived (with a reason) fails here:
    add it to tests/access/derived_views.py."""
    from loomlight.api.api import api

    derived = {v.name for v in DERIVED}
    assert not derived & set(NOT_DERIVED)
    reads = {f"api:{op['operationId']}" for item in api.get_openapi_schema()["paths"].values()
             for method, op in item.items() if method == "get"}
    writes_only = {name for name in _route_names(get_resolver().url_patterns)
                   if name.startswith("api:") and name not in reads}
    unclassified = sorted(set(_route_names(get_resolver().url_patterns)) - derived - set(NOT_DERIVED) - writes_only)
    assert unclassified == []
    assert sorted(reads - derived - set(NOT_DERIVED)) == []


# --- the kinds a viewer may read -------------------------------------------------------------------------

def test_the_kinds_a_viewer_may_read_of_one_facility_and_of_all_of_a_set(world, django_assert_max_num_queries):
    from loomlight.registry import policy
    from loomlight.registry.models import Facility

    park = Facility.objects.filter(park=world.park)
    assert policy.data_kinds(world.users["brand"], world.own) == {"profile", "environmental"}
    assert policy.data_kinds(world.users["park_operator"], world.own) == {"profile"}
    assert policy.data_kinds(world.users["nobody"], world.own) == frozenset()
    assert policy.common_data_kinds(world.users["manager"], park) == frozenset()      # not the neighbour's
    assert policy.common_data_kinds(world.users["brand"], park) == frozenset()        # the neighbour shares nothing
    Consent.objects.create(facility=world.neighbour, grantee=world.brand, data_kinds=["profile", "ghg"],
                           valid_from=datetime.date(2020, 1, 1), granted_by=world.users["neighbour_manager"])
    assert policy.common_data_kinds(world.users["brand"], park) == {"profile"}
    assert policy.common_data_kinds(world.users["brand"], Facility.objects.none()) == frozenset()
    admin = world.users["admin"]
    policy.memberships(admin)
    with django_assert_max_num_queries(2):   # one rule for every kind: one query, and the emptiness check
        assert policy.common_data_kinds(admin, park) == set(DataKind.values)
