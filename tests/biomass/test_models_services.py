"""Biomass sourcing's services: every write audited in its transaction, every refusal changes nothing; the chain's
roll-up; a screening from start to rating and repeated as the supplier improves."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from loomlight.audit.models import AuditEvent
from loomlight.biomass import chain, services
from loomlight.biomass.models import ChainStep, Screening, Supplier, SupplyStream


def _events(model: str) -> list[str]:
    return list(AuditEvent.objects.filter(object_type=f"biomass.{model}").order_by("pk").values_list("action", flat=True))


# --- suppliers and streams ---------------------------------------------------------------------------------

def test_a_supplier_and_a_stream_are_created_audited_and_the_stream_takes_its_types_metric(world):
    manager = world.users["manager"]
    supplier = services.supplier_create(by=manager, facility=world.own, data={"name": " Husk Co ", "role": "collector"})
    stream = services.stream_create(by=manager, facility=world.own, data={"supplier": supplier, "biomass_type": "rice_husk"})
    assert (supplier.name, supplier.role, stream.metric) == ("Husk Co", "collector", "biomass_rice_husk")
    assert _events("supplier") == ["create"] and _events("supplystream") == ["create"]
    event = AuditEvent.objects.get(object_type="biomass.supplystream")
    assert event.facility_id == world.own.pk and event.after["biomass_type"] == "rice_husk"


@pytest.mark.parametrize("data, field", [
    ({"name": ""}, "name"),
    ({"name": "X", "role": "smuggler"}, "role"),
    ({"name": "X", "country": "ZZ"}, "country"),
    ({"name": "X", "notes": "a\x00b"}, "notes"),
])
def test_a_bad_supplier_is_refused_naming_the_field_and_nothing_is_stored(world, data, field):
    with pytest.raises(ValidationError) as exc:
        services.supplier_create(by=world.users["manager"], facility=world.own, data=data)
    assert field in exc.value.message_dict
    assert Supplier.objects.count() == 0 and AuditEvent.objects.filter(object_type="biomass.supplier").count() == 0


def test_a_duplicate_supplier_name_is_refused(world):
    services.supplier_create(by=world.users["manager"], facility=world.own, data={"name": "Husk Co"})
    with pytest.raises(ValidationError) as exc:
        services.supplier_create(by=world.users["manager"], facility=world.own, data={"name": "husk co"})
    assert "name" in exc.value.message_dict and Supplier.objects.count() == 1


@pytest.mark.parametrize("data, field", [
    ({"biomass_type": "moon_dust"}, "biomass_type"),
    ({"biomass_type": "rice_husk", "metric": "water_municipal"}, "metric"),
    ({"biomass_type": "rice_husk", "share": 1.5}, "share"),
    ({"biomass_type": "rice_husk", "share": "half"}, "share"),
    ({"biomass_type": "rice_husk", "certificate_valid_until": "31/12/2026"}, "certificate_valid_until"),
])
def test_a_bad_stream_is_refused_naming_the_field(world, data, field):
    supplier = services.supplier_create(by=world.users["manager"], facility=world.own, data={"name": "Husk Co"})
    with pytest.raises(ValidationError) as exc:
        services.stream_create(by=world.users["manager"], facility=world.own, data={"supplier": supplier, **data})
    assert field in exc.value.message_dict and SupplyStream.objects.count() == 0


def test_a_stream_cannot_name_another_facilitys_supplier(world):
    theirs = services.supplier_create(by=world.users["neighbour_manager"], facility=world.neighbour, data={"name": "N"})
    with pytest.raises(ValidationError) as exc:
        services.stream_create(by=world.users["manager"], facility=world.own, data={"supplier": theirs, "biomass_type": "rice_husk"})
    assert "supplier" in exc.value.message_dict and SupplyStream.objects.count() == 0


@pytest.mark.parametrize("who", ["brand", "assessor", "park_operator", "neighbour_manager", "nobody"])
def test_who_may_not_write_is_refused_and_nothing_changes(world, who):
    with pytest.raises(PermissionDenied):
        services.supplier_create(by=world.users[who], facility=world.own, data={"name": "Husk Co"})
    assert Supplier.objects.count() == 0 and AuditEvent.objects.filter(object_type__startswith="biomass.").count() == 0


@pytest.mark.parametrize("who", ["manager", "data_entry", "admin"])
def test_the_facilitys_people_and_its_programme_admin_write(world, who):
    supplier = services.supplier_create(by=world.users[who], facility=world.own, data={"name": f"S {who}"})
    assert supplier.facility_id == world.own.pk


# --- the chain ---------------------------------------------------------------------------------------------

def test_steps_are_numbered_from_the_origin_inserted_moved_and_removed_each_audited(stream, world):
    manager = world.users["manager"]
    names = lambda: list(stream.steps.order_by("position").values_list("position", "role"))  # noqa: E731
    assert names() == [(1, "producer"), (2, "collector"), (3, "trader")]
    processor = services.step_add(by=manager, stream=stream, data={"role": "processor", "known": True}, position=2)
    assert names() == [(1, "producer"), (2, "processor"), (3, "collector"), (4, "trader")]
    services.step_move(by=manager, step=processor, offset=1)
    assert names() == [(1, "producer"), (2, "collector"), (3, "processor"), (4, "trader")]
    services.step_remove(by=manager, step=ChainStep.objects.get(stream=stream, role="collector"))
    assert names() == [(1, "producer"), (2, "processor"), (3, "trader")]
    assert _events("chainstep") == ["create"] * 4 + ["delete"]
    assert _events("supplystream")[-1] == "update"   # the move: the order of the steps before and after


def test_a_bad_step_or_order_is_refused_and_the_chain_is_unchanged(stream, world):
    manager = world.users["manager"]
    before = list(stream.steps.order_by("position").values_list("pk", "position"))
    for data, position, field in [({"role": "trader", "distance_km": -5}, None, "distance_km"),
                                  ({"role": "trader", "mode": "teleport"}, None, "mode"),
                                  ({"role": ""}, None, "role"),
                                  ({"role": "trader"}, 9, "position")]:
        with pytest.raises(ValidationError) as exc:
            services.step_add(by=manager, stream=stream, data=data, position=position)
        assert field in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.steps_reorder(by=manager, stream=stream, order=[before[0][0], before[1][0]])
    assert "order" in exc.value.message_dict
    assert list(stream.steps.order_by("position").values_list("pk", "position")) == before


def test_the_rollup_of_the_fixture_chain_hand_worked(stream):
    """Given producer (known, 120 km road), collector (unknown, 30 km waterway), trader (known, 50 km road):
    known 1 step from the origin (the collector breaks it); from the factory back only the trader is documented,
    so the supplier names only itself; 2 intermediaries after the producer; 120 + 30 + 50 = 200 km; road and
    waterway: mixed, the worst road; the collector unknown."""
    r = services.stream_rollup(stream)
    assert (r.steps, r.known_steps, r.fully_known, r.distance_km, r.mode, r.unknown_roles) == (
        3, 1, False, 200.0, "road", ("collector",))
    assert (r.reach, r.intermediaries, r.mode_choice) == ("own_supplier_only", 2, "mixed")


P, C, T = "producer", "collector", "trader"


@pytest.mark.parametrize("steps, known, reach, intermediaries, distance, mode, choice", [
    ([], 0, None, None, None, None, None),
    ([chain.Step(1, P, False, 10, "road"), chain.Step(2, T, True, 5, "road")], 0, "own_supplier_only", 1, 15, "road", "truck"),
    ([chain.Step(1, P, False, 10, "road"), chain.Step(2, C, True, 5, "road"), chain.Step(3, T, True, 5, "road")],
     0, "first_collector", 2, 20, "road", "truck"),
    ([chain.Step(1, P, True, 10, "rail"), chain.Step(2, T, True, None, "sea")], 2, "primary_producer", 1, None, "rail", "mixed"),
    ([chain.Step(1, C, True, 10, "sea"), chain.Step(2, T, True, 5, "")], 2, "first_collector", None, 15, None, None),
    ([chain.Step(2, T, True, 5, "waterway"), chain.Step(1, P, True, 10, "waterway")], 2, "primary_producer", 1, 15, "waterway", "barge"),
    ([chain.Step(1, T, True, 5, "sea")], 1, "own_supplier_only", None, 5, "sea", None),
])
def test_rollup_table(steps, known, reach, intermediaries, distance, mode, choice):
    r = chain.rollup(steps)
    assert (r.known_steps, r.reach, r.intermediaries, r.distance_km, r.mode, r.mode_choice) == (
        known, reach, intermediaries, distance, mode, choice)


# --- screenings --------------------------------------------------------------------------------------------

def test_a_screening_starts_with_the_chains_answers_and_the_labour_of_an_unknown_step_unknown(stream, world):
    screening = services.screening_start(by=world.users["manager"], stream=stream)
    assert screening.answers == {"origin.chain_known": "own_supplier_only", "origin.intermediaries": 2.0,
                                 "transport.distance": 200.0, "feedstock.transport_mode": "mixed"}
    assert sorted(screening.from_chain) == sorted(screening.answers)
    assert (screening.framework_id, screening.framework_version, screening.status) == ("biomass_screening", "test.1", "draft")
    assert screening.framework_hash == services.framework().content_hash
    assert _events("screening") == ["create"]


def test_answers_are_checked_all_or_nothing_naming_the_question(stream, world):
    manager = world.users["manager"]
    screening = services.screening_start(by=manager, stream=stream)
    with pytest.raises(ValidationError) as exc:
        services.screening_answer(by=manager, screening=screening,
                                  answers={"labour.safety": "managed", "certification.scheme": "pefc", "nope.q": "1"})
    assert {"certification.scheme", "nope.q"} <= set(exc.value.message_dict)
    screening.refresh_from_db()
    assert "labour.safety" not in screening.answers and _events("screening") == ["create"]


def test_an_answer_changed_by_hand_is_no_longer_from_the_chain(stream, world):
    manager = world.users["manager"]
    screening = services.screening_start(by=manager, stream=stream)
    services.screening_answer(by=manager, screening=screening, answers={"transport.distance": "90"})
    screening.refresh_from_db()
    assert screening.answers["transport.distance"] == 90.0
    assert "transport.distance" not in screening.from_chain and "feedstock.transport_mode" in screening.from_chain


def test_complete_rates_with_the_engine_unknown_stays_unknown(stream, world):
    """Given the chain's answers, the chain's reach corrected by hand to the first collector (medium), 2
    intermediaries (low), 200 km (medium), mixed transport (medium), and nothing on labour or certification:
    feedstock medium, origin medium, transport medium, labour unknown, certification unknown; overall unknown
    (never low), and the missing answers are what to ask the supplier."""
    manager = world.users["manager"]
    screening = services.screening_start(by=manager, stream=stream)
    services.screening_answer(by=manager, screening=screening, answers={"origin.chain_known": "first_collector"})
    done = services.screening_complete(by=manager, screening=screening, screened_on=datetime.date(2025, 6, 1))
    assert done.overall == "unknown" and done.status == "completed" and done.screened_on == datetime.date(2025, 6, 1)
    ratings = {c["id"]: c["rating"] for c in done.result["criteria"]}
    assert ratings == {"feedstock": "medium", "origin": "medium", "transport": "medium", "labour": "unknown",
                       "certification": "unknown"}
    assert done.result["missing"] == ["labour.child_forced", "labour.safety", "certification.scheme"]
    mitigations = {q["id"]: q["mitigation"] for c in done.result["criteria"] for q in c["questions"]}
    assert mitigations["feedstock.transport_mode"] == {"en": "Consider barge or rail."} and mitigations["origin.intermediaries"] == {}
    assert _events("screening") == ["create", "update", "update"]


def test_the_chains_high_risk_reach_makes_it_high(stream, world):
    """Only its own supplier named (high) outranks the unknowns: overall high."""
    manager = world.users["manager"]
    done = services.screening_complete(by=manager, screening=services.screening_start(by=manager, stream=stream))
    assert done.overall == "high" and {c["id"]: c["rating"] for c in done.result["criteria"]}["origin"] == "high"


def test_a_knockout_makes_it_high(stream, world):
    manager = world.users["manager"]
    screening = services.screening_start(by=manager, stream=stream)
    services.screening_answer(by=manager, screening=screening, answers={
        "origin.chain_known": "primary_producer", "labour.child_forced": "evidence", "labour.safety": "managed",
        "certification.scheme": "fsc"})
    done = services.screening_complete(by=manager, screening=screening)
    assert done.overall == "high" and done.result["knockouts"] == ["labour.child_forced"]


def test_data_entry_answers_but_does_not_complete(stream, world):
    entry = world.users["data_entry"]
    screening = services.screening_start(by=entry, stream=stream)
    services.screening_answer(by=entry, screening=screening, answers={"labour.safety": "managed"})
    with pytest.raises(PermissionDenied):
        services.screening_complete(by=entry, screening=screening)
    screening.refresh_from_db()
    assert screening.status == "draft" and screening.overall == "" and _events("screening") == ["create", "update"]


def test_a_completed_screening_is_locked_and_a_second_draft_is_refused(stream, world):
    manager = world.users["manager"]
    screening = services.screening_start(by=manager, stream=stream)
    with pytest.raises(ValidationError):
        services.screening_start(by=manager, stream=stream)
    services.screening_complete(by=manager, screening=screening)
    with pytest.raises(ValidationError) as exc:
        services.screening_answer(by=manager, screening=screening, answers={"labour.safety": "managed"})
    assert "status" in exc.value.message_dict
    assert Screening.objects.count() == 1


def test_a_future_screening_date_is_refused(stream, world):
    manager = world.users["manager"]
    screening = services.screening_start(by=manager, stream=stream)
    with pytest.raises(ValidationError) as exc:
        services.screening_complete(by=manager, screening=screening, screened_on=datetime.date.today() + datetime.timedelta(days=2))
    assert "screened_on" in exc.value.message_dict
    screening.refresh_from_db()
    assert screening.status == "draft"


def test_a_repeat_copies_the_answers_and_takes_the_chain_as_it_is_now(stream, world):
    """The supplier improves: the collector is documented. The repeat keeps the hand answers, takes the chain's
    new answers (named back to the primary producer), and the rating goes from high to low."""
    manager = world.users["manager"]
    first = services.screening_start(by=manager, stream=stream)
    services.screening_answer(by=manager, screening=first, answers={"labour.child_forced": "none_audited",
                                                                   "labour.safety": "managed", "certification.scheme": "none"})
    first = services.screening_complete(by=manager, screening=first, screened_on=datetime.date(2025, 1, 10))
    assert first.overall == "high"
    # while the collector is undocumented, the chain says the labour answers cannot be known: they start empty
    second = services.screening_start(by=manager, stream=stream)
    assert "labour.child_forced" not in second.answers and second.answers["certification.scheme"] == "none"
    services.screening_delete(by=manager, screening=second)
    collector = ChainStep.objects.get(stream=stream, role="collector")
    services.step_update(by=manager, step=collector, data={"known": True, "name": "Cho Moi collectors"})
    third = services.screening_start(by=manager, stream=stream)
    assert third.previous_id == first.pk
    assert third.answers["origin.chain_known"] == "primary_producer" and third.answers["labour.child_forced"] == "none_audited"
    services.screening_answer(by=manager, screening=third, answers={"certification.scheme": "fsc", "transport.distance": 80,
                                                                   "feedstock.transport_mode": "barge"})
    third = services.screening_complete(by=manager, screening=third, screened_on=datetime.date(2025, 9, 1))
    assert third.overall == "low"
    assert _events("screening") == ["create", "update", "update", "create", "delete", "create", "update", "update"]


def test_the_shipped_framework_takes_the_chains_answers(stream, world, monkeypatch):
    """Against the shipped biomass_screening (not the tests' one): the chain pre-fills its questions, and a
    completed screening with only those is rated: only its own supplier named is high there too."""
    from loomlight.calc.assessment.builtin import builtin

    monkeypatch.setattr(services, "framework", lambda version=None: builtin("biomass_screening", version))
    manager = world.users["manager"]
    screening = services.screening_start(by=manager, stream=stream)
    assert screening.framework_version == builtin("biomass_screening").version
    assert screening.answers == {"origin.chain_known": "own_supplier_only", "origin.intermediaries": 2.0,
                                 "transport.distance": 200.0, "feedstock.transport_mode": "mixed"}
    done = services.screening_complete(by=manager, screening=screening)
    assert done.overall == "high" and "labour.child_forced" in done.result["missing"]
