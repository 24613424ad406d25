"""The chemical inventory: declarations required for a claimed level, use in any mass unit, the share, access."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.chemicals import selectors, services
from loomlight.chemicals.models import ChemicalProduct, ChemicalUse
from tests.calc.test_units import HOSTILE_UNITS


def _product(world, **data):
    base = {"name": "Reactive Red 195", "supplier": "ChemCo", "mrsl_level": 2, "declaration_reference": "GW-123",
            "declaration_valid_until": datetime.date(2026, 1, 31)}
    base.update(data)
    return services.chemical_product_save(by=world.users["data_entry"], facility=world.own, data=base)


def test_a_claimed_level_needs_its_declaration(world):
    with pytest.raises(ValidationError) as exc_info:
        _product(world, declaration_reference="", declaration_valid_until=None)
    assert "declaration_reference" in exc_info.value.message_dict
    assert not ChemicalProduct.objects.exists()


def test_bad_hazard_codes_are_refused(world):
    with pytest.raises(ValidationError) as exc_info:
        _product(world, hazard_statements="toxic!")
    assert "hazard_statements" in exc_info.value.message_dict
    assert _product(world, hazard_statements="H315, H319").hazard_statements == "H315, H319"


def test_use_in_tonnes_is_stored_in_kg_and_the_share_is_by_mass(world):
    red = _product(world)
    salt = _product(world, name="Salt", supplier="SaltCo", mrsl_level=0, declaration_reference="", declaration_valid_until=None)
    soft = _product(world, name="Softener", declaration_valid_until=datetime.date(2025, 3, 31))
    services.chemical_use_set(by=world.users["data_entry"], product=red, period=datetime.date(2025, 5, 1), value="0.6", unit="t")
    services.chemical_use_set(by=world.users["data_entry"], product=salt, period=datetime.date(2025, 5, 1), value=150, unit="kg")
    services.chemical_use_set(by=world.users["data_entry"], product=soft, period=datetime.date(2025, 5, 1), value=250, unit="kg")
    assert ChemicalUse.objects.get(product=red).quantity_kg == 600.0
    data = selectors.inventory(world.own, 2025, on=datetime.date(2025, 6, 30))
    # 600 kg with a valid declaration of 1,000 kg used = 60 %; the softener's declaration expired on 2025-03-31
    assert data["total_kg"] == 1000.0
    assert data["conformant_share"] == pytest.approx(0.6)
    assert [r["product"].name for r in data["attention"]] == ["Softener"]


def test_wrong_unit_and_permissions(world):
    red = _product(world)
    with pytest.raises(ValidationError) as exc_info:
        services.chemical_use_set(by=world.users["data_entry"], product=red, period=datetime.date(2025, 5, 1), value=1, unit="L")
    assert "unit" in exc_info.value.message_dict
    with pytest.raises(PermissionDenied):
        services.chemical_use_set(by=world.users["assessor"], product=red, period=datetime.date(2025, 5, 1), value=1, unit="kg")


@pytest.mark.parametrize("user,status", [("manager", 200), ("assessor", 200), ("brand", 404), ("park_operator", 404)])
def test_page_access(client, world, user, status):
    client.force_login(world.users[user])
    assert client.get(reverse("chemicals:facility_year", args=[world.own.pk, 2025])).status_code == status


def test_page_forms(client, world):
    client.force_login(world.users["data_entry"])
    url = reverse("chemicals:facility_year", args=[world.own.pk, 2025])
    response = client.post(url, {"name": "Fixer", "supplier": "ChemCo", "use_area": "production", "mrsl_level": 1,
                                 "declaration_reference": "GW-9", "declaration_valid_until": "2026-06-30"})
    assert response.status_code == 302
    fixer = ChemicalProduct.objects.get(name="Fixer")
    response = client.post(url, {"product": fixer.pk, "month": 4, "value": "120", "unit": "kg"})
    assert response.status_code == 302
    assert ChemicalUse.objects.get(product=fixer).period == datetime.date(2025, 4, 1)
    body = client.get(url).content.decode()
    assert 'data-testid="conformant-share">100 %' in body


@pytest.mark.parametrize("unit", HOSTILE_UNITS, ids=["9**9**9", "10**2500001", "kg**99999999", "10000-chars", "1e999999"])
def test_use_in_a_hostile_unit_is_refused_at_once_naming_the_field(world, unit):
    red = _product(world)
    # when a month's use is given in a unit built to make pint compute
    started = time.perf_counter()
    with pytest.raises(ValidationError) as exc_info:
        services.chemical_use_set(by=world.users["data_entry"], product=red, period=datetime.date(2025, 5, 1), value=1, unit=unit)
    # then it is refused on "unit" at once (before the allow-list: minutes for kWh*9**9**9), and nothing is stored
    assert time.perf_counter() - started < 2.0
    assert list(exc_info.value.message_dict) == ["unit"]
    assert exc_info.value.message_dict["unit"][0].startswith("Unknown unit “")
    assert not ChemicalUse.objects.exists()
    assert not AuditEvent.objects.filter(object_type="chemicals.chemicaluse").exists()


def test_use_form_refuses_a_hostile_unit_beside_the_field(client, world):
    red = _product(world)
    client.force_login(world.users["data_entry"])
    response = client.post(reverse("chemicals:facility_year", args=[world.own.pk, 2025]),
                           {"product": red.pk, "month": 4, "value": "120", "unit": "kg**99999999"})
    assert response.status_code == 200
    assert any(e.startswith("Unknown unit “kg**99999999”") for e in response.context["use_form"].errors["unit"])
    assert not ChemicalUse.objects.exists()
