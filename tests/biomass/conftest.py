"""Fixtures of the biomass tests: the screening framework of the tests (screening_mini.yaml, a risk framework
with the chain's questions) in place of the shipped one, and a stream of Own Dyehouse with a three-step chain."""

from __future__ import annotations

from pathlib import Path

import pytest

from loomlight.calc.assessment import load

MINI = load((Path(__file__).parent / "screening_mini.yaml").read_text(encoding="utf-8"), "biomass_screening-test.1.yaml")


@pytest.fixture(autouse=True)
def mini_framework(monkeypatch):
    from loomlight.biomass import services

    monkeypatch.setattr(services, "framework", lambda version=None: MINI)
    return MINI


@pytest.fixture
def stream(world):
    """Own Dyehouse buys rice husk from "Mekong Husk Trading" (trader), collected by a known mill (the origin,
    120 km by road to the trader) through an undocumented collector (30 km by waterway)."""
    from loomlight.biomass import services

    manager = world.users["manager"]
    trader = services.supplier_create(by=manager, facility=world.own, data={"name": "Mekong Husk Trading", "country": "VN",
                                                                           "province": "An Giang", "role": "trader"})
    stream = services.stream_create(by=manager, facility=world.own, data={"supplier": trader, "biomass_type": "rice_husk"})
    services.step_add(by=manager, stream=stream, data={"role": "producer", "name": "Long Xuyen rice mill", "known": True,
                                                        "distance_km": 120, "mode": "road", "country": "VN"})
    services.step_add(by=manager, stream=stream, data={"role": "collector", "name": "", "known": False,
                                                        "distance_km": 30, "mode": "waterway"})
    services.step_add(by=manager, stream=stream, data={"role": "trader", "name": "Mekong Husk Trading", "known": True,
                                                        "distance_km": 50, "mode": "road"})
    return stream
